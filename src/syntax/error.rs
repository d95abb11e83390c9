//! Errors of the syntax stage. One spec produces at most one syntax error
//! (pest stops at the first), so these are returned, not accumulated.

use miette::Diagnostic;
use thiserror::Error;

use crate::span::Span;

#[derive(Clone, Debug, Error, Diagnostic, PartialEq, Eq)]
pub enum SyntaxError {
    #[error("the spec is empty")]
    #[diagnostic(
        code(charter::syntax::empty),
        help("a spec starts with a header such as `charter \"Rules of procedure\"`, followed by its declarations")
    )]
    Empty {
        #[label("nothing here but whitespace")]
        span: Span,
    },

    #[error("the spec is {size} bytes long, more than the limit of {limit} bytes")]
    #[diagnostic(
        code(charter::syntax::too_large),
        help("split the charter into several spec files; each is checked on its own")
    )]
    TooLarge {
        size: usize,
        limit: usize,
        #[label("the limit is reached here")]
        span: Span,
    },

    #[error("the spec is not valid UTF-8 text")]
    #[diagnostic(
        code(charter::syntax::invalid_utf8),
        help("save the file as UTF-8; is this a binary file rather than a spec?")
    )]
    InvalidUtf8 {
        #[label("this byte sequence is not UTF-8")]
        span: Span,
    },

    #[error("this string is never closed")]
    #[diagnostic(
        code(charter::syntax::unterminated_string),
        help("add the closing `\"`; write `\\\"` for a quotation mark inside a string. If this `\"` looks like the end of a string, an earlier string lacks its closing `\"`")
    )]
    UnterminatedString {
        #[label("the string starts here and runs to the end of the file")]
        span: Span,
    },

    #[error("this block comment is never closed")]
    #[diagnostic(
        code(charter::syntax::unterminated_comment),
        help("close the comment with `*/`; block comments do not nest")
    )]
    UnterminatedComment {
        #[label("the comment starts here and runs to the end of the file")]
        span: Span,
    },

    #[error("this `{open}` is never closed")]
    #[diagnostic(
        code(charter::syntax::unclosed_delimiter),
        help("add the matching closing bracket")
    )]
    UnclosedDelimiter {
        open: char,
        #[label("opened here")]
        span: Span,
    },

    #[error("`{found}` closes nothing")]
    #[diagnostic(
        code(charter::syntax::unexpected_delimiter),
        help("remove it, or add the opening bracket it belongs to")
    )]
    UnexpectedDelimiter {
        found: char,
        #[label("no bracket is open here")]
        span: Span,
    },

    #[error("`{close}` does not match the `{open}` it closes")]
    #[diagnostic(
        code(charter::syntax::mismatched_delimiter),
        help("brackets must close in the reverse order they were opened")
    )]
    MismatchedDelimiter {
        open: char,
        close: char,
        #[label("opened here")]
        open_span: Span,
        #[label(primary, "closed here")]
        span: Span,
    },

    #[error("brackets are nested more than {limit} levels deep")]
    #[diagnostic(
        code(charter::syntax::too_deep),
        help("name the inner parts with `define` to flatten the expression")
    )]
    TooDeep {
        limit: usize,
        #[label("this bracket is one level too many")]
        span: Span,
    },

    #[error("this expression is nested more than {limit} operators deep")]
    #[diagnostic(
        code(charter::syntax::expression_too_deep),
        help("name the inner parts with `define`, or use a quantifier instead of a long chain")
    )]
    ExpressionTooDeep {
        limit: usize,
        #[label("too deep from here")]
        span: Span,
    },

    #[error("this number is too large")]
    #[diagnostic(
        code(charter::syntax::number_too_large),
        help("numbers must fit in 64 bits; charter's integers are bounded and small")
    )]
    NumberTooLarge {
        #[label("does not fit in 64 bits")]
        span: Span,
    },

    #[error("`{text}` is not a date")]
    #[diagnostic(
        code(charter::syntax::invalid_date),
        help("a date is written `YYYY-MM-DD` and must exist in the Gregorian calendar (29 February only in a leap year)")
    )]
    InvalidDate {
        text: String,
        #[label("no such day")]
        span: Span,
    },

    #[error("invisible character {code} ({what}) outside a string or comment")]
    #[diagnostic(code(charter::syntax::invisible_character), help("{help}"))]
    InvisibleCharacter {
        /// `U+202E`.
        code: String,
        what: &'static str,
        help: &'static str,
        #[label("an invisible character is here")]
        span: Span,
    },

    #[error("expected {expected}, found {found}")]
    #[diagnostic(code(charter::syntax::unexpected))]
    Unexpected {
        expected: String,
        found: String,
        #[label("{label}")]
        span: Span,
        label: String,
        #[help]
        help: Option<String>,
    },
}

impl SyntaxError {
    pub fn span(&self) -> Span {
        match self {
            SyntaxError::Empty { span }
            | SyntaxError::TooLarge { span, .. }
            | SyntaxError::InvalidUtf8 { span }
            | SyntaxError::UnterminatedString { span }
            | SyntaxError::UnterminatedComment { span }
            | SyntaxError::UnclosedDelimiter { span, .. }
            | SyntaxError::UnexpectedDelimiter { span, .. }
            | SyntaxError::MismatchedDelimiter { span, .. }
            | SyntaxError::TooDeep { span, .. }
            | SyntaxError::ExpressionTooDeep { span, .. }
            | SyntaxError::NumberTooLarge { span }
            | SyntaxError::InvalidDate { span, .. }
            | SyntaxError::InvisibleCharacter { span, .. }
            | SyntaxError::Unexpected { span, .. } => *span,
        }
    }
}
