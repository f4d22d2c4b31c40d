//! `sextant monitor --serve ADDR`: an HTTP endpoint that serves the latest exposition at
//! `/metrics` (tiny_http, one thread), as Prometheus scrapes it.

use std::io::Read;
use std::sync::{Arc, Mutex};

use tiny_http::{Header, Method, Response, Server};

use crate::CliError;

/// The exposition served, replaced as windows are updated.
pub type Exposition = Arc<Mutex<String>>;

/// Content types: OpenMetrics when the scraper accepts it, else Prometheus text 0.0.4 (the
/// same lines; `# EOF` reads as a comment there).
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Starts serving `exposition` at `address` on a thread of its own; the address bound (the
/// port the system chose for port 0).
///
/// # Errors
/// An address that cannot be bound.
pub fn serve(address: &str, exposition: Exposition) -> Result<String, CliError> {
    let server = Server::http(address).map_err(|e| CliError::Io {
        action: "listen on",
        path: address.to_owned(),
        source: std::io::Error::other(e.to_string()),
    })?;
    let bound = server.server_addr().to_ip().map_or_else(|| address.to_owned(), |a| a.to_string());
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let openmetrics = request.headers().iter().any(|h| {
                h.field.equiv("Accept") && h.value.as_str().contains("application/openmetrics-text")
            });
            let readable = matches!(request.method(), Method::Get | Method::Head);
            let response = match request.url().split('?').next() {
                Some(_) if !readable => typed(
                    Response::from_string("method not allowed: read the gauges with GET\n")
                        .with_status_code(405),
                    TEXT,
                ),
                Some("/metrics") => {
                    let body = exposition.lock().map(|e| e.clone()).unwrap_or_default();
                    let kind = if openmetrics { OPENMETRICS } else { PROMETHEUS_TEXT };
                    typed(Response::from_string(body), kind)
                }
                Some("/") => typed(
                    Response::from_string("sextant monitor: the gauges are at /metrics\n"),
                    TEXT,
                ),
                _ => typed(
                    Response::from_string("not found: the gauges are at /metrics\n")
                        .with_status_code(404),
                    TEXT,
                ),
            };
            // A scraper that hangs up early is not an error of the monitor.
            let _ = request.respond(response);
        }
    });
    Ok(bound)
}

const TEXT: &str = "text/plain; charset=utf-8";

fn typed<R: Read>(response: Response<R>, content_type: &str) -> Response<R> {
    match Header::from_bytes("Content-Type", content_type) {
        Ok(header) => response.with_header(header),
        Err(()) => response,
    }
}
