//! A search node packed into bytes, exactly: the state's cells by their
//! positions in their types' domains (LEB128 varints; a set over a domain
//! of at most 64 elements as a bit mask, a larger one as its count and
//! positions), then the monitors of the property's past-time subformulas,
//! then the step into the state (where the property reads `happened`).
//! The encoding is canonical and decodable, so two nodes are the same node
//! exactly when their bytes are equal: the visited set compares bytes, and
//! no fingerprint collision can merge two states.

use crate::eval::{Model, Monitors, State, Value};
use crate::hir::Type;

/// The shape of a state: per constant or variable, its type and number of
/// cells.
pub struct Shape {
    cells: Vec<(Type, usize)>,
    /// The address of each monitored subformula seen, by its number in the
    /// packed bytes (addresses are long; there are few subformulas).
    operands: std::sync::Mutex<Vec<usize>>,
    /// Element domain sizes by sort, for sets and positions.
    sizes: Vec<usize>,
}

impl Shape {
    pub fn new(model: &Model, cells: Vec<(Type, usize)>) -> Shape {
        Shape {
            cells,
            operands: std::sync::Mutex::new(Vec::new()),
            sizes: model.sizes.clone(),
        }
    }

    /// The bytes of a node; `None` when a value lies outside its type
    /// (which a lawful state never has).
    pub fn pack(
        &self,
        state: &State,
        monitors: &Monitors,
        last: Option<usize>,
        out: &mut Vec<u8>,
    ) -> Option<()> {
        out.clear();
        if state.cells.len() != self.cells.len() {
            return None;
        }
        for ((ty, count), cells) in self.cells.iter().zip(&state.cells) {
            if cells.len() != *count {
                return None;
            }
            for value in cells {
                self.typed(value, ty, out)?;
            }
        }
        varint(monitors.len() as u64, out);
        let mut operands = self.operands.lock().unwrap_or_else(|e| e.into_inner());
        for ((operand, bound), (a, b)) in monitors {
            let number = match operands.iter().position(|o| o == operand) {
                Some(n) => n,
                None => {
                    operands.push(*operand);
                    operands.len() - 1
                }
            };
            varint(number as u64, out);
            varint(bound.len() as u64, out);
            for (local, value) in bound {
                varint(*local as u64, out);
                untyped(value, out);
            }
            out.push(u8::from(*a) | u8::from(*b) << 1);
        }
        varint(last.map_or(0, |l| l as u64 + 1), out);
        Some(())
    }

    /// The node packed by [`Shape::pack`].
    pub fn unpack(&self, bytes: &[u8]) -> Option<(State, Monitors, Option<usize>)> {
        let mut r = Reader { bytes, at: 0 };
        let mut state = State { cells: Vec::new() };
        for (ty, count) in &self.cells {
            let cells = (0..*count)
                .map(|_| self.read_typed(ty, &mut r))
                .collect::<Option<Vec<_>>>()?;
            state.cells.push(cells);
        }
        let mut monitors = Monitors::new();
        let operands = self.operands.lock().unwrap_or_else(|e| e.into_inner());
        for _ in 0..r.varint()? {
            let operand = *operands.get(usize::try_from(r.varint()?).ok()?)?;
            let bound = (0..r.varint()?)
                .map(|_| Some((usize::try_from(r.varint()?).ok()?, r.untyped()?)))
                .collect::<Option<Vec<_>>>()?;
            let flags = r.byte()?;
            monitors.insert((operand, bound), (flags & 1 != 0, flags & 2 != 0));
        }
        let last = match r.varint()? {
            0 => None,
            n => Some(usize::try_from(n - 1).ok()?),
        };
        Some((state, monitors, last))
    }

    /// The position of an element-type value in its domain.
    fn position(&self, value: &Value, ty: &Type) -> Option<u64> {
        match (value, ty) {
            (Value::Bool(b), Type::Bool) => Some(u64::from(*b)),
            (Value::Int(i), Type::Int(range)) if range.low <= *i && *i <= range.high => {
                u64::try_from(i128::from(*i) - i128::from(range.low)).ok()
            }
            (Value::Elem(e), Type::Sort(id)) if *e < self.sizes[id.0] => Some(*e as u64),
            _ => None,
        }
    }

    /// The element-type value at a position in its domain.
    fn at_position(&self, position: u64, ty: &Type) -> Option<Value> {
        match ty {
            Type::Bool if position < 2 => Some(Value::Bool(position == 1)),
            Type::Int(range) => {
                let value = i64::try_from(i128::from(range.low) + i128::from(position)).ok()?;
                (value <= range.high).then_some(Value::Int(value))
            }
            Type::Sort(id) => {
                let e = usize::try_from(position).ok()?;
                (e < self.sizes[id.0]).then_some(Value::Elem(e))
            }
            _ => None,
        }
    }

    fn typed(&self, value: &Value, ty: &Type, out: &mut Vec<u8>) -> Option<()> {
        match (value, ty) {
            (Value::Opt(None), Type::Option(_)) => out.push(0),
            (Value::Opt(Some(inner)), Type::Option(inner_ty)) => {
                out.push(1);
                self.typed(inner, inner_ty, out)?;
            }
            (Value::Set(members), Type::Set(element)) => {
                let size = element.domain_size(&self.sizes);
                if size <= 64 {
                    let mut mask = 0u64;
                    for m in members {
                        mask |= 1 << self.position(m, element)?;
                    }
                    out.extend_from_slice(&mask.to_le_bytes()[..size.div_ceil(8)]);
                } else {
                    varint(members.len() as u64, out);
                    for m in members {
                        varint(self.position(m, element)?, out);
                    }
                }
            }
            (Value::Bool(b), Type::Bool) => out.push(u8::from(*b)),
            _ => varint(self.position(value, ty)?, out),
        }
        Some(())
    }

    fn read_typed(&self, ty: &Type, r: &mut Reader) -> Option<Value> {
        match ty {
            Type::Option(inner) => match r.byte()? {
                0 => Some(Value::Opt(None)),
                _ => Some(Value::Opt(Some(Box::new(self.read_typed(inner, r)?)))),
            },
            Type::Set(element) => {
                let size = element.domain_size(&self.sizes);
                let mut members = Vec::new();
                if size <= 64 {
                    let mut word = [0u8; 8];
                    let width = size.div_ceil(8);
                    word[..width].copy_from_slice(r.take(width)?);
                    let mask = u64::from_le_bytes(word);
                    for position in (0..64).filter(|p| mask & (1 << p) != 0) {
                        members.push(self.at_position(position, element)?);
                    }
                } else {
                    for _ in 0..r.varint()? {
                        members.push(self.at_position(r.varint()?, element)?);
                    }
                }
                Some(Value::Set(members))
            }
            Type::Bool => Some(Value::Bool(r.byte()? != 0)),
            _ => self.at_position(r.varint()?, ty),
        }
    }
}

/// A value of any type, with a tag: the bound values of monitors, whose
/// types the packing does not track.
fn untyped(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Bool(b) => out.push(u8::from(*b)),
        Value::Int(i) => {
            out.push(2);
            // Zigzag: small magnitudes of either sign stay short.
            varint(((i << 1) ^ (i >> 63)) as u64, out);
        }
        Value::Elem(e) => {
            out.push(3);
            varint(*e as u64, out);
        }
        Value::Opt(None) => out.push(4),
        Value::Opt(Some(inner)) => {
            out.push(5);
            untyped(inner, out);
        }
        Value::Set(members) | Value::Table(members) => {
            out.push(if matches!(value, Value::Set(_)) { 6 } else { 7 });
            varint(members.len() as u64, out);
            for m in members {
                untyped(m, out);
            }
        }
    }
}

/// LEB128: seven bits a byte, low first.
fn varint(mut n: u64, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let slice = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(slice)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    fn untyped(&mut self) -> Option<Value> {
        Some(match self.byte()? {
            0 => Value::Bool(false),
            1 => Value::Bool(true),
            2 => {
                let z = self.varint()?;
                Value::Int(((z >> 1) as i64) ^ -((z & 1) as i64))
            }
            3 => Value::Elem(usize::try_from(self.varint()?).ok()?),
            4 => Value::Opt(None),
            5 => Value::Opt(Some(Box::new(self.untyped()?))),
            tag @ (6 | 7) => {
                let members = (0..self.varint()?)
                    .map(|_| self.untyped())
                    .collect::<Option<Vec<_>>>()?;
                match tag {
                    6 => Value::Set(members),
                    _ => Value::Table(members),
                }
            }
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untyped_values_round_trip() {
        let values = [
            Value::Bool(true),
            Value::Int(i64::MIN),
            Value::Int(-1),
            Value::Int(i64::MAX),
            Value::Elem(300),
            Value::Opt(Some(Box::new(Value::Set(vec![Value::Int(3)])))),
            Value::Table(vec![Value::Opt(None), Value::Elem(1)]),
        ];
        for v in values {
            let mut out = Vec::new();
            untyped(&v, &mut out);
            let mut r = Reader { bytes: &out, at: 0 };
            assert_eq!(r.untyped(), Some(v));
            assert_eq!(r.at, out.len());
        }
    }
}
