//! What a finding is: its kind, subject, message, witness and the items
//! it blames in the user's terms, and its miette diagnostic (a label on
//! every blamed item).

use miette::{Diagnostic, LabeledSpan, Severity};
use serde::Serialize;

use super::{Item, Kind};
use crate::hir::{self, ClauseId, FormulaKind};
use crate::span::Span;
use crate::trace::{Step, Trace};

/// An item a finding blames, in the user's terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Blamed {
    pub kind: BlamedKind,
    /// The clause, event, formula or variable it belongs to.
    pub name: String,
    pub article: Option<String>,
    /// The quoted text of the clause or formula, on one line.
    pub text: Option<String>,
    #[serde(skip)]
    pub span: Span,
    /// The solver-level item, to re-run a query without it.
    #[serde(skip)]
    pub item: Item,
}

/// What a blamed item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlamedKind {
    /// A clause's effects or constraint (or a guard written in a clause).
    Clause,
    /// An event's guard written outside any clause.
    Guard,
    Axiom,
    Init,
    /// A variable's initial value.
    InitialValue,
    /// A constant's value.
    Value,
    /// A variable's integer range.
    Range,
    /// A clause cited for a definition it carries (`defines`) that the
    /// blamed items read: not an assumption of the query.
    Definition,
}

impl BlamedKind {
    /// The kind in words: in diagnostics, and in JSON (serde writes this).
    pub fn as_str(self) -> &'static str {
        match self {
            BlamedKind::Clause => "clause",
            BlamedKind::Guard => "guard",
            BlamedKind::Axiom => "axiom",
            BlamedKind::Init => "init",
            BlamedKind::InitialValue => "initial value",
            BlamedKind::Value => "value",
            BlamedKind::Range => "range",
            BlamedKind::Definition => "definition in clause",
        }
    }
}

impl std::fmt::Display for BlamedKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for BlamedKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The history a clash or an obligation conflict happens after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Witness {
    pub history: Trace,
    /// For a clash, the event (with its arguments) for which no next state
    /// exists; its `changes` and `unchanged` are empty.
    pub impossible: Option<Step>,
    /// For an obligation conflict, the duties owed after the history that
    /// cannot all be met on time.
    pub owed: Vec<Owed>,
    /// For an obligation conflict, the solver's view of the last state and
    /// of what is owed (indices into `lower::LintTerms::duty_points`), to
    /// ask its question again ([`owed_can_be_met`]).
    #[serde(skip)]
    pub question: Option<(Vec<Option<crate::solve::RawValue>>, Vec<usize>)>,
}

/// A duty owed in a state: the obligation's clause, the event owed with
/// its arguments (`_` where any will do), and the date it is due (in the
/// calendar's unit).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Owed {
    pub clause: String,
    pub duty: String,
    pub due: i64,
    /// The calendar's unit (`day`, `week`, `month`, `year`).
    pub unit: &'static str,
    /// In a civil calendar: `due` is a date, shown as one.
    #[serde(skip)]
    pub civil: bool,
}

impl Owed {
    /// When it is due, as a person reads it: `day 12`, or in a civil
    /// calendar the date (`2019-04-12`).
    pub fn when(&self) -> String {
        match self.civil {
            true => crate::civil::iso(self.due),
            false => format!("{} {}", self.unit, self.due),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: Kind,
    /// The event, clause, assertion concerned (empty for no initial state).
    pub subject: String,
    pub message: String,
    #[serde(skip)]
    pub span: Span,
    pub witness: Option<Witness>,
    pub blamed: Vec<Blamed>,
}

/// An item in the user's terms.
pub(super) fn blamed(charter: &hir::Charter, item: Item) -> Blamed {
    let one_line = |text: &Option<String>| {
        text.as_ref()
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
    };
    let (kind, name, article, text, span) = match item {
        Item::Clause { clause, span } => {
            let clause = &charter.clauses[clause.0];
            (
                BlamedKind::Clause,
                clause.name.clone(),
                clause.article.clone(),
                one_line(&clause.text),
                span,
            )
        }
        // A prohibition or permission is a guard of its event written in a
        // clause: it is named by the clause.
        Item::Guard { event, span, .. } => {
            match charter.clauses.iter().find(|c| {
                c.provenance.is_user() && c.span.start <= span.start && span.end <= c.span.end
            }) {
                Some(clause) => (
                    BlamedKind::Clause,
                    clause.name.clone(),
                    clause.article.clone(),
                    one_line(&clause.text),
                    span,
                ),
                None => (
                    BlamedKind::Guard,
                    charter.event(event).name.clone(),
                    None,
                    None,
                    span,
                ),
            }
        }
        Item::Formula { formula, span } => {
            let formula = charter.formula(formula);
            let kind = match formula.kind {
                FormulaKind::Init => BlamedKind::Init,
                _ => BlamedKind::Axiom,
            };
            (
                kind,
                formula.name.clone(),
                None,
                one_line(&formula.text),
                span,
            )
        }
        Item::Value { state, span } => {
            let decl = charter.state(state);
            let kind = match decl.kind {
                hir::StateKind::Var => BlamedKind::InitialValue,
                hir::StateKind::Const => BlamedKind::Value,
            };
            (kind, decl.name.clone(), None, None, span)
        }
        Item::Range { state } => {
            let decl = charter.state(state);
            (BlamedKind::Range, decl.name.clone(), None, None, decl.span)
        }
    };
    Blamed {
        kind,
        name,
        article,
        text,
        span,
        item,
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Finding {}

impl Finding {
    /// A clash's help: where two clauses' effects are blamed, how to say
    /// which prevails (the one written later, by default: lex posterior).
    fn clash_help(&self) -> String {
        let mut clauses: Vec<(ClauseId, &str)> = Vec::new();
        for item in &self.blamed {
            if let Item::Clause { clause, .. } = item.item {
                if !clauses.iter().any(|(c, _)| *c == clause) {
                    clauses.push((clause, &item.name));
                }
            }
        }
        clauses.sort();
        let remedy = match clauses.as_slice() {
            [(_, earlier), .., (_, later)] => format!(
                "if one clause is meant to prevail, say so: `clause {later} overrides {earlier}` (or the other way round); or give one priority with `unless`, or exclude the event from one of them"
            ),
            _ => "give one priority with `unless`, or exclude the event from one of them".to_string(),
        };
        format!(
            "the blamed effects assign the same location different values in the witness's last step (or break an axiom or range); {remedy}; if the spec means it, list `clash {}` in the `.lint` file beside the spec",
            self.subject
        )
    }
}

impl Diagnostic for Finding {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(format!("charter::lint::{}", self.kind.as_str())))
    }

    fn severity(&self) -> Option<Severity> {
        Some(if self.kind.is_error() {
            Severity::Error
        } else {
            Severity::Warning
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        let help = match self.kind {
            Kind::NoInitialState => "every property holds vacuously; relax one of the blamed items",
            Kind::DeadEvent => "the blamed items rule the event out; relax one, or drop the event",
            Kind::DeadRule => "the blamed items rule out every step where this rule would apply",
            Kind::DeadException => "its condition never holds where its rule applies; the blamed items rule it out",
            Kind::DeadDefault => "the exception's condition holds whenever the rule applies, so its default effects never take effect",
            Kind::Clash => return Some(Box::new(self.clash_help())),
            Kind::VacuousAssertion => "the assertion says nothing within this depth; the blamed items rule its condition out",
            Kind::UnmetObligation => "the blamed items rule out every step that would fulfil the duty in time (a prohibition, a guard, or another duty's effects)",
            Kind::ImpossibleObligation => "after the witness history the blamed items rule out every way of fulfilling the duty in time: whoever owes it is bound to break it",
            Kind::ConflictingObligations => "after the witness history, meeting one of these duties rules out meeting the other in time (the blamed items say how): give one priority, move a deadline, or lift a prohibition",
        };
        Some(Box::new(format!(
            "{help}; if the spec means it, list `{} {}` in the `.lint` file beside the spec",
            self.kind.as_str(),
            if self.subject.is_empty() {
                "-"
            } else {
                &self.subject
            }
        )))
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary_text = match self.kind {
            Kind::NoInitialState => None,
            Kind::Clash => Some("impossible here".to_string()),
            Kind::VacuousAssertion => Some("vacuous".to_string()),
            Kind::DeadEvent => Some("never happens".to_string()),
            Kind::DeadException => Some("never fires".to_string()),
            Kind::UnmetObligation => Some("can never be met on time".to_string()),
            Kind::ImpossibleObligation => Some("can no longer be met on time".to_string()),
            Kind::ConflictingObligations => {
                Some("cannot be met together with the others".to_string())
            }
            _ => Some("never applies".to_string()),
        };
        let mut labels = Vec::new();
        let blamed_primary = self.kind == Kind::NoInitialState;
        if !blamed_primary {
            labels.push(LabeledSpan::new_primary_with_span(primary_text, self.span));
        }
        for (index, item) in self.blamed.iter().enumerate() {
            let name = match &item.article {
                Some(article) => format!("{} (art. {article})", item.name),
                None => item.name.clone(),
            };
            let text = match &item.text {
                Some(text) => format!(
                    "blamed: {} {name}: \"{}\"",
                    item.kind,
                    crate::printable(text)
                ),
                None => format!("blamed: {} {name}", item.kind),
            };
            let label = if blamed_primary && index == 0 {
                LabeledSpan::new_primary_with_span(Some(text), item.span)
            } else {
                LabeledSpan::new_with_span(Some(text), item.span)
            };
            labels.push(label);
        }
        Some(Box::new(labels.into_iter()))
    }
}
