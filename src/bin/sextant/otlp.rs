//! `sextant monitor --otlp-endpoint URL`: the latest window's gauges pushed as
//! OpenTelemetry metrics over OTLP/HTTP (protobuf), with the OpenTelemetry Rust SDK.
//!
//! Each push has a meter provider of its own: a gauge keeps every attribute set it was ever
//! recorded with, and a window that has passed (or a group, or a gate, no longer there)
//! must not be pushed again with its old value.

use opentelemetry::metrics::{Gauge, MeterProvider as _};
use opentelemetry::KeyValue;
use opentelemetry_otlp::{MetricExporter, Protocol, WithExportConfig};
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::Resource;
use sextant::report::{gauges, GAUGE_FAMILIES};
use sextant::MonitorReport;

use crate::CliError;

/// Pushes to one OTLP/HTTP endpoint.
pub struct OtlpPush {
    endpoint: String,
}

impl OtlpPush {
    /// A pusher to `endpoint` (the full URL, such as `http://127.0.0.1:4318/v1/metrics`),
    /// checked by building an exporter once.
    ///
    /// # Errors
    /// An endpoint that is not an `http://` URL (TLS is not built in), or that the exporter
    /// refuses.
    pub fn new(endpoint: &str) -> Result<Self, CliError> {
        let host = endpoint.strip_prefix("http://").unwrap_or_default();
        if host.is_empty() || host.starts_with('/') {
            return Err(sextant::Error::invalid_option(
                "otlp_endpoint",
                format!("\"{endpoint}\" is not an http:// URL with a host, such as http://127.0.0.1:4318/v1/metrics (OTLP/HTTP without TLS)"),
            )
            .into());
        }
        exporter(endpoint)?;
        Ok(OtlpPush { endpoint: endpoint.to_owned() })
    }

    /// Records the latest window of `report` and exports it now.
    ///
    /// # Errors
    /// An export that fails (the endpoint does not answer, or refuses the request).
    pub fn push(&self, report: &MonitorReport) -> Result<(), CliError> {
        let resource = Resource::builder_empty().with_service_name("sextant").build();
        let provider = SdkMeterProvider::builder()
            .with_periodic_exporter(exporter(&self.endpoint)?)
            .with_resource(resource)
            .build();
        let meter = provider.meter("sextant");
        let instruments: Vec<(&str, Gauge<f64>)> = GAUGE_FAMILIES
            .iter()
            .map(|&(name, help)| (name, meter.f64_gauge(name).with_description(help).build()))
            .collect();
        for gauge in gauges(report) {
            let attributes: Vec<KeyValue> =
                gauge.labels.iter().map(|(k, v)| KeyValue::new(*k, v.clone())).collect();
            if let Some((_, instrument)) = instruments.iter().find(|(name, _)| *name == gauge.name)
            {
                instrument.record(gauge.value, &attributes);
            }
        }
        // Shutting the provider down exports what was recorded. The SDK's error does not
        // say why an export failed.
        provider.shutdown().map_err(|e| {
            failed(
                &self.endpoint,
                &format!("the collector did not take them (not answering, an error status, or too slow): {e}"),
            )
        })
    }
}

fn exporter(endpoint: &str) -> Result<MetricExporter, CliError> {
    MetricExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary)
        .with_endpoint(endpoint)
        .build()
        .map_err(|e| failed(endpoint, &e.to_string()))
}

fn failed(endpoint: &str, message: &str) -> CliError {
    CliError::Io {
        action: "push OTLP metrics to",
        path: endpoint.to_owned(),
        source: std::io::Error::other(message.to_owned()),
    }
}
