//! `samstyr serve`: the HTTP API, an edge of the pipeline like `cli/`.
//!
//! This module owns the network: the accept loop (hyper on tokio, one task per connection), the
//! limits and timeouts a client cannot get around, the security headers, the request log and
//! the metrics, and the routes, each a thin wrapper around the library function the CLI calls
//! for the same question ([`crate::service::evaluate_sources`] and
//! [`crate::service::render_as`], [`crate::service::json_report`],
//! [`crate::portfolio::run`]). It never evaluates anything itself, and knows no rule set.
//!
//! **Invariant:** nothing a client sends gives a 500 or stops the process: bodies are read with
//! a size limit and a deadline, every rejection is a JSON problem with the CLI's diagnostics,
//! and a panic in a handler is caught and answered 500 while the server goes on.
//!
//! **Invariant:** a request never makes the server read a file: rules and seeds are read once,
//! before the socket is bound.

mod api;
pub mod cli;
mod edge;
mod metrics;
pub mod openapi;
mod problem;

use crate::files::RuleFiles;
use crate::rules::RuleSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How the server runs: where it listens and what it allows.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    /// No request log on stderr.
    pub quiet: bool,
    /// The one origin allowed to call the API from a browser (CORS); none by default.
    pub cors: Option<String>,
    pub limits: Limits,
}

/// What one client may take of the server.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest body of `POST /v1/check` and `POST /v1/validate`: the CLI's input limit.
    pub body_bytes: usize,
    /// Largest body of `POST /v1/report` (JSONL, streamed).
    pub report_bytes: usize,
    /// Requests handled at once; more get 503 with `Retry-After`.
    pub concurrent: usize,
    /// Time to send a request's headers.
    pub header_timeout: Duration,
    /// Time to send a request's body.
    pub body_timeout: Duration,
    /// Time to answer a request, body included.
    pub request_timeout: Duration,
    /// Time given to requests in flight after SIGTERM or SIGINT.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            body_bytes: crate::input::MAX_FILE_BYTES,
            report_bytes: 256 * 1024 * 1024,
            concurrent: 512,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(120),
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// What every request shares: the rule set, loaded once, and the server's own counters.
pub struct State {
    pub rules: RuleSet,
    pub files: RuleFiles,
    pub config: Config,
    metrics: metrics::Metrics,
    permits: Arc<tokio::sync::Semaphore>,
    /// False once shutdown has begun: `/readyz` then says 503 so a balancer stops sending.
    ready: AtomicBool,
    /// The run's waivers (`serve --waivers`), applied to every `/v1/check` as `check` applies them
    /// and to every `/v1/report` as `report --waivers` does.
    pub waivers: crate::waiver::Waivers,
}

impl State {
    pub fn new(rules: RuleSet, files: RuleFiles, config: Config) -> Self {
        State {
            permits: Arc::new(tokio::sync::Semaphore::new(config.limits.concurrent.max(1))),
            rules,
            files,
            config,
            metrics: metrics::Metrics::default(),
            ready: AtomicBool::new(false),
            waivers: crate::waiver::Waivers::default(),
        }
    }

    pub fn with_waivers(mut self, waivers: crate::waiver::Waivers) -> Self {
        self.waivers = waivers;
        self
    }
}

/// Bind, print `listening on http://ADDR` on stdout (the port, when 0 was asked for, is the
/// one bound), and serve until SIGTERM or SIGINT; then stop accepting, let requests in flight
/// finish (up to the grace period) and return.
pub fn serve(state: State) -> std::io::Result<()> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()?;
    rt.block_on(run(Arc::new(state)))
}

async fn run(state: Arc<State>) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use std::io::Write;
    let listener = tokio::net::TcpListener::bind(state.config.addr).await?;
    let addr = listener.local_addr()?;
    let router = api::router(state.clone());
    let mut signal = std::pin::pin!(shutdown_signal()?);
    state.ready.store(true, Ordering::SeqCst);
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on http://{addr}")?;
        out.flush()?;
    }
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let limits = state.config.limits;
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((s, _)) => s,
                    // Out of file descriptors or a connection reset before it was accepted:
                    // the listener is fine, so wait a moment rather than spin.
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                // Answers are small and written whole: no reason to wait for more to send.
                let _ = stream.set_nodelay(true);
                let svc = hyper_util::service::TowerToHyperService::new(router.clone());
                let conn = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(limits.header_timeout)
                    .serve_connection(TokioIo::new(stream), svc);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    // A client that goes away or times out ends its connection; nothing to do.
                    let _ = conn.await;
                });
            }
            () = &mut signal => break,
        }
    }
    state.ready.store(false, Ordering::SeqCst);
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.shutdown_grace) => {}
    }
    Ok(())
}

/// SIGINT (Ctrl-C) or, on Unix, SIGTERM. The handlers are installed when this is called, not
/// when the future is first polled: a signal sent as soon as the address is printed must stop
/// the server gracefully, not kill it.
#[cfg(unix)]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    })
}

/// What the web pages (`crate::web`, mounted in the API's router) need of the server.
impl crate::web::Host for State {
    fn rules(&self) -> &RuleSet {
        &self.rules
    }
    fn files(&self) -> &RuleFiles {
        &self.files
    }
    fn waivers(&self) -> &crate::waiver::Waivers {
        &self.waivers
    }
    fn body_limit(&self) -> usize {
        self.config.limits.body_bytes
    }
}

#[cfg(not(unix))]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    })
}
