//! The first request head of each connection, checked before hyper sees it.
//!
//! hyper answers a head it cannot parse (a NUL byte in a header, a header larger
//! than its buffer) with an empty-bodied 400 or 431, which breaks kotae's promise
//! that every refusal is a JSON error. So the accept loop reads the first head
//! itself (within the head timeout), answers those two cases in the JSON error
//! shape and closes; any other head is handed to hyper untouched, replayed from
//! [`Replay`]. Later requests on a kept-alive connection are hyper's alone.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};

/// Largest request head accepted, in bytes.
pub const MAX_HEAD: usize = 64 * 1024;

/// What reading the first head found.
pub enum Head<S> {
    /// A head hyper can parse: the stream, with the bytes read so far replayed.
    Ready(Replay<S>),
    /// The client closed, or sent no complete head in time: close.
    Gone,
}

/// Reads the first request head of `stream` (or as much as arrives within
/// `timeout`), answering a JSON 431 for a head over [`MAX_HEAD`] and a JSON 400 for
/// one with a byte no HTTP header may hold.
pub async fn first_head<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    timeout: Duration,
) -> Head<S> {
    let mut read = Vec::with_capacity(4096);
    let complete = tokio::time::timeout(timeout, async {
        let mut chunk = [0u8; 4096];
        loop {
            if head_end(&read).is_some() || read.len() > MAX_HEAD {
                return true;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return false,
                Ok(n) => read.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await
    .unwrap_or(false);
    if !complete {
        return Head::Gone;
    }
    let head_len = head_end(&read).unwrap_or(read.len());
    let refusal = if head_len > MAX_HEAD {
        Some((
            "431 Request Header Fields Too Large",
            "headers_too_large",
            "the request headers are too large",
        ))
    } else if read[..head_len]
        .iter()
        .any(|&b| b == 0 || (b < 0x20 && b != b'\r' && b != b'\n' && b != b'\t') || b == 0x7f)
    {
        Some((
            "400 Bad Request",
            "invalid_header",
            "the request head holds a byte no header may hold",
        ))
    } else {
        None
    };
    match refusal {
        Some((status, code, message)) => {
            let body = format!(r#"{{"error":{{"code":"{code}","message":"{message}"}}}}"#);
            let response = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
            let _ = stream.shutdown().await;
            Head::Gone
        }
        None => Head::Ready(Replay {
            prefix: read,
            at: 0,
            inner: stream,
        }),
    }
}

/// Where the head ends (after its blank line), if it has ended.
fn head_end(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4)
}

/// A stream whose first bytes were already read: they are read again first.
pub struct Replay<S> {
    prefix: Vec<u8>,
    at: usize,
    inner: S,
}

impl<S: AsyncRead + Unpin> AsyncRead for Replay<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if self.at < self.prefix.len() {
            let n = (self.prefix.len() - self.at).min(buf.remaining());
            let start = self.at;
            buf.put_slice(&self.prefix[start..start + n]);
            self.at += n;
            if self.at == self.prefix.len() {
                self.prefix = Vec::new();
                self.at = 0;
            }
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Replay<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
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

    async fn answer_to(request: &[u8]) -> (bool, String) {
        let (mut client, server) = tokio::io::duplex(256 * 1024);
        client.write_all(request).await.unwrap();
        let head = first_head(server, Duration::from_secs(2)).await;
        let ready = match head {
            Head::Ready(mut replay) => {
                let mut replayed = vec![0u8; request.len()];
                replay.read_exact(&mut replayed).await.unwrap();
                assert_eq!(replayed, request);
                true
            }
            Head::Gone => false,
        };
        drop(client.shutdown().await);
        let mut response = String::new();
        let _ = client.read_to_string(&mut response).await;
        (ready, response)
    }

    #[tokio::test]
    async fn a_valid_head_is_replayed_to_hyper_untouched() {
        let (ready, response) = answer_to(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n").await;
        assert!(ready);
        assert!(response.is_empty());
    }

    #[tokio::test]
    async fn a_nul_byte_in_a_header_gets_a_json_400() {
        let (ready, response) = answer_to(b"GET / HTTP/1.1\r\nx-a: b\0c\r\n\r\n").await;
        assert!(!ready);
        assert!(response.starts_with("HTTP/1.1 400"), "{response}");
        assert!(response.contains(r#""code":"invalid_header""#));
    }

    #[tokio::test]
    async fn a_huge_head_gets_a_json_431() {
        let mut request = b"GET / HTTP/1.1\r\nx-big: ".to_vec();
        request.extend(std::iter::repeat_n(b'a', MAX_HEAD + 10));
        request.extend_from_slice(b"\r\n\r\n");
        let (ready, response) = answer_to(&request).await;
        assert!(!ready);
        assert!(response.starts_with("HTTP/1.1 431"), "{response}");
    }
}
