//! The browser entry point. The server renders the page; `hydrate` attaches the application to
//! that HTML so the form and dialogs become interactive.

use wasm_bindgen::prelude::wasm_bindgen;

/// Called by the page's hydration script once the WASM has loaded.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
