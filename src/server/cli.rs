//! `samstyr serve`: load the rule set once (an invalid one exits 2 before anything is bound) and
//! answer HTTP requests with it until SIGTERM or SIGINT ([`crate::server`]).

use crate::diag::render;
use crate::server::{Config, Limits, State};
use crate::service::Exit;
use crate::service::RulesArgs;
use std::net::SocketAddr;
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on; port 0 takes a free port (the address bound is printed)
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "IP:PORT")]
    pub addr: SocketAddr,
    #[command(flatten)]
    pub rules: RulesArgs,
    /// Allow browsers on this origin (e.g. `https://skjema.example.no`) to call the API
    #[arg(long, value_name = "ORIGIN", value_parser = parse_origin)]
    pub cors: Option<String>,
    /// No request log on standard error
    #[arg(long, short)]
    pub quiet: bool,
    /// Waivers (unntak) applied to every check, read once at start (docs/waivers.md)
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<std::path::PathBuf>,
    /// Requests handled at once; more are answered 503 with `Retry-After`
    #[arg(long, default_value_t = Limits::default().concurrent, value_name = "N")]
    pub max_concurrent: usize,
    /// Largest body of `POST /v1/report`, in bytes
    #[arg(long, default_value_t = Limits::default().report_bytes, value_name = "BYTES")]
    pub max_report_bytes: usize,
    /// Seconds a client may take to send a request's headers
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    pub header_timeout: u64,
    /// Seconds a client may take to send a request's body
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    pub body_timeout: u64,
    /// Seconds a request may take, body included
    #[arg(long, default_value_t = 120, value_name = "SECONDS")]
    pub request_timeout: u64,
}

fn parse_origin(s: &str) -> Result<String, String> {
    let ok = s.split_once("://").is_some_and(|(scheme, rest)| {
        matches!(scheme, "http" | "https")
            && !rest.is_empty()
            && !rest.contains(['/', ' ', ','])
            && axum::http::HeaderValue::from_str(s).is_ok()
    });
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "`{s}` is not an origin; write it as `https://host` or `https://host:port`"
        ))
    }
}

pub fn run(args: &Args) -> Exit {
    let color = crate::service::stderr_color();
    let (rules, files) = match crate::service::load_rules_and_files(&args.rules) {
        Ok(x) => x,
        Err(d) => {
            eprint!("{}", render(&d.0, color));
            return Exit::Invalid;
        }
    };
    // An invalid waiver file, like an invalid rule set, stops the server before it binds.
    let waivers = match crate::service::load_waivers(&rules, args.waivers.as_deref(), &[]) {
        Ok(w) => w,
        Err(d) => {
            eprint!("{}", render(&d.0, color));
            return Exit::Invalid;
        }
    };
    let limits = Limits {
        concurrent: args.max_concurrent.max(1),
        report_bytes: args.max_report_bytes,
        header_timeout: Duration::from_secs(args.header_timeout.max(1)),
        body_timeout: Duration::from_secs(args.body_timeout.max(1)),
        request_timeout: Duration::from_secs(args.request_timeout.max(1)),
        ..Limits::default()
    };
    let config = Config {
        addr: args.addr,
        quiet: args.quiet,
        cors: args.cors.clone(),
        limits,
    };
    match crate::server::serve(State::new(rules, files, config).with_waivers(waivers)) {
        Ok(()) => Exit::Ok,
        Err(e) => {
            eprintln!("samstyr: cannot serve on {}: {e}", args.addr);
            Exit::Invalid
        }
    }
}
