//! The two limits every request of a client obeys, whatever its API: the
//! most requests in flight at once (`connections`) and the longest one may
//! take (`timeout`). Shared by the oVirt connection and the JSON client.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{Error, ErrorKind};

/// The `connections` limit, shared by the clones of a client.
#[derive(Clone, Default)]
pub(crate) struct Slots(Option<Arc<Semaphore>>);

impl Slots {
    /// At most `connections` requests at once; 0 means no limit.
    pub(crate) fn new(connections: usize) -> Slots {
        Slots((connections > 0).then(|| Arc::new(Semaphore::new(connections.min(Semaphore::MAX_PERMITS)))))
    }

    /// A slot, held until the permit is dropped (none when unlimited). It
    /// is owned, so that a streamed reply can hold it until its body is
    /// read. `closed` names the client in the error of a closed semaphore
    /// (which nothing closes today).
    pub(crate) async fn take(&self, closed: &str) -> Result<Option<OwnedSemaphorePermit>, Error> {
        match &self.0 {
            None => Ok(None),
            Some(slots) => slots
                .clone()
                .acquire_owned()
                .await
                .map(Some)
                .map_err(|_| Error::new(ErrorKind::InvalidInput, format!("The {closed} is closed."))),
        }
    }
}

/// Runs `exchange` within `timeout` (no limit when `None`); `what` names the
/// request in the error.
pub(crate) async fn within<T>(
    timeout: Option<Duration>,
    what: &str,
    exchange: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let Some(limit) = timeout else { return exchange.await };
    tokio::time::timeout(limit, exchange).await.unwrap_or_else(|_| {
        Err(Error::new(
            ErrorKind::Timeout,
            format!("No complete reply to {what} within the timeout of {} s.", limit.as_secs_f64()),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_slow_exchange_is_a_timeout_naming_the_request() {
        let slow = async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            Ok(())
        };
        let err = within(Some(Duration::from_millis(10)), "GET https://h/x", slow).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout);
        assert!(err.message().contains("GET https://h/x"), "{err}");
        assert_eq!(within(None, "-", async { Ok(7) }).await.unwrap(), 7);
    }

    #[tokio::test]
    async fn a_slot_is_free_again_when_its_permit_is_dropped() {
        let slots = Slots::new(1);
        let held = slots.take("client").await.unwrap();
        assert!(held.is_some());
        let waiting = tokio::time::timeout(Duration::from_millis(20), slots.take("client")).await;
        assert!(waiting.is_err(), "a second request waits while the only slot is held");
        drop(held);
        assert!(slots.take("client").await.unwrap().is_some());
        assert!(Slots::new(0).take("client").await.unwrap().is_none(), "0 means no limit");
    }
}
