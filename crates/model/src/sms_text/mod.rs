//! The live counter under the SMS message box: how many characters, which encoding, how many SMS
//! segments, and how much room is left in the last one.
//!
//! An SMS carries 140 bytes. Text made only of characters from the GSM 03.38 default alphabet (3GPP
//! TS 23.038) travels as 7-bit septets: 160 per SMS, where each character of the extension table
//! (`^ { } \ [ ~ ] | €` and form feed) takes two, an escape septet and the character. Any other
//! character switches the whole message to UCS-2, 70 UTF-16 code units per SMS, where a character
//! outside the Basic Multilingual Plane (most emoji) takes two, a surrogate pair.
//!
//! A longer message is split into segments that each give up room to a concatenation header:
//! 153 septets or 67 code units per segment. A segment never ends in the middle of a character,
//! so an extension character or a surrogate pair that does not fit at the end of one segment
//! moves whole to the next, leaving one unit unused. This is what phones and SMS centres do, and
//! why a count of units divided by 153 or 67 can be one segment short.
//!
//! National language shift tables (Turkish, Spanish, Portuguese, Indian languages) are not
//! considered: gateways rarely use them, and without them the count here is the safe one.

use serde::{Deserialize, Serialize};

/// Septets in a GSM-7 message that fits in one SMS.
const GSM7_SINGLE: usize = 160;
/// Septets per segment of a longer GSM-7 message.
const GSM7_SEGMENT: usize = 153;
/// UTF-16 code units in a UCS-2 message that fits in one SMS.
const UCS2_SINGLE: usize = 70;
/// UTF-16 code units per segment of a longer UCS-2 message.
const UCS2_SEGMENT: usize = 67;

/// The GSM 03.38 default alphabet in code order, 0x00 to 0x7F. Position 0x1B is the escape to
/// the extension table, not a character, and is skipped by [`gsm_septets`].
const GSM7_DEFAULT_ALPHABET: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u{1B}ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
                                     ¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/// The characters of the GSM 03.38 extension table, each sent as the escape septet and one more.
const GSM7_EXTENSION: &str = "\u{C}^{}\\[~]|€";

/// How a message is encoded on the air.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmsEncoding {
    /// The GSM 03.38 7-bit default alphabet: 160 characters in one SMS.
    Gsm7,
    /// UCS-2 (UTF-16 on the air): 70 code units in one SMS, for any character.
    Ucs2,
}

impl SmsEncoding {
    /// The name the counter shows: `GSM-7` or `UCS-2`.
    pub fn label(self) -> &'static str {
        match self {
            SmsEncoding::Gsm7 => "GSM-7",
            SmsEncoding::Ucs2 => "UCS-2",
        }
    }

    /// Units (septets or code units) that fit when the message is a single SMS.
    pub fn single_sms_units(self) -> usize {
        match self {
            SmsEncoding::Gsm7 => GSM7_SINGLE,
            SmsEncoding::Ucs2 => UCS2_SINGLE,
        }
    }

    /// Units per segment when the message is split into several.
    pub fn segment_units(self) -> usize {
        match self {
            SmsEncoding::Gsm7 => GSM7_SEGMENT,
            SmsEncoding::Ucs2 => UCS2_SEGMENT,
        }
    }
}

/// How much room a message takes, for the live counter and the gateway's segment limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmsLength {
    /// Characters typed (Unicode scalar values; an emoji made of several, such as a flag, counts
    /// each of them).
    pub characters: usize,
    /// GSM-7 when every character is in the GSM alphabet, else UCS-2.
    pub encoding: SmsEncoding,
    /// Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes, before any is lost to
    /// segment boundaries.
    pub units: usize,
    /// SMS segments needed. An empty message still takes one.
    pub segments: usize,
    /// Units that fit in each segment: 160 or 70 for a single SMS, 153 or 67 once split.
    pub units_per_segment: usize,
    /// Units still free in the last segment before another one is needed.
    pub remaining_in_segment: usize,
    first_non_gsm: Option<char>,
    /// Entry `n - 1` holds how many characters from the start fit in `n` segments, for every
    /// `n` below [`SmsLength::segments`].
    fitting_characters: Vec<usize>,
}

impl SmsLength {
    /// Measures `text` exactly as it will be sent (nothing is trimmed).
    pub fn measure(text: &str) -> SmsLength {
        let mut gsm = Tally::new(SmsEncoding::Gsm7);
        let mut ucs2 = Tally::new(SmsEncoding::Ucs2);
        let mut first_non_gsm = None;
        let mut fitting_characters = Vec::new();
        let mut characters = 0;
        for c in text.chars() {
            if first_non_gsm.is_none() {
                match gsm_septets(c) {
                    Some(septets) => gsm.push(septets),
                    None => first_non_gsm = Some(c),
                }
            }
            ucs2.push(c.len_utf16());
            let segments = match first_non_gsm {
                None => gsm.segments(),
                Some(_) => ucs2.segments(),
            };
            // Each segment count below what the text needs with this character was enough
            // without it, so the `characters` before it are the longest start that fits in that
            // many. (A character never lowers the count, even when it switches to UCS-2: an
            // extension character takes 2 of 153 septets, fewer than 1 of 67 code units.)
            while fitting_characters.len() + 1 < segments {
                fitting_characters.push(characters);
            }
            characters += 1;
        }
        let (encoding, tally) = match first_non_gsm {
            None => (SmsEncoding::Gsm7, gsm),
            Some(_) => (SmsEncoding::Ucs2, ucs2),
        };
        let single = tally.units <= encoding.single_sms_units();
        SmsLength {
            characters,
            encoding,
            units: tally.units,
            segments: tally.segments(),
            units_per_segment: if single {
                encoding.single_sms_units()
            } else {
                encoding.segment_units()
            },
            remaining_in_segment: if single {
                encoding.single_sms_units() - tally.units
            } else {
                encoding.segment_units() - tally.filled
            },
            first_non_gsm,
            fitting_characters,
        }
    }

    /// The first character outside the GSM alphabet, the one that made the message UCS-2.
    pub fn first_non_gsm_character(&self) -> Option<char> {
        self.first_non_gsm
    }

    /// Why the message uses UCS-2, for the page to show beside the counter, e.g. "‘😀’ is not
    /// in the GSM alphabet, so the message uses UCS-2 (70 characters per SMS)". `None` for
    /// GSM-7.
    pub fn ucs2_reason(&self) -> Option<String> {
        let found = describe_character(self.first_non_gsm?);
        Some(format!(
            "{found} is not in the GSM alphabet, so the message uses UCS-2 ({} characters per SMS)",
            self.units_per_segment
        ))
    }

    /// `Ok` when the message needs at most `max_segments` segments, else what to do about it.
    /// The number of characters to cut is exact: removing that many from the end makes the
    /// message fit, counting segment boundaries and a switch back to GSM-7 if a cut character
    /// was the reason for UCS-2. A limit of 0 is taken as 1: a gateway always sends one.
    pub fn check_limit(&self, max_segments: u8) -> Result<(), String> {
        let max = usize::from(max_segments.max(1));
        if self.segments <= max {
            return Ok(());
        }
        let cut = self.characters - self.fitting_characters[max - 1];
        Err(format!(
            "The message needs {} SMS segments ({}); the gateway allows at most {max}: shorten \
             it by {cut} {}",
            self.segments,
            self.encoding.label(),
            plural(cut, "character", "characters")
        ))
    }

    /// The counter's text, e.g. "143 characters · GSM-7 · 1 SMS (17 left)".
    pub fn describe(&self) -> String {
        format!(
            "{} {} · {} · {} SMS ({} left)",
            self.characters,
            plural(self.characters, "character", "characters"),
            self.encoding.label(),
            self.segments,
            self.remaining_in_segment
        )
    }
}

/// Running count of one encoding's units and of the segments they fill when split.
struct Tally {
    encoding: SmsEncoding,
    /// Every unit pushed so far.
    units: usize,
    /// Segments used if the message is split.
    split_segments: usize,
    /// Units in the last of those segments.
    filled: usize,
}

impl Tally {
    fn new(encoding: SmsEncoding) -> Tally {
        Tally {
            encoding,
            units: 0,
            split_segments: 0,
            filled: 0,
        }
    }

    /// Adds one character of `width` units, starting a new segment when it does not fit whole
    /// in the current one.
    fn push(&mut self, width: usize) {
        self.units += width;
        if self.split_segments == 0 || self.filled + width > self.encoding.segment_units() {
            self.split_segments += 1;
            self.filled = width;
        } else {
            self.filled += width;
        }
    }

    fn segments(&self) -> usize {
        if self.units <= self.encoding.single_sms_units() {
            1
        } else {
            self.split_segments
        }
    }
}

/// Septets `c` takes in GSM-7: 1 in the default alphabet, 2 in the extension table, `None` when
/// it needs UCS-2.
fn gsm_septets(c: char) -> Option<usize> {
    let common = c.is_ascii_alphanumeric() || c == ' ';
    if common || (c != '\u{1B}' && GSM7_DEFAULT_ALPHABET.contains(c)) {
        Some(1)
    } else if GSM7_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Names a character so the admin can find it, even when it is invisible.
fn describe_character(c: char) -> String {
    let code = c as u32;
    match c {
        '\t' => "A tab".to_owned(),
        c if c.is_control() => format!("The control character U+{code:04X}"),
        c if c.is_whitespace() => format!("The special space U+{code:04X}"),
        '\u{AD}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{FEFF}' => format!("The invisible character U+{code:04X}"),
        '\u{300}'..='\u{36F}' => format!("The separate accent U+{code:04X}"),
        c => format!("‘{c}’"),
    }
}

fn plural(count: usize, one: &'static str, many: &'static str) -> &'static str {
    if count == 1 { one } else { many }
}

#[cfg(test)]
mod tests;
