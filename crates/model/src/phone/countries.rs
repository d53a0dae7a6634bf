//! The ITU-T E.164 country calling codes the console knows, with each country's national
//! trunk prefix and number lengths, and the codes of services that cannot receive SMS.

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
pub(super) const COUNTRIES: &str = "\
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
pub(super) const EXACT_LENGTHS: &[(&str, usize)] = &[
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
pub(super) const SERVICE_CODES: &[(&str, &str)] = &[
    ("800", "International Freephone numbers"),
    ("808", "International Shared Cost numbers"),
    ("878", "Universal Personal Telecommunications numbers"),
    ("888", "the UN's disaster relief networks"),
    ("979", "International Premium Rate numbers"),
    ("991", "an ITU trial service"),
];

/// One line of [`COUNTRIES`].
pub(super) struct Country {
    pub(super) code: &'static str,
    pub(super) trunk: Option<&'static str>,
    pub(super) lengths: Option<(usize, usize)>,
    pub(super) name: &'static str,
}

impl Country {
    /// Reads one line of [`COUNTRIES`]; `None` only when the table itself is malformed.
    pub(super) fn read(line: &'static str) -> Option<Country> {
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
    pub(super) fn all() -> impl Iterator<Item = Country> {
        COUNTRIES.lines().filter_map(Country::read)
    }

    /// The country whose calling code begins `digits` (the digits after the `+`).
    pub(super) fn of(digits: &str) -> Option<Country> {
        Country::all().find(|country| digits.starts_with(country.code))
    }
}
