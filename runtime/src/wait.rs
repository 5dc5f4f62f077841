//! Waiting for an object to reach a state: the one polling loop behind
//! every generated waiter (`vm_service.wait_until_up()`,
//! `disk_service.wait_until(|disk| …)`).
//!
//! A [`Wait`] fetches the object, checks it, and sleeps between fetches
//! (a fixed `interval`, or a back-off schedule whose last step repeats) until the check says it is done (the object is returned), that
//! it failed (an error of kind [`Failed`](ErrorKind::Failed)), or until
//! `timeout` has passed (an error of kind [`Timeout`](ErrorKind::Timeout)).
//! An error of a fetch ends the wait with that error. The wait is a future:
//! dropping it (for example from `tokio::select!` or a timeout of the
//! caller's) cancels it between two fetches or during one.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::connection::{Error, ErrorKind};

/// How long a wait sleeps between two fetches, unless set otherwise.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(2);

/// How long a wait lasts at most, unless set otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

/// What a check says of the object it was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// The object is in the state waited for.
    Done,
    /// Not yet; the text says what the object shows (`status down`), for
    /// the message of a timeout.
    Pending(String),
    /// The object reached a state that means failure; the text says which.
    Failed(String),
}

type Fetch<T> = Box<dyn Fn() -> Pin<Box<dyn Future<Output = Result<T, Error>> + Send>> + Send + Sync>;
type Check<T> = Box<dyn Fn(&T) -> Progress + Send + Sync>;

/// A wait for an object to reach a state, made by a generated waiter.
/// Set [`interval`](Self::interval) and [`timeout`](Self::timeout) if the
/// defaults (2 s, 10 min) do not suit, then [`send`](Self::send) it.
#[must_use = "a wait does nothing until it is sent"]
pub struct Wait<T> {
    what: String,
    fetch: Fetch<T>,
    check: Check<T>,
    /// The pauses between fetches, in order; the last one repeats. Never empty.
    intervals: Vec<Duration>,
    timeout: Duration,
}

impl<T: Send + 'static> Wait<T> {
    /// A wait for `what` (such as `the VM at vms/123 to be up`): `fetch`
    /// gets the object, `check` judges it.
    pub fn new<F, Fut>(
        what: impl Into<String>,
        fetch: F,
        check: impl Fn(&T) -> Progress + Send + Sync + 'static,
    ) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, Error>> + Send + 'static,
    {
        Wait {
            what: what.into(),
            fetch: Box::new(move || Box::pin(fetch())),
            check: Box::new(check),
            intervals: vec![DEFAULT_INTERVAL],
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Sets the time between two fetches.
    pub fn interval(mut self, interval: Duration) -> Self {
        self.intervals = vec![interval];
        self
    }

    /// Sets a back-off schedule: the first pause is `steps[0]`, the second
    /// `steps[1]`, and so on, the last step repeating once the list is used
    /// up (`[1 s, 3 s, 6 s]` waits 1, 3, 6, 6, 6 … seconds). An empty list
    /// leaves the pauses as they were.
    pub fn backoff(mut self, steps: Vec<Duration>) -> Self {
        if !steps.is_empty() {
            self.intervals = steps;
        }
        self
    }

    /// The pause after the fetch numbered `fetch` (from 0).
    fn pause_after(&self, fetch: usize) -> Duration {
        let last = self.intervals.len().saturating_sub(1);
        self.intervals.get(fetch.min(last)).copied().unwrap_or(DEFAULT_INTERVAL)
    }

    /// Sets the longest the wait may last (the first fetch is always made).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Fetches and checks until the object is done, failed, or the time is up.
    // Not an `async fn`: the future is declared `Send`, which an `async fn` can't say.
    #[allow(clippy::manual_async_fn)]
    pub fn send(self) -> impl Future<Output = Result<T, Error>> + Send + use<T> {
        async move {
            let started = tokio::time::Instant::now();
            let mut fetch = 0usize;
            loop {
                let object = (self.fetch)().await?;
                let seen = match (self.check)(&object) {
                    Progress::Done => return Ok(object),
                    Progress::Failed(seen) => {
                        return Err(Error::new(
                            ErrorKind::Failed,
                            format!("Gave up waiting for {}: it is {seen}, which means it failed.", self.what),
                        ));
                    }
                    Progress::Pending(seen) => seen,
                };
                drop(object);
                let elapsed = started.elapsed();
                let pause = self.pause_after(fetch);
                if elapsed + pause > self.timeout {
                    return Err(Error::new(
                        ErrorKind::Timeout,
                        format!(
                            "Timeout: waited {:.0} s for {}, and it is still {seen}.",
                            elapsed.as_secs_f64(),
                            self.what
                        ),
                    ));
                }
                tokio::time::sleep(pause).await;
                fetch = fetch.saturating_add(1);
            }
        }
    }
}

impl<T> std::fmt::Debug for Wait<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wait")
            .field("what", &self.what)
            .field("intervals", &self.intervals)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// A wait over a scripted sequence of states, counting fetches.
    fn scripted(states: &'static [&'static str], fetches: Arc<AtomicUsize>) -> Wait<&'static str> {
        let check = |state: &&str| match *state {
            "up" => Progress::Done,
            "illegal" => Progress::Failed("status illegal".into()),
            other => Progress::Pending(format!("status {other}")),
        };
        Wait::new(
            "the VM at vms/1 to be up",
            move || {
                let n = fetches.fetch_add(1, Ordering::SeqCst);
                let state = states[n.min(states.len() - 1)];
                async move { Ok(state) }
            },
            check,
        )
    }

    #[tokio::test(start_paused = true)]
    async fn polls_until_done() {
        let fetches = Arc::new(AtomicUsize::new(0));
        let wait = scripted(&["down", "powering_up", "up"], fetches.clone()).interval(Duration::from_secs(5));
        let started = tokio::time::Instant::now();
        assert_eq!(wait.send().await.unwrap(), "up");
        assert_eq!(fetches.load(Ordering::SeqCst), 3);
        assert_eq!(started.elapsed(), Duration::from_secs(10));
    }

    #[tokio::test(start_paused = true)]
    async fn a_failure_state_ends_the_wait_with_an_error() {
        let fetches = Arc::new(AtomicUsize::new(0));
        let err = scripted(&["locked", "illegal"], fetches).send().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Failed);
        assert_eq!(
            err.to_string(),
            "Gave up waiting for the VM at vms/1 to be up: it is status illegal, which means it failed."
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_deadline_ends_the_wait_and_says_what_was_seen() {
        let fetches = Arc::new(AtomicUsize::new(0));
        let wait =
            scripted(&["down"], fetches.clone()).interval(Duration::from_secs(2)).timeout(Duration::from_secs(7));
        let err = wait.send().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout);
        assert_eq!(err.to_string(), "Timeout: waited 6 s for the VM at vms/1 to be up, and it is still status down.");
        assert_eq!(fetches.load(Ordering::SeqCst), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn a_backoff_schedule_is_followed_and_its_last_step_repeats() {
        let fetches = Arc::new(AtomicUsize::new(0));
        let states = &["a", "b", "c", "d", "e", "up"];
        let steps = vec![Duration::from_secs(1), Duration::from_secs(3), Duration::from_secs(6)];
        let wait = scripted(states, fetches.clone()).backoff(steps);
        let started = tokio::time::Instant::now();
        assert_eq!(wait.send().await.unwrap(), "up");
        assert_eq!(fetches.load(Ordering::SeqCst), 6);
        // 1 + 3 + 6 + 6 + 6
        assert_eq!(started.elapsed(), Duration::from_secs(22));
    }

    #[tokio::test(start_paused = true)]
    async fn the_deadline_counts_the_next_backoff_step() {
        let fetches = Arc::new(AtomicUsize::new(0));
        let steps = vec![Duration::from_secs(1), Duration::from_secs(10)];
        let wait = scripted(&["down"], fetches.clone()).backoff(steps).timeout(Duration::from_secs(15));
        let err = wait.send().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout);
        // Fetches at 0, 1 and 11 s; the next would be at 21 s, past the deadline.
        assert_eq!(fetches.load(Ordering::SeqCst), 3);
        assert!(err.to_string().starts_with("Timeout: waited 11 s for"), "{err}");
    }

    #[tokio::test(start_paused = true)]
    async fn an_empty_backoff_keeps_the_interval() {
        let fetches = Arc::new(AtomicUsize::new(0));
        let wait = scripted(&["down", "up"], fetches).interval(Duration::from_secs(4)).backoff(Vec::new());
        let started = tokio::time::Instant::now();
        wait.send().await.unwrap();
        assert_eq!(started.elapsed(), Duration::from_secs(4));
    }

    #[tokio::test(start_paused = true)]
    async fn a_fetch_error_ends_the_wait() {
        let wait = Wait::<u8>::new(
            "x",
            || async { Err(Error::new(ErrorKind::NotFound, "gone")) },
            |_| Progress::Pending(String::new()),
        );
        assert_eq!(wait.send().await.unwrap_err().kind(), ErrorKind::NotFound);
    }

    #[test]
    fn waits_are_send() {
        fn send<T: Send>(_: T) {}
        send(scripted(&["up"], Arc::default()).send());
    }
}
