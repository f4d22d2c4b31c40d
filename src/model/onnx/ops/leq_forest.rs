//! The fast walk for the trees scikit-learn exports: every branch is `x <= threshold` with no
//! missing-value tracking. Shallow forests (gradient boosting) are stored complete and
//! breadth-first, every tree padded to the same depth and laid end to end, with the leaf
//! values at the bottom positions: a walk is arithmetic on a position (`2i + 1` or `2i + 2`),
//! with neither child pointers nor a branch on the node kind, and the common depths are
//! compiled with the depth fixed so that the loops unroll. Up to depth 4 every branch is
//! compared for all lanes at once instead, in explicit vectors (AVX2 where the processor has
//! it, see [`avx2`]), and a mask of the leaves each lane can still reach gives its leaf
//! (QuickScorer). Deeper forests use linked nodes. Either way [`LANES`] rows go through a
//! tree together, so their chains of loads overlap.

use wide::{f32x8, u32x8};

#[cfg(target_arch = "x86_64")]
mod avx2;

/// Rows walking one tree together.
pub const LANES: usize = 8;

/// One linked node: a leaf has an infinite threshold and itself as both children, so
/// walking past it stays put (a NaN input takes the false child, which is the leaf again).
#[derive(Debug, Clone, Copy)]
#[repr(C)]
struct Node {
    threshold: f32,
    feature: u32,
    /// `[false child, true child]`.
    children: [u32; 2],
}

/// Forests up to this depth are stored complete.
const MAX_COMPLETE_DEPTH: u32 = 10;

/// Forests up to this depth compare every branch for all lanes at once (`2^depth − 1`
/// comparisons per tree, vectorised) instead of walking each lane's path.
const MAX_COMPARED_DEPTH: u32 = 4;

/// The widest rows [`CompleteTrees::sums_compared`] transposes on the stack.
const MAX_COMPARED_COLS: usize = 64;

/// Trees stored complete, all `depth` deep: in tree `t`, branch `i` (of `2^depth − 1`) has
/// children `2i + 1` (true) and `2i + 2` (false). A leaf above the last level is a branch
/// with an infinite threshold whose subtree ends, on every side, in copies of it.
#[derive(Debug, Clone)]
struct CompleteTrees {
    depth: u32,
    /// Per tree, its branches breadth-first.
    features: Vec<u32>,
    thresholds: Vec<f32>,
    /// Per tree, the original leaf node at each of the `2^depth` bottom positions.
    leaves: Vec<u32>,
    /// The same positions' leaf values, when given.
    values: Option<Vec<f64>>,
    /// The thresholds in every lane, for forests at most [`MAX_COMPARED_DEPTH`] deep.
    lane_thresholds: Vec<f32x8>,
}

/// A forest laid out for [`LeqForest::leaves`] and [`LeqForest::sums`], with the values
/// `sums` adds up per node, when given.
#[derive(Debug, Clone)]
pub struct LeqForest(Layout, Option<Vec<f64>>);

#[derive(Debug, Clone)]
enum Layout {
    Complete(CompleteTrees),
    /// Nodes with child pointers, and per tree its root and depth.
    Linked {
        nodes: Vec<Node>,
        trees: Vec<(u32, u32)>,
    },
}

/// A branch as the ONNX attributes give it: `None` for a leaf.
pub struct Branch {
    /// The feature compared.
    pub feature: u32,
    /// The threshold, in f32 as onnxruntime compares.
    pub threshold: f32,
    /// `[false child, true child]`, as node indices.
    pub children: [u32; 2],
}

/// The depth of the tree under `root` (the most branches on a path down from it).
fn depth(nodes: &[Option<Branch>], root: usize) -> u32 {
    let (mut deepest, mut stack) = (0u32, vec![(root, 0u32)]);
    while let Some((i, d)) = stack.pop() {
        match &nodes[i] {
            Some(b) => stack.extend(b.children.map(|c| (c as usize, d + 1))),
            None => deepest = deepest.max(d),
        }
    }
    deepest
}

/// Per branch of a complete tree `depth` ≤ [`MAX_COMPARED_DEPTH`] deep (breadth-first), the
/// bottom positions still reachable when it is false: every bit but those of its true
/// (left) subtree's leaves.
fn leaves_kept_by_false_branches(depth: u32) -> [u32; (1 << MAX_COMPARED_DEPTH) - 1] {
    let mut kept = [u32::MAX; (1 << MAX_COMPARED_DEPTH) - 1];
    for level in 0..depth {
        let half = 1u32 << (depth - level - 1);
        let first = (1usize << level) - 1;
        for (k, kept) in (0u32..).zip(&mut kept[first..2 * first + 1]) {
            *kept = !(((1u32 << half) - 1) << (2 * k * half));
        }
    }
    kept
}

/// [`LANES`] rows of at most [`MAX_COMPARED_COLS`] columns, one array of lanes per column.
type Columns = [[f32; LANES]; MAX_COMPARED_COLS];

/// Room for [`LeqForest::sums`] to transpose rows in, reused from call to call of a batch
/// (rather than a fresh 2 KB zeroed for every [`LANES`] rows).
pub struct Scratch(Box<Columns>);

impl Default for Scratch {
    fn default() -> Self {
        Scratch(Box::new([[0.0; LANES]; MAX_COMPARED_COLS]))
    }
}

/// Transposes [`LANES`] rows, `cols` wide (at most [`MAX_COMPARED_COLS`]), into the first
/// `cols` of `columns`, in place: returned by value, the array would be copied once more.
fn transpose(rows: &[f32], cols: usize, columns: &mut Columns) {
    for (lane, row) in rows.chunks_exact(cols.max(1)).enumerate() {
        for (column, &x) in columns.iter_mut().zip(row) {
            column[lane] = x;
        }
    }
}

impl CompleteTrees {
    fn new(nodes: &[Option<Branch>], roots: &[usize], depth: u32, values: Option<&[f64]>) -> Self {
        let branches = (1usize << depth) - 1;
        let mut trees = CompleteTrees {
            depth,
            features: vec![0; branches * roots.len()],
            thresholds: vec![f32::INFINITY; branches * roots.len()],
            leaves: vec![0; (branches + 1) * roots.len()],
            values: None,
            lane_thresholds: Vec::new(),
        };
        for (t, &root) in roots.iter().enumerate() {
            let (first_branch, first_leaf) = (t * branches, t * (branches + 1));
            let mut stack = vec![(0usize, root)];
            while let Some((position, node)) = stack.pop() {
                if position >= branches {
                    #[allow(clippy::cast_possible_truncation)]
                    let leaf = node as u32;
                    trees.leaves[first_leaf + position - branches] = leaf;
                    continue;
                }
                let [false_child, true_child] = match &nodes[node] {
                    Some(b) => {
                        trees.features[first_branch + position] = b.feature;
                        trees.thresholds[first_branch + position] = b.threshold;
                        b.children.map(|c| c as usize)
                    }
                    None => [node, node],
                };
                stack.push((2 * position + 1, true_child));
                stack.push((2 * position + 2, false_child));
            }
        }
        if depth <= MAX_COMPARED_DEPTH {
            trees.lane_thresholds = trees.thresholds.iter().map(|&t| f32x8::splat(t)).collect();
        }
        trees.values = values.map(|v| trees.leaves.iter().map(|&leaf| v[leaf as usize]).collect());
        trees
    }

    fn n_trees(&self) -> usize {
        self.leaves.len() >> self.depth
    }

    /// The bottom positions (within tree `tree`) of [`LANES`] rows, walking `depth` levels.
    #[inline(always)]
    fn positions(&self, depth: u32, rows: &[f32], cols: usize, tree: usize) -> [u32; LANES] {
        let branches = (1usize << depth) - 1;
        let features = &self.features[tree * branches..(tree + 1) * branches];
        let thresholds = &self.thresholds[tree * branches..(tree + 1) * branches];
        let mut at = [0u32; LANES];
        for _ in 0..depth {
            for (lane, i) in at.iter_mut().enumerate() {
                let b = *i as usize;
                let x = rows[lane * cols + features[b] as usize];
                *i = 2 * *i + 2 - u32::from(x <= thresholds[b]);
            }
        }
        #[allow(clippy::cast_possible_truncation)]
        at.map(|i| i - branches as u32)
    }

    /// Per lane, the sum over the trees of the values reached, for trees at most
    /// [`MAX_COMPARED_DEPTH`] deep and rows at most [`MAX_COMPARED_COLS`] wide. Every branch
    /// is compared for all lanes at once (the lanes of one feature are contiguous after a
    /// transposition, so the comparisons vectorise), as in QuickScorer (Lucchese et al.,
    /// SIGIR 2015): each lane keeps a bit per leaf, a false branch clears the bits of the
    /// leaves left of it (its true subtree), and the leftmost leaf still set is the one the
    /// walk reaches. In AVX2 where the processor has it, else in portable vectors.
    fn sums_compared<const DEPTH: u32>(
        &self,
        values: &[f64],
        rows: &[f32],
        cols: usize,
        columns: &mut Columns,
    ) -> [f64; LANES] {
        // Columns past `cols` may hold an earlier call's rows: no feature reads them.
        transpose(rows, cols, columns);
        let columns = &*columns;
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor supports AVX2, the only requirement of the function.
            return unsafe {
                avx2::sums_compared::<DEPTH>(&self.features, &self.thresholds, values, columns)
            };
        }
        self.sums_compared_portably::<DEPTH>(values, columns)
    }

    /// [`Self::sums_compared`] in `wide`'s vectors: SSE2 on x86-64, simd128 in WebAssembly.
    fn sums_compared_portably<const DEPTH: u32>(
        &self,
        values: &[f64],
        columns: &Columns,
    ) -> [f64; LANES] {
        let columns = columns.map(f32x8::new);
        let branches = (1usize << DEPTH) - 1;
        let kept_if_false = leaves_kept_by_false_branches(DEPTH).map(u32x8::splat);
        let mut total = [0.0; LANES];
        let trees = values.chunks_exact(1 << DEPTH).zip(self.features.chunks_exact(branches));
        for ((tree_values, features), thresholds) in
            trees.zip(self.lane_thresholds.chunks_exact(branches))
        {
            let mut reachable = u32x8::splat(u32::MAX);
            for ((&f, &t), &kept) in features.iter().zip(thresholds).zip(&kept_if_false) {
                // Features are below `cols` ≤ MAX_COMPARED_COLS: the remainder never wraps,
                // and it spares a bounds check per branch.
                let column = columns[f as usize % MAX_COMPARED_COLS];
                let is_true = column.simd_le(t).to_bits();
                reachable &= is_true | kept;
            }
            for (t, r) in total.iter_mut().zip(reachable.to_array()) {
                *t += tree_values[(r.trailing_zeros() as usize) & branches];
            }
        }
        total
    }

    /// Per lane, the sum over the trees of the values reached, with the depth fixed at
    /// compile time.
    fn sums<const DEPTH: u32>(&self, values: &[f64], rows: &[f32], cols: usize) -> [f64; LANES] {
        let mut total = [0.0; LANES];
        for (tree, tree_values) in values.chunks_exact(1 << DEPTH).enumerate() {
            let at = self.positions(DEPTH, rows, cols, tree);
            for (t, i) in total.iter_mut().zip(at) {
                *t += tree_values[i as usize];
            }
        }
        total
    }
}

impl LeqForest {
    /// Lays out `nodes` (indices as in the ONNX attributes) whose trees start at `roots`;
    /// `values` (per node) are what [`Self::sums`] adds up, when given. The node indices were
    /// checked to form trees, so every walk ends at a leaf.
    pub fn new(nodes: &[Option<Branch>], roots: &[usize], values: Option<Vec<f64>>) -> Self {
        let depths: Vec<u32> = roots.iter().map(|&r| depth(nodes, r)).collect();
        match depths.iter().max() {
            Some(&deepest) if deepest <= MAX_COMPLETE_DEPTH => {
                Self::complete(nodes, roots, deepest, values)
            }
            _ => Self::linked(nodes, roots, &depths, values),
        }
    }

    fn complete(
        nodes: &[Option<Branch>],
        roots: &[usize],
        depth: u32,
        values: Option<Vec<f64>>,
    ) -> Self {
        let trees = CompleteTrees::new(nodes, roots, depth, values.as_deref());
        LeqForest(Layout::Complete(trees), values)
    }

    fn linked(
        nodes: &[Option<Branch>],
        roots: &[usize],
        depths: &[u32],
        values: Option<Vec<f64>>,
    ) -> Self {
        let linked = nodes
            .iter()
            .zip(0u32..)
            .map(|(node, i)| match node {
                Some(b) => {
                    Node { threshold: b.threshold, feature: b.feature, children: b.children }
                }
                None => Node { threshold: f32::INFINITY, feature: 0, children: [i, i] },
            })
            .collect();
        #[allow(clippy::cast_possible_truncation)]
        let trees = roots.iter().zip(depths).map(|(&r, &d)| (r as u32, d)).collect();
        LeqForest(Layout::Linked { nodes: linked, trees }, values)
    }

    /// The leaf tree `tree` sends each of [`LANES`] rows to (`rows` holds exactly that many,
    /// `cols` ≥ 1 wide, and covers every feature the trees read).
    pub fn leaves(&self, rows: &[f32], cols: usize, tree: usize) -> [u32; LANES] {
        match &self.0 {
            Layout::Complete(trees) => {
                let at = trees.positions(trees.depth, rows, cols, tree);
                let leaves = &trees.leaves[tree << trees.depth..(tree + 1) << trees.depth];
                at.map(|i| leaves[i as usize])
            }
            Layout::Linked { nodes, trees } => linked_leaves(nodes, trees[tree], rows, cols),
        }
    }

    /// For each of [`LANES`] rows, the sum over the trees of the values given to
    /// [`Self::new`] at the leaves reached, tree by tree in order (`None` without values).
    pub fn sums(&self, rows: &[f32], cols: usize, scratch: &mut Scratch) -> Option<[f64; LANES]> {
        let columns = &mut *scratch.0;
        let node_values = self.1.as_deref()?;
        let compare = cols <= MAX_COMPARED_COLS;
        Some(match &self.0 {
            Layout::Complete(trees) => match (&trees.values, trees.depth, compare) {
                (Some(v), 1, true) => trees.sums_compared::<1>(v, rows, cols, columns),
                (Some(v), 2, true) => trees.sums_compared::<2>(v, rows, cols, columns),
                (Some(v), 3, true) => trees.sums_compared::<3>(v, rows, cols, columns),
                (Some(v), 4, true) => trees.sums_compared::<4>(v, rows, cols, columns),
                (Some(v), 1, _) => trees.sums::<1>(v, rows, cols),
                (Some(v), 2, _) => trees.sums::<2>(v, rows, cols),
                (Some(v), 3, _) => trees.sums::<3>(v, rows, cols),
                (Some(v), 4, _) => trees.sums::<4>(v, rows, cols),
                (Some(v), 5, _) => trees.sums::<5>(v, rows, cols),
                (Some(v), 6, _) => trees.sums::<6>(v, rows, cols),
                _ => self.sums_by_leaf(rows, cols, node_values),
            },
            Layout::Linked { .. } => self.sums_by_leaf(rows, cols, node_values),
        })
    }

    fn sums_by_leaf(&self, rows: &[f32], cols: usize, node_values: &[f64]) -> [f64; LANES] {
        let mut total = [0.0; LANES];
        let n_trees = match &self.0 {
            Layout::Complete(trees) => trees.n_trees(),
            Layout::Linked { trees, .. } => trees.len(),
        };
        for tree in 0..n_trees {
            for (t, leaf) in total.iter_mut().zip(self.leaves(rows, cols, tree)) {
                *t += node_values[leaf as usize];
            }
        }
        total
    }
}

/// The leaves of the linked tree `(root, depth)` for [`LANES`] rows.
#[inline(always)]
fn linked_leaves(
    nodes: &[Node],
    (root, depth): (u32, u32),
    rows: &[f32],
    cols: usize,
) -> [u32; LANES] {
    let mut at = [root; LANES];
    for _ in 0..depth {
        for (lane, i) in at.iter_mut().enumerate() {
            let node = &nodes[*i as usize];
            let x = rows[lane * cols + node.feature as usize];
            *i = node.children[usize::from(x <= node.threshold)];
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    const COLS: usize = 5;

    /// Appends a random tree of at most `depth` levels to `nodes`; returns its root.
    fn random_tree(rng: &mut ChaCha8Rng, nodes: &mut Vec<Option<Branch>>, depth: u32) -> usize {
        let at = nodes.len();
        nodes.push(None);
        if depth > 0 && rng.random_bool(0.8) {
            let true_child = random_tree(rng, nodes, depth - 1);
            let false_child = random_tree(rng, nodes, depth - 1);
            #[allow(clippy::cast_possible_truncation)]
            let children = [false_child as u32, true_child as u32];
            nodes[at] = Some(Branch {
                feature: rng.random_range(0..COLS as u32),
                threshold: rng.random_range(-1.0..1.0),
                children,
            });
        }
        at
    }

    /// The leaf a row reaches, node by node.
    fn walk(nodes: &[Option<Branch>], root: usize, row: &[f32]) -> u32 {
        let mut at = root;
        while let Some(b) = &nodes[at] {
            at = b.children[usize::from(row[b.feature as usize] <= b.threshold)] as usize;
        }
        #[allow(clippy::cast_possible_truncation)]
        let leaf = at as u32;
        leaf
    }

    /// The portable compare-every-branch walk, which `sums` skips where AVX2 is present:
    /// `None` where it does not apply.
    fn portable_sums(forest: &LeqForest, rows: &[f32], cols: usize) -> Option<[f64; LANES]> {
        let (Layout::Complete(trees), true) = (&forest.0, cols <= MAX_COMPARED_COLS) else {
            return None;
        };
        let mut columns = [[0.0; LANES]; MAX_COMPARED_COLS];
        transpose(rows, cols, &mut columns);
        let values = trees.values.as_deref()?;
        Some(match trees.depth {
            1 => trees.sums_compared_portably::<1>(values, &columns),
            2 => trees.sums_compared_portably::<2>(values, &columns),
            3 => trees.sums_compared_portably::<3>(values, &columns),
            4 => trees.sums_compared_portably::<4>(values, &columns),
            _ => return None,
        })
    }

    #[test]
    fn both_layouts_reach_the_leaves_of_a_node_by_node_walk() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        // Depths 1 to 4 compare every branch (in AVX2 where the processor has it, and
        // portably), depth 6 walks with the depth fixed at compile time, depth 8 sums leaf by
        // leaf; rows too wide to transpose walk at every depth.
        for max_depth in [1, 2, 3, 4, 6, 8] {
            let mut nodes = Vec::new();
            let roots: Vec<usize> =
                (0..30).map(|_| random_tree(&mut rng, &mut nodes, max_depth)).collect();
            let depths: Vec<u32> = roots.iter().map(|&r| depth(&nodes, r)).collect();
            assert!(depths.contains(&max_depth) && depths.iter().any(|&d| d < max_depth));
            let values: Vec<f64> = (0..nodes.len()).map(|_| rng.random_range(-1.0..1.0)).collect();
            let layouts = [
                LeqForest::complete(&nodes, &roots, max_depth, Some(values.clone())),
                LeqForest::linked(&nodes, &roots, &depths, Some(values.clone())),
            ];
            // One scratch for every call: a call must not read what an earlier one left.
            let mut scratch = Scratch::default();
            for cols in (0..50).map(|i| if i % 5 == 0 { 2 * MAX_COMPARED_COLS } else { COLS }) {
                let rows: Vec<f32> =
                    (0..LANES * cols)
                        .map(|_| {
                            if rng.random_bool(0.05) {
                                f32::NAN
                            } else {
                                rng.random_range(-1.5..1.5)
                            }
                        })
                        .collect();
                let mut expected_sums = [0.0; LANES];
                for (tree, &root) in roots.iter().enumerate() {
                    let expected: Vec<u32> =
                        rows.chunks_exact(cols).map(|row| walk(&nodes, root, row)).collect();
                    for (sum, &leaf) in expected_sums.iter_mut().zip(&expected) {
                        *sum += values[leaf as usize];
                    }
                    for forest in &layouts {
                        assert_eq!(forest.leaves(&rows, cols, tree).to_vec(), expected);
                    }
                }
                for forest in &layouts {
                    assert_eq!(forest.sums(&rows, cols, &mut scratch), Some(expected_sums));
                }
                if let Some(portable) = portable_sums(&layouts[0], &rows, cols) {
                    assert_eq!(portable, expected_sums);
                }
            }
        }
    }
}
