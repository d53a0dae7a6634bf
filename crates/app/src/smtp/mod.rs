//! The Messaging › SMTP Server page: the settings form with Save, Send Test Email and Reset.

mod editor;
mod reset;
mod test_email;

use crate::api::load_smtp_settings;
use leptos::prelude::*;

/// Administration › External Servers › Messaging Setup.
#[component]
pub fn SmtpServerPage() -> impl IntoView {
    let saved = Resource::new(|| (), |_| load_smtp_settings());
    view! {
        <nav class="breadcrumb" aria-label="Breadcrumb">
            <span>"Administration"</span>
            <span>"External Servers"</span>
            <span aria-current="page">"Messaging Setup"</span>
        </nav>
        <div class="page-heading">
            <h1>"Messaging › SMTP Server"</h1>
        </div>
        <p class="intro">
            "The SMTP server that carries email notifications: guest credentials, alerts and "
            "reports. Settings are checked as you type and again when saved."
        </p>
        <Suspense fallback=|| view! { <p class="loading">"Loading the saved settings…"</p> }>
            {move || Suspend::new(async move {
                match saved.await {
                    Ok(stored) => view! { <editor::SmtpEditor stored/> }.into_any(),
                    Err(error) => view! {
                        <div class="banner error" role="alert">
                            "The saved settings could not be loaded. " {error.to_string()}
                        </div>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}
