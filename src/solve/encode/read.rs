//! Reading a history back from a model, atom by atom.

use z3::Model;

use super::{RawTrace, RawValue, Unrolling, Z3Term};

impl Unrolling<'_> {
    /// Reads every state atom and input from a model.
    pub fn read(&mut self, model: &Model, steps: usize) -> RawTrace {
        self.read_model(model, steps, false)
    }

    /// Reads every state atom and input from a model, giving those it
    /// leaves free the model's default (a history where nothing is free,
    /// for a question about its last state asked of another solver).
    pub fn read_completed(&mut self, model: &Model, steps: usize) -> RawTrace {
        self.read_model(model, steps, true)
    }

    fn read_model(&mut self, model: &Model, steps: usize, complete: bool) -> RawTrace {
        let states = (0..=steps)
            .map(|step| {
                self.states[step]
                    .iter()
                    .map(|t| read_value(model, t, complete))
                    .collect()
            })
            .collect();
        let inputs = (0..steps)
            .map(|step| {
                self.inputs[step]
                    .iter()
                    .map(|t| read_value(model, t, complete))
                    .collect()
            })
            .collect();
        // Nothing reads whether each effect record applied any more (a trace
        // credits clauses from its replay), but its terms are still built
        // here, as they were when it was read: Z3 numbers terms as they are
        // made, the numbers steer its search, and a later question of the
        // same solver (minimising, blame) would find other histories.
        let system = self.system;
        for step in 0..steps {
            for effect in &system.effects {
                self.bool_at(effect.applies, step);
            }
        }
        RawTrace { states, inputs }
    }
}

fn read_value(model: &Model, term: &Z3Term, complete: bool) -> Option<RawValue> {
    match term {
        Z3Term::Bool(b) => model.eval(b, complete)?.as_bool().map(RawValue::Bool),
        Z3Term::Int(i) => model.eval(i, complete)?.as_i64().map(RawValue::Int),
    }
}
