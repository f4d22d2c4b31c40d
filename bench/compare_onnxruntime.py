"""Times `sextant predict` against onnxruntime on the same models and 1e6 rows, in one run.

For each model (the fixtures in tests/fixtures/models, plus ../shared/reference/adult's
models when present) it writes a CSV of 1e6 random rows, then times
  * sextant:      `sextant predict --model M --data rows.csv` end to end (CSV in, CSV out);
  * onnxruntime:  session.run on the rows already in a float32 numpy array (inference only);
  * onnxruntime end to end: pandas.read_csv + session.run + DataFrame.to_csv.
It checks that both give the same scores (1e-4 relative; onnxruntime computes in float32) and prints a markdown table with the ratios.

usage: python bench/compare_onnxruntime.py SEXTANT_BINARY OUT_DIR
"""
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import onnxruntime as ort
import pandas as pd

ROWS = 1_000_000


def median_time(fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def models():
    fixtures = "tests/fixtures/models"
    for name in ["gb_classifier", "random_forest", "gb_regressor", "mlp", "normalized_ridge"]:
        yield name, os.path.join(fixtures, f"{name}.onnx")
    shared = "../shared/reference/adult"
    for name in ["logreg", "gbc"]:
        path = os.path.join(shared, f"{name}.onnx")
        if os.path.exists(path):
            yield f"adult_{name}", path


def main():
    binary, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    lines = ["| model | features | sextant predict s (CSV→CSV) | onnxruntime s (inference only) | onnxruntime + pandas s (CSV→CSV) | end-to-end speed-up |",
             "|---|---|---|---|---|---|"]
    for name, path in models():
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        n_features = session.get_inputs()[0].shape[1]
        data_path = os.path.join(out_dir, f"rows_{n_features}.csv")
        if not os.path.exists(data_path):
            rng = np.random.default_rng(0)
            pd.DataFrame(rng.normal(size=(ROWS, n_features)).astype(np.float32),
                         columns=[f"f{i}" for i in range(n_features)]).to_csv(data_path, index=False)
        frame = pd.read_csv(data_path)
        x = frame.to_numpy(np.float32)
        outputs = [o.name for o in session.get_outputs()]
        wanted = "probabilities" if "probabilities" in outputs else outputs[0]
        column = 1 if wanted == "probabilities" else 0

        ort_s = median_time(lambda: session.run([wanted], {session.get_inputs()[0].name: x}), 3)

        def ort_end_to_end():
            f = pd.read_csv(data_path)
            scores = session.run([wanted], {session.get_inputs()[0].name: f.to_numpy(np.float32)})[0]
            f["score"] = scores[:, column] if scores.ndim == 2 else scores
            f.to_csv(os.path.join(out_dir, "ort_out.csv"), index=False)
        ort_e2e_s = median_time(ort_end_to_end, 1)

        sextant_out = os.path.join(out_dir, "sextant_out.csv")
        command = [binary, "predict", "--model", path, "--data", data_path, "--output-file", sextant_out]
        sextant_s = median_time(lambda: subprocess.run(command, check=True, capture_output=True), 3)

        ours = pd.read_csv(sextant_out)["score"].to_numpy()
        theirs = session.run([wanted], {session.get_inputs()[0].name: x})[0]
        theirs = theirs[:, column] if theirs.ndim == 2 else theirs.ravel()
        diff = np.max(np.abs(ours - theirs) / np.maximum(1.0, np.abs(theirs)))
        if diff > 1e-4:  # onnxruntime computes in float32, Sextant in float64
            sys.exit(f"{name}: scores differ from onnxruntime by {diff}")
        lines.append(f"| {name} | {n_features} | {sextant_s:.2f} | {ort_s:.2f} | {ort_e2e_s:.2f} | {ort_e2e_s / sextant_s:.1f}x |")
        print(lines[-1], file=sys.stderr)
    text = "\n".join(lines) + f"\n\n{ROWS:,} rows; onnxruntime {ort.__version__} with one intra-op thread; scores agree to 1e-4 relative (onnxruntime computes in float32, Sextant in float64).\n"
    print(text)
    with open(os.path.join(out_dir, "predict-vs-onnxruntime.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
