//! The formatter's tokens: the spec's text cut into words, punctuation,
//! strings and comments, each with the line breaks written before it. The
//! text has parsed, so the cutting needs no error path: a string or a
//! comment always ends, and every other character is part of a word or a
//! punctuation mark of the grammar.

/// One token of a spec that parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token<'s> {
    pub kind: Kind,
    /// The token exactly as written (a string with its quotes and escapes).
    pub text: &'s str,
    /// Byte offset of its first character.
    pub start: usize,
    /// Line breaks between the previous token (or the start) and this one.
    pub breaks: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A name, a keyword, a number or an article's number.
    Word,
    /// A quoted text, kept byte for byte.
    Str,
    Punct,
    /// `// …` up to the end of its line (trailing blanks dropped).
    LineComment,
    /// `/* … */`, kept byte for byte.
    BlockComment,
}

impl Token<'_> {
    pub fn is_comment(&self) -> bool {
        matches!(self.kind, Kind::LineComment | Kind::BlockComment)
    }

    pub fn is(&self, text: &str) -> bool {
        self.kind != Kind::Str && !self.is_comment() && self.text == text
    }
}

/// Punctuation of the grammar, longer spellings first.
const PUNCTUATION: &[&str] = &[
    "<=>", "=>", "->", "..", "+=", "-=", "!=", "<=", ">=", "(", ")", "[", "]", "{", "}", ",", ":",
    ".", "'", "?", "=", "<", ">", "+", "-", "*", "/", "#", "|",
];

/// Whether the text starts with a date `YYYY-MM-DD` that ends there (as
/// the grammar's `date_lit`).
fn is_date(rest: &[u8]) -> bool {
    let digits = |range: std::ops::Range<usize>| {
        rest.get(range)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    digits(0..4)
        && rest.get(4) == Some(&b'-')
        && digits(5..7)
        && rest.get(7) == Some(&b'-')
        && digits(8..10)
        && !rest.get(10).is_some_and(|b| is_word_byte(*b))
}

fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80
}

/// The tokens of a text that parsed, in order.
pub fn tokens(text: &str) -> Vec<Token<'_>> {
    let bytes = text.as_bytes();
    let mut tokens: Vec<Token> = Vec::new();
    let mut pos = 0;
    let mut breaks = 0;
    while pos < bytes.len() {
        let start = pos;
        let kind = match bytes[pos] {
            b'\n' => {
                breaks += 1;
                pos += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                pos += 1;
                continue;
            }
            b'/' if bytes.get(pos + 1) == Some(&b'/') => {
                while pos < bytes.len() && bytes[pos] != b'\n' {
                    pos += 1;
                }
                Kind::LineComment
            }
            b'/' if bytes.get(pos + 1) == Some(&b'*') => {
                pos += 2;
                while pos < bytes.len() && !bytes[pos..].starts_with(b"*/") {
                    pos += 1;
                }
                pos = (pos + 2).min(bytes.len());
                Kind::BlockComment
            }
            b'"' => {
                pos += 1;
                while pos < bytes.len() && bytes[pos] != b'"' {
                    pos += if bytes[pos] == b'\\' { 2 } else { 1 };
                }
                pos = (pos + 1).min(bytes.len());
                Kind::Str
            }
            byte if (byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-'))
                && after_article(&tokens) =>
            {
                // `article 13.2`, `article S-RES-14-1946`: one word.
                while pos < bytes.len()
                    && (bytes[pos].is_ascii_alphanumeric() || matches!(bytes[pos], b'.' | b'-'))
                {
                    pos += 1;
                }
                Kind::Word
            }
            _ if is_date(&bytes[pos..]) => {
                // `2019-03-22`: one word (blanks would make it arithmetic).
                pos += 10;
                Kind::Word
            }
            byte if is_word_byte(byte) => {
                while pos < bytes.len() && is_word_byte(bytes[pos]) {
                    pos += 1;
                }
                Kind::Word
            }
            _ => {
                let rest = &text[pos..];
                let length = PUNCTUATION
                    .iter()
                    .find(|p| rest.starts_with(**p))
                    .map_or_else(
                        || rest.chars().next().map_or(1, char::len_utf8),
                        |p| p.len(),
                    );
                pos += length;
                Kind::Punct
            }
        };
        let mut end = pos.min(bytes.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        pos = end;
        let mut token_text = &text[start..end];
        if kind == Kind::LineComment {
            token_text = token_text.trim_end();
        }
        tokens.push(Token {
            kind,
            text: token_text,
            start,
            breaks,
        });
        breaks = 0;
    }
    tokens
}

/// Whether the next word is an article's number (`article` just before it).
fn after_article(tokens: &[Token]) -> bool {
    tokens
        .iter()
        .rev()
        .find(|t| !t.is_comment())
        .is_some_and(|t| t.is("article"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_words_punctuation_strings_and_comments() {
        let texts: Vec<&str> = tokens("a<=>b // c \n\"x\\\"y\" article S-1.2 {0..-3}")
            .iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(
            texts,
            [
                "a",
                "<=>",
                "b",
                "// c",
                "\"x\\\"y\"",
                "article",
                "S-1.2",
                "{",
                "0",
                "..",
                "-",
                "3",
                "}"
            ]
        );
    }
}
