//! The state every settings form shares.

use super::{Notice, focus};
use leptos::prelude::*;
use model::{FieldErrors, FieldId};

/// The state every settings form shares: what is typed, which fields were edited, the live
/// check of the shared model rules, the server's answer to the last save and the banner.
/// `Copy`, because every part is a signal.
pub struct FormState<F: Send + Sync + 'static> {
    /// The form as typed.
    pub form: RwSignal<F>,
    /// The banner above the buttons.
    pub notice: RwSignal<Option<Notice>>,
    touched: RwSignal<Vec<FieldId>>,
    show_all: RwSignal<bool>,
    server_errors: RwSignal<FieldErrors>,
    check: Memo<Result<(), FieldErrors>>,
}

impl<F: Send + Sync + 'static> Clone for FormState<F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F: Send + Sync + 'static> Copy for FormState<F> {}

impl<F: Clone + Send + Sync + 'static> FormState<F> {
    /// A form starting at `initial`, checked live by `check`.
    pub fn new(
        initial: F,
        check: impl Fn(&F) -> Result<(), FieldErrors> + Send + Sync + 'static,
    ) -> FormState<F> {
        let form = RwSignal::new(initial);
        FormState {
            form,
            notice: RwSignal::new(None),
            touched: RwSignal::new(Vec::new()),
            show_all: RwSignal::new(false),
            server_errors: RwSignal::new(FieldErrors::new()),
            check: Memo::new(move |_| form.with(&check)),
        }
    }

    /// The message beside `field`: the server's, else the live check's once the field was
    /// edited (or Save was pressed).
    pub fn error(self, field: FieldId) -> Signal<Option<String>> {
        Signal::derive(move || {
            let from_server = self.server_errors.with(|e| e.get(field).map(str::to_owned));
            if from_server.is_some() {
                return from_server;
            }
            if !self.show_all.get() && !self.touched.with(|t| t.contains(&field)) {
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

    /// Applies an edit of `field`: its server message and the last banner no longer apply.
    pub fn edit(self, field: FieldId, change: impl FnOnce(&mut F)) {
        self.form.update(change);
        if self.notice.with_untracked(Option::is_some) {
            self.notice.set(None);
        }
        self.server_errors.update(|errors| errors.remove(field));
        if !self.touched.with_untracked(|t| t.contains(&field)) {
            self.touched.update(|t| t.push(field));
        }
    }

    /// On Save: shows every field's message. The form when it may be sent; else `None`, a
    /// banner counts the fields to fix and the focus goes to the first.
    pub fn check_all(self) -> Option<F> {
        self.show_all.set(true);
        self.notice.set(None);
        match self.check.get_untracked() {
            Ok(()) => Some(self.form.get_untracked()),
            Err(errors) => {
                let message = match errors.iter().count() {
                    1 => "Not saved: one field needs attention.".to_owned(),
                    count => format!("Not saved: {count} fields need attention."),
                };
                self.notice.set(Some(Notice::Failure(message)));
                if let Some(first) = errors.iter().next() {
                    focus(first.field.id());
                }
                None
            }
        }
    }

    /// After a successful save or a reset: `form` on screen, no message shown.
    pub fn settle(self, form: F, notice: Option<Notice>) {
        self.form.set(form);
        self.touched.set(Vec::new());
        self.show_all.set(false);
        self.server_errors.set(FieldErrors::new());
        self.notice.set(notice);
    }

    /// After a refused save: the server's messages beside their fields.
    pub fn refused(self, error: crate::error::ConsoleError) {
        match error {
            crate::error::ConsoleError::Invalid(errors) => {
                self.server_errors.set(errors);
                self.notice.set(Some(Notice::Failure(
                    "Not saved: correct the fields marked below.".to_owned(),
                )));
            }
            other => self
                .notice
                .set(Some(Notice::Failure(format!("Not saved. {other}")))),
        }
    }
}
