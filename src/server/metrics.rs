//! The server's counters, written out in the Prometheus text format (version 0.0.4) for
//! `GET /metrics`: requests by route and status, a latency histogram by route, documents
//! checked, requests in flight and refused for load.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Histogram {
    /// Per bucket (not cumulative; summed when written), and one for +Inf.
    counts: [u64; BUCKETS.len() + 1],
    sum: f64,
    count: u64,
}

#[derive(Default)]
pub struct Metrics {
    /// One lock per request, held for a few map updates: cheaper than a sharded design at the
    /// rates a two-core server reaches, and exact.
    by_route: Mutex<Routes>,
    pub documents: AtomicU64,
    pub in_flight: AtomicU64,
}

#[derive(Default)]
struct Routes {
    requests: BTreeMap<(&'static str, &'static str, u16), u64>,
    latency: BTreeMap<&'static str, Histogram>,
}

impl Metrics {
    pub fn record(&self, method: &'static str, route: &'static str, status: u16, seconds: f64) {
        let Ok(mut r) = self.by_route.lock() else {
            return;
        };
        *r.requests.entry((route, method, status)).or_default() += 1;
        let h = r.latency.entry(route).or_default();
        let i = BUCKETS
            .iter()
            .position(|&b| seconds <= b)
            .unwrap_or(BUCKETS.len());
        if let Some(c) = h.counts.get_mut(i) {
            *c += 1;
        }
        h.sum += seconds;
        h.count += 1;
    }

    pub fn add_documents(&self, n: u64) {
        self.documents.fetch_add(n, Ordering::Relaxed);
    }

    /// The text of `GET /metrics`.
    pub fn render(&self) -> String {
        let mut s = String::new();
        s.push_str(
            "# HELP samstyr_http_requests_total Requests answered, by route, method and status.\n",
        );
        s.push_str("# TYPE samstyr_http_requests_total counter\n");
        if let Ok(r) = self.by_route.lock() {
            for ((route, method, status), n) in &r.requests {
                let _ = writeln!(
                    s,
                    "samstyr_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {n}"
                );
            }
            s.push_str("# HELP samstyr_http_request_duration_seconds Time to answer a request, by route.\n");
            s.push_str("# TYPE samstyr_http_request_duration_seconds histogram\n");
            for (route, h) in &r.latency {
                let mut cumulative = 0;
                for (b, c) in BUCKETS.iter().zip(h.counts.iter()) {
                    cumulative += c;
                    let _ = writeln!(
                        s,
                        "samstyr_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{b}\"}} {cumulative}"
                    );
                }
                let _ = writeln!(
                    s,
                    "samstyr_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                    h.count
                );
                let _ = writeln!(
                    s,
                    "samstyr_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                    h.sum
                );
                let _ = writeln!(
                    s,
                    "samstyr_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                    h.count
                );
            }
        }
        s.push_str("# HELP samstyr_documents_checked_total Documents read and validated (and judged, for check and report).\n");
        s.push_str("# TYPE samstyr_documents_checked_total counter\n");
        let _ = writeln!(
            s,
            "samstyr_documents_checked_total {}",
            self.documents.load(Ordering::Relaxed)
        );
        s.push_str("# HELP samstyr_http_requests_in_flight Requests being handled.\n");
        s.push_str("# TYPE samstyr_http_requests_in_flight gauge\n");
        let _ = writeln!(
            s,
            "samstyr_http_requests_in_flight {}",
            self.in_flight.load(Ordering::Relaxed)
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative_and_end_in_the_count() {
        let m = Metrics::default();
        m.record("GET", "/healthz", 200, 0.0001);
        m.record("GET", "/healthz", 200, 0.003);
        m.record("POST", "/v1/check", 422, 20.0);
        m.add_documents(3);
        let text = m.render();
        assert!(text.contains(
            "samstyr_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 2"
        ));
        assert!(text.contains(
            "samstyr_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.0005\"} 1"
        ));
        assert!(text.contains(
            "samstyr_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.005\"} 2"
        ));
        assert!(text.contains(
            "samstyr_http_request_duration_seconds_bucket{route=\"/v1/check\",le=\"10\"} 0"
        ));
        assert!(text.contains(
            "samstyr_http_request_duration_seconds_bucket{route=\"/v1/check\",le=\"+Inf\"} 1"
        ));
        assert!(text.contains("samstyr_documents_checked_total 3"));
    }
}
