//! The checks made before a file is sent: the size limit and the content (sniffed from its first
//! bytes, never its name), so a refused file costs no upload.

use std::io::Read;
use std::path::Path;

use upstage_core::{format_bytes, sniff};

use super::UploadError;

/// Enough bytes for every signature `sniff` knows (ISO-BMFF brands, EBML DocType).
const HEAD: usize = 4096;

/// The file's size, and why it would be refused (if it would).
pub fn check(path: &Path, max_bytes: u64) -> (u64, Option<UploadError>) {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return (0, Some(UploadError::rejected("unreadable", e.to_string()))),
    };
    let size = meta.len();
    if size == 0 {
        return (0, Some(UploadError::rejected("empty_file", "Empty file")));
    }
    if size > max_bytes {
        let msg = format!(
            "File too big - max {} ({} given)",
            format_bytes(max_bytes),
            format_bytes(size)
        );
        return (size, Some(UploadError::rejected("too_large", msg)));
    }
    let mut head = Vec::with_capacity(HEAD);
    let read = std::fs::File::open(path).and_then(|f| f.take(HEAD as u64).read_to_end(&mut head));
    if let Err(e) = read {
        return (
            size,
            Some(UploadError::rejected("unreadable", e.to_string())),
        );
    }
    match sniff(&head) {
        Ok(_) => (size, None),
        Err(e) => (
            size,
            Some(UploadError::rejected(e.code.as_str(), e.message)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_oversize_and_unknown_content() {
        let dir = tempfile::tempdir().expect("tempdir");
        let png = dir.path().join("a.jpg");
        std::fs::write(&png, b"\x89PNG\r\n\x1a\n0000000000000000").expect("write");
        assert_eq!(check(&png, 1000), (24, None));
        let (_, why) = check(&png, 10);
        let why = why.expect("oversize");
        assert_eq!(why.code(), "too_large");
        assert!(why.message().contains("max 10 B"), "{why}");
        let txt = dir.path().join("b.png");
        std::fs::write(&txt, b"hello, not an image").expect("write");
        assert_eq!(
            check(&txt, 1000).1.map(|e| e.code()),
            Some("unsupported_format".to_owned())
        );
        let missing = check(&dir.path().join("nope.jpg"), 1000).1;
        assert_eq!(missing.map(|e| e.code()), Some("unreadable".to_owned()));
    }
}
