//! Liveness in commands: `assuming fair e, f`, the events a liveness
//! command assumes weakly fair. Each must be an event whose arguments can be
//! enumerated (an event is enabled when its `requires` hold for some
//! arguments), named once, on a command about `eventually` or `leads to`.

use super::{CheckError, Checker, Global, Place};
use crate::ast;
use crate::hir::*;

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
                let unlisted = self.events[event.0].params.iter().find_map(|local| {
                    let ty = &self.locals[local.0].ty;
                    matches!(ty, Type::Set(_) | Type::Option(_))
                        .then(|| (self.locals[local.0].name.clone(), self.type_name(ty)))
                });
                if let Some((param, ty)) = unlisted {
                    self.error(CheckError::FairEventNotEnumerable {
                        event: name.node.clone(),
                        param,
                        ty,
                        span: name.span,
                    });
                    continue;
                }
                fair.push(Fairness {
                    event,
                    span: name.span,
                });
            }
        }
        fair
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
