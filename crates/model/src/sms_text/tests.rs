use super::*;

fn gsm_text(septets: usize) -> String {
    "a".repeat(septets)
}

/// Cyrillic letters: outside the GSM alphabet, one UTF-16 code unit each.
fn ucs2_text(units: usize) -> String {
    "д".repeat(units)
}

// The alphabet.

#[test]
fn default_alphabet_has_127_characters_besides_the_escape() {
    // Arrange
    let alphabet: Vec<char> = GSM7_DEFAULT_ALPHABET.chars().collect();

    // Act
    let mut distinct = alphabet.clone();
    distinct.sort_unstable();
    distinct.dedup();

    // Assert
    assert_eq!(alphabet.len(), 128);
    assert_eq!(distinct.len(), 128);
    assert_eq!(alphabet[0x00], '@');
    assert_eq!(alphabet[0x02], '$');
    assert_eq!(alphabet[0x09], 'Ç');
    assert_eq!(alphabet[0x10], 'Δ');
    assert_eq!(alphabet[0x1B], '\u{1B}');
    assert_eq!(alphabet[0x24], '¤');
    assert_eq!(alphabet[0x40], '¡');
    assert_eq!(alphabet[0x41], 'A');
    assert_eq!(alphabet[0x5F], '§');
    assert_eq!(alphabet[0x60], '¿');
    assert_eq!(alphabet[0x61], 'a');
    assert_eq!(alphabet[0x7F], 'à');
}

#[test]
fn whole_default_alphabet_is_gsm7_at_one_septet_each() {
    // Arrange
    let text: String = GSM7_DEFAULT_ALPHABET
        .chars()
        .filter(|c| *c != '\u{1B}')
        .collect();

    // Act
    let length = SmsLength::measure(&text);

    // Assert
    assert_eq!(length.encoding, SmsEncoding::Gsm7);
    assert_eq!(length.characters, 127);
    assert_eq!(length.units, 127);
    assert_eq!(length.first_non_gsm_character(), None);
}

#[test]
fn accented_letters_and_greek_capitals_of_the_alphabet_are_gsm7() {
    // Arrange
    let text = "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà";

    // Act
    let length = SmsLength::measure(text);

    // Assert
    assert_eq!(length.encoding, SmsEncoding::Gsm7);
    assert_eq!(length.units, length.characters);
}

#[test]
fn ascii_characters_outside_the_alphabet_force_ucs2() {
    for c in ['`', '\t', '\u{1B}'] {
        let length = SmsLength::measure(&format!("ab{c}cd"));
        assert_eq!(length.encoding, SmsEncoding::Ucs2, "{c:?}");
        assert_eq!(length.first_non_gsm_character(), Some(c));
    }
}

#[test]
fn look_alike_letters_outside_the_alphabet_force_ucs2() {
    // ç (only the capital Ç is in the alphabet), á, ê, typographic quotes and dashes, and
    // the ohm sign that looks like Ω.
    for c in ['ç', 'á', 'ê', '’', '“', '–', '\u{2126}'] {
        let length = SmsLength::measure(&c.to_string());
        assert_eq!(length.encoding, SmsEncoding::Ucs2, "{c}");
    }
}

#[test]
fn line_breaks_and_carriage_returns_are_gsm7() {
    let length = SmsLength::measure("line one\r\nline two\n");
    assert_eq!(length.encoding, SmsEncoding::Gsm7);
    assert_eq!(length.units, 19);
}

#[test]
fn extension_characters_and_form_feed_take_two_septets() {
    // Arrange
    let text = "^{}\\[~]|€\u{C}";

    // Act
    let length = SmsLength::measure(text);

    // Assert
    assert_eq!(length.encoding, SmsEncoding::Gsm7);
    assert_eq!(length.characters, 10);
    assert_eq!(length.units, 20);
}

#[test]
fn emoji_takes_two_ucs2_units() {
    // Arrange / Act
    let length = SmsLength::measure("Hi 😀");

    // Assert
    assert_eq!(length.encoding, SmsEncoding::Ucs2);
    assert_eq!(length.characters, 4);
    assert_eq!(length.units, 5);
    assert_eq!(length.first_non_gsm_character(), Some('😀'));
}

// GSM-7 segments.

#[test]
fn empty_message_takes_one_sms_with_all_room_left() {
    // Arrange / Act
    let length = SmsLength::measure("");

    // Assert
    assert_eq!(length.characters, 0);
    assert_eq!(length.encoding, SmsEncoding::Gsm7);
    assert_eq!(length.units, 0);
    assert_eq!(length.segments, 1);
    assert_eq!(length.units_per_segment, 160);
    assert_eq!(length.remaining_in_segment, 160);
}

#[test]
fn gsm7_message_of_160_septets_is_one_sms() {
    // Arrange / Act
    let length = SmsLength::measure(&gsm_text(160));

    // Assert
    assert_eq!(length.segments, 1);
    assert_eq!(length.units_per_segment, 160);
    assert_eq!(length.remaining_in_segment, 0);
}

#[test]
fn gsm7_message_of_161_septets_is_two_segments_of_153() {
    // Arrange / Act
    let length = SmsLength::measure(&gsm_text(161));

    // Assert
    assert_eq!(length.segments, 2);
    assert_eq!(length.units_per_segment, 153);
    assert_eq!(length.remaining_in_segment, 153 * 2 - 161);
}

#[test]
fn gsm7_message_of_306_septets_is_two_segments_and_307_is_three() {
    // Arrange / Act
    let full = SmsLength::measure(&gsm_text(306));
    let over = SmsLength::measure(&gsm_text(307));

    // Assert
    assert_eq!(full.segments, 2);
    assert_eq!(full.remaining_in_segment, 0);
    assert_eq!(over.segments, 3);
    assert_eq!(over.remaining_in_segment, 152);
}

#[test]
fn extension_character_filling_a_single_sms_exactly_still_fits() {
    // Arrange: 158 + 2 = 160 septets.
    let text = format!("{}€", gsm_text(158));

    // Act
    let length = SmsLength::measure(&text);

    // Assert
    assert_eq!(length.units, 160);
    assert_eq!(length.segments, 1);
    assert_eq!(length.remaining_in_segment, 0);
}

#[test]
fn extension_character_one_septet_over_a_single_sms_makes_two_segments() {
    // Arrange: 159 + 2 = 161 septets.
    let text = format!("{}€", gsm_text(159));

    // Act
    let length = SmsLength::measure(&text);

    // Assert
    assert_eq!(length.units, 161);
    assert_eq!(length.segments, 2);
    // Segment one takes 153 letters; the last 6 and the euro's 2 septets go to segment two.
    assert_eq!(length.remaining_in_segment, 153 - 8);
}

#[test]
fn extension_character_ending_a_segment_exactly_stays_in_it() {
    // Arrange: 151 + 2 = 153 septets fill segment one; 10 more start segment two.
    let text = format!("{}€{}", gsm_text(151), gsm_text(10));

    // Act
    let length = SmsLength::measure(&text);

    // Assert
    assert_eq!(length.segments, 2);
    assert_eq!(length.remaining_in_segment, 153 - 10);
}

#[test]
fn extension_character_is_never_split_across_segments() {
    // Arrange: 152 + 2 + 152 = 306 septets, which would fill two segments exactly if the
    // euro's two septets could straddle them.
    let text = format!("{}€{}", gsm_text(152), gsm_text(152));

    // Act
    let length = SmsLength::measure(&text);

    // Assert
    assert_eq!(length.units, 306);
    assert_eq!(length.segments, 3);
    assert_eq!(length.remaining_in_segment, 153 - 1);
}

#[test]
fn extension_character_moved_to_the_next_segment_leaves_room_there() {
    // Arrange: 152 | 2 + 151 = 153.
    let text = format!("{}€{}", gsm_text(152), gsm_text(151));

    // Act
    let length = SmsLength::measure(&text);

    // Assert
    assert_eq!(length.units, 305);
    assert_eq!(length.segments, 2);
    assert_eq!(length.remaining_in_segment, 0);
}

// UCS-2 segments.

#[test]
fn ucs2_message_of_70_units_is_one_sms_and_71_is_two() {
    // Arrange / Act
    let full = SmsLength::measure(&ucs2_text(70));
    let over = SmsLength::measure(&ucs2_text(71));

    // Assert
    assert_eq!(full.segments, 1);
    assert_eq!(full.units_per_segment, 70);
    assert_eq!(full.remaining_in_segment, 0);
    assert_eq!(over.segments, 2);
    assert_eq!(over.units_per_segment, 67);
    assert_eq!(over.remaining_in_segment, 67 * 2 - 71);
}

#[test]
fn ucs2_message_of_134_units_is_two_segments_and_135_is_three() {
    // Arrange / Act
    let full = SmsLength::measure(&ucs2_text(134));
    let over = SmsLength::measure(&ucs2_text(135));

    // Assert
    assert_eq!(full.segments, 2);
    assert_eq!(full.remaining_in_segment, 0);
    assert_eq!(over.segments, 3);
    assert_eq!(over.remaining_in_segment, 66);
}

#[test]
fn emoji_at_the_end_of_a_single_sms() {
    // Arrange: 68 + 2 = 70 units fit; 69 + 2 = 71 do not.
    let fits = format!("{}😀", ucs2_text(68));
    let over = format!("{}😀", ucs2_text(69));

    // Act
    let fits = SmsLength::measure(&fits);
    let over = SmsLength::measure(&over);

    // Assert
    assert_eq!((fits.units, fits.segments), (70, 1));
    assert_eq!((over.units, over.segments), (71, 2));
}

#[test]
fn surrogate_pair_is_never_split_across_segments() {
    // Arrange: 66 + 2 + 66 = 134 units, two full segments if the pair could straddle them.
    let text = format!("{}😀{}", ucs2_text(66), ucs2_text(66));

    // Act
    let length = SmsLength::measure(&text);

    // Assert
    assert_eq!(length.units, 134);
    assert_eq!(length.segments, 3);
    assert_eq!(length.remaining_in_segment, 67 - 1);
}

#[test]
fn emoji_ending_a_segment_exactly_stays_in_it() {
    // Arrange: 65 + 2 = 67, then 67 more.
    let text = format!("{}😀{}", ucs2_text(65), ucs2_text(67));

    // Act
    let length = SmsLength::measure(&text);

    // Assert
    assert_eq!(length.units, 134);
    assert_eq!(length.segments, 2);
    assert_eq!(length.remaining_in_segment, 0);
}

#[test]
fn one_emoji_turns_a_long_gsm7_message_into_ucs2() {
    // Arrange
    let text = format!("{}😀", gsm_text(100));

    // Act
    let length = SmsLength::measure(&text);

    // Assert
    assert_eq!(length.encoding, SmsEncoding::Ucs2);
    assert_eq!(length.units, 102);
    assert_eq!(length.segments, 2);
}

#[test]
fn extension_characters_count_once_in_ucs2() {
    // Arrange / Act
    let length = SmsLength::measure("€ 😀");

    // Assert
    assert_eq!(length.units, 4);
}

// The gateway's limit.

#[test]
fn message_within_the_limit_passes() {
    assert_eq!(SmsLength::measure(&gsm_text(306)).check_limit(2), Ok(()));
    assert_eq!(SmsLength::measure("").check_limit(1), Ok(()));
}

#[test]
fn message_over_the_limit_says_how_many_characters_to_cut() {
    // Arrange: 300 UCS-2 units need 5 segments; 4 hold 268.
    let length = SmsLength::measure(&ucs2_text(300));

    // Act
    let result = length.check_limit(4);

    // Assert
    assert_eq!(
        result,
        Err(
            "The message needs 5 SMS segments (UCS-2); the gateway allows at most 4: \
             shorten it by 32 characters"
                .to_owned()
        )
    );
}

#[test]
fn cut_counts_extension_characters_as_two_septets() {
    // Arrange: 100 euros are 200 septets; one SMS holds 80 of them.
    let length = SmsLength::measure(&"€".repeat(100));

    // Act
    let result = length.check_limit(1);

    // Assert
    assert_eq!(
        result,
        Err(
            "The message needs 2 SMS segments (GSM-7); the gateway allows at most 1: \
             shorten it by 20 characters"
                .to_owned()
        )
    );
}

#[test]
fn cut_counts_the_room_lost_at_segment_boundaries() {
    // Arrange: 152 | € 152 needs 3 segments; the first 2 hold the first 152 + 1 + 151.
    let text = format!("{}€{}", gsm_text(152), gsm_text(152));
    let length = SmsLength::measure(&text);

    // Act
    let result = length.check_limit(2);

    // Assert
    assert_eq!(
        result,
        Err(
            "The message needs 3 SMS segments (GSM-7); the gateway allows at most 2: \
             shorten it by 1 character"
                .to_owned()
        )
    );
}

#[test]
fn cutting_the_only_emoji_brings_back_gsm7() {
    // Arrange: 160 letters and an emoji are 162 UCS-2 units, 3 segments; without the emoji
    // the letters fit one GSM-7 SMS.
    let length = SmsLength::measure(&format!("{}😀", gsm_text(160)));

    // Act
    let result = length.check_limit(1);

    // Assert
    assert_eq!(length.segments, 3);
    assert_eq!(
        result,
        Err(
            "The message needs 3 SMS segments (UCS-2); the gateway allows at most 1: \
             shorten it by 1 character"
                .to_owned()
        )
    );
}

#[test]
fn cut_is_exact_for_every_limit() {
    // Arrange
    let text = format!("{}€😀{}", gsm_text(150), ucs2_text(400));
    let length = SmsLength::measure(&text);
    let all: Vec<char> = text.chars().collect();

    for max in 1..length.segments {
        // Act
        let message = length.check_limit(max as u8).unwrap_err();
        let cut: usize = message
            .rsplit(' ')
            .nth(1)
            .and_then(|n| n.parse().ok())
            .expect("a number of characters");

        // Assert: cutting that many fits, cutting one fewer does not.
        let keep = |n: usize| all[..n].iter().collect::<String>();
        let kept = SmsLength::measure(&keep(all.len() - cut));
        let one_more = SmsLength::measure(&keep(all.len() - cut + 1));
        assert!(kept.segments <= max, "{max}");
        assert!(one_more.segments > max, "{max}");
    }
}

#[test]
fn limit_of_zero_is_taken_as_one() {
    assert_eq!(SmsLength::measure(&gsm_text(160)).check_limit(0), Ok(()));
    assert!(SmsLength::measure(&gsm_text(161)).check_limit(0).is_err());
}

// What the page shows.

#[test]
fn counter_shows_characters_encoding_segments_and_room_left() {
    assert_eq!(
        SmsLength::measure(&gsm_text(143)).describe(),
        "143 characters · GSM-7 · 1 SMS (17 left)"
    );
    assert_eq!(
        SmsLength::measure(&ucs2_text(71)).describe(),
        "71 characters · UCS-2 · 2 SMS (63 left)"
    );
    assert_eq!(
        SmsLength::measure("a").describe(),
        "1 character · GSM-7 · 1 SMS (159 left)"
    );
}

#[test]
fn ucs2_reason_names_the_character() {
    assert_eq!(
        SmsLength::measure("Disk full 😀 again")
            .ucs2_reason()
            .as_deref(),
        Some("‘😀’ is not in the GSM alphabet, so the message uses UCS-2 (70 characters per SMS)")
    );
    assert_eq!(SmsLength::measure("Disk full").ucs2_reason(), None);
}

#[test]
fn ucs2_reason_gives_the_room_per_segment_of_a_long_message() {
    let reason = SmsLength::measure(&ucs2_text(100)).ucs2_reason().unwrap();
    assert!(reason.ends_with("(67 characters per SMS)"), "{reason}");
}

#[test]
fn ucs2_reason_names_invisible_characters_by_code_point() {
    // Arrange
    let cases = [
        ("a\u{200B}b", "The invisible character U+200B"),
        ("a\u{A0}b", "The special space U+00A0"),
        ("a\tb", "A tab"),
        ("e\u{301}", "The separate accent U+0301"),
    ];

    // Act / Assert
    for (text, found) in cases {
        let reason = SmsLength::measure(text).ucs2_reason().unwrap();
        assert!(
            reason.starts_with(&format!("{found} is not in the GSM alphabet")),
            "{reason}"
        );
    }
}
