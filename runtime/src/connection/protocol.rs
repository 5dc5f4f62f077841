//! [`XmlProtocol`]: what makes one XML API's connection differ from
//! another's, as a value the generator emits from the model's `api.yaml`.

/// The wire rules of one XML API. A generated crate holds one as a
/// `static` and gives it to [`Connection::builder_for`](super::Connection::builder_for);
/// the connection knows nothing else about the API.
#[derive(Debug, Clone, Copy)]
pub struct XmlProtocol {
    /// How messages name the API ("oVirt Engine").
    pub title: &'static str,
    /// The path of the API root on most servers (`/ovirt-engine/api`). A
    /// reply that is not XML, from a connection whose URL has another path,
    /// gets a hint that the URL may be wrong.
    pub root_path: &'static str,
    /// Headers sent with every request (`("Version", "4")`); the
    /// connection's and the request's own headers cannot replace them.
    pub headers: &'static [(&'static str, &'static str)],
    /// Query parameters whose value is also sent as a header, as
    /// `(parameter, header)`: `("all_content", "All-Content")`. The
    /// parameter's name is compared ignoring case.
    pub query_headers: &'static [(&'static str, &'static str)],
    /// The single sign-on service that hands out tokens; without one, a
    /// connection needs a token given to it.
    pub sso: Option<Sso>,
}

/// Where an API's single sign-on service lives and what its OAuth grants
/// ask for. The paths are below the origin of the connection's URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sso {
    /// The token service of the password grant (`/sso/oauth/token`).
    pub token_path: &'static str,
    /// The token service of the Kerberos grant.
    pub kerberos_token_path: &'static str,
    /// The `grant_type` of the Kerberos grant.
    pub kerberos_grant: &'static str,
    /// The service that revokes a token when the connection closes.
    pub revoke_path: &'static str,
    /// The `scope` every grant and revocation asks for.
    pub scope: &'static str,
}
