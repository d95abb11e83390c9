//! What `charter repair` refuses to do, as coded diagnostics.

use miette::Diagnostic;
use thiserror::Error;

use crate::span::Span;

#[derive(Clone, Debug, Error, Diagnostic, PartialEq, Eq)]
pub enum RepairError {
    #[error("no assertion or lemma named `{name}`")]
    #[diagnostic(code(charter::repair::unknown_property))]
    UnknownProperty {
        name: String,
        #[help]
        help: Option<String>,
    },

    #[error("`{name}` is {what}, not a property to check")]
    #[diagnostic(
        code(charter::repair::not_a_property),
        help("repair looks for rules whose removal makes an assertion or a lemma hold: name one of those with --property")
    )]
    NotAProperty {
        name: String,
        what: &'static str,
        #[label("declared here")]
        span: Span,
    },

    #[error("`{name}` is a liveness property: repair suggests changes for safety properties only")]
    #[diagnostic(
        code(charter::repair::liveness),
        help("removing a rule can make a liveness property hold only by changing which infinite histories exist, which a bounded check of the repaired spec does not show; check it with `charter verify --property {name}`")
    )]
    Liveness {
        name: String,
        #[label("`eventually` or `leads to` here")]
        span: Span,
    },

    /// The command line's scopes or depth do not fit the spec (the words
    /// of [`crate::plan::PlanError::message`]).
    #[error("{message}")]
    #[diagnostic(code(charter::repair::options))]
    Options { message: String },
}
