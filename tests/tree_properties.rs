//! Tree SHAP against brute force on random forests (depth ≤ 5, features taking a few values
//! so that rows tie with thresholds, missing values, every default direction and, for
//! LightGBM, every missing type): interventional values equal the exact explainer's over all
//! 2^M coalitions of the trees' raw sum, and path-dependent values equal the Shapley values
//! of the cover-weighted expectation game (Lundberg et al. 2018, Algorithm 1), both to 1e-9.
//! The forests are written as XGBoost JSON and LightGBM text and read back, so the readers'
//! decision rules are what both sides walk.

use proptest::prelude::*;
use sextant::{
    explain_shap, load_model, Algorithm, FeaturePerturbation, Model, ModelOutput, NoProgress, Rows,
    ShapParams,
};

/// A random tree: a branch (feature, threshold, default_left, decision type, children) or a
/// leaf value; covers are derived.
#[derive(Debug, Clone)]
enum Tree {
    Leaf(f64),
    Branch {
        feature: usize,
        threshold: f64,
        default_left: bool,
        missing: u8,
        yes: Box<Tree>,
        no: Box<Tree>,
    },
}

fn tree(depth: u32, m: usize) -> impl Strategy<Value = Tree> {
    let leaf = (-2.0..2.0f32).prop_map(|v| Tree::Leaf(f64::from(v)));
    leaf.prop_recursive(depth, 32, 2, move |inner| {
        (
            0..m,
            prop::sample::select(vec![0.5, 1.0, 2.0]),
            any::<bool>(),
            0u8..3,
            inner.clone(),
            inner,
        )
            .prop_map(|(feature, threshold, default_left, missing, yes, no)| {
                Tree::Branch {
                    feature,
                    threshold,
                    default_left,
                    missing,
                    yes: Box::new(yes),
                    no: Box::new(no),
                }
            })
    })
}

/// Feature values: a few integers (ties with the thresholds 1.0 and 2.0), 0 and NaN.
fn value() -> impl Strategy<Value = f64> {
    prop::sample::select(vec![0.0, 1.0, 2.0, 3.0, -1.0, f64::NAN])
}

/// Each node's cover: a leaf's is 1 + |its value|, a branch's its children's sum.
fn cover(t: &Tree) -> f64 {
    match t {
        Tree::Leaf(v) => 1.0 + v.abs(),
        Tree::Branch { yes, no, .. } => cover(yes) + cover(no),
    }
}

/// XGBoost's arrays of one tree (preorder numbering).
#[derive(Default)]
struct XgbArrays {
    left: Vec<i64>,
    right: Vec<i64>,
    feature: Vec<usize>,
    condition: Vec<f64>,
    default_left: Vec<u8>,
    hessian: Vec<f64>,
}

fn xgb_node(t: &Tree, a: &mut XgbArrays) -> usize {
    let i = a.left.len();
    let c = cover(t);
    a.left.push(-1);
    a.right.push(-1);
    a.feature.push(0);
    a.condition.push(0.0);
    a.default_left.push(0);
    a.hessian.push(c);
    match t {
        Tree::Leaf(v) => a.condition[i] = *v,
        Tree::Branch { feature, threshold, default_left, yes, no, .. } => {
            a.feature[i] = *feature;
            a.condition[i] = *threshold;
            a.default_left[i] = u8::from(*default_left);
            let l = xgb_node(yes, a);
            let r = xgb_node(no, a);
            a.left[i] = l as i64;
            a.right[i] = r as i64;
        }
    }
    i
}

fn xgboost_json(trees: &[Tree], m: usize) -> String {
    let trees_json: Vec<serde_json::Value> = trees
        .iter()
        .enumerate()
        .map(|(k, t)| {
            let mut a = XgbArrays::default();
            xgb_node(t, &mut a);
            let n = a.left.len();
            serde_json::json!({
                "left_children": a.left, "right_children": a.right, "split_indices": a.feature,
                "split_conditions": a.condition, "default_left": a.default_left,
                "sum_hessian": a.hessian, "split_type": vec![0; n], "base_weights": vec![0.0; n],
                "id": k, "tree_param": {"num_nodes": n.to_string()}
            })
        })
        .collect();
    serde_json::json!({"learner": {
        "feature_names": (0..m).map(|i| format!("f{i}")).collect::<Vec<_>>(),
        "learner_model_param": {"base_score": "3E-1", "num_class": "0", "num_feature": m.to_string()},
        "objective": {"name": "binary:logistic"},
        "gradient_booster": {"name": "gbtree", "model": {"tree_info": vec![0; trees.len()], "trees": trees_json}}
    }})
    .to_string()
}

/// LightGBM's arrays of one tree: internal nodes in preorder, leaves as −(k + 1).
#[derive(Default)]
struct LgbArrays {
    feature: Vec<usize>,
    threshold: Vec<f64>,
    decision: Vec<u8>,
    left: Vec<i64>,
    right: Vec<i64>,
    internal_count: Vec<f64>,
    leaf_value: Vec<f64>,
    leaf_count: Vec<f64>,
}

fn lgb_node(t: &Tree, a: &mut LgbArrays) -> i64 {
    let c = cover(t);
    match t {
        Tree::Leaf(v) => {
            a.leaf_value.push(*v);
            a.leaf_count.push(c);
            -(a.leaf_value.len() as i64)
        }
        Tree::Branch { feature, threshold, default_left, missing, yes, no } => {
            let i = a.feature.len();
            a.feature.push(*feature);
            a.threshold.push(*threshold);
            a.decision.push((missing << 2) | (u8::from(*default_left) << 1));
            a.left.push(0);
            a.right.push(0);
            a.internal_count.push(c);
            a.left[i] = lgb_node(yes, a);
            a.right[i] = lgb_node(no, a);
            i as i64
        }
    }
}

fn lightgbm_text(trees: &[Tree], m: usize) -> String {
    let join = |v: &[String]| v.join(" ");
    let mut text = format!(
        "tree\nversion=v4\nnum_class=1\nnum_tree_per_iteration=1\nlabel_index=0\nmax_feature_idx={}\nobjective=binary sigmoid:1\nfeature_names={}\n\n",
        m - 1,
        join(&(0..m).map(|i| format!("f{i}")).collect::<Vec<_>>())
    );
    for (k, t) in trees.iter().enumerate() {
        let mut a = LgbArrays::default();
        lgb_node(t, &mut a);
        let s = |v: &[f64]| join(&v.iter().map(|x| format!("{x:?}")).collect::<Vec<_>>());
        let i = |v: &[i64]| join(&v.iter().map(ToString::to_string).collect::<Vec<_>>());
        text += &format!("Tree={k}\nnum_leaves={}\nnum_cat=0\n", a.leaf_value.len());
        if !a.feature.is_empty() {
            text += &format!(
                "split_feature={}\nthreshold={}\ndecision_type={}\nleft_child={}\nright_child={}\ninternal_count={}\n",
                join(&a.feature.iter().map(ToString::to_string).collect::<Vec<_>>()),
                s(&a.threshold),
                join(&a.decision.iter().map(ToString::to_string).collect::<Vec<_>>()),
                i(&a.left),
                i(&a.right),
                s(&a.internal_count)
            );
        }
        text += &format!(
            "leaf_value={}\nleaf_count={}\nis_linear=0\nshrinkage=1\n\n\n",
            s(&a.leaf_value),
            s(&a.leaf_count)
        );
    }
    text + "end of trees\n"
}

fn explain(
    model: &dyn Model,
    m: usize,
    x: &[f64],
    background: &[f64],
    algorithm: Algorithm,
    p: Option<FeaturePerturbation>,
) -> (f64, Vec<Vec<f64>>) {
    let names = (0..m).map(|i| format!("f{i}")).collect();
    let rows = |v: &[f64]| Rows::new(v.to_vec(), m, "rows").unwrap_or_else(|e| panic!("{e}"));
    let params = ShapParams {
        algorithm,
        feature_perturbation: p,
        model_output: Some(ModelOutput::Raw),
        ..ShapParams::default()
    };
    let e = explain_shap(model, names, &rows(x), &rows(background), &params, &mut NoProgress)
        .unwrap_or_else(|e| panic!("{e}"));
    (e.base_value, e.rows.into_iter().map(|r| r.values).collect())
}

/// The path-dependent game by its definition (Algorithm 1 of Lundberg et al. 2018), with
/// `goes_yes` the format's decision rule.
fn expectation(t: &Tree, x: &[f64], s: u32, goes_yes: &dyn Fn(&Tree, f64) -> bool) -> f64 {
    match t {
        Tree::Leaf(v) => *v,
        Tree::Branch { feature, yes, no, .. } => {
            if s >> feature & 1 == 1 {
                let next = if goes_yes(t, x[*feature]) { yes } else { no };
                expectation(next, x, s, goes_yes)
            } else {
                let (cy, cn) = (cover(yes), cover(no));
                (cy * expectation(yes, x, s, goes_yes) + cn * expectation(no, x, s, goes_yes))
                    / (cy + cn)
            }
        }
    }
}

fn brute_force_shapley(m: usize, v: &dyn Fn(u32) -> f64) -> Vec<f64> {
    let fact = |n: usize| (1..=n).map(|k| k as f64).product::<f64>();
    (0..m)
        .map(|i| {
            (0u32..1 << m)
                .filter(|s| s >> i & 1 == 0)
                .map(|s| {
                    let k = s.count_ones() as usize;
                    fact(k) * fact(m - k - 1) / fact(m) * (v(s | 1 << i) - v(s))
                })
                .sum()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn tree_shap_equals_brute_force(
        m in 2usize..6,
        trees in prop::collection::vec(tree(5, 5), 1..4),
        // 40 rows: as many rows as a leaf's table has masks (2^5), so the tables are built.
        x in prop::collection::vec(value(), 5 * 40),
        background in prop::collection::vec(value(), 5 * 7),
        lightgbm in any::<bool>(),
    ) {
        // Features past m do not exist: fold them onto the first m.
        let fold = |t: &Tree| -> Tree {
            fn go(t: &Tree, m: usize) -> Tree {
                match t {
                    Tree::Leaf(v) => Tree::Leaf(*v),
                    Tree::Branch { feature, threshold, default_left, missing, yes, no } => Tree::Branch {
                        feature: feature % m, threshold: *threshold, default_left: *default_left, missing: *missing,
                        yes: Box::new(go(yes, m)), no: Box::new(go(no, m)),
                    },
                }
            }
            go(t, m)
        };
        let trees: Vec<Tree> = trees.iter().map(fold).collect();
        let x: Vec<f64> = x.chunks(5).flat_map(|r| r[..m].to_vec()).collect();
        let x = x.as_slice();
        let background: Vec<f64> = background.chunks(5).flat_map(|r| r[..m].to_vec()).collect();
        let (bytes, name) = if lightgbm { (lightgbm_text(&trees, m), "random.txt") } else { (xgboost_json(&trees, m), "random.json") };
        let model = load_model(bytes.as_bytes(), name).unwrap_or_else(|e| panic!("{e}\n{bytes}"));

        let (tree_base, tree_values) = explain(model.as_ref(), m, x, &background, Algorithm::Tree, Some(FeaturePerturbation::Interventional));
        let (exact_base, exact_values) = explain(model.as_ref(), m, x, &background, Algorithm::Exact, None);
        prop_assert!((tree_base - exact_base).abs() < 1e-9, "base {} vs {}", tree_base, exact_base);
        for (a, b) in tree_values.iter().flatten().zip(exact_values.iter().flatten()) {
            prop_assert!((a - b).abs() < 1e-9, "interventional {:?} vs exact {:?}", tree_values, exact_values);
        }

        let goes_yes = |t: &Tree, v: f64| -> bool {
            let Tree::Branch { threshold, default_left, missing, .. } = t else { return false };
            if lightgbm {
                let v = if v.is_nan() && *missing != 2 { 0.0 } else { v };
                if (*missing == 1 && v.abs() <= f64::from(1e-35f32)) || (*missing == 2 && v.is_nan()) { return *default_left; }
                v <= *threshold
            } else if v.is_nan() { *default_left } else { v < *threshold }
        };
        let (path_base, path_values) = explain(model.as_ref(), m, x, &[], Algorithm::Tree, Some(FeaturePerturbation::TreePathDependent));
        let base_margin = if lightgbm { 0.0 } else { (0.3f64 / 0.7).ln() };
        for (row, ours) in x.chunks(m).zip(&path_values) {
            let game = |s: u32| -> f64 {
                trees.iter().map(|t| expectation(t, row, s, &goes_yes)).sum()
            };
            prop_assert!((path_base - base_margin - game(0)).abs() < 1e-9, "path-dependent base {} vs {}", path_base, game(0) + base_margin);
            let expected = brute_force_shapley(m, &game);
            for (a, b) in ours.iter().zip(&expected) {
                prop_assert!((a - b).abs() < 1e-9, "path-dependent {:?} vs brute force {:?}", ours, expected);
            }
        }
    }
}
