//! Which bytes of an XMP packet hold GPS properties: every `GPS*` property of the EXIF namespaces,
//! whether written as an attribute of `rdf:Description` or as an element (simple, nested or
//! self-closing). Prefixes are resolved through the `xmlns` declarations in scope, since any
//! prefix may be bound to the EXIF namespace.

use std::ops::Range;

use super::xml::{Attr, Malformed, Token, Tokens};

/// The EXIF namespaces: Adobe's, and CIPA's `exifEX` (EXIF 2.3 for XMP).
const GPS_NAMESPACES: [&[u8]; 2] = [
    b"http://ns.adobe.com/exif/1.0/",
    b"http://cipa.jp/exif/1.0/",
];
/// Readers like exiftool still recognise these prefixes when a writer forgot to declare them.
const USUAL_PREFIXES: [&[u8]; 2] = [b"exif", b"exifEX"];
/// Real packets declare a few dozen namespaces. Looking a prefix up costs one step per binding in
/// scope, so this bounds the work a crafted packet can cause.
const MAX_BINDINGS: usize = 1024;

/// The byte ranges to blank, in document order and never overlapping: whole attributes (name to
/// closing quote) and whole elements (`<` of the start tag to `>` of the end tag). Each starts and
/// ends on an ASCII byte, so blanking them keeps UTF-8 intact. The packet must be well-formed to
/// the end, so that a truncated or garbled one is never half-edited.
pub(crate) fn gps_ranges(text: &[u8]) -> Result<Vec<Range<usize>>, Malformed> {
    let mut scope = Scope::default();
    let mut open: Vec<Open> = Vec::new();
    let mut found = Vec::new();
    for token in Tokens::new(text) {
        match token? {
            Token::Start(tag) => {
                let mark = scope.enter(text, &tag.attrs, tag.span.start)?;
                let inside_gps = open.last().is_some_and(|o| o.inside_gps);
                let is_gps = !inside_gps && scope.is_gps(text, tag.name.clone(), true);
                if !inside_gps && !is_gps {
                    found.extend(
                        tag.attrs
                            .iter()
                            .filter(|a| xmlns_prefix(text, a.name.clone()).is_none())
                            .filter(|a| scope.is_gps(text, a.name.clone(), false))
                            .map(|a| a.span.clone()),
                    );
                }
                if tag.empty {
                    if is_gps {
                        found.push(tag.span);
                    }
                    scope.leave(mark);
                } else {
                    open.push(Open {
                        name: tag.name,
                        mark,
                        gps_from: is_gps.then_some(tag.span.start),
                        inside_gps: inside_gps || is_gps,
                    });
                }
            }
            Token::End { name, span } => {
                let Some(o) = open.pop() else {
                    return Err(Malformed {
                        what: "end tag without start",
                        at: span.start,
                    });
                };
                if text.get(o.name) != text.get(name) {
                    return Err(Malformed {
                        what: "mismatched end tag",
                        at: span.start,
                    });
                }
                scope.leave(o.mark);
                if let Some(from) = o.gps_from {
                    found.push(from..span.end);
                }
            }
        }
    }
    match open.last() {
        Some(o) => Err(Malformed {
            what: "unclosed element",
            at: o.name.start,
        }),
        None => Ok(found),
    }
}

/// Overwrites `ranges` with ASCII spaces: XML ignores them between attributes and between
/// elements, and the packet keeps its length.
pub(crate) fn blank(text: &mut [u8], ranges: &[Range<usize>]) {
    for r in ranges {
        if let Some(bytes) = text.get_mut(r.clone()) {
            bytes.fill(b' ');
        }
    }
}

struct Open {
    name: Range<usize>,
    /// The scope to restore at the end tag.
    mark: usize,
    /// Where the element starts, when it is a GPS property to blank whole.
    gps_from: Option<usize>,
    /// It or an ancestor is being blanked whole, so nothing in it needs its own range.
    inside_gps: bool,
}

/// The namespace bindings in scope: (prefix, URI) pairs, innermost last; the default namespace has
/// an empty prefix.
#[derive(Default)]
struct Scope {
    bindings: Vec<(Range<usize>, Range<usize>)>,
}

impl Scope {
    /// Adds an element's own declarations, which already apply to its name and attributes.
    fn enter(&mut self, text: &[u8], attrs: &[Attr], at: usize) -> Result<usize, Malformed> {
        let mark = self.bindings.len();
        for a in attrs {
            if let Some(prefix) = xmlns_prefix(text, a.name.clone()) {
                self.bindings.push((prefix, a.value.clone()));
            }
        }
        if self.bindings.len() > MAX_BINDINGS {
            return Err(Malformed {
                what: "too many namespace declarations",
                at,
            });
        }
        Ok(mark)
    }

    fn leave(&mut self, mark: usize) {
        self.bindings.truncate(mark);
    }

    fn is_gps(&self, text: &[u8], qname: Range<usize>, element: bool) -> bool {
        let Some(name) = text.get(qname.clone()) else {
            return false;
        };
        let (prefix, local) = match name.iter().position(|&b| b == b':') {
            Some(colon) => (qname.start..qname.start + colon, &name[colon + 1..]),
            // Unprefixed attributes are in no namespace; unprefixed elements in the default one.
            None if element => (qname.start..qname.start, name),
            None => return false,
        };
        if !local.starts_with(b"GPS") {
            return false;
        }
        let prefix = text.get(prefix).unwrap_or_default();
        let bound = self
            .bindings
            .iter()
            .rev()
            .find(|(p, _)| text.get(p.clone()) == Some(prefix));
        match bound {
            Some((_, uri)) => text
                .get(uri.clone())
                .is_some_and(|u| GPS_NAMESPACES.contains(&u)),
            None => USUAL_PREFIXES.contains(&prefix),
        }
    }
}

/// The prefix an `xmlns` or `xmlns:p` attribute declares (empty for the default namespace).
fn xmlns_prefix(text: &[u8], name: Range<usize>) -> Option<Range<usize>> {
    match text.get(name.clone())? {
        b"xmlns" => Some(name.end..name.end),
        n if n.starts_with(b"xmlns:") => Some(name.start + 6..name.end),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blanked(s: &str) -> String {
        let mut b = s.as_bytes().to_vec();
        let ranges = gps_ranges(&b).unwrap();
        assert!(
            ranges.windows(2).all(|w| w[0].end <= w[1].start),
            "{ranges:?}"
        );
        blank(&mut b, &ranges);
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn nested_gps_is_one_range_and_utf8_survives() {
        let s = "<d xmlns:é='http://ns.adobe.com/exif/1.0/' é:GPSA='ü'><é:GPSB é:GPSC='1'>\
                 <é:GPSD/></é:GPSB><é:Ü>ä</é:Ü></d>";
        let out = blanked(s);
        assert_eq!(out.len(), s.len());
        assert!(!out.contains("GPS") && !out.contains('ü'));
        assert!(out.ends_with("<é:Ü>ä</é:Ü></d>"));
    }

    #[test]
    fn bindings_follow_scope() {
        let s = "<a xmlns:e='http://ns.adobe.com/exif/1.0/'><b xmlns:e='urn:other'><e:GPSX/></b>\
                 <e:GPSY/></a><e:GPSZ/>";
        let out = blanked(s);
        assert!(out.contains("<e:GPSX/>"), "rebound to another namespace");
        assert!(!out.contains("GPSY"), "back in the EXIF scope");
        assert!(
            out.contains("<e:GPSZ/>"),
            "out of scope, and not a usual prefix"
        );
        assert!(
            !blanked("<exif:GPSA/>").contains("GPS"),
            "undeclared usual prefix"
        );
        assert!(
            blanked("<a GPSA='1'/>").contains("GPSA"),
            "unprefixed attribute"
        );
    }

    #[test]
    fn namespace_floods_are_refused() {
        let decls = " xmlns:n='u'".repeat(MAX_BINDINGS + 1);
        assert!(gps_ranges(format!("<a{decls}/>").as_bytes()).is_err());
        let nested = "<a xmlns:n='u'>".repeat(MAX_BINDINGS + 1);
        assert!(gps_ranges(nested.as_bytes()).is_err());
        assert!(gps_ranges(format!("<a{}/>", &decls[12..]).as_bytes()).is_ok());
    }
}
