//! Templates of the generic HTTP and email-to-SMS gateways: text with placeholders such as
//! `{number}` and `{message}`, each filled in with the escaping of the place it lands in.
//!
//! A `+`, a quote, a line break or a non-Latin letter in the message must reach the gateway
//! intact, so a value is never pasted in raw: in a URL or a form body it is percent-encoded
//! (UTF-8, everything but letters, digits and `-._~`), in JSON it becomes the inside of a JSON
//! string, and only a plain-text body takes it as it is.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A value a template can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Placeholder {
    /// The recipient in E.164 form, with its `+`: `+447700900123`.
    Number,
    /// The recipient's digits without the `+`: `447700900123`.
    NumberDigits,
    /// The text of the SMS.
    Message,
    /// The configured sender; empty when none is set.
    Sender,
}

impl Placeholder {
    /// Every placeholder, in the order the page lists them.
    pub const ALL: [Placeholder; 4] = [
        Placeholder::Number,
        Placeholder::NumberDigits,
        Placeholder::Message,
        Placeholder::Sender,
    ];

    /// Its name between the braces.
    pub fn name(self) -> &'static str {
        match self {
            Placeholder::Number => "number",
            Placeholder::NumberDigits => "number_digits",
            Placeholder::Message => "message",
            Placeholder::Sender => "sender",
        }
    }

    /// All placeholders as the page lists them: `{number}, {number_digits}, …`.
    pub fn list() -> String {
        let names: Vec<String> = Self::ALL
            .iter()
            .map(|p| format!("{{{}}}", p.name()))
            .collect();
        names.join(", ")
    }

    fn from_name(name: &str) -> Option<Placeholder> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// Where a filled-in value lands, which decides how it is escaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Escaping {
    /// A URL path or query, or an `application/x-www-form-urlencoded` body: percent-encoded.
    Percent,
    /// Inside a JSON string: quotes, backslashes and control characters escaped.
    JsonString,
    /// A plain-text body: as it is.
    Raw,
}

/// The values a template is filled in with.
#[derive(Clone, Copy, Debug)]
pub struct TemplateValues<'a> {
    /// The recipient in E.164 form, with `+`.
    pub number: &'a str,
    /// The message.
    pub message: &'a str,
    /// The sender, or empty.
    pub sender: &'a str,
}

impl TemplateValues<'_> {
    /// Values used to check that a template works before anything is sent: a `+`, quotes, a
    /// line break, `&`, `=` and non-Latin letters, everything escaping must get right.
    pub const SAMPLE: TemplateValues<'static> = TemplateValues {
        number: "+447700900123",
        message: "Test \"1\" & 2 = 3?\nΓειά σου, мир + 😀",
        sender: "Console",
    };

    fn get(&self, placeholder: Placeholder) -> &str {
        match placeholder {
            Placeholder::Number => self.number,
            Placeholder::NumberDigits => self.number.trim_start_matches('+'),
            Placeholder::Message => self.message,
            Placeholder::Sender => self.sender,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Text(String),
    Value(Placeholder),
}

/// A parsed template. Braces always open a placeholder; `{{` and `}}` stand for literal braces,
/// which JSON bodies need.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Template {
    source: String,
    parts: Vec<Part>,
}

impl Template {
    /// Parses `source`, naming the first unknown or unclosed placeholder.
    pub fn parse(source: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut rest = source;
        while let Some(position) = rest.find(['{', '}']) {
            text.push_str(&rest[..position]);
            let after = &rest[position..];
            if let Some(tail) = after.strip_prefix("{{") {
                text.push('{');
                rest = tail;
            } else if let Some(tail) = after.strip_prefix("}}") {
                text.push('}');
                rest = tail;
            } else if after.starts_with('}') {
                return Err("A '}' closes no placeholder: write a literal } as }}".to_owned());
            } else {
                let Some(end) = after.find('}') else {
                    return Err(format!(
                        "A '{{' opens a placeholder that is never closed: use one of {}, or \
                         write a literal {{ as {{{{",
                        Placeholder::list()
                    ));
                };
                let name = &after[1..end];
                let Some(placeholder) = Placeholder::from_name(name.trim()) else {
                    return Err(format!(
                        "Unknown placeholder {{{}}}: use one of {}, or write a literal {{ as {{{{",
                        crate::host::excerpt(name),
                        Placeholder::list()
                    ));
                };
                if !text.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut text)));
                }
                parts.push(Part::Value(placeholder));
                rest = &after[end + 1..];
            }
        }
        text.push_str(rest);
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(Template {
            source: source.to_owned(),
            parts,
        })
    }

    /// The template as the admin wrote it.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// True when the template asks for `placeholder`.
    pub fn uses(&self, placeholder: Placeholder) -> bool {
        self.parts.contains(&Part::Value(placeholder))
    }

    /// True when the template asks for the recipient, with or without `+`.
    pub fn uses_number(&self) -> bool {
        self.uses(Placeholder::Number) || self.uses(Placeholder::NumberDigits)
    }

    /// Fills the template in, escaping each value for where it lands. Literal text is kept.
    pub fn render(&self, values: &TemplateValues<'_>, escaping: Escaping) -> String {
        let mut out = String::with_capacity(self.source.len() + values.message.len() * 3);
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Value(placeholder) => {
                    escape_into(&mut out, values.get(*placeholder), escaping)
                }
            }
        }
        out
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl TryFrom<String> for Template {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Template::parse(&value)
    }
}

impl From<Template> for String {
    fn from(template: Template) -> Self {
        template.source
    }
}

/// Appends `value` to `out`, escaped for `escaping`.
pub fn escape_into(out: &mut String, value: &str, escaping: Escaping) {
    match escaping {
        Escaping::Raw => out.push_str(value),
        Escaping::Percent => percent_encode_into(out, value),
        Escaping::JsonString => json_escape_into(out, value),
    }
}

/// Percent-encodes `value` as UTF-8, leaving only `A-Z a-z 0-9 - . _ ~` as they are.
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    percent_encode_into(&mut out, value);
    out
}

fn percent_encode_into(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 0x0F)] as char);
        }
    }
}

fn json_escape_into(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Line and paragraph separators are valid JSON but break JavaScript that evals it.
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values<'a>(message: &'a str) -> TemplateValues<'a> {
        TemplateValues {
            number: "+447700900123",
            message,
            sender: "Console",
        }
    }

    #[test]
    fn placeholders_are_found_between_text() {
        let template = Template::parse("to={number}&text={message}").unwrap();

        assert!(template.uses(Placeholder::Number));
        assert!(template.uses(Placeholder::Message));
        assert!(!template.uses(Placeholder::Sender));
    }

    #[test]
    fn a_plus_is_percent_encoded_in_a_url() {
        let template = Template::parse("/send?to={number}").unwrap();

        let url = template.render(&values("x"), Escaping::Percent);

        assert_eq!(url, "/send?to=%2B447700900123");
    }

    #[test]
    fn number_digits_drops_the_plus() {
        let template = Template::parse("{number_digits}@sms.example.net").unwrap();

        assert_eq!(
            template.render(&values("x"), Escaping::Raw),
            "447700900123@sms.example.net"
        );
    }

    #[test]
    fn non_latin_text_is_percent_encoded_as_utf8() {
        let template = Template::parse("text={message}").unwrap();

        let body = template.render(&values("Привет & +"), Escaping::Percent);

        assert_eq!(
            body,
            "text=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82%20%26%20%2B"
        );
    }

    #[test]
    fn json_strings_escape_quotes_backslashes_and_line_breaks() {
        let template = Template::parse(r#"{{"text":"{message}"}}"#).unwrap();

        let body = template.render(&values("say \"hi\"\\\nΓειά\u{1}"), Escaping::JsonString);

        assert_eq!(body, r#"{"text":"say \"hi\"\\\nΓειά\u0001"}"#);
        let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(parsed["text"], "say \"hi\"\\\nΓειά\u{1}");
    }

    #[test]
    fn the_sample_values_survive_every_escaping_round_trip() {
        let template = Template::parse(r#"{{"m":"{message}","n":"{number}"}}"#).unwrap();

        let body = template.render(&TemplateValues::SAMPLE, Escaping::JsonString);

        let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(parsed["m"], TemplateValues::SAMPLE.message);
        assert_eq!(parsed["n"], "+447700900123");
    }

    #[test]
    fn raw_keeps_the_value_as_it_is() {
        let template = Template::parse("{message}").unwrap();

        assert_eq!(
            template.render(&values("a+b \"c\""), Escaping::Raw),
            "a+b \"c\""
        );
    }

    #[test]
    fn doubled_braces_are_literal() {
        let template = Template::parse("{{number}}").unwrap();

        assert!(!template.uses_number());
        assert_eq!(template.render(&values("x"), Escaping::Raw), "{number}");
    }

    #[test]
    fn an_unknown_placeholder_is_named_with_the_known_ones() {
        let error = Template::parse("to={phone}").unwrap_err();

        assert!(error.contains("{phone}"), "{error}");
        assert!(error.contains("{number}"), "{error}");
    }

    #[test]
    fn unclosed_and_stray_braces_are_explained() {
        assert!(
            Template::parse("to={number")
                .unwrap_err()
                .contains("never closed")
        );
        assert!(Template::parse("a}b").unwrap_err().contains("}}"));
    }

    #[test]
    fn a_template_survives_a_round_trip_through_json() {
        let template = Template::parse("to={number}&x={{y}}").unwrap();

        let json = serde_json::to_string(&template).unwrap();
        let back: Template = serde_json::from_str(&json).unwrap();

        assert_eq!(back, template);
    }
}
