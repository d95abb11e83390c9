//! Any bytes through parse → check → lower (every command, for
//! verification and for `charter lint`): no panic, no hang, bounded memory. Run with `cargo +nightly fuzz run front_to_lower`
//! (see README: "Fuzzing").
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(loaded) = charter::load(data) else {
        return;
    };
    let Ok(checked) = loaded.checked else {
        return;
    };
    let charter = &checked.charter;
    charter::with_stack(|| {
        for command in &charter.commands {
            let _ = charter::lower::lower(charter, command);
            let _ = charter::lower::lower_lint(charter, &command.scopes);
        }
    });
});
