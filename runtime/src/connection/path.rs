//! Paths below the API root, in URL form: the segments of a path keep their
//! `%XX` escapes, and an id put into a path is always exactly one segment.

use url::Url;

use super::{Error, ErrorKind};

/// Whether `byte` may stand for itself in a path segment: always for the
/// unreserved characters of RFC 3986; also for the sub-delimiters, `:` and
/// `@` unless `strict` (an id, where only the unreserved ones are kept so
/// that no server can read anything into it).
fn kept(byte: u8, strict: bool) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) || (!strict && b"!$&'()*+,;=:@".contains(&byte))
}

/// Whether `bytes` starts with an escape `%XX`.
fn starts_with_escape(bytes: &[u8]) -> bool {
    bytes.len() >= 3 && bytes[0] == b'%' && bytes[1].is_ascii_hexdigit() && bytes[2].is_ascii_hexdigit()
}

fn push_escaped(out: &mut String, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push('%');
    out.push(HEX[usize::from(byte >> 4)] as char);
    out.push(HEX[usize::from(byte & 15)] as char);
}

/// `id` as one path segment: every character other than letters, digits
/// and `-._~` is percent-encoded, `/`, `%`, `?`, `#`, spaces and non-ASCII
/// characters included.
pub(crate) fn encode_id(id: &str) -> String {
    encode(id, true)
}

/// A segment of a path given in URL form, made safe to send: `%XX` escapes
/// are kept as they are, and every other character a segment can't hold
/// (a `%` that starts no escape, a space, `?`, `#`, non-ASCII, …) is
/// percent-encoded.
pub(crate) fn encode_path_segment(segment: &str) -> String {
    encode(segment, false)
}

/// `text` with what a segment can't hold escaped; `strict` for an id (only
/// the unreserved characters kept, `%` escaped too).
fn encode(text: &str, strict: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(bytes.len());
    for (i, &byte) in bytes.iter().enumerate() {
        if kept(byte, strict) || (!strict && starts_with_escape(&bytes[i..])) {
            out.push(byte as char);
        } else {
            push_escaped(&mut out, byte);
        }
    }
    out
}

/// Appends `/` and each segment of `relative` (a path in URL form, without
/// a leading `/`) to `full`, each made safe by [`encode_path_segment`]. An
/// empty, `.` or `..` segment is refused; the error names `path`, the path
/// as the caller gave it.
pub(crate) fn push_segments(full: &mut String, relative: &str, path: &str) -> Result<(), Error> {
    for segment in relative.split('/') {
        if matches!(decode_segment(segment).as_str(), "" | "." | "..") {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!("The path '{path}' has an empty, '.' or '..' segment."),
            ));
        }
        full.push('/');
        full.push_str(&encode_path_segment(segment));
    }
    Ok(())
}

/// `url` with the `query` pairs appended, form-encoded.
pub(crate) fn with_query(mut url: Url, query: &[(String, String)]) -> Url {
    if !query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (name, value) in query {
            pairs.append_pair(name, value);
        }
    }
    url
}

/// `path?query` as messages name a request (just `path` without a query),
/// the `query` pairs form-encoded.
pub(crate) fn path_with_query(path: &str, query: impl IntoIterator<Item = (String, String)>) -> String {
    let mut pairs = url::form_urlencoded::Serializer::new(String::new());
    pairs.extend_pairs(query);
    match pairs.finish() {
        query if query.is_empty() => path.to_owned(),
        query => format!("{path}?{query}"),
    }
}

/// Decodes the `%XX` escapes of a path segment (a `%` that starts no escape
/// is kept); bytes that are not UTF-8 become U+FFFD.
pub(crate) fn decode_segment(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if starts_with_escape(&bytes[i..]) {
            let hex = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
            out.push(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_one_segment() {
        assert_eq!(encode_id("123"), "123");
        assert_eq!(encode_id("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(encode_id("a/b"), "a%2Fb");
        assert_eq!(encode_id("a?b#c"), "a%3Fb%23c");
        assert_eq!(encode_id("100%"), "100%25");
        assert_eq!(encode_id("%2F"), "%252F");
        assert_eq!(encode_id("my vm"), "my%20vm");
        assert_eq!(encode_id("é;x"), "%C3%A9%3Bx");
    }

    #[test]
    fn path_segments_keep_their_escapes() {
        assert_eq!(encode_path_segment("a%2Fb"), "a%2Fb");
        assert_eq!(encode_path_segment("100%"), "100%25");
        assert_eq!(encode_path_segment("%zz"), "%25zz");
        assert_eq!(encode_path_segment("a b?#é"), "a%20b%3F%23%C3%A9");
        assert_eq!(encode_path_segment("name=x;y@z"), "name=x;y@z");
    }

    #[test]
    fn decoding_undoes_encoding() {
        for id in ["a/b", "a?b#c", "100%", "%2F", "my vm", "é;x", "123", ""] {
            assert_eq!(decode_segment(&encode_id(id)), id);
        }
        assert_eq!(decode_segment("%"), "%");
        assert_eq!(decode_segment("%2"), "%2");
        assert_eq!(decode_segment("%zz"), "%zz");
        assert_eq!(decode_segment("x%41"), "xA");
        assert_eq!(decode_segment("%ff"), "\u{fffd}");
    }
}
