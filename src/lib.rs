//! charter: formal verification of institutional rules.
//!
//! The pipeline, one module per stage (see ARCHITECTURE.md):
//!
//! ```text
//! bytes ─ syntax ─▶ ast::Charter ─ check ─▶ hir::Charter ─ lower ─▶ ir::System ─ solve ─▶ verify::Verdict + trace::Trace ─ report ─▶ text / JSON
//! ```
//!
//! The library does no I/O: it takes text and returns data; [`report`]
//! renders data as text, and the binary prints it.

pub mod ast;
pub mod budget;
pub mod check;
pub mod civil;
pub mod compare;
pub mod diff;
pub mod eval;
pub mod explore;
pub mod fmt;
pub mod hir;
pub mod ide;
pub mod ir;
pub mod lint;
pub mod lower;
pub mod plan;
pub mod repair;
pub mod report;
pub mod solve;
pub mod span;
pub mod syntax;
pub mod trace;
pub mod verify;

/// A spec that parsed, with the checker's verdict on it.
#[derive(Debug)]
pub struct Loaded {
    pub ast: ast::Charter,
    pub checked: Result<check::Checked, Vec<check::CheckError>>,
}

/// The front end: decodes, parses and checks a spec's bytes.
pub fn load(bytes: &[u8]) -> Result<Loaded, syntax::SyntaxError> {
    with_stack(|| {
        let text = syntax::decode(bytes)?;
        let ast = syntax::parse(text)?;
        let checked = check::check(&ast);
        Ok(Loaded { ast, checked })
    })
}

/// Stack for the recursive stages. The parser's limits bound the depth of
/// every tree, but a nesting level costs tens of kilobytes of stack in a
/// debug build, more than a 2 MiB test or worker thread has.
pub(crate) const STACK_BYTES: usize = 256 * 1024 * 1024;

/// User text (a clause's quoted words, a title) made safe to print on a
/// terminal: control characters other than line breaks and tabs, and the
/// bidirectional controls, are shown escaped (`\u{1b}`, `\u{202e}`), so
/// that text in a spec cannot move the cursor, clear the screen, write the
/// clipboard or reorder what is shown around it. JSON keeps text exact.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// The same, keeping every byte offset: each control character other than
/// line breaks and tabs becomes one `?` per byte (a control character is
/// one byte in UTF-8 only below U+0080; the C1 controls, two bytes, become
/// `??`, a bidirectional control `???`), so the spans of diagnostics still
/// point at the same text.
pub fn printable_in_place(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if (c.is_control() && c != '\n' && c != '\t' && c != '\r') || is_bidi_control(c) {
            for _ in 0..c.len_utf8() {
                out.push('?');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The characters of Unicode's `Bidi_Control` property: they change the
/// order in which the text around them is displayed, so that what a reader
/// sees can differ from what is parsed ("Trojan Source", CVE-2021-42574).
/// [`printable`] escapes them; outside strings and comments a spec may not
/// contain them at all.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Runs `work` on a thread with [`STACK_BYTES`] of stack (memory is only
/// committed as used), or on this thread if no thread can be started.
pub fn with_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    // The work stays watched by the budget watching it here (see
    // `budget::watched`), on whichever thread it runs.
    let watch = budget::watching();
    let work = move || match &watch {
        Some(budget) => budget::watched(budget, work),
        None => Ok(work()),
    };
    let work = std::sync::Mutex::new(Some(work));
    let take = || work.lock().ok().and_then(|mut w| w.take());
    let result = std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, || take().map(|w| w()));
        match spawned {
            Ok(handle) => match handle.join() {
                Ok(Some(result)) => result,
                Ok(None) => unreachable_work(),
                Err(panic) => std::panic::resume_unwind(panic),
            },
            Err(_) => match take() {
                Some(work) => work(),
                None => unreachable_work(),
            },
        }
    });
    // A stop of the work's budget there goes on here, to this thread's
    // watch (there is one: the work was watched only if this thread is).
    result.unwrap_or_else(|stopped| budget::unwind(stopped))
}

#[allow(clippy::panic)]
fn unreachable_work() -> ! {
    panic!("the work given to with_stack ran zero times")
}
