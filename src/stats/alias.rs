//! Walker's alias method (in Vose's construction): draws an index with probability
//! proportional to integer counts from 32 random bits, in constant time whatever the number
//! of indices. LIME picks every sampled bin or category this way.
//!
//! The table is built with integer arithmetic only, so it is the same on every platform.

/// An alias table over `0..len` with probabilities proportional to the counts it was built
/// from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasTable {
    /// Per slot: the slot itself is kept when the low 32 bits of a draw are below
    /// `threshold` (a fraction of 2^32; 2^32 keeps it always), else `alias` is returned.
    slots: Vec<Slot>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    threshold: u64,
    alias: usize,
}

impl AliasTable {
    /// The table of `counts` (not all zero; at most 2^32 entries).
    #[allow(clippy::cast_possible_truncation)]
    pub fn new(counts: &[usize]) -> Self {
        let k = counts.len() as u128;
        let total: u128 = counts.iter().map(|&c| c as u128).sum::<u128>().max(1);
        // Slot i holds mass counts[i]·k in units where a full slot holds `total`.
        let mut mass: Vec<u128> = counts.iter().map(|&c| c as u128 * k).collect();
        let mut slots: Vec<Slot> =
            (0..counts.len()).map(|i| Slot { threshold: 1 << 32, alias: i }).collect();
        let (mut small, mut large): (Vec<usize>, Vec<usize>) =
            (0..counts.len()).partition(|&i| mass[i] < total);
        while let (Some(s), Some(&l)) = (small.pop(), large.last()) {
            // Slot s keeps its own mass and lends the rest of its room to l.
            slots[s] = Slot { threshold: ((mass[s] << 32) / total) as u64, alias: l };
            mass[l] -= total - mass[s];
            if mass[l] < total {
                large.pop();
                small.push(l);
            }
        }
        AliasTable { slots }
    }

    /// The index drawn by the 32-bit uniform `bits`. Their product with the number of slots
    /// picks a slot by its high half; its low half, uniform within the slot (to within one
    /// part in 2^32 per slot), decides between the slot and its alias.
    #[inline(always)]
    #[allow(clippy::cast_possible_truncation)]
    pub fn pick(&self, bits: u32) -> usize {
        let scaled = u64::from(bits) * self.slots.len() as u64;
        match self.slots.get((scaled >> 32) as usize) {
            Some(&Slot { threshold, alias }) if (scaled & 0xffff_ffff) >= threshold => alias,
            _ => (scaled >> 32) as usize,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngCore;

    #[test]
    fn every_index_gets_exactly_its_share_of_the_bit_space() {
        // Summed over all slots, the 2^32 low values kept by or lent to each index are its
        // exact share of k·2^32.
        for counts in [vec![1, 2, 3, 4], vec![7], vec![0, 5, 0, 1], vec![999, 1, 1, 1, 1, 1]] {
            let table = AliasTable::new(&counts);
            let total: usize = counts.iter().sum();
            let mut share = vec![0u128; counts.len()];
            for (i, slot) in table.slots.iter().enumerate() {
                share[i] += u128::from(slot.threshold);
                share[slot.alias] += (1u128 << 32) - u128::from(slot.threshold);
            }
            for (i, &c) in counts.iter().enumerate() {
                let exact = (c as u128 * counts.len() as u128) << 32;
                // Each slot's threshold is rounded down by less than 1.
                let error = share[i] as i128 - (exact / total as u128) as i128;
                assert!(error.unsigned_abs() <= counts.len() as u128, "{counts:?}: index {i}");
            }
        }
    }

    #[test]
    fn draws_follow_the_counts_and_never_pick_an_empty_index() {
        let table = AliasTable::new(&[0, 30, 10, 0, 60]);
        let mut rng = crate::stats::stream(3, 0);
        let mut seen = [0usize; 5];
        for _ in 0..100_000 {
            seen[table.pick(rng.next_u32())] += 1;
        }
        assert_eq!((seen[0], seen[3]), (0, 0));
        for (i, expected) in [(1, 30_000), (2, 10_000), (4, 60_000)] {
            assert!(seen[i].abs_diff(expected) < 800, "index {i}: {seen:?}");
        }
    }
}
