//! Where each check error points, and which are warnings.

use super::CheckError;
use crate::span::Span;

impl CheckError {
    /// The primary span, for ordering diagnostics by position.
    pub fn span(&self) -> Span {
        use CheckError::*;
        match self {
            UnknownName { span, .. }
            | DuplicateName { span, .. }
            | NotAType { span, .. }
            | NotAValue { span, .. }
            | NotAProperty { span, .. }
            | LivenessOutsideAssertion { span, .. }
            | FairnessWithoutLiveness { span, .. }
            | FairEventNotEnumerable { span, .. }
            | MeasureWithoutLivenessProof { span, .. }
            | MeasureNotInt { span, .. }
            | TypeMismatch { span, .. }
            | CannotInfer { span, .. }
            | WrongArity { span, .. }
            | NotCallable { span, .. }
            | PrimeNotAllowed { span, .. }
            | PrimeNotState { span, .. }
            | PrimeOnConst { span, .. }
            | TemporalOutsideProperty { span, .. }
            | EventOutsideProperty { span, .. }
            | HappensBindingInPast { span }
            | NotEnumerable { span, .. }
            | EmptyRange { span, .. }
            | IntOutOfRange { span, .. }
            | IntegerOverflow { span, .. }
            | Nonlinear { span }
            | RecursiveDefine { span, .. }
            | OverrideCycle { span, .. }
            | NotAssignable { span, .. }
            | FunctionValue { span, .. }
            | FunctionArgument { span, .. }
            | ComprehensionArity { span, .. }
            | DuplicateOption { span, .. }
            | OptionOutOfRange { span, .. }
            | ScopeNotAbstract { span, .. }
            | ScopeBelowNames { span, .. }
            | CommandTooLarge { span, .. }
            | ImpossibleExpectation { span, .. }
            | UnknownBlocking { span, .. }
            | MisplacedAllowing { span, .. }
            | StateInConst { span, .. }
            | NoCalendar { span, .. }
            | NoCivilCalendar { span, .. }
            | CivilRangeTooWide { span, .. }
            | CivilDuration { span, .. }
            | DurationUnit { span, .. }
            | NoOrder { span, .. }
            | ExpansionTooLarge { span, .. }
            | MisplacedShare { span, .. }
            | BadShare { span, .. }
            | SelfObligation { span, .. }
            | ConfusableNames { span, .. }
            | ConfusableKeyword { span, .. }
            | MixedScriptName { span, .. }
            | ExceptionWithoutRule { span, .. }
            | EmptyClause { span, .. }
            | AmbiguousBefore { span, .. }
            | NotDefinable { span, .. }
            | NarrowingRange { span, .. }
            | Unused { span, .. } => *span,
            Literal(error) => error.span(),
            Reading(error) => error.span(),
        }
    }

    pub fn is_warning(&self) -> bool {
        matches!(
            self,
            CheckError::Unused { .. }
                | CheckError::ConfusableNames { .. }
                | CheckError::NarrowingRange { .. }
                | CheckError::ConfusableKeyword { .. }
                | CheckError::MixedScriptName { .. }
        )
    }
}
