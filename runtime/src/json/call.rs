//! [`JsonCall`]: one operation of a JSON API, its parameters placed as the
//! method wants, its reply unwrapped, its task waited for.

use std::collections::HashMap;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

use super::client::{Draft, JsonClient, RawReply};
use super::error::{decode_error, redirect_error, reply_error, task_error};
use super::protocol::{Protocol, TaskState};
use super::task::Task;
use crate::connection::{Error, ErrorKind};

/// One call of an operation, made by [`JsonClient::call`]: set its
/// parameters, then [`send`](Self::send) (or [`start`](Self::start)) it.
#[must_use = "a call does nothing until it is sent"]
#[derive(Debug, Clone)]
pub struct JsonCall {
    client: JsonClient,
    operation: &'static str,
    method: &'static str,
    path: String,
    params: Vec<(&'static str, Value)>,
    body: Option<Value>,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    timeout: Option<Duration>,
    reading: Reading,
    /// Sent without the client's credentials.
    anonymous: bool,
}

/// How a call reads its reply, beyond what the protocol says.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Reading {
    /// The result is the whole body, envelope included, and a pending
    /// state is an answer rather than a task to wait for.
    pub(crate) keep_envelope: bool,
    /// Statuses that are answers rather than errors, beyond 2xx.
    pub(crate) also_success: &'static [u16],
}

/// A successful reply: the result, with the envelope's metadata when the
/// reply had an envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply<T> {
    /// The result, read into the operation's type.
    pub result: T,
    /// The envelope's status (`SUCCESS`).
    pub status: Option<String>,
    /// The envelope's task id (some APIs give one to every call).
    pub task_id: Option<String>,
    /// The HTTP status of the reply (of the last poll for a task).
    pub http_status: u16,
}

/// What [`JsonCall::start`] gives: a finished reply, or a task still running.
#[derive(Debug)]
pub enum Started<T> {
    /// The operation finished at once.
    Done(Reply<T>),
    /// The operation runs as a task; [`Task::wait`] waits for its result.
    Pending(Task),
}

/// The members of an envelope found in a reply body.
#[derive(Default)]
pub(crate) struct Enveloped<'a> {
    pub(crate) status: Option<String>,
    pub(crate) task_id: Option<String>,
    /// The `result` member, when the body has one.
    pub(crate) result: Option<&'a RawValue>,
}

impl JsonCall {
    pub(crate) fn new(client: JsonClient, operation: &'static str, method: &'static str, path: String) -> JsonCall {
        JsonCall {
            client,
            operation,
            method,
            path,
            params: Vec::new(),
            body: None,
            query: Vec::new(),
            headers: Vec::new(),
            timeout: None,
            reading: Reading::default(),
            anonymous: false,
        }
    }

    /// How messages name the operation (`TasksService::log`).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The pages of this call: see [`JsonPages`](super::JsonPages).
    pub fn pages<T: DeserializeOwned + Send + 'static>(self, paging: super::Paging) -> super::JsonPages<T> {
        super::JsonPages::new(self, paging)
    }

    /// Makes the whole reply body, envelope included, the result, and a
    /// pending state an answer rather than a task to wait for (an operation
    /// that reports on a task).
    pub fn keep_envelope(&mut self) {
        self.reading.keep_envelope = true;
    }

    /// Takes replies with these statuses as answers rather than errors (an
    /// operation whose status code tells the state of something).
    pub fn also_success(&mut self, statuses: &'static [u16]) {
        self.reading.also_success = statuses;
    }

    /// Sends the call without the client's credentials (no key, token or
    /// signature, and no login first): an operation the API serves to
    /// anyone, such as its clock or its catalogue.
    pub fn anonymous(&mut self) {
        self.anonymous = true;
    }

    /// A request parameter: query parameter for GET (bool as true/false, numbers as text, lists joined by ','),
    /// member of the JSON body object for every other method (DELETE included; the body is `{}` when no parameter is set).
    /// `None` removes a parameter set before.
    pub fn set_param(&mut self, name: &'static str, value: Option<Value>) {
        self.params.retain(|(n, _)| *n != name);
        if let Some(value) = value {
            self.params.push((name, value));
        }
    }

    /// The whole body from a typed object (APIs whose operations take a model as body); params then go to the
    /// query. `None` removes a body set before.
    pub fn set_body(&mut self, body: Option<Value>) {
        self.body = body;
    }

    /// An extra query parameter, whatever the method.
    pub fn query(&mut self, name: String, value: String) {
        self.query.push((name, value));
    }

    /// An extra header; it replaces a client header of the same name.
    pub fn header(&mut self, name: String, value: String) {
        self.headers.push((name, value));
    }

    /// The longest each request of this call may take, instead of the
    /// client's timeout (zero: no limit).
    pub fn timeout(&mut self, timeout: Duration) {
        self.timeout = Some(timeout);
    }

    /// Sends; on success decodes the body (the envelope's `result` when the API has an envelope and the reply
    /// has one) into `T`. When the API has tasks and the reply is a pending task, polls the task's status path
    /// with the back-off until it finishes or the deadline passes (an error of kind
    /// [`Timeout`](ErrorKind::Timeout) naming the task id), then decodes the final result into `T` or fails
    /// with [`TaskFailed`](ErrorKind::TaskFailed) / [`TaskRevoked`](ErrorKind::TaskRevoked).
    /// Dropping the future cancels the wait.
    // Not an `async fn`: the future is declared `Send`, which an `async fn` can't say.
    #[allow(clippy::manual_async_fn)]
    pub fn send<T: DeserializeOwned + Send + 'static>(self) -> impl Future<Output = Result<T, Error>> + Send {
        async move { self.send_reply::<T>().await.map(|reply| reply.result) }
    }

    /// Sends a call whose result is a list and returns its first item
    /// (`None` when the list is empty).
    // Not an `async fn`: the future is declared `Send`, which an `async fn` can't say.
    #[allow(clippy::manual_async_fn)]
    pub fn first<T: DeserializeOwned + Send + 'static>(self) -> impl Future<Output = Result<Option<T>, Error>> + Send {
        async move { Ok(self.send::<Vec<T>>().await?.into_iter().next()) }
    }

    /// As [`first`](Self::first), but an empty list is an error of kind
    /// [`NotFound`](ErrorKind::NotFound) that names the operation and its
    /// parameters.
    // Not an `async fn`: the future is declared `Send`, which an `async fn` can't say.
    #[allow(clippy::manual_async_fn)]
    pub fn one<T: DeserializeOwned + Send + 'static>(self) -> impl Future<Output = Result<T, Error>> + Send {
        async move {
            let what = self.describe();
            self.first::<T>().await?.ok_or_else(|| crate::service::nothing_matched(&what))
        }
    }

    /// The call as messages name it: `VmsService::list (GET vm?order_by=alias)`.
    fn describe(&self) -> String {
        let (query, _) = self.placed();
        format!("{} ({} {})", self.operation, self.method, crate::connection::path::path_with_query(&self.path, query))
    }

    /// Same as [`send`](Self::send), but also returns the envelope's metadata.
    // Not an `async fn`: the future is declared `Send`, which an `async fn` can't say.
    #[allow(clippy::manual_async_fn)]
    pub fn send_reply<T: DeserializeOwned + Send + 'static>(
        self,
    ) -> impl Future<Output = Result<Reply<T>, Error>> + Send {
        async move {
            match self.start::<T>().await? {
                Started::Done(reply) => Ok(reply),
                Started::Pending(task) => task.wait_after_start::<T>().await,
            }
        }
    }

    /// Sends without waiting for a task: a pending reply gives [`Started::Pending`], a finished one
    /// [`Started::Done`].
    // Not an `async fn`: the future is declared `Send`, which an `async fn` can't say.
    #[allow(clippy::manual_async_fn)]
    pub fn start<T: DeserializeOwned + Send + 'static>(self) -> impl Future<Output = Result<Started<T>, Error>> + Send {
        async move {
            let (client, operation, reading) = (self.client.clone(), self.operation, self.reading);
            let reply = self.execute().await?;
            outcome(&client, operation, reading, &reply).map_err(|e| reply.hide_secrets(e))
        }
    }

    /// Places the parameters, sends, and returns the reply whatever its status.
    async fn execute(self) -> Result<RawReply, Error> {
        let inner = &self.client.inner;
        let (query, body) = self.placed();
        let draft = Draft {
            method: self.method,
            operation: self.operation,
            path: &self.path,
            prefixed: true,
            query: &query,
            headers: &self.headers,
            body,
            timeout: self.timeout,
        };
        let prepared = inner.prepare(draft)?;
        if self.anonymous { inner.execute_anonymous(&prepared).await } else { inner.execute(&prepared).await }
    }

    /// The query and the body: parameters in the query for GET, in a JSON
    /// object body otherwise (unless the call has its own body).
    fn placed(&self) -> (Vec<(String, String)>, Option<Vec<u8>>) {
        let in_query = self.method.eq_ignore_ascii_case("GET") || self.body.is_some();
        let mut query = Vec::new();
        if in_query {
            for (name, value) in &self.params {
                query.extend(query_text(value).map(|text| ((*name).to_owned(), text)));
            }
        }
        query.extend(self.query.iter().cloned());
        let body = match &self.body {
            _ if self.method.eq_ignore_ascii_case("GET") => None,
            Some(body) => Some(body.to_string()),
            None => {
                let members = self.params.iter().map(|(n, v)| ((*n).to_owned(), v.clone())).collect();
                Some(Value::Object(members).to_string())
            }
        };
        (query, body.map(String::into_bytes))
    }
}

/// A parameter as query text: `true`/`false`, numbers as written, lists
/// joined with `,`; `None` for null (the parameter is left out).
fn query_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => Some(items.iter().filter_map(query_text).collect::<Vec<_>>().join(",")),
        Value::Object(_) => Some(value.to_string()),
    }
}

/// What a reply to a call means: a redirect or an error status is an
/// error; a pending task is a [`Task`]; a failed or revoked one an error;
/// anything else a result.
fn outcome<T: DeserializeOwned>(
    client: &JsonClient,
    operation: &'static str,
    reading: Reading,
    reply: &RawReply,
) -> Result<Started<T>, Error> {
    let protocol = client.inner.protocol;
    let answer = reply.is_success() || reading.also_success.contains(&reply.status);
    if (300..400).contains(&reply.status) && !answer {
        return Err(redirect_error(protocol, reply));
    }
    if !answer {
        return Err(refusal(protocol, operation, reply));
    }
    if let Some(done) = finished_in_one_pass(protocol, reading, reply) {
        return Ok(Started::Done(done));
    }
    let enveloped = envelope_of(protocol, &reply.body);
    if reading.keep_envelope {
        // Without a `result` member to read, the whole body is read.
        let whole = Enveloped { result: None, ..enveloped };
        return decode_reply(protocol, operation, reply, whole).map(Started::Done);
    }
    if let (Some(tasks), Some(status)) = (&protocol.tasks, &enveloped.status) {
        let state = tasks.state_of(status);
        let running = reply.status == tasks.pending_http && matches!(state, TaskState::Pending | TaskState::Unknown);
        if running {
            let id = enveloped.task_id.clone().ok_or_else(|| {
                let message =
                    format!("The reply of {operation} to {} is a pending task without a task id.", reply.what);
                Error::new(ErrorKind::InvalidResponse, message).with_code(reply.status)
            })?;
            return Ok(Started::Pending(Task::new(client.clone(), operation, id)));
        }
        finished_task(operation, state, &enveloped)?;
    }
    decode_reply(protocol, operation, reply, enveloped).map(Started::Done)
}

/// The error of a reply with an error status, with the task id of its
/// envelope when it has one. Its kind comes from the status: a validation
/// failure also comes as a FAILURE envelope with a task id (one that only
/// points into the task log), so the envelope cannot tell a task that ran.
fn refusal(protocol: &Protocol, operation: &'static str, reply: &RawReply) -> Error {
    let error = reply_error(protocol, operation, reply);
    match envelope_of(protocol, &reply.body).task_id {
        Some(id) => error.with_task_id(id),
        None => error,
    }
}

/// The reply of an enveloped, finished operation read in one pass, when it
/// is one: a result of the declared type and a state that is not a task
/// still running, failed or revoked. `None` sends the reply down the general
/// path.
fn finished_in_one_pass<T: DeserializeOwned>(
    protocol: &Protocol,
    reading: Reading,
    reply: &RawReply,
) -> Option<Reply<T>> {
    let names = protocol.envelope.as_ref().filter(|_| !reading.keep_envelope && reply.is_success())?;
    let found = super::envelope::unwrap::<T>(names, &reply.body)?;
    let finished = match (&protocol.tasks, &found.status) {
        (Some(tasks), Some(status)) => tasks.state_of(status) == TaskState::Success,
        _ => true,
    };
    let result = found.result.filter(|_| finished)?;
    Some(Reply { result, status: found.status, task_id: found.task_id, http_status: reply.status })
}

/// The error of a task that ended in failure or was revoked.
pub(crate) fn finished_task(operation: &str, state: TaskState, enveloped: &Enveloped<'_>) -> Result<(), Error> {
    let kind = match state {
        TaskState::Failure => ErrorKind::TaskFailed,
        TaskState::Revoked => ErrorKind::TaskRevoked,
        TaskState::Pending | TaskState::Success | TaskState::Unknown => return Ok(()),
    };
    let result = enveloped.result.and_then(|raw| serde_json::from_str(raw.get()).ok()).unwrap_or(Value::Null);
    let status = enveloped.status.as_deref().unwrap_or_default();
    Err(task_error(kind, operation, enveloped.task_id.as_deref(), status, result))
}

/// The envelope members of `body`, when it is a JSON object (nothing
/// otherwise, or when the API has no envelope).
pub(crate) fn envelope_of<'a>(protocol: &Protocol, body: &'a [u8]) -> Enveloped<'a> {
    let Some(envelope) = &protocol.envelope else { return Enveloped::default() };
    let starts_object = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    let members: HashMap<String, &RawValue> = match starts_object.then(|| serde_json::from_slice(body)) {
        Some(Ok(members)) => members,
        _ => return Enveloped::default(),
    };
    let text = |name: &str| match members.get(name).map(|raw| serde_json::from_str::<Value>(raw.get())) {
        Some(Ok(Value::String(s))) => Some(s),
        Some(Ok(Value::Number(n))) => Some(n.to_string()),
        _ => None,
    };
    Enveloped {
        status: text(envelope.status),
        task_id: text(envelope.task_id),
        result: members.get(envelope.result).copied(),
    }
}

/// What a call does with the body of a successful reply that is not a
/// task: the envelope's `result` (or the whole body) read into `T`, with
/// the envelope's metadata. Exposed for benchmarks and tools that hold a
/// reply's bytes; `what` names the reply in error messages.
pub fn decode_body<T: DeserializeOwned>(protocol: &Protocol, what: &str, body: Vec<u8>) -> Result<Reply<T>, Error> {
    let reply = RawReply {
        status: 200,
        headers: http::HeaderMap::new(),
        body,
        truncated: false,
        what: what.to_owned(),
        secrets: Vec::new(),
    };
    if let Some(done) = finished_in_one_pass(protocol, Reading::default(), &reply) {
        return Ok(done);
    }
    let enveloped = envelope_of(protocol, &reply.body);
    decode_reply(protocol, what, &reply, enveloped)
}

/// The result of a finished reply read into `T`: the envelope's result
/// when the body has one, the whole body otherwise (`null` when empty).
pub(crate) fn decode_reply<T: DeserializeOwned>(
    protocol: &Protocol,
    operation: &str,
    reply: &RawReply,
    enveloped: Enveloped<'_>,
) -> Result<Reply<T>, Error> {
    let (text, within): (&[u8], Option<&str>) = match (enveloped.result, &protocol.envelope) {
        (Some(raw), Some(envelope)) => (raw.get().as_bytes(), Some(envelope.result)),
        _ if reply.body.iter().all(u8::is_ascii_whitespace) => (b"null", None),
        _ => (&reply.body, None),
    };
    // The common case decodes straight into `T`; only a reply that does not
    // match is decoded again, tracking the JSON path for the message.
    if let Ok(result) = serde_json::from_slice::<T>(text) {
        return Ok(Reply { result, status: enveloped.status, task_id: enveloped.task_id, http_status: reply.status });
    }
    let mut deserializer = serde_json::Deserializer::from_slice(text);
    let result = serde_path_to_error::deserialize::<_, T>(&mut deserializer).map_err(|e| {
        // A body that isn't JSON at all (or is cut short) says so, rather
        // than that its first byte has the wrong type.
        if let Err(syntax) = serde_json::from_slice::<serde::de::IgnoredAny>(text) {
            if !syntax.is_data() && !reply.body.iter().all(u8::is_ascii_whitespace) {
                return decode_error(operation, reply, None, ".", syntax);
            }
        }
        let path = e.path().to_string();
        decode_error(operation, reply, within, &path, e.into_inner())
    })?;
    deserializer.end().map_err(|e| decode_error(operation, reply, within, ".", e))?;
    Ok(Reply { result, status: enveloped.status, task_id: enveloped.task_id, http_status: reply.status })
}

impl crate::service::CallSettings for JsonCall {
    fn add_query(&mut self, name: String, value: String) {
        self.query(name, value);
    }

    fn add_header(&mut self, name: String, value: String) {
        self.header(name, value);
    }

    fn set_timeout(&mut self, timeout: Duration) {
        self.timeout(timeout);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn query_values_are_plain_text() {
        assert_eq!(query_text(&json!(true)).as_deref(), Some("true"));
        assert_eq!(query_text(&json!(false)).as_deref(), Some("false"));
        assert_eq!(query_text(&json!(42)).as_deref(), Some("42"));
        assert_eq!(query_text(&json!(-1.5)).as_deref(), Some("-1.5"));
        assert_eq!(query_text(&json!("a b")).as_deref(), Some("a b"));
        assert_eq!(query_text(&json!(["-hostname", "uuid", 3])).as_deref(), Some("-hostname,uuid,3"));
        assert_eq!(query_text(&json!(null)), None);
    }
}
