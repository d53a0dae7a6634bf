//! The Messaging › SMS Gateway page: which gateway carries SMS, its settings, Save, Send Test
//! SMS and Reset.

#[cfg(feature = "sms-page")]
mod editor;
#[cfg(feature = "sms-page")]
mod kinds;
#[cfg(feature = "sms-page")]
mod reset;
#[cfg(any(feature = "smtp-page", feature = "sms-page"))]
mod test_sms;

#[cfg(feature = "smtp-page")]
pub(crate) use test_sms::TestSmsDialog;

#[cfg(feature = "sms-page")]
use crate::api::load_sms_gateway;
#[cfg(feature = "sms-page")]
use leptos::prelude::*;

/// Administration › External Servers › Messaging Setup › SMS Gateway.
#[cfg(feature = "sms-page")]
#[component]
pub fn SmsGatewayPage() -> impl IntoView {
    let saved = Resource::new(|| (), |_| load_sms_gateway());
    view! {
        <nav class="breadcrumb" aria-label="Breadcrumb">
            <span>"Administration"</span>
            <span>"External Servers"</span>
            <a href="/messaging/smtp">"Messaging Setup"</a>
            <span aria-current="page">"SMS Gateway"</span>
        </nav>
        <div class="page-heading">
            <h1>"Messaging › SMS Gateway"</h1>
            <a class="page-link" href="/messaging/smtp">"SMTP Server settings"</a>
        </div>
        <p class="intro">
            "The gateway that carries SMS notifications, such as guest credentials. Choose the "
            "kind your provider offers; settings are checked as you type and again when saved."
        </p>
        <Suspense fallback=|| view! { <p class="loading">"Loading the saved gateway…"</p> }>
            {move || Suspend::new(async move {
                match saved.await {
                    Ok(stored) => view! { <editor::SmsEditor stored/> }.into_any(),
                    Err(error) => view! {
                        <div class="banner error" role="alert">
                            "The saved gateway could not be loaded. " {error.to_string()}
                        </div>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}
