//! Property tests of the mergeable state and the metrics: merging equals counting the union,
//! row order never matters, ratios stay in [0, 1], and the group table agrees with a
//! hand-split computation.

use proptest::prelude::*;
use sextant::{compute, Confusion, GroupCounts, Rate, UndefinedPolicy};

const COLUMNS: [&str; 2] = ["sex", "race"];
const SEXES: [&str; 2] = ["F", "M"];
const RACES: [&str; 3] = ["A", "B", "C"];

/// A row: (sex index, race index, label, prediction).
type Row = (usize, usize, bool, bool);

fn rows(max: usize) -> impl Strategy<Value = Vec<Row>> {
    prop::collection::vec((0..SEXES.len(), 0..RACES.len(), any::<bool>(), any::<bool>()), 1..max)
}

fn count(rows: &[Row]) -> GroupCounts {
    let mut state = GroupCounts::new(COLUMNS.iter().map(|c| (*c).to_owned()).collect());
    for &(s, r, label, pred) in rows {
        prop_assert_ok(state.add_row(&[SEXES[s], RACES[r]], label, pred));
    }
    state
}

fn prop_assert_ok(result: sextant::Result<()>) {
    assert!(result.is_ok(), "{result:?}");
}

fn groups_of(state: &GroupCounts, indices: &[usize]) -> Vec<Confusion> {
    state.marginal(indices).into_values().collect()
}

proptest! {
    #[test]
    fn merging_two_states_equals_counting_the_union(a in rows(60), b in rows(60)) {
        let mut merged = count(&a);
        prop_assert!(merged.merge(&count(&b)).is_ok());
        let union: Vec<Row> = a.iter().chain(&b).copied().collect();
        prop_assert_eq!(merged, count(&union));
    }

    #[test]
    fn row_order_never_matters(rows in rows(80), seed in any::<u64>()) {
        let mut shuffled = rows.clone();
        // A deterministic permutation from the seed (Fisher–Yates with an LCG).
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            shuffled.swap(i, (x >> 33) as usize % (i + 1));
        }
        prop_assert_eq!(count(&rows), count(&shuffled));
    }

    #[test]
    fn ratios_stay_in_the_unit_interval(rows in rows(80), compat in any::<bool>()) {
        let state = count(&rows);
        let policy = if compat { UndefinedPolicy::FairlearnCompat } else { UndefinedPolicy::Strict };
        for indices in [&[0][..], &[1], &[0, 1]] {
            let metrics = compute(&groups_of(&state, indices), &state.overall(), policy);
            metrics.map(|path, leaf| {
                if let Ok(v) = leaf {
                    assert!(v.is_finite(), "{path} = {v}");
                    if path.contains("ratio") {
                        assert!((0.0..=1.0).contains(v), "{path} = {v}");
                    } else {
                        assert!(*v >= 0.0, "{path} = {v}");
                    }
                }
            });
        }
    }

    #[test]
    fn group_table_matches_a_hand_split(rows in rows(80)) {
        let state = count(&rows);
        for (key, counts) in state.marginal(&[0]) {
            let sex = SEXES.iter().position(|s| *s == key[0]).unwrap_or(usize::MAX);
            let mine: Vec<&Row> = rows.iter().filter(|r| r.0 == sex).collect();
            let selected = mine.iter().filter(|r| r.3).count();
            let positives: Vec<&&Row> = mine.iter().filter(|r| r.2).collect();
            let hits = positives.iter().filter(|r| r.3).count();
            prop_assert_eq!(counts.count(), mine.len() as u64);
            prop_assert_eq!(counts.rate(Rate::SelectionRate), Some(selected as f64 / mine.len() as f64));
            let tpr = (!positives.is_empty()).then(|| hits as f64 / positives.len() as f64);
            prop_assert_eq!(counts.rate(Rate::Tpr), tpr);
        }
    }
}
