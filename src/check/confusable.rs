//! Names that can be mistaken for one another, by Unicode Technical
//! Standard #39 with the data of the `unicode-security` crate: two distinct
//! names whose skeletons agree (`Russia` in Latin letters and `Russiа`
//! ending in a Cyrillic `а`), and one name that mixes scripts where a
//! reader cannot see it (Latin with Cyrillic or Greek; Latin with Han, or
//! with one other script such as Arabic, is ordinary and passes). Both are
//! warnings, as is a name that looks like a reserved word (`trսe` with an
//! Armenian `ս` reads as `true`). Pairs of names spelt in ASCII alone are left to "did you
//! mean": `rn` and `m` share a skeleton too.

use std::collections::{BTreeMap, BTreeSet};

use unicode_script::{Script, UnicodeScript};
use unicode_security::{MixedScript, RestrictionLevel, RestrictionLevelDetection};

use super::{CheckError, Checker};
use crate::span::Span;

impl Checker {
    /// Every name the spec declares (globals, and the parameters, bindings
    /// and binders it writes), compared by skeleton; each non-ASCII name
    /// checked for mixed scripts.
    pub(super) fn report_confusables(&mut self) {
        let mut names: Vec<(&String, Span)> = self
            .globals
            .iter()
            .map(|(name, (_, span))| (name, *span))
            .chain(self.written_locals.iter().map(|i| (&i.node, i.span)))
            .collect();
        if names.iter().all(|(name, _)| name.is_ascii()) {
            return;
        }
        names.sort_by_key(|&(_, span)| span);
        let keywords: BTreeMap<String, &'static str> = crate::syntax::KEYWORDS
            .iter()
            .map(|&k| (unicode_security::skeleton(k).collect(), k))
            .collect();
        let mut seen = BTreeSet::new();
        let mut by_skeleton: BTreeMap<String, (&String, Span)> = BTreeMap::new();
        let mut warnings = Vec::new();
        for (name, span) in names {
            if !seen.insert(name) {
                continue;
            }
            if !name.is_ascii() {
                warnings.extend(mixed_script(name, span));
            }
            let skeleton: String = unicode_security::skeleton(name).collect();
            if let Some(&keyword) = keywords.get(&skeleton).filter(|_| !name.is_ascii()) {
                warnings.push(CheckError::ConfusableKeyword {
                    name: name.clone(),
                    keyword,
                    help: format!(
                        "{}. A reader takes it for the reserved word; give the name a spelling that does not look like one",
                        differs(name, keyword)
                    ),
                    span,
                });
            }
            match by_skeleton.get(&skeleton) {
                None => {
                    by_skeleton.insert(skeleton, (name, span));
                }
                Some((other, _)) if other.is_ascii() && name.is_ascii() => {}
                Some(&(other, first)) => warnings.push(CheckError::ConfusableNames {
                    name: name.clone(),
                    other: other.clone(),
                    help: confusable_help(name, other),
                    span,
                    first,
                }),
            }
        }
        for warning in warnings {
            self.error(warning);
        }
    }
}

/// A character with its code point and script: "`а` (U+0430, Cyrillic)".
fn describe(c: char) -> String {
    format!("`{c}` (U+{:04X}, {})", c as u32, c.script().full_name())
}

fn confusable_help(name: &str, other: &str) -> String {
    format!(
        "{}. If they are one name, retype one of them; if two, give them names that look different",
        differs(name, other)
    )
}

/// How two look-alike spellings differ: the letters that stand for others
/// when there are few.
fn differs(name: &str, other: &str) -> String {
    let pairs: Vec<(char, char)> = name
        .chars()
        .zip(other.chars())
        .filter(|(a, b)| a != b)
        .collect();
    if name.chars().count() == other.chars().count() && pairs.len() <= 3 {
        let each: Vec<String> = pairs
            .iter()
            .map(|&(a, b)| format!("{} stands for {}", describe(a), describe(b)))
            .collect();
        format!(
            "they differ in letters that look alike: {}",
            each.join(", ")
        )
    } else {
        "they differ in characters that look alike".to_string()
    }
}

/// A name whose letters come from scripts that mix only to deceive: below
/// UTS #39's "moderately restrictive" level and not single-script.
fn mixed_script(name: &str, span: Span) -> Option<CheckError> {
    if name.is_single_script()
        || name.detect_restriction_level() < RestrictionLevel::MinimallyRestrictive
    {
        return None;
    }
    // The scripts in order of first appearance, with their letter counts.
    let mut scripts: Vec<(Script, usize)> = Vec::new();
    for script in name.chars().map(|c| c.script()) {
        if matches!(script, Script::Common | Script::Inherited | Script::Unknown) {
            continue;
        }
        match scripts.iter_mut().find(|(s, _)| *s == script) {
            Some((_, count)) => *count += 1,
            None => scripts.push((script, 1)),
        }
    }
    let (main, _) = scripts
        .iter()
        .copied()
        .reduce(|best, next| if next.1 > best.1 { next } else { best })?;
    let names: Vec<&str> = scripts.iter().map(|(s, _)| s.full_name()).collect();
    let scripts_words = match names.as_slice() {
        [init @ .., last] if !init.is_empty() => format!("{} and {last}", init.join(", ")),
        _ => return None,
    };
    let mut odd: Vec<char> = Vec::new();
    for c in name.chars() {
        let script = c.script();
        if script != main
            && !matches!(script, Script::Common | Script::Inherited)
            && !odd.contains(&c)
        {
            odd.push(c);
        }
    }
    let odd: Vec<String> = odd.into_iter().take(3).map(describe).collect();
    let verb = if odd.len() == 1 { "is" } else { "are" };
    Some(CheckError::MixedScriptName {
        name: name.to_string(),
        scripts: scripts_words,
        help: format!(
            "letters of different scripts can look the same: {} {verb} not {}; retype what should be {}, or write the name in one script",
            odd.join(", "),
            main.full_name(),
            main.full_name()
        ),
        span,
    })
}
