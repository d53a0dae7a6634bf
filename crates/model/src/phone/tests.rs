use super::countries::COUNTRIES;
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
