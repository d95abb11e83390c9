//! Domains and allocation: the values of finite types, fresh atoms and
//! inputs for a value of a type (with its well-formedness), and the
//! declaration of every state's cells and every event's selector and
//! parameters.

use crate::hir::*;
use crate::ir::*;

use super::{Lowerer, Val};

/// Where a new leaf of a value is allocated.
#[derive(Clone, Copy)]
enum Leaf<'a> {
    State(&'a Owner),
    Input(&'a InputOwner),
}

/// Whether a well-formedness term of a value is an integer's declared
/// range (a state's: `ir::Origin::Range`, which lint may blame) rather
/// than the shape of the encoding.
#[derive(Clone, Copy)]
struct IsRange(bool);

impl Lowerer<'_> {
    // ------------------------------------------------------------ domains

    pub(super) fn domain_size(&self, ty: &Type) -> usize {
        ty.domain_size(&self.sizes)
    }

    /// The abstract sort a domain's indices range over, for symmetry.
    fn symmetric_sort(&self, ty: &Type) -> Option<SortId> {
        match ty {
            Type::Sort(id) if self.charter.sort(*id).kind == SortKind::Abstract => Some(*id),
            _ => None,
        }
    }

    /// The `index`th value of a finite type.
    pub(super) fn concrete(&mut self, ty: &Type, index: usize) -> Val {
        match ty {
            Type::Bool => Val::Bool(self.terms.constant(index == 1)),
            Type::Int(range) => Val::Int(self.terms.int(range.low + index as i64)),
            Type::Sort(id) => Val::Elem(
                (0..self.sizes[id.0])
                    .map(|i| self.terms.constant(i == index))
                    .collect(),
            ),
            Type::Option(_) | Type::Set(_) => self.default_value(ty),
        }
    }

    /// The first value of a type: false, the low end of a range, element
    /// 0, none, the empty set.
    pub(super) fn first_value(&mut self, ty: &Type) -> Val {
        match ty {
            Type::Bool | Type::Int(_) | Type::Sort(_) => self.concrete(ty, 0),
            Type::Option(_) | Type::Set(_) => self.default_value(ty),
        }
    }

    /// The value an absent option holds: fixed, and the same under any
    /// permutation of an abstract sort (an element is no bit set).
    pub(super) fn default_value(&mut self, ty: &Type) -> Val {
        match ty {
            Type::Bool => Val::Bool(FALSE),
            Type::Int(range) => Val::Int(self.terms.int(range.low)),
            Type::Sort(id) => Val::Elem(vec![FALSE; self.sizes[id.0]]),
            Type::Option(inner) => Val::Opt(FALSE, Box::new(self.default_value(inner))),
            Type::Set(element) => Val::Set(vec![FALSE; self.domain_size(element)]),
        }
    }

    /// For each index of a finite type, whether `val` is that value.
    pub(super) fn index_of(&mut self, val: &Val, ty: &Type) -> Vec<TermId> {
        match (val, ty) {
            (Val::Elem(bits), _) => bits.clone(),
            (Val::Bool(b), _) => {
                let not_b = self.terms.not(*b);
                vec![not_b, *b]
            }
            (Val::Int(t), Type::Int(range)) => (range.low..=range.high)
                .map(|value| {
                    let value = self.terms.int(value);
                    self.terms.int_eq(*t, value)
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    // ------------------------------------------------------------ allocation

    /// Allocates fresh atoms (or inputs) for a value of type `ty`, adding
    /// its well-formedness to `domain` (as terms over `Now`, each marked
    /// whether it is an integer's declared range).
    fn alloc(
        &mut self,
        ty: &Type,
        name: &str,
        leaf: Leaf,
        address: &mut Address,
        domain: &mut Vec<(TermId, IsRange)>,
    ) -> Val {
        match ty {
            Type::Bool => Val::Bool(self.leaf(Kind::Bool, name, leaf, address)),
            Type::Int(range) => {
                let kind = Kind::Int {
                    low: range.low,
                    high: range.high,
                };
                let atom = self.leaf(kind, name, leaf, address);
                let low = self.terms.int(range.low);
                let high = self.terms.int(range.high);
                let above = self.terms.le(low, atom);
                let below = self.terms.le(atom, high);
                domain.push((above, IsRange(true)));
                domain.push((below, IsRange(true)));
                Val::Int(atom)
            }
            Type::Sort(id) => {
                let bits = self.alloc_bits(*id, name, leaf, address);
                let one = self.terms.exactly(&bits, 1);
                domain.push((one, IsRange(false)));
                Val::Elem(bits)
            }
            Type::Option(inner) if matches!(inner.as_ref(), Type::Sort(_)) => {
                // An optional element: at most one bit, none when absent.
                // (A fixed "default element" would break the symmetry of
                // abstract sorts.)
                let Type::Sort(id) = inner.as_ref() else {
                    return Val::Bool(FALSE);
                };
                address.address.push(0);
                address.sorts.push(None);
                let flag = self.leaf(Kind::Bool, &format!("{name}.some"), leaf, address);
                address.address.pop();
                address.sorts.pop();
                address.address.push(1);
                address.sorts.push(None);
                let bits = self.alloc_bits(*id, name, leaf, address);
                address.address.pop();
                address.sorts.pop();
                let at_most_one = self.terms.at_most(&bits, 1);
                domain.push((at_most_one, IsRange(false)));
                let any = self.terms.or(bits.clone());
                let flag_is_any = self.terms.iff(flag, any);
                domain.push((flag_is_any, IsRange(false)));
                Val::Opt(flag, Box::new(Val::Elem(bits)))
            }
            Type::Option(inner) => {
                address.address.push(0);
                address.sorts.push(None);
                let flag = self.leaf(Kind::Bool, &format!("{name}.some"), leaf, address);
                address.address.pop();
                address.sorts.pop();
                address.address.push(1);
                address.sorts.push(None);
                let value = self.alloc(inner, name, leaf, address, domain);
                address.address.pop();
                address.sorts.pop();
                // Absent options hold the default value, so that equal
                // options are equal atom for atom.
                let default = self.default_value(inner);
                let canonical = self.equal(&value, &default);
                let present_or_default = self.terms.or2(flag, canonical);
                domain.push((present_or_default, IsRange(false)));
                Val::Opt(flag, Box::new(value))
            }
            Type::Set(element) => {
                let sort = self.symmetric_sort(element);
                let size = self.domain_size(element);
                let names = self.value_names(element);
                Val::Set(
                    (0..size)
                        .map(|i| {
                            address.address.push(i as u32);
                            address.sorts.push(sort);
                            let bit = self.leaf(
                                Kind::Bool,
                                &format!("{name}[{}]", names[i]),
                                leaf,
                                address,
                            );
                            address.address.pop();
                            address.sorts.pop();
                            bit
                        })
                        .collect(),
                )
            }
        }
    }

    /// One Boolean per element of a sort, for a one-hot value.
    fn alloc_bits(
        &mut self,
        sort: SortId,
        name: &str,
        leaf: Leaf,
        address: &mut Address,
    ) -> Vec<TermId> {
        let symmetric = self.symmetric_sort(&Type::Sort(sort));
        let names = self.element_names(sort);
        let first_input = self.inputs.len();
        let bits = (0..self.sizes[sort.0])
            .map(|i| {
                address.address.push(i as u32);
                address.sorts.push(symmetric);
                let bit = self.leaf(Kind::Bool, &format!("{name}={}", names[i]), leaf, address);
                address.address.pop();
                address.sorts.pop();
                bit
            })
            .collect();
        for input in &mut self.inputs[first_input..] {
            input.exclusive = true;
        }
        bits
    }

    fn leaf(&mut self, kind: Kind, name: &str, leaf: Leaf, address: &Address) -> TermId {
        match leaf {
            Leaf::State(owner) => {
                let id = AtomId(self.atoms.len() as u32);
                self.atoms.push(AtomInfo {
                    name: name.to_string(),
                    kind,
                    owner: owner.clone(),
                    address: address.clone(),
                });
                self.terms.state(id, Time::Now, kind)
            }
            Leaf::Input(owner) => {
                let id = InputId(self.inputs.len() as u32);
                self.inputs.push(InputInfo {
                    name: name.to_string(),
                    kind,
                    owner: owner.clone(),
                    address: address.clone(),
                    exclusive: false,
                });
                self.terms.input(id, kind)
            }
        }
    }

    fn element_names(&self, sort: SortId) -> Vec<String> {
        let s = self.charter.sort(sort);
        match &s.kind {
            SortKind::Enum(values) => values.clone(),
            SortKind::Abstract => (0..self.sizes[sort.0]).map(|i| s.element_name(i)).collect(),
        }
    }

    fn value_names(&self, ty: &Type) -> Vec<String> {
        match ty {
            Type::Bool => vec!["false".into(), "true".into()],
            Type::Int(range) => (range.low..=range.high).map(|v| v.to_string()).collect(),
            Type::Sort(id) => self.element_names(*id),
            Type::Option(_) | Type::Set(_) => Vec::new(),
        }
    }

    /// All argument tuples of a function with these argument types, in
    /// row-major order.
    pub(super) fn tuples(&self, args: &[Type]) -> Vec<Vec<usize>> {
        let mut tuples = vec![Vec::new()];
        for arg in args {
            let size = self.domain_size(arg);
            tuples = tuples
                .into_iter()
                .flat_map(|prefix| {
                    (0..size).map(move |i| {
                        let mut tuple = prefix.clone();
                        tuple.push(i);
                        tuple
                    })
                })
                .collect();
        }
        tuples
    }

    pub(super) fn declare_state(&mut self) {
        for (index, state) in self.charter.states.iter().enumerate() {
            let owner = Owner::State(StateId(index));
            let mut cells = Vec::new();
            for tuple in self.tuples(&state.args) {
                let names: Vec<String> = tuple
                    .iter()
                    .zip(&state.args)
                    .map(|(i, ty)| self.value_names(ty)[*i].clone())
                    .collect();
                let name = if names.is_empty() {
                    state.name.clone()
                } else {
                    format!("{}({})", state.name, names.join(","))
                };
                let mut address = Address {
                    address: tuple.iter().map(|i| *i as u32).collect(),
                    sorts: state
                        .args
                        .iter()
                        .map(|ty| self.symmetric_sort(ty))
                        .collect(),
                };
                let mut domain = Vec::new();
                let val = self.alloc(
                    &state.ty,
                    &name,
                    Leaf::State(&owner),
                    &mut address,
                    &mut domain,
                );
                for (term, IsRange(range)) in domain {
                    let origin = match range {
                        true => Origin::Range {
                            state: StateId(index),
                        },
                        false => Origin::Domain,
                    };
                    self.invariants.push(Constraint { term, origin });
                }
                if state.kind == StateKind::Const {
                    let next = self.at(&val, Time::Next);
                    let term = self.equal(&next, &val);
                    self.trans.push(Constraint {
                        term,
                        origin: Origin::Rigid {
                            state: StateId(index),
                        },
                    });
                }
                cells.push((tuple, val));
            }
            self.cells.push(cells);
        }
    }

    pub(super) fn declare_events(&mut self) {
        let mut selectors = Vec::new();
        for (index, event) in self.charter.events.iter().enumerate() {
            let id = EventId(index);
            let owner = InputOwner::Selector(id);
            let address = Address {
                address: Vec::new(),
                sorts: Vec::new(),
            };
            let selector = self.leaf(Kind::Bool, &event.name, Leaf::Input(&owner), &address);
            selectors.push(selector);
            let mut params = Vec::new();
            for (position, local) in event.params.iter().enumerate() {
                let local = self.charter.local(*local).clone();
                let owner = InputOwner::Param(id, position);
                let mut address = Address {
                    address: Vec::new(),
                    sorts: Vec::new(),
                };
                let mut domain = Vec::new();
                let name = format!("{}.{}", event.name, local.name);
                let val = if local.args.is_empty() {
                    self.alloc(
                        &local.ty,
                        &name,
                        Leaf::Input(&owner),
                        &mut address,
                        &mut domain,
                    )
                } else {
                    // A function: fresh inputs at every point of its domain,
                    // each free, so the step may choose any function.
                    let values = self
                        .tuples(&local.args)
                        .into_iter()
                        .map(|tuple| {
                            let names: Vec<String> = tuple
                                .iter()
                                .zip(&local.args)
                                .map(|(i, ty)| self.value_names(ty)[*i].clone())
                                .collect();
                            let mut address = Address {
                                address: tuple.iter().map(|i| *i as u32).collect(),
                                sorts: local
                                    .args
                                    .iter()
                                    .map(|ty| self.symmetric_sort(ty))
                                    .collect(),
                            };
                            self.alloc(
                                &local.ty,
                                &format!("{name}({})", names.join(",")),
                                Leaf::Input(&owner),
                                &mut address,
                                &mut domain,
                            )
                        })
                        .collect();
                    Val::Table(values)
                };
                // An argument's range is the event's domain, not blamed.
                for (term, _) in domain {
                    self.trans.push(Constraint {
                        term,
                        origin: Origin::Domain,
                    });
                }
                params.push(val);
            }
            self.params.push(params);
        }
        let one = self.terms.exactly(&selectors, 1);
        self.trans.push(Constraint {
            term: one,
            origin: Origin::Domain,
        });
        self.selectors = selectors;
    }
}
