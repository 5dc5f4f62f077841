//! What the connection may write to the log (or put in an error), with
//! secrets taken out.

use super::secret::Secret;

/// `text` with every occurrence of each secret replaced.
pub(crate) fn scrub(text: String, secrets: &[Secret]) -> String {
    let mut text = text;
    for secret in secrets.iter().map(Secret::expose).filter(|s| !s.is_empty()) {
        if text.contains(secret) {
            text = text.replace(secret, "[redacted]");
        }
    }
    text
}

/// Longest piece of a body written to the log.
const MAX_LOGGED: usize = 64 << 10;

/// The text of a request or reply body as it may be logged: XML elements
/// and JSON members whose name says they hold a secret (`password`,
/// `root_password`, `token`, …) have their text replaced, every known
/// secret of the connection (its password, its tokens) is replaced wherever
/// it appears, and the result is cut to a bounded length.
pub(crate) fn loggable_body(body: &[u8], secrets: &[Secret]) -> String {
    let longest = secrets.iter().map(|s| s.expose().len()).max().unwrap_or(0);
    // Look a little past the cut so that a secret across it is found too.
    let window = String::from_utf8_lossy(&body[..body.len().min(MAX_LOGGED + longest)]);
    let json = window.trim_start().starts_with(['{', '[']);
    let redacted = if json { redact_secret_members(&window) } else { redact_secret_elements(&window) };
    let mut text = scrub(redacted, secrets);
    if let Some((cut, _)) = text.char_indices().nth(MAX_LOGGED) {
        text.truncate(cut);
    }
    if body.len() > MAX_LOGGED {
        text.push_str(&format!("… ({} bytes in all)", body.len()));
    }
    text
}

fn is_secret_name(name: &str) -> bool {
    let name = name.rsplit(':').next().unwrap_or(name).to_ascii_lowercase();
    name.contains("password") || name.contains("secret") || name.ends_with("token") || name == "passphrase"
}

/// Replaces the text directly inside elements with a secret-looking name.
/// A light scan, not a parser: it only needs to work on the documents the
/// connection sends and receives, and never fails.
fn redact_secret_elements(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        rest = &rest[lt..];
        let Some(gt) = rest.find('>') else { break };
        let tag = &rest[..=gt];
        out.push_str(tag);
        rest = &rest[gt + 1..];
        let is_start =
            !tag.starts_with("</") && !tag.starts_with("<?") && !tag.starts_with("<!") && !tag.ends_with("/>");
        let name = tag[1..].split(|c: char| c.is_whitespace() || c == '>' || c == '/').next().unwrap_or("");
        if is_start && is_secret_name(name) {
            let end = rest.find('<').unwrap_or(rest.len());
            if end > 0 {
                out.push_str("[redacted]");
            }
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    out
}

/// Replaces the string values of JSON members with a secret-looking name
/// (`{"password": "…"}`). A light scan like [`redact_secret_elements`]: it
/// follows strings and their escapes, and never fails on broken input.
fn redact_secret_members(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut rest = json;
    while let Some(open) = rest.find('"') {
        let Some(len) = string_length(&rest[open + 1..]) else { break };
        let name = &rest[open + 1..open + 1 + len];
        let after = &rest[open + len + 2..];
        out.push_str(&rest[..open + len + 2]);
        rest = after;
        let Some(value) = after.trim_start().strip_prefix(':').map(str::trim_start) else { continue };
        if !(value.starts_with('"') && is_secret_name(name)) {
            continue;
        }
        let Some(value_len) = string_length(&value[1..]) else { break };
        out.push_str(&after[..after.len() - value.len()]);
        out.push_str("\"[redacted]\"");
        rest = &value[value_len + 2..];
    }
    out.push_str(rest);
    out
}

/// The length of a JSON string's content up to its closing quote (`text`
/// starts just after the opening one), or `None` when it never closes.
fn string_length(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_elements_are_redacted() {
        let xml = "<user><user_name>admin</user_name><password>p&amp;w</password>\
                   <initialization><root_password>rootpw</root_password></initialization>\
                   <ovirt:token x='1'>tok</ovirt:token><empty_password/><name>ok</name></user>";
        let out = loggable_body(xml.as_bytes(), &[]);
        assert!(!out.contains("p&amp;w") && !out.contains("rootpw") && !out.contains("tok<"), "{out}");
        assert!(out.contains("<user_name>admin</user_name>") && out.contains("<name>ok</name>"), "{out}");
        assert!(out.contains("<password>[redacted]</password>"), "{out}");
    }

    #[test]
    fn secret_json_members_are_redacted() {
        let json = r#"{"username":"admin", "password" : "p\"w", "nested":{"root_password":"rootpw"},
                      "api_token":"tok","token_kind":"bearer","note":"password","list":["password","x"]}"#;
        let out = loggable_body(json.as_bytes(), &[]);
        for secret in ["p\\\"w", "rootpw", "\"tok\""] {
            assert!(!out.contains(secret), "{secret} in {out}");
        }
        assert!(out.contains(r#""password" : "[redacted]""#), "{out}");
        for kept in [r#""username":"admin""#, r#""token_kind":"bearer""#, r#""note":"password""#, r#"["password","x"]"#]
        {
            assert!(out.contains(kept), "{kept} missing from {out}");
        }
        for broken in [r#"{"password":"#, r#"{"password":"open"#, r#"{"a"#, "{\"x\\", "[\"é\":\"é\"]"] {
            let _ = loggable_body(broken.as_bytes(), &[]);
        }
    }

    #[test]
    fn known_secrets_are_redacted_anywhere() {
        let out = loggable_body(
            b"{\"x\": \"Bearer abc.def\"} <a>hunter2</a>",
            &[Secret::new("abc.def"), Secret::new("hunter2"), Secret::new("")],
        );
        assert_eq!(out, "{\"x\": \"Bearer [redacted]\"} <a>[redacted]</a>");
    }

    #[test]
    fn long_bodies_are_cut_without_splitting_a_secret() {
        let mut body = "x".repeat(MAX_LOGGED - 3).into_bytes();
        body.extend_from_slice(b"SECRETVALUE and more");
        let out = loggable_body(&body, &[Secret::new("SECRETVALUE")]);
        assert!(!out.contains("SECR"), "{}", &out[out.len() - 60..]);
        assert!(out.ends_with(&format!("({} bytes in all)", body.len())));
    }

    #[test]
    fn odd_input_does_not_panic() {
        for s in ["<", ">", "<password", "<password>", "</>", "<<>>", "<é>é</é>", "<password>\u{1F600}"] {
            let _ = loggable_body(s.as_bytes(), &[Secret::new("é")]);
        }
        let _ = loggable_body(&[0xff, 0xfe, b'<', b'p'], &[]);
    }
}
