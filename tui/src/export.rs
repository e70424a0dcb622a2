//! The done screen's list of links as text to copy, JSON or CSV to save.

use serde_json::json;

use crate::state::{LinkFormat, State};

/// One line per uploaded file in the chosen format.
pub fn as_text(state: &State, format: LinkFormat) -> String {
    let mut out = String::new();
    for item in state.uploaded() {
        if let Some(l) = item.state.links() {
            out.push_str(&format.of(l));
            out.push('\n');
        }
    }
    out
}

pub fn as_json(state: &State) -> String {
    let rows: Vec<_> = state
        .uploaded()
        .into_iter()
        .filter_map(|i| {
            let l = i.state.links()?;
            Some(json!({
                "path": i.path,
                "name": l.name,
                "direct": l.direct,
                "viewer": l.viewer,
                "thumb": l.thumb,
                "delete": l.delete,
                "markdown": l.markdown(),
                "html": l.html(),
                "bbcode": l.bbcode(),
            }))
        })
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".to_owned())
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

pub fn as_csv(state: &State) -> String {
    let mut out = String::from("path,name,direct,viewer,thumb,delete,markdown,html,bbcode\n");
    for i in state.uploaded() {
        let Some(l) = i.state.links() else { continue };
        let path = i.path.display().to_string();
        let fields = [
            path.as_str(),
            &l.name,
            &l.direct,
            l.viewer.as_deref().unwrap_or(""),
            l.thumb.as_deref().unwrap_or(""),
            l.delete.as_deref().unwrap_or(""),
            &l.markdown(),
            &l.html(),
            &l.bbcode(),
        ];
        let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_it() {
        assert_eq!(csv_field("a"), "a");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("<a href=\"x\">"), "\"<a href=\"\"x\"\">\"");
    }
}
