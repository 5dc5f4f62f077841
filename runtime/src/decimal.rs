//! [`Decimal`]: an exact decimal number that keeps its wire text.

use std::error::Error;
use std::fmt;
use std::str::FromStr;

/// An exact decimal number, stored as the text it travels as on the wire.
///
/// The API's decimal (and floating point) values are kept in their textual
/// form, so a value that was read is written back byte for byte: `1.50`
/// stays `1.50`, `-0.0` stays `-0.0` and `1e3` stays `1e3`. Nothing is lost
/// to binary floating point unless you ask for an [`f64`] with
/// [`to_f64`](Decimal::to_f64).
///
/// # Accepted text
///
/// [`Decimal::parse`] accepts exactly the lexical forms of the XML Schema
/// types `xs:decimal` and `xs:double` (XSD 1.1):
///
/// * an optional sign (`+` or `-`), digits with an optional fraction
///   (`12`, `12.5`, `12.`, `.5`) and an optional exponent (`e` or `E`,
///   an optional sign and at least one digit): `-1.5E-3`, `+7e10`;
/// * the special values `NaN`, `INF`, `+INF` and `-INF`.
///
/// Anything else is rejected, including surrounding white space: the schema
/// types collapse white space, so XML readers should trim the element text
/// before parsing it.
///
/// # Equality
///
/// `==` (and [`Hash`]) compare the **text**, so `1.5` and `1.50` are
/// different values, just as they are different on the wire. Use
/// [`numeric_eq`](Decimal::numeric_eq) to compare the numbers exactly, or
/// compare [`to_f64`](Decimal::to_f64) results when an approximation is
/// good enough.
///
/// ```
/// use sdkgen_runtime::Decimal;
///
/// let a: Decimal = "1.50".parse()?;
/// let b = Decimal::from(1.5);
/// assert_eq!(a.to_string(), "1.50");
/// assert_eq!(b.as_str(), "1.5");
/// assert_ne!(a, b);
/// assert!(a.numeric_eq(&b));
/// assert_eq!(a.to_f64(), 1.5);
/// # Ok::<(), sdkgen_runtime::ParseDecimalError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Decimal(Box<str>);

impl Decimal {
    /// Parses the wire text of a decimal number, keeping it verbatim.
    ///
    /// See the [type documentation](Decimal#accepted-text) for the accepted
    /// forms.
    ///
    /// # Errors
    ///
    /// Returns a [`ParseDecimalError`] when `text` is not a valid
    /// `xs:decimal` or `xs:double` literal.
    pub fn parse(text: &str) -> Result<Decimal, ParseDecimalError> {
        match check_syntax(text) {
            Ok(()) => Ok(Decimal(text.into())),
            Err(kind) => Err(ParseDecimalError { kind, input: crate::snippet(text) }),
        }
    }

    /// The text of the number, exactly as it was parsed or produced.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The nearest [`f64`] to this number.
    ///
    /// `NaN`, `INF` and `-INF` map to the corresponding special values;
    /// numbers too large for an `f64` become infinite and numbers too small
    /// become zero.
    pub fn to_f64(&self) -> f64 {
        match &*self.0 {
            "NaN" => f64::NAN,
            "INF" | "+INF" => f64::INFINITY,
            "-INF" => f64::NEG_INFINITY,
            // Every other accepted form is also accepted by Rust's float
            // parser, so the fallback is never taken.
            text => text.parse().unwrap_or(f64::NAN),
        }
    }

    /// Whether two decimals denote the same number, compared exactly (not
    /// through `f64`).
    ///
    /// `1.5`, `1.50`, `+15e-1` and `0.15E1` are all numerically equal, as
    /// are `0` and `-0.0`. `INF` equals `+INF`. Following IEEE 754, `NaN`
    /// is not equal to anything, itself included.
    ///
    /// ```
    /// use sdkgen_runtime::Decimal;
    ///
    /// let a = Decimal::parse("150e-2")?;
    /// let b = Decimal::parse("1.5")?;
    /// assert!(a.numeric_eq(&b));
    /// assert!(!Decimal::parse("NaN")?.numeric_eq(&Decimal::parse("NaN")?));
    /// # Ok::<(), sdkgen_runtime::ParseDecimalError>(())
    /// ```
    pub fn numeric_eq(&self, other: &Decimal) -> bool {
        match (Number::of(&self.0), Number::of(&other.0)) {
            (Number::Finite(a), Number::Finite(b)) => a.same_value(&b),
            (Number::Infinite { negative: a }, Number::Infinite { negative: b }) => a == b,
            _ => false,
        }
    }
}

impl FromStr for Decimal {
    type Err = ParseDecimalError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Decimal::parse(text)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Shows the text, e.g. `Decimal(1.50)`.
impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Decimal({})", self.0)
    }
}

/// Converts with the shortest text that reads back as the same `f64`
/// (Rust's `{}` formatting, which never uses an exponent, so the result is
/// also a valid `xs:decimal` for finite values). Non-finite values become
/// `NaN`, `INF` or `-INF`.
impl From<f64> for Decimal {
    fn from(value: f64) -> Self {
        let text = if value.is_nan() {
            "NaN".to_owned()
        } else if value.is_infinite() {
            if value > 0.0 { "INF" } else { "-INF" }.to_owned()
        } else {
            value.to_string()
        };
        Decimal(text.into_boxed_str())
    }
}

/// Converts with the shortest text that reads back as the same `f32`
/// (so `0.1f32` becomes `0.1`). Non-finite values become `NaN`, `INF` or
/// `-INF`.
impl From<f32> for Decimal {
    fn from(value: f32) -> Self {
        let text = if value.is_nan() {
            "NaN".to_owned()
        } else if value.is_infinite() {
            if value > 0.0 { "INF" } else { "-INF" }.to_owned()
        } else {
            value.to_string()
        };
        Decimal(text.into_boxed_str())
    }
}

macro_rules! from_integer {
    ($($int:ty),*) => {$(
        /// Converts exactly, writing the integer in plain decimal digits.
        impl From<$int> for Decimal {
            fn from(value: $int) -> Self {
                Decimal(value.to_string().into_boxed_str())
            }
        }
    )*};
}

from_integer!(i32, i64, u32, u64);

/// What was wrong with the text given to [`Decimal::parse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecimalErrorKind {
    /// The text was empty.
    Empty,
    /// The text ended where more was required, as in `-`, `.` or `1e`.
    UnexpectedEnd,
    /// The byte at this offset does not fit the grammar, as the second
    /// `.` in `1.2.3` (offset 3).
    UnexpectedChar(usize),
}

impl fmt::Display for DecimalErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecimalErrorKind::Empty => f.write_str("the text is empty"),
            DecimalErrorKind::UnexpectedEnd => f.write_str("the text ends too early"),
            DecimalErrorKind::UnexpectedChar(at) => {
                write!(f, "unexpected character at byte {at}")
            }
        }
    }
}

/// The error returned when text is not a valid decimal number.
///
/// The message names the offending text; very long text is shortened to
/// its first 64 characters (followed by `…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDecimalError {
    kind: DecimalErrorKind,
    input: String,
}

impl ParseDecimalError {
    /// What was wrong.
    pub fn kind(&self) -> DecimalErrorKind {
        self.kind
    }

    /// The rejected text, shortened to 64 characters plus `…` if it was
    /// longer.
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl fmt::Display for ParseDecimalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid decimal number {:?}: {}", self.input, self.kind)
    }
}

impl Error for ParseDecimalError {}

/// Number of ASCII digits at the start of `bytes`.
fn leading_digits(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|b| b.is_ascii_digit()).count()
}

/// Checks `text` against the `xs:decimal` / `xs:double` grammar.
fn check_syntax(text: &str) -> Result<(), DecimalErrorKind> {
    if text.is_empty() {
        return Err(DecimalErrorKind::Empty);
    }
    if matches!(text, "NaN" | "INF" | "+INF" | "-INF") {
        return Ok(());
    }
    let bytes = text.as_bytes();
    // Reports the position `at`, which is either past the end or the first
    // byte that did not fit.
    let fail = |at: usize| {
        if at >= bytes.len() { DecimalErrorKind::UnexpectedEnd } else { DecimalErrorKind::UnexpectedChar(at) }
    };

    let mut at = usize::from(matches!(bytes[0], b'+' | b'-'));
    let int_digits = leading_digits(&bytes[at..]);
    at += int_digits;
    let mut frac_digits = 0;
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        frac_digits = leading_digits(&bytes[at..]);
        at += frac_digits;
    }
    if int_digits + frac_digits == 0 {
        return Err(fail(at));
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(bytes.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        let exp_digits = leading_digits(&bytes[at..]);
        if exp_digits == 0 {
            return Err(fail(at));
        }
        at += exp_digits;
    }
    if at != bytes.len() {
        return Err(fail(at));
    }
    Ok(())
}

/// A validated decimal text taken apart for numeric comparison.
enum Number<'a> {
    NaN,
    Infinite { negative: bool },
    Finite(Finite<'a>),
}

/// The pieces of a finite number `±int.frac e±exp` (digits only).
struct Finite<'a> {
    negative: bool,
    int: &'a [u8],
    frac: &'a [u8],
    exp_negative: bool,
    exp: &'a [u8],
}

impl<'a> Number<'a> {
    /// Splits text that already passed [`check_syntax`].
    fn of(text: &'a str) -> Number<'a> {
        match text {
            "NaN" => return Number::NaN,
            "INF" | "+INF" => return Number::Infinite { negative: false },
            "-INF" => return Number::Infinite { negative: true },
            _ => {}
        }
        let mut rest = text.as_bytes();
        let negative = rest.first() == Some(&b'-');
        if matches!(rest.first(), Some(b'+' | b'-')) {
            rest = &rest[1..];
        }
        let (mantissa, exponent) = match rest.iter().position(|b| matches!(b, b'e' | b'E')) {
            Some(e) => (&rest[..e], &rest[e + 1..]),
            None => (rest, &b""[..]),
        };
        let (int, frac) = match mantissa.iter().position(|&b| b == b'.') {
            Some(dot) => (&mantissa[..dot], &mantissa[dot + 1..]),
            None => (mantissa, &b""[..]),
        };
        let exp_negative = exponent.first() == Some(&b'-');
        let exp = match exponent.first() {
            Some(b'+' | b'-') => &exponent[1..],
            _ => exponent,
        };
        Number::Finite(Finite { negative, int, frac, exp_negative, exp })
    }
}

impl Finite<'_> {
    /// The `i`-th digit of the mantissa with the decimal point removed.
    fn digit(&self, i: usize) -> u8 {
        match self.int.get(i) {
            Some(&d) => d,
            None => self.frac[i - self.int.len()],
        }
    }

    /// The range of mantissa digits from the first to the last non-zero
    /// digit, or `None` when the number is zero.
    fn significant(&self) -> Option<(usize, usize)> {
        let len = self.int.len() + self.frac.len();
        let first = (0..len).find(|&i| self.digit(i) != b'0')?;
        let last = (first..len).rev().find(|&i| self.digit(i) != b'0')?;
        Some((first, last + 1))
    }

    /// Exact numeric equality. The number equals `0.DDDD × 10^k` where
    /// `DDDD` are the significant digits and `k = exp + int.len() - first`,
    /// so two non-zero numbers are equal when sign, digits and `k` agree.
    fn same_value(&self, other: &Finite<'_>) -> bool {
        let (a, b) = match (self.significant(), other.significant()) {
            (None, None) => return true,
            (Some(a), Some(b)) => (a, b),
            _ => return false,
        };
        if self.negative != other.negative || a.1 - a.0 != b.1 - b.0 {
            return false;
        }
        if !(0..a.1 - a.0).all(|i| self.digit(a.0 + i) == other.digit(b.0 + i)) {
            return false;
        }
        let shift = |f: &Finite<'_>, first: usize| f.int.len() as i128 - first as i128;
        shifted_exponent(self.exp_negative, self.exp, shift(self, a.0))
            == shifted_exponent(other.exp_negative, other.exp, shift(other, b.0))
    }
}

/// Computes `±digits + delta` exactly, for an exponent of any length.
///
/// The result is a sign and the magnitude as ASCII digits without leading
/// zeros, so equal values give equal results. `delta` is bounded by the
/// length of the text, far below `10^36`.
fn shifted_exponent(negative: bool, digits: &[u8], delta: i128) -> (bool, Vec<u8>) {
    let digits = &digits[leading_zeros(digits)..];
    if digits.len() <= 36 {
        // |value| < 10^36 and |delta| < 2^64: no overflow in i128.
        let magnitude = digits.iter().fold(0i128, |acc, d| acc * 10 + i128::from(d - b'0'));
        let sum = if negative { -magnitude } else { magnitude } + delta;
        return (sum < 0, sum.unsigned_abs().to_string().into_bytes());
    }
    // |value| >= 10^36 > |delta|: the sign cannot change, only the magnitude.
    let mut magnitude = digits.to_vec();
    if (delta < 0) == negative {
        add_to_digits(&mut magnitude, delta.unsigned_abs());
    } else {
        subtract_from_digits(&mut magnitude, delta.unsigned_abs());
    }
    (negative, magnitude)
}

fn leading_zeros(digits: &[u8]) -> usize {
    digits.iter().take_while(|&&d| d == b'0').count()
}

/// Adds `amount` to the number written as ASCII digits in `digits`.
fn add_to_digits(digits: &mut Vec<u8>, mut amount: u128) {
    for d in digits.iter_mut().rev() {
        if amount == 0 {
            return;
        }
        let sum = u128::from(*d - b'0') + amount % 10;
        amount = amount / 10 + sum / 10;
        *d = b'0' + (sum % 10) as u8;
    }
    while amount > 0 {
        digits.insert(0, b'0' + (amount % 10) as u8);
        amount /= 10;
    }
}

/// Subtracts `amount` (which must not exceed the number) from the number
/// written as ASCII digits in `digits`, dropping leading zeros.
fn subtract_from_digits(digits: &mut Vec<u8>, mut amount: u128) {
    for d in digits.iter_mut().rev() {
        if amount == 0 {
            break;
        }
        let take = (amount % 10) as u8;
        amount /= 10;
        let have = *d - b'0';
        if have >= take {
            *d = b'0' + (have - take);
        } else {
            *d = b'0' + (have + 10 - take);
            amount += 1;
        }
    }
    let zeros = leading_zeros(digits);
    digits.drain(..zeros);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        Decimal::parse(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
    }

    fn kind(text: &str) -> DecimalErrorKind {
        Decimal::parse(text).expect_err(text).kind()
    }

    #[test]
    fn round_trips_verbatim() {
        for text in [
            "0",
            "-0",
            "+0",
            "-0.0",
            "1.50",
            "1.",
            ".5",
            "-.5",
            "+.5",
            "1e3",
            "1E3",
            "1e+3",
            "1e-3",
            "-1.25E-07",
            "+7e10",
            "000123.4500",
            "0.000",
            "12345678901234567890123",
            "3.14159265358979323846264338327950288",
            "NaN",
            "INF",
            "+INF",
            "-INF",
            "1e0",
            "0e-0",
            "9.999999999999999e999",
        ] {
            let d = dec(text);
            assert_eq!(d.to_string(), text);
            assert_eq!(d.as_str(), text);
            assert_eq!(format!("{d:?}"), format!("Decimal({text})"));
            let via_from_str: Decimal = text.parse().unwrap();
            assert_eq!(via_from_str, d);
        }
    }

    #[test]
    fn rejects_malformed_text() {
        assert_eq!(kind(""), DecimalErrorKind::Empty);
        for text in ["-", "+", ".", "-.", "1e", "1e+", "1.5E-", "+."] {
            assert_eq!(kind(text), DecimalErrorKind::UnexpectedEnd, "{text:?}");
        }
        for (text, at) in [
            ("1.2.3", 3),
            ("abc", 0),
            (" 1", 0),
            ("1 ", 1),
            ("1,5", 1),
            ("--1", 1),
            ("+-1", 1),
            ("+NaN", 1),
            ("-NaN", 1),
            ("nan", 0),
            ("inf", 0),
            ("Infinity", 0),
            ("INFINITY", 0),
            ("-Infinity", 1),
            ("1e3.5", 3),
            ("1e3e4", 3),
            (".e1", 1),
            ("e1", 0),
            ("0x10", 1),
            ("1_000", 1),
            ("١٢", 0),
            ("1\u{0}", 1),
            ("1.5é", 3),
            ("1d3", 1),
        ] {
            assert_eq!(kind(text), DecimalErrorKind::UnexpectedChar(at), "{text:?}");
        }
    }

    #[test]
    fn error_message_names_the_text() {
        let err = Decimal::parse("1.2.3").unwrap_err();
        assert_eq!(err.input(), "1.2.3");
        assert_eq!(err.to_string(), r#"invalid decimal number "1.2.3": unexpected character at byte 3"#);
        let err = Decimal::parse("").unwrap_err();
        assert_eq!(err.to_string(), r#"invalid decimal number "": the text is empty"#);
        let boxed: Box<dyn Error> = Box::new(err);
        assert!(boxed.source().is_none());
    }

    #[test]
    fn error_message_is_bounded_for_huge_input() {
        let mut huge = "7".repeat(10 * 1024 * 1024);
        huge.push('x');
        let err = Decimal::parse(&huge).unwrap_err();
        assert_eq!(err.kind(), DecimalErrorKind::UnexpectedChar(10 * 1024 * 1024));
        assert!(err.input().ends_with('…'));
        assert!(err.to_string().len() < 200, "{}", err);
    }

    #[test]
    fn huge_valid_input_is_kept() {
        let huge = format!("-{}.{}e-{}", "9".repeat(100_000), "1".repeat(1000), "4".repeat(50));
        let d = dec(&huge);
        assert_eq!(d.as_str(), huge);
        assert_eq!(d.to_f64(), -0.0);
        assert!(d.numeric_eq(&d.clone()));
    }

    #[test]
    fn to_f64_values() {
        assert_eq!(dec("1.50").to_f64(), 1.5);
        assert_eq!(dec("-.5").to_f64(), -0.5);
        assert_eq!(dec("+.5").to_f64(), 0.5);
        assert_eq!(dec("5.").to_f64(), 5.0);
        assert_eq!(dec("1e3").to_f64(), 1000.0);
        assert_eq!(dec("1E-3").to_f64(), 0.001);
        assert_eq!(dec("INF").to_f64(), f64::INFINITY);
        assert_eq!(dec("+INF").to_f64(), f64::INFINITY);
        assert_eq!(dec("-INF").to_f64(), f64::NEG_INFINITY);
        assert!(dec("NaN").to_f64().is_nan());
        assert_eq!(dec("1e400").to_f64(), f64::INFINITY);
        assert_eq!(dec("1e-400").to_f64(), 0.0);
        assert!(dec("-0.0").to_f64().is_sign_negative());
        assert_eq!(dec("1e99999999999999999999999999999").to_f64(), f64::INFINITY);
    }

    #[test]
    fn from_floats_and_integers() {
        assert_eq!(Decimal::from(1.5f64).as_str(), "1.5");
        assert_eq!(Decimal::from(0.1f64).as_str(), "0.1");
        assert_eq!(Decimal::from(-0.0f64).as_str(), "-0");
        assert_eq!(Decimal::from(100.0f64).as_str(), "100");
        assert_eq!(Decimal::from(f64::NAN).as_str(), "NaN");
        assert_eq!(Decimal::from(f64::INFINITY).as_str(), "INF");
        assert_eq!(Decimal::from(f64::NEG_INFINITY).as_str(), "-INF");
        assert_eq!(Decimal::from(0.1f32).as_str(), "0.1");
        assert_eq!(Decimal::from(f32::NEG_INFINITY).as_str(), "-INF");
        assert_eq!(Decimal::from(f32::NAN).as_str(), "NaN");
        assert_eq!(Decimal::from(-42i32).as_str(), "-42");
        assert_eq!(Decimal::from(i64::MIN).as_str(), "-9223372036854775808");
        assert_eq!(Decimal::from(u64::MAX).as_str(), "18446744073709551615");
        assert_eq!(Decimal::from(7u32).as_str(), "7");

        for v in [f64::MAX, f64::MIN_POSITIVE, 5e-324, -1e300, 1.0 / 3.0] {
            let d = Decimal::from(v);
            assert_eq!(Decimal::parse(d.as_str()).unwrap(), d);
            assert_eq!(d.to_f64().to_bits(), v.to_bits(), "{d}");
        }
    }

    #[test]
    fn textual_equality_and_hash() {
        use std::collections::HashSet;
        assert_ne!(dec("1.5"), dec("1.50"));
        assert_eq!(dec("1.5"), Decimal::from(1.5));
        let set: HashSet<Decimal> = ["1.5", "1.50", "1.5"].into_iter().map(dec).collect();
        assert_eq!(set.len(), 2);
    }

    #[test]
    fn numeric_equality() {
        let equal = [
            ("1.5", "1.50"),
            ("1.5", "+15e-1"),
            ("1.5", "0.15E1"),
            ("150e-2", "1.5"),
            ("0", "-0.0e7"),
            ("0", ".0"),
            ("100", "1e2"),
            ("100", "1E+2"),
            ("0.001", "1e-3"),
            (".5", "5E-1"),
            ("-2.500", "-25e-1"),
            ("00012.3400", "12.34"),
            ("INF", "+INF"),
            ("-INF", "-INF"),
            ("1e99999999999999999999999999999999999999999", "10e99999999999999999999999999999999999999998"),
            // 10^36 + 1 on both sides, computed through different paths.
            ("1e1000000000000000000000000000000000000", "0.1e1000000000000000000000000000000000001"),
        ];
        for (a, b) in equal {
            assert!(dec(a).numeric_eq(&dec(b)), "{a} == {b}");
            assert!(dec(b).numeric_eq(&dec(a)), "{b} == {a}");
        }
        // -(10^36) + 3 versus -(10^36 - 2) + 1: equal, one big and one small exponent.
        let big = "100e-1000000000000000000000000000000000000";
        let small = format!("1e-{}8", "9".repeat(35));
        assert!(dec(big).numeric_eq(&dec(&small)));
        assert!(dec(&small).numeric_eq(&dec(big)));

        let different = [
            ("1", "-1"),
            ("1.5", "1.51"),
            ("1.5", "15"),
            ("0", "1e-999"),
            ("1e99999999999999999999999999999999999999999", "1e99999999999999999999999999999999999999998"),
            ("-1e99999999999999999999999999999999999999999", "1e99999999999999999999999999999999999999999"),
            ("INF", "-INF"),
            ("INF", "1e999999"),
            ("NaN", "NaN"),
            ("NaN", "1"),
            ("12", "21"),
        ];
        for (a, b) in different {
            assert!(!dec(a).numeric_eq(&dec(b)), "{a} != {b}");
            assert!(!dec(b).numeric_eq(&dec(a)), "{b} != {a}");
        }
        let other_small = format!("1e-{}7", "9".repeat(35));
        assert!(!dec(big).numeric_eq(&dec(&other_small)));
    }

    #[test]
    fn digit_arithmetic_helpers() {
        let mut v = b"999".to_vec();
        add_to_digits(&mut v, 2);
        assert_eq!(v, b"1001");
        let mut v = b"1000".to_vec();
        subtract_from_digits(&mut v, 1);
        assert_eq!(v, b"999");
        let mut v = b"123456789012345678901234567890123456789".to_vec();
        add_to_digits(&mut v, u128::from(u64::MAX));
        assert_eq!(v, b"123456789012345678919681311963833008404");
        subtract_from_digits(&mut v, u128::from(u64::MAX));
        assert_eq!(v, b"123456789012345678901234567890123456789");
    }
}
