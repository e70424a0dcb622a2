//! Just enough of an XML tokenizer to find tags and attributes in an XMP packet, by byte offset, so
//! they can be blanked in place. It never allocates text and never decodes entities. Anything it
//! does not understand is an error: the caller then leaves the packet alone rather than guess.

use std::fmt;
use std::ops::Range;

/// A start tag (`<a x="1">` or `<a/>`) or an end tag (`</a>`). Text, comments, CDATA and
/// processing instructions are skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Token {
    Start(StartTag),
    End {
        name: Range<usize>,
        span: Range<usize>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct StartTag {
    pub name: Range<usize>,
    pub attrs: Vec<Attr>,
    /// Self-closing (`<a/>`): no end tag follows.
    pub empty: bool,
    /// From `<` to `>`.
    pub span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Attr {
    pub name: Range<usize>,
    /// Between the quotes, entities undecoded.
    pub value: Range<usize>,
    /// From the first byte of the name to the closing quote.
    pub span: Range<usize>,
}

/// Why a packet is not XML this tokenizer can vouch for, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Malformed {
    pub what: &'static str,
    pub at: usize,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.what, self.at)
    }
}

/// The tags of `text`, in order. After the first error it ends.
pub(crate) struct Tokens<'a> {
    text: &'a [u8],
    pos: usize,
}

impl<'a> Tokens<'a> {
    pub fn new(text: &'a [u8]) -> Self {
        Tokens { text, pos: 0 }
    }

    fn fail(&mut self, what: &'static str) -> Malformed {
        let at = self.pos;
        self.pos = self.text.len();
        Malformed { what, at }
    }

    fn at(&self, offset: usize) -> Option<u8> {
        self.text.get(self.pos + offset).copied()
    }

    fn rest(&self) -> &'a [u8] {
        self.text.get(self.pos..).unwrap_or_default()
    }

    /// Moves past the next `end`; false (and at the end of the text) when there is none.
    fn skip_past(&mut self, end: &[u8]) -> bool {
        match find(self.rest(), end) {
            Some(i) => {
                self.pos += i + end.len();
                true
            }
            None => false,
        }
    }

    fn skip_space(&mut self) -> usize {
        let n = self
            .rest()
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        self.pos += n;
        n
    }

    /// UTF-16 and other non-UTF-8 packets fail here: a NUL or control byte ends a name.
    fn name(&mut self) -> Result<Range<usize>, Malformed> {
        let start = self.pos;
        let n = self
            .rest()
            .iter()
            .take_while(|&&b| b.is_ascii_alphanumeric() || b"_-.:".contains(&b) || b >= 0x80)
            .count();
        if n == 0 {
            return Err(self.fail("expected a name"));
        }
        self.pos += n;
        Ok(start..self.pos)
    }

    fn start_tag(&mut self, lt: usize) -> Result<Token, Malformed> {
        self.pos = lt + 1;
        let name = self.name()?;
        let mut attrs = Vec::new();
        loop {
            let spaced = self.skip_space() > 0;
            match self.at(0) {
                Some(b'>') => {
                    self.pos += 1;
                    let span = lt..self.pos;
                    return Ok(Token::Start(StartTag {
                        name,
                        attrs,
                        empty: false,
                        span,
                    }));
                }
                Some(b'/') if self.at(1) == Some(b'>') => {
                    self.pos += 2;
                    let span = lt..self.pos;
                    return Ok(Token::Start(StartTag {
                        name,
                        attrs,
                        empty: true,
                        span,
                    }));
                }
                Some(_) if spaced => attrs.push(self.attr()?),
                _ => return Err(self.fail("bad start tag")),
            }
        }
    }

    fn attr(&mut self) -> Result<Attr, Malformed> {
        let name = self.name()?;
        self.skip_space();
        if self.at(0) != Some(b'=') {
            return Err(self.fail("expected '='"));
        }
        self.pos += 1;
        self.skip_space();
        let Some(quote @ (b'"' | b'\'')) = self.at(0) else {
            return Err(self.fail("expected a quote"));
        };
        self.pos += 1;
        let start = self.pos;
        let Some(len) = self.rest().iter().position(|&b| b == quote || b == b'<') else {
            return Err(self.fail("unterminated attribute"));
        };
        self.pos += len;
        if self.at(0) != Some(quote) {
            return Err(self.fail("'<' in an attribute value"));
        }
        self.pos += 1;
        Ok(Attr {
            span: name.start..self.pos,
            name,
            value: start..start + len,
        })
    }

    fn end_tag(&mut self, lt: usize) -> Result<Token, Malformed> {
        self.pos = lt + 2;
        let name = self.name()?;
        self.skip_space();
        if self.at(0) != Some(b'>') {
            return Err(self.fail("bad end tag"));
        }
        self.pos += 1;
        Ok(Token::End {
            name,
            span: lt..self.pos,
        })
    }
}

impl Iterator for Tokens<'_> {
    type Item = Result<Token, Malformed>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let lt = self.pos + self.rest().iter().position(|&b| b == b'<')?;
            self.pos = lt;
            let rest = self.rest();
            let skipped = if rest.starts_with(b"<?") {
                self.skip_past(b"?>")
            } else if rest.starts_with(b"<!--") {
                self.skip_past(b"-->")
            } else if rest.starts_with(b"<![CDATA[") {
                self.skip_past(b"]]>")
            } else if rest.starts_with(b"<!") {
                // XMP forbids DTDs, and an internal subset could define entities we cannot see.
                return Some(Err(self.fail("DOCTYPE or unknown declaration")));
            } else if rest.starts_with(b"</") {
                return Some(self.end_tag(lt));
            } else {
                return Some(self.start_tag(lt));
            };
            if !skipped {
                self.pos = lt;
                return Some(Err(self.fail("unterminated comment, CDATA or PI")));
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(s: &str) -> Result<Vec<Token>, Malformed> {
        Tokens::new(s.as_bytes()).collect()
    }

    #[test]
    fn tags_attributes_and_skipped_constructs() {
        let s = "<?xpacket begin='\u{feff}'?><!-- <x> --><a b = \"1>2\" c='x'>t<![CDATA[<y>]]><d/></a >";
        let t = tokens(s).unwrap();
        assert_eq!(t.len(), 3);
        let Token::Start(a) = &t[0] else { panic!() };
        assert_eq!(&s[a.name.clone()], "a");
        assert_eq!(&s[a.attrs[0].span.clone()], "b = \"1>2\"");
        assert_eq!(&s[a.attrs[0].value.clone()], "1>2");
        assert_eq!(&s[a.attrs[1].span.clone()], "c='x'");
        assert!(!a.empty);
        let Token::Start(d) = &t[1] else { panic!() };
        assert!(d.empty);
        assert_eq!(&s[d.span.clone()], "<d/>");
        let Token::End { name, span } = &t[2] else {
            panic!()
        };
        assert_eq!((&s[name.clone()], &s[span.clone()]), ("a", "</a >"));
    }

    #[test]
    fn malformed_input_is_an_error_and_ends_the_stream() {
        for bad in [
            "<a b>",
            "<a b='1>",
            "<a b=1>",
            "<a b='<'>",
            "<a",
            "</a",
            "<>",
            "<a/ >",
            "<!DOCTYPE a>",
            "<!-- x",
            "<?pi",
            "<ab='1'>",
            "<\0a\0>",
        ] {
            let mut t = Tokens::new(bad.as_bytes());
            assert!(matches!(t.next(), Some(Err(_))), "{bad:?}");
            assert_eq!(t.next(), None, "{bad:?}");
        }
    }

    #[test]
    fn every_prefix_of_a_packet_is_safe() {
        let s = "<?xpacket?><x:a xmlns:x='u'><b c=\"d\">é</b><e/></x:a><?xpacket end='w'?>";
        for end in 0..=s.len() {
            let _ = Tokens::new(&s.as_bytes()[..end]).count();
        }
    }
}
