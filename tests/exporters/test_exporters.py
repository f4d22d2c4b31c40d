"""`sextant monitor`'s exports tested against the real things:

* a Debian `prometheus` server scrapes `sextant monitor --serve` and its HTTP query API gives
  back the gauges of the report's latest window;
* `--follow` updates the served gauges when rows of a new month are appended to the file, and
  keeps serving when the OTLP collector is down from the start (a POST is refused with 405);
* `--otlp-endpoint` pushes OTLP/HTTP protobuf to a local receiver that decodes it with the
  official OpenTelemetry protobuf definitions (PyPI `opentelemetry-proto`).

Data: the bundled decision log, datasets/demo/loans_log.csv. Run by scripts/test.sh (in
target/exporters-venv); by hand: `SEXTANT=target/debug/sextant python -m unittest
tests/exporters/test_exporters.py`.
"""

import http.server
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2

REPO = Path(__file__).resolve().parents[2]
SEXTANT = os.environ.get("SEXTANT", str(REPO / "target" / "debug" / "sextant"))
LOG = REPO / "datasets" / "demo" / "loans_log.csv"
FLAGS = ["--time", "decided_at", "--window", "1mo", "--label", "repaid", "--score", "score",
         "--sensitive", "sex", "--sensitive", "age_group", "--drift", "income_k",
         "--max-change", "demographic_parity_difference=0.05"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def report(path=LOG):
    """The JSON report of the log (exit 1: demographic parity by sex moved by more than 0.05
    since January)."""
    out = subprocess.run([SEXTANT, "monitor", str(path), *FLAGS, "--format", "json"],
                         capture_output=True, check=False)
    assert out.returncode in (0, 1), out.stderr.decode()
    return json.loads(out.stdout)


def get(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def wait_for(what, check, seconds=60):
    """Polls check() until it returns something truthy; fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = check()
            if value:
                return value
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def gauge_lines(text):
    """{series: value} of an exposition's sample lines."""
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            series, value = line.rsplit(" ", 1)
            samples[series] = float(value)
    return samples


class Serving:
    """`sextant monitor … --serve` running in the background."""

    def __init__(self, path, *extra):
        self.port = free_port()
        self.process = subprocess.Popen(
            [SEXTANT, "monitor", str(path), *FLAGS, "--serve", f"127.0.0.1:{self.port}", *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}/metrics"
        wait_for("sextant --serve", lambda: "sextant_window_rows" in get(self.url), 30)

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


class Prometheus(unittest.TestCase):
    @unittest.skipIf(shutil.which("prometheus") is None, "Debian's prometheus is not installed")
    def test_prometheus_scrapes_the_latest_window(self):
        expected = report()
        latest = expected["windows"][-1]
        serving = Serving(LOG)
        scratch = Path(tempfile.mkdtemp())
        config = scratch / "prometheus.yml"
        config.write_text(
            "global:\n  scrape_interval: 1s\nscrape_configs:\n"
            f"  - job_name: sextant\n    static_configs:\n      - targets: ['127.0.0.1:{serving.port}']\n")
        port = free_port()
        prometheus = subprocess.Popen(
            ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={scratch / 'data'}",
             f"--web.listen-address=127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            def query(expression):
                url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": expression})
                result = json.loads(get(url))["data"]["result"]
                return result

            rows = wait_for("Prometheus to scrape sextant", lambda: query("sextant_window_rows"), 90)
            self.assertEqual(rows[0]["metric"]["window_start"], latest["start"])
            self.assertEqual(float(rows[0]["value"][1]), latest["rows"])
            self.assertEqual(rows[0]["metric"]["job"], "sextant")
            psi = query('sextant_drift{column="score",statistic="psi"}')
            self.assertAlmostEqual(float(psi[0]["value"][1]), latest["drift"]["score"]["psi"], places=12)
            dpd = query('sextant_fairness{attribute="sex",metric="demographic_parity_difference",'
                        'aggregate="between_groups"}')
            sex = next(a for a in latest["attributes"] if a["attribute"] == "sex")
            self.assertAlmostEqual(float(dpd[0]["value"][1]),
                                   sex["metrics"]["demographic_parity_difference"]["between_groups"], places=12)
            failed = query('sextant_gate_failed{kind="change",attribute="sex"}')
            self.assertEqual(float(failed[0]["value"][1]), 1.0)
            # The scrape itself succeeded: Prometheus parsed the whole exposition.
            self.assertEqual(float(query('up{job="sextant"}')[0]["value"][1]), 1.0)
        finally:
            prometheus.terminate()
            prometheus.wait(10)
            serving.stop()
            shutil.rmtree(scratch, ignore_errors=True)


class Follow(unittest.TestCase):
    def test_appended_rows_update_the_served_windows(self):
        scratch = Path(tempfile.mkdtemp())
        lines = LOG.read_text().splitlines(keepends=True)
        header, rows = lines[0], lines[1:]
        before = [r for r in rows if r < "2025-12"]
        december = [r for r in rows if r >= "2025-12"]
        log = scratch / "log.csv"
        log.write_text(header + "".join(before))
        serving = Serving(log, "--follow")
        try:
            first = gauge_lines(get(serving.url))
            self.assertIn('sextant_window_rows{window_start="2025-11-01T00:00:00Z"}', first)
            with log.open("a") as f:
                f.write("".join(december))
            expected = report(LOG)["windows"][-1]
            series = f'sextant_window_rows{{window_start="{expected["start"]}"}}'
            updated = wait_for("the December window", lambda: series in gauge_lines(get(serving.url))
                               and gauge_lines(get(serving.url)), 30)
            self.assertEqual(updated[series], expected["rows"])
        finally:
            serving.stop()
            shutil.rmtree(scratch, ignore_errors=True)


    def test_a_collector_down_at_the_start_leaves_the_gauges_served(self):
        down = f"http://127.0.0.1:{free_port()}/v1/metrics"
        serving = Serving(LOG, "--follow", "--otlp-endpoint", down)
        try:
            self.assertIn("sextant_window_rows", get(serving.url))
            # Only read: a POST is refused.
            request = urllib.request.Request(serving.url, data=b"", method="POST")
            with self.assertRaises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=5)
            self.assertEqual(refused.exception.code, 405)
        finally:
            serving.stop()


class Receiver(http.server.BaseHTTPRequestHandler):
    """Keeps the decoded body of every POST to /v1/metrics."""
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        request = metrics_service_pb2.ExportMetricsServiceRequest()
        request.ParseFromString(body)
        Receiver.received.append((self.path, self.headers["Content-Type"], request))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()
        self.wfile.write(metrics_service_pb2.ExportMetricsServiceResponse().SerializeToString())

    def log_message(self, *args):
        pass


class Otlp(unittest.TestCase):
    def test_otlp_push_decodes_with_the_official_protobuf_definitions(self):
        server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        endpoint = f"http://127.0.0.1:{server.server_address[1]}/v1/metrics"
        try:
            out = subprocess.run([SEXTANT, "monitor", str(LOG), *FLAGS, "--format", "json",
                                  "--otlp-endpoint", endpoint], capture_output=True, check=False)
            self.assertEqual(out.returncode, 1, out.stderr.decode())
            latest = json.loads(out.stdout)["windows"][-1]
        finally:
            server.shutdown()
            server.server_close()
        self.assertTrue(Receiver.received, "nothing was pushed")
        path, content_type, request = Receiver.received[-1]
        self.assertEqual(path, "/v1/metrics")
        self.assertEqual(content_type, "application/x-protobuf")
        resource = request.resource_metrics[0].resource
        service = {a.key: a.value.string_value for a in resource.attributes}["service.name"]
        self.assertEqual(service, "sextant")
        metrics = {m.name: m for scope in request.resource_metrics[0].scope_metrics for m in scope.metrics}
        self.assertEqual(set(metrics), {"sextant_window_rows", "sextant_fairness", "sextant_group_rate",
                                        "sextant_drift", "sextant_gate_failed"})

        def points(name):
            return {tuple(sorted((a.key, a.value.string_value) for a in p.attributes)): p.as_double
                    for p in metrics[name].gauge.data_points}

        rows = points("sextant_window_rows")
        self.assertEqual(rows[(("window_start", latest["start"]),)], latest["rows"])
        drift = points("sextant_drift")
        for statistic in ["psi", "js", "ks", "ks_pvalue", "wasserstein"]:
            key = (("column", "income_k"), ("statistic", statistic))
            self.assertAlmostEqual(drift[key], latest["drift"]["income_k"][statistic], places=12)
        sex = next(a for a in latest["attributes"] if a["attribute"] == "sex")
        female = next(g for g in sex["groups"] if g["group"] == "female")
        rates = points("sextant_group_rate")
        key = (("attribute", "sex"), ("group", "female"), ("rate", "selection_rate"))
        self.assertAlmostEqual(rates[key], female["selection_rate"], places=12)


if __name__ == "__main__":
    unittest.main()
