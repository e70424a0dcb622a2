//! Copy through the terminal (OSC 52): works over SSH and needs no clipboard daemon.

use base64::Engine as _;

/// The escape sequence that puts `text` on the system clipboard.
pub fn osc52(text: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{b64}\x07")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence() {
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
    }
}
