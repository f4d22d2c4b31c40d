"""Peak memory of an audit with a model, against scoring first and auditing the scored file.

Writes a CSV of N loan applications (default 2,000,000; the demo's columns: sex, age_group,
income_k, credit_score, repaid), then runs, each as its own process with its peak resident
memory read from the kernel (wait4's ru_maxrss):
  1. `sextant audit` of a config whose model (the demo's credit model) scores the rows;
  2. `sextant predict` of the same rows into a scored CSV, then `sextant fairness` of that
     file with `--score score`.
It checks that (1) and (2) give the same `sextant.fairness/v1` JSON (apart from `source`,
the file's name, and `outcome.class`, the class a model's score is for, which only the audit
that ran the model knows), prints a markdown table with the machine it ran on, and exits 1 when the
audit's peak is not below the limit (default 64 MiB).

usage: python3 bench/audit_memory.py SEXTANT_BINARY OUT_DIR [--rows N] [--limit-mib M]
Only the Python standard library is needed.
"""
import argparse
import json
import os
import platform
import random
import subprocess
import sys
import time

MODEL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "datasets", "demo", "credit_model.json")


def write_data(path, rows, seed=7):
    rng = random.Random(seed)
    with open(path, "w") as f:
        f.write("applicant_id,sex,age_group,income_k,credit_score,repaid\n")
        for i in range(rows):
            sex = "female" if rng.random() < 0.5 else "male"
            age = rng.choice(("18-24", "25-45", "46+"))
            income = rng.randint(10, 160)
            credit = rng.randint(380, 850)
            repaid = 1 if rng.random() < 0.6 else 0
            f.write(f"{i},{sex},{age},{income},{credit},{repaid}\n")


def run(args, stdout_path):
    """Runs a command; returns (seconds, peak RSS in MiB)."""
    with open(stdout_path, "wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        stderr = process.stderr.read().decode()
        process.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"{' '.join(args)} failed ({code}): {stderr}")
    return seconds, usage.ru_maxrss / 1024.0


def without_source(path):
    with open(path) as f:
        report = json.load(f)
    report.pop("source", None)
    report["outcome"].pop("class", None)
    return report


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sextant")
    parser.add_argument("out")
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--limit-mib", type=float, default=64.0)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    data = os.path.abspath(os.path.join(args.out, "loans-big.csv"))
    write_data(data, args.rows)
    config = os.path.join(args.out, "audit-with-model.toml")
    with open(config, "w") as f:
        f.write(f'data = "{data}"\nmodel = "{os.path.abspath(MODEL)}"\nlabel = "repaid"\n'
                'threshold = 0.5\nsensitive = ["sex", "age_group", "sex&age_group"]\n'
                'bootstrap = 200\nseed = 7\n')
    flags = ["--label", "repaid", "--score", "score", "--threshold", "0.5", "--sensitive", "sex",
             "--sensitive", "age_group", "--sensitive", "sex&age_group", "--bootstrap", "200",
             "--seed", "7", "--format", "json"]
    scored = os.path.join(args.out, "loans-big-scored.csv")
    audit_json = os.path.join(args.out, "audit-with-model.json")
    fairness_json = os.path.join(args.out, "fairness-of-scored.json")
    audit = run([args.sextant, "audit", config, "--format", "json"], audit_json)
    predict = run([args.sextant, "predict", "--model", MODEL, "--data", data], scored)
    fairness = run([args.sextant, "fairness", scored, *flags], fairness_json)
    same = without_source(audit_json) == without_source(fairness_json)
    size = os.path.getsize(data) / 2**20
    lines = [
        f"Audit with a model over {args.rows:,} rows ({size:.0f} MiB of CSV), peak resident memory "
        f"per process (wait4 ru_maxrss). Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.platform()}, Python {platform.python_version()} (driver only).",
        "",
        "| run | seconds | peak MiB |",
        "|---|---:|---:|",
        f"| `sextant audit` (model scores batches into the counts) | {audit[0]:.2f} | {audit[1]:.1f} |",
        f"| `sextant predict` (scored CSV out) | {predict[0]:.2f} | {predict[1]:.1f} |",
        f"| `sextant fairness --score score` of the scored CSV | {fairness[0]:.2f} | {fairness[1]:.1f} |",
        "",
        f"Same JSON as scoring first and auditing the scored file (apart from `source` and `outcome.class`): {'yes' if same else 'NO'}.",
        f"Audit peak below {args.limit_mib:g} MiB: {'yes' if audit[1] < args.limit_mib else 'NO'}.",
    ]
    text = "\n".join(lines) + "\n"
    with open(os.path.join(args.out, "audit-memory.md"), "w") as f:
        f.write(text)
    print(text)
    for path in (data, scored):
        os.remove(path)
    if not same or audit[1] >= args.limit_mib:
        sys.exit(1)


if __name__ == "__main__":
    main()
