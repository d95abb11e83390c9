//! Byte offsets to and from LSP positions: a zero-based line and a column
//! counted in UTF-16 code units (what the protocol counts by default), so
//! that a name after Cyrillic, Chinese or astral characters is underlined
//! where it is written. Lines end at `\n`, `\r\n` or a lone `\r`.

/// The start of each line of a text, for conversions both ways.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset of each line's first character; the first is 0.
    starts: Vec<usize>,
}

/// A zero-based line and UTF-16 column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut at = 0;
        while at < bytes.len() {
            match bytes[at] {
                b'\n' => starts.push(at + 1),
                b'\r' if bytes.get(at + 1) != Some(&b'\n') => starts.push(at + 1),
                _ => {}
            }
            at += 1;
        }
        LineIndex { starts }
    }

    /// The position of a byte offset (clamped to the text, and moved back
    /// to the start of the character it falls inside).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_boundary(text, offset);
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let start = self.starts[line];
        let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
        Position {
            line: saturate(line),
            character: saturate(character),
        }
    }

    /// The byte offset of a position: a column past the end of its line is
    /// the line's end (before its line break), a line past the last is the
    /// end of the text, and a column inside a surrogate pair is the
    /// character's start.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .copied()
            .unwrap_or(text.len());
        let line = text[start..end].trim_end_matches(['\n', '\r']);
        let mut units = 0usize;
        for (at, c) in line.char_indices() {
            let next = units + c.len_utf16();
            if next > position.character as usize {
                return start + at;
            }
            units = next;
        }
        start + line.len()
    }
}

fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) {
        let index = LineIndex::new(text);
        for (offset, c) in text.char_indices().chain([(text.len(), ' ')]) {
            if c == '\n' && text[..offset].ends_with('\r') {
                continue; // inside a `\r\n`: not a place a position names
            }
            let position = index.position(text, offset);
            let back = index.offset(text, position);
            assert_eq!(back, offset, "{text:?} at {offset}: {position:?}");
        }
    }

    #[test]
    fn columns_count_utf16_code_units() {
        // `Совет` is 5 characters, 10 bytes, 5 UTF-16 units; `𝔄` is 4 bytes
        // and 2 UTF-16 units (a surrogate pair); `会议` 6 bytes, 2 units.
        let text = "var Совет: Bool\n𝔄 会议 x\r\nlast\rz";
        let index = LineIndex::new(text);
        let x = text.find(" x").unwrap_or(0) + 1;
        assert_eq!(
            index.position(text, x),
            Position {
                line: 1,
                character: 6
            }
        );
        let colon = text.find(':').unwrap_or(0);
        assert_eq!(
            index.position(text, colon),
            Position {
                line: 0,
                character: 9
            }
        );
        let z = text.len() - 1;
        assert_eq!(
            index.position(text, z),
            Position {
                line: 3,
                character: 0
            }
        );
        assert_eq!(
            index.offset(
                text,
                Position {
                    line: 1,
                    character: 6
                }
            ),
            x
        );
        // Inside the surrogate pair: the character's start.
        let astral = text.find('𝔄').unwrap_or(0);
        assert_eq!(
            index.offset(
                text,
                Position {
                    line: 1,
                    character: 1
                }
            ),
            astral
        );
        // Past the end of a line, and past the last line.
        assert_eq!(
            index.offset(
                text,
                Position {
                    line: 0,
                    character: 99
                }
            ),
            text.find('\n').unwrap_or(0)
        );
        assert_eq!(
            index.offset(
                text,
                Position {
                    line: 9,
                    character: 0
                }
            ),
            text.len()
        );
        // Offsets inside a character are moved to its start.
        assert_eq!(
            index.position(text, 5),
            Position {
                line: 0,
                character: 4
            }
        );
    }

    #[test]
    fn positions_round_trip() {
        round_trip("charter \"t\"\nenum Член { Один, 二 }\n\n𝔄𝔅 = 1\r\n");
        round_trip("");
        round_trip("\n\n");
    }
}
