//! [`Protocol`]: everything that makes one JSON API differ from another,
//! as a value the generator emits from the model's `api.yaml`.

use crate::connection::ErrorKind;

/// The wire rules of one JSON API. A generated crate holds one as a
/// `static` and gives it to [`JsonClient::builder`](super::JsonClient::builder);
/// the runtime has no other knowledge of any API.
#[derive(Debug, Clone, Copy)]
pub struct Protocol {
    /// Human name for messages and the default log label ("Danube Cloud").
    pub title: &'static str,
    /// Every request path ends with '/' (the client appends one when missing).
    pub trailing_slash: bool,
    /// Optional client-wide path prefix template with ONE parameter, e.g. "/dc/{dc}";
    /// used only when the client was given a value for that parameter
    /// ([`JsonClientBuilder::prefix_value`](super::JsonClientBuilder::prefix_value)).
    pub prefix: Option<&'static str>,
    /// Response envelope, None when the API has none.
    pub envelope: Option<Envelope>,
    /// Long-running operations, None when the API has none.
    pub tasks: Option<Tasks>,
    /// How error replies are read.
    pub errors: Errors,
    /// Authentication schemes the client may be configured with (in the order tried).
    pub auth: &'static [AuthScheme],
    /// Fixed headers sent on every request (e.g. ("Accept", "application/json")).
    pub headers: &'static [(&'static str, &'static str)],
}

/// The members of a reply envelope such as `{"status", "result", "task_id"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Envelope {
    /// The member holding the operation's result: "result".
    pub result: &'static str,
    /// The member holding the status of the operation or task: "status".
    pub status: &'static str,
    /// The member holding the id of the task: "task_id".
    pub task_id: &'static str,
}

/// How the API reports and finishes long-running operations (tasks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tasks {
    /// Path template of the status of a task, parameter `{task_id}`: "/task/{task_id}/status/".
    pub status_path: &'static str,
    /// HTTP status that means "still running" (201) together with an envelope status in `pending`.
    pub pending_http: u16,
    /// Envelope statuses of a task still running: ["PENDING", "STARTED"].
    pub pending: &'static [&'static str],
    /// Envelope statuses of a task that succeeded: ["SUCCESS"].
    pub success: &'static [&'static str],
    /// Envelope statuses of a task that failed (an error of kind
    /// [`ErrorKind::TaskFailed`]): ["FAILURE"].
    pub failure: &'static [&'static str],
    /// Envelope statuses of a task that was revoked (an error of kind
    /// [`ErrorKind::TaskRevoked`]): ["REVOKED"].
    pub revoked: &'static [&'static str],
    /// Back-off between polls in milliseconds; the last one repeats: [1000, 3000, 6000, 12000, 30000].
    pub backoff_ms: &'static [u64],
    /// Default deadline of a wait, in seconds (3600).
    pub deadline_s: u64,
    /// The method and path template (`{task_id}`) that cancel a task, when
    /// the API can: ("PUT", "/task/{task_id}/cancel/").
    pub cancel: Option<(&'static str, &'static str)>,
}

/// Where a task stands, as its envelope status says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TaskState {
    Pending,
    Success,
    Failure,
    Revoked,
    /// A status the protocol does not list.
    Unknown,
}

impl Tasks {
    /// What the envelope status `status` means.
    pub(crate) fn state_of(&self, status: &str) -> TaskState {
        let is = |list: &[&str]| list.contains(&status);
        if is(self.pending) {
            TaskState::Pending
        } else if is(self.success) {
            TaskState::Success
        } else if is(self.failure) {
            TaskState::Failure
        } else if is(self.revoked) {
            TaskState::Revoked
        } else {
            TaskState::Unknown
        }
    }
}

/// How the API reports errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Errors {
    /// Members of an error body that hold the message, tried in order: ["detail", "message"].
    pub message_fields: &'static [&'static str],
    /// HTTP status -> error kind, beyond the defaults (401/403 Authentication, 404 NotFound, 409 Conflict, 5xx Server).
    pub statuses: &'static [(u16, ErrorKind)],
}

impl Errors {
    /// The kind of an error reply of HTTP status `status`: the API's own
    /// mapping first, then the defaults (401/403 authentication, 404 not
    /// found, 409 conflict, 5xx server, anything else a fault).
    pub(crate) fn kind_for(&self, status: u16) -> ErrorKind {
        if let Some((_, kind)) = self.statuses.iter().find(|(code, _)| *code == status) {
            return *kind;
        }
        match status {
            401 | 403 => ErrorKind::Authentication,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::Fault,
        }
    }
}

/// One way a client of the API may authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// A fixed header holding a secret the user gives: `ES-API-KEY: <key>`.
    Header {
        /// The header name.
        name: &'static str,
        /// The builder setting holding the secret ("api_key"), given with
        /// [`JsonClientBuilder::secret`](super::JsonClientBuilder::secret).
        setting: &'static str,
    },
    /// A login operation whose token is sent with every request (see
    /// [`LoginScheme`]).
    Login(LoginScheme),
    /// A request signer installed by the user or a later generated crate
    /// (see [`Signer`](super::Signer)): it sees the exact method, full URL
    /// and body bytes.
    Signer,
}

/// A login operation: POST `path` with JSON body {user_field: username, password_field: password};
/// the token is read from member `token_field` of the (non-enveloped) reply and sent as header
/// `header` with value `format` where "{token}" is replaced ("Token {token}").
/// A request refused with status `relogin_on` (and, when `relogin_if` is not empty, a body holding one
/// of its texts) while using such a token logs in again ONCE and is resent once.
/// `logout`: optional (method, path) called by [`JsonClient::close`](super::JsonClient::close).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginScheme {
    /// The path of the login operation, relative to the API URL.
    pub path: &'static str,
    /// The body member holding the user name.
    pub user_field: &'static str,
    /// The body member holding the password.
    pub password_field: &'static str,
    /// The reply member holding the token.
    pub token_field: &'static str,
    /// The header the token is sent in.
    pub header: &'static str,
    /// The value of that header, `{token}` standing for the token.
    pub format: &'static str,
    /// The status that means the token is no longer accepted.
    pub relogin_on: u16,
    /// Texts of which the refusal's body must hold one for it to mean
    /// the token is no longer accepted (a refusal for lack of permission
    /// has the same status); empty: every refusal with `relogin_on`.
    pub relogin_if: &'static [&'static str],
    /// The method and path of the logout operation, if there is one.
    pub logout: Option<(&'static str, &'static str)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const ERRORS: Errors = Errors {
        message_fields: &["detail"],
        statuses: &[(409, ErrorKind::RetryLater), (417, ErrorKind::NeedsConfirmation)],
    };

    #[test]
    fn the_api_mapping_comes_before_the_defaults() {
        assert_eq!(ERRORS.kind_for(409), ErrorKind::RetryLater);
        assert_eq!(ERRORS.kind_for(417), ErrorKind::NeedsConfirmation);
        assert_eq!(ERRORS.kind_for(401), ErrorKind::Authentication);
        assert_eq!(ERRORS.kind_for(403), ErrorKind::Authentication);
        assert_eq!(ERRORS.kind_for(404), ErrorKind::NotFound);
        assert_eq!(ERRORS.kind_for(503), ErrorKind::Server);
        assert_eq!(ERRORS.kind_for(400), ErrorKind::Fault);
        let none = Errors { message_fields: &[], statuses: &[] };
        assert_eq!(none.kind_for(409), ErrorKind::Conflict);
    }

    #[test]
    fn task_statuses_are_classified() {
        let tasks = Tasks {
            status_path: "/task/{task_id}/status/",
            pending_http: 201,
            pending: &["PENDING", "STARTED"],
            success: &["SUCCESS"],
            failure: &["FAILURE"],
            revoked: &["REVOKED"],
            backoff_ms: &[1],
            deadline_s: 1,
            cancel: None,
        };
        assert_eq!(tasks.state_of("STARTED"), TaskState::Pending);
        assert_eq!(tasks.state_of("SUCCESS"), TaskState::Success);
        assert_eq!(tasks.state_of("FAILURE"), TaskState::Failure);
        assert_eq!(tasks.state_of("REVOKED"), TaskState::Revoked);
        assert_eq!(tasks.state_of("RETRY"), TaskState::Unknown);
        assert_eq!(tasks.state_of("success"), TaskState::Unknown);
    }
}
