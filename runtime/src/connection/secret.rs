//! [`Secret`]: a password or token that never shows itself in output.

use std::fmt;
use std::sync::Arc;

/// A password or an access token.
///
/// `Debug` and `Display` print `<redacted>`, so a `Secret` can sit in
/// structs that are logged or printed without leaking. The value is only
/// reachable through [`expose`](Secret::expose), which makes every use easy
/// to find in a code review. Cloning is cheap (the text is shared).
///
/// ```
/// use sdkgen_runtime::connection::Secret;
///
/// let s = Secret::new("hunter2");
/// assert_eq!(format!("{s} {s:?}"), "<redacted> <redacted>");
/// assert_eq!(s.expose(), "hunter2");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<str>);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(Arc::from(value.into()))
    }

    /// The secret text itself. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret::new(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}
