//! `tags`: comma list; whitespace collapsed, duplicates and empties dropped; at most 32 characters;
//! no `,`, `/` or `#`. Invalid tags are skipped silently, as in the reference.

pub fn parse(value: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for raw in value.split(',') {
        let tag = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        let valid = !tag.is_empty() && tag.chars().count() <= 32 && !tag.contains(['/', '#']);
        if valid && !out.contains(&tag) {
            out.push(tag);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_like_the_reference() {
        assert_eq!(
            super::parse(" cats ,dogs,, cats,a/b, #x, big   sky "),
            ["cats", "dogs", "big sky"]
        );
        assert!(super::parse(&"x".repeat(33)).is_empty());
    }
}
