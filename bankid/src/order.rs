//! Following one order to its end: collect every 2 seconds, stop for good at the first
//! final status, and cancel the order if it is abandoned while still pending.

use std::time::{Duration, Instant};

use crate::api::CollectResponse;
use crate::client::BankIdClient;
use crate::error::{Error, Result};

/// BankID's recommended collect interval.
pub const COLLECT_INTERVAL: Duration = Duration::from_secs(2);

/// Polls one order. Dropping it while the order is pending cancels the order at
/// BankID (in the background, on the current tokio runtime).
pub struct OrderPoller {
    client: BankIdClient,
    order_ref: String,
    interval: Duration,
    last_collect: Option<Instant>,
    last: Option<CollectResponse>,
    done: bool,
}

impl std::fmt::Debug for OrderPoller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrderPoller")
            .field("order_ref", &self.order_ref)
            .field("interval", &self.interval)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl OrderPoller {
    /// Follows `order_ref` at the recommended 2-second interval.
    pub fn new(client: BankIdClient, order_ref: impl Into<String>) -> Self {
        Self {
            client,
            order_ref: order_ref.into(),
            interval: COLLECT_INTERVAL,
            last_collect: None,
            last: None,
            done: false,
        }
    }

    /// Changes the interval (tests and simulators; keep 2 s against BankID).
    pub fn with_interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// The order being followed.
    pub fn order_ref(&self) -> &str {
        &self.order_ref
    }

    /// Whether the order reached a final status (or was cancelled).
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The last response received, if any.
    pub fn last(&self) -> Option<&CollectResponse> {
        self.last.as_ref()
    }

    /// Waits until the interval has passed since the previous collect, then collects.
    /// After a final status it returns [`Error::OrderFinished`] without calling BankID.
    pub async fn poll(&mut self) -> Result<CollectResponse> {
        if self.done {
            return Err(Error::OrderFinished);
        }
        if let Some(at) = self.last_collect {
            tokio::time::sleep_until((at + self.interval).into()).await;
        }
        self.collect_now().await
    }

    /// Collects only if the interval has passed; otherwise returns the previous answer.
    /// Lets a server answer its own clients as often as they ask while BankID is still
    /// asked at most once per interval. After a final status it never calls BankID
    /// again and keeps returning the final answer.
    pub async fn poll_if_due(&mut self) -> Result<CollectResponse> {
        if let Some(last) = &self.last {
            let due = self
                .last_collect
                .is_none_or(|at| at.elapsed() >= self.interval);
            if self.done || !due {
                return Ok(last.clone());
            }
        }
        if self.done {
            return Err(Error::OrderFinished);
        }
        self.collect_now().await
    }

    /// Polls until the order completes or fails, reporting every response to `progress`.
    /// Transient errors (timeouts, maintenance, internal errors, transport) are retried
    /// at the next interval; other errors end the wait.
    pub async fn wait(
        &mut self,
        mut progress: impl FnMut(&CollectResponse),
    ) -> Result<CollectResponse> {
        loop {
            match self.poll().await {
                Ok(resp) => {
                    progress(&resp);
                    if resp.is_final() {
                        return Ok(resp);
                    }
                }
                Err(Error::Api { ref code, .. }) if code.is_transient() => {}
                Err(Error::Transport(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Cancels the order at BankID if it is still pending.
    pub async fn cancel(mut self) -> Result<()> {
        if self.done {
            return Ok(());
        }
        self.done = true;
        self.client.cancel(&self.order_ref).await
    }

    async fn collect_now(&mut self) -> Result<CollectResponse> {
        self.last_collect = Some(Instant::now());
        let result = self.client.collect(&self.order_ref).await;
        match &result {
            Ok(resp) => {
                self.done = resp.is_final();
                self.last = Some(resp.clone());
            }
            // An order BankID no longer knows cannot be collected again either.
            Err(Error::Api { code, .. }) if *code == crate::ErrorCode::InvalidParameters => {
                self.done = true;
            }
            Err(_) => {}
        }
        result
    }
}

impl Drop for OrderPoller {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let client = self.client.clone();
            let order_ref = std::mem::take(&mut self.order_ref);
            runtime.spawn(async move {
                if let Err(e) = client.cancel(&order_ref).await {
                    tracing::warn!(error = %e, "could not cancel an abandoned BankID order");
                }
            });
        }
    }
}
