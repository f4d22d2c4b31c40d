//! The fast walk for the trees scikit-learn exports: every branch is `x <= threshold` with no
//! missing-value tracking. Nodes are 16 bytes (four to a cache line), a leaf points to itself
//! on both sides, and each tree is walked for exactly its depth by [`LANES`] rows at once, with
//! neither a branch on the node kind nor a data-dependent loop exit: the rows' chains of node
//! loads overlap, and the compiler keeps the lanes in registers.

/// Rows walking one tree together.
pub const LANES: usize = 8;

/// One node: a leaf has an infinite threshold and itself as both children, so walking past
/// it stays put (a NaN input takes the false child, which is the leaf again).
#[derive(Debug, Clone, Copy)]
#[repr(C)]
struct Node {
    threshold: f32,
    feature: u32,
    /// `[false child, true child]`.
    children: [u32; 2],
}

/// Trees up to this depth are stored complete (breadth-first, no child pointers).
const MAX_COMPLETE_DEPTH: u32 = 10;

/// One tree stored complete: branch `i` has children `2i + 1` (true) and `2i + 2` (false),
/// and a leaf above the last level is a branch with an infinite threshold whose subtree
/// ends, on every side, in copies of it.
#[derive(Debug, Clone)]
struct CompleteTree {
    depth: u32,
    /// Branches, breadth-first: `2^depth − 1` of them.
    features: Vec<u32>,
    thresholds: Vec<f32>,
    /// The original leaf node at each of the `2^depth` bottom positions.
    leaves: Vec<u32>,
}

/// A forest laid out for [`LeqForest::leaves`].
#[derive(Debug, Clone)]
pub struct LeqForest(Layout);

#[derive(Debug, Clone)]
enum Layout {
    /// Every tree at most [`MAX_COMPLETE_DEPTH`] deep (gradient boosting's shallow trees).
    Complete(Vec<CompleteTree>),
    /// Deeper trees (random forests): nodes with child pointers, and per tree its root and
    /// depth.
    Linked { nodes: Vec<Node>, trees: Vec<(u32, u32)> },
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

impl CompleteTree {
    fn new(nodes: &[Option<Branch>], root: usize, depth: u32) -> Self {
        let branches = (1usize << depth) - 1;
        let mut tree = CompleteTree {
            depth,
            features: vec![0; branches],
            thresholds: vec![f32::INFINITY; branches],
            leaves: vec![0; branches + 1],
        };
        let mut stack = vec![(0usize, root)];
        while let Some((position, node)) = stack.pop() {
            if position >= branches {
                #[allow(clippy::cast_possible_truncation)]
                let leaf = node as u32;
                tree.leaves[position - branches] = leaf;
                continue;
            }
            let [false_child, true_child] = match &nodes[node] {
                Some(b) => {
                    tree.features[position] = b.feature;
                    tree.thresholds[position] = b.threshold;
                    b.children.map(|c| c as usize)
                }
                None => [node, node],
            };
            stack.push((2 * position + 1, true_child));
            stack.push((2 * position + 2, false_child));
        }
        tree
    }
}

impl LeqForest {
    /// Lays out `nodes` (indices as in the ONNX attributes) whose trees start at `roots`.
    /// The node indices were checked to form trees, so every walk ends at a leaf.
    pub fn new(nodes: &[Option<Branch>], roots: &[usize]) -> Self {
        let depths: Vec<u32> = roots.iter().map(|&r| depth(nodes, r)).collect();
        if depths.iter().all(|&d| d <= MAX_COMPLETE_DEPTH) {
            Self::complete(nodes, roots, &depths)
        } else {
            Self::linked(nodes, roots, &depths)
        }
    }

    fn complete(nodes: &[Option<Branch>], roots: &[usize], depths: &[u32]) -> Self {
        LeqForest(Layout::Complete(
            roots.iter().zip(depths).map(|(&r, &d)| CompleteTree::new(nodes, r, d)).collect(),
        ))
    }

    fn linked(nodes: &[Option<Branch>], roots: &[usize], depths: &[u32]) -> Self {
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
        LeqForest(Layout::Linked { nodes: linked, trees })
    }

    /// The leaf tree `tree` sends each of [`LANES`] rows to (`rows` holds exactly that many,
    /// `cols` ≥ 1 wide, and covers every feature the trees read).
    pub fn leaves(&self, rows: &[f32], cols: usize, tree: usize) -> [u32; LANES] {
        match &self.0 {
            Layout::Complete(trees) => trees[tree].leaves(rows, cols),
            Layout::Linked { nodes, trees } => linked_leaves(nodes, trees[tree], rows, cols),
        }
    }

    /// For each of [`LANES`] rows, the sum over the trees of `leaf_values[leaf]`, tree by
    /// tree in order.
    pub fn sums(&self, rows: &[f32], cols: usize, leaf_values: &[f64]) -> [f64; LANES] {
        let mut total = [0.0; LANES];
        let mut add = |leaves: [u32; LANES]| {
            for (t, leaf) in total.iter_mut().zip(leaves) {
                *t += leaf_values[leaf as usize];
            }
        };
        match &self.0 {
            Layout::Complete(trees) => trees.iter().for_each(|tree| add(tree.leaves(rows, cols))),
            Layout::Linked { nodes, trees } => {
                trees.iter().for_each(|&tree| add(linked_leaves(nodes, tree, rows, cols)));
            }
        }
        total
    }
}

impl CompleteTree {
    #[inline(always)]
    fn leaves(&self, rows: &[f32], cols: usize) -> [u32; LANES] {
        let mut at = [0u32; LANES];
        for _ in 0..self.depth {
            for (lane, i) in at.iter_mut().enumerate() {
                let b = *i as usize;
                let x = rows[lane * cols + self.features[b] as usize];
                *i = 2 * *i + 2 - u32::from(x <= self.thresholds[b]);
            }
        }
        let first_leaf = (1u32 << self.depth) - 1;
        at.map(|i| self.leaves[(i - first_leaf) as usize])
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

    #[test]
    fn both_layouts_reach_the_leaves_of_a_node_by_node_walk() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut nodes = Vec::new();
        let roots: Vec<usize> = (0..30).map(|_| random_tree(&mut rng, &mut nodes, 6)).collect();
        let depths: Vec<u32> = roots.iter().map(|&r| depth(&nodes, r)).collect();
        assert!(depths.contains(&6) && depths.iter().any(|&d| d < 6));
        let layouts = [
            LeqForest::complete(&nodes, &roots, &depths),
            LeqForest::linked(&nodes, &roots, &depths),
        ];
        let values: Vec<f64> = (0..nodes.len()).map(|_| rng.random_range(-1.0..1.0)).collect();
        for _ in 0..50 {
            let rows: Vec<f32> = (0..LANES * COLS)
                .map(|_| if rng.random_bool(0.05) { f32::NAN } else { rng.random_range(-1.5..1.5) })
                .collect();
            let mut expected_sums = [0.0; LANES];
            for (tree, &root) in roots.iter().enumerate() {
                let expected: Vec<u32> =
                    rows.chunks_exact(COLS).map(|row| walk(&nodes, root, row)).collect();
                for (sum, &leaf) in expected_sums.iter_mut().zip(&expected) {
                    *sum += values[leaf as usize];
                }
                for forest in &layouts {
                    assert_eq!(forest.leaves(&rows, COLS, tree).to_vec(), expected);
                }
            }
            for forest in &layouts {
                assert_eq!(forest.sums(&rows, COLS, &values), expected_sums);
            }
        }
    }
}
