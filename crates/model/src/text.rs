//! Checks on free text that will end up in SMTP commands or message headers.
//!
//! A carriage return or line feed smuggled into a header or an SMTP command lets the sender add
//! headers or whole commands of its own, so single-line fields refuse every control character.

/// Describes the first control or invisible formatting character in `value`, if any.
pub fn first_control_character(value: &str) -> Option<String> {
    value
        .chars()
        .find(|c| c.is_control() || is_invisible_format(*c))
        .map(describe_control)
}

/// Like [`first_control_character`] but lets line breaks and tabs through, for message bodies,
/// and the zero-width joiner and non-joiner, which emoji sequences and Persian and Indic
/// scripts need.
pub fn first_control_character_in_body(value: &str) -> Option<String> {
    value
        .chars()
        .find(|c| {
            (c.is_control() || is_invisible_format(*c))
                && !matches!(c, '\n' | '\r' | '\t' | '\u{200C}' | '\u{200D}')
        })
        .map(describe_control)
}

/// Zero-width characters, direction overrides and line/paragraph separators: invisible on
/// screen, so they let a value look like something it is not (`admin\u{202E}moc.evil`).
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

fn describe_control(c: char) -> String {
    match c {
        '\r' => "a carriage return".to_owned(),
        '\n' => "a line break".to_owned(),
        '\t' => "a tab".to_owned(),
        '\0' => "a NUL character".to_owned(),
        other if is_invisible_format(other) => {
            format!("the invisible character U+{:04X}", other as u32)
        }
        other => format!("the control character U+{:04X}", other as u32),
    }
}

/// The message for a single-line field that contains a control character.
pub fn control_character_message(found: &str) -> String {
    format!("Remove {found}: this field must be a single line of printable text")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_has_no_control_character() {
        assert_eq!(first_control_character("smtp.example.net"), None);
    }

    #[test]
    fn carriage_return_and_line_feed_are_named() {
        assert_eq!(
            first_control_character("a\rb").as_deref(),
            Some("a carriage return")
        );
        assert_eq!(
            first_control_character("a\nb").as_deref(),
            Some("a line break")
        );
    }

    #[test]
    fn other_control_characters_are_named_by_code_point() {
        assert_eq!(
            first_control_character("a\u{7f}").as_deref(),
            Some("the control character U+007F")
        );
    }

    #[test]
    fn invisible_direction_overrides_and_zero_width_characters_are_named() {
        assert_eq!(
            first_control_character("admin\u{202E}txt").as_deref(),
            Some("the invisible character U+202E")
        );
        assert!(first_control_character("a\u{200B}b").is_some());
        assert!(first_control_character("\u{FEFF}a").is_some());
        assert!(first_control_character_in_body("line\u{2028}separator").is_some());
    }

    #[test]
    fn message_bodies_may_hold_line_breaks_and_tabs_but_not_nul() {
        assert_eq!(
            first_control_character_in_body("line one\r\n\tline two"),
            None
        );
        assert_eq!(
            first_control_character_in_body("a\0b").as_deref(),
            Some("a NUL character")
        );
    }
}
