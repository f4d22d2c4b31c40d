"""Sextant where the data lives: DuckDB and Spark (PySpark in local mode) against the direct
audit, byte for byte (docs/engines.md).

Each test runs the `sextant` binary named by $SEXTANT on the bundled demo data
(datasets/demo/loans.csv, 20,000 rows) and compares with auditing the file directly:

* DuckDB: a Parquet copy of the CSV audits as the CSV; a `GROUP BY … COUNT(*)` over the
  Parquet file, fed to `--count-column`, audits as the raw rows (bootstrap included).
* Spark SQL: the same `GROUP BY` over the Parquet file, on a Spark DataFrame.
* Spark RDD.pipe: each partition piped through `sextant predict`, `sextant explain shap`
  (JSON lines) and `sextant count`, gathered: the same scores, the same Shapley values, and
  merged states that report exactly the whole file.

Run by scripts/test.sh (which builds a venv with duckdb and pyspark, and needs Java 17);
`SEXTANT=target/debug/sextant python -m unittest tests/engines/test_engines.py` by hand.
"""

import csv
import io
import json
import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SEXTANT = os.environ.get("SEXTANT", str(REPO / "target" / "debug" / "sextant"))
DEMO = REPO / "datasets" / "demo"
LOANS = DEMO / "loans.csv"
MODEL = DEMO / "credit_model.json"
SENSITIVE = ["--sensitive", "sex", "--sensitive", "age_group", "--sensitive", "sex&age_group"]
FLAGS = ["--label", "repaid", "--pred", "approved", *SENSITIVE,
         "--privileged", "sex=male", "--bootstrap", "200", "--seed", "3"]

GROUP_BY = """
    SELECT sex, age_group, repaid, approved, COUNT(*) AS n
    FROM loans
    GROUP BY sex, age_group, repaid, approved
"""


def sextant(*args, stdin=None):
    """Runs sextant; returns its standard output, failing the test on exit code 2."""
    out = subprocess.run([SEXTANT, *map(str, args)], input=stdin, capture_output=True)
    if out.returncode not in (0, 1):
        raise AssertionError(f"sextant {args} exited {out.returncode}: {out.stderr.decode()}")
    return out.stdout


def report(*args):
    """A fairness report as JSON, without its `source` (the input's name)."""
    document = json.loads(sextant("fairness", *args, "--format", "json"))
    document.pop("source", None)
    return document


class Engines(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = Path(tempfile.mkdtemp(prefix="sextant-engines-"))
        cls.direct = report(LOANS, *FLAGS)
        import duckdb

        cls.duck = duckdb.connect()
        cls.duck.execute(f"CREATE VIEW loans AS SELECT * FROM read_csv('{LOANS}', header = true)")
        cls.parquet = cls.dir / "loans.parquet"
        cls.duck.execute(f"COPY loans TO '{cls.parquet}' (FORMAT parquet)")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_duckdb_parquet_audits_as_the_csv(self):
        self.assertEqual(report(self.parquet, *FLAGS), self.direct)
        # Through standard input too: the format is told from the bytes.
        piped = json.loads(sextant("fairness", "-", *FLAGS, "--format", "json",
                                   stdin=self.parquet.read_bytes()))
        piped.pop("source")
        self.assertEqual(piped, self.direct)

    def test_duckdb_group_by_counts_audit_as_the_rows(self):
        counts = self.dir / "duckdb_counts.csv"
        self.duck.execute(f"COPY ({GROUP_BY.replace('FROM loans', f'FROM read_parquet({str(self.parquet)!r})')}) "
                          f"TO '{counts}' (FORMAT csv, HEADER)")
        self.assertLess(len(counts.read_text().splitlines()), 100)
        self.assertEqual(report(counts, *FLAGS, "--count-column", "n"), self.direct)
        counts_parquet = self.dir / "duckdb_counts.parquet"
        self.duck.execute(f"COPY ({GROUP_BY}) TO '{counts_parquet}' (FORMAT parquet)")
        self.assertEqual(report(counts_parquet, *FLAGS, "--count-column", "n"), self.direct)


class Spark(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        from pyspark.sql import SparkSession

        cls.dir = Path(tempfile.mkdtemp(prefix="sextant-spark-"))
        cls.direct = report(LOANS, *FLAGS)
        cls.spark = (SparkSession.builder.master("local[2]").appName("sextant-engines")
                     .config("spark.ui.enabled", "false")
                     .config("spark.ui.showConsoleProgress", "false")
                     .config("spark.sql.shuffle.partitions", "4")
                     .config("spark.driver.bindAddress", "127.0.0.1")
                     .getOrCreate())
        cls.spark.sparkContext.setLogLevel("ERROR")
        frame = cls.spark.read.csv(str(LOANS), header=True, inferSchema=True)
        cls.parquet = cls.dir / "loans.parquet"
        frame.write.parquet(str(cls.parquet))
        cls.loans = cls.spark.read.parquet(str(cls.parquet))
        cls.loans.createOrReplaceTempView("loans")
        with open(LOANS, newline="") as f:
            cls.header = f.readline().rstrip("\n")
            # Four partitions of consecutive rows, each with the header in front (what a job
            # exporting CSV per partition hands to a command).
            rows = f.read().splitlines()
        cls.rows = rows
        quarter = len(rows) // 4
        parts = [rows[i * quarter:(i + 1) * quarter if i < 3 else len(rows)] for i in range(4)]
        cls.partitions = cls.spark.sparkContext.parallelize(parts, 4).flatMap(
            lambda part, header=cls.header: [header, *part])

    @classmethod
    def tearDownClass(cls):
        cls.spark.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_spark_sql_group_by_counts_audit_as_the_rows(self):
        counts = self.spark.sql(GROUP_BY).orderBy("sex", "age_group", "repaid", "approved")
        path = self.dir / "spark_counts.csv"
        with open(path, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(counts.columns)
            writer.writerows(counts.collect())
        self.assertEqual(report(path, *FLAGS, "--count-column", "n"), self.direct)
        # Spark's own Parquet of the counts, read natively.
        counts_parquet = self.dir / "spark_counts.parquet"
        counts.coalesce(1).write.parquet(str(counts_parquet))
        part = next(counts_parquet.glob("part-*.parquet"))
        self.assertEqual(report(part, *FLAGS, "--count-column", "n"), self.direct)
        # And the Parquet file Spark wrote of the rows.
        rows_part = sorted(self.parquet.glob("part-*.parquet"))
        self.assertEqual(len(rows_part), 1)
        self.assertEqual(report(rows_part[0], *FLAGS), self.direct)

    def test_partitions_piped_through_predict_score_as_the_whole_file(self):
        piped = self.partitions.pipe(f"{SEXTANT} predict --model {MODEL} --data - --format csv").collect()
        header = piped[0]
        rows = [line for line in piped if line != header]
        whole = sextant("predict", "--model", MODEL, "--data", LOANS, "--format", "csv").decode()
        whole_lines = whole.splitlines()
        self.assertEqual(header, whole_lines[0])
        self.assertEqual(sorted(rows), sorted(whole_lines[1:]))
        self.assertEqual(len(rows), len(self.rows))

    def test_partitions_piped_through_explain_give_the_same_shapley_values(self):
        # The first 40 rows, in 4 partitions of 10, explained against one background.
        sample = self.rows[:40]
        parts = self.spark.sparkContext.parallelize([sample[i * 10:(i + 1) * 10] for i in range(4)], 4)
        lines = parts.flatMap(lambda part, header=self.header: [header, *part])
        command = (f"{SEXTANT} explain shap --model {MODEL} --data - --background {LOANS} "
                   f"--background-size 50 --format json")
        documents = [json.loads(line) for line in lines.pipe(command).collect()]
        self.assertEqual(len(documents), 4)
        gathered = [row for document in documents for row in document["rows"]]
        whole_rows = self.dir / "rows.csv"
        whole_rows.write_text("\n".join([self.header, *sample]) + "\n")
        whole = json.loads(sextant("explain", "shap", "--model", MODEL, "--data", whole_rows,
                                   "--background", LOANS, "--background-size", "50", "--format", "json"))
        self.assertEqual(gathered, whole["rows"])
        self.assertEqual(documents[0]["base_value"], whole["base_value"])

    def test_partition_states_merge_into_the_whole_report(self):
        flags = [f for f in FLAGS if f not in ("--privileged", "sex=male", "--bootstrap", "200", "--seed", "3")]
        command = " ".join([SEXTANT, "count", "-", *[f"'{f}'" for f in flags]])
        states = self.partitions.pipe(command).collect()
        self.assertEqual(len(states), 4)
        paths = []
        for i, state in enumerate(states):
            path = self.dir / f"part{i}.json"
            path.write_text(state)
            paths.append(path)
        merged = report("--from-counts", *paths, *FLAGS)
        self.assertEqual(merged, self.direct)


if __name__ == "__main__":
    unittest.main()
