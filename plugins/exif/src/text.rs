//! Turning EXIF text fields into strings worth showing. ASCII tags are often UTF-8 or Latin-1 in
//! practice, Windows' XP tags are UTF-16LE, and many cameras fill `ImageDescription` with a fixed
//! placeholder that would otherwise become the description of every photo they take.

/// Descriptions that cameras and phone apps write on their own, compared case-insensitively.
const PLACEHOLDERS: &[&str] = &[
    "default",
    "sony dsc",
    "digital camera",
    "digital still camera",
    "digital stillcamera",
    "digital image",
    "digital photo",
    "my beautiful picture",
    "camera pictures",
    "exif_jpeg_picture",
    "image",
    "picture",
    "photo",
    "untitled",
    "description",
    "image description",
    "rhdr",
    "hdrpl",
    "oznor",
    "frontbuffer",
    "appletvsync",
];

/// Endings that make `"<brand> …"` a placeholder.
const BRANDED: &[&str] = &[
    "digital camera",
    "digital still camera",
    "digital stillcamera",
    "camera pictures",
    "dsc",
];

/// An ASCII-typed value as text: UTF-8 when it is valid UTF-8, else Latin-1 (what older Windows
/// tools wrote), cut at the first NUL and trimmed. Blank values are `None`.
pub(crate) fn from_ascii(raw: &[u8]) -> Option<String> {
    let end = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
    let raw = &raw[..end];
    let text = match std::str::from_utf8(raw) {
        Ok(s) => s.to_owned(),
        Err(_) => raw.iter().map(|&b| char::from(b)).collect(),
    };
    tidy(&text)
}

/// A Windows XP tag (`XPTitle`, `XPComment`, …): UTF-16LE whatever the TIFF byte order, usually
/// NUL-terminated. Unpaired surrogates become U+FFFD rather than failing the whole field.
pub(crate) fn from_utf16le(raw: &[u8]) -> Option<String> {
    let units = raw
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .take_while(|&u| u != 0);
    let text: String = char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    tidy(&text)
}

/// Whether a description is camera boilerplate rather than something a person wrote: a known
/// placeholder, `"<brand> DIGITAL CAMERA"`, the make or model repeated, a bare file name
/// (`DCFC1247.JPG`) or text without a single letter (`"0"`).
pub(crate) fn is_placeholder(text: &str, make: Option<&str>, model: Option<&str>) -> bool {
    let lower = text.to_lowercase();
    let known = |s: &str| PLACEHOLDERS.contains(&s);
    if known(&lower) {
        return true;
    }
    // "<brand> DIGITAL CAMERA": "OLYMPUS DIGITAL CAMERA", "SAMSUNG CAMERA PICTURES", and
    // "KONICA MINOLTA DIGITAL CAMERA" when the make says KONICA MINOLTA.
    let make_lower = make.map(str::to_lowercase);
    let branded = BRANDED.iter().any(|p| {
        lower
            .strip_suffix(p)
            .and_then(|brand| brand.strip_suffix(' '))
            .map(str::trim)
            .is_some_and(|brand| {
                !brand.contains(' ') || make_lower.as_deref().is_some_and(|m| m.contains(brand))
            })
    });
    if branded {
        return true;
    }
    let repeats = |other: Option<&str>| other.is_some_and(|o| o.eq_ignore_ascii_case(text));
    if repeats(make) || repeats(model) {
        return true;
    }
    !text.chars().any(char::is_alphabetic) || looks_like_file_name(&lower)
}

fn looks_like_file_name(lower: &str) -> bool {
    const EXTENSIONS: &[&str] = &[".jpg", ".jpeg", ".tif", ".tiff", ".png", ".heic"];
    !lower.contains(char::is_whitespace) && EXTENSIONS.iter().any(|e| lower.ends_with(e))
}

/// Drops NULs and control characters other than line breaks and tabs, then trims.
fn tidy(text: &str) -> Option<String> {
    let kept: String = text
        .chars()
        .filter(|&c| !c.is_control() || c == '\n' || c == '\t')
        .collect();
    let trimmed = kept.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_cut_at_nul_and_trimmed() {
        assert_eq!(from_ascii(b"  Canon \0junk").as_deref(), Some("Canon"));
        assert_eq!(from_ascii(b"   \0"), None);
        assert_eq!(from_ascii(b""), None);
    }

    #[test]
    fn non_utf8_ascii_falls_back_to_latin1() {
        assert_eq!(from_ascii(b"Caf\xe9").as_deref(), Some("Café"));
        assert_eq!(from_ascii("Café".as_bytes()).as_deref(), Some("Café"));
    }

    #[test]
    fn utf16le_stops_at_the_terminator() {
        let mut raw: Vec<u8> = "Über ✓".encode_utf16().flat_map(u16::to_le_bytes).collect();
        raw.extend_from_slice(&[0, 0, b'x', 0]);
        assert_eq!(from_utf16le(&raw).as_deref(), Some("Über ✓"));
    }

    #[test]
    fn utf16le_tolerates_odd_lengths_and_lone_surrogates() {
        assert_eq!(from_utf16le(&[b'A', 0, b'B']).as_deref(), Some("A"));
        assert_eq!(
            from_utf16le(&[0x00, 0xD8, b'A', 0]).as_deref(),
            Some("\u{FFFD}A")
        );
        assert_eq!(from_utf16le(&[]), None);
    }

    #[test]
    fn camera_placeholders_are_recognised() {
        for junk in [
            "OLYMPUS DIGITAL CAMERA",
            "SAMSUNG DIGITAL CAMERA",
            "KODAK Digital Still Camera",
            "SONY DSC",
            "default",
            "My beautiful picture",
            "Digital StillCamera",
            "DCFC1247.JPG",
            "0",
            "---",
        ] {
            assert!(is_placeholder(junk, None, None), "{junk}");
        }
        assert!(is_placeholder(
            "Canon EOS 5D",
            Some("Canon"),
            Some("Canon EOS 5D")
        ));
        let konica = Some("KONICA MINOLTA");
        assert!(is_placeholder(
            "KONICA MINOLTA DIGITAL CAMERA",
            konica,
            None
        ));
        assert!(!is_placeholder("My new digital camera", konica, None));
    }

    #[test]
    fn real_descriptions_are_kept() {
        for real in [
            "Sunset over the bay",
            "Beach photo",
            "Grandma's 90th birthday",
            "IMG of the harbour.jpg at night",
        ] {
            assert!(!is_placeholder(real, Some("Canon"), None), "{real}");
        }
    }
}
