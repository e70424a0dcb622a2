//! File naming as the reference does it (`upload_filenaming = original`, switching to `mixed` on
//! a collision), and the datefolder layout.

use chrono::{Datelike, NaiveDate};
use rand::Rng;
use serde::{Deserialize, Serialize};
use upstage_sdk::OutputKind;

/// `datefolder` files items under `images/Y/m/d/`; `direct` puts them all in `images/`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageMode {
    #[default]
    Datefolder,
    Direct,
}

const MAX_NAME: usize = 200;

fn random_hex(n: usize) -> String {
    let mut rng = rand::rng();
    (0..n)
        .map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0'))
        .collect()
}

/// The `original` naming method: the client's name without its extension, transliterated,
/// whitespace runs as `-`, only `[.\w-]` kept, at most 200 characters; 32 random hex characters
/// if nothing is left. Chain infixes (`.th.`, `.md.`, …) are removed so a re-upload of a thumb
/// cannot collide with chain names.
pub fn original_name(client_name: &str) -> String {
    // Browsers and some clients send a path; only its last component is a name.
    let client_name = client_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(client_name);
    let stem = match client_name.rfind('.') {
        Some(i) if i > 0 => &client_name[..i],
        _ => client_name,
    };
    let mut stem = deunicode::deunicode(stem);
    for infix in [".th.", ".md.", ".original.", ".lg.", ".fr."] {
        while let Some(i) = stem.find(infix) {
            stem.replace_range(i..i + infix.len(), ".");
        }
    }
    for suffix in [".th", ".md", ".original", ".lg", ".fr"] {
        if let Some(s) = stem.strip_suffix(suffix) {
            stem = s.to_owned();
        }
    }
    let dashed = stem.split_whitespace().collect::<Vec<_>>().join("-");
    let kept: String = dashed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .collect();
    let trimmed: String = kept
        .trim_matches(|c| c == '-' || c == '.')
        .chars()
        .take(MAX_NAME)
        .collect();
    if trimmed.is_empty() {
        random_hex(32)
    } else {
        trimmed
    }
}

/// The `mixed` method: the original name plus 16 random hex characters, no separator.
pub fn mixed_name(original: &str) -> String {
    format!("{original}{}", random_hex(16))
}

/// `images/2026/11/26/` or `images/`.
pub fn date_folder(mode: StorageMode, date: NaiveDate) -> String {
    match mode {
        StorageMode::Datefolder => format!(
            "images/{:04}/{:02}/{:02}/",
            date.year(),
            date.month(),
            date.day()
        ),
        StorageMode::Direct => "images/".to_owned(),
    }
}

/// The key of one chain member: `folder/name.ext`, `folder/name.th.ext`, …
pub fn chain_key(folder: &str, name: &str, kind: OutputKind, ext: &str) -> String {
    match kind.infix() {
        Some(infix) => format!("{folder}{name}.{infix}.{ext}"),
        None => format!("{folder}{name}.{ext}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn original_naming_matches_the_reference() {
        assert_eq!(
            original_name("Badgers _ animated music video _ MrWeebl.mp4"),
            "Badgers-_-animated-music-video-_-MrWeebl"
        );
        assert_eq!(
            original_name("Ærø  ferie  på  Fanø.JPG"),
            "AEro-ferie-pa-Fano"
        );
        assert_eq!(original_name("cat.th.jpg"), "cat");
        assert_eq!(original_name("a.md.b.png"), "a.b");
        assert_eq!(original_name("../../etc/passwd"), "passwd");
        assert_eq!(original_name("C:\\Users\\me\\dog.png"), "dog");
        assert_eq!(original_name("日本.png").len(), 6); // transliterated, not dropped
        let random = original_name("???.png");
        assert_eq!(random.len(), 32);
        assert!(random.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(original_name(&"x".repeat(500)).len(), 200);
    }

    #[test]
    fn mixed_adds_sixteen_hex() {
        let m = mixed_name("cat");
        assert_eq!(m.len(), 19);
        assert!(m.starts_with("cat"));
    }

    #[test]
    fn keys() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 2).unwrap();
        let folder = date_folder(StorageMode::Datefolder, d);
        assert_eq!(folder, "images/2026/01/02/");
        assert_eq!(
            chain_key(&folder, "cat", OutputKind::Thumb, "jpeg"),
            "images/2026/01/02/cat.th.jpeg"
        );
        assert_eq!(
            chain_key("images/", "cat", OutputKind::Main, "png"),
            "images/cat.png"
        );
    }
}
