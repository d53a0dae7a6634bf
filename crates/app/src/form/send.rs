//! The state of a send dialog (Send Test Email, Send Test SMS): the form, the request, and the
//! messages beside its fields, from the live check or from the server.

use crate::error::ConsoleError;
use leptos::prelude::*;
use model::{FieldErrors, FieldId};

/// `Copy`, because every part is a signal or an action.
pub struct SendDialog<F: Send + Sync + 'static, T: Send + Sync + 'static> {
    /// The dialog's fields as typed.
    pub form: RwSignal<F>,
    /// The request; its value is the last outcome.
    pub send: Action<F, Result<T, ConsoleError>>,
    show_errors: RwSignal<bool>,
    server_errors: RwSignal<FieldErrors>,
    check: Memo<Result<(), FieldErrors>>,
    live: fn(&F, FieldId) -> bool,
}

impl<F: Send + Sync + 'static, T: Send + Sync + 'static> Clone for SendDialog<F, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F: Send + Sync + 'static, T: Send + Sync + 'static> Copy for SendDialog<F, T> {}

impl<F, T> SendDialog<F, T>
where
    F: Clone + Send + Sync + 'static,
    T: Clone + Send + Sync + 'static,
{
    /// A dialog starting at `initial`, checked by `check`, sending with `send`. A field's live
    /// message shows once Send was pressed, or earlier where `live` says so. Each opening of
    /// the dialog starts clean: no result or messages from the previous test.
    pub fn new<Fut>(
        initial: F,
        open: RwSignal<bool>,
        check: impl Fn(&F) -> Result<(), FieldErrors> + Send + Sync + 'static,
        live: fn(&F, FieldId) -> bool,
        send: impl Fn(F) -> Fut + Send + Sync + 'static,
    ) -> Self
    where
        Fut: std::future::Future<Output = Result<T, ConsoleError>> + Send + 'static,
    {
        let form = RwSignal::new(initial);
        let send = Action::new(move |form: &F| send(form.clone()));
        let dialog = SendDialog {
            form,
            send,
            show_errors: RwSignal::new(false),
            server_errors: RwSignal::new(FieldErrors::new()),
            check: Memo::new(move |_| form.with(&check)),
            live,
        };
        let outcome = send.value();
        Effect::new(move |_| {
            if let Some(Err(ConsoleError::Invalid(errors))) = outcome.get() {
                dialog.server_errors.set(errors);
            }
        });
        Effect::new(move |was_open: Option<bool>| {
            let is_open = open.get();
            if is_open && was_open == Some(false) {
                outcome.set(None);
                dialog.show_errors.set(false);
                dialog.server_errors.set(FieldErrors::new());
            }
            is_open
        });
        dialog
    }

    /// The message beside `field`.
    pub fn error(self, field: FieldId) -> Signal<Option<String>> {
        Signal::derive(move || {
            let from_server = self.server_errors.with(|e| e.get(field).map(str::to_owned));
            if from_server.is_some() {
                return from_server;
            }
            let live = self.form.with(|form| (self.live)(form, field));
            if !self.show_errors.get() && !live {
                return None;
            }
            self.check.with(|c| {
                c.as_ref()
                    .err()
                    .and_then(|e| e.get(field))
                    .map(str::to_owned)
            })
        })
    }

    /// Applies an edit of `field`; the server's message about it no longer applies.
    pub fn edit(self, field: FieldId, change: impl FnOnce(&mut F)) {
        self.form.update(change);
        self.server_errors.update(|e| e.remove(field));
    }

    /// Send: shows every message, and sends when the form passes.
    pub fn submit(self, event: leptos::ev::SubmitEvent) {
        event.prevent_default();
        self.show_errors.set(true);
        self.server_errors.set(FieldErrors::new());
        if self.check.get_untracked().is_ok() {
            self.send.dispatch(self.form.get_untracked());
        }
    }
}
