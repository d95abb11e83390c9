//! A linear pass over the raw bytes before pest sees them. It rejects inputs
//! that a recursive-descent parser handles badly or reports vaguely: files
//! that are too large, invalid UTF-8, unterminated strings and comments,
//! unbalanced or too deeply nested brackets, invisible characters
//! (bidirectional controls and the like) outside strings and comments.
//! Whatever passes has balanced
//! delimiters no deeper than [`MAX_NESTING`], so the parser's recursion is
//! bounded.

use super::error::SyntaxError;
use crate::span::Span;

/// Largest spec accepted, in bytes. A generated spec of 10,000 clauses is
/// about 1 MB; hand-written charters are far smaller.
pub const MAX_SOURCE_BYTES: usize = 4 * 1024 * 1024;

/// Deepest bracket nesting accepted: `(`, `[` and `{` together.
pub const MAX_NESTING: usize = 128;

/// Decodes the bytes as UTF-8 after the size check. On invalid UTF-8 the
/// span points into the lossy decoding (`String::from_utf8_lossy`), which is
/// what diagnostics display: the first replacement character.
pub fn decode(bytes: &[u8]) -> Result<&str, SyntaxError> {
    if bytes.len() > MAX_SOURCE_BYTES {
        // Point at the first character past the limit (on a char boundary of
        // the lossy text, which agrees with the bytes up to the limit only if
        // they are valid; the start of the file is always safe).
        let at = match std::str::from_utf8(&bytes[..MAX_SOURCE_BYTES]) {
            Ok(_) => MAX_SOURCE_BYTES,
            Err(_) => 0,
        };
        return Err(SyntaxError::TooLarge {
            size: bytes.len(),
            limit: MAX_SOURCE_BYTES,
            span: Span::new(at, at),
        });
    }
    std::str::from_utf8(bytes).map_err(|err| {
        let start = err.valid_up_to();
        SyntaxError::InvalidUtf8 {
            span: Span::new(start, start + char::REPLACEMENT_CHARACTER.len_utf8()),
        }
    })
}

/// Checks strings, comments and brackets.
pub fn scan(source: &str) -> Result<(), SyntaxError> {
    if source.trim().is_empty() {
        return Err(SyntaxError::Empty {
            span: Span::new(0, source.len()),
        });
    }
    let bytes = source.as_bytes();
    let mut open: Vec<(u8, usize)> = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        match bytes[pos] {
            b'"' => pos = skip_string(bytes, pos)?,
            b'/' if bytes.get(pos + 1) == Some(&b'/') => {
                while pos < bytes.len() && bytes[pos] != b'\n' {
                    pos += 1;
                }
            }
            b'/' if bytes.get(pos + 1) == Some(&b'*') => pos = skip_block_comment(bytes, pos)?,
            byte @ (b'(' | b'[' | b'{') => {
                open.push((byte, pos));
                if open.len() > MAX_NESTING {
                    return Err(SyntaxError::TooDeep {
                        limit: MAX_NESTING,
                        span: Span::new(pos, pos + 1),
                    });
                }
                pos += 1;
            }
            byte @ (b')' | b']' | b'}') => {
                let close = Span::new(pos, pos + 1);
                match open.pop() {
                    None => {
                        return Err(SyntaxError::UnexpectedDelimiter {
                            found: byte as char,
                            span: close,
                        })
                    }
                    Some((opener, at)) if closer_of(opener) != byte => {
                        return Err(SyntaxError::MismatchedDelimiter {
                            open: opener as char,
                            close: byte as char,
                            open_span: Span::new(at, at + 1),
                            span: close,
                        })
                    }
                    Some(_) => {}
                }
                pos += 1;
            }
            byte if byte.is_ascii() => pos += 1,
            // Outside strings and comments, every position here is a
            // character's first byte.
            _ => match source.get(pos..).and_then(|rest| rest.chars().next()) {
                // A byte order mark opening the file is whitespace.
                Some('\u{FEFF}') if pos == 0 => pos += '\u{FEFF}'.len_utf8(),
                Some(c) => {
                    if let Some(error) = invisible(c, Span::new(pos, pos + c.len_utf8())) {
                        return Err(error);
                    }
                    pos += c.len_utf8();
                }
                None => pos += 1,
            },
        }
    }
    match open.pop() {
        Some((opener, at)) => Err(SyntaxError::UnclosedDelimiter {
            open: opener as char,
            span: Span::new(at, at + 1),
        }),
        None => Ok(()),
    }
}

/// Refuses a character that is not seen where it stands: a bidirectional
/// control (which reorders the text displayed around it) or another of
/// Unicode's default-ignorable characters (zero-width spaces and joiners,
/// variation selectors, Hangul fillers), which would let two names that
/// look alike differ. Strings and comments may hold them; reports escape
/// the bidirectional controls there.
fn invisible(c: char, span: Span) -> Option<SyntaxError> {
    use unicode_security::general_security_profile::IdentifierType;
    use unicode_security::GeneralSecurityProfile;
    let code = format!("U+{:04X}", c as u32);
    if crate::is_bidi_control(c) {
        return Some(SyntaxError::InvisibleCharacter {
            code,
            what: "a bidirectional control",
            help: "bidirectional controls make a spec display in an order other than the one it is read in (\"Trojan Source\"); delete it. Names in right-to-left scripts need none, and strings and comments may hold them",
            span,
        });
    }
    if c.identifier_type() == Some(IdentifierType::Default_Ignorable) {
        return Some(SyntaxError::InvisibleCharacter {
            code,
            what: "a zero-width or other default-ignorable character",
            help: "it would make two names that look the same differ; delete it (strings and comments may hold it)",
            span,
        });
    }
    None
}

fn closer_of(opener: u8) -> u8 {
    match opener {
        b'(' => b')',
        b'[' => b']',
        _ => b'}',
    }
}

/// Returns the position after the closing quote.
fn skip_string(bytes: &[u8], start: usize) -> Result<usize, SyntaxError> {
    let mut pos = start + 1;
    while pos < bytes.len() {
        match bytes[pos] {
            b'\\' => pos += 2,
            b'"' => return Ok(pos + 1),
            _ => pos += 1,
        }
    }
    Err(SyntaxError::UnterminatedString {
        span: Span::new(start, start + 1),
    })
}

/// Returns the position after `*/`.
fn skip_block_comment(bytes: &[u8], start: usize) -> Result<usize, SyntaxError> {
    let mut pos = start + 2;
    while pos + 1 < bytes.len() {
        if bytes[pos] == b'*' && bytes[pos + 1] == b'/' {
            return Ok(pos + 2);
        }
        pos += 1;
    }
    Err(SyntaxError::UnterminatedComment {
        span: Span::new(start, start + 2),
    })
}
