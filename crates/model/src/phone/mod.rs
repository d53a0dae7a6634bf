//! Mobile numbers in international (E.164) format, the recipient of a test SMS: `+`, the country
//! calling code, then the subscriber number without the national trunk `0`, e.g. `+447700900123`.
//!
//! What the admin types may be grouped for reading (`+44 7700 900123`, `+1 (415) 555-2671`,
//! `+49 171.234.5678`); the groups are dropped. Everything else gets a message that says exactly
//! what to change: a missing `+`, a leading `00`, a national number, a stray character, a country
//! code that no country uses, a trunk `0` left after the country code, or a number that is too
//! short or too long for its country.
//!
//! Deliberately, the checks stop at the country: the code must be assigned by ITU-T, and the
//! number's length must suit that country (exact bounds for the most common countries, a generic
//! 4 digits at least and 15 in all for the rest). Full number-plan checks, such as whether a
//! number lies in a mobile or a landline range or has been allocated at all, are NOT done here:
//! the tables they need would weigh far more than this module in the browser's WASM. The server
//! may apply a fuller check later, and the SMS gateway has the final word.

use crate::text;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Most digits an E.164 number may have, country code included.
pub const MAX_E164_DIGITS: usize = 15;

/// Fewest digits after the country code accepted for countries without bounds of their own.
const GENERIC_MIN_NATIONAL_DIGITS: usize = 4;

/// Shown whenever the admin needs an example of the expected format.
const EXAMPLE: &str = "+44 7700 900123";

mod countries;

use countries::{Country, EXACT_LENGTHS, SERVICE_CODES};

/// A mobile number in international format, split into its country calling code and the
/// national significant number that follows it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber {
    country_code: &'static str,
    country_name: &'static str,
    national_number: String,
}

impl PhoneNumber {
    /// Parses a number typed in international format: `+`, the country calling code, then the
    /// subscriber number without the national trunk `0`. Spaces, hyphens, dots and one pair of
    /// parentheses may group the digits and are dropped, as are invisible formatting characters
    /// that copy and paste brings along.
    pub fn parse_international(input: &str) -> Result<PhoneNumber, String> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(empty_message());
        }
        let typed = read_digits(trimmed)?;
        let digits = typed.digits.as_str();
        if !typed.plus {
            return Err(missing_plus_message(digits));
        }
        if digits.is_empty() {
            return Err("Enter the country code and the number after the +".to_owned());
        }
        if digits.starts_with("00") {
            return Err("Use either + or 00, not both: remove the 00 after the +".to_owned());
        }
        if digits.starts_with('0') {
            return Err(
                "Country calling codes never start with 0: check the digits right after the +"
                    .to_owned(),
            );
        }
        let Some(country) = Country::of(digits) else {
            return Err(unknown_code_message(digits, typed.first_group));
        };
        let national = &digits[country.code.len()..];
        let place = format!("+{} ({})", country.code, country.name);
        if national.is_empty() {
            return Err(format!("Enter the number after {place}"));
        }
        if let Some(trunk) = country.trunk.filter(|trunk| national.starts_with(trunk)) {
            return Err(format!(
                "Remove the leading {trunk} after +{}: international numbers drop the national \
                 trunk {trunk}",
                country.code
            ));
        }
        check_length(digits, national.len(), &country, &place)?;
        Ok(PhoneNumber {
            country_code: country.code,
            country_name: country.name,
            national_number: national.to_owned(),
        })
    }

    /// The number as gateways expect it: `+` and digits only, e.g. `+447700900123`.
    pub fn e164(&self) -> String {
        format!("+{}{}", self.country_code, self.national_number)
    }

    /// The country calling code without the `+`, e.g. `44`.
    pub fn country_code(&self) -> &str {
        self.country_code
    }

    /// The digits after the country code (the national significant number), e.g. `7700900123`.
    pub fn national_number(&self) -> &str {
        &self.national_number
    }

    /// The country or area the calling code belongs to, in English, e.g. `United Kingdom`.
    pub fn country_name(&self) -> &'static str {
        self.country_name
    }
}

impl fmt::Display for PhoneNumber {
    /// The E.164 form, without spaces: `+447700900123`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "+{}{}", self.country_code, self.national_number)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = String;

    /// Parses with [`PhoneNumber::parse_international`], so a stored or received number is
    /// checked again when it is read back.
    fn try_from(value: String) -> Result<Self, Self::Error> {
        PhoneNumber::parse_international(&value)
    }
}

impl From<PhoneNumber> for String {
    /// The E.164 form, as [`PhoneNumber::e164`].
    fn from(number: PhoneNumber) -> Self {
        number.e164()
    }
}

/// What [`read_digits`] found in the typed text.
struct Typed {
    /// True when the text began with `+`.
    plus: bool,
    /// Every digit, in order, without the groups' separators.
    digits: String,
    /// How many digits came after the `+` before the first separator, if one followed them.
    first_group: Option<usize>,
}

/// Collects the digits of `input`, skipping separators, and refuses anything else.
fn read_digits(input: &str) -> Result<Typed, String> {
    let mut typed = Typed {
        plus: false,
        digits: String::new(),
        first_group: None,
    };
    let mut opened = false;
    let mut closed = false;
    for c in input.chars() {
        match c {
            '0'..='9' => typed.digits.push(c),
            '+' if typed.plus => {
                return Err(
                    "Remove the second '+': a number has only one, at the very start".to_owned(),
                );
            }
            '+' if !typed.digits.is_empty() => {
                return Err("Put the + at the very start, before the country code".to_owned());
            }
            '+' => typed.plus = true,
            '(' if opened => {
                return Err("Use at most one pair of parentheses".to_owned());
            }
            '(' => opened = true,
            ')' if !opened => {
                return Err("Remove the ')' or add the '(' that it closes".to_owned());
            }
            ')' if closed => {
                return Err("Use at most one pair of parentheses".to_owned());
            }
            ')' => closed = true,
            c if is_separator(c) => {}
            other => return Err(stray_character_message(other)),
        }
        let is_digit = c.is_ascii_digit();
        if typed.plus && typed.first_group.is_none() && !is_digit && !typed.digits.is_empty() {
            typed.first_group = Some(typed.digits.len());
        }
    }
    if opened && !closed {
        return Err("Close the parenthesis: the '(' has no matching ')'".to_owned());
    }
    Ok(typed)
}

/// Spaces, hyphens and dots that group digits, and invisible formatting characters (direction
/// marks, zero-width spaces) that copying a number from a web page or a mail often adds.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '-'
            | '.'
            | '\u{2010}'..='\u{2013}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'
            | '\u{FEFF}'
    ) || (c.is_whitespace() && !c.is_control())
}

fn empty_message() -> String {
    format!("Enter the recipient's mobile number in international format, e.g. {EXAMPLE}")
}

fn stray_character_message(c: char) -> String {
    let found = if let Some(control) = text::first_control_character(c.encode_utf8(&mut [0; 4])) {
        control
    } else if c.is_alphabetic() {
        format!("the letter '{c}'")
    } else {
        format!("'{c}'")
    };
    format!(
        "Remove {found}: after the + a phone number has only digits, which spaces, hyphens, \
         dots or one pair of parentheses may group"
    )
}

fn missing_plus_message(digits: &str) -> String {
    if digits.is_empty() {
        empty_message()
    } else if digits.starts_with("00") {
        format!(
            "Replace the leading 00 with +: international numbers start with + and the country \
             code, e.g. {EXAMPLE}"
        )
    } else if digits.starts_with('0') {
        format!(
            "Start with + and the country code: this looks like a national number, so also leave \
             out its leading 0 (e.g. {EXAMPLE}, not 07700 900123)"
        )
    } else {
        format!("Start with + and the country code, e.g. {EXAMPLE}")
    }
}

/// The message for digits that begin with no assigned country calling code. `first_group` is
/// how many digits the admin typed before the first separator, taken as the code they meant.
fn unknown_code_message(digits: &str, first_group: Option<usize>) -> String {
    let could_grow = digits.len() < 3 && Country::all().any(|c| c.code.starts_with(digits));
    if could_grow {
        return "Too short: enter the whole country code and the number after the +".to_owned();
    }
    if let Some((code, service)) = SERVICE_CODES.iter().find(|(c, _)| digits.starts_with(c)) {
        return format!(
            "+{code} is the code for {service}, which cannot receive an SMS: enter a mobile number"
        );
    }
    let meant = match first_group {
        Some(length @ 1..=3) => length,
        _ => digits.len().min(3),
    };
    let code = &digits[..meant];
    format!("+{code} is not an assigned country calling code: check the digits right after the +")
}

/// Checks the count of digits after the country code against the country's bounds, then the
/// E.164 maximum of 15 digits in all.
fn check_length(digits: &str, found: usize, country: &Country, place: &str) -> Result<(), String> {
    let exact = EXACT_LENGTHS
        .iter()
        .find(|(prefix, _)| digits.starts_with(prefix))
        .map(|&(_, length)| (length, length));
    let expected = match exact.or(country.lengths) {
        Some((min, max)) if min == max => Some((min, max, format!("{min} digits"))),
        Some((min, max)) => Some((min, max, format!("{min} to {max} digits"))),
        None => None,
    };
    if let Some((min, max, wording)) = expected {
        let problem = if found < min {
            "Too short"
        } else if found > max {
            "Too long"
        } else {
            return Ok(());
        };
        return Err(format!(
            "{problem} for {place}: expected {wording} after the country code, found {found}"
        ));
    }
    if found < GENERIC_MIN_NATIONAL_DIGITS {
        return Err(format!(
            "Too short for {place}: expected at least {GENERIC_MIN_NATIONAL_DIGITS} digits after \
             the country code, found {found}"
        ));
    }
    if digits.len() > MAX_E164_DIGITS {
        return Err(format!(
            "Too long: an international number has at most {MAX_E164_DIGITS} digits including \
             the country code, found {}",
            digits.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
