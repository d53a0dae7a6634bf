//! TLS trust for SMTP: the public web PKI roots plus, optionally, the admin's own CA for a
//! private relay. Certificates are always verified; there is no switch to turn that off.

use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject as _;
use std::sync::Arc;

/// Why a pasted CA certificate cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CaError {
    /// The PEM text does not decode into certificates.
    #[error("the text does not contain a readable certificate")]
    Unreadable,
    /// A certificate decoded but is not usable as a trust anchor.
    #[error("certificate {index} cannot be used as a trusted CA: {reason}")]
    NotAnchor {
        /// One-based position in the pasted text.
        index: usize,
        /// Why.
        reason: String,
    },
}

/// Parses every certificate of a PEM text.
pub fn parse_ca_pem(pem: &str) -> Result<Vec<CertificateDer<'static>>, CaError> {
    let certificates: Vec<_> = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<_, _>>()
        .map_err(|_| CaError::Unreadable)?;
    if certificates.is_empty() {
        return Err(CaError::Unreadable);
    }
    Ok(certificates)
}

/// Checks that a pasted CA certificate can really be trusted, as done before it is stored.
pub fn check_ca_pem(pem: &str) -> Result<usize, CaError> {
    let mut roots = RootCertStore::empty();
    let certificates = parse_ca_pem(pem)?;
    for (index, certificate) in certificates.iter().enumerate() {
        roots
            .add(certificate.clone())
            .map_err(|error| CaError::NotAnchor {
                index: index + 1,
                reason: anchor_problem(&error),
            })?;
    }
    Ok(certificates.len())
}

/// Words for why a certificate cannot serve as a trust anchor.
fn anchor_problem(error: &rustls::Error) -> String {
    match error {
        rustls::Error::InvalidCertificate(rustls::CertificateError::BadEncoding) => {
            "it is not a valid X.509 certificate (damaged or incomplete text?)".to_owned()
        }
        other => format!("it was refused ({other})"),
    }
}

/// Client configuration trusting the public roots and the given extra CA certificates.
pub fn client_config(ca_pem: Option<&str>) -> Result<Arc<rustls::ClientConfig>, CaError> {
    let mut roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(pem) = ca_pem {
        for (index, certificate) in parse_ca_pem(pem)?.into_iter().enumerate() {
            roots.add(certificate).map_err(|error| CaError::NotAnchor {
                index: index + 1,
                reason: anchor_problem(&error),
            })?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("the ring provider supports the default TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// lettre's parameters for STARTTLS with the same trust as [`client_config`].
pub fn starttls_parameters(
    host: &str,
    ca_pem: Option<&str>,
) -> Result<lettre::transport::smtp::client::TlsParameters, CaError> {
    use lettre::transport::smtp::client::{Certificate, TlsParameters};
    let mut builder = TlsParameters::builder(host.to_owned());
    if let Some(pem) = ca_pem {
        for der in parse_ca_pem(pem)? {
            let certificate =
                Certificate::from_der(der.to_vec()).map_err(|error| CaError::NotAnchor {
                    index: 1,
                    reason: error.to_string(),
                })?;
            builder = builder.add_root_certificate(certificate);
        }
    }
    builder.build_rustls().map_err(|error| CaError::NotAnchor {
        index: 1,
        reason: error.to_string(),
    })
}

/// Words an admin can act on for a certificate rustls refused.
pub fn describe_certificate_error(error: &rustls::CertificateError) -> String {
    use rustls::CertificateError as E;
    match error {
        E::UnknownIssuer => "the certificate was issued by an unknown CA (unknown issuer): \
                             paste the server's CA certificate under Trusted CA certificate"
            .to_owned(),
        E::NotValidForName | E::NotValidForNameContext { .. } => {
            "the certificate does not match the server name (name mismatch): use the name the \
             certificate was issued for"
                .to_owned()
        }
        E::Expired | E::ExpiredContext { .. } => "the certificate has expired".to_owned(),
        E::NotValidYet | E::NotValidYetContext { .. } => {
            "the certificate is not valid yet (check the clocks)".to_owned()
        }
        E::Revoked => "the certificate has been revoked".to_owned(),
        E::BadSignature => "the certificate's signature is invalid".to_owned(),
        E::InvalidPurpose | E::InvalidPurposeContext { .. } => {
            "the certificate is not meant for a server".to_owned()
        }
        other => format!("the certificate was refused ({other:?})"),
    }
}
