//! A stream wrapper that watches the connection for the failure classifier: how many bytes the
//! client has written (so a timeout is pinned to the right stage, "no greeting" versus "no
//! answer to EHLO", even inside one library call) and whether the server closed its side.

use lettre::transport::smtp::client::AsyncTokioStream;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Shared view of what happened on the connection so far.
#[derive(Clone, Debug, Default)]
pub struct StreamWatch {
    written: Arc<AtomicU64>,
    closed_by_peer: Arc<AtomicBool>,
}

impl StreamWatch {
    /// Bytes written so far.
    pub fn written(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }

    /// True once a read found the end of the stream: the server closed the connection.
    pub fn closed_by_peer(&self) -> bool {
        self.closed_by_peer.load(Ordering::Relaxed)
    }
}

/// Wraps a stream and records what [`StreamWatch`] reports.
#[derive(Debug)]
pub struct WatchedStream<S> {
    inner: S,
    peer: SocketAddr,
    watch: StreamWatch,
}

impl<S> WatchedStream<S> {
    /// Wraps `inner`, connected to `peer`; the returned watch follows every read and write.
    pub fn new(inner: S, peer: SocketAddr) -> (Self, StreamWatch) {
        let watch = StreamWatch::default();
        (
            WatchedStream {
                inner,
                peer,
                watch: watch.clone(),
            },
            watch,
        )
    }
}

impl<S> AsyncTokioStream for WatchedStream<S>
where
    S: AsyncRead + AsyncWrite + Send + Sync + Unpin + std::fmt::Debug,
{
    fn peer_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.peer)
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
            && buf.filled().len() == before
            && buf.remaining() > 0
        {
            self.watch.closed_by_peer.store(true, Ordering::Relaxed);
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
        if let Poll::Ready(Ok(count)) = &poll {
            self.watch
                .written
                .fetch_add(*count as u64, Ordering::Relaxed);
        }
        poll
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
