//! What the benches share (each bench includes this file as a module).

/// This process's peak resident memory, in KiB (0 where unknown).
pub fn peak_memory_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// The value of `--timeout SECONDS` among `args` (default 60).
pub fn timeout_arg(args: &[String]) -> u64 {
    args.iter()
        .position(|a| a == "--timeout")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(60)
}

/// The "exactly one chairman" family: N interchangeable members, depth k,
/// with (`coup_at`) a coup possible from that step on, so that the shortest
/// counterexample has `coup_at` steps.
pub fn chair_family(members: usize, depth: usize, coup_at: Option<usize>) -> String {
    let coup = if let Some(coup_at) = coup_at {
        format!(
            "event coup(m: Member)\n  requires clock >= {}\n\nclause coup_rule \"A coup adds a second chairman.\"\n  on coup(m): chair' += m\n",
            coup_at.saturating_sub(1)
        )
    } else {
        String::new()
    };
    format!(
        r#"charter "Bench: exactly one chairman, {members} members, depth {depth}"

sort Member
var chair: set Member = {{}}
var clock: Int[0..{depth}] = 0
event elect(m: Member)
event adjourn
{coup}
clause election "The elected member is the only chairman."
  on elect(m): chair' = {{m}}
clause time "Every event takes one step."
  on any event: clock' = clock + 1

assert one_chair "exactly one chairman once someone was elected":
  always once elect implies exactly one m: Member. m in chair

check one_chair depth {depth} scope Member = {members}
prove one_chair depth {depth} scope Member = {members}
"#
    )
}
