//! Reading a `charter report` page back, simply: its tags (only those the
//! report writes, balanced, attributes quoted) and its text as a person
//! sees it. Enough to tell that user text never became markup.

#![allow(dead_code)]

/// The elements a report may contain; anything else (a `<script>` or a
/// `<b>` from a spec's text) is markup that escaped escaping.
const ELEMENTS: &[&str] = &[
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "header",
    "main",
    "h1",
    "h2",
    "h3",
    "p",
    "code",
    "section",
    "div",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "span",
    "q",
    "blockquote",
    "ul",
    "li",
];

const VOID: &[&str] = &["meta", "br"];

const ATTRIBUTES: &[&str] = &[
    "lang",
    "charset",
    "name",
    "content",
    "http-equiv",
    "id",
    "class",
    "href",
    "title",
    "scope",
    "colspan",
    "rowspan",
];

/// A start tag: its element and attributes, in order.
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub attributes: Vec<(String, String)>,
}

impl Tag {
    pub fn get(&self, attribute: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(name, _)| name == attribute)
            .map(|(_, value)| value.as_str())
    }
}

/// The start tags of a page, in order, after checking that every tag is
/// one the report writes, with known attributes whose values are quoted,
/// and that elements are balanced. The content of `<style>` is skipped.
pub fn tags(html: &str) -> Result<Vec<Tag>, String> {
    let mut found = Vec::new();
    let mut open: Vec<String> = Vec::new();
    let mut rest = html;
    if let Some(after) = rest.strip_prefix("<!DOCTYPE html>") {
        rest = after;
    }
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let closing = rest.starts_with('/');
        if closing {
            rest = &rest[1..];
        }
        let name_end = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .ok_or("a tag runs to the end")?;
        let name = rest[..name_end].to_ascii_lowercase();
        if !ELEMENTS.contains(&name.as_str()) {
            return Err(format!(
                "unexpected element <{name}> near {:?}",
                snippet(rest)
            ));
        }
        rest = &rest[name_end..];
        let mut attributes = Vec::new();
        loop {
            rest = rest.trim_start();
            if let Some(after) = rest.strip_prefix('>') {
                rest = after;
                break;
            }
            let attribute_end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .ok_or("an attribute runs to the end")?;
            let attribute = rest[..attribute_end].to_ascii_lowercase();
            if attribute.is_empty() {
                return Err(format!("junk in <{name}>: {:?}", snippet(rest)));
            }
            if !ATTRIBUTES.contains(&attribute.as_str()) && !attribute.starts_with("data-") {
                return Err(format!("unexpected attribute {attribute} on <{name}>"));
            }
            rest = &rest[attribute_end..];
            let value = match rest.strip_prefix("=\"") {
                Some(after) => {
                    let end = after.find('"').ok_or("an unterminated attribute value")?;
                    rest = &after[end + 1..];
                    decode(&after[..end])
                }
                None if rest.starts_with('=') => {
                    return Err(format!("unquoted value of {attribute} on <{name}>"))
                }
                None => String::new(),
            };
            attributes.push((attribute, value));
        }
        if closing {
            match open.pop() {
                Some(top) if top == name => {}
                top => return Err(format!("</{name}> closes {top:?}")),
            }
            continue;
        }
        if name == "style" {
            let end = rest.find("</style>").ok_or("an unterminated <style>")?;
            rest = &rest[end..];
        }
        if !VOID.contains(&name.as_str()) {
            open.push(name.clone());
        }
        found.push(Tag { name, attributes });
    }
    if !open.is_empty() {
        return Err(format!("unclosed elements: {open:?}"));
    }
    Ok(found)
}

fn snippet(text: &str) -> &str {
    let end = text.char_indices().nth(60).map_or(text.len(), |(at, _)| at);
    &text[..end]
}

/// Inline elements: their tags separate no words.
const INLINE: &[&str] = &["a", "span", "q", "code"];

/// The text a person reads: tags and the stylesheet removed, entities
/// decoded, blanks collapsed to one space. (A serialiser may leave `<` and
/// `>` raw in attribute values: a tag ends at a `>` outside quotes.)
pub fn text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let name: String = rest
            .trim_start_matches(['<', '/'])
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        if !INLINE.contains(&name.as_str()) {
            out.push(' ');
        }
        if rest.starts_with("<style") {
            rest = rest.find("</style>").map_or("", |end| &rest[end..]);
        }
        let mut quoted = false;
        let end = rest.char_indices().find(|&(_, c)| {
            if c == '"' {
                quoted = !quoted;
            }
            c == '>' && !quoted
        });
        rest = end.map_or("", |(end, _)| &rest[end + 1..]);
    }
    out.push_str(rest);
    decode(&out)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The entities a serialiser writes.
pub fn decode(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// The part of a page from the element whose `id` is given to the first
/// element whose id is one of `ends` (or the end of the page).
pub fn part<'a>(html: &'a str, id: &str, ends: &[&str]) -> &'a str {
    let marker = format!("id=\"{id}\"");
    let Some(start) = html.find(&marker) else {
        return "";
    };
    let after = &html[start + marker.len()..];
    let end = ends
        .iter()
        .filter_map(|end| after.find(&format!("id=\"{end}\"")))
        .min()
        .unwrap_or(after.len());
    &after[..end]
}
