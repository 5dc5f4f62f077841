//! [`DateTime`]: an XML Schema `dateTime` that is written back as received.

use std::error::Error;
use std::fmt;
use std::str::FromStr;

/// The time-zone part of a [`DateTime`], kept exactly as it was received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Offset {
    /// UTC written as `Z`.
    Utc,
    /// A numeric offset east of UTC in minutes, written `±HH:MM`
    /// (`+02:00` is `Minutes(120)`, `-05:30` is `Minutes(-330)`). It lies
    /// within ±14:00, i.e. `-840..=840`. `+00:00` is `Minutes(0)`, which is
    /// the same instant as [`Utc`](Offset::Utc) but written differently.
    Minutes(i16),
    /// No time zone was given: the value is a local ("floating") time that
    /// does not denote a single instant.
    Absent,
}

impl Offset {
    /// The offset east of UTC in minutes, `Some(0)` for [`Utc`](Offset::Utc)
    /// and `None` when the zone is [`Absent`](Offset::Absent).
    pub fn minutes(self) -> Option<i16> {
        match self {
            Offset::Utc => Some(0),
            Offset::Minutes(minutes) => Some(minutes),
            Offset::Absent => None,
        }
    }
}

/// A date and time of day as XML Schema's `dateTime`, e.g.
/// `2016-09-08T09:53:35.138+02:00`.
///
/// Every component is kept as received, so writing a parsed value
/// ([`Display`](fmt::Display)) reproduces the original text exactly: the
/// offset stays `+02:00` (it is not converted to UTC), `Z` stays `Z`, a
/// missing zone stays missing, and the fraction of a second keeps the
/// number of digits it had (`.1`, `.138`, `.000`, or none at all).
///
/// ```
/// use sdkgen_runtime::{DateTime, Offset};
///
/// let t: DateTime = "2016-09-08T09:53:35.138+02:00".parse()?;
/// assert_eq!((t.year(), t.month(), t.day()), (2016, 9, 8));
/// assert_eq!(t.millisecond(), 138);
/// assert_eq!(t.offset(), Offset::Minutes(120));
/// assert_eq!(t.to_string(), "2016-09-08T09:53:35.138+02:00");
/// assert_eq!(t.to_unix_millis(), Some(1_473_321_215_138));
/// # Ok::<(), sdkgen_runtime::ParseDateTimeError>(())
/// ```
///
/// # Accepted text
///
/// `YYYY-MM-DDThh:mm:ss`, optionally followed by `.` and 1 to 9 fraction
/// digits, optionally followed by `Z` or `+hh:mm` / `-hh:mm`. Every field
/// has exactly the digits shown. The values must be valid:
///
/// * the year is `0001` to `9999` (XML Schema also allows longer and
///   negative years; they are rejected here);
/// * the day exists in that month, leap years included (proleptic
///   Gregorian calendar);
/// * the hour is `00` to `23`, or `24` for `24:00:00` (with zero fraction)
///   which XML Schema 1.0 allows for the end of the day;
/// * the minute is `00` to `59` and the second `00` to `60` (`60` allows
///   a leap second, at any minute since no leap-second table is used);
/// * the offset is at most `14:00` either way, with minutes `00` to `59`.
///
/// # Equality
///
/// `==` and [`Hash`] compare the representation, not the instant:
/// `10:00:00Z`, `12:00:00+02:00` and `10:00:00.000Z` are all different.
/// Compare [`to_unix_millis`](DateTime::to_unix_millis) to compare instants.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTime {
    year: i32,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    nanosecond: u32,
    /// How many fraction digits to write (0 to 9).
    fraction_digits: u8,
    offset: Offset,
    /// The offset was written `-00:00` rather than `+00:00`.
    minus_zero: bool,
}

const MILLIS_PER_DAY: i64 = 86_400_000;

/// The earliest instant [`DateTime::from_unix_millis`] produces:
/// `0001-01-01T00:00:00.000Z`.
const MIN_UNIX_MILLIS: i64 = days_from_civil(1, 1, 1) * MILLIS_PER_DAY;

/// The latest instant [`DateTime::from_unix_millis`] produces:
/// `9999-12-31T23:59:59.999Z`.
const MAX_UNIX_MILLIS: i64 = days_from_civil(9999, 12, 31) * MILLIS_PER_DAY + MILLIS_PER_DAY - 1;

impl DateTime {
    /// Builds a date-time from its components, checking that they are in
    /// range (see [accepted text](DateTime#accepted-text)).
    ///
    /// The value is written with as many fraction digits as `nanosecond`
    /// needs (none when it is zero, `.5` for 500 000 000); use
    /// [`with_fraction_digits`](DateTime::with_fraction_digits) to choose
    /// another precision. A `Minutes(0)` offset is written `+00:00`.
    ///
    /// # Errors
    ///
    /// Returns a [`ParseDateTimeError`] (without input text) naming the
    /// first component that is out of range.
    #[allow(clippy::too_many_arguments)] // one argument per component is the clearest form
    pub fn new(
        year: i32,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
        nanosecond: u32,
        offset: Offset,
    ) -> Result<DateTime, ParseDateTimeError> {
        let value = DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
            nanosecond,
            fraction_digits: 0,
            offset,
            minus_zero: false,
        };
        match value.check_ranges() {
            Ok(()) => Ok(value.with_fraction_digits(needed_fraction_digits(nanosecond))),
            Err(kind) => Err(ParseDateTimeError { kind, input: None }),
        }
    }

    /// Parses XML Schema `dateTime` text, keeping every detail needed to
    /// write it back unchanged.
    ///
    /// # Errors
    ///
    /// Returns a [`ParseDateTimeError`] when the text does not have the
    /// [accepted form](DateTime#accepted-text) or a component is out of
    /// range.
    pub fn parse(text: &str) -> Result<DateTime, ParseDateTimeError> {
        parse_fields(text.as_bytes()).map_err(|kind| ParseDateTimeError { kind, input: Some(crate::snippet(text)) })
    }

    /// The instant `millis` milliseconds after 1970-01-01T00:00:00Z, in UTC
    /// (`Z`) and written with three fraction digits.
    ///
    /// Instants before `0001-01-01T00:00:00.000Z` or after
    /// `9999-12-31T23:59:59.999Z` are clamped to those limits; use
    /// [`checked_from_unix_millis`](DateTime::checked_from_unix_millis) to
    /// detect that instead.
    ///
    /// ```
    /// use sdkgen_runtime::DateTime;
    ///
    /// let t = DateTime::from_unix_millis(1_473_321_215_138);
    /// assert_eq!(t.to_string(), "2016-09-08T07:53:35.138Z");
    /// ```
    pub fn from_unix_millis(millis: i64) -> DateTime {
        utc_from_millis(millis.clamp(MIN_UNIX_MILLIS, MAX_UNIX_MILLIS))
    }

    /// Like [`from_unix_millis`](DateTime::from_unix_millis), but returns
    /// `None` for instants outside the years 0001 to 9999 (UTC).
    pub fn checked_from_unix_millis(millis: i64) -> Option<DateTime> {
        (MIN_UNIX_MILLIS..=MAX_UNIX_MILLIS).contains(&millis).then(|| utc_from_millis(millis))
    }

    /// Milliseconds since 1970-01-01T00:00:00Z, or `None` when the time
    /// zone is [`Absent`](Offset::Absent) (the instant is then unknown).
    ///
    /// Digits beyond milliseconds are dropped (rounding towards the past).
    /// A leap second `:60` counts as the first second of the next minute
    /// and `24:00:00` as midnight of the next day.
    pub fn to_unix_millis(&self) -> Option<i64> {
        let offset = i64::from(self.offset.minutes()?);
        let days = days_from_civil(self.year, self.month, self.day);
        let seconds = days * 86_400
            + i64::from(self.hour) * 3_600
            + (i64::from(self.minute) - offset) * 60
            + i64::from(self.second);
        Some(seconds * 1_000 + i64::from(self.millisecond()))
    }

    /// Returns the same value written with `digits` fraction digits
    /// (at most 9; larger values count as 9). Sub-second digits that no
    /// longer fit are dropped, e.g. `.138` with one digit becomes `.1`.
    pub fn with_fraction_digits(self, digits: u8) -> DateTime {
        let digits = digits.min(9);
        let unit = 10u32.pow(9 - u32::from(digits));
        DateTime { nanosecond: self.nanosecond - self.nanosecond % unit, fraction_digits: digits, ..self }
    }

    /// The year, `1` to `9999`.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The month, `1` to `12`.
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month, `1` to `31`.
    pub fn day(&self) -> u8 {
        self.day
    }

    /// The hour, `0` to `23` (or `24` for `24:00:00`).
    pub fn hour(&self) -> u8 {
        self.hour
    }

    /// The minute, `0` to `59`.
    pub fn minute(&self) -> u8 {
        self.minute
    }

    /// The second, `0` to `59` (or `60` for a leap second).
    pub fn second(&self) -> u8 {
        self.second
    }

    /// The fraction of the second in nanoseconds, `0` to `999_999_999`.
    pub fn nanosecond(&self) -> u32 {
        self.nanosecond
    }

    /// The fraction of the second in whole milliseconds, `0` to `999`.
    pub fn millisecond(&self) -> u32 {
        self.nanosecond / 1_000_000
    }

    /// How many fraction digits the value is written with, `0` to `9`.
    pub fn fraction_digits(&self) -> u8 {
        self.fraction_digits
    }

    /// The time zone offset, as received.
    pub fn offset(&self) -> Offset {
        self.offset
    }

    /// Checks every component against its range.
    fn check_ranges(&self) -> Result<(), DateTimeErrorKind> {
        use DateTimeErrorKind as K;
        if !(1..=9999).contains(&self.year) {
            return Err(K::YearOutOfRange);
        }
        if !(1..=12).contains(&self.month) {
            return Err(K::MonthOutOfRange);
        }
        if self.day < 1 || self.day > days_in_month(self.year, self.month) {
            return Err(K::DayOutOfRange);
        }
        if self.hour > 24 {
            return Err(K::HourOutOfRange);
        }
        if self.minute > 59 {
            return Err(K::MinuteOutOfRange);
        }
        if self.second > 60 {
            return Err(K::SecondOutOfRange);
        }
        if self.nanosecond > 999_999_999 {
            return Err(K::NanosecondOutOfRange);
        }
        if self.hour == 24 && (self.minute, self.second, self.nanosecond) != (0, 0, 0) {
            return Err(K::HourOutOfRange);
        }
        if let Offset::Minutes(m) = self.offset {
            if !(-840..=840).contains(&m) {
                return Err(K::OffsetOutOfRange);
            }
        }
        Ok(())
    }
}

impl FromStr for DateTime {
    type Err = ParseDateTimeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        DateTime::parse(text)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )?;
        if self.fraction_digits > 0 {
            let digits = u32::from(self.fraction_digits.min(9));
            let fraction = self.nanosecond / 10u32.pow(9 - digits);
            write!(f, ".{fraction:0width$}", width = digits as usize)?;
        }
        match self.offset {
            Offset::Utc => f.write_str("Z"),
            Offset::Minutes(minutes) => {
                let sign = if minutes < 0 || (minutes == 0 && self.minus_zero) { '-' } else { '+' };
                let abs = minutes.unsigned_abs();
                write!(f, "{sign}{:02}:{:02}", abs / 60, abs % 60)
            }
            Offset::Absent => Ok(()),
        }
    }
}

/// Shows the text, e.g. `DateTime(2016-09-08T09:53:35.138+02:00)`.
impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateTime({self})")
    }
}

/// What was wrong with a date-time given to [`DateTime::parse`] or
/// [`DateTime::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DateTimeErrorKind {
    /// The text was empty.
    Empty,
    /// The text does not have the `dateTime` shape: at byte offset `at`
    /// something else was `expected` (e.g. `"digit"` or `"'T'"`).
    Syntax {
        /// Byte offset of the problem (the text length if it ended early).
        at: usize,
        /// A short description of what would have been valid there.
        expected: &'static str,
    },
    /// The year is not `0001` to `9999` (this includes years written with
    /// more than four digits or with a sign).
    YearOutOfRange,
    /// The month is not `01` to `12`.
    MonthOutOfRange,
    /// The day does not exist in the month.
    DayOutOfRange,
    /// The hour is above `23`, other than `24:00:00`.
    HourOutOfRange,
    /// The minute is above `59`.
    MinuteOutOfRange,
    /// The second is above `60`.
    SecondOutOfRange,
    /// The nanosecond is above `999_999_999` (only from [`DateTime::new`]).
    NanosecondOutOfRange,
    /// The fraction of a second has more than nine digits.
    TooManyFractionDigits,
    /// The offset is beyond ±14:00 or its minutes are above `59`.
    OffsetOutOfRange,
}

impl fmt::Display for DateTimeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use DateTimeErrorKind as K;
        let what = match self {
            K::Empty => "the text is empty",
            K::Syntax { at, expected } => return write!(f, "expected {expected} at byte {at}"),
            K::YearOutOfRange => "the year must be 0001 to 9999",
            K::MonthOutOfRange => "the month must be 01 to 12",
            K::DayOutOfRange => "the day does not exist in that month",
            K::HourOutOfRange => "the hour must be 00 to 23 (or 24:00:00)",
            K::MinuteOutOfRange => "the minute must be 00 to 59",
            K::SecondOutOfRange => "the second must be 00 to 60",
            K::NanosecondOutOfRange => "the nanosecond must be below 1000000000",
            K::TooManyFractionDigits => "at most 9 fraction digits are supported",
            K::OffsetOutOfRange => "the offset must be within -14:00 to +14:00",
        };
        f.write_str(what)
    }
}

/// The error returned for an invalid date-time.
///
/// When it comes from [`DateTime::parse`] the message names the offending
/// text, shortened to its first 64 characters (followed by `…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDateTimeError {
    kind: DateTimeErrorKind,
    input: Option<String>,
}

impl ParseDateTimeError {
    /// What was wrong.
    pub fn kind(&self) -> DateTimeErrorKind {
        self.kind
    }

    /// The rejected text (shortened to 64 characters plus `…` if it was
    /// longer), or `None` when the error comes from [`DateTime::new`].
    pub fn input(&self) -> Option<&str> {
        self.input.as_deref()
    }
}

impl fmt::Display for ParseDateTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.input {
            Some(input) => write!(f, "invalid dateTime {input:?}: {}", self.kind),
            None => write!(f, "invalid dateTime: {}", self.kind),
        }
    }
}

impl Error for ParseDateTimeError {}

/// Reads `bytes` from left to right, reporting what it expected on failure.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn error(&self, expected: &'static str) -> DateTimeErrorKind {
        DateTimeErrorKind::Syntax { at: self.at, expected }
    }

    /// Consumes `byte` or fails saying `expected`.
    fn expect(&mut self, byte: u8, expected: &'static str) -> Result<(), DateTimeErrorKind> {
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(expected))
        }
    }

    /// Consumes exactly two ASCII digits.
    fn two_digits(&mut self) -> Result<u8, DateTimeErrorKind> {
        let mut value = 0;
        for _ in 0..2 {
            match self.peek() {
                Some(d @ b'0'..=b'9') => {
                    value = value * 10 + (d - b'0');
                    self.at += 1;
                }
                _ => return Err(self.error("digit")),
            }
        }
        Ok(value)
    }
}

/// Parses and validates the text of a date-time.
fn parse_fields(bytes: &[u8]) -> Result<DateTime, DateTimeErrorKind> {
    use DateTimeErrorKind as K;
    if bytes.is_empty() {
        return Err(K::Empty);
    }
    let mut r = Reader { bytes, at: 0 };

    // Year: exactly four digits. A sign or a fifth digit is valid XML Schema
    // but outside what this type supports, so report it as a range problem.
    let year_digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    let signed_year = bytes[0] == b'-' && bytes.get(1).is_some_and(u8::is_ascii_digit);
    if signed_year || year_digits > 4 {
        return Err(K::YearOutOfRange);
    }
    if year_digits < 4 {
        r.at = year_digits;
        return Err(r.error("digit"));
    }
    let year = bytes[..4].iter().fold(0i32, |acc, d| acc * 10 + i32::from(d - b'0'));
    r.at = 4;

    r.expect(b'-', "'-'")?;
    let month = r.two_digits()?;
    r.expect(b'-', "'-'")?;
    let day = r.two_digits()?;
    r.expect(b'T', "'T'")?;
    let hour = r.two_digits()?;
    r.expect(b':', "':'")?;
    let minute = r.two_digits()?;
    r.expect(b':', "':'")?;
    let second = r.two_digits()?;

    let mut nanosecond = 0;
    let mut fraction_digits = 0;
    if r.peek() == Some(b'.') {
        r.at += 1;
        let digits = bytes[r.at..].iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return Err(r.error("digit"));
        }
        if digits > 9 {
            return Err(K::TooManyFractionDigits);
        }
        let fraction = bytes[r.at..r.at + digits].iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
        nanosecond = fraction * 10u32.pow(9 - digits as u32);
        fraction_digits = digits as u8;
        r.at += digits;
    }

    let mut minus_zero = false;
    let offset = match r.peek() {
        None => Offset::Absent,
        Some(b'Z') => {
            r.at += 1;
            Offset::Utc
        }
        Some(sign @ (b'+' | b'-')) => {
            r.at += 1;
            let hours = r.two_digits()?;
            r.expect(b':', "':'")?;
            let minutes = r.two_digits()?;
            if minutes > 59 {
                return Err(K::OffsetOutOfRange);
            }
            let total = i16::from(hours) * 60 + i16::from(minutes);
            minus_zero = sign == b'-' && total == 0;
            Offset::Minutes(if sign == b'-' { -total } else { total })
        }
        Some(_) => {
            let expected =
                if fraction_digits == 0 { "'.', 'Z', '+', '-' or the end" } else { "digit, 'Z', '+', '-' or the end" };
            return Err(r.error(expected));
        }
    };
    if r.at != bytes.len() {
        return Err(r.error("the end"));
    }

    let value = DateTime { year, month, day, hour, minute, second, nanosecond, fraction_digits, offset, minus_zero };
    value.check_ranges()?;
    Ok(value)
}

/// The fewest fraction digits that represent `nanosecond` exactly.
fn needed_fraction_digits(nanosecond: u32) -> u8 {
    if nanosecond == 0 {
        return 0;
    }
    let mut digits = 9;
    let mut rest = nanosecond;
    while rest % 10 == 0 {
        rest /= 10;
        digits -= 1;
    }
    digits
}

fn is_leap_year(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Number of days in `month` (1 to 12) of `year`.
fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Calendar arithmetic in the proleptic Gregorian calendar.
//
// Both conversions count years from March, so the leap day is the last day
// of its year, and group years into 400-year cycles ("eras") of exactly
// 146 097 days, which makes the arithmetic independent of the era.

/// Days from 1970-01-01 to the given date (negative before it).
const fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let (year, month, day) = (year as i64, month as i64, day as i64);
    // January and February belong to the previous March-based year.
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400; // 0..=399
    let month_from_march = (month + 9) % 12; // March = 0 … February = 11
    // Month lengths from March repeat 31,30,31,30,31 so the first day of
    // month m is at (153 * m + 2) / 5.
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1; // 0..=365
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    // 719 468 days separate 0000-03-01 (day 0 of era 0) from 1970-01-01.
    era * 146_097 + day_of_era - 719_468
}

/// The date (year, month, day) `days` days after 1970-01-01.
const fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let days = days + 719_468; // now counted from 0000-03-01
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097; // 0..=146_096
    // Undo the leap-day corrections (every 4th year, not every 100th, but
    // every 400th) before dividing by the length of a common year.
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 };
    let year = year_of_era + era * 400 + if month <= 2 { 1 } else { 0 };
    (year as i32, month as u8, day as u8)
}

/// The UTC date-time for `millis`, which must lie within
/// `MIN_UNIX_MILLIS..=MAX_UNIX_MILLIS`.
fn utc_from_millis(millis: i64) -> DateTime {
    let days = millis.div_euclid(MILLIS_PER_DAY);
    let of_day = millis.rem_euclid(MILLIS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    let seconds = of_day / 1_000;
    DateTime {
        year,
        month,
        day,
        hour: (seconds / 3_600) as u8,
        minute: (seconds / 60 % 60) as u8,
        second: (seconds % 60) as u8,
        nanosecond: (of_day % 1_000) as u32 * 1_000_000,
        fraction_digits: 3,
        offset: Offset::Utc,
        minus_zero: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DateTimeErrorKind as K;

    fn dt(text: &str) -> DateTime {
        DateTime::parse(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
    }

    fn kind(text: &str) -> DateTimeErrorKind {
        DateTime::parse(text).expect_err(text).kind()
    }

    #[test]
    fn round_trips_verbatim() {
        for text in [
            "2016-09-08T09:53:35.138+02:00",
            "2016-09-08T09:53:35Z",
            "2016-09-08T09:53:35",
            "2016-09-08T09:53:35.1",
            "2016-09-08T09:53:35.10",
            "2016-09-08T09:53:35.000",
            "2016-09-08T09:53:35.000000000Z",
            "2016-09-08T09:53:35.123456789-05:30",
            "2016-09-08T09:53:35.000000001+14:00",
            "2016-09-08T09:53:35-14:00",
            "2016-09-08T09:53:35+00:00",
            "2016-09-08T09:53:35-00:00",
            "2016-09-08T09:53:35.5-00:00",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z",
            "2000-02-29T12:00:00",
            "2016-12-31T23:59:60Z",
            "2016-09-08T24:00:00",
            "2016-09-08T24:00:00.000+01:00",
        ] {
            let t = dt(text);
            assert_eq!(t.to_string(), text);
            assert_eq!(format!("{t:?}"), format!("DateTime({text})"));
            assert_eq!(text.parse::<DateTime>().unwrap(), t);
        }
    }

    #[test]
    fn components() {
        let t = dt("2016-09-08T09:53:35.138+02:00");
        assert_eq!(t.year(), 2016);
        assert_eq!(t.month(), 9);
        assert_eq!(t.day(), 8);
        assert_eq!(t.hour(), 9);
        assert_eq!(t.minute(), 53);
        assert_eq!(t.second(), 35);
        assert_eq!(t.nanosecond(), 138_000_000);
        assert_eq!(t.millisecond(), 138);
        assert_eq!(t.fraction_digits(), 3);
        assert_eq!(t.offset(), Offset::Minutes(120));

        assert_eq!(dt("2016-09-08T09:53:35.1").nanosecond(), 100_000_000);
        assert_eq!(dt("2016-09-08T09:53:35.000000007Z").nanosecond(), 7);
        assert_eq!(dt("2016-09-08T09:53:35Z").offset(), Offset::Utc);
        assert_eq!(dt("2016-09-08T09:53:35").offset(), Offset::Absent);
        assert_eq!(dt("2016-09-08T09:53:35-05:30").offset(), Offset::Minutes(-330));
        assert_eq!(dt("2016-09-08T09:53:35-00:00").offset(), Offset::Minutes(0));
        assert_eq!(Offset::Utc.minutes(), Some(0));
        assert_eq!(Offset::Minutes(-330).minutes(), Some(-330));
        assert_eq!(Offset::Absent.minutes(), None);
    }

    #[test]
    fn equality_is_textual() {
        assert_ne!(dt("2016-09-08T10:00:00Z"), dt("2016-09-08T12:00:00+02:00"));
        assert_ne!(dt("2016-09-08T10:00:00Z"), dt("2016-09-08T10:00:00.000Z"));
        assert_ne!(dt("2016-09-08T10:00:00+00:00"), dt("2016-09-08T10:00:00-00:00"));
        assert_ne!(dt("2016-09-08T10:00:00Z"), dt("2016-09-08T10:00:00+00:00"));
        assert_eq!(dt("2016-09-08T10:00:00Z").to_unix_millis(), dt("2016-09-08T12:00:00+02:00").to_unix_millis());
    }

    #[test]
    fn syntax_errors() {
        assert_eq!(kind(""), K::Empty);
        let cases: &[(&str, usize, &str)] = &[
            ("2016", 4, "'-'"),
            ("16-09-08T09:53:35", 2, "digit"),
            ("2016/09/08T09:53:35", 4, "'-'"),
            ("2016-9-08T09:53:35", 6, "digit"),
            ("2016-09-08 09:53:35", 10, "'T'"),
            ("2016-09-08t09:53:35", 10, "'T'"),
            ("2016-09-08T09:53", 16, "':'"),
            ("2016-09-08T09:53:3", 18, "digit"),
            ("2016-09-08T09:53:35.", 20, "digit"),
            ("2016-09-08T09:53:35.Z", 20, "digit"),
            ("2016-09-08T09:53:35z", 19, "'.', 'Z', '+', '-' or the end"),
            ("2016-09-08T09:53:35.5 ", 21, "digit, 'Z', '+', '-' or the end"),
            ("2016-09-08T09:53:35Z ", 20, "the end"),
            ("2016-09-08T09:53:35ZZ", 20, "the end"),
            ("2016-09-08T09:53:35+02", 22, "':'"),
            ("2016-09-08T09:53:35+0200", 22, "':'"),
            ("2016-09-08T09:53:35+2:00", 21, "digit"),
            ("2016-09-08T09:53:35+02:00:00", 25, "the end"),
            ("2016-09-08T09:53:35.138+02:00\n", 29, "the end"),
            ("２０１６-09-08T09:53:35", 0, "digit"),
            ("2016-09-08T09:53:35+02:0é", 24, "digit"),
            ("+2016-09-08T09:53:35", 0, "digit"),
            (" 2016-09-08T09:53:35", 0, "digit"),
            ("2016-09-08", 10, "'T'"),
        ];
        for &(text, at, expected) in cases {
            assert_eq!(kind(text), K::Syntax { at, expected }, "{text:?}");
        }
    }

    #[test]
    fn range_errors() {
        let cases: &[(&str, DateTimeErrorKind)] = &[
            ("0000-01-01T00:00:00Z", K::YearOutOfRange),
            ("10000-01-01T00:00:00Z", K::YearOutOfRange),
            ("-0001-01-01T00:00:00Z", K::YearOutOfRange),
            ("2016-00-08T09:53:35", K::MonthOutOfRange),
            ("2016-13-08T09:53:35", K::MonthOutOfRange),
            ("2016-09-00T09:53:35", K::DayOutOfRange),
            ("2016-09-31T09:53:35", K::DayOutOfRange),
            ("2016-01-32T09:53:35", K::DayOutOfRange),
            ("2015-02-29T09:53:35", K::DayOutOfRange),
            ("1900-02-29T09:53:35", K::DayOutOfRange),
            ("2016-09-08T25:00:00", K::HourOutOfRange),
            ("2016-09-08T24:00:01", K::HourOutOfRange),
            ("2016-09-08T24:01:00", K::HourOutOfRange),
            ("2016-09-08T24:00:00.001", K::HourOutOfRange),
            ("2016-09-08T09:60:35", K::MinuteOutOfRange),
            ("2016-09-08T09:53:61", K::SecondOutOfRange),
            ("2016-09-08T09:53:35.1234567890", K::TooManyFractionDigits),
            ("2016-09-08T09:53:35+14:01", K::OffsetOutOfRange),
            ("2016-09-08T09:53:35-15:00", K::OffsetOutOfRange),
            ("2016-09-08T09:53:35+02:60", K::OffsetOutOfRange),
        ];
        for &(text, expected) in cases {
            assert_eq!(kind(text), expected, "{text:?}");
        }
    }

    #[test]
    fn leap_years() {
        for year in [1600, 2000, 2004, 2016, 2400, 4] {
            assert!(is_leap_year(year), "{year}");
            dt(&format!("{year:04}-02-29T00:00:00Z"));
        }
        for year in [1700, 1800, 1900, 2100, 2015, 2017, 1] {
            assert!(!is_leap_year(year), "{year}");
            assert_eq!(kind(&format!("{year:04}-02-29T00:00:00Z")), K::DayOutOfRange);
        }
    }

    #[test]
    fn error_messages() {
        let err = DateTime::parse("2016-13-08T09:53:35").unwrap_err();
        assert_eq!(err.input(), Some("2016-13-08T09:53:35"));
        assert_eq!(err.to_string(), r#"invalid dateTime "2016-13-08T09:53:35": the month must be 01 to 12"#);
        let err = DateTime::parse("2016-09-08X").unwrap_err();
        assert_eq!(err.to_string(), r#"invalid dateTime "2016-09-08X": expected 'T' at byte 10"#);
        let err = DateTime::new(2016, 2, 30, 0, 0, 0, 0, Offset::Utc).unwrap_err();
        assert_eq!(err.input(), None);
        assert_eq!(err.kind(), K::DayOutOfRange);
        assert_eq!(err.to_string(), "invalid dateTime: the day does not exist in that month");
    }

    #[test]
    fn huge_and_odd_input_does_not_panic() {
        let mut huge = String::from("2016-09-08T09:53:35.");
        huge.push_str(&"1".repeat(10 * 1024 * 1024));
        let err = DateTime::parse(&huge).unwrap_err();
        assert_eq!(err.kind(), K::TooManyFractionDigits);
        assert!(err.to_string().len() < 200);

        let digits = "9".repeat(1_000_000);
        assert_eq!(kind(&digits), K::YearOutOfRange);
        assert_eq!(kind("-"), K::Syntax { at: 0, expected: "digit" });
        assert_eq!(kind("é"), K::Syntax { at: 0, expected: "digit" });
        assert_eq!(kind("2016-09-08T09:53:35.138+02:00é").to_string(), "expected the end at byte 29");
    }

    #[test]
    fn new_validates_and_chooses_fraction_digits() {
        let t = DateTime::new(2016, 9, 8, 9, 53, 35, 138_000_000, Offset::Minutes(120)).unwrap();
        assert_eq!(t, dt("2016-09-08T09:53:35.138+02:00"));
        let t = DateTime::new(2016, 9, 8, 9, 53, 35, 0, Offset::Absent).unwrap();
        assert_eq!(t.to_string(), "2016-09-08T09:53:35");
        let t = DateTime::new(2016, 9, 8, 9, 53, 35, 500_000_000, Offset::Minutes(0)).unwrap();
        assert_eq!(t.to_string(), "2016-09-08T09:53:35.5+00:00");
        let t = DateTime::new(2016, 9, 8, 9, 53, 35, 1, Offset::Utc).unwrap();
        assert_eq!(t.to_string(), "2016-09-08T09:53:35.000000001Z");

        let bad = |r: Result<DateTime, ParseDateTimeError>| r.unwrap_err().kind();
        assert_eq!(bad(DateTime::new(0, 1, 1, 0, 0, 0, 0, Offset::Utc)), K::YearOutOfRange);
        assert_eq!(bad(DateTime::new(-5, 1, 1, 0, 0, 0, 0, Offset::Utc)), K::YearOutOfRange);
        assert_eq!(bad(DateTime::new(10_000, 1, 1, 0, 0, 0, 0, Offset::Utc)), K::YearOutOfRange);
        assert_eq!(bad(DateTime::new(2016, 0, 1, 0, 0, 0, 0, Offset::Utc)), K::MonthOutOfRange);
        assert_eq!(bad(DateTime::new(2016, 4, 31, 0, 0, 0, 0, Offset::Utc)), K::DayOutOfRange);
        assert_eq!(bad(DateTime::new(2016, 4, 1, 24, 0, 0, 1, Offset::Utc)), K::HourOutOfRange);
        assert_eq!(bad(DateTime::new(2016, 4, 1, 0, 60, 0, 0, Offset::Utc)), K::MinuteOutOfRange);
        assert_eq!(bad(DateTime::new(2016, 4, 1, 0, 0, 61, 0, Offset::Utc)), K::SecondOutOfRange);
        assert_eq!(bad(DateTime::new(2016, 4, 1, 0, 0, 0, 1_000_000_000, Offset::Utc)), K::NanosecondOutOfRange);
        assert_eq!(bad(DateTime::new(2016, 4, 1, 0, 0, 0, 0, Offset::Minutes(841))), K::OffsetOutOfRange);
        assert_eq!(bad(DateTime::new(2016, 4, 1, 0, 0, 0, 0, Offset::Minutes(i16::MIN))), K::OffsetOutOfRange);
    }

    #[test]
    fn with_fraction_digits_truncates() {
        let t = dt("2016-09-08T09:53:35.138Z");
        assert_eq!(t.with_fraction_digits(1).to_string(), "2016-09-08T09:53:35.1Z");
        assert_eq!(t.with_fraction_digits(0).to_string(), "2016-09-08T09:53:35Z");
        assert_eq!(t.with_fraction_digits(6).to_string(), "2016-09-08T09:53:35.138000Z");
        assert_eq!(t.with_fraction_digits(200).fraction_digits(), 9);
        assert_eq!(t.with_fraction_digits(1).nanosecond(), 100_000_000);
    }

    #[test]
    fn unix_millis_known_values() {
        let cases: &[(&str, i64)] = &[
            ("2016-09-08T09:53:35.138+02:00", 1_473_321_215_138),
            ("2016-09-08T07:53:35.138Z", 1_473_321_215_138),
            ("1970-01-01T00:00:00Z", 0),
            ("1970-01-01T00:00:00+00:00", 0),
            ("1970-01-01T00:00:00-00:00", 0),
            ("1969-12-31T23:59:59.999Z", -1),
            ("1969-12-31T23:59:59.9999999Z", -1),
            ("2000-02-29T12:00:00Z", 951_825_600_000),
            ("0001-01-01T00:00:00Z", -62_135_596_800_000),
            ("9999-12-31T23:59:59.999Z", 253_402_300_799_999),
            ("1900-03-01T00:00:00-05:30", -2_203_871_400_000),
            ("2016-09-07T24:00:00Z", 1_473_292_800_000),
            ("2016-09-08T00:00:00Z", 1_473_292_800_000),
            ("2016-12-31T23:59:60Z", 1_483_228_800_000),
        ];
        for &(text, millis) in cases {
            assert_eq!(dt(text).to_unix_millis(), Some(millis), "{text}");
        }
        assert_eq!(dt("2016-09-08T09:53:35").to_unix_millis(), None);
    }

    #[test]
    fn from_unix_millis_values() {
        assert_eq!(DateTime::from_unix_millis(0).to_string(), "1970-01-01T00:00:00.000Z");
        assert_eq!(DateTime::from_unix_millis(-1).to_string(), "1969-12-31T23:59:59.999Z");
        assert_eq!(DateTime::from_unix_millis(951_825_600_000).to_string(), "2000-02-29T12:00:00.000Z");
        assert_eq!(DateTime::from_unix_millis(1_473_321_215_138), dt("2016-09-08T07:53:35.138Z"));
        assert_eq!(DateTime::from_unix_millis(i64::MIN).to_string(), "0001-01-01T00:00:00.000Z");
        assert_eq!(DateTime::from_unix_millis(i64::MAX).to_string(), "9999-12-31T23:59:59.999Z");
        assert_eq!(DateTime::checked_from_unix_millis(i64::MAX), None);
        assert_eq!(DateTime::checked_from_unix_millis(MIN_UNIX_MILLIS - 1), None);
        assert_eq!(DateTime::checked_from_unix_millis(MAX_UNIX_MILLIS + 1), None);
        assert_eq!(DateTime::checked_from_unix_millis(MAX_UNIX_MILLIS), Some(dt("9999-12-31T23:59:59.999Z")));
    }

    /// Walks every day from 0001-01-01 to 9999-12-31 with a naive counter
    /// and checks both calendar conversions against it.
    #[test]
    fn calendar_conversions_agree_with_day_counting() {
        let mut expected = days_from_civil(1, 1, 1);
        assert_eq!(expected, -719_162);
        for year in 1..=9999 {
            for month in 1..=12 {
                for day in 1..=days_in_month(year, month) {
                    assert_eq!(days_from_civil(year, month, day), expected);
                    assert_eq!(civil_from_days(expected), (year, month, day));
                    expected += 1;
                }
            }
        }
        assert_eq!(expected - 1, days_from_civil(9999, 12, 31));
    }

    #[test]
    fn needed_digits() {
        assert_eq!(needed_fraction_digits(0), 0);
        assert_eq!(needed_fraction_digits(100_000_000), 1);
        assert_eq!(needed_fraction_digits(138_000_000), 3);
        assert_eq!(needed_fraction_digits(1), 9);
        assert_eq!(needed_fraction_digits(999_999_999), 9);
    }
}
