//! The hash-consed term arena ([`Terms`]): ids, the [`Term`] nodes, and
//! constructors that fold constants (exactly: integers only where the
//! result is an i64), with [`rebuild`] to map a node over new children.

use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TermId(pub u32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AtomId(pub u32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InputId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Time {
    Now,
    Next,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Bool,
    Int { low: i64, high: i64 },
}

/// A node of the term arena. Children are ids into the same arena.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Term {
    Bool(bool),
    Int(i64),
    State(AtomId, Time),
    Input(InputId),
    Not(TermId),
    And(Vec<TermId>),
    Or(Vec<TermId>),
    Implies(TermId, TermId),
    /// Boolean equality.
    Iff(TermId, TermId),
    Ite(TermId, TermId, TermId),
    IntEq(TermId, TermId),
    Le(TermId, TermId),
    Lt(TermId, TermId),
    Add(Vec<TermId>),
    Sub(TermId, TermId),
    Mul(i64, TermId),
    /// Pseudo-Boolean constraints with unit weights: how many of the terms
    /// hold is at most / at least / exactly `k`.
    AtMost(Vec<TermId>, u32),
    AtLeast(Vec<TermId>, u32),
    Exactly(Vec<TermId>, u32),
}

impl Term {
    /// The children of a term node, in order.
    pub fn children(&self) -> Vec<TermId> {
        match self {
            Term::Bool(_) | Term::Int(_) | Term::State(..) | Term::Input(_) => Vec::new(),
            Term::Not(a) | Term::Mul(_, a) => vec![*a],
            Term::And(items) | Term::Or(items) | Term::Add(items) => items.clone(),
            Term::AtMost(items, _) | Term::AtLeast(items, _) | Term::Exactly(items, _) => {
                items.clone()
            }
            Term::Implies(a, b)
            | Term::Iff(a, b)
            | Term::IntEq(a, b)
            | Term::Le(a, b)
            | Term::Lt(a, b)
            | Term::Sub(a, b) => vec![*a, *b],
            Term::Ite(c, a, b) => vec![*c, *a, *b],
        }
    }
}

/// The hash-consed term arena, with constructors that simplify constants
/// away (quantifier expansion over concrete elements produces many).
#[derive(Clone, Debug, Default)]
pub struct Terms {
    nodes: Vec<Term>,
    kinds: Vec<bool>,
    index: HashMap<Term, TermId>,
}

pub const TRUE: TermId = TermId(0);
pub const FALSE: TermId = TermId(1);

impl Terms {
    pub fn new() -> Terms {
        let mut terms = Terms::default();
        terms.intern(Term::Bool(true), true);
        terms.intern(Term::Bool(false), true);
        terms
    }

    pub fn get(&self, id: TermId) -> &Term {
        &self.nodes[id.0 as usize]
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Whether the term reads the next state anywhere.
    pub fn mentions_next(&self, term: TermId) -> bool {
        let mut stack = vec![term];
        let mut seen = std::collections::HashSet::new();
        while let Some(t) = stack.pop() {
            if !seen.insert(t) {
                continue;
            }
            match self.get(t) {
                Term::State(_, Time::Next) => return true,
                node => stack.extend(node.children()),
            }
        }
        false
    }

    /// Whether the term is Boolean (otherwise it is an integer).
    pub fn is_bool(&self, id: TermId) -> bool {
        self.kinds[id.0 as usize]
    }

    fn intern(&mut self, term: Term, is_bool: bool) -> TermId {
        // Building terms is where lowering spends its time and memory.
        crate::budget::tick();
        if let Some(id) = self.index.get(&term) {
            return *id;
        }
        let id = TermId(self.nodes.len() as u32);
        self.nodes.push(term.clone());
        self.kinds.push(is_bool);
        self.index.insert(term, id);
        id
    }

    pub fn constant(&mut self, value: bool) -> TermId {
        if value {
            TRUE
        } else {
            FALSE
        }
    }

    pub fn as_bool(&self, id: TermId) -> Option<bool> {
        match self.get(id) {
            Term::Bool(value) => Some(*value),
            _ => None,
        }
    }

    pub fn as_int(&self, id: TermId) -> Option<i64> {
        match self.get(id) {
            Term::Int(value) => Some(*value),
            _ => None,
        }
    }

    pub fn int(&mut self, value: i64) -> TermId {
        self.intern(Term::Int(value), false)
    }

    pub fn state(&mut self, atom: AtomId, time: Time, kind: Kind) -> TermId {
        self.intern(Term::State(atom, time), kind == Kind::Bool)
    }

    pub fn input(&mut self, input: InputId, kind: Kind) -> TermId {
        self.intern(Term::Input(input), kind == Kind::Bool)
    }

    pub fn not(&mut self, a: TermId) -> TermId {
        match self.get(a) {
            Term::Bool(value) => self.constant(!*value),
            Term::Not(inner) => *inner,
            _ => self.intern(Term::Not(a), true),
        }
    }

    pub fn and(&mut self, terms: impl IntoIterator<Item = TermId>) -> TermId {
        let mut kept = Vec::new();
        for term in terms {
            match self.as_bool(term) {
                Some(false) => return FALSE,
                Some(true) => {}
                None => {
                    if !kept.contains(&term) {
                        kept.push(term)
                    }
                }
            }
        }
        match kept.len() {
            0 => TRUE,
            1 => kept[0],
            _ => self.intern(Term::And(kept), true),
        }
    }

    pub fn or(&mut self, terms: impl IntoIterator<Item = TermId>) -> TermId {
        let mut kept = Vec::new();
        for term in terms {
            match self.as_bool(term) {
                Some(true) => return TRUE,
                Some(false) => {}
                None => {
                    if !kept.contains(&term) {
                        kept.push(term)
                    }
                }
            }
        }
        match kept.len() {
            0 => FALSE,
            1 => kept[0],
            _ => self.intern(Term::Or(kept), true),
        }
    }

    pub fn and2(&mut self, a: TermId, b: TermId) -> TermId {
        self.and([a, b])
    }

    pub fn or2(&mut self, a: TermId, b: TermId) -> TermId {
        self.or([a, b])
    }

    pub fn implies(&mut self, a: TermId, b: TermId) -> TermId {
        match (self.as_bool(a), self.as_bool(b)) {
            (Some(false), _) | (_, Some(true)) => TRUE,
            (Some(true), _) => b,
            (_, Some(false)) => self.not(a),
            _ if a == b => TRUE,
            _ => self.intern(Term::Implies(a, b), true),
        }
    }

    pub fn iff(&mut self, a: TermId, b: TermId) -> TermId {
        if a == b {
            return TRUE;
        }
        match (self.as_bool(a), self.as_bool(b)) {
            (Some(x), Some(y)) => self.constant(x == y),
            (Some(true), _) => b,
            (_, Some(true)) => a,
            (Some(false), _) => self.not(b),
            (_, Some(false)) => self.not(a),
            _ => {
                let (a, b) = if a <= b { (a, b) } else { (b, a) };
                self.intern(Term::Iff(a, b), true)
            }
        }
    }

    pub fn ite(&mut self, c: TermId, a: TermId, b: TermId) -> TermId {
        match self.as_bool(c) {
            Some(true) => return a,
            Some(false) => return b,
            None => {}
        }
        if a == b {
            return a;
        }
        let is_bool = self.is_bool(a);
        if is_bool {
            match (self.as_bool(a), self.as_bool(b)) {
                (Some(true), Some(false)) => return c,
                (Some(false), Some(true)) => return self.not(c),
                (Some(true), _) => return self.or2(c, b),
                (Some(false), _) => {
                    let not_c = self.not(c);
                    return self.and2(not_c, b);
                }
                (_, Some(false)) => return self.and2(c, a),
                (_, Some(true)) => {
                    let not_c = self.not(c);
                    return self.or2(not_c, a);
                }
                _ => {}
            }
        }
        self.intern(Term::Ite(c, a, b), is_bool)
    }

    /// Whether an integer term is a tree of `ite`s with numbers at the
    /// leaves (as a define like `rank(m)` over an enum value lowers to).
    fn is_constant_choice(&self, id: TermId) -> bool {
        match self.get(id) {
            Term::Int(_) => true,
            Term::Ite(_, a, b) => self.is_constant_choice(*a) && self.is_constant_choice(*b),
            _ => false,
        }
    }

    /// Pushes a comparison into the branches of constant choices, so that
    /// `rank(a) < 5` becomes Boolean conditions rather than arithmetic.
    fn compare_choices(
        &mut self,
        a: TermId,
        b: TermId,
        compare: fn(&mut Terms, TermId, TermId) -> TermId,
    ) -> Option<TermId> {
        if !(self.is_constant_choice(a) && self.is_constant_choice(b)) {
            return None;
        }
        if let Term::Ite(c, x, y) = *self.get(a) {
            let then = compare(self, x, b);
            let other = compare(self, y, b);
            return Some(self.ite(c, then, other));
        }
        if let Term::Ite(c, x, y) = *self.get(b) {
            let then = compare(self, a, x);
            let other = compare(self, a, y);
            return Some(self.ite(c, then, other));
        }
        None
    }

    pub fn int_eq(&mut self, a: TermId, b: TermId) -> TermId {
        if a == b {
            return TRUE;
        }
        if let Some(pushed) = self.compare_choices(a, b, Terms::int_eq) {
            return pushed;
        }
        match (self.as_int(a), self.as_int(b)) {
            (Some(x), Some(y)) => self.constant(x == y),
            _ => {
                let (a, b) = if a <= b { (a, b) } else { (b, a) };
                self.intern(Term::IntEq(a, b), true)
            }
        }
    }

    pub fn le(&mut self, a: TermId, b: TermId) -> TermId {
        if let Some(pushed) = self.compare_choices(a, b, Terms::le) {
            return pushed;
        }
        match (self.as_int(a), self.as_int(b)) {
            (Some(x), Some(y)) => self.constant(x <= y),
            _ if a == b => TRUE,
            _ => self.intern(Term::Le(a, b), true),
        }
    }

    pub fn lt(&mut self, a: TermId, b: TermId) -> TermId {
        if let Some(pushed) = self.compare_choices(a, b, Terms::lt) {
            return pushed;
        }
        match (self.as_int(a), self.as_int(b)) {
            (Some(x), Some(y)) => self.constant(x < y),
            _ if a == b => FALSE,
            _ => self.intern(Term::Lt(a, b), true),
        }
    }

    // Integer folding is exact: constants are combined only where the
    // result is an `i64`. Where it is not (a share's product `q·a` may
    // reach 2^126), the term keeps its structure, which the solver reads
    // as unbounded integer arithmetic; nothing is ever saturated or
    // wrapped.

    pub fn add(&mut self, terms: Vec<TermId>) -> TermId {
        let mut constant: i64 = 0;
        let mut kept = Vec::new();
        for term in terms {
            match self
                .as_int(term)
                .and_then(|value| constant.checked_add(value))
            {
                Some(sum) => constant = sum,
                None => kept.push(term),
            }
        }
        if kept.is_empty() {
            return self.int(constant);
        }
        if constant != 0 {
            let c = self.int(constant);
            kept.push(c);
        }
        if kept.len() == 1 {
            return kept[0];
        }
        self.intern(Term::Add(kept), false)
    }

    pub fn sub(&mut self, a: TermId, b: TermId) -> TermId {
        match (self.as_int(a), self.as_int(b)) {
            (Some(x), Some(y)) if x.checked_sub(y).is_some() => self.int(x - y),
            (_, Some(0)) => a,
            _ => self.intern(Term::Sub(a, b), false),
        }
    }

    pub fn mul(&mut self, k: i64, a: TermId) -> TermId {
        match (k, self.as_int(a)) {
            (_, Some(x)) if k.checked_mul(x).is_some() => self.int(k * x),
            (0, _) => self.int(0),
            (1, _) => a,
            _ => self.intern(Term::Mul(k, a), false),
        }
    }

    /// Splits Boolean terms into the number known true and those unknown.
    fn count(&self, terms: &[TermId]) -> (u32, Vec<TermId>) {
        let mut known = 0;
        let mut unknown = Vec::new();
        for term in terms {
            match self.as_bool(*term) {
                Some(true) => known += 1,
                Some(false) => {}
                None => unknown.push(*term),
            }
        }
        (known, unknown)
    }

    pub fn at_most(&mut self, terms: &[TermId], k: u32) -> TermId {
        let (known, rest) = self.count(terms);
        if known > k {
            return FALSE;
        }
        let k = k - known;
        if rest.len() as u32 <= k {
            return TRUE;
        }
        if k == 0 {
            let negated: Vec<TermId> = rest.iter().map(|t| self.not(*t)).collect();
            return self.and(negated);
        }
        if let Some(positive) = self.all_negated(&rest) {
            // At most k of n negations: at least n - k of the atoms.
            let n = positive.len() as u32;
            return self.intern(Term::AtLeast(positive, n - k), true);
        }
        self.intern(Term::AtMost(rest, k), true)
    }

    pub fn at_least(&mut self, terms: &[TermId], k: u32) -> TermId {
        let (known, rest) = self.count(terms);
        if known >= k {
            return TRUE;
        }
        let k = k - known;
        if (rest.len() as u32) < k {
            return FALSE;
        }
        if k == 1 {
            return self.or(rest);
        }
        if rest.len() as u32 == k {
            return self.and(rest);
        }
        if let Some(positive) = self.all_negated(&rest) {
            let n = positive.len() as u32;
            return self.intern(Term::AtMost(positive, n - k), true);
        }
        self.intern(Term::AtLeast(rest, k), true)
    }

    pub fn exactly(&mut self, terms: &[TermId], k: u32) -> TermId {
        let (known, rest) = self.count(terms);
        if known > k {
            return FALSE;
        }
        let k = k - known;
        if (rest.len() as u32) < k {
            return FALSE;
        }
        if k == 0 {
            let negated: Vec<TermId> = rest.iter().map(|t| self.not(*t)).collect();
            return self.and(negated);
        }
        if rest.len() as u32 == k {
            return self.and(rest);
        }
        if let Some(positive) = self.all_negated(&rest) {
            let n = positive.len() as u32;
            return self.intern(Term::Exactly(positive, n - k), true);
        }
        self.intern(Term::Exactly(rest, k), true)
    }

    /// When every term is a negation, the negated terms: a count over
    /// `not x` is then stated over the `x` (at most k of n negations is at
    /// least n - k atoms), so that counts of a set and of its complement
    /// are constraints over the same items, which the encoding relates.
    fn all_negated(&self, terms: &[TermId]) -> Option<Vec<TermId>> {
        terms
            .iter()
            .map(|t| match self.get(*t) {
                Term::Not(inner) => Some(*inner),
                _ => None,
            })
            .collect()
    }
}

/// A node of the same kind over new children, through the simplifying
/// constructors.
pub fn rebuild(terms: &mut Terms, node: &Term, c: &[TermId]) -> TermId {
    match node {
        Term::Bool(_) | Term::Int(_) | Term::State(..) | Term::Input(_) => {
            // Leaves have no children; callers never rebuild them.
            match node {
                Term::Bool(b) => terms.constant(*b),
                Term::Int(i) => terms.int(*i),
                _ => TRUE,
            }
        }
        Term::Not(_) => terms.not(c[0]),
        Term::Mul(k, _) => terms.mul(*k, c[0]),
        Term::And(_) => terms.and(c.to_vec()),
        Term::Or(_) => terms.or(c.to_vec()),
        Term::Add(_) => terms.add(c.to_vec()),
        Term::AtMost(_, k) => terms.at_most(c, *k),
        Term::AtLeast(_, k) => terms.at_least(c, *k),
        Term::Exactly(_, k) => terms.exactly(c, *k),
        Term::Implies(..) => terms.implies(c[0], c[1]),
        Term::Iff(..) => terms.iff(c[0], c[1]),
        Term::IntEq(..) => terms.int_eq(c[0], c[1]),
        Term::Le(..) => terms.le(c[0], c[1]),
        Term::Lt(..) => terms.lt(c[0], c[1]),
        Term::Sub(..) => terms.sub(c[0], c[1]),
        Term::Ite(..) => terms.ite(c[0], c[1], c[2]),
    }
}
