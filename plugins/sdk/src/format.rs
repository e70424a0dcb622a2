use serde::Serialize;

/// A container format, always decided from the content (magic bytes), never from a file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Jpeg,
    Png,
    Bmp,
    Gif,
    Webp,
    Avif,
    Mp4,
    Mov,
    Webm,
}

/// What the API calls `type`: decides the chain (frame or not) and the viewer route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Image,
    Video,
}

impl Format {
    pub const ALL: [Format; 9] = [
        Format::Jpeg,
        Format::Png,
        Format::Bmp,
        Format::Gif,
        Format::Webp,
        Format::Avif,
        Format::Mp4,
        Format::Mov,
        Format::Webm,
    ];

    /// The extension a stored file of this format gets (the reference stores the detected type).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpeg",
            Format::Png => "png",
            Format::Bmp => "bmp",
            Format::Gif => "gif",
            Format::Webp => "webp",
            Format::Avif => "avif",
            Format::Mp4 => "mp4",
            Format::Mov => "mov",
            Format::Webm => "webm",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Bmp => "image/bmp",
            Format::Gif => "image/gif",
            Format::Webp => "image/webp",
            Format::Avif => "image/avif",
            Format::Mp4 => "video/mp4",
            Format::Mov => "video/quicktime",
            Format::Webm => "video/webm",
        }
    }

    pub fn kind(self) -> MediaKind {
        match self {
            Format::Mp4 | Format::Mov | Format::Webm => MediaKind::Video,
            _ => MediaKind::Image,
        }
    }

    /// Formats that can hold more than one frame.
    pub fn can_animate(self) -> bool {
        matches!(self, Format::Gif | Format::Webp)
    }

    /// The format derived files (thumb, medium) of an item stored in `self` are written in.
    /// Videos get JPEG derivatives from their frame; BMP is stored as PNG, and so are its derivatives.
    pub fn derived(self) -> Format {
        match self {
            Format::Bmp => Format::Png,
            f if f.kind() == MediaKind::Video => Format::Jpeg,
            f => f,
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.extension())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_formats_follow_the_reference() {
        assert_eq!(Format::Bmp.derived(), Format::Png);
        assert_eq!(Format::Mov.derived(), Format::Jpeg);
        assert_eq!(Format::Gif.derived(), Format::Gif);
        assert_eq!(Format::Mov.mime(), "video/quicktime");
        assert!(
            Format::ALL
                .iter()
                .filter(|f| f.kind() == MediaKind::Video)
                .count()
                == 3
        );
    }
}
