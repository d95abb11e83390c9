//! Files side by side (`--jobs N`): each file is run on one of N threads,
//! and what each says is written in the order of the files, so the output
//! is byte for byte the output of one file after the other. With one job
//! nothing is held back: each verdict is written as soon as it is known.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use crate::output::{to_stderr, Output};

/// How many files run side by side: `requested`, else one per core.
pub fn count(requested: Option<u64>) -> usize {
    requested
        .map_or_else(
            || std::thread::available_parallelism().map_or(1, |n| n.get()),
            |n| usize::try_from(n).unwrap_or(usize::MAX),
        )
        .max(1)
}

/// Where a file's run writes: straight to standard output and error (one
/// job), or held until the files before it are written (several).
pub struct Sink {
    held: Option<Vec<(Stream, String)>>,
}

#[derive(Clone, Copy)]
enum Stream {
    Out,
    Err,
}

impl Sink {
    fn new(hold: bool) -> Sink {
        Sink {
            held: hold.then(Vec::new),
        }
    }

    /// Writes `text` to standard output.
    pub fn out(&mut self, text: &str) {
        self.write(Stream::Out, text);
    }

    /// Writes `text` to standard error.
    pub fn err(&mut self, text: &str) {
        self.write(Stream::Err, text);
    }

    fn write(&mut self, stream: Stream, text: &str) {
        match &mut self.held {
            Some(held) => held.push((stream, text.to_string())),
            None => emit(stream, text),
        }
    }

    /// Writes what was held, in the order it was said.
    fn release(self) {
        for (stream, text) in self.held.into_iter().flatten() {
            emit(stream, &text);
        }
    }
}

fn emit(stream: Stream, text: &str) {
    match stream {
        Stream::Out => {
            let _ = Output::new().write_all(text.as_bytes());
        }
        Stream::Err => to_stderr(text),
    }
}

/// Runs `work` on each item, `jobs` at a time, and hands each result to
/// `done` in the items' order, after what its run said is written. `done`
/// returns whether to go on: once it says no, no further item starts and
/// no further result is handed over (an interruption).
pub fn in_order<T: Sync, R: Send>(
    items: &[T],
    jobs: usize,
    work: impl Fn(&T, &mut Sink) -> R + Sync,
    mut done: impl FnMut(R) -> bool,
) {
    if jobs <= 1 || items.len() <= 1 {
        for item in items {
            let mut sink = Sink::new(false);
            if !done(work(item, &mut sink)) {
                return;
            }
        }
        return;
    }
    let stop = AtomicBool::new(false);
    let next = std::sync::Mutex::new(0usize);
    let (send, receive) = mpsc::channel::<(usize, Sink, R)>();
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(items.len()) {
            let send = send.clone();
            let (stop, next, work) = (&stop, &next, &work);
            scope.spawn(move || loop {
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                let index = {
                    let Ok(mut next) = next.lock() else { return };
                    let index = *next;
                    *next += 1;
                    index
                };
                let Some(item) = items.get(index) else {
                    return;
                };
                let mut sink = Sink::new(true);
                let result = charter::with_stack(|| work(item, &mut sink));
                if send.send((index, sink, result)).is_err() {
                    return;
                }
            });
        }
        drop(send);
        // Results arrive in any order; each is handed over once those
        // before it are.
        let mut waiting: std::collections::BTreeMap<usize, (Sink, R)> = Default::default();
        let mut wanted = 0;
        for (index, sink, result) in receive.iter() {
            waiting.insert(index, (sink, result));
            while let Some((sink, result)) = waiting.remove(&wanted) {
                wanted += 1;
                sink.release();
                if !done(result) {
                    stop.store(true, Ordering::SeqCst);
                    return;
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_the_items_order_whichever_finishes_first() {
        let items: Vec<u64> = (0..12).collect();
        let mut seen = Vec::new();
        in_order(
            &items,
            3,
            |item, _| {
                // Later items finish first.
                std::thread::sleep(std::time::Duration::from_millis(30 - 2 * item));
                *item
            },
            |result| {
                seen.push(result);
                true
            },
        );
        assert_eq!(seen, items);
    }

    #[test]
    fn nothing_is_handed_over_after_done_says_stop() {
        let items: Vec<u64> = (0..20).collect();
        let mut seen = Vec::new();
        in_order(
            &items,
            2,
            |item, _| *item,
            |result| {
                seen.push(result);
                result < 4
            },
        );
        assert_eq!(seen, vec![0, 1, 2, 3, 4]);
    }
}
