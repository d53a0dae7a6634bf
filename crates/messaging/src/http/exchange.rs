//! One HTTP/1.1 exchange over an open connection (plain or TLS): hyper's client connection
//! sends the request and parses the response head within bounded buffers; the body is read up
//! to [`MAX_BODY_BYTES`] and the rest left unread.

use super::failure::Attempt;
use super::outcome::{HttpReply, HttpStage};
use super::watch::ConnectionWatch;
use super::{MAX_BODY_BYTES, MAX_HEAD_BYTES};
use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderMap, HeaderName};
use std::future::Future;
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::time::{Duration, Instant};

/// hyper's read buffer: room for the largest head, and body data in pieces of this size.
const READ_BUFFER_BYTES: usize = 32 * 1024;

/// Sends `message` over `io`, connected to `address`, and reads the reply.
pub(super) async fn exchange<T>(
    io: T,
    message: hyper::Request<Full<Bytes>>,
    address: SocketAddr,
    watch: &ConnectionWatch,
    attempt: &Attempt<'_>,
) -> Result<HttpReply, super::HttpFailure>
where
    T: hyper::rt::Read + hyper::rt::Write + Unpin,
{
    let written_before = watch.written();
    // Until the whole request has gone out, a stall or an error belongs to sending it.
    let stage_now = || {
        if watch.written() == written_before || watch.write_blocked() {
            HttpStage::SendRequest
        } else {
            HttpStage::ResponseHead
        }
    };
    let (mut sender, connection) = hyper::client::conn::http1::Builder::new()
        .title_case_headers(true)
        .max_header_size(MAX_HEAD_BYTES)
        .max_buf_size(READ_BUFFER_BYTES)
        .handshake::<T, Full<Bytes>>(io)
        .await
        .map_err(|error| attempt.exchange_failure(HttpStage::SendRequest, &error, watch))?;
    let mut connection = pin!(connection);
    let mut finished = false;

    let sending = alongside(
        connection.as_mut(),
        &mut finished,
        sender.send_request(message),
    );
    let response = match within_after_writes(attempt.timeout(), watch, sending).await {
        None => return Err(attempt.timed_out(stage_now())),
        Some(Err(error)) => return Err(attempt.exchange_failure(stage_now(), &error, watch)),
        Some(Ok(response)) => response,
    };

    let (head, body) = response.into_parts();
    let reading = alongside(connection.as_mut(), &mut finished, read_body(body));
    let (bytes, body_truncated) = match tokio::time::timeout(attempt.timeout(), reading).await {
        Err(_) => return Err(attempt.timed_out(HttpStage::ResponseBody)),
        Ok(Err(error)) => return Err(attempt.body_failure(&error)),
        Ok(Ok(read)) => read,
    };
    // Nothing more is sent or read: dropping the connection closes it, unread data and all.
    drop(sender);

    let reason = match head.extensions.get::<hyper::ext::ReasonPhrase>() {
        Some(phrase) => String::from_utf8_lossy(phrase.as_bytes()).into_owned(),
        None => head
            .status
            .canonical_reason()
            .unwrap_or_default()
            .to_owned(),
    };
    Ok(HttpReply {
        status: head.status.as_u16(),
        reason,
        content_type: header_text(&head.headers, header::CONTENT_TYPE),
        location: header_text(&head.headers, header::LOCATION),
        body: String::from_utf8_lossy(&bytes).into_owned(),
        body_truncated,
        address,
        elapsed_ms: attempt.elapsed_ms(),
    })
}

/// Runs `work` while driving `connection`, the future that moves the bytes for it.
async fn alongside<C, W>(mut connection: Pin<&mut C>, finished: &mut bool, work: W) -> W::Output
where
    C: Future,
    W: Future,
{
    let mut work = pin!(work);
    loop {
        tokio::select! {
            biased;
            output = &mut work => return output,
            // Its errors reach `work` too (hyper hands them to the pending request or body).
            _ = connection.as_mut(), if !*finished => *finished = true,
        }
    }
}

/// Runs `step` for at most `limit` after it started or after the client last wrote,
/// whichever is later: sending the request may take `limit` without progress, and the wait
/// for the response gets the whole `limit` once the request is out. `None` when it ran out.
async fn within_after_writes<T>(
    limit: Duration,
    watch: &ConnectionWatch,
    step: impl Future<Output = T>,
) -> Option<T> {
    let started = Instant::now();
    let mut step = pin!(step);
    loop {
        let last_write = watch.last_write();
        let since = last_write.filter(|at| *at > started).unwrap_or(started);
        let deadline = tokio::time::Instant::from_std(since) + limit;
        tokio::select! {
            biased;
            value = &mut step => return Some(value),
            _ = tokio::time::sleep_until(deadline) => {
                if watch.last_write() == last_write {
                    return None;
                }
            }
        }
    }
}

/// Reads the body up to [`MAX_BODY_BYTES`]; true when there was more (left unread).
async fn read_body(mut body: Incoming) -> Result<(Vec<u8>, bool), hyper::Error> {
    let mut collected = Vec::new();
    while let Some(frame) = body.frame().await {
        // Trailers carry nothing the caller needs.
        let Ok(data) = frame?.into_data() else {
            continue;
        };
        let room = MAX_BODY_BYTES.saturating_sub(collected.len());
        if data.len() > room {
            collected.extend_from_slice(data.get(..room).unwrap_or_default());
            return Ok((collected, true));
        }
        collected.extend_from_slice(&data);
    }
    Ok((collected, false))
}

/// A response header as text (invalid UTF-8 replaced).
fn header_text(headers: &HeaderMap, name: HeaderName) -> Option<String> {
    headers
        .get(name)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}
