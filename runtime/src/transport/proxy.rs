//! Which proxy a request goes through: none, a given one, or the one the
//! standard environment variables name.

use base64::Engine as _;
use http::HeaderValue;
use url::Url;

/// A proxy: where it is, and the `Proxy-Authorization` its URL's
/// credentials make (never shown).
#[derive(Clone)]
pub(crate) struct ProxyServer {
    pub(crate) https: bool,
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) authorization: Option<HeaderValue>,
}

impl ProxyServer {
    /// Reads a proxy URL: `http://` or `https://`, with `user:password@`
    /// when the proxy needs them; a bare `host:port` is taken as `http://`.
    /// The error never repeats the URL, which may hold a password.
    pub(crate) fn parse(text: &str) -> Result<ProxyServer, String> {
        let text = text.trim();
        let url = Url::parse(text)
            .ok()
            .filter(|u| u.has_host())
            .or_else(|| Url::parse(&format!("http://{text}")).ok())
            .ok_or_else(|| "isn't a valid URL".to_owned())?;
        let https = match url.scheme() {
            "http" => false,
            "https" => true,
            _ => return Err("must be an http:// or https:// URL".to_owned()),
        };
        let host = url.host_str().filter(|h| !h.is_empty()).ok_or_else(|| "has no host".to_owned())?;
        let port = url.port_or_known_default().unwrap_or(if https { 443 } else { 80 });
        let authorization = (!url.username().is_empty()).then(|| basic_authorization(&url)).transpose()?;
        Ok(ProxyServer { https, host: host.to_owned(), port, authorization })
    }

    /// `host:port`, for messages.
    pub(crate) fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

fn basic_authorization(url: &Url) -> Result<HeaderValue, String> {
    let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
    let pair = format!("{}:{}", decode(url.username()), decode(url.password().unwrap_or("")));
    let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
    let mut value = HeaderValue::from_str(&format!("Basic {encoded}")).map_err(|_| "has unusable credentials")?;
    value.set_sensitive(true);
    Ok(value)
}

/// The proxy setting of a transport.
#[derive(Clone)]
pub(crate) enum ProxyChoice {
    /// Every request goes directly to its server.
    Direct,
    /// Every request goes through this proxy.
    Fixed(ProxyServer),
    /// What `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (or their
    /// lower-case forms) said when it was read.
    Environment { https: Option<ProxyServer>, http: Option<ProxyServer>, exceptions: Vec<String> },
}

impl ProxyChoice {
    /// The proxy setting the environment variables give. A variable that
    /// does not hold a usable proxy URL is ignored, as other HTTP clients do.
    pub(crate) fn from_environment() -> ProxyChoice {
        let read = |name: &str| {
            [name.to_owned(), name.to_ascii_lowercase()]
                .into_iter()
                .find_map(|n| std::env::var(n).ok().filter(|v| !v.trim().is_empty()))
        };
        let proxy = |name: &str| read(name).and_then(|v| ProxyServer::parse(&v).ok());
        let all = proxy("ALL_PROXY");
        let exceptions = read("NO_PROXY")
            .map(|v| v.split(',').map(|e| e.trim().to_ascii_lowercase()).filter(|e| !e.is_empty()).collect())
            .unwrap_or_default();
        ProxyChoice::Environment {
            https: proxy("HTTPS_PROXY").or_else(|| all.clone()),
            http: proxy("HTTP_PROXY").or(all),
            exceptions,
        }
    }

    /// The proxy for a server, if any.
    pub(crate) fn for_server(&self, https: bool, host: &str) -> Option<&ProxyServer> {
        match self {
            ProxyChoice::Direct => None,
            ProxyChoice::Fixed(proxy) => Some(proxy),
            ProxyChoice::Environment { https: for_https, http, exceptions } => {
                if exceptions.iter().any(|e| is_excepted(host, e)) {
                    return None;
                }
                if https { for_https.as_ref() } else { http.as_ref() }
            }
        }
    }
}

/// Whether `NO_PROXY` entry `exception` covers `host`: `*` covers all, a
/// name covers itself and its subdomains (with or without a leading `.`),
/// an address covers itself.
fn is_excepted(host: &str, exception: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
    let exception = exception.trim_start_matches('[').trim_end_matches(']');
    if exception == "*" {
        return true;
    }
    let domain = exception.trim_start_matches("*.").trim_start_matches('.');
    host == domain || host.strip_suffix(domain).is_some_and(|rest| rest.ends_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_urls() {
        let p = ProxyServer::parse("http://proxy.example.com:3128").unwrap();
        assert_eq!((p.https, p.address().as_str(), p.authorization.is_none()), (false, "proxy.example.com:3128", true));
        let p = ProxyServer::parse("https://u%40x:p%3Aw@proxy.example.com").unwrap();
        assert_eq!(p.address(), "proxy.example.com:443");
        // "u@x:p:w" in base64.
        assert_eq!(p.authorization.unwrap().to_str().unwrap(), "Basic dUB4OnA6dw==");
        assert_eq!(ProxyServer::parse("proxy:8080").unwrap().address(), "proxy:8080");
        let err = ProxyServer::parse("socks5://u:secret@proxy:1080").err().unwrap();
        assert!(!err.contains("secret"), "{err}");
    }

    #[test]
    fn no_proxy_entries() {
        assert!(is_excepted("engine.example.com", "example.com"));
        assert!(is_excepted("engine.example.com", ".example.com"));
        assert!(is_excepted("engine.example.com", "*.example.com"));
        assert!(is_excepted("example.com", "example.com"));
        assert!(!is_excepted("badexample.com", "example.com"));
        assert!(is_excepted("127.0.0.1", "127.0.0.1"));
        assert!(is_excepted("[::1]", "::1"));
        assert!(is_excepted("anything", "*"));
        assert!(!is_excepted("127.0.0.2", "127.0.0.1"));
    }
}
