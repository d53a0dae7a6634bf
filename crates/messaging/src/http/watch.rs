//! A stream wrapper that lets a request tell its stages apart from outside hyper:
//! - it records when the client last wrote, so the wait for the response starts when the
//!   request was sent, and a stall while sending is told apart from a stall while waiting;
//! - it notices a write the peer does not take (the request is still being sent);
//! - it counts what the server sent, so a response head cut off for its size can be told
//!   apart from one that is malformed;
//! - it keeps the first bytes the server sent, so an answer in TLS to a plain-HTTP request can
//!   be recognised.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// How many of the first received bytes are kept.
const FIRST_BYTES: usize = 3;

/// Shared view of what happened on the connection so far.
#[derive(Clone, Debug)]
pub(super) struct ConnectionWatch(Arc<Shared>);

#[derive(Debug)]
struct Shared {
    origin: Instant,
    written: AtomicU64,
    received: AtomicU64,
    last_write_nanos: AtomicU64,
    write_blocked: AtomicBool,
    first_bytes: [std::sync::atomic::AtomicU8; FIRST_BYTES],
    first_count: AtomicUsize,
}

impl ConnectionWatch {
    fn new() -> ConnectionWatch {
        ConnectionWatch(Arc::new(Shared {
            origin: Instant::now(),
            written: AtomicU64::new(0),
            received: AtomicU64::new(0),
            last_write_nanos: AtomicU64::new(0),
            write_blocked: AtomicBool::new(false),
            first_bytes: Default::default(),
            first_count: AtomicUsize::new(0),
        }))
    }

    /// When the client last wrote anything, if it has.
    pub(super) fn last_write(&self) -> Option<Instant> {
        match self.0.last_write_nanos.load(Ordering::Relaxed) {
            0 => None,
            nanos => Some(self.0.origin + Duration::from_nanos(nanos)),
        }
    }

    /// Bytes written so far (TLS records included on an https connection).
    pub(super) fn written(&self) -> u64 {
        self.0.written.load(Ordering::Relaxed)
    }

    /// Bytes received so far (TLS records included on an https connection).
    pub(super) fn received(&self) -> u64 {
        self.0.received.load(Ordering::Relaxed)
    }

    /// True while the peer does not take what the client writes.
    pub(super) fn write_blocked(&self) -> bool {
        self.0.write_blocked.load(Ordering::Relaxed)
    }

    /// True when the first bytes received look like a TLS record (handshake or alert) rather
    /// than the `HTTP/` of a status line.
    pub(super) fn received_tls(&self) -> bool {
        let count = self.0.first_count.load(Ordering::Relaxed);
        if count < 2 {
            return false;
        }
        let content_type = self.0.first_bytes[0].load(Ordering::Relaxed);
        let major_version = self.0.first_bytes[1].load(Ordering::Relaxed);
        matches!(content_type, 0x15 | 0x16) && major_version == 0x03
    }

    fn record_write(&self, count: usize) {
        self.0.written.fetch_add(count as u64, Ordering::Relaxed);
        let nanos = u64::try_from(self.0.origin.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.0
            .last_write_nanos
            .store(nanos.max(1), Ordering::Relaxed);
    }

    fn record_read(&self, received: &[u8]) {
        (self.0.received).fetch_add(received.len() as u64, Ordering::Relaxed);
        let mut count = self.0.first_count.load(Ordering::Relaxed);
        for byte in received {
            if count >= FIRST_BYTES {
                break;
            }
            self.0.first_bytes[count].store(*byte, Ordering::Relaxed);
            count += 1;
        }
        self.0.first_count.store(count, Ordering::Relaxed);
    }

    fn set_blocked<T>(&self, poll: &Poll<T>) {
        self.0
            .write_blocked
            .store(poll.is_pending(), Ordering::Relaxed);
    }
}

/// Wraps a stream and records what [`ConnectionWatch`] reports.
#[derive(Debug)]
pub(super) struct WatchedStream<S> {
    inner: S,
    watch: ConnectionWatch,
}

impl<S> WatchedStream<S> {
    /// Wraps `inner`; the returned watch follows every read and write.
    pub(super) fn new(inner: S) -> (Self, ConnectionWatch) {
        let watch = ConnectionWatch::new();
        let stream = WatchedStream {
            inner,
            watch: watch.clone(),
        };
        (stream, watch)
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for WatchedStream<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = &poll
            && let Some(received) = buf.filled().get(before..)
        {
            self.watch.record_read(received);
        }
        poll
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for WatchedStream<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.watch.set_blocked(&poll);
        if let Poll::Ready(Ok(count)) = &poll
            && *count > 0
        {
            self.watch.record_write(*count);
        }
        poll
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.watch.set_blocked(&poll);
        if let Poll::Ready(Ok(count)) = &poll
            && *count > 0
        {
            self.watch.record_write(*count);
        }
        poll
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let poll = Pin::new(&mut self.inner).poll_flush(cx);
        self.watch.set_blocked(&poll);
        poll
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn a_tls_alert_is_recognised_among_the_first_bytes() {
        let (client, mut server) = tokio::io::duplex(1024);
        server
            .write_all(&[0x15, 0x03, 0x03, 0x00, 0x02])
            .await
            .unwrap();
        let (mut watched, watch) = WatchedStream::new(client);

        let mut buf = [0u8; 1];
        watched.read_exact(&mut buf).await.unwrap();
        watched.read_exact(&mut buf).await.unwrap();

        assert!(watch.received_tls());
    }

    #[tokio::test]
    async fn an_http_status_line_is_not_taken_for_tls() {
        let (client, mut server) = tokio::io::duplex(1024);
        server.write_all(b"HTTP/1.1 200 OK\r\n").await.unwrap();
        let (mut watched, watch) = WatchedStream::new(client);

        let mut buf = [0u8; 8];
        watched.read_exact(&mut buf).await.unwrap();

        assert!(!watch.received_tls());
    }

    #[tokio::test]
    async fn writes_are_counted_and_timed() {
        let (client, _server) = tokio::io::duplex(1024);
        let (mut watched, watch) = WatchedStream::new(client);
        assert_eq!(watch.last_write(), None);

        watched.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();

        assert_eq!(watch.written(), 16);
        assert!(watch.last_write().is_some());
        assert!(!watch.write_blocked());
    }
}
