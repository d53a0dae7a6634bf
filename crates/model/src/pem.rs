//! A first look at a pasted CA certificate: one or more PEM `CERTIFICATE` blocks and nothing
//! else. The server parses the certificates themselves before storing them.

/// Most text accepted in the CA certificate box (a long chain is a few kilobytes).
pub const MAX_PEM_BYTES: usize = 64 * 1024;

const BEGIN: &str = "-----BEGIN ";
const DASHES: &str = "-----";

/// Checks the structure of pasted PEM text and returns how many certificates it holds.
pub fn check_certificates(pem: &str) -> Result<usize, String> {
    if pem.len() > MAX_PEM_BYTES {
        return Err(format!(
            "The certificate text is larger than {} KiB",
            MAX_PEM_BYTES / 1024
        ));
    }
    let mut count = 0;
    let mut lines = pem.lines().map(str::trim).filter(|line| !line.is_empty());
    while let Some(line) = lines.next() {
        let label = line
            .strip_prefix(BEGIN)
            .and_then(|rest| rest.strip_suffix(DASHES))
            .ok_or("Paste PEM text starting with -----BEGIN CERTIFICATE-----")?;
        if label.contains("PRIVATE KEY") {
            return Err(
                "This is a private key. Paste the CA's certificate, never a key".to_owned(),
            );
        }
        if label != "CERTIFICATE" {
            return Err(format!("Expected a CERTIFICATE block, found {label}"));
        }
        let end = format!("-----END {label}-----");
        let mut body_len = 0;
        loop {
            let body = lines
                .next()
                .ok_or("The certificate has no -----END CERTIFICATE----- line")?;
            if body == end {
                break;
            }
            if !body
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
            {
                return Err("The certificate body is not valid base64 text".to_owned());
            }
            body_len += body.len();
        }
        if body_len == 0 {
            return Err("The certificate block is empty".to_owned());
        }
        count += 1;
    }
    if count == 0 {
        return Err("Paste PEM text starting with -----BEGIN CERTIFICATE-----".to_owned());
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str =
        "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\nAA==\n-----END CERTIFICATE-----\n";

    #[test]
    fn one_certificate_is_counted() {
        assert_eq!(check_certificates(ONE), Ok(1));
    }

    #[test]
    fn a_chain_of_two_is_counted() {
        assert_eq!(check_certificates(&format!("{ONE}\n{ONE}")), Ok(2));
    }

    #[test]
    fn private_key_is_refused() {
        let key = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        assert!(check_certificates(key).unwrap_err().contains("private key"));
    }

    #[test]
    fn missing_end_line_is_reported() {
        assert!(
            check_certificates("-----BEGIN CERTIFICATE-----\nAAAA\n")
                .unwrap_err()
                .contains("END")
        );
    }

    #[test]
    fn non_pem_text_is_refused() {
        assert!(
            check_certificates("hello")
                .unwrap_err()
                .contains("BEGIN CERTIFICATE")
        );
    }

    #[test]
    fn body_with_foreign_characters_is_refused() {
        let bad = "-----BEGIN CERTIFICATE-----\nAA$A\n-----END CERTIFICATE-----\n";
        assert!(check_certificates(bad).unwrap_err().contains("base64"));
    }
}
