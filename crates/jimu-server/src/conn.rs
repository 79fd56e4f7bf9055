//! Connections: how `jimu serve` accepts, keeps and closes them (what `axum::serve` does, plus
//! the limits a server facing the network needs).
//!
//! - **A cap.** At most [`ConnectionLimits::max_connections`] at once. Past it, the connection
//!   idle the longest (no request in flight) is closed to make room, so connections that send
//!   nothing can never keep real clients out; when every connection has a request in flight
//!   (event streams included) the new one gets a 503 problem and is closed.
//! - **Timeouts.** A new connection must send a whole request head within the header timeout;
//!   a kept-alive one, from the first byte of its next request. A kept-alive connection with
//!   no request for the idle timeout is closed, and so is one whose client has not taken any
//!   of its answer for that long. (The request timeout, `AppState::request_timeout`, bounds
//!   the rest: a request's body and its handler.) Checked every [`tick`] or so.
//! - **Refusals hyper writes itself** (a head it cannot parse, over [`MAX_HEAD_BYTES`] or
//!   with more than [`MAX_HEADERS`] headers) are sent as problem+json, like every other
//!   refusal, instead of hyper's bare status line.
//! - **Shutdown.** The listener closes, event streams end (the `Shutdown` in the app's state),
//!   connections finish what is in flight and close; whatever is left after the grace period
//!   is dropped.

use crate::error::AppError;
use crate::limits::{MAX_HEAD_BYTES, MAX_HEADERS};
use axum::Router;
use axum::body::Body;
use http_body_util::BodyExt as _;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use std::collections::HashMap;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tower::ServiceExt as _;

/// How many connections `jimu serve` keeps, and for how long when they are idle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Open connections at most (event streams count).
    pub max_connections: usize,
    /// How long a client has to send a request head: from the connection's start, or from
    /// the first byte of its next request.
    pub header_timeout: Duration,
    /// How long a kept-alive connection may wait for its next request, and a client may
    /// leave its answer unread.
    pub idle_timeout: Duration,
}

/// `--max-connections` by default.
pub const MAX_CONNECTIONS: usize = 1024;
/// `--header-timeout` by default.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// `--idle-timeout` by default.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// How long shutdown waits for requests in flight before dropping them.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            max_connections: MAX_CONNECTIONS,
            header_timeout: HEADER_TIMEOUT,
            idle_timeout: IDLE_TIMEOUT,
        }
    }
}

/// How often a connection checks its timeouts: a quarter of the shorter one, between 50 ms
/// and 1 s. A timeout is enforced that much late at most.
fn tick(limits: &ConnectionLimits) -> Duration {
    (limits.header_timeout.min(limits.idle_timeout) / 4)
        .clamp(Duration::from_millis(50), Duration::from_secs(1))
}

/// What one connection is doing, shared by its task, its requests and the accept loop.
#[derive(Debug)]
struct Conn {
    /// Requests whose answer is not yet wholly written (an event stream stays in flight).
    in_flight: AtomicUsize,
    /// Requests started on this connection.
    started: AtomicU64,
    times: Mutex<Times>,
    /// The accept loop asks an idle connection to make room.
    evict: Notify,
}

#[derive(Debug)]
struct Times {
    /// When the connection opened or its last answer was written.
    idle_since: Instant,
    /// When the first byte of the next request came, if it did.
    first_byte: Option<Instant>,
    /// Since when writing waits for a client that does not read.
    write_blocked: Option<Instant>,
}

impl Conn {
    fn new() -> Self {
        Self {
            in_flight: AtomicUsize::new(0),
            started: AtomicU64::new(0),
            times: Mutex::new(Times {
                idle_since: Instant::now(),
                first_byte: None,
                write_blocked: None,
            }),
            evict: Notify::new(),
        }
    }

    fn times(&self) -> std::sync::MutexGuard<'_, Times> {
        self.times
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn idle(&self) -> bool {
        self.in_flight.load(Ordering::SeqCst) == 0
    }

    /// Why the connection should be closed now, if it should.
    fn expired(&self, limits: &ConnectionLimits, now: Instant) -> Option<&'static str> {
        let times = self.times();
        if times
            .write_blocked
            .is_some_and(|since| now.duration_since(since) >= limits.idle_timeout)
        {
            return Some("the client has not read its answer for the idle timeout");
        }
        if !self.idle() {
            return None;
        }
        if let Some(first) = times.first_byte {
            return (now.duration_since(first) >= limits.header_timeout)
                .then_some("the request head did not come whole within the header timeout");
        }
        let (limit, why) = if self.started.load(Ordering::SeqCst) == 0 {
            (
                limits.header_timeout,
                "no request came within the header timeout",
            )
        } else {
            (
                limits.idle_timeout,
                "no further request came within the idle timeout",
            )
        };
        (now.duration_since(times.idle_since) >= limit).then_some(why)
    }
}

/// Held from a request's start until its answer is wholly written (or dropped).
struct InFlight(Arc<Conn>);

impl InFlight {
    fn begin(conn: Arc<Conn>) -> Self {
        conn.in_flight.fetch_add(1, Ordering::SeqCst);
        conn.started.fetch_add(1, Ordering::SeqCst);
        conn.times().first_byte = None;
        Self(conn)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut times = self.0.times();
        if self.0.in_flight.fetch_sub(1, Ordering::SeqCst) == 1 {
            times.idle_since = Instant::now();
            times.first_byte = None;
        }
    }
}

/// The open connections, for the cap.
#[derive(Default)]
struct Registry {
    conns: Mutex<HashMap<u64, Arc<Conn>>>,
    next: AtomicU64,
}

impl Registry {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Conn>>> {
        self.conns
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Registers a connection, making room when the cap is reached: `None` when every
    /// connection is busy.
    fn admit(&self, max: usize) -> Option<(u64, Arc<Conn>)> {
        let mut conns = self.lock();
        if conns.len() >= max {
            let victim = conns
                .iter()
                .filter(|(_, conn)| conn.idle())
                .min_by_key(|(_, conn)| conn.times().idle_since)
                .map(|(id, conn)| (*id, conn.clone()))?;
            // Out of the count at once: its task closes it at its next poll.
            conns.remove(&victim.0);
            victim.1.evict.notify_one();
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let conn = Arc::new(Conn::new());
        conns.insert(id, conn.clone());
        Some((id, conn))
    }

    fn remove(&self, id: u64) {
        self.lock().remove(&id);
    }
}

/// Accepts connections on `listener` and serves `router` on each until `shutdown`; then
/// stops accepting, lets what is in flight finish (event streams end by themselves on the
/// same signal) and returns within [`SHUTDOWN_GRACE`].
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: crate::Shutdown,
) {
    let registry = Arc::new(Registry::default());
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .max_headers(MAX_HEADERS)
        .max_buf_size(MAX_HEAD_BYTES);
    let builder = Arc::new(builder);
    let mut tasks = tokio::task::JoinSet::new();
    let mut refused = 0u64;
    let refusing = Arc::new(tokio::sync::Semaphore::new(REFUSING_AT_ONCE));
    let mut last_warned: Option<Instant> = None;
    let mut stop = shutdown.clone();
    loop {
        tokio::select! {
            biased;
            () = stop.wait() => break,
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    let Some((id, conn)) = registry.admit(limits.max_connections) else {
                        // Every connection is busy: say so, and close (a few at a time; past
                        // that, just close).
                        if let Ok(permit) = refusing.clone().try_acquire_owned() {
                            tokio::spawn(async move {
                                refuse_busy(stream).await;
                                drop(permit);
                            });
                        }
                        refused += 1;
                        if last_warned.is_none_or(|at| at.elapsed() >= Duration::from_secs(10)) {
                            tracing::warn!(
                                max_connections = limits.max_connections,
                                refused,
                                "every connection is busy: new ones get 503 (raise --max-connections?)"
                            );
                            last_warned = Some(Instant::now());
                        }
                        continue;
                    };
                    tracing::trace!(%peer, id, "connection");
                    tasks.spawn(serve_one(
                        stream,
                        router.clone(),
                        builder.clone(),
                        conn,
                        limits,
                        shutdown.clone(),
                        registry.clone(),
                        id,
                    ));
                }
                Err(err) => {
                    // Out of file descriptors (EMFILE) and the like: wait, and go on.
                    tracing::error!(%err, "cannot accept a connection; retrying in 100 ms");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
        }
    }
    drop(listener);
    let open = tasks.len();
    tracing::info!(
        open,
        "shutting down: no new connections; finishing what is in flight"
    );
    let finished = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    if finished.is_err() {
        tracing::warn!(
            left = tasks.len(),
            "requests still in flight after the grace period are dropped"
        );
        tasks.abort_all();
    }
}

/// Connections over the cap being answered 503 at once, at most.
const REFUSING_AT_ONCE: usize = 64;

/// Answers a connection over the cap with a 503 problem and closes it, reading what the
/// client sent meanwhile (for up to a second) so the close does not reset the connection
/// before the client reads the answer.
async fn refuse_busy(mut stream: TcpStream) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        stream.write_all(&AppError::Busy.http1_bytes()).await?;
        stream.shutdown().await?;
        let mut sink = [0u8; 4096];
        for _ in 0..64 {
            if stream.read(&mut sink).await? == 0 {
                break;
            }
        }
        Ok::<_, io::Error>(())
    })
    .await;
}

/// Serves one connection until it ends, expires, is evicted, or shutdown closes it.
#[expect(
    clippy::too_many_arguments,
    reason = "one call site, each argument named"
)]
async fn serve_one(
    stream: TcpStream,
    router: Router,
    builder: Arc<auto::Builder<TokioExecutor>>,
    conn: Arc<Conn>,
    limits: ConnectionLimits,
    mut shutdown: crate::Shutdown,
    registry: Arc<Registry>,
    id: u64,
) {
    let io = TokioIo::new(Watched {
        inner: stream,
        conn: conn.clone(),
        rewrite: None,
    });
    let for_requests = conn.clone();
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let in_flight = InFlight::begin(for_requests.clone());
        let router = router.clone();
        async move {
            let response = router.oneshot(request.map(Body::new)).await?;
            // In flight until the body is wholly written or dropped.
            Ok::<_, std::convert::Infallible>(response.map(|body| {
                Body::new(body.map_frame(move |frame| {
                    let _held = &in_flight;
                    frame
                }))
            }))
        }
    });
    let connection = builder.serve_connection(io, service);
    tokio::pin!(connection);
    let mut check = tokio::time::interval(tick(&limits));
    check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut closing = false;
    loop {
        tokio::select! {
            ended = connection.as_mut() => {
                if let Err(err) = ended {
                    tracing::debug!(%err, id, "connection ended with an error");
                }
                break;
            }
            _ = check.tick() => {
                if let Some(why) = conn.expired(&limits, Instant::now()) {
                    tracing::debug!(id, why, "closing a connection");
                    break;
                }
            }
            () = conn.evict.notified() => {
                if conn.idle() {
                    tracing::debug!(id, "closing an idle connection to make room for a new one");
                    break;
                }
                // A request came first: it stays, and counts again.
                registry.lock().insert(id, conn.clone());
            }
            () = shutdown.wait(), if !closing => {
                closing = true;
                // Idle connections close now, others after their answer.
                connection.as_mut().graceful_shutdown();
            }
        }
    }
    registry.remove(id);
}

/// The TCP stream as hyper uses it, watched: when a request's bytes start to come, whether
/// the client takes its answer, and hyper's own error answers, which it rewrites.
struct Watched {
    inner: TcpStream,
    conn: Arc<Conn>,
    /// A problem+json answer being written in place of hyper's bare one, and how much of it
    /// is written; once it is whole, everything hyper still writes is dropped.
    rewrite: Option<(Vec<u8>, usize)>,
}

/// The status lines hyper writes when it cannot read a request, and what they become.
fn hyper_refusal(buf: &[u8]) -> Option<AppError> {
    let refusal = if buf.starts_with(b"HTTP/1.1 400 Bad Request\r\n") {
        AppError::Malformed
    } else if buf.starts_with(b"HTTP/1.1 414 URI Too Long\r\n") {
        AppError::UriTooLong
    } else if buf.starts_with(b"HTTP/1.1 431 Request Header Fields Too Large\r\n") {
        AppError::HeadTooLarge
    } else {
        return None;
    };
    // The router's own answers always have a content type; hyper's never do.
    let end = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(buf.len());
    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
    (!head.contains("\r\ncontent-type:")).then_some(refusal)
}

impl Watched {
    /// Writes what is left of a rewritten answer.
    fn drive_rewrite(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = &mut self.rewrite {
            let Some(rest) = bytes.get(*written..).filter(|rest| !rest.is_empty()) else {
                return Poll::Ready(Ok(()));
            };
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, rest))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
        }
        Poll::Ready(Ok(()))
    }

    /// Starts rewriting when `first` is hyper's refusal of an unreadable request.
    fn maybe_rewrite(&mut self, first: &[u8]) {
        if self.rewrite.is_none()
            && self.conn.idle()
            && let Some(refusal) = hyper_refusal(first)
        {
            let status = first.get(9..12).unwrap_or_default();
            tracing::info!(
                target: "jimu_server::access",
                status = %String::from_utf8_lossy(status),
                "request refused before routing"
            );
            self.rewrite = Some((refusal.http1_bytes(), 0));
        }
    }

    fn note_write<T>(&self, poll: &Poll<io::Result<T>>) {
        let mut times = self.conn.times();
        match poll {
            Poll::Pending => {
                times.write_blocked.get_or_insert_with(Instant::now);
            }
            Poll::Ready(_) => times.write_blocked = None,
        }
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before && self.conn.idle()
        {
            self.conn
                .times()
                .first_byte
                .get_or_insert_with(Instant::now);
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.maybe_rewrite(buf);
        if self.rewrite.is_some() {
            let polled = self.drive_rewrite(cx);
            self.note_write(&polled);
            ready!(polled)?;
            return Poll::Ready(Ok(buf.len()));
        }
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.note_write(&polled);
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if let Some(first) = bufs.iter().find(|b| !b.is_empty()) {
            self.maybe_rewrite(first);
        }
        if self.rewrite.is_some() {
            let polled = self.drive_rewrite(cx);
            self.note_write(&polled);
            ready!(polled)?;
            return Poll::Ready(Ok(bufs.iter().map(|b| b.len()).sum()));
        }
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.note_write(&polled);
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drive_rewrite(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drive_rewrite(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hyper_s_bare_refusals_are_rewritten() {
        let bare =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        assert!(matches!(hyper_refusal(bare), Some(AppError::HeadTooLarge)));
        let bare = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n";
        assert!(matches!(hyper_refusal(bare), Some(AppError::Malformed)));
        let ours = b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json\r\n\r\n{}";
        assert!(hyper_refusal(ours).is_none());
        assert!(hyper_refusal(b"HTTP/1.1 200 OK\r\n\r\n").is_none());
    }

    #[test]
    fn a_connection_expires_by_what_it_is_doing() {
        let limits = ConnectionLimits {
            max_connections: 2,
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
        };
        let conn = Arc::new(Conn::new());
        let start = conn.times().idle_since;
        let at = |secs| start + Duration::from_secs(secs);
        // New and silent: the header timeout.
        assert!(conn.expired(&limits, at(9)).is_none());
        assert!(conn.expired(&limits, at(11)).is_some());
        // A request in flight never expires by itself (the request timeout bounds it)…
        let request = InFlight::begin(conn.clone());
        assert!(conn.expired(&limits, at(1000)).is_none());
        drop(request);
        // …and after it, the idle timeout applies.
        let idle = conn.times().idle_since;
        assert!(
            conn.expired(&limits, idle + Duration::from_secs(30))
                .is_none()
        );
        assert!(
            conn.expired(&limits, idle + Duration::from_secs(61))
                .is_some()
        );
        // Part of a head: the header timeout again, from its first byte.
        conn.times().first_byte = Some(idle);
        assert!(
            conn.expired(&limits, idle + Duration::from_secs(11))
                .is_some()
        );
    }

    #[test]
    fn past_the_cap_the_longest_idle_connection_makes_room() {
        let registry = Registry::default();
        let (first, _) = registry.admit(2).unwrap();
        let (_, busy) = registry.admit(2).unwrap();
        let _request = InFlight::begin(busy.clone());
        let (third, _) = registry.admit(2).unwrap();
        let open: Vec<u64> = registry.lock().keys().copied().collect();
        assert!(!open.contains(&first) && open.contains(&third), "{open:?}");
        // Now both are busy or newer: the third goes only if idle, and it is.
        let _third_request = InFlight::begin(registry.lock()[&third].clone());
        assert!(registry.admit(2).is_none());
    }
}
