//! Masks personal data before it reaches the log: enough to recognise a value, not to read it.

/// `jane.doe@example.net` becomes `j***@e***.net`.
pub fn email_address(address: &str) -> String {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return first_char_then_stars(address);
    };
    let (host, tld) = match domain.rsplit_once('.') {
        Some((host, tld)) => (host, format!(".{tld}")),
        None => (domain, String::new()),
    };
    format!(
        "{}@{}{tld}",
        first_char_then_stars(local),
        first_char_then_stars(host)
    )
}

/// A server's reply made safe for the log: addresses in it masked, control characters
/// escaped (a hostile server must not be able to forge log lines or drive the terminal).
pub fn server_reply(reply: &str) -> String {
    let masked: Vec<String> = reply
        .split(' ')
        .map(|word| {
            if word.contains('@') {
                let trimmed = word.trim_matches(|c| matches!(c, '<' | '>' | ':' | ',' | ';'));
                word.replace(trimmed, &email_address(trimmed))
            } else {
                word.to_owned()
            }
        })
        .collect();
    masked.join(" ").escape_debug().to_string()
}

/// `+447700900123` becomes `+44*******23`: the country is kept, the subscriber is not.
pub fn phone_number(number: &str) -> String {
    let characters: Vec<char> = number.chars().collect();
    if characters.len() <= 6 {
        return "***".to_owned();
    }
    let head: String = characters[..3].iter().collect();
    let tail: String = characters[characters.len() - 2..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(characters.len() - 5))
}

fn first_char_then_stars(value: &str) -> String {
    match value.chars().next() {
        Some(first) => format!("{first}***"),
        None => "***".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_keeps_first_letters_and_top_level_domain() {
        assert_eq!(email_address("jane.doe@example.net"), "j***@e***.net");
    }

    #[test]
    fn address_without_dot_in_domain_is_masked_whole() {
        assert_eq!(email_address("root@localhost"), "r***@l***");
    }

    #[test]
    fn addresses_in_a_server_reply_are_masked() {
        assert_eq!(
            server_reply("554 5.7.1 <jane.doe@other.test>: Relay access denied"),
            "554 5.7.1 <j***@o***.test>: Relay access denied"
        );
    }

    #[test]
    fn control_characters_in_a_server_reply_are_escaped() {
        assert_eq!(
            server_reply("250 ok\u{1b}[2J\r\nforged"),
            "250 ok\\u{1b}[2J\\r\\nforged"
        );
    }

    #[test]
    fn text_without_at_sign_is_masked() {
        assert_eq!(email_address("nonsense"), "n***");
        assert_eq!(email_address(""), "***");
    }
}
