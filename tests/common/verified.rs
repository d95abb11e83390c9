//! What the SMT engine answers for a spec or fixture (every command, the
//! default options), computed once per test run and shared by the suites
//! that examine it: `verify` (expectations), `trust` (replay, and the
//! explicit engine's agreement), `minimal` (minimality). Each suite checks
//! its own property of the same answers instead of solving every file again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use charter::hir::Charter;
use charter::verify::{self, Outcome, Overrides};

/// A file that checks clean and the outcome of each of its commands.
pub struct Verified {
    pub charter: Charter,
    pub outcomes: Vec<Outcome>,
}

type Slot = Arc<OnceLock<Arc<Verified>>>;

/// The file's checked charter and `verify::verify(charter, None,
/// &Overrides::default())`. Two tests asking for one file wait for one
/// computation; different files are solved side by side.
pub fn verified(path: &Path) -> Arc<Verified> {
    static SLOTS: OnceLock<Mutex<HashMap<PathBuf, Slot>>> = OnceLock::new();
    let key = std::fs::canonicalize(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let slot = SLOTS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .entry(key)
        .or_default()
        .clone();
    slot.get_or_init(|| {
        let charter = super::load_charter(path);
        let outcomes = verify::verify(&charter, None, &Overrides::default());
        Arc::new(Verified { charter, outcomes })
    })
    .clone()
}
