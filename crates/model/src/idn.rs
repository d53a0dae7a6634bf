//! Converts internationalised host names (`bücher.example`) to their ASCII form
//! (`xn--bcher-kva.example`).
//!
//! The server uses the `idna` crate (feature `idna`). The browser build asks the browser's own
//! URL parser instead, which applies the same UTS #46 processing and keeps megabytes of Unicode
//! tables out of the WASM. A build with neither cannot convert and says so.

/// Why a name could not be converted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdnError {
    /// The name is not a valid internationalised domain name.
    Invalid,
    /// This build has no converter (neither the `idna` feature nor a browser).
    Unsupported,
}

/// The ASCII (punycode) form of a Unicode host name, lowercased.
pub fn domain_to_ascii(name: &str) -> Result<String, IdnError> {
    convert(name)
}

#[cfg(feature = "idna")]
fn convert(name: &str) -> Result<String, IdnError> {
    idna::domain_to_ascii_strict(name).map_err(|_| IdnError::Invalid)
}

#[cfg(all(not(feature = "idna"), target_arch = "wasm32"))]
fn convert(name: &str) -> Result<String, IdnError> {
    if name.contains(['/', '?', '#', '@', ':', '%', '\\', ' ']) {
        return Err(IdnError::Invalid);
    }
    let url = web_sys::Url::new(&format!("http://{name}/")).map_err(|_| IdnError::Invalid)?;
    Ok(url.hostname())
}

#[cfg(all(not(feature = "idna"), not(target_arch = "wasm32")))]
fn convert(_name: &str) -> Result<String, IdnError> {
    Err(IdnError::Unsupported)
}

#[cfg(all(test, feature = "idna"))]
mod tests {
    use super::*;

    #[test]
    fn unicode_names_become_punycode() {
        assert_eq!(
            domain_to_ascii("bücher.example").unwrap(),
            "xn--bcher-kva.example"
        );
    }

    #[test]
    fn uppercase_unicode_is_folded() {
        assert_eq!(
            domain_to_ascii("BÜCHER.example").unwrap(),
            "xn--bcher-kva.example"
        );
    }
}
