//! Generates the bundled demo data deterministically from fixed seeds:
//! `datasets/demo/loans.csv`, 20,000 synthetic loan decisions with an injected disparity, and
//! `datasets/demo/loans_log.csv`, a year of 24,000 decisions with their times, for
//! `sextant monitor`, in which a new model from September on is harsher on women.
//!
//! Run `cargo run --example generate_demo` to rewrite the files; `tests/demo_data.rs`
//! checks that the committed files are exactly what this generator makes.
//!
//! The story: each applicant has a true repayment probability driven by a credit score
//! and income, and their label `repaid` is drawn from it. The model's `score` sees the
//! same signal with noise, **plus an injected penalty for applicants under 25** (−0.9 on
//! the logit scale) and a smaller one for women (−0.25), which their repayment does not
//! justify. `approved` is `score >= 0.5`.

use std::fmt::Write;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

/// Rows in the demo.
pub const ROWS: usize = 20_000;
/// The generator's seed.
pub const SEED: u64 = 20_261_126;
/// Rows in the decision log.
pub const LOG_ROWS: usize = 24_000;
/// The decision log's seed.
pub const LOG_SEED: u64 = 20_261_130;
/// 2025-01-01T00:00:00Z and 2025-09-01T00:00:00Z, in Unix seconds.
const YEAR_START: i64 = 1_735_689_600;
const NEW_MODEL: i64 = 1_756_684_800;
/// Seconds in 2025.
const YEAR: i64 = 365 * 86_400;

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The demo CSV, header included.
pub fn demo_csv() -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let mut out =
        String::from("applicant_id,sex,age_group,income_k,credit_score,repaid,score,approved\n");
    for id in 0..ROWS {
        let _ = writeln!(out, "{id},{}", applicant(&mut rng, 0.25));
    }
    out
}

/// The decision log, header included: a decision time (RFC 3339, uniform over 2025, in no
/// order) before each applicant. From September a new model's penalty for women is −0.8.
pub fn log_csv() -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(LOG_SEED);
    let mut out = String::from(
        "decided_at,applicant_id,sex,age_group,income_k,credit_score,repaid,score,approved\n",
    );
    for id in 0..LOG_ROWS {
        let at = YEAR_START + rng.random_range(0..YEAR);
        let penalty = if at >= NEW_MODEL { 0.8 } else { 0.25 };
        let time = chrono::DateTime::from_timestamp(at, 0).unwrap_or_default();
        let time = time.format("%Y-%m-%dT%H:%M:%SZ");
        let _ = writeln!(out, "{time},{id},{}", applicant(&mut rng, penalty));
    }
    out
}

/// One applicant's columns after the id, with `female_penalty` on the model's logit.
fn applicant(rng: &mut ChaCha8Rng, female_penalty: f64) -> String {
    let noise = Normal::<f64>::new(0.0, 0.6).unwrap_or_else(|_| unreachable!("valid normal"));
    let credit = Normal::<f64>::new(0.0, 1.0).unwrap_or_else(|_| unreachable!("valid normal"));
    let sex = if rng.random::<f64>() < 0.48 { "female" } else { "male" };
    let age_draw = rng.random::<f64>();
    let age_group = if age_draw < 0.2 {
        "<25"
    } else if age_draw < 0.75 {
        "25-45"
    } else {
        ">45"
    };
    let age_income: f64 = match age_group {
        "<25" => 28.0,
        "25-45" => 52.0,
        _ => 58.0,
    };
    let income_k = (age_income + 18.0 * credit.sample(rng)).max(8.0).round();
    let z = credit.sample(rng);
    let credit_score = (650.0 + 80.0 * z).clamp(300.0, 850.0).round();
    let true_logit = 0.4 + 1.3 * z + 0.015 * (income_k - 50.0);
    let repaid = u8::from(rng.random::<f64>() < sigmoid(true_logit));
    let mut model_logit = true_logit + noise.sample(rng) - 0.5;
    if age_group == "<25" {
        model_logit -= 0.9;
    }
    if sex == "female" {
        model_logit -= female_penalty;
    }
    let score = (sigmoid(model_logit) * 10_000.0).round() / 10_000.0;
    let approved = u8::from(score >= 0.5);
    format!("{sex},{age_group},{income_k},{credit_score},{repaid},{score:.4},{approved}")
}

#[allow(dead_code)] // the demo-data test includes this file for `demo_csv` only
fn main() -> std::io::Result<()> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/demo/loans.csv");
    std::fs::write(path, demo_csv())?;
    println!("wrote {path} ({ROWS} rows)");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/demo/loans_log.csv");
    std::fs::write(path, log_csv())?;
    println!("wrote {path} ({LOG_ROWS} rows)");
    Ok(())
}
