//! Request bodies with deadlines. hyper only bounds the headers; without these a client sending
//! one byte a minute would hold a connection, a descriptor and a spool file forever.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use tokio::time::{Instant, Sleep};
use tokio_util::sync::WaitForCancellationFutureOwned;

/// Why the server stopped reading a body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BodyCut {
    #[error("no body data arrived within the body idle timeout")]
    Idle,
    #[error("the body did not arrive within the request timeout")]
    Deadline,
    #[error("the server is shutting down")]
    ShuttingDown,
}

/// Put in each request's extensions: a handler whose body read failed learns here whether the
/// server cut it (and why) rather than the client breaking it.
#[derive(Clone, Debug, Default)]
pub struct CutReason(Arc<OnceLock<BodyCut>>);

impl CutReason {
    pub fn get(&self) -> Option<BodyCut> {
        self.0.get().copied()
    }
}

/// The deadlines of one request's body.
#[derive(Clone, Copy, Debug)]
pub struct BodyLimits {
    pub idle: Duration,
    pub total: Duration,
}

pub struct GuardedBody {
    inner: Body,
    idle_for: Duration,
    idle: Pin<Box<Sleep>>,
    deadline: Pin<Box<Sleep>>,
    stop: Pin<Box<WaitForCancellationFutureOwned>>,
    reason: CutReason,
}

impl GuardedBody {
    /// `stop` fires when the shutdown grace period is over.
    pub fn new(
        inner: Body,
        limits: BodyLimits,
        stop: WaitForCancellationFutureOwned,
        reason: CutReason,
    ) -> Self {
        GuardedBody {
            inner,
            idle_for: limits.idle,
            idle: Box::pin(tokio::time::sleep(limits.idle)),
            deadline: Box::pin(tokio::time::sleep(limits.total)),
            stop: Box::pin(stop),
            reason,
        }
    }

    fn cut(&self, why: BodyCut) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let _ = self.reason.0.set(why);
        Poll::Ready(Some(Err(axum::Error::new(why))))
    }
}

impl HttpBody for GuardedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if let Some(why) = this.reason.get() {
            return this.cut(why);
        }
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            if matches!(frame, Some(Ok(_))) {
                let next = Instant::now() + this.idle_for;
                this.idle.as_mut().reset(next);
            }
            return Poll::Ready(frame);
        }
        // Checked only while the client owes data: a handler busy between two reads is not the
        // client's fault.
        if this.stop.as_mut().poll(cx).is_ready() {
            return this.cut(BodyCut::ShuttingDown);
        }
        if this.deadline.as_mut().poll(cx).is_ready() {
            return this.cut(BodyCut::Deadline);
        }
        if this.idle.as_mut().poll(cx).is_ready() {
            return this.cut(BodyCut::Idle);
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;
    use tokio_util::sync::CancellationToken;

    fn limits(idle_ms: u64, total_ms: u64) -> BodyLimits {
        BodyLimits {
            idle: Duration::from_millis(idle_ms),
            total: Duration::from_millis(total_ms),
        }
    }

    /// A body fed by hand through a channel, like a client sending at its own pace.
    fn channel_body() -> (tokio::sync::mpsc::Sender<Bytes>, Body) {
        let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(4);
        let stream = futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|b| (Ok::<_, std::io::Error>(b), rx))
        });
        (tx, Body::from_stream(stream))
    }

    // Real time, with every margin twenty-fold or more: the outcome never depends on scheduling.
    #[tokio::test]
    async fn cuts_for_each_reason() {
        // (idle ms, total ms, pause between chunks ms, stop after ms, expected cut)
        let cases = [
            (100, 60_000, 5_000, None, BodyCut::Idle),
            (5_000, 300, 10, None, BodyCut::Deadline),
            (5_000, 60_000, 10, Some(200), BodyCut::ShuttingDown),
        ];
        for (idle, total, pause, stop_after, want) in cases {
            let (tx, inner) = channel_body();
            let stop = CancellationToken::new();
            let reason = CutReason::default();
            let mut body = GuardedBody::new(
                inner,
                limits(idle, total),
                stop.clone().cancelled_owned(),
                reason.clone(),
            );
            let feeder = tokio::spawn(async move {
                while tx.send(Bytes::from_static(b"x")).await.is_ok() {
                    tokio::time::sleep(Duration::from_millis(pause)).await;
                }
            });
            if let Some(ms) = stop_after {
                let stop = stop.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                    stop.cancel();
                });
            }
            let mut frames = 0;
            let err = loop {
                match body.frame().await {
                    Some(Ok(_)) => frames += 1,
                    Some(Err(e)) => break e,
                    None => panic!("the body ended instead of being cut"),
                }
            };
            feeder.abort();
            assert!(frames >= 1, "{want:?}: data before the cut is delivered");
            assert_eq!(reason.get(), Some(want), "{err}");
            assert!(body.frame().await.is_some_and(|f| f.is_err()), "stays cut");
        }
    }

    #[tokio::test]
    async fn a_steady_body_is_read_whole() {
        let (tx, inner) = channel_body();
        let reason = CutReason::default();
        let body = GuardedBody::new(
            inner,
            limits(2_000, 60_000),
            CancellationToken::new().cancelled_owned(),
            reason.clone(),
        );
        tokio::spawn(async move {
            for _ in 0..20 {
                tx.send(Bytes::from_static(b"ab")).await.unwrap();
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        });
        let all = body.collect().await.unwrap().to_bytes();
        assert_eq!(all.len(), 40);
        assert_eq!(reason.get(), None);
    }
}
