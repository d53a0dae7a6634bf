//! A stream wrapper that watches and guards the connection for the send path:
//! - it records when the client last wrote (a new command), so a step's timeout can restart
//!   for each command of a multi-command step, and a timeout can be pinned to the right stage
//!   ("no greeting" versus "no answer to EHLO") even inside one library call;
//! - it notices when the server closes its side;
//! - it hands received data upwards one line at a time, so nothing the server sends after the
//!   reply to STARTTLS can sit in lettre's read buffer and be taken, after the TLS upgrade, as a
//!   protected reply (those bytes reach the TLS handshake instead, which refuses them);
//! - it stops a server that floods the console with replies: after [`MAX_RECEIVED_BYTES`]
//!   reads fail, so memory stays bounded whatever the server sends within the timeout.

use lettre::transport::smtp::client::AsyncTokioStream;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Most bytes a whole SMTP session may receive (replies are a few kilobytes; a TLS handshake
/// with a long chain some tens).
pub const MAX_RECEIVED_BYTES: u64 = 1024 * 1024;
const READ_CHUNK: usize = 4096;

/// Shared view of what happened on the connection so far.
#[derive(Clone, Debug)]
pub struct StreamWatch(Arc<Shared>);

#[derive(Debug)]
struct Shared {
    origin: Instant,
    written: AtomicU64,
    last_write_nanos: AtomicU64,
    closed_by_peer: AtomicBool,
    flooded: AtomicBool,
}

impl StreamWatch {
    fn new() -> StreamWatch {
        StreamWatch(Arc::new(Shared {
            origin: Instant::now(),
            written: AtomicU64::new(0),
            last_write_nanos: AtomicU64::new(0),
            closed_by_peer: AtomicBool::new(false),
            flooded: AtomicBool::new(false),
        }))
    }

    /// Bytes written so far.
    pub fn written(&self) -> u64 {
        self.0.written.load(Ordering::Relaxed)
    }

    /// When the client last wrote anything, if it has.
    pub fn last_write(&self) -> Option<Instant> {
        match self.0.last_write_nanos.load(Ordering::Relaxed) {
            0 => None,
            nanos => Some(self.0.origin + Duration::from_nanos(nanos)),
        }
    }

    /// True once a read found the end of the stream: the server closed the connection.
    pub fn closed_by_peer(&self) -> bool {
        self.0.closed_by_peer.load(Ordering::Relaxed)
    }

    /// True when the server sent more than [`MAX_RECEIVED_BYTES`].
    pub fn flooded(&self) -> bool {
        self.0.flooded.load(Ordering::Relaxed)
    }

    fn record_write(&self, count: usize) {
        self.0.written.fetch_add(count as u64, Ordering::Relaxed);
        let nanos = u64::try_from(self.0.origin.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.0
            .last_write_nanos
            .store(nanos.max(1), Ordering::Relaxed);
    }
}

/// Wraps a stream and records what [`StreamWatch`] reports.
#[derive(Debug)]
pub struct WatchedStream<S> {
    inner: S,
    peer: SocketAddr,
    watch: StreamWatch,
    received: u64,
    pending: Vec<u8>,
    pending_start: usize,
}

impl<S> WatchedStream<S> {
    /// Wraps `inner`, connected to `peer`; the returned watch follows every read and write.
    pub fn new(inner: S, peer: SocketAddr) -> (Self, StreamWatch) {
        let watch = StreamWatch::new();
        let stream = WatchedStream {
            inner,
            peer,
            watch: watch.clone(),
            received: 0,
            pending: Vec::new(),
            pending_start: 0,
        };
        (stream, watch)
    }

    /// Moves buffered bytes into `buf`, up to and including the next line feed.
    fn hand_out_one_line(&mut self, buf: &mut ReadBuf<'_>) {
        let available = &self.pending[self.pending_start..];
        let line_end = available
            .iter()
            .position(|byte| *byte == b'\n')
            .map_or(available.len(), |index| index + 1);
        let count = line_end.min(buf.remaining());
        buf.put_slice(&available[..count]);
        self.pending_start += count;
        if self.pending_start == self.pending.len() {
            self.pending.clear();
            self.pending_start = 0;
        }
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
        let this = &mut *self;
        if this.pending.is_empty() {
            let mut chunk = [0u8; READ_CHUNK];
            let mut chunk_buf = ReadBuf::new(&mut chunk);
            match Pin::new(&mut this.inner).poll_read(cx, &mut chunk_buf) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
                Poll::Ready(Ok(())) => {
                    let received = chunk_buf.filled();
                    if received.is_empty() {
                        this.watch.0.closed_by_peer.store(true, Ordering::Relaxed);
                        return Poll::Ready(Ok(()));
                    }
                    this.received += received.len() as u64;
                    if this.received > MAX_RECEIVED_BYTES {
                        this.watch.0.flooded.store(true, Ordering::Relaxed);
                        return Poll::Ready(Err(std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            "the server sent more than the console accepts in one session",
                        )));
                    }
                    this.pending.extend_from_slice(received);
                }
            }
        }
        this.hand_out_one_line(buf);
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for WatchedStream<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(count)) = &poll
            && *count > 0
        {
            self.watch.record_write(*count);
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

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

    fn peer() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 25))
    }

    #[tokio::test]
    async fn data_after_a_line_stays_below_the_reader_s_buffer() {
        let (client, mut server) = tokio::io::duplex(64 * 1024);
        server
            .write_all(b"220 go ahead\r\n250 injected\r\n")
            .await
            .unwrap();
        let (watched, _watch) = WatchedStream::new(client, peer());
        let mut reader = BufReader::new(watched);

        let mut line = String::new();
        reader.read_line(&mut line).await.unwrap();

        assert_eq!(line, "220 go ahead\r\n");
        assert!(
            reader.buffer().is_empty(),
            "the next reply must not be buffered above"
        );
    }

    #[tokio::test]
    async fn a_flood_of_replies_is_cut_off() {
        let (client, mut server) = tokio::io::duplex(64 * 1024);
        let (watched, watch) = WatchedStream::new(client, peer());
        let mut reader = BufReader::new(watched);
        let writer = tokio::spawn(async move {
            let line = vec![b'x'; 64 * 1024];
            while server.write_all(&line).await.is_ok() {}
        });

        let mut line = String::new();
        let outcome = reader.read_line(&mut line).await;

        assert!(outcome.is_err());
        assert!(watch.flooded());
        assert!(line.len() as u64 <= MAX_RECEIVED_BYTES);
        drop(reader);
        writer.await.unwrap();
    }

    #[tokio::test]
    async fn end_of_stream_is_noticed() {
        let (client, server) = tokio::io::duplex(1024);
        drop(server);
        let (mut watched, watch) = WatchedStream::new(client, peer());

        let mut buf = [0u8; 16];
        let count = tokio::io::AsyncReadExt::read(&mut watched, &mut buf)
            .await
            .unwrap();

        assert_eq!(count, 0);
        assert!(watch.closed_by_peer());
    }
}
