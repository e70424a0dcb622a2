//! The paste formats of the links screen.

use upstage_client::Links;

/// The paste formats of the done screen, in the order ←→ cycles through them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkFormat {
    Direct,
    Viewer,
    Thumb,
    Delete,
    Markdown,
    Html,
    BbCode,
}

impl LinkFormat {
    pub const ALL: [LinkFormat; 7] = [
        LinkFormat::Direct,
        LinkFormat::Viewer,
        LinkFormat::Thumb,
        LinkFormat::Delete,
        LinkFormat::Markdown,
        LinkFormat::Html,
        LinkFormat::BbCode,
    ];

    pub fn of(self, l: &Links) -> String {
        match self {
            LinkFormat::Direct => l.direct.clone(),
            LinkFormat::Viewer => l.viewer.clone().unwrap_or_default(),
            LinkFormat::Thumb => l.thumb.clone().unwrap_or_default(),
            LinkFormat::Delete => l.delete.clone().unwrap_or_default(),
            LinkFormat::Markdown => l.markdown(),
            LinkFormat::Html => l.html(),
            LinkFormat::BbCode => l.bbcode(),
        }
    }
}
