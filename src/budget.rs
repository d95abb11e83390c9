//! The run's budget: one wall-clock limit for the whole run (`--timeout`),
//! one memory budget (`--max-memory`), and a stop signal that the binary
//! raises on Ctrl-C, SIGTERM or when its memory watch sees the budget
//! exceeded. Every engine asks [`Budget::spent`] as it goes (the bounded
//! search at every depth, the explicit engine at every candidate, the
//! solver's watcher while Z3 works), so a limit reached ends the work in
//! hand with `unknown` and the reason, never with an abort.
//!
//! The budget is shared: clones see the same clock and the same signal.
//! The library only reads the clock; measuring memory and catching signals
//! is the binary's business (the library does no I/O).
//!
//! Building a problem (lowering to terms, translating them for the solver)
//! can itself take long and much memory, in loops too deep to return from
//! at each turn: such work runs [`watched`], and its innermost loops call
//! [`tick`], which ends the watched work at once when the budget is spent
//! (by unwinding to [`watched`], which returns the stop as an `Err`; no
//! panic is reported). [`crate::with_stack`] carries the watch onto the
//! threads it starts.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

/// The default memory budget (`--max-memory`): 4 GiB, a sixth of the
/// project's reference machine (24 GiB), leaving room for a second run.
pub const DEFAULT_MAX_MEMORY: u64 = 4 << 30;

/// A limit the run reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "budget", rename_all = "snake_case")]
pub enum Spent {
    /// The run's wall-clock limit (`--timeout`), in milliseconds.
    Time { limit_ms: u64 },
    /// The process held more memory than the budget (`--max-memory`).
    Memory { limit_bytes: u64 },
    /// The user stopped the run (Ctrl-C, SIGTERM).
    Interrupted,
    /// The limit of one question, in milliseconds ([`Budget::for_query`]:
    /// each question `charter lint` asks); the run goes on.
    Query { limit_ms: u64 },
}

impl std::fmt::Display for Spent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Spent::Time { limit_ms } if limit_ms % 1000 == 0 => write!(
                f,
                "the time budget of {} s (--timeout) was spent",
                limit_ms / 1000
            ),
            Spent::Time { limit_ms } => {
                write!(f, "the time budget of {limit_ms} ms was spent")
            }
            Spent::Memory { limit_bytes } => write!(
                f,
                "the memory budget of {} MiB (--max-memory) was reached",
                limit_bytes >> 20
            ),
            Spent::Interrupted => write!(f, "the run was interrupted"),
            Spent::Query { limit_ms } if limit_ms % 1000 == 0 => write!(
                f,
                "the question's budget of {} s was spent",
                limit_ms / 1000
            ),
            Spent::Query { limit_ms } => {
                write!(f, "the question's budget of {limit_ms} ms was spent")
            }
        }
    }
}

/// Where a limit stopped the work: the limit, and the depth (or induction
/// length) being examined when it did, if the work had reached one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Stopped {
    #[serde(flatten)]
    pub spent: Spent,
    /// The depth being examined; every shorter depth was finished.
    pub depth: Option<usize>,
    /// The limit was reached before the work began (nothing was examined).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub before_start: bool,
    /// The limit was reached while the problem was being built (lowered
    /// or translated for the solver), before it was asked.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub building: bool,
}

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.depth {
            Some(0) => write!(f, "{} at depth 0", self.spent),
            Some(depth) => write!(
                f,
                "{} at depth {depth} (every depth below it was examined)",
                self.spent
            ),
            None if self.before_start => write!(f, "{} before the search began", self.spent),
            None if self.building => {
                write!(f, "{} while the problem was being built", self.spent)
            }
            None => std::fmt::Display::fmt(&self.spent, f),
        }
    }
}

const RUNNING: u8 = 0;
const MEMORY: u8 = 1;
const INTERRUPTED: u8 = 2;

#[derive(Debug)]
struct Shared {
    started: Instant,
    timeout: Option<Duration>,
    max_memory: u64,
    /// A stop raised from outside the engines (memory watch, signals).
    signal: AtomicU8,
    /// The depth the work in hand last asked about ([`Budget::check`]),
    /// `NO_DEPTH` when none: what a progress display shows.
    depth: AtomicUsize,
}

/// [`Shared::depth`] when the work in hand has reached no depth.
const NO_DEPTH: usize = usize::MAX;

/// The run's budget (see the module's documentation). Cheap to clone.
#[derive(Clone, Debug)]
pub struct Budget {
    shared: Arc<Shared>,
    /// Raised to stop only the work under this budget (see
    /// [`Budget::cancellable`]); `None` for the run's own budget.
    cancel: Option<Arc<AtomicBool>>,
    /// The end of one question's own limit, and the limit (see
    /// [`Budget::for_query`]); `None` for the run's own budget.
    deadline: Option<(Instant, Duration)>,
}

impl Default for Budget {
    /// No time limit, the default memory budget, the clock started now.
    fn default() -> Budget {
        Budget::new(None, DEFAULT_MAX_MEMORY)
    }
}

impl PartialEq for Budget {
    /// Two budgets are equal when they are the same budget (a cancellable
    /// one is the budget it was made from).
    fn eq(&self, other: &Budget) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

impl Eq for Budget {}

impl Budget {
    /// A budget whose clock starts now.
    pub fn new(timeout: Option<Duration>, max_memory: u64) -> Budget {
        Budget {
            shared: Arc::new(Shared {
                started: Instant::now(),
                timeout,
                max_memory,
                signal: AtomicU8::new(RUNNING),
                depth: AtomicUsize::new(NO_DEPTH),
            }),
            cancel: None,
            deadline: None,
        }
    }

    /// The same budget, with a limit of its own of `limit` from now as
    /// well: one question of `charter lint`, which ends `Spent::Query`
    /// when that limit is reached first while the run goes on.
    pub fn for_query(&self, limit: Duration) -> Budget {
        Budget {
            deadline: Instant::now().checked_add(limit).map(|end| (end, limit)),
            ..self.clone()
        }
    }

    /// The same budget, which `Cancel::cancel` also stops (as an
    /// interruption), for one of several engines racing on one command:
    /// the loser is stopped and the run goes on.
    pub fn cancellable(&self) -> (Budget, Cancel) {
        let flag = Arc::new(AtomicBool::new(false));
        let budget = Budget {
            shared: self.shared.clone(),
            cancel: Some(flag.clone()),
            deadline: self.deadline,
        };
        (budget, Cancel(flag))
    }

    /// The wall-clock limit of the whole run.
    pub fn timeout(&self) -> Option<Duration> {
        self.shared.timeout
    }

    /// The memory budget, in bytes.
    pub fn max_memory(&self) -> u64 {
        self.shared.max_memory
    }

    /// Time left before the run's limit (`None`: no limit).
    pub fn remaining(&self) -> Option<Duration> {
        self.shared
            .timeout
            .map(|limit| limit.saturating_sub(self.shared.started.elapsed()))
    }

    /// The limit reached, if any: an interruption first, then memory, then
    /// the run's clock, then the question's own ([`Budget::for_query`]). Cheap (an atomic load and a clock read): engines ask it
    /// at every step of their work.
    pub fn spent(&self) -> Option<Spent> {
        if self
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
        {
            return Some(Spent::Interrupted);
        }
        match self.shared.signal.load(Ordering::Relaxed) {
            INTERRUPTED => return Some(Spent::Interrupted),
            MEMORY => {
                return Some(Spent::Memory {
                    limit_bytes: self.shared.max_memory,
                })
            }
            _ => {}
        }
        match self.shared.timeout {
            Some(limit) if self.shared.started.elapsed() >= limit => {
                return Some(Spent::Time {
                    limit_ms: u64::try_from(limit.as_millis()).unwrap_or(u64::MAX),
                })
            }
            _ => {}
        }
        match self.deadline {
            Some((end, limit)) if Instant::now() >= end => Some(Spent::Query {
                limit_ms: u64::try_from(limit.as_millis()).unwrap_or(u64::MAX),
            }),
            _ => None,
        }
    }

    /// Whether the run itself is stopped (not only a question's own limit
    /// spent): nothing more can be asked under it.
    pub fn run_spent(&self) -> bool {
        self.spent()
            .is_some_and(|spent| !matches!(spent, Spent::Query { .. }))
    }

    /// `Err` with the limit reached, at `depth`, if one is. Engines ask
    /// it at each depth they begin (the bounded search, k-induction, the
    /// explicit engine's levels), so it also records `depth` as the depth
    /// reached ([`Budget::depth_reached`]): one atomic store.
    pub fn check(&self, depth: Option<usize>) -> Result<(), Stopped> {
        if let Some(depth) = depth {
            self.shared.depth.store(depth, Ordering::Relaxed);
        }
        match self.spent() {
            Some(spent) => Err(Stopped {
                spent,
                depth,
                before_start: false,
                building: false,
            }),
            None => Ok(()),
        }
    }

    /// `Err` with the limit reached, if one is, before a piece of work
    /// begins.
    pub fn check_before_start(&self) -> Result<(), Stopped> {
        match self.spent() {
            Some(spent) => Err(Stopped {
                spent,
                depth: None,
                before_start: true,
                building: false,
            }),
            None => Ok(()),
        }
    }

    /// The depth the work in hand last began, if it has begun one (see
    /// [`Budget::check`]): for a progress display, read from any thread.
    pub fn depth_reached(&self) -> Option<usize> {
        match self.shared.depth.load(Ordering::Relaxed) {
            NO_DEPTH => None,
            depth => Some(depth),
        }
    }

    /// Forgets the depth reached: a new piece of work (a command) begins.
    pub fn forget_depth(&self) {
        self.shared.depth.store(NO_DEPTH, Ordering::Relaxed);
    }

    /// Whether the user stopped the run.
    pub fn interrupted(&self) -> bool {
        self.shared.signal.load(Ordering::Relaxed) == INTERRUPTED
    }

    /// Stops the run: every engine working under this budget ends its work
    /// with `unknown` (interrupted), and no further work starts.
    pub fn interrupt(&self) {
        self.shared.signal.store(INTERRUPTED, Ordering::Relaxed);
    }

    /// Says the process holds more memory than the budget: the work in
    /// hand ends with `unknown` (memory). An interruption stays.
    pub fn memory_exceeded(&self) {
        let _ = self.shared.signal.compare_exchange(
            RUNNING,
            MEMORY,
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
    }

    /// Lifts a memory stop once the work that held the memory has ended
    /// (the next command starts afresh; the watch raises it again if the
    /// memory is still held). An interruption stays.
    pub fn memory_released(&self) {
        let _ = self.shared.signal.compare_exchange(
            MEMORY,
            RUNNING,
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
    }
}

/// Stops the work under a budget made by [`Budget::cancellable`].
#[derive(Clone, Debug)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// The watch of the work on this thread: its budget, and the ticks since
/// the budget was last asked.
struct Watch {
    budget: Budget,
    ticks: u32,
    /// The depth the work is examining, if it has said (see [`examining`]).
    depth: Option<usize>,
}

thread_local! {
    static WATCH: RefCell<Option<Watch>> = const { RefCell::new(None) };
}

/// How often [`tick`] asks the budget: asking costs a clock read, a tick
/// an increment.
const TICKS_PER_LOOK: u32 = 1024;

/// What [`tick`] unwinds with.
struct Unwound(Stopped);

/// Runs `work` on this thread under `budget`: `Err` with the stop if a
/// [`tick`] found the budget spent (the work is then abandoned; what it
/// built is dropped). A panic of any other kind goes on unwinding.
pub fn watched<T>(budget: &Budget, work: impl FnOnce() -> T) -> Result<T, Stopped> {
    let watch = Watch {
        budget: budget.clone(),
        ticks: 0,
        depth: None,
    };
    let outer = WATCH.with(|w| w.replace(Some(watch)));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    WATCH.with(|w| *w.borrow_mut() = outer);
    match result {
        Ok(value) => Ok(value),
        Err(payload) => match payload.downcast::<Unwound>() {
            Ok(unwound) => Err(unwound.0),
            Err(other) => std::panic::resume_unwind(other),
        },
    }
}

/// The budget watching this thread's work, if any (for a thread that
/// takes the work over: see [`crate::with_stack`]).
pub fn watching() -> Option<Budget> {
    WATCH.with(|w| w.borrow().as_ref().map(|watch| watch.budget.clone()))
}

/// Says that the watched work on this thread examines `depth` (every
/// shorter depth was finished) until the returned guard is dropped: a stop
/// that [`tick`] finds meanwhile reports it, as a stop between two solver
/// calls does. Nothing outside watched work.
#[must_use = "the depth is examined while the guard lives"]
pub fn examining(depth: usize) -> Examining {
    let outer = WATCH.with(|w| {
        w.borrow_mut()
            .as_mut()
            .and_then(|watch| watch.depth.replace(depth))
    });
    Examining { outer }
}

/// The guard of [`examining`]: dropped, the depth said before comes back.
pub struct Examining {
    outer: Option<usize>,
}

impl Drop for Examining {
    fn drop(&mut self) {
        WATCH.with(|w| {
            if let Some(watch) = w.borrow_mut().as_mut() {
                watch.depth = self.outer;
            }
        });
    }
}

/// One turn of a long loop of watched work: ends the work (see
/// [`watched`]) if the budget is spent. Nothing outside watched work.
pub fn tick() {
    let stopped = WATCH.with(|w| {
        let mut w = w.borrow_mut();
        let watch = w.as_mut()?;
        watch.ticks += 1;
        if watch.ticks < TICKS_PER_LOOK {
            return None;
        }
        watch.ticks = 0;
        watch.budget.check(watch.depth).err()
    });
    if let Some(stopped) = stopped {
        unwind(Stopped {
            building: true,
            ..stopped
        });
    }
}

/// Ends the watched work on this thread with `stopped` (see [`watched`]).
pub(crate) fn unwind(stopped: Stopped) -> ! {
    std::panic::resume_unwind(Box::new(Unwound(stopped)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn an_interruption_outranks_memory_and_stays() {
        let budget = Budget::new(None, 1 << 20);
        assert_eq!(budget.spent(), None);
        budget.memory_exceeded();
        assert_eq!(
            budget.spent(),
            Some(Spent::Memory {
                limit_bytes: 1 << 20
            })
        );
        budget.interrupt();
        budget.memory_released();
        budget.memory_exceeded();
        assert_eq!(budget.spent(), Some(Spent::Interrupted));
    }

    #[test]
    fn checks_at_a_depth_record_it_for_every_clone() {
        let budget = Budget::default();
        let clone = budget.clone();
        assert_eq!(budget.depth_reached(), None);
        assert_eq!(clone.check(Some(4)), Ok(()));
        assert_eq!(clone.check(None), Ok(()));
        assert_eq!(budget.depth_reached(), Some(4));
        budget.forget_depth();
        assert_eq!(clone.depth_reached(), None);
        assert_eq!(Budget::default().depth_reached(), None);
    }

    #[test]
    fn a_cancel_stops_only_its_own_budget() {
        let run = Budget::default();
        let (one, cancel) = run.cancellable();
        let (other, _) = run.cancellable();
        assert_eq!(one, run);
        cancel.cancel();
        assert_eq!(one.spent(), Some(Spent::Interrupted));
        assert_eq!(other.spent(), None);
        assert_eq!(run.spent(), None);
        run.interrupt();
        assert_eq!(other.spent(), Some(Spent::Interrupted));
    }

    #[test]
    fn the_clock_is_the_whole_runs() {
        let budget = Budget::new(Some(Duration::ZERO), DEFAULT_MAX_MEMORY);
        let clone = budget.clone();
        assert_eq!(clone.spent(), Some(Spent::Time { limit_ms: 0 }));
        assert_eq!(
            clone.check(Some(3)).map_err(|s| s.to_string()),
            Err("the time budget of 0 s (--timeout) was spent at depth 3 (every depth below it was examined)".to_string())
        );
        assert_eq!(budget, clone);
        assert_ne!(budget, Budget::default());
    }

    #[test]
    fn a_tick_ends_watched_work_and_nothing_else() {
        let spent = Budget::new(Some(Duration::ZERO), DEFAULT_MAX_MEMORY);
        let turns = std::cell::Cell::new(0u32);
        let result: Result<(), Stopped> = watched(&spent, || loop {
            turns.set(turns.get() + 1);
            tick();
        });
        assert!(matches!(result, Err(Stopped { building: true, .. })));
        assert_eq!(turns.get(), TICKS_PER_LOOK);
        assert!(watching().is_none());
        // Outside watched work, ticks do nothing.
        for _ in 0..2 * TICKS_PER_LOOK {
            tick();
        }
        // Work within budget finishes; nested watches restore the outer.
        let open = Budget::default();
        let inner = watched(&open, || {
            let nested = watched(&spent, || {
                for _ in 0..TICKS_PER_LOOK {
                    tick();
                }
            });
            (nested.is_err(), watching() == Some(open.clone()))
        });
        assert_eq!(inner, Ok((true, true)));
    }

    #[test]
    fn a_tick_says_the_depth_being_examined() {
        let spent = Budget::new(Some(Duration::ZERO), DEFAULT_MAX_MEMORY);
        let result = watched(&spent, || {
            let _outer = examining(3);
            {
                let _inner = examining(7);
            }
            for _ in 0..TICKS_PER_LOOK {
                tick();
            }
        });
        let stopped = result.unwrap_err();
        assert!(stopped.building);
        assert_eq!(stopped.depth, Some(3));
        assert_eq!(
            stopped.to_string(),
            "the time budget of 0 s (--timeout) was spent at depth 3 (every depth below it was examined)"
        );
        // Once the guard is dropped, the depth is no longer said.
        let result = watched(&spent, || {
            drop(examining(5));
            for _ in 0..TICKS_PER_LOOK {
                tick();
            }
        });
        assert_eq!(result.unwrap_err().depth, None);
    }

    #[test]
    fn a_questions_limit_is_its_own() {
        let run = Budget::default();
        let question = run.for_query(Duration::ZERO);
        assert_eq!(question, run);
        assert_eq!(question.spent(), Some(Spent::Query { limit_ms: 0 }));
        assert!(!question.run_spent());
        assert_eq!(run.spent(), None);
        assert_eq!(run.for_query(Duration::from_secs(30)).spent(), None);
        // The run's own stop comes first.
        run.interrupt();
        assert_eq!(question.spent(), Some(Spent::Interrupted));
        assert!(question.run_spent());
        assert_eq!(
            Spent::Query { limit_ms: 30_000 }.to_string(),
            "the question's budget of 30 s was spent"
        );
    }

    #[test]
    fn other_panics_go_on_unwinding() {
        let caught = std::panic::catch_unwind(|| {
            watched(&Budget::default(), || {
                std::panic::resume_unwind(Box::new(7u8))
            })
        });
        let payload = caught.err().and_then(|p| p.downcast::<u8>().ok());
        assert_eq!(payload.map(|b| *b), Some(7));
    }
}
