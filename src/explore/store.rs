//! The search's storage: every node seen, packed ([`super::pack`]), once.
//!
//! Nodes are numbered in the order they are found, which is breadth-first
//! order, so the nodes of one depth are a range of numbers and no queue is
//! kept. Per node the store holds its packed bytes (in one buffer), where
//! they end (8 bytes, and only once nodes of different lengths are seen:
//! while every node has as many bytes, the `n`th starts `n` times that),
//! its parent's number (4), the step into it (4) and a slot of the
//! visited set (4 bytes, at a load of at most one half): an
//! open-addressing table of node numbers that compares packed bytes, so it
//! is exact. A slot holds the node's number plus one in its low bits (as
//! many as the table's length has: the load keeps the number below half
//! of it) and high bits of the node's hash above them, so that a probe
//! passes over most other nodes without reading their bytes. Every vector
//! grows by doubling, and only after [`Store::room_for`] has checked that
//! the grown storage stays within the memory budget.

/// No parent, no step: an initial node.
const NONE: u32 = u32::MAX;

/// What a search keeps of every node it has seen.
pub struct Store {
    bytes: Vec<u8>,
    /// Where each node's bytes end; empty while `width` is known.
    ends: Vec<u64>,
    /// The length of every node, while they all have the same.
    width: Option<usize>,
    parents: Vec<u32>,
    steps: Vec<u32>,
    /// Node numbers plus one, and a part of their hash, by hash of their
    /// bytes; 0 where empty. Its length is a power of two.
    table: Vec<u32>,
}

/// Why a node could not be stored.
pub enum Full {
    /// The storage would grow beyond the memory budget.
    Memory,
    /// More nodes than a node number holds.
    Numbers,
}

impl Store {
    pub fn new() -> Store {
        Store {
            bytes: Vec::new(),
            ends: Vec::new(),
            width: None,
            parents: Vec::new(),
            steps: Vec::new(),
            table: vec![0; 1024],
        }
    }

    pub fn len(&self) -> usize {
        self.parents.len()
    }

    /// The bytes the storage has allocated.
    pub fn allocated(&self) -> usize {
        self.bytes.capacity()
            + self.ends.capacity() * 8
            + (self.parents.capacity() + self.steps.capacity() + self.table.capacity()) * 4
    }

    pub fn node(&self, index: usize) -> &[u8] {
        if let Some(width) = self.width {
            return &self.bytes[index * width..(index + 1) * width];
        }
        let start = match index {
            0 => 0,
            i => self.ends[i - 1] as usize,
        };
        &self.bytes[start..self.ends[index] as usize]
    }

    pub fn parent(&self, index: usize) -> Option<usize> {
        Some(self.parents[index])
            .filter(|p| *p != NONE)
            .map(|p| p as usize)
    }

    /// The occurrence (by number) of the step into a node.
    pub fn step(&self, index: usize) -> Option<usize> {
        Some(self.steps[index])
            .filter(|s| *s != NONE)
            .map(|s| s as usize)
    }

    /// Whether a node with these bytes is stored.
    pub fn contains(&self, key: &[u8]) -> bool {
        self.slot(key).is_ok()
    }

    /// Stores a node not yet seen ([`Store::contains`] is false) and
    /// returns its number, or says why it does not fit in `budget` bytes.
    pub fn insert(
        &mut self,
        key: &[u8],
        parent: Option<usize>,
        step: Option<usize>,
        budget: usize,
    ) -> Result<usize, Full> {
        let index = self.len();
        let number = u32::try_from(index)
            .ok()
            .filter(|n| *n != NONE)
            .ok_or(Full::Numbers)?;
        self.room_for(key.len(), budget)?;
        if (index + 1) * 2 > self.table.len() {
            self.rehash();
        }
        let slot = match self.slot(key) {
            Ok(slot) => return Ok(self.number(self.table[slot])),
            Err(slot) => slot,
        };
        self.table[slot] = self.tag(hash(key)) | (number + 1);
        match self.width {
            None if index == 0 => self.width = Some(key.len()),
            Some(width) if width != key.len() => {
                // Nodes of another length: where each ends, from now on.
                self.ends.clear();
                self.ends
                    .extend((1..=index as u64).map(|i| i * width as u64));
                self.width = None;
            }
            _ => {}
        }
        self.bytes.extend_from_slice(key);
        if self.width.is_none() {
            self.ends.push(self.bytes.len() as u64);
        }
        let as_number = |n: Option<usize>| n.and_then(|n| u32::try_from(n).ok()).unwrap_or(NONE);
        self.parents.push(as_number(parent));
        self.steps.push(as_number(step));
        Ok(index)
    }

    /// Grows the vectors that are full, by doubling, if the grown storage
    /// fits in `budget` bytes.
    fn room_for(&mut self, key: usize, budget: usize) -> Result<(), Full> {
        let grown = |len: usize, cap: usize, more: usize| {
            if len + more <= cap {
                cap
            } else {
                (cap * 2).max(len + more).max(64)
            }
        };
        let n = self.len();
        let bytes = grown(self.bytes.len(), self.bytes.capacity(), key);
        let per_node = grown(n, self.parents.capacity(), 1);
        // Ends are kept once a node's length differs from the others'.
        let ends = match self.width {
            Some(width) if width == key || n == 0 => 0,
            None if n == 0 => 0,
            _ => grown(n, self.ends.capacity(), 1),
        };
        let table = match (n + 1) * 2 > self.table.len() {
            true => self.table.len() * 2,
            false => self.table.len(),
        };
        let after = bytes
            .saturating_add(per_node.saturating_mul(4 + 4))
            .saturating_add(ends.saturating_mul(8))
            .saturating_add(table.saturating_mul(4));
        if after > budget {
            return Err(Full::Memory);
        }
        self.bytes.reserve_exact(bytes - self.bytes.len());
        self.ends
            .reserve_exact(ends.saturating_sub(self.ends.len()));
        self.parents.reserve_exact(per_node - n);
        self.steps.reserve_exact(per_node - n);
        Ok(())
    }

    /// The slot holding a node with these bytes (`Ok`), or the empty slot
    /// where it belongs (`Err`).
    fn slot(&self, key: &[u8]) -> Result<usize, usize> {
        let mask = self.table.len() - 1;
        let h = hash(key);
        let tag = self.tag(h);
        let low = self.low();
        let mut at = h as usize & mask;
        loop {
            match self.table[at] {
                0 => return Err(at),
                e if e & !low == tag && same(self.node(self.number(e)), key) => return Ok(at),
                _ => at = (at + 1) & mask,
            }
        }
    }

    /// The bits of a slot that hold a node's number plus one.
    fn low(&self) -> u32 {
        match self.table.len().trailing_zeros() {
            32.. => u32::MAX,
            bits => (1 << bits) - 1,
        }
    }

    /// The bits of a slot that hold part of a node's hash `h`.
    fn tag(&self, h: u64) -> u32 {
        match self.table.len().trailing_zeros() {
            32.. => 0,
            bits => ((h >> 32) as u32) << bits,
        }
    }

    /// The node number in a (full) slot.
    fn number(&self, entry: u32) -> usize {
        (entry & self.low()) as usize - 1
    }

    /// Doubles the table and places every node again.
    fn rehash(&mut self) {
        let size = self.table.len() * 2;
        self.table = vec![0; size];
        for index in 0..self.len() {
            let h = hash(self.node(index));
            let mut at = h as usize & (size - 1);
            while self.table[at] != 0 {
                at = (at + 1) & (size - 1);
            }
            self.table[at] = self.tag(h) | (index as u32 + 1);
        }
    }
}

/// Whether two nodes' bytes are the same: short ones by two words.
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if (8..=16).contains(&n) {
        let word =
            |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap_or_default());
        return word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8);
    }
    a == b
}

/// A 64-bit hash of bytes (FxHash's step, then a finalising mix), for the
/// table only: equality is always decided on the bytes.
fn hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = bytes.len() as u64;
    for chunk in bytes.chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_each_key_once_and_finds_it_again() {
        let mut store = Store::new();
        for n in 0u32..5000 {
            let key = n.to_le_bytes();
            assert!(!store.contains(&key));
            let parent = (n > 0).then(|| n as usize - 1);
            assert_eq!(
                store.insert(&key, parent, None, usize::MAX).ok(),
                Some(n as usize)
            );
        }
        for n in 0u32..5000 {
            assert!(store.contains(&n.to_le_bytes()));
            assert_eq!(store.node(n as usize), n.to_le_bytes());
        }
        assert_eq!(store.parent(0), None);
        assert_eq!(store.parent(7), Some(6));
        assert!(!store.contains(&[1, 2, 3]));
    }

    #[test]
    fn keeps_nodes_of_different_lengths_apart() {
        let mut store = Store::new();
        let keys: Vec<Vec<u8>> = (0u32..3000)
            .map(|n| {
                let len = match n {
                    0..1000 => 9,
                    _ => 1 + (n as usize % 20),
                };
                let mut key = n.to_le_bytes().repeat(5);
                key.truncate(len);
                key
            })
            .filter(|k| k.len() >= 4 || k[0] != 0)
            .collect();
        let mut numbers = Vec::new();
        for key in &keys {
            if !store.contains(key) {
                numbers.push((store.insert(key, None, None, usize::MAX).ok(), key));
            }
        }
        for (n, key) in numbers {
            assert_eq!(store.node(n.unwrap_or(usize::MAX)), key.as_slice());
            assert!(store.contains(key));
        }
        assert!(!store.contains(&[0xff; 9]));
    }

    #[test]
    fn refuses_to_grow_past_its_budget() {
        let mut store = Store::new();
        let budget = 64 * 1024;
        let mut stored = 0;
        for n in 0u32..100_000 {
            if store.insert(&n.to_le_bytes(), None, None, budget).is_err() {
                break;
            }
            stored += 1;
        }
        assert!(stored > 1000 && stored < 100_000, "{stored}");
        assert!(store.allocated() <= budget, "{}", store.allocated());
    }
}
