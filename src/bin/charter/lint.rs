//! `charter lint`: the coherence of the rules, compared with the findings
//! each spec's `.lint` file expects.

use std::path::Path;

use charter::lint::expected::{self, Expected};
use charter::plan::{Overrides, Plan};
use charter::report::{self, Color, JsonKind};

use crate::args::{Format, LintArgs};
use crate::jobs::Sink;
use crate::output::{lint_path, load_spec_to, print_json, Output};
use crate::progress;
use crate::Exit;

pub fn lint(args: &LintArgs, color: Color) -> Exit {
    let overrides = args.solve.overrides();
    let mut worst = Exit::Ok;
    let mut json_files = Vec::new();
    let mut stdout = Output::new();
    let line = progress::Line::new(args.format, color, &overrides.limits.budget);
    let jobs = crate::jobs::count(args.solve.jobs);
    crate::jobs::in_order(
        &args.files,
        jobs,
        |path, sink| lint_one(args, &overrides, color, &line, path, sink),
        |(json, exit)| {
            worst = worst.max(exit);
            json_files.extend(json);
            true
        },
    );
    if args.format == Format::Json
        && !print_json(
            &mut stdout,
            &report::Json::new(JsonKind::Lint, json_files)
                .interrupted(crate::governor::interrupted()),
        )
    {
        return Exit::Invalid;
    }
    worst
}

/// Lints one spec: what JSON says of it, and the exit code it makes.
fn lint_one(
    args: &LintArgs,
    overrides: &Overrides,
    color: Color,
    line: &progress::Line,
    path: &Path,
    sink: &mut Sink,
) -> (Option<report::JsonLintFile>, Exit) {
    let name = path.display().to_string();
    let invalid = report::JsonLintFile {
        file: name.clone(),
        valid: false,
        depth: None,
        scopes: Vec::new(),
        findings: Vec::new(),
        incomplete: Vec::new(),
    };
    let Some(spec) = load_spec_to(path, color, &mut |text| sink.err(text)) else {
        return (Some(invalid), Exit::Invalid);
    };
    let planned = Plan::for_lint(&spec.charter, overrides)
        .map_err(|error| error.message(&spec.source.name))
        .and_then(|plan| Ok((plan, expected_findings(path)?)));
    let (plan, expected) = match planned {
        Ok(planned) => planned,
        Err(message) => {
            sink.err(&format!("charter: {message}\n"));
            return (Some(invalid), Exit::Invalid);
        }
    };
    line.linting(&name);
    let result = charter::lint::run(&spec.charter, &plan);
    line.clear();
    // The memory lint held is freed: the next file starts afresh.
    overrides.limits.budget.memory_released();
    let result = match result {
        Ok(result) => result,
        Err(unknown) => {
            // The run's budget spent (or an interruption) is an
            // unfinished lint, not a tool failure.
            let (what, exit) = match unknown.stopped {
                Some(_) => ("lint stopped", Exit::Failed),
                None => ("the solver gave up", Exit::Invalid),
            };
            sink.err(&format!("charter: {name}: {what}: {}\n", unknown.reason));
            return (Some(invalid), exit);
        }
    };
    let mut worst = Exit::Ok;
    let (unexpected, missing) = expected::compare(&result, &expected);
    if !unexpected.is_empty() || !missing.is_empty() || !result.incomplete.is_empty() {
        worst = Exit::Failed;
    }
    if args.format == Format::Json {
        return (Some(report::json_lint(&name, &result, &spec.source)), worst);
    }
    for finding in &result.findings {
        sink.out(&format!(
            "{}\n",
            report::lint_finding(finding, &spec.source, color)
        ));
    }
    let mut said = format!(
        "{name}: {} finding{} (depth {}), {} unexpected",
        result.findings.len(),
        if result.findings.len() == 1 { "" } else { "s" },
        result.depth,
        unexpected.len()
    );
    if !missing.is_empty() {
        // An unfinished lint may not have asked about them.
        let how = match result.incomplete.is_empty() {
            true => "expected but not found",
            false => "expected, not found before lint stopped",
        };
        said.push_str(&format!("; {how}: {}", missing.join(", ")));
    }
    for reason in &result.incomplete {
        said.push_str(&format!("; incomplete: {reason}"));
    }
    sink.out(&format!("{said}\n"));
    (None, worst)
}

/// The findings a spec expects, from `<spec>.lint` (none when it cannot
/// be read), or what is wrong with the file.
pub fn expected_findings(spec: &std::path::Path) -> Result<Vec<Expected>, String> {
    let path = lint_path(spec);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(Vec::new());
    };
    expected::parse(&text).map_err(|error| error.message(&path.display().to_string()))
}
