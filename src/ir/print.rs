//! A stable, readable printing of a [`System`], for people reviewing a
//! lowering (`tests/lowering.rs`, `--emit ir`): the sorts, the atoms and
//! inputs with their owners and addresses, the shared sub-terms, then the
//! `init`, invariant and transition constraints each under its [`Origin`],
//! the effect records, the next-value definitions, the lemmas and the goal.
//!
//! Everything is printed in declaration (vector) order, never from a hash
//! map, so the same system prints the same bytes. A compound sub-term (not
//! a leaf, nor a leaf's negation) used more than once whose printing is
//! longer than [`SHARED_WIDTH`] is printed once, named `t1`, `t2`, … in the
//! order of the arena (children before parents); everything else is
//! printed inline, infix forms in brackets inside others. Rendering walks
//! the arena bottom-up, without recursion, so deep terms print on any
//! stack.

use super::{Address, Constraint, InputOwner, Kind, Origin, Owner, System, Term, TermId, Time};
use crate::span::Span;

/// Sub-terms used more than once are named when their printing is longer.
pub const SHARED_WIDTH: usize = 24;

/// Quoted source text is cut after this many characters.
const EXCERPT_WIDTH: usize = 48;

/// The system, with origins as ids and byte ranges.
pub fn system(system: &System) -> String {
    Printer::new(system, None).print()
}

/// The system, with each origin's span also quoted from `source` (the
/// spec's text the system was lowered from).
pub fn system_with_source(system: &System, source: &str) -> String {
    Printer::new(system, Some(source)).print()
}

/// A term's printing: its text, and whether it is an infix form that a
/// parent must bracket.
#[derive(Clone, Default)]
struct Shown {
    text: String,
    infix: bool,
}

struct Printer<'a> {
    system: &'a System,
    source: Option<&'a str>,
    /// Per term: its printing (taken by its last user), if reachable.
    shown: Vec<Option<Shown>>,
    /// Per term: the uses not yet printed (parents and roots).
    uses: Vec<usize>,
    /// The named shared terms, in arena order, with their definitions.
    shared: Vec<(String, String)>,
}

impl<'a> Printer<'a> {
    fn new(system: &'a System, source: Option<&'a str>) -> Printer<'a> {
        let count = system.terms.len();
        let roots = roots(system);
        let mut reachable = vec![false; count];
        let mut stack = roots.clone();
        while let Some(term) = stack.pop() {
            if std::mem::replace(&mut reachable[term.0 as usize], true) {
                continue;
            }
            stack.extend(system.terms.get(term).children());
        }
        let mut uses = vec![0usize; count];
        for root in &roots {
            uses[root.0 as usize] += 1;
        }
        for (index, _) in reachable.iter().enumerate().filter(|(_, r)| **r) {
            for child in system.terms.get(TermId(index as u32)).children() {
                uses[child.0 as usize] += 1;
            }
        }
        let mut printer = Printer {
            system,
            source,
            shown: vec![None; count],
            uses,
            shared: Vec::new(),
        };
        // Children have smaller ids than their parents (hash-consing
        // interns them first), so one pass in id order sees every child
        // printed before its parent.
        for (index, is_reachable) in reachable.iter().enumerate() {
            if !is_reachable {
                continue;
            }
            let term = TermId(index as u32);
            let shown = printer.render(term);
            let compound = match system.terms.get(term) {
                Term::Not(inner) => !system.terms.get(*inner).children().is_empty(),
                node => !node.children().is_empty(),
            };
            let shown = if compound && printer.uses[index] > 1 && shown.text.len() > SHARED_WIDTH {
                let name = format!("t{}", printer.shared.len() + 1);
                printer.shared.push((name.clone(), shown.text));
                Shown {
                    text: name,
                    infix: false,
                }
            } else {
                shown
            };
            printer.shown[index] = Some(shown);
        }
        printer
    }

    /// One use of a printed term: the last takes it.
    fn take(&mut self, term: TermId) -> Shown {
        let index = term.0 as usize;
        self.uses[index] = self.uses[index].saturating_sub(1);
        let shown = if self.uses[index] == 0 {
            self.shown[index].take()
        } else {
            self.shown[index].clone()
        };
        shown.unwrap_or_default()
    }

    /// A use as an operand: bracketed if infix.
    fn operand(&mut self, term: TermId) -> String {
        let shown = self.take(term);
        if shown.infix {
            format!("({})", shown.text)
        } else {
            shown.text
        }
    }

    fn operands(&mut self, terms: &[TermId]) -> Vec<String> {
        terms.iter().map(|t| self.operand(*t)).collect()
    }

    /// A use at the top of a line: never bracketed.
    fn root(&mut self, term: TermId) -> String {
        self.take(term).text
    }

    fn render(&mut self, term: TermId) -> Shown {
        let atomic = |text: String| Shown { text, infix: false };
        let infix = |text: String| Shown { text, infix: true };
        match self.system.terms.get(term).clone() {
            Term::Bool(value) => atomic(value.to_string()),
            Term::Int(value) => atomic(value.to_string()),
            Term::State(atom, time) => {
                let name = self.system.atoms[atom.0 as usize].name.as_str();
                let prime = if time == Time::Next { "'" } else { "" };
                atomic(format!("{}{prime}", quoted(name)))
            }
            Term::Input(input) => atomic(quoted(&self.system.inputs[input.0 as usize].name)),
            Term::Not(a) => atomic(format!("not {}", self.operand(a))),
            Term::Mul(k, a) => atomic(format!("{k}*{}", self.operand(a))),
            Term::And(items) => infix(self.operands(&items).join(" and ")),
            Term::Or(items) => infix(self.operands(&items).join(" or ")),
            Term::Add(items) => infix(self.operands(&items).join(" + ")),
            Term::AtMost(items, k) => atomic(self.count("at_most", &items, k)),
            Term::AtLeast(items, k) => atomic(self.count("at_least", &items, k)),
            Term::Exactly(items, k) => atomic(self.count("exactly", &items, k)),
            Term::Implies(a, b) => infix(self.binary(a, "=>", b)),
            Term::Iff(a, b) => infix(self.binary(a, "<=>", b)),
            Term::IntEq(a, b) => infix(self.binary(a, "=", b)),
            Term::Le(a, b) => infix(self.binary(a, "<=", b)),
            Term::Lt(a, b) => infix(self.binary(a, "<", b)),
            Term::Sub(a, b) => infix(self.binary(a, "-", b)),
            Term::Ite(c, a, b) => {
                let c = self.operand(c);
                let a = self.operand(a);
                let b = self.operand(b);
                infix(format!("if {c} then {a} else {b}"))
            }
        }
    }

    fn binary(&mut self, a: TermId, op: &str, b: TermId) -> String {
        let a = self.operand(a);
        let b = self.operand(b);
        format!("{a} {op} {b}")
    }

    fn count(&mut self, name: &str, items: &[TermId], k: u32) -> String {
        let items = self.operands(items);
        format!("{name}({k}, [{}])", items.join(", "))
    }

    fn print(mut self) -> String {
        let system = self.system;
        let mut out = String::new();
        out.push_str("sorts:\n");
        for (index, size) in system.sort_sizes.iter().enumerate() {
            let mut line = format!("  sort {index}: {size}");
            if system.abstract_sorts.iter().any(|s| s.0 == index) {
                line.push_str(", abstract");
            }
            if let Some(named) = system.distinguished.get(index).filter(|d| !d.is_empty()) {
                line.push_str(&format!(", distinguished {named:?}"));
            }
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str("atoms:\n");
        for (index, atom) in system.atoms.iter().enumerate() {
            let owner = match &atom.owner {
                Owner::State(state) => format!("state {}", state.0),
                Owner::Monitor(monitor) => format!("monitor {monitor}"),
                Owner::Liveness(index) => format!("liveness {index}"),
            };
            out.push_str(&format!(
                "  a{index} {}: {}, {owner}{}\n",
                quoted(&atom.name),
                kind(atom.kind),
                address(&atom.address)
            ));
        }
        out.push_str("inputs:\n");
        for (index, input) in system.inputs.iter().enumerate() {
            let owner = match &input.owner {
                InputOwner::Selector(event) => format!("selects event {}", event.0),
                InputOwner::Param(event, position) => {
                    format!("event {} parameter {position}", event.0)
                }
            };
            let exclusive = if input.exclusive { ", exclusive" } else { "" };
            out.push_str(&format!(
                "  i{index} {}: {}, {owner}{}{exclusive}\n",
                quoted(&input.name),
                kind(input.kind),
                address(&input.address)
            ));
        }
        if !self.shared.is_empty() {
            out.push_str("shared:\n");
            for (name, definition) in &self.shared {
                out.push_str(&format!("  {name} = {definition}\n"));
            }
        }
        for (title, constraints) in [
            ("init", &system.init),
            ("invariants", &system.invariants),
            ("trans", &system.trans),
        ] {
            out.push_str(&format!("{title}:\n"));
            for constraint in constraints {
                self.constraint(&mut out, constraint);
            }
        }
        out.push_str("effects:\n");
        for effect in &system.effects {
            let span = self.span(effect.span);
            out.push_str(&format!(
                "  clause {} assigns state {}{span}, where:\n",
                effect.clause.0, effect.state.0
            ));
            let applies = self.root(effect.applies);
            out.push_str(&format!("    {applies}\n"));
        }
        out.push_str("next:\n");
        for def in &system.next {
            let name = quoted(&system.atoms[def.atom.0 as usize].name);
            out.push_str(&format!("  {name}' (else unchanged):\n"));
            for (guard, value) in &def.cases {
                let guard = self.root(*guard);
                let value = self.root(*value);
                out.push_str(&format!("    {guard}  ->  {value}\n"));
            }
        }
        out.push_str("lemmas:\n");
        for (formula, term) in &system.lemmas {
            let term = self.root(*term);
            out.push_str(&format!("  formula {}:\n    {term}\n", formula.0));
        }
        let goal = self.root(system.goal.term);
        out.push_str(&format!("goal:\n  {goal}\n"));
        if let Some(antecedent) = system.goal.antecedent {
            let antecedent = self.root(antecedent);
            out.push_str(&format!("antecedent:\n  {antecedent}\n"));
        }
        out
    }

    fn constraint(&mut self, out: &mut String, constraint: &Constraint) {
        let origin = match &constraint.origin {
            Origin::Clause { clause, span } => {
                format!("clause {}{}", clause.0, self.span(*span))
            }
            Origin::Guard { event, index, span } => {
                format!("guard {index} of event {}{}", event.0, self.span(*span))
            }
            Origin::Formula { formula, span } => {
                format!("formula {}{}", formula.0, self.span(*span))
            }
            Origin::Value { state, span } => {
                format!("value of state {}{}", state.0, self.span(*span))
            }
            Origin::Inertia { state } => format!("inertia of state {}", state.0),
            Origin::Rigid { state } => format!("constant state {}", state.0),
            Origin::Range { state } => format!("range of state {}", state.0),
            Origin::Domain => "domain".to_string(),
            Origin::Monitor => "monitor".to_string(),
        };
        let term = self.root(constraint.term);
        out.push_str(&format!("  {origin}:\n    {term}\n"));
    }

    /// ` @start..end`, and the source text there when known.
    fn span(&self, span: Span) -> String {
        let text = self
            .source
            .and_then(|source| source.get(span.start..span.end))
            .map(|text| {
                let line = text.lines().next().unwrap_or("");
                let mut excerpt: String = line.chars().take(EXCERPT_WIDTH).collect();
                if excerpt.len() < text.len() {
                    excerpt.push('…');
                }
                format!(" \"{}\"", crate::printable(&excerpt))
            })
            .unwrap_or_default();
        format!(" @{}..{}{text}", span.start, span.end)
    }
}

/// Every term the printing starts from, in printing order.
fn roots(system: &System) -> Vec<TermId> {
    let mut roots: Vec<TermId> = Vec::new();
    for constraints in [&system.init, &system.invariants, &system.trans] {
        roots.extend(constraints.iter().map(|c| c.term));
    }
    roots.extend(system.effects.iter().map(|e| e.applies));
    for def in &system.next {
        for (guard, value) in &def.cases {
            roots.push(*guard);
            roots.push(*value);
        }
    }
    roots.extend(system.lemmas.iter().map(|(_, term)| *term));
    roots.push(system.goal.term);
    roots.extend(system.goal.antecedent);
    roots
}

/// A name as it stands, or in backquotes when it has more than letters,
/// digits, `_` and `.` (function points, set members, one-hot bits,
/// monitors' names with spaces).
fn quoted(name: &str) -> String {
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if plain {
        name.to_string()
    } else {
        format!("`{}`", crate::printable(name))
    }
}

fn kind(kind: Kind) -> String {
    match kind {
        Kind::Bool => "bool".to_string(),
        Kind::Int { low, high } => format!("int {low}..{high}"),
    }
}

/// ` at [..]` (positions indexing an abstract sort marked `sN:`), or
/// nothing for an empty address.
fn address(address: &Address) -> String {
    if address.address.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = address
        .address
        .iter()
        .zip(address.sorts.iter().chain(std::iter::repeat(&None)))
        .map(|(position, sort)| match sort {
            Some(sort) => format!("s{}:{position}", sort.0),
            None => position.to_string(),
        })
        .collect();
    format!(" at [{}]", parts.join(", "))
}
