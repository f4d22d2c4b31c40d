"""Times Sextant's explainers against shap and lime on the same models, rows, background and
budget, in one run, and prints the ratios.

Workload (as ../shared/notes/python-baselines.md): make_classification(2000 rows, 12 features,
6 informative, random_state=0); rows 0..999 train, 1000..1999 test; LogisticRegression and a
100-tree depth-3 GradientBoostingClassifier, exported to ONNX for Sextant. SHAP: permutation,
max_evals 500, the first 100 training rows as background, the first 20 test rows explained.
LIME: LimeTabularExplainer(train), 5000 samples, the same 20 rows. Python explains through
sklearn's predict_proba (the usual way); Sextant through the ONNX export of the same model.
Sextant runs single-threaded (RAYON_NUM_THREADS=1) and on every core. Every timing is the
best of REPEATS runs after a warm-up run, for Python and Sextant alike (the timing binary does
the same in-process): shared machines are noisy. The comparison runs ROUNDS times, the tools
one after the other; the "best" row of each model takes each tool's best round.

usage: python bench/compare_explainers.py TIMING_BINARY OUT_DIR
"""
import json
import os
import subprocess
import sys

import lime.lime_tabular
import numpy as np
import pandas as pd
import shap
from skl2onnx import to_onnx
from sklearn.datasets import make_classification
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

from timing import best_of, cpu_name

ROWS = 20
REPEATS = 7
# Rounds of timing both tools, one after the other: the shared machine switches between two
# speeds from time to time, and each tool's best round is its time at the faster one.
ROUNDS = 5


def timed(fn):
    """The best of REPEATS timed runs of fn, after a warm-up."""
    return best_of(fn, REPEATS)


def python_shap(model, background, rows):
    masker = shap.maskers.Independent(background, max_samples=100)
    explainer = shap.PermutationExplainer(lambda x: model.predict_proba(x)[:, 1], masker)

    def run():
        np.random.seed(0)
        return explainer(rows, max_evals=500, silent=True).values

    return timed(run)


def python_lime(model, train, rows):
    explainer = lime.lime_tabular.LimeTabularExplainer(train, mode="classification", random_state=0)

    def run():
        return [explainer.explain_instance(r, model.predict_proba, num_features=train.shape[1], num_samples=5000)
                for r in rows]

    return timed(run)


def sextant(binary, files, threads):
    """The timing binary's report (it times each explainer as `timed` does)."""
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
    out = subprocess.run([binary, *files], env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main():
    binary, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    x, y = make_classification(n_samples=2000, n_features=12, n_informative=6, random_state=0)
    train, test = x[:1000], x[1000:]
    columns = [f"f{i}" for i in range(12)]
    files = {}
    for name, data in [("rows", test[:ROWS]), ("background", train[:100]), ("train", train)]:
        files[name] = os.path.join(out_dir, f"explain_{name}.csv")
        pd.DataFrame(data, columns=columns).to_csv(files[name], index=False, float_format="%.17g")
    models = {
        "logistic": LogisticRegression(max_iter=1000).fit(train, y[:1000]),
        "gbm-100trees-depth3": GradientBoostingClassifier(n_estimators=100, max_depth=3, random_state=0).fit(train, y[:1000]),
    }
    lines = [
        f"Machine: {cpu_name()}, {os.cpu_count()} cores; shap {shap.__version__}, lime 0.2.0.1. "
        f"Per explained row, {ROWS} rows, 12 features; {ROUNDS} rounds, each timing both tools, "
        "then each tool's best time over the rounds.",
        "",
        "| model | round | shap ms/row | Sextant SHAP ms/row (1 thread) | speed-up | all cores | model floor ms/row | SHAP / floor | lime ms/row | Sextant LIME ms/row | speed-up | mean abs(Sextant − shap) / mean abs(shap) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, model in models.items():
        onnx_path = os.path.join(out_dir, f"explain_{name}.onnx")
        with open(onnx_path, "wb") as f:
            f.write(to_onnx(model, train[:1].astype(np.float32), options={id(model): {"zipmap": False}}).SerializeToString())
        timing_files = [onnx_path, files["rows"], files["background"], files["train"]]
        rounds = []
        for _ in range(ROUNDS):
            one = sextant(binary, timing_files, 1)
            every = sextant(binary, timing_files, os.cpu_count())
            shap_seconds, shap_values = python_shap(model, train[:100], test[:ROWS])
            lime_seconds, _ = python_lime(model, train, test[:ROWS])
            ours = np.array(one["shap_values"])
            rounds.append({
                "shap": shap_seconds * 1e3 / ROWS,
                "ours_shap": one["shap_ms_per_row"],
                "every": every["shap_ms_per_row"],
                "floor": one["model_floor_ms_per_row"],
                "lime": lime_seconds * 1e3 / ROWS,
                "ours_lime": one["lime_ms_per_row"],
                "disagreement": np.abs(ours - shap_values).mean() / np.abs(shap_values).mean(),
            })
        best = {key: min(r[key] for r in rounds) for key in rounds[0]}
        for label, r in [*((str(i + 1), r) for i, r in enumerate(rounds)), ("**best**", best)]:
            lines.append(
                f"| {name} | {label} | {r['shap']:.2f} | {r['ours_shap']:.3f} | {r['shap'] / r['ours_shap']:.1f}× "
                f"| {r['every']:.3f} | {r['floor']:.3f} | {r['ours_shap'] / r['floor']:.2f} | {r['lime']:.2f} "
                f"| {r['ours_lime']:.3f} | {r['lime'] / r['ours_lime']:.1f}× | {r['disagreement']:.3f} |"
            )
    table = "\n".join(lines) + "\n"
    print(table)
    with open(os.path.join(out_dir, "explainers-vs-python.md"), "w") as f:
        f.write(table)


if __name__ == "__main__":
    main()
