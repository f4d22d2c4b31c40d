"""Times Sextant's Tree SHAP against shap's TreeExplainer, XGBoost's own pred_contribs and
Sextant's permutation explainer, on the same models, rows and background, in one run, and
prints the ratios (issue #15's targets).

Workload (the explainer benchmark's, ../shared/notes/python-baselines.md):
make_classification(2000 rows, 12 features, 6 informative, random_state=0); rows 0..999
train, 1000..1999 test. Models: GradientBoostingClassifier(100 trees, depth 3) (Sextant reads
its skl2onnx export) and XGBClassifier(100 trees, depth 3, tree_method="exact") (Sextant reads
its save_model JSON). The 1000 test rows are explained against the first 100 training rows,
one thread everywhere (shap's C++ is single-threaded; XGBoost with nthread=1; Sextant with
RAYON_NUM_THREADS=1), and Sextant again on every core. Every timing is the best of REPEATS
runs after a warm-up; the comparison runs ROUNDS times and each tool's best round counts.

usage: python bench/compare_tree_shap.py TIMING_BINARY OUT_DIR
"""
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import shap
import xgboost as xgb
from skl2onnx import to_onnx
from sklearn.datasets import make_classification
from sklearn.ensemble import GradientBoostingClassifier

from timing import best_of, cpu_name

REPEATS = 3
ROUNDS = 3
PERMUTATION_ROWS = 20


def timed(fn):
    """The best of REPEATS timed runs of fn, after a warm-up."""
    return best_of(fn, REPEATS)


def sextant(binary, files, configs, threads):
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
    out = subprocess.run([binary, *files, *configs], env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main():
    binary, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    x, y = make_classification(n_samples=2000, n_features=12, n_informative=6, random_state=0)
    train, test = x[:1000], x[1000:]
    background = train[:100]
    columns = [f"f{i}" for i in range(12)]
    rows_csv, bg_csv = (os.path.join(out_dir, f"tree_{n}.csv") for n in ("rows", "background"))
    pd.DataFrame(test, columns=columns).to_csv(rows_csv, index=False, float_format="%.17g")
    pd.DataFrame(background, columns=columns).to_csv(bg_csv, index=False, float_format="%.17g")

    gbm = GradientBoostingClassifier(n_estimators=100, max_depth=3, random_state=0).fit(train, y[:1000])
    gbm_onnx = os.path.join(out_dir, "tree_gbm.onnx")
    with open(gbm_onnx, "wb") as f:
        f.write(to_onnx(gbm, train[:1].astype(np.float32), options={id(gbm): {"zipmap": False}}).SerializeToString())
    booster = xgb.XGBClassifier(n_estimators=100, max_depth=3, tree_method="exact", n_jobs=1, random_state=0).fit(
        pd.DataFrame(train, columns=columns), y[:1000]).get_booster()
    booster.set_param({"nthread": 1})
    xgb_json = os.path.join(out_dir, "tree_xgb.json")
    booster.save_model(xgb_json)
    test32 = pd.DataFrame(test.astype(np.float32).astype(np.float64), columns=columns)

    def shap_tree(model, output):
        e = shap.TreeExplainer(model, data=background, feature_perturbation="interventional", model_output=output)
        return lambda: np.asarray(e.shap_values(test, check_additivity=False))

    rounds = []
    for _ in range(ROUNDS):
        r = {}
        configs = ["tree:interventional:raw", "tree:interventional:probability", f"permutation:{PERMUTATION_ROWS}"]
        one = sextant(binary, [gbm_onnx, rows_csv, bg_csv], configs, 1)
        every = sextant(binary, [gbm_onnx, rows_csv, bg_csv], configs[:1], os.cpu_count())
        xgb_configs = ["tree:tree_path_dependent:raw", "tree:interventional:raw"]
        xgb_one = sextant(binary, [xgb_json, rows_csv, bg_csv], xgb_configs, 1)
        for output in ("raw", "probability"):
            seconds, values = timed(shap_tree(gbm, output))
            r[f"shap_{output}"] = seconds * 1e3 / len(test)
            ours = np.array(one[f"tree:interventional:{output}"]["values"])
            r[f"diff_{output}"] = float(np.abs(ours - values).max())
            r[f"ours_{output}"] = one[f"tree:interventional:{output}"]["ms_per_row"]
        r["ours_raw_all_cores"] = every["tree:interventional:raw"]["ms_per_row"]
        r["ours_permutation"] = one[f"permutation:{PERMUTATION_ROWS}"]["ms_per_row"]
        dmatrix = xgb.DMatrix(pd.DataFrame(test, columns=columns))
        seconds, contribs = timed(lambda: booster.predict(dmatrix, pred_contribs=True))
        r["xgb_pred_contribs"] = seconds * 1e3 / len(test)
        r["ours_path_dependent"] = xgb_one["tree:tree_path_dependent:raw"]["ms_per_row"]
        r["diff_path_dependent"] = float(np.abs(np.array(xgb_one["tree:tree_path_dependent:raw"]["values"]) - contribs[:, :-1]).max())
        seconds, values = timed(shap_tree(booster, "raw"))
        r["shap_xgb_raw"] = seconds * 1e3 / len(test)
        r["ours_xgb_raw"] = xgb_one["tree:interventional:raw"]["ms_per_row"]
        rounds.append(r)
    best = {k: (max if k.startswith("diff") else min)(r[k] for r in rounds) for k in rounds[0]}
    b = best
    lines = [
        f"Machine: {cpu_name()}, {os.cpu_count()} cores; shap {shap.__version__}, xgboost {xgb.__version__}. "
        f"{len(test)} rows explained, 100 background rows, 12 features, one thread unless said; "
        f"best of {REPEATS} runs per timing, best of {ROUNDS} rounds.",
        "",
        "| model | what | reference ms/row | Sextant ms/row | Sextant speed-up | max abs difference |",
        "|---|---|---|---|---|---|",
        f"| GBM 100×depth 3 (ONNX) | interventional, raw: shap TreeExplainer | {b['shap_raw']:.4f} | {b['ours_raw']:.4f} | {b['shap_raw'] / b['ours_raw']:.1f}× | {b['diff_raw']:.1e} |",
        f"| GBM 100×depth 3 (ONNX) | interventional, probability: shap TreeExplainer | {b['shap_probability']:.4f} | {b['ours_probability']:.4f} | {b['shap_probability'] / b['ours_probability']:.1f}× | {b['diff_probability']:.1e} |",
        f"| GBM 100×depth 3 (ONNX) | Sextant's permutation explainer ({PERMUTATION_ROWS} rows) vs Sextant's Tree SHAP | {b['ours_permutation']:.4f} | {b['ours_raw']:.4f} | {b['ours_permutation'] / b['ours_raw']:.0f}× | |",
        f"| GBM 100×depth 3 (ONNX) | Sextant Tree SHAP, 1 thread vs all {os.cpu_count()} cores | {b['ours_raw']:.4f} | {b['ours_raw_all_cores']:.4f} | {b['ours_raw'] / b['ours_raw_all_cores']:.2f}× | |",
        f"| XGBoost 100×depth 3 (JSON) | path-dependent: xgboost pred_contribs | {b['xgb_pred_contribs']:.4f} | {b['ours_path_dependent']:.4f} | {b['xgb_pred_contribs'] / b['ours_path_dependent']:.1f}× | {b['diff_path_dependent']:.1e} |",
        f"| XGBoost 100×depth 3 (JSON) | interventional, raw: shap TreeExplainer | {b['shap_xgb_raw']:.4f} | {b['ours_xgb_raw']:.4f} | {b['shap_xgb_raw'] / b['ours_xgb_raw']:.1f}× | |",
    ]
    table = "\n".join(lines) + "\n"
    print(table)
    with open(os.path.join(out_dir, "tree-shap-vs-python.md"), "w") as f:
        f.write(table)


if __name__ == "__main__":
    main()
