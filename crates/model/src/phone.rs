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

/// ITU-T E.164 country calling codes assigned to a country or area, one per line:
/// `CODE TRUNK LENGTH NAME`.
///
/// - `TRUNK` is the national trunk prefix that people write in front of national numbers and
///   that no number in the plan begins with (`0`, or `06` in Hungary), so finding it right after
///   the country code is always a mistake; `-` when the country has no such prefix, uses another
///   one (`1` in North America, `8` in Russia), or has numbers that may begin with `0` (Italy's
///   landlines, Rwanda's `06` landlines).
/// - `LENGTH` bounds the digits after the country code of landline and mobile numbers, as `9`
///   or `6-13`; `*` when only the generic bounds apply (at least 4, and 15 digits in all).
///   Freephone, premium-rate and voicemail numbers, which receive no SMS, may fall outside.
///
/// Codes are prefix-free (no code is the start of another), which the tests check, so the first
/// code that matches the start of a number is the only one. The codes, trunk prefixes and
/// lengths were checked against libphonenumber's metadata; `379` (Vatican City, which uses
/// `+39 06 698`) and `997` (Kazakhstan, still on `+7`) are assigned but not yet in use.
const COUNTRIES: &str = "\
1 - 10 USA, Canada and Caribbean
7 - 10 Russia and Kazakhstan
20 0 8-10 Egypt
211 0 * South Sudan
212 0 * Morocco
213 0 * Algeria
216 - * Tunisia
218 0 * Libya
220 - * Gambia
221 - * Senegal
222 - * Mauritania
223 - * Mali
224 - * Guinea
225 - * Côte d'Ivoire
226 - * Burkina Faso
227 - * Niger
228 - * Togo
229 - * Benin
230 - * Mauritius
231 0 * Liberia
232 0 * Sierra Leone
233 0 * Ghana
234 0 8-10 Nigeria
235 - * Chad
236 - * Central African Republic
237 - * Cameroon
238 - * Cape Verde
239 - * São Tomé and Príncipe
240 - * Equatorial Guinea
241 - * Gabon
242 - * Republic of the Congo
243 0 * DR Congo
244 - * Angola
245 - * Guinea-Bissau
246 - * Diego Garcia
247 - * Ascension Island
248 - * Seychelles
249 0 * Sudan
250 - * Rwanda
251 0 * Ethiopia
252 0 * Somalia
253 - * Djibouti
254 0 * Kenya
255 0 * Tanzania
256 0 * Uganda
257 - * Burundi
258 - * Mozambique
260 0 * Zambia
261 0 * Madagascar
262 0 * Réunion and Mayotte
263 0 * Zimbabwe
264 0 * Namibia
265 0 * Malawi
266 - * Lesotho
267 - * Botswana
268 - * Eswatini
269 - * Comoros
27 0 9 South Africa
290 - * Saint Helena
291 0 * Eritrea
297 - * Aruba
298 - * Faroe Islands
299 - * Greenland
30 - 10 Greece
31 0 9 Netherlands
32 0 8-9 Belgium
33 0 9 France
34 - 9 Spain
350 - * Gibraltar
351 - 9 Portugal
352 - * Luxembourg
353 0 7-9 Ireland
354 - * Iceland
355 0 * Albania
356 - * Malta
357 - * Cyprus
358 0 5-12 Finland
359 0 * Bulgaria
36 06 8-9 Hungary
370 0 * Lithuania
371 - * Latvia
372 - * Estonia
373 0 * Moldova
374 0 * Armenia
375 - * Belarus
376 - * Andorra
377 0 * Monaco
378 - * San Marino
379 - * Vatican City
380 0 9 Ukraine
381 0 * Serbia
382 0 * Montenegro
383 0 * Kosovo
385 0 * Croatia
386 0 * Slovenia
387 0 * Bosnia and Herzegovina
389 0 * North Macedonia
39 - 6-12 Italy
40 0 6-9 Romania
41 0 9 Switzerland
420 - 9 Czech Republic
421 0 * Slovakia
423 0 * Liechtenstein
43 0 4-13 Austria
44 0 7-10 United Kingdom
45 - 8 Denmark
46 0 7-13 Sweden
47 - 8 Norway
48 - 9 Poland
49 0 5-13 Germany
500 - * Falkland Islands
501 - * Belize
502 - * Guatemala
503 - * El Salvador
504 - * Honduras
505 - * Nicaragua
506 - * Costa Rica
507 - * Panama
508 0 * Saint Pierre and Miquelon
509 - * Haiti
51 0 * Peru
52 - 10 Mexico
53 0 * Cuba
54 0 10-11 Argentina
55 0 10-11 Brazil
56 - * Chile
57 0 8-10 Colombia
58 0 * Venezuela
590 0 * Guadeloupe, Saint Barthélemy and Saint Martin
591 0 * Bolivia
592 - * Guyana
593 0 * Ecuador
594 0 * French Guiana
595 0 * Paraguay
596 0 * Martinique
597 - * Suriname
598 0 * Uruguay
599 - * Curaçao and Caribbean Netherlands
60 0 * Malaysia
61 0 9 Australia
62 0 * Indonesia
63 0 * Philippines
64 0 8-10 New Zealand
65 - 8 Singapore
66 0 * Thailand
670 - * Timor-Leste
672 - * Norfolk Island
673 - * Brunei
674 - * Nauru
675 - * Papua New Guinea
676 - * Tonga
677 - * Solomon Islands
678 - * Vanuatu
679 - * Fiji
680 - * Palau
681 - * Wallis and Futuna
682 - * Cook Islands
683 - * Niue
685 - * Samoa
686 0 * Kiribati
687 - * New Caledonia
688 - * Tuvalu
689 - * French Polynesia
690 - * Tokelau
691 - * Micronesia
692 - * Marshall Islands
81 0 9-10 Japan
82 0 8-10 South Korea
84 0 * Vietnam
850 0 * North Korea
852 - 8 Hong Kong
853 - * Macau
855 0 * Cambodia
856 0 * Laos
86 0 7-12 China
870 - * Inmarsat
880 0 * Bangladesh
881 - * Global Mobile Satellite System
882 - * International Networks
883 - * International Networks
886 0 * Taiwan
90 0 10 Türkiye
91 0 10 India
92 0 * Pakistan
93 0 * Afghanistan
94 0 * Sri Lanka
95 0 * Myanmar
960 - * Maldives
961 0 * Lebanon
962 0 * Jordan
963 0 * Syria
964 0 * Iraq
965 - * Kuwait
966 0 * Saudi Arabia
967 0 * Yemen
968 - * Oman
970 0 * Palestine
971 0 8-9 United Arab Emirates
972 0 * Israel
973 - * Bahrain
974 - * Qatar
975 - * Bhutan
976 0 * Mongolia
977 0 * Nepal
98 0 * Iran
992 - * Tajikistan
993 - * Turkmenistan
994 0 * Azerbaijan
995 0 * Georgia
996 0 * Kyrgyzstan
997 - * Kazakhstan
998 - * Uzbekistan";

/// Number ranges whose length is fixed more tightly than their country's: mobile numbers in the
/// United Kingdom (`7…`) and China (`13…` to `19…`). Keys are the digits after the `+`.
const EXACT_LENGTHS: &[(&str, usize)] = &[
    ("447", 10),
    ("8613", 11),
    ("8614", 11),
    ("8615", 11),
    ("8616", 11),
    ("8617", 11),
    ("8618", 11),
    ("8619", 11),
];

/// Codes ITU-T assigned to global services rather than countries; none of them reaches a phone
/// that can receive an SMS.
const SERVICE_CODES: &[(&str, &str)] = &[
    ("800", "International Freephone numbers"),
    ("808", "International Shared Cost numbers"),
    ("878", "Universal Personal Telecommunications numbers"),
    ("888", "the UN's disaster relief networks"),
    ("979", "International Premium Rate numbers"),
    ("991", "an ITU trial service"),
];

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

/// One line of [`COUNTRIES`].
struct Country {
    code: &'static str,
    trunk: Option<&'static str>,
    lengths: Option<(usize, usize)>,
    name: &'static str,
}

impl Country {
    /// Reads one line of [`COUNTRIES`]; `None` only when the table itself is malformed.
    fn read(line: &'static str) -> Option<Country> {
        let mut fields = line.splitn(4, ' ');
        let code = fields.next()?;
        let trunk = fields.next()?;
        let lengths = fields.next()?;
        let name = fields.next()?;
        let lengths = match lengths {
            "*" => None,
            _ => {
                let (min, max) = lengths.split_once('-').unwrap_or((lengths, lengths));
                Some((min.parse().ok()?, max.parse().ok()?))
            }
        };
        Some(Country {
            code,
            trunk: (trunk != "-").then_some(trunk),
            lengths,
            name,
        })
    }

    /// Every assigned country calling code.
    fn all() -> impl Iterator<Item = Country> {
        COUNTRIES.lines().filter_map(Country::read)
    }

    /// The country whose calling code begins `digits` (the digits after the `+`).
    fn of(digits: &str) -> Option<Country> {
        Country::all().find(|country| digits.starts_with(country.code))
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
mod tests {
    use super::*;

    fn parse(input: &str) -> PhoneNumber {
        PhoneNumber::parse_international(input)
            .unwrap_or_else(|message| panic!("{input:?} was refused: {message}"))
    }

    fn refuse(input: &str) -> String {
        match PhoneNumber::parse_international(input) {
            Ok(number) => panic!("{input:?} was accepted as {number}"),
            Err(message) => message,
        }
    }

    // The table itself.

    #[test]
    fn every_line_of_the_country_table_is_well_formed() {
        // Arrange
        let lines = COUNTRIES.lines().count();

        // Act
        let countries: Vec<Country> = Country::all().collect();

        // Assert
        assert_eq!(countries.len(), lines);
        for country in &countries {
            assert!((1..=3).contains(&country.code.len()), "{}", country.code);
            assert!(country.code.bytes().all(|b| b.is_ascii_digit()));
            assert!(!country.code.starts_with('0'), "{}", country.code);
            assert!(!country.name.is_empty());
            assert!(matches!(country.trunk, None | Some("0" | "06")));
        }
    }

    #[test]
    fn no_country_code_is_the_start_of_another() {
        // Arrange
        let codes: Vec<&str> = Country::all().map(|c| c.code).collect();

        // Act
        let clashes: Vec<(&str, &str)> = codes
            .iter()
            .flat_map(|a| codes.iter().map(move |b| (*a, *b)))
            .filter(|(a, b)| a != b && b.starts_with(a))
            .collect();

        // Assert
        assert_eq!(clashes, []);
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), codes.len(), "a code is listed twice");
    }

    #[test]
    fn service_codes_are_not_countries_and_do_not_clash_with_them() {
        for (code, _) in SERVICE_CODES {
            assert!(Country::of(code).is_none(), "{code}");
        }
    }

    #[test]
    fn every_length_bound_fits_within_fifteen_digits() {
        for country in Country::all() {
            if let Some((min, max)) = country.lengths {
                assert!(min <= max, "{}", country.code);
                assert!(min >= 4, "{}", country.code);
                assert!(
                    country.code.len() + max <= MAX_E164_DIGITS,
                    "{}",
                    country.code
                );
            }
        }
        for (prefix, length) in EXACT_LENGTHS {
            let country = Country::of(prefix).expect("an assigned code");
            let (min, max) = country.lengths.expect("bounds for the whole country");
            assert!((min..=max).contains(length), "{prefix}");
        }
    }

    #[test]
    fn the_table_has_the_well_known_codes_and_not_the_spare_ones() {
        // Arrange
        let assigned = [
            ("1", "USA, Canada and Caribbean"),
            ("7", "Russia and Kazakhstan"),
            ("44", "United Kingdom"),
            ("49", "Germany"),
            ("211", "South Sudan"),
            ("383", "Kosovo"),
            ("420", "Czech Republic"),
            ("599", "Curaçao and Caribbean Netherlands"),
            ("692", "Marshall Islands"),
            ("886", "Taiwan"),
            ("998", "Uzbekistan"),
        ];
        let spare = [
            "210", "214", "259", "280", "289", "292", "384", "388", "422", "671", "684",
        ];

        // Act / Assert
        for (code, name) in assigned {
            assert_eq!(Country::of(code).map(|c| c.name), Some(name), "{code}");
        }
        for code in spare
            .iter()
            .chain(&["693", "851", "854", "969", "978", "990", "999"])
        {
            assert!(Country::of(code).is_none(), "{code}");
        }
    }

    // Accepted numbers and their parts.

    #[test]
    fn uk_mobile_number_is_split_into_country_code_and_national_number() {
        // Arrange
        let input = "+44 7700 900123";

        // Act
        let number = parse(input);

        // Assert
        assert_eq!(number.country_code(), "44");
        assert_eq!(number.national_number(), "7700900123");
        assert_eq!(number.country_name(), "United Kingdom");
        assert_eq!(number.e164(), "+447700900123");
    }

    #[test]
    fn display_is_the_e164_form_without_spaces() {
        assert_eq!(parse(" +44 7700 900123 ").to_string(), "+447700900123");
    }

    #[test]
    fn spaces_hyphens_dots_and_one_pair_of_parentheses_are_dropped() {
        // Arrange
        let inputs = [
            ("+1 (415) 555-2671", "+14155552671"),
            ("+49 171.234.5678", "+491712345678"),
            ("(+44) 7700-900-123", "+447700900123"),
            ("+33 6 12 34 56 78", "+33612345678"),
        ];

        // Act / Assert
        for (input, expected) in inputs {
            assert_eq!(parse(input).e164(), expected, "{input}");
        }
    }

    #[test]
    fn non_breaking_spaces_and_invisible_marks_from_copy_and_paste_are_dropped() {
        // Arrange
        let pasted = "\u{202A}+44\u{A0}7700\u{2011}900123\u{202C}";

        // Act
        let number = parse(pasted);

        // Assert
        assert_eq!(number.e164(), "+447700900123");
    }

    #[test]
    fn north_american_number_needs_no_trunk_prefix() {
        // Arrange / Act
        let number = parse("+1 415 555 2671");

        // Assert
        assert_eq!(number.country_code(), "1");
        assert_eq!(number.national_number(), "4155552671");
        assert_eq!(number.country_name(), "USA, Canada and Caribbean");
    }

    #[test]
    fn italian_numbers_keep_their_leading_zero() {
        // Arrange / Act
        let landline = parse("+39 06 6982 1234");

        // Assert
        assert_eq!(landline.national_number(), "0669821234");
        assert_eq!(parse("+39 312 345 6789").country_name(), "Italy");
    }

    #[test]
    fn three_digit_country_codes_are_recognised() {
        // Arrange / Act
        let number = parse("+353 85 123 4567");

        // Assert
        assert_eq!(number.country_code(), "353");
        assert_eq!(number.country_name(), "Ireland");
        assert_eq!(number.national_number(), "851234567");
    }

    #[test]
    fn number_of_exactly_fifteen_digits_is_accepted() {
        // Arrange: +62 has only the generic bounds, 2 + 13 = 15 digits.
        let input = "+62 8123 4567 8901 2";

        // Act
        let number = parse(input);

        // Assert
        assert_eq!(number.e164().len(), 1 + MAX_E164_DIGITS);
    }

    #[test]
    fn number_survives_a_round_trip_through_its_string_form() {
        // Arrange
        let number = parse("+44 7700 900123");

        // Act
        let text = String::from(number.clone());
        let back = PhoneNumber::try_from(text.clone());

        // Assert
        assert_eq!(text, "+447700900123");
        assert_eq!(back, Ok(number));
    }

    // The format around the digits.

    #[test]
    fn empty_input_asks_for_a_number_in_international_format() {
        for input in ["", "   ", "()", " - "] {
            assert_eq!(
                refuse(input),
                "Enter the recipient's mobile number in international format, e.g. +44 7700 900123",
                "{input:?}"
            );
        }
    }

    #[test]
    fn leading_00_is_to_be_replaced_with_plus() {
        assert_eq!(
            refuse("0044 7700 900123"),
            "Replace the leading 00 with +: international numbers start with + and the country \
             code, e.g. +44 7700 900123"
        );
    }

    #[test]
    fn national_number_is_recognised_as_such() {
        assert_eq!(
            refuse("07700 900123"),
            "Start with + and the country code: this looks like a national number, so also leave \
             out its leading 0 (e.g. +44 7700 900123, not 07700 900123)"
        );
    }

    #[test]
    fn number_without_plus_is_told_to_start_with_plus() {
        assert_eq!(
            refuse("44 7700 900123"),
            "Start with + and the country code, e.g. +44 7700 900123"
        );
    }

    #[test]
    fn plus_alone_asks_for_the_digits() {
        assert_eq!(
            refuse("+"),
            "Enter the country code and the number after the +"
        );
    }

    #[test]
    fn plus_and_00_together_are_refused() {
        assert_eq!(
            refuse("+0044 7700 900123"),
            "Use either + or 00, not both: remove the 00 after the +"
        );
    }

    #[test]
    fn second_plus_is_refused() {
        assert_eq!(
            refuse("+44 +44 7700 900123"),
            "Remove the second '+': a number has only one, at the very start"
        );
    }

    #[test]
    fn plus_after_digits_is_refused() {
        assert_eq!(
            refuse("44+7700900123"),
            "Put the + at the very start, before the country code"
        );
    }

    #[test]
    fn letters_are_named() {
        assert_eq!(
            refuse("+44 7700 9OO123"),
            "Remove the letter 'O': after the + a phone number has only digits, which spaces, \
             hyphens, dots or one pair of parentheses may group"
        );
        assert!(refuse("+1 800 FLOWERS").starts_with("Remove the letter 'F':"));
        assert!(refuse("+44 7700 900123 ext 5").starts_with("Remove the letter 'e':"));
    }

    #[test]
    fn stray_characters_are_named() {
        assert!(refuse("+49 171/2345678").starts_with("Remove '/':"));
        assert!(refuse("+44 7700 900123#").starts_with("Remove '#':"));
        assert!(refuse("+44,7700,900123").starts_with("Remove ',':"));
    }

    #[test]
    fn control_characters_are_named_in_words() {
        assert!(refuse("+44 7700\t900123").starts_with("Remove a tab:"));
        assert!(refuse("+44 7700\n900123").starts_with("Remove a line break:"));
    }

    #[test]
    fn only_one_pair_of_parentheses_is_allowed() {
        assert_eq!(
            refuse("+1 (415) (555) 2671"),
            "Use at most one pair of parentheses"
        );
        assert_eq!(
            refuse("+1 (415)) 555 2671"),
            "Use at most one pair of parentheses"
        );
    }

    #[test]
    fn unmatched_parentheses_are_refused() {
        assert_eq!(
            refuse("+1 (415 555 2671"),
            "Close the parenthesis: the '(' has no matching ')'"
        );
        assert_eq!(
            refuse("+1 415) 555 2671"),
            "Remove the ')' or add the '(' that it closes"
        );
    }

    // The country calling code.

    #[test]
    fn unassigned_country_code_is_named() {
        assert_eq!(
            refuse("+999 123 456 789"),
            "+999 is not an assigned country calling code: check the digits right after the +"
        );
    }

    #[test]
    fn unassigned_code_is_read_from_the_first_group_when_grouped() {
        assert!(refuse("+28 123 456 789").starts_with("+28 is not an assigned"));
        assert!(refuse("+280123456789").starts_with("+280 is not an assigned"));
    }

    #[test]
    fn country_codes_never_start_with_zero() {
        for input in ["+0", "+0 123 456 789"] {
            assert_eq!(
                refuse(input),
                "Country calling codes never start with 0: check the digits right after the +",
                "{input}"
            );
        }
    }

    #[test]
    fn global_service_codes_cannot_receive_an_sms() {
        assert_eq!(
            refuse("+800 1234 5678"),
            "+800 is the code for International Freephone numbers, which cannot receive an SMS: \
             enter a mobile number"
        );
    }

    #[test]
    fn start_of_a_country_code_asks_for_the_rest() {
        for input in ["+4", "+35"] {
            assert_eq!(
                refuse(input),
                "Too short: enter the whole country code and the number after the +",
                "{input}"
            );
        }
    }

    #[test]
    fn country_code_alone_asks_for_the_number() {
        assert_eq!(refuse("+44"), "Enter the number after +44 (United Kingdom)");
    }

    // The national trunk prefix.

    #[test]
    fn trunk_zero_after_uk_german_and_french_codes_is_refused() {
        // Arrange
        let inputs = [
            ("+44 07700 900123", "44"),
            ("+44 (0) 20 7946 0000", "44"),
            ("+49 0171 2345678", "49"),
            ("+33 06 12 34 56 78", "33"),
        ];

        // Act / Assert
        for (input, code) in inputs {
            assert_eq!(
                refuse(input),
                format!(
                    "Remove the leading 0 after +{code}: international numbers drop the national \
                     trunk 0"
                ),
                "{input}"
            );
        }
    }

    #[test]
    fn trunk_zero_is_refused_only_where_no_number_begins_with_zero() {
        assert!(refuse("+370 0612 34567").starts_with("Remove the leading 0 after +370:"));
        assert_eq!(parse("+250 06 123 456").national_number(), "06123456");
    }

    #[test]
    fn hungarian_trunk_prefix_is_06() {
        assert_eq!(
            refuse("+36 06 30 123 4567"),
            "Remove the leading 06 after +36: international numbers drop the national trunk 06"
        );
        assert_eq!(parse("+36 30 123 4567").national_number(), "301234567");
    }

    #[test]
    fn zero_after_a_code_without_trunk_zero_is_not_taken_for_a_trunk() {
        assert_eq!(
            refuse("+1 0 415 555 2671"),
            "Too long for +1 (USA, Canada and Caribbean): expected 10 digits after the country \
             code, found 11"
        );
        assert_eq!(parse("+34 012 345 678").national_number(), "012345678");
    }

    // Lengths.

    #[test]
    fn short_uk_mobile_number_is_refused_with_the_expected_length() {
        assert_eq!(
            refuse("+44 7700 9001"),
            "Too short for +44 (United Kingdom): expected 10 digits after the country code, \
             found 8"
        );
    }

    #[test]
    fn uk_landline_may_be_shorter_than_a_mobile() {
        assert_eq!(parse("+44 16977 3456").national_number(), "169773456");
    }

    #[test]
    fn long_uk_number_is_refused() {
        assert_eq!(
            refuse("+44 7700 9001234"),
            "Too long for +44 (United Kingdom): expected 10 digits after the country code, \
             found 11"
        );
        assert!(refuse("+44 1234 5678 901").starts_with(
            "Too long for +44 (United Kingdom): expected 7 to 10 digits after the country code"
        ));
    }

    #[test]
    fn range_of_lengths_is_spelt_out() {
        assert_eq!(
            refuse("+49 1234"),
            "Too short for +49 (Germany): expected 5 to 13 digits after the country code, found 4"
        );
    }

    #[test]
    fn chinese_mobile_numbers_have_eleven_digits_but_beijing_numbers_ten() {
        assert_eq!(
            refuse("+86 138 0013 800"),
            "Too short for +86 (China): expected 11 digits after the country code, found 10"
        );
        assert_eq!(parse("+86 138 0013 8000").national_number(), "13800138000");
        assert_eq!(parse("+86 10 1234 5678").national_number(), "1012345678");
    }

    #[test]
    fn countries_with_fixed_lengths_are_checked() {
        // Arrange
        let good = [
            "+1 212 555 0123",
            "+7 912 345 6789",
            "+33 6 12 34 56 78",
            "+34 612 345 678",
            "+31 6 1234 5678",
            "+45 20 12 34 56",
            "+47 412 34 567",
            "+48 512 345 678",
            "+41 79 123 45 67",
            "+351 912 345 678",
            "+61 412 345 678",
            "+91 98765 43210",
            "+55 11 91234 5678",
            "+52 55 1234 5678",
            "+27 82 123 4567",
            "+971 50 123 4567",
            "+65 9123 4567",
            "+852 9123 4567",
            "+90 532 123 4567",
            "+20 10 1234 5678",
            "+234 803 123 4567",
        ];

        // Act / Assert
        for input in good {
            parse(input);
            let with_extra_digit = format!("{input}9");
            assert!(
                refuse(&with_extra_digit).starts_with("Too long for +"),
                "{input}"
            );
        }
    }

    #[test]
    fn country_without_bounds_needs_at_least_four_digits() {
        assert_eq!(
            refuse("+235 123"),
            "Too short for +235 (Chad): expected at least 4 digits after the country code, \
             found 3"
        );
        assert_eq!(parse("+235 1234").national_number(), "1234");
    }

    #[test]
    fn more_than_fifteen_digits_is_too_long() {
        assert_eq!(
            refuse("+62 8123 4567 8901 23"),
            "Too long: an international number has at most 15 digits including the country code, \
             found 16"
        );
        assert!(refuse("+263 7123 4567 8901 2").starts_with("Too long: "));
        assert_eq!(parse("+263 7123 4567 8901").e164().len(), 16);
    }
}
