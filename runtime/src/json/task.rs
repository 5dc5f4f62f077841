//! [`Task`]: a long-running operation of a JSON API, polled at its status
//! path with the client's back-off until it finishes.

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::call::{Reply, decode_reply, envelope_of, finished_task};
use super::client::{Draft, JsonClient, RawReply};
use super::error::{redirect_error, reply_error};
use super::protocol::{TaskState, Tasks};
use crate::connection::{Error, ErrorKind};
use crate::wait::{Progress, Wait};

/// A handle on a running task: its id and the client that started it.
/// Cheap to clone; can be sent to and shared between threads.
#[derive(Clone)]
pub struct Task {
    client: JsonClient,
    operation: &'static str,
    id: String,
}

/// One look at a task: where it stands and the reply that says so.
struct Polled {
    state: TaskState,
    status: String,
    reply: RawReply,
}

impl Task {
    pub(crate) fn new(client: JsonClient, operation: &'static str, id: String) -> Task {
        Task { client, operation, id }
    }

    /// The id of the task, as the server gave it.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The operation that started the task (for messages).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// Asks once where the task stands: the reply's status (`PENDING`,
    /// `SUCCESS`, `FAILURE`, …) and its result as JSON. A finished task,
    /// failed or not, is not an error here.
    pub fn status(&self) -> impl Future<Output = Result<Reply<Value>, Error>> + Send + use<> {
        let task = self.clone();
        async move {
            let polled = task.poll().await?;
            Ok(task.standing(&polled.reply, Some(polled.status)))
        }
    }

    /// Asks the server to cancel the task, with the protocol's cancel
    /// operation (its body an empty JSON object unless it is a `GET`), and
    /// returns where the task stands then, as [`status`](Self::status) does
    /// (`REVOKED` once cancelled; a cancelled task's reply may carry an error
    /// status, such as 410, and is still an answer). A refusal without that
    /// (a task that can no longer be cancelled) is an error with the server's
    /// detail; an API without a cancel operation is an
    /// [`InvalidInput`](ErrorKind::InvalidInput) error, and nothing is sent.
    pub fn cancel(&self) -> impl Future<Output = Result<Reply<Value>, Error>> + Send + use<> {
        let task = self.clone();
        async move {
            let inner = &task.client.inner;
            let Some((method, path)) = inner.protocol.tasks.as_ref().and_then(|t| t.cancel) else {
                let message = format!("{} has no operation that cancels a task.", inner.protocol.title);
                return Err(Error::new(ErrorKind::InvalidInput, message));
            };
            let reply = task.send(method, path, "Cancelling a task").await?;
            let status = envelope_of(inner.protocol, &reply.body).status;
            if status.is_none() && !reply.is_success() {
                return Err(reply.hide_secrets(reply_error(inner.protocol, "Cancelling a task", &reply)));
            }
            Ok(task.standing(&reply, status))
        }
    }

    /// Polls the task with the client's back-off until it finishes, then
    /// reads its result into `T`. A failed task is an error of kind
    /// [`TaskFailed`](ErrorKind::TaskFailed), a revoked one
    /// [`TaskRevoked`](ErrorKind::TaskRevoked), both with the task's result
    /// as [`Error::detail`]; a task still running at the client's deadline
    /// is a [`Timeout`](ErrorKind::Timeout). Dropping the future stops the polling.
    pub fn wait<T: DeserializeOwned + Send + 'static>(&self) -> impl Future<Output = Result<T, Error>> + Send + use<T> {
        let task = self.clone();
        async move { task.wait_reply::<T>().await.map(|reply| reply.result) }
    }

    /// As [`wait`](Self::wait), keeping the envelope's metadata.
    pub fn wait_reply<T: DeserializeOwned + Send + 'static>(
        &self,
    ) -> impl Future<Output = Result<Reply<T>, Error>> + Send + use<T> {
        let task = self.clone();
        async move {
            let polled = task.poll_until_finished().await?;
            task.finish::<T>(&polled)
        }
    }

    /// Waits for a task a call has just started: the first poll comes after
    /// the first back-off step, as the task was just seen running.
    pub(crate) async fn wait_after_start<T: DeserializeOwned + Send + 'static>(self) -> Result<Reply<T>, Error> {
        if let Some(first) = self.client.inner.backoff.first() {
            tokio::time::sleep(*first).await;
        }
        self.wait_reply::<T>().await
    }

    /// Polls with the one wait loop until the task is no longer pending.
    async fn poll_until_finished(&self) -> Result<Polled, Error> {
        let inner = &self.client.inner;
        let what = format!("the task {} of {} to finish", self.id, self.operation);
        let task = self.clone();
        let fetch = move || {
            let task = task.clone();
            async move { task.poll().await }
        };
        let check = |polled: &Polled| match polled.state {
            TaskState::Pending => Progress::Pending(format!("status {}", polled.status)),
            _ => Progress::Done,
        };
        let wait = Wait::new(what, fetch, check).backoff(inner.backoff.clone()).timeout(inner.deadline);
        wait.send().await.map_err(|e| if e.kind() == ErrorKind::Timeout { e.with_task_id(&self.id) } else { e })
    }

    /// The result of a finished task, or the error it finished with.
    fn finish<T: DeserializeOwned>(&self, polled: &Polled) -> Result<Reply<T>, Error> {
        let protocol = self.client.inner.protocol;
        let mut enveloped = envelope_of(protocol, &polled.reply.body);
        enveloped.task_id.get_or_insert_with(|| self.id.clone());
        let checked = finished_task(self.operation, polled.state, &enveloped)
            .and_then(|()| decode_reply(protocol, self.operation, &polled.reply, enveloped));
        checked.map_err(|e| polled.reply.hide_secrets(e))
    }

    /// Where the task stands, from a reply about it: the envelope's
    /// `status` and `result`, the task's id.
    fn standing(&self, reply: &RawReply, status: Option<String>) -> Reply<Value> {
        let enveloped = envelope_of(self.client.inner.protocol, &reply.body);
        let result = enveloped.result.and_then(|raw| serde_json::from_str(raw.get()).ok()).unwrap_or(Value::Null);
        let task_id = enveloped.task_id.or_else(|| Some(self.id.clone()));
        Reply { result, status, task_id, http_status: reply.status }
    }

    /// One GET of the task's status path.
    async fn poll(&self) -> Result<Polled, Error> {
        let inner = &self.client.inner;
        let tasks = inner.protocol.tasks.as_ref().ok_or_else(|| {
            let message = format!("{} has no long-running tasks to wait for.", inner.protocol.title);
            Error::new(ErrorKind::InvalidInput, message)
        })?;
        let reply = self.send("GET", tasks.status_path, self.operation).await?;
        self.read_poll(tasks, reply)
    }

    /// Sends `method` to the path `template` with this task's id for
    /// `{task_id}` (an empty JSON object as the body, unless a `GET`), and
    /// returns the reply whatever its status; `operation` names it in errors.
    async fn send(&self, method: &'static str, template: &str, operation: &'static str) -> Result<RawReply, Error> {
        let inner = &self.client.inner;
        let path = template.replace("{task_id}", &super::encode_segment(&self.id));
        let body = (!method.eq_ignore_ascii_case("GET")).then(|| b"{}".to_vec());
        let draft =
            Draft { method, operation, path: &path, prefixed: true, query: &[], headers: &[], body, timeout: None };
        inner.execute(&inner.prepare(draft)?).await
    }

    /// What a reply of the status path says.
    fn read_poll(&self, tasks: &Tasks, reply: RawReply) -> Result<Polled, Error> {
        let protocol = self.client.inner.protocol;
        if (300..400).contains(&reply.status) {
            return Err(reply.hide_secrets(redirect_error(protocol, &reply)));
        }
        let status = envelope_of(protocol, &reply.body).status;
        let state = status.as_deref().map(|s| tasks.state_of(s));
        match (state, status) {
            (Some(TaskState::Unknown), Some(status)) if reply.status == tasks.pending_http => {
                Ok(Polled { state: TaskState::Pending, status, reply })
            }
            (Some(state), Some(status)) if state != TaskState::Unknown => Ok(Polled { state, status, reply }),
            _ if !reply.is_success() => {
                let error = reply_error(protocol, self.operation, &reply).with_task_id(&self.id);
                Err(reply.hide_secrets(error))
            }
            (_, status) => {
                let seen = status.map(|s| format!("the unknown status '{s}'")).unwrap_or("no status".to_owned());
                let message = format!("The status of the task {} ({}) has {seen}.", self.id, reply.what);
                Err(Error::new(ErrorKind::InvalidResponse, message).with_code(reply.status).with_task_id(&self.id))
            }
        }
    }
}

impl fmt::Debug for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Task").field("id", &self.id).field("operation", &self.operation).finish_non_exhaustive()
    }
}
