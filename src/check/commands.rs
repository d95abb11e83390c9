//! Commands: their options (depth, scopes, expectations and what a verdict
//! may rest on), checked against the spec.

use super::{suggest, CheckError, Checker, CommandOptions, Global, Place};
use crate::ast;
use crate::hir::*;
use crate::span::{Ident, Span, Spanned};

impl Checker {
    pub(super) fn command(&mut self, command: &ast::Command, span: Span) {
        let name = &command.name;
        let kind = match &command.kind {
            // Checked on the whole spec (`compare.rs`), never per reading.
            ast::CommandKind::Compare { .. } | ast::CommandKind::Diverge { .. } => return,
            ast::CommandKind::Check | ast::CommandKind::Prove => {
                let global = self.global(&name.node);
                let id = match global {
                    // A clause with obligations: its duties are met.
                    Some(Global::Clause) if self.is_duty_clause(global, &name.node) => {
                        self.duty_formula(&name.node)
                    }
                    // The formula may be checked later in the file; its kind
                    // is known from the declaration.
                    Some(Global::Formula(id))
                        if matches!(
                            self.formula_kinds.get(id.0),
                            Some(
                                FormulaKind::Lemma
                                    | FormulaKind::Assert
                                    | FormulaKind::Eventually
                                    | FormulaKind::LeadsTo
                            )
                        ) =>
                    {
                        Some(id)
                    }
                    Some(other) => {
                        self.error(CheckError::NotAProperty {
                            name: name.node.clone(),
                            what: self.what(other),
                            span: name.span,
                        });
                        None
                    }
                    None => {
                        self.unknown(name, "assertion", |g| matches!(g, Global::Formula(_)));
                        None
                    }
                };
                match (id, &command.kind) {
                    (Some(id), ast::CommandKind::Check) => Some(CommandKind::Check(id)),
                    (Some(id), _) => Some(CommandKind::Prove(id)),
                    (None, _) => None,
                }
            }
            ast::CommandKind::Scenario { text, goal } => self
                .expr_expecting(goal, &Type::Bool, Place::Scenario)
                .map(|goal| CommandKind::Scenario {
                    text: text.as_ref().map(|t| t.node.clone()),
                    goal,
                }),
        };
        let (depth, scopes, expect, allowing) = self.command_options(command);
        let fair = self.fairness(command, kind.as_ref());
        let decreasing = self.measure(command, kind.as_ref());
        if let Some(kind) = kind {
            self.commands.push(Command {
                name: name.node.clone(),
                kind,
                depth,
                scopes,
                expect,
                allowing,
                fair,
                decreasing,
                span,
            });
        }
    }

    fn command_options(&mut self, command: &ast::Command) -> CommandOptions {
        let mut depth = None;
        let mut scopes: Vec<(SortId, u64, Span)> = Vec::new();
        let mut expect = None;
        let mut allowances = Vec::new();
        let mut firsts: Vec<(&'static str, Span)> = Vec::new();
        for option in &command.options {
            // `under` and `expect r:` are resolved before the check
            // (`readings::project`).
            if let ast::CommandOptionKind::Under(_) | ast::CommandOptionKind::ExpectUnder(..) =
                option.kind
            {
                continue;
            }
            let key = option.kind.key();
            if let Some((_, first)) = firsts.iter().find(|(k, _)| *k == key) {
                let first = *first;
                self.error(CheckError::DuplicateOption {
                    option: key.into(),
                    span: option.span,
                    first,
                });
                continue;
            }
            firsts.push((key, option.span));
            match &option.kind {
                // Checked with the command's property (`fairness`,
                // `measure`).
                ast::CommandOptionKind::Fair(_)
                | ast::CommandOptionKind::Decreasing(..)
                | ast::CommandOptionKind::Under(_)
                | ast::CommandOptionKind::ExpectUnder(..) => {}
                ast::CommandOptionKind::Depth(value) => match depth_out_of_range(value) {
                    None => depth = Some(value.node),
                    Some(error) => self.error(error),
                },
                ast::CommandOptionKind::Scope(items) => {
                    for (sort, size) in items {
                        if let Some(id) = self.scope_sort(sort) {
                            if let Some((_, _, first)) = scopes.iter().find(|(s, _, _)| *s == id) {
                                let first = *first;
                                self.error(CheckError::DuplicateOption {
                                    option: format!("scope {}", sort.node),
                                    span: sort.span,
                                    first,
                                });
                            } else if size.node == 0 || size.node > MAX_SCOPE {
                                self.error(CheckError::OptionOutOfRange {
                                    option: "scope",
                                    value: size.node,
                                    allowed: format!("1 to {MAX_SCOPE} elements"),
                                    advice: "a scope is the number of elements a sort has in this command (3 by default); every sort has at least one",
                                    span: size.span,
                                });
                            } else if size.node < self.sorts[id.0].names.len() as u64 {
                                let declared = &self.sorts[id.0];
                                self.error(CheckError::ScopeBelowNames {
                                    sort: sort.node.clone(),
                                    size: size.node,
                                    names: declared.names.len(),
                                    span: size.span,
                                    declared: declared.span,
                                });
                            } else {
                                scopes.push((id, size.node, sort.span));
                            }
                        }
                    }
                }
                ast::CommandOptionKind::Expect(expectation, allowing) => {
                    self.check_expectation(command, *expectation, option.span);
                    expect = Some(*expectation);
                    allowances = self.allowances(*expectation, allowing);
                }
            }
        }
        let scopes = scopes.into_iter().map(|(id, size, _)| (id, size)).collect();
        (depth, scopes, expect, allowances)
    }

    /// The blockings an expectation acknowledges (`allowing …`): only after
    /// a verdict that holds; each a kind `charter lint` knows, about an
    /// event (clashes, dead events) or a clause (dead rules, exceptions,
    /// defaults) of the spec.
    fn allowances(
        &mut self,
        expectation: Expectation,
        allowing: &[ast::Allowed],
    ) -> Vec<Allowance> {
        let holds = matches!(
            expectation,
            Expectation::Proved | Expectation::NoCounterexample | Expectation::NoWitness
        );
        if let (false, Some(first)) = (holds, allowing.first()) {
            self.error(CheckError::MisplacedAllowing {
                expectation: expectation.as_str(),
                span: first.span,
            });
            return Vec::new();
        }
        let mut allowances = Vec::new();
        for allowed in allowing {
            let Some(kind) = Blocking::parse(&allowed.kind.node) else {
                let kinds = Blocking::ALL.iter().map(|k| k.as_str());
                let suggestion = suggest(&allowed.kind.node, kinds, &mut self.suggestion_work)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                self.error(CheckError::UnknownBlocking {
                    kind: allowed.kind.node.clone(),
                    suggestion,
                    span: allowed.kind.span,
                });
                continue;
            };
            if let Some(subject) = &allowed.subject {
                let fits = |g: Global| match kind.about_event() {
                    true => matches!(g, Global::Event(_)),
                    false => matches!(g, Global::Clause),
                };
                match self.global(&subject.node) {
                    Some(global) if fits(global) => {}
                    Some(other) => {
                        let expected = if kind.about_event() {
                            "an event"
                        } else {
                            "a clause"
                        };
                        self.error(CheckError::NotAValue {
                            name: subject.node.clone(),
                            what: self.what(other),
                            expected,
                            span: subject.span,
                            help: Some(format!(
                                "`{}` is about {expected}: `clash` and `dead_event` name events; `dead_rule`, `dead_exception` and `dead_default` name clauses",
                                kind.as_str()
                            )),
                        });
                        continue;
                    }
                    None => {
                        let what = if kind.about_event() {
                            "event"
                        } else {
                            "clause"
                        };
                        self.unknown(subject, what, fits);
                        continue;
                    }
                }
            }
            allowances.push(Allowance {
                kind,
                subject: allowed.subject.as_ref().map(|s| s.node.clone()),
                span: allowed.span,
            });
        }
        allowances
    }

    fn scope_sort(&mut self, sort: &Ident) -> Option<SortId> {
        match self.global(&sort.node) {
            Some(Global::Sort(id)) => {
                self.sort_used[id.0] = true;
                if let SortKind::Enum(_) = self.sorts[id.0].kind {
                    self.error(CheckError::ScopeNotAbstract {
                        name: sort.node.clone(),
                        what: "an enum",
                        span: sort.span,
                    });
                    return None;
                }
                Some(id)
            }
            Some(other) => {
                self.error(CheckError::ScopeNotAbstract {
                    name: sort.node.clone(),
                    what: self.what(other),
                    span: sort.span,
                });
                None
            }
            None => {
                self.unknown(sort, "sort", |g| matches!(g, Global::Sort(_)));
                None
            }
        }
    }

    fn check_expectation(&mut self, command: &ast::Command, expectation: Expectation, span: Span) {
        use Expectation::*;
        let (name, allowed, possible): (&'static str, &[Expectation], &'static str) =
            match command.kind {
                ast::CommandKind::Check => (
                    "check",
                    &[Counterexample, NoCounterexample, Unknown],
                    "`counterexample`, `no counterexample` or `unknown`",
                ),
                ast::CommandKind::Prove => (
                    "prove",
                    &[Proved, Counterexample, Unknown],
                    "`proved`, `counterexample` or `unknown`",
                ),
                ast::CommandKind::Scenario { .. } => (
                    "scenario",
                    &[Witness, NoWitness, Unknown],
                    "`witness`, `no witness` or `unknown`",
                ),
                ast::CommandKind::Compare { .. } | ast::CommandKind::Diverge { .. } => return,
            };
        if !allowed.contains(&expectation) {
            self.error(CheckError::ImpossibleExpectation {
                command: name,
                expectation: expectation.as_str(),
                possible,
                span,
            });
        }
    }
}

/// The error of a command's `depth N` beyond `MAX_DEPTH` steps, if it is.
pub(super) fn depth_out_of_range(value: &Spanned<u64>) -> Option<CheckError> {
    (value.node > MAX_DEPTH).then(|| CheckError::OptionOutOfRange {
        option: "depth",
        value: value.node,
        allowed: format!("0 to {MAX_DEPTH} steps"),
        advice: "the depth bounds the length of the histories searched, in steps (10 by default)",
        span: value.span,
    })
}
