//! Property-style tests: the parsers are fed many generated and mutated
//! strings. They must never panic, and every accepted input must be written
//! back exactly as it was read.
//!
//! The test kit's seeded generator keeps the test reproducible.

use sdkgen_runtime::{DateTime, Decimal, Offset};
use sdkgen_testkit::Rng;

/// Characters that matter to the grammars, plus a few that never do.
const ALPHABET: &[char] = &[
    '0',
    '1',
    '2',
    '3',
    '4',
    '5',
    '6',
    '7',
    '8',
    '9',
    '0',
    '1',
    '9',
    '.',
    '.',
    '-',
    '-',
    '+',
    'e',
    'E',
    'T',
    't',
    ':',
    ':',
    'Z',
    'z',
    'I',
    'N',
    'F',
    'a',
    ' ',
    '\n',
    '\0',
    'é',
    '٣',
    '２',
    '…',
    '\u{10FFFF}',
];

const DECIMAL_SEEDS: &[&str] = &[
    "0",
    "-0.0",
    "1.50",
    "+.5",
    "5.",
    "1e3",
    "-1.25E-07",
    "NaN",
    "INF",
    "-INF",
    "+INF",
    "123456789.987654321",
    "1e99999999999999999999999999999999999999999",
];

const DATETIME_SEEDS: &[&str] = &[
    "2016-09-08T09:53:35.138+02:00",
    "2016-09-08T09:53:35Z",
    "2016-09-08T09:53:35",
    "2000-02-29T23:59:60.123456789-14:00",
    "0001-01-01T00:00:00.1Z",
    "9999-12-31T24:00:00-00:00",
];

fn random_string(rng: &mut Rng) -> String {
    let len = rng.below(40);
    (0..len).map(|_| *rng.pick(ALPHABET)).collect()
}

/// Applies one to four random edits (replace, insert, delete, duplicate a
/// slice, truncate) to a seed, working on characters so the result stays
/// valid UTF-8.
fn mutate(rng: &mut Rng, seed: &str) -> String {
    let mut chars: Vec<char> = seed.chars().collect();
    for _ in 0..=rng.below(4) {
        let len = chars.len();
        match rng.below(5) {
            0 if len > 0 => {
                let at = rng.below(len);
                chars[at] = *rng.pick(ALPHABET);
            }
            1 => {
                let at = rng.below(len + 1);
                chars.insert(at, *rng.pick(ALPHABET));
            }
            2 if len > 0 => {
                chars.remove(rng.below(len));
            }
            3 if len > 0 => {
                let start = rng.below(len);
                let end = start + rng.below(len - start) + 1;
                let copy: Vec<char> = chars[start..end].to_vec();
                let at = rng.below(len + 1);
                chars.splice(at..at, copy);
            }
            _ => chars.truncate(rng.below(len + 1)),
        }
    }
    chars.into_iter().collect()
}

/// A structurally plausible date-time whose fields are random (and so
/// sometimes out of range), to reach the range checks often.
fn random_datetime_text(rng: &mut Rng) -> String {
    let mut text = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        rng.below(10_000),
        rng.below(14),
        rng.below(33),
        rng.below(26),
        rng.below(62),
        rng.below(62)
    );
    let digits = rng.below(11);
    if digits > 0 {
        text.push('.');
        for _ in 0..digits {
            text.push(*rng.pick(&['0', '1', '5', '9']));
        }
    }
    match rng.below(4) {
        0 => {}
        1 => text.push('Z'),
        _ => {
            let sign = *rng.pick(&['+', '-']);
            text.push_str(&format!("{sign}{:02}:{:02}", rng.below(16), rng.below(61)));
        }
    }
    text
}

fn check_decimal(text: &str) -> bool {
    let Ok(d) = Decimal::parse(text) else {
        return false;
    };
    assert_eq!(d.to_string(), text, "decimal must re-display identically");
    if d.to_f64().is_nan() {
        assert_eq!(text, "NaN");
    } else {
        assert!(d.numeric_eq(&d), "{text} must equal itself numerically");
    }
    true
}

fn check_datetime(text: &str) -> bool {
    match DateTime::parse(text) {
        Ok(t) => {
            assert_eq!(t.to_string(), text, "dateTime must re-display identically");
            assert_eq!(format!("{t:?}"), format!("DateTime({text})"));
            match t.to_unix_millis() {
                Some(millis) => {
                    // The same instant, written in UTC, converts back.
                    let utc = DateTime::from_unix_millis(millis);
                    assert_eq!(utc.to_unix_millis(), Some(millis.clamp(-62_135_596_800_000, 253_402_300_799_999,)));
                }
                None => assert_eq!(t.offset(), Offset::Absent),
            }
            true
        }
        Err(err) => {
            // Formatting the error must work and stay short.
            assert!(err.to_string().len() < 300, "{err}");
            false
        }
    }
}

#[test]
fn decimal_parser_never_panics_and_round_trips() {
    let mut rng = Rng::new(0x5EED_0001);
    let mut accepted = 0;
    for _ in 0..100_000 {
        let text = if rng.below(2) == 0 {
            random_string(&mut rng)
        } else {
            let seed = *rng.pick(DECIMAL_SEEDS);
            mutate(&mut rng, seed)
        };
        accepted += usize::from(check_decimal(&text));
    }
    // Make sure the generators reach the accepting paths too.
    assert!(accepted > 5_000, "only {accepted} inputs were accepted");
}

#[test]
fn datetime_parser_never_panics_and_round_trips() {
    let mut rng = Rng::new(0x5EED_0002);
    let mut accepted = 0;
    for _ in 0..100_000 {
        let text = match rng.below(3) {
            0 => random_string(&mut rng),
            1 => {
                let seed = *rng.pick(DATETIME_SEEDS);
                mutate(&mut rng, seed)
            }
            _ => random_datetime_text(&mut rng),
        };
        accepted += usize::from(check_datetime(&text));
    }
    // Make sure the generators reach the accepting paths too.
    assert!(accepted > 5_000, "only {accepted} inputs were accepted");
}

#[test]
fn float_conversions_round_trip_bit_exactly() {
    let mut rng = Rng::new(0x5EED_0003);
    for _ in 0..50_000 {
        let bits = rng.next();
        let value = f64::from_bits(bits);
        let d = Decimal::from(value);
        let reparsed = Decimal::parse(d.as_str()).expect("From<f64> must produce valid text");
        assert_eq!(reparsed, d);
        if value.is_nan() {
            assert!(d.to_f64().is_nan());
        } else {
            assert_eq!(d.to_f64().to_bits(), bits, "{d}");
        }

        let small = f32::from_bits(bits as u32);
        let d = Decimal::from(small);
        assert!(Decimal::parse(d.as_str()).is_ok(), "{d}");
        if !small.is_nan() {
            let back: f32 = d.as_str().parse().expect("Rust parses every accepted form");
            assert_eq!(back.to_bits(), small.to_bits(), "{d}");
        }
    }
}

#[test]
fn unix_millis_round_trip() {
    let mut rng = Rng::new(0x5EED_0004);
    let min = -62_135_596_800_000i64;
    let max = 253_402_300_799_999i64;
    for _ in 0..50_000 {
        let millis = min + (rng.next() % (max - min + 1) as u64) as i64;
        let t = DateTime::from_unix_millis(millis);
        assert_eq!(t.to_unix_millis(), Some(millis));
        assert_eq!(DateTime::checked_from_unix_millis(millis), Some(t));
        let text = t.to_string();
        assert_eq!(DateTime::parse(&text), Ok(t), "{text}");
    }
}
