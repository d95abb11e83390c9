//! Liveness in commands: `assuming fair e, f`, the events a liveness
//! command assumes weakly fair. Each must be an event whose arguments can be
//! enumerated (an event is enabled when its `requires` hold for some
//! arguments), named once, on a command about `eventually` or `leads to`.
//! An event declared `fair event e` is assumed by every such command.

use super::{CheckError, Checker, Global, Place};
use crate::ast;
use crate::hir::*;
use crate::span::{Ident, Span};

impl Checker {
    pub(super) fn fairness(
        &mut self,
        command: &ast::Command,
        kind: Option<&CommandKind>,
    ) -> Vec<Fairness> {
        let mut fair: Vec<Fairness> = Vec::new();
        for option in &command.options {
            let ast::CommandOptionKind::Fair(events) = &option.kind else {
                continue;
            };
            if let Some(what) = self.not_liveness(kind) {
                self.error(CheckError::FairnessWithoutLiveness {
                    what,
                    span: option.span,
                });
                continue;
            }
            for name in events {
                let event = match self.global(&name.node) {
                    Some(Global::Event(id)) => id,
                    Some(other) => {
                        self.error(CheckError::NotAValue {
                            name: name.node.clone(),
                            what: self.what(other),
                            expected: "an event",
                            span: name.span,
                            help: Some("`assuming fair` names events".into()),
                        });
                        continue;
                    }
                    None => {
                        self.unknown(name, "event", |g| matches!(g, Global::Event(_)));
                        continue;
                    }
                };
                if let Some(first) = fair.iter().find(|f| f.event == event) {
                    let first = first.span;
                    self.error(CheckError::DuplicateName {
                        name: name.node.clone(),
                        action: "listed",
                        help: "an event is assumed fair once",
                        span: name.span,
                        first,
                    });
                    continue;
                }
                if !self.enumerable_for_fairness(event, name) {
                    continue;
                }
                fair.push(Fairness {
                    event,
                    span: name.span,
                });
            }
        }
        // `fair event e`: every liveness command assumes it too (once).
        let liveness = matches!(
            kind,
            Some(CommandKind::Check(id) | CommandKind::Prove(id))
                if self.formula_kinds.get(id.0).is_some_and(|k| k.is_liveness())
        );
        if liveness {
            for declared in &self.declared_fair {
                if !fair.iter().any(|f| f.event == declared.event) {
                    fair.push(declared.clone());
                }
            }
        }
        fair
    }

    /// `fair event e`: kept for every liveness command, if its arguments
    /// can be enumerated.
    pub(super) fn declare_fair(&mut self, event: EventId, name: &Ident, span: Span) {
        if self.enumerable_for_fairness(event, name) {
            self.declared_fair.push(Fairness { event, span });
        }
    }

    /// Whether the event's arguments can be enumerated (to tell whether it
    /// is enabled); otherwise says so at `name`.
    fn enumerable_for_fairness(&mut self, event: EventId, name: &Ident) -> bool {
        let unlisted = self.events[event.0].params.iter().find_map(|local| {
            let ty = &self.locals[local.0].ty;
            let function = !self.locals[local.0].args.is_empty();
            (function || matches!(ty, Type::Set(_) | Type::Option(_))).then(|| {
                let decl = &self.locals[local.0];
                let args: Vec<String> = decl.args.iter().map(|a| self.type_name(a)).collect();
                let ty = match args.as_slice() {
                    [] => self.type_name(ty),
                    [arg] => format!("{arg} -> {}", self.type_name(ty)),
                    _ => format!("({}) -> {}", args.join(", "), self.type_name(ty)),
                };
                (decl.name.clone(), ty)
            })
        });
        let Some((param, ty)) = unlisted else {
            return true;
        };
        self.error(CheckError::FairEventNotEnumerable {
            event: name.node.clone(),
            param,
            ty,
            span: name.span,
        });
        false
    }
}

impl Checker {
    /// What a command is about when it is not a liveness property (`None`
    /// also where the property is unknown: that error is reported).
    fn not_liveness(&self, kind: Option<&CommandKind>) -> Option<&'static str> {
        match kind {
            Some(CommandKind::Check(id) | CommandKind::Prove(id)) => {
                match self.formula_kinds.get(id.0) {
                    Some(kind) if kind.is_liveness() => None,
                    _ => Some("a safety property"),
                }
            }
            Some(CommandKind::Scenario { .. }) => Some("a scenario"),
            None => None,
        }
    }

    /// `decreasing M`: an integer measure of the state (no past, no
    /// events: the loop detector's saved copy keeps the state only), on a
    /// `prove` of a liveness property.
    pub(super) fn measure(
        &mut self,
        command: &ast::Command,
        kind: Option<&CommandKind>,
    ) -> Option<Measure> {
        let mut measure = None;
        for option in &command.options {
            let ast::CommandOptionKind::Decreasing(expr, text) = &option.kind else {
                continue;
            };
            let about = match (self.not_liveness(kind), kind) {
                (None, Some(CommandKind::Check(_))) => Some("a bounded search (`check`)"),
                (about, _) => about,
            };
            if let Some(what) = about {
                self.error(CheckError::MeasureWithoutLivenessProof {
                    what,
                    span: option.span,
                });
                continue;
            }
            let Some(checked) = self.expr(expr, None, Place::Measure) else {
                continue;
            };
            if !matches!(checked.ty, Type::Int(_)) {
                self.error(CheckError::MeasureNotInt {
                    found: self.type_name(&checked.ty),
                    span: checked.span,
                });
                continue;
            }
            // A repeated option is reported by `command_options`.
            if measure.is_none() {
                measure = Some(Measure {
                    expr: checked,
                    text: text.clone(),
                });
            }
        }
        measure
    }
}
