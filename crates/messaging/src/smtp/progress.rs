//! A stream wrapper that counts the bytes the client has written, so a timeout can be pinned
//! to the right stage ("no greeting" versus "no answer to EHLO") even inside one library call.

use lettre::transport::smtp::client::AsyncTokioStream;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Shared view of how much the client has sent so far.
#[derive(Clone, Debug, Default)]
pub struct WriteCounter(Arc<AtomicU64>);

impl WriteCounter {
    /// Bytes written so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Wraps a stream and counts what is written through it.
#[derive(Debug)]
pub struct CountingStream<S> {
    inner: S,
    peer: SocketAddr,
    written: WriteCounter,
}

impl<S> CountingStream<S> {
    /// Wraps `inner`, connected to `peer`; the returned counter follows every write.
    pub fn new(inner: S, peer: SocketAddr) -> (Self, WriteCounter) {
        let written = WriteCounter::default();
        (CountingStream { inner, peer, written: written.clone() }, written)
    }
}

impl<S> AsyncTokioStream for CountingStream<S>
where
    S: AsyncRead + AsyncWrite + Send + Sync + Unpin + std::fmt::Debug,
{
    fn peer_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.peer)
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for CountingStream<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for CountingStream<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(count)) = &poll {
            self.written.0.fetch_add(*count as u64, Ordering::Relaxed);
        }
        poll
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
