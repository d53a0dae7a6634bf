//! The Messaging › SMTP Server page: the settings form with Save, Send Test Email, Send Test
//! SMS and Reset, and the link to the SMS Gateway page.

mod editor;
mod reset;
mod test_email;

use crate::api::{load_sms_summary, load_smtp_settings};
use leptos::prelude::*;

/// Administration › External Servers › Messaging Setup.
#[component]
pub fn SmtpServerPage() -> impl IntoView {
    let saved = Resource::new(|| (), |_| load_smtp_settings());
    // Send Test SMS on this page uses the saved gateway; its page is one link away.
    let gateway = Resource::new(|| (), |_| load_sms_summary());
    view! {
        <nav class="breadcrumb" aria-label="Breadcrumb">
            <span>"Administration"</span>
            <span>"External Servers"</span>
            <span aria-current="page">"Messaging Setup"</span>
        </nav>
        <div class="page-heading">
            <h1>"Messaging › SMTP Server"</h1>
            <a class="page-link" href="/messaging/sms">"Configure SMS Gateway"</a>
        </div>
        <p class="intro">
            "The SMTP server that carries email notifications: guest credentials, alerts and "
            "reports. Settings are checked as you type and again when saved."
        </p>
        <Suspense fallback=|| view! { <p class="loading">"Loading the saved settings…"</p> }>
            {move || Suspend::new(async move {
                let sms_gateway = gateway.await.ok().flatten();
                match saved.await {
                    Ok(stored) => view! { <editor::SmtpEditor stored sms_gateway/> }.into_any(),
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
