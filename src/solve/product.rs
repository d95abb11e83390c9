//! Two systems side by side: the product of two copies driven by the same
//! event, with the same arguments, at every step. The copies are any two
//! [`System`]s — two versions of a spec (`charter diff`), two readings of
//! one — whose events and locations the caller has matched ([`Pairing`],
//! [`atom_pairs`]).
//!
//! Two questions:
//!
//! * [`disagree`]: a shortest history lawful in both after which the
//!   copies differ on some matched location, or a proof by k-induction
//!   on the product that they never do (or, honestly, neither within the
//!   depth);
//! * [`lawful_in_one_only`]: a shortest history lawful in one copy whose
//!   last step the other refuses, with the items that forbid it there
//!   (the blame of [`blame::blame_step`]).
//!
//! A step is refused where the refusing copy's guards or input domains
//! fail (an event it does not have fails its "one event per step"), or
//! where a constraint fails on its only candidate next state (the
//! `successors` and `successor_checks` of `lower::LintTerms`: every
//! location is assigned by an applicable effect or kept, so that state is
//! the only one a step can reach). Symmetry breaking is off: each copy's
//! would order the shared arguments by its own named elements.

use z3::ast::Bool;
use z3::Solver;

use super::blame::{self, Item, Keep};
use super::encode::Unrolling;
use super::{check, new_solver, Limits, RawTrace, SolverUnknown};
use crate::hir::{EventId, StateId};
use crate::ir::{
    is_pre_step, AtomId, Constraint, InputId, InputOwner, Origin, Owner, System, TermId,
};

/// One copy of the product: its system and what its refusals are read
/// from (as `lower::LintTerms` gives them for that system).
#[derive(Clone, Copy)]
pub struct Side<'a> {
    pub system: &'a System,
    /// Per atom, the term reading it (current state).
    pub atom_terms: &'a [TermId],
    /// Per input, the term reading it.
    pub input_terms: &'a [TermId],
    /// Per atom, its value in the only candidate next state.
    pub successors: &'a [TermId],
    /// Each transition constraint and invariant (guards and input domains
    /// excluded) evaluated on the candidate next state.
    pub successor_checks: &'a [(Constraint, TermId)],
}

/// How the inputs of two copies correspond: the selectors and parameter
/// parts of matched events, pair by pair, and the selectors of the events
/// only one copy has (or whose inputs do not line up: different scopes).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pairing {
    pub inputs: Vec<(InputId, InputId)>,
    /// Per copy, the selectors of its events the other copy lacks.
    pub only: [Vec<InputId>; 2],
    /// Matched events whose inputs did not line up (treated as unmatched).
    pub unaligned: Vec<(EventId, EventId)>,
    /// Matched locations' atoms ([`atom_pairs`]): both copies start with
    /// the same values there (the same constants, the same initial values
    /// where their `init`s leave a choice). Set by the caller.
    pub start: Vec<(AtomId, AtomId)>,
}

impl Pairing {
    /// Pairs the inputs of `events` (matched by the caller: by name and
    /// parameter types) by owner and address.
    pub fn new(first: &System, second: &System, events: &[(EventId, EventId)]) -> Pairing {
        let second_index = second.input_index();
        let mut pairing = Pairing::default();
        let mut paired_first = vec![false; first.inputs.len()];
        let mut paired_second = vec![false; second.inputs.len()];
        for &(a, b) in events {
            let mine: Vec<usize> = (0..first.inputs.len())
                .filter(|&i| event_of(&first.inputs[i].owner) == a)
                .collect();
            let theirs = second
                .inputs
                .iter()
                .filter(|input| event_of(&input.owner) == b)
                .count();
            let pairs: Option<Vec<(InputId, InputId)>> = mine
                .iter()
                .map(|&i| {
                    let input = &first.inputs[i];
                    let owner = match input.owner {
                        InputOwner::Selector(_) => InputOwner::Selector(b),
                        InputOwner::Param(_, p) => InputOwner::Param(b, p),
                    };
                    let j = *second_index.get(&(&owner, &input.address.address))?;
                    (second.inputs[j.0 as usize].kind == input.kind)
                        .then_some((InputId(i as u32), j))
                })
                .collect();
            match pairs {
                Some(pairs) if pairs.len() == theirs => {
                    for (x, y) in &pairs {
                        paired_first[x.0 as usize] = true;
                        paired_second[y.0 as usize] = true;
                    }
                    pairing.inputs.extend(pairs);
                }
                _ => pairing.unaligned.push((a, b)),
            }
        }
        let only = |system: &System, paired: &[bool]| {
            (0..system.inputs.len())
                .filter(|&i| {
                    !paired[i] && matches!(system.inputs[i].owner, InputOwner::Selector(_))
                })
                .map(|i| InputId(i as u32))
                .collect()
        };
        pairing.only = [only(first, &paired_first), only(second, &paired_second)];
        pairing
    }

    /// The same pairing seen from the other copy.
    pub fn swapped(&self) -> Pairing {
        Pairing {
            inputs: self.inputs.iter().map(|(a, b)| (*b, *a)).collect(),
            only: [self.only[1].clone(), self.only[0].clone()],
            unaligned: self.unaligned.iter().map(|(a, b)| (*b, *a)).collect(),
            start: self.start.iter().map(|(a, b)| (*b, *a)).collect(),
        }
    }
}

fn event_of(owner: &InputOwner) -> EventId {
    match owner {
        InputOwner::Selector(e) | InputOwner::Param(e, _) => *e,
    }
}

/// The atoms of matched locations, pair by pair (by address; a cell one
/// side lacks is left out).
pub fn atom_pairs(
    first: &System,
    second: &System,
    locations: &[(StateId, StateId)],
) -> Vec<(AtomId, AtomId)> {
    let second_index = second.atom_index();
    let mut pairs = Vec::new();
    for &(a, b) in locations {
        for (i, atom) in first.atoms.iter().enumerate() {
            if atom.owner != Owner::State(a) {
                continue;
            }
            let owner = Owner::State(b);
            if let Some(j) = second_index.get(&(&owner, &atom.address.address)) {
                if second.atoms[j.0 as usize].kind == atom.kind {
                    pairs.push((AtomId(i as u32), *j));
                }
            }
        }
    }
    pairs
}

/// The answer of [`disagree`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Agreement {
    /// Both copies' histories of `depth` steps (same events, same
    /// arguments), differing on a matched location in their last state.
    Disagree { depth: usize, traces: [RawTrace; 2] },
    /// They agree in every reachable product state: k-induction closed.
    Proved { k: usize },
    /// No disagreement within `depth` steps; induction did not close.
    UpTo { depth: usize },
    /// No pair of initial states agrees on the matched locations: the
    /// product has no history at all.
    NoCommonStart,
}

/// The two copies unrolled in one solver, inputs tied.
struct Product<'s> {
    solver: Solver,
    copies: [Unrolling<'s>; 2],
    sides: [Side<'s>; 2],
    pairing: &'s Pairing,
}

impl<'s> Product<'s> {
    fn new(sides: [Side<'s>; 2], pairing: &'s Pairing, limits: &Limits, prefix: &str) -> Self {
        let solver = new_solver(limits);
        let copies = [
            Unrolling::new(sides[0].system, &format!("{prefix}a!"), false),
            Unrolling::new(sides[1].system, &format!("{prefix}b!"), false),
        ];
        Product {
            solver,
            copies,
            sides,
            pairing,
        }
    }

    /// Adds state `step` of copy `side`, with its constraints (initial, or
    /// the transition into it) when `asserted`.
    fn add(&mut self, side: usize, step: usize, initial: bool, asserted: bool) {
        self.copies[side].add_state(&self.solver);
        if asserted {
            self.copies[side].assert_state(&self.solver, step, initial);
        }
    }

    /// Both copies take the same event with the same arguments at `step`.
    fn tie(&mut self, step: usize) {
        let [first, second] = &mut self.copies;
        for (a, b) in &self.pairing.inputs {
            let a = self.sides[0].input_terms[a.0 as usize];
            let b = self.sides[1].input_terms[b.0 as usize];
            self.solver
                .assert(first.equal_across(a, step, second, b, step));
        }
    }

    /// Both copies start alike on the matched locations.
    fn tie_start(&mut self) {
        let [first, second] = &mut self.copies;
        for (a, b) in &self.pairing.start {
            let a = self.sides[0].atom_terms[a.0 as usize];
            let b = self.sides[1].atom_terms[b.0 as usize];
            self.solver.assert(first.equal_across(a, 0, second, b, 0));
        }
    }

    /// The events copy `side` alone has do not happen at `step`.
    fn without_own(&mut self, side: usize, step: usize) {
        for selector in &self.pairing.only[side] {
            let term = self.sides[side].input_terms[selector.0 as usize];
            let selected = self.copies[side].bool_at(term, step);
            self.solver.assert(selected.not());
        }
    }

    /// Some atom of `atoms` differs in state `step`.
    fn differ(&mut self, atoms: &[(AtomId, AtomId)], step: usize) -> Bool {
        let [first, second] = &mut self.copies;
        let differences: Vec<Bool> = atoms
            .iter()
            .map(|(a, b)| {
                let a = self.sides[0].atom_terms[a.0 as usize];
                let b = self.sides[1].atom_terms[b.0 as usize];
                first.equal_across(a, step, second, b, step).not()
            })
            .collect();
        Bool::or(&differences)
    }

    fn check(
        &self,
        assumptions: &[Bool],
        limits: &Limits,
        at: usize,
    ) -> Result<bool, SolverUnknown> {
        check(&self.solver, assumptions, &limits.budget).map_err(|u| u.at(at))
    }

    fn flush(&mut self) {
        let [first, second] = &mut self.copies;
        first.flush(&self.solver);
        second.flush(&self.solver);
    }
}

/// A shortest history (of at most `max_depth` steps) lawful in both copies
/// after which they differ on one of `atoms`, or a proof that they never
/// do (k-induction on the product, k up to `max_depth + 1`).
pub fn disagree(
    sides: [Side; 2],
    pairing: &Pairing,
    atoms: &[(AtomId, AtomId)],
    max_depth: usize,
    limits: &Limits,
) -> Result<Agreement, SolverUnknown> {
    let mut base = Product::new(sides, pairing, limits, "");
    let mut step = Product::new(sides, pairing, limits, "step!");
    for side in 0..2 {
        step.add(side, 0, false, true);
    }
    for k in 0..=max_depth {
        limits.budget.check(Some(k))?;
        let _examining = crate::budget::examining(k);
        // Base: no disagreement after exactly k steps (shorter ones were
        // ruled out).
        for side in 0..2 {
            base.add(side, k, k == 0, true);
        }
        if k == 0 {
            base.tie_start();
            base.flush();
            if !base.check(&[], limits, 0)? {
                return Ok(Agreement::NoCommonStart);
            }
        } else {
            base.tie(k - 1);
            base.without_own(0, k - 1);
            base.without_own(1, k - 1);
        }
        let differ = base.differ(atoms, k);
        let activation = base.copies[0].fresh("differ");
        base.solver.assert(activation.implies(&differ));
        base.flush();
        if base.check(std::slice::from_ref(&activation), limits, k)? {
            let model = base.solver.get_model().ok_or_else(|| {
                SolverUnknown::gave_up("the solver found a disagreement but gave no model")
            })?;
            let traces = [
                base.copies[0].read(&model, k),
                base.copies[1].read(&model, k),
            ];
            return Ok(Agreement::Disagree { depth: k, traces });
        }
        base.solver.assert(activation.not());
        base.solver.assert(differ.not());
        // Step: agreement in product states 0..=k, a step to a product
        // state distinct from all before it, disagreement there.
        let agree = step.differ(atoms, k).not();
        step.solver.assert(agree);
        for side in 0..2 {
            step.add(side, k + 1, false, true);
        }
        step.tie(k);
        step.without_own(0, k);
        step.without_own(1, k);
        for earlier in 0..=k {
            let distinct =
                step.copies[0].distinct(earlier, k + 1) | step.copies[1].distinct(earlier, k + 1);
            step.solver.assert(distinct);
        }
        let differ = step.differ(atoms, k + 1);
        let activation = step.copies[0].fresh("step");
        step.solver.assert(activation.implies(&differ));
        step.flush();
        if !step.check(std::slice::from_ref(&activation), limits, k + 1)? {
            return Ok(Agreement::Proved { k: k + 1 });
        }
        step.solver.assert(activation.not());
    }
    Ok(Agreement::UpTo { depth: max_depth })
}

/// A history lawful in one copy whose last step the other refuses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OneOnly {
    /// Its steps, the refused one included.
    pub depth: usize,
    /// The lawful copy's history: `depth` steps.
    pub lawful: RawTrace,
    /// The refusing copy's: `depth - 1` lawful steps, then the refused
    /// step's inputs and the candidate next state it fails on.
    pub refused: RawTrace,
    /// What forbids the last step in the refusing copy; `None` when the
    /// refusing copy has no such event at all.
    pub blamed: Option<Vec<Item>>,
}

/// What [`lawful_in_one_only`] finds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    Found(OneOnly),
    /// No such history within the depth.
    NoneUpTo,
    /// The copies share no initial state on the locations they start
    /// alike on: no history is lawful in both, so nothing is answered.
    NoCommonStart,
}

/// The most candidates [`lawful_in_one_only`] examines at one depth
/// before it gives up (a candidate whose refusal the one-step blame does
/// not confirm is ruled out and another sought).
const MAX_CANDIDATES: usize = 16;

/// A shortest history (at most `max_depth` steps) lawful in copy
/// `sides[0]` whose last step copy `sides[1]` refuses after the same
/// earlier steps, with the blame on the refusing side; `None` if there is
/// none within the depth (`NoCommonStart` when the tied start cannot be
/// met). `pairing` as from the lawful copy. Where a
/// constraint of the refusing copy leaves a choice of next state, the
/// refusals it alone would make are not examined: a history found is
/// then a confirmed one but perhaps not a shortest, and none found is
/// `unknown`, not `None`.
pub fn lawful_in_one_only(
    sides: [Side; 2],
    pairing: &Pairing,
    max_depth: usize,
    limits: &Limits,
) -> Result<Refusal, SolverUnknown> {
    let mut product = Product::new(sides, pairing, limits, "");
    let refusing = sides[1];
    let system = refusing.system;
    let pre: Vec<(bool, TermId)> = system
        .trans
        .iter()
        .filter(|c| is_pre_step(&c.origin, || system.terms.mentions_next(c.term)))
        .map(|c| (matches!(c.origin, Origin::Domain), c.term))
        .collect();
    let matched: Vec<TermId> = pairing
        .inputs
        .iter()
        .filter(|(a, _)| {
            matches!(
                sides[0].system.inputs[a.0 as usize].owner,
                InputOwner::Selector(_)
            )
        })
        .map(|(a, _)| sides[0].input_terms[a.0 as usize])
        .collect();
    for side in 0..2 {
        product.add(side, 0, true, true);
    }
    product.tie_start();
    product.flush();
    // Without a start the two share, no history is lawful in both up to
    // a step, and "none refused" would be said of nothing: unknown.
    if !product.check(&[], limits, 0)? {
        return Ok(Refusal::NoCommonStart);
    }
    let mut untrusted = vec![false; refusing.successor_checks.len()];
    for depth in 1..=max_depth {
        limits.budget.check(Some(depth))?;
        let _examining = crate::budget::examining(depth);
        let last = depth - 1;
        product.add(0, depth, false, true);
        product.add(1, depth, false, false);
        product.tie(last);
        product.without_own(1, last);
        let activation = product.copies[0].fresh("refused");
        // The refusing copy's state after the step: its only candidate.
        let copy = &mut product.copies[1];
        let mut facts = Vec::new();
        for (atom, successor) in refusing.atom_terms.iter().zip(refusing.successors) {
            facts.push(copy.equal(*atom, depth, *successor, last));
        }
        // Its own input domains hold where the event is one it has (its
        // own events' arguments are then chosen lawfully, not so as to
        // fail); the step is refused if its guards, domains or the
        // constraints on the candidate fail.
        let selected: Vec<Bool> = matched
            .iter()
            .map(|t| product.copies[0].bool_at(*t, last))
            .collect();
        let has_event = Bool::or(&selected);
        let copy = &mut product.copies[1];
        let mut holds = Vec::new();
        for (domain, term) in &pre {
            let value = copy.bool_at(*term, last);
            if *domain {
                facts.push(has_event.implies(&value));
            }
            holds.push(value);
        }
        // A constraint on the candidate next state can refuse a step only
        // where the next state is the candidate alone; a constraint that
        // leaves a choice of next state (found when the one-step blame
        // finds a next state after all) is no longer trusted to.
        let mut refusals = vec![Bool::and(&holds).not()];
        let mut checks = Vec::new();
        for (index, (_, term)) in refusing.successor_checks.iter().enumerate() {
            let value = copy.bool_at(*term, last);
            let trusted = Bool::new_const(format!("trusted!{index}@{last}"));
            if untrusted[index] {
                product.solver.assert(trusted.not());
            }
            refusals.push(&trusted & value.not());
            checks.push((value, trusted));
        }
        facts.push(Bool::or(&refusals));
        product.solver.assert(activation.implies(Bool::and(&facts)));
        product.flush();
        let mut candidates = 0;
        while product.check(std::slice::from_ref(&activation), limits, depth)? {
            candidates += 1;
            if candidates > MAX_CANDIDATES {
                return Err(SolverUnknown::gave_up(format!(
                    "{MAX_CANDIDATES} candidate refusals at depth {depth} were not confirmed"
                )));
            }
            let model = product.solver.get_model().ok_or_else(|| {
                SolverUnknown::gave_up("the solver found a history but gave no model")
            })?;
            let lawful = product.copies[0].read(&model, depth);
            let refused = product.copies[1].read_completed(&model, depth);
            if !model
                .eval(&has_event, true)
                .and_then(|b| b.as_bool())
                .unwrap_or(true)
            {
                return Ok(Refusal::Found(OneOnly {
                    depth,
                    lawful,
                    refused,
                    blamed: None,
                }));
            }
            let blamed = blame::blame_step(
                system,
                &refused,
                last,
                refusing.atom_terms,
                refusing.input_terms,
                limits,
                Keep::All,
            )?;
            if let Some(blamed) = blamed {
                return Ok(Refusal::Found(OneOnly {
                    depth,
                    lawful,
                    refused,
                    blamed: Some(blamed),
                }));
            }
            // A next state exists after all: the constraints that failed
            // on the candidate leave a choice; distrust them and look again.
            let mut distrusted = false;
            for (index, (value, trusted)) in checks.iter().enumerate() {
                if model.eval(value, true).and_then(|b| b.as_bool()) == Some(false) {
                    untrusted[index] = true;
                    distrusted = true;
                    product.solver.assert(trusted.not());
                }
            }
            if distrusted {
                continue;
            }
            // Otherwise rule this pre-state and event out.
            let copy = &mut product.copies[1];
            let mut same = Vec::new();
            for (term, value) in refusing.atom_terms.iter().zip(&refused.states[last]) {
                if let Some(value) = value {
                    same.push(copy.fix(*term, last, *value));
                }
            }
            for (term, value) in refusing.input_terms.iter().zip(&refused.inputs[last]) {
                if let Some(value) = value {
                    same.push(copy.fix(*term, last, *value));
                }
            }
            product.solver.assert(Bool::and(&same).not());
        }
        // None at this depth: the step becomes an ordinary one of both.
        product.solver.assert(activation.not());
        product.copies[1].assert_state(&product.solver, depth, false);
        product.without_own(0, last);
        product.flush();
    }
    if untrusted.iter().any(|u| *u) {
        return Err(SolverUnknown::gave_up(
            "refusals by constraints that leave a choice of next state were not examined",
        ));
    }
    Ok(Refusal::NoneUpTo)
}
