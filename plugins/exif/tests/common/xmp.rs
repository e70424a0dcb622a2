//! XMP test helpers, written independently of the stage: containers around XMP packets, finding
//! APP1 XMP segments in real files, and a simple well-formedness check.

use std::ops::Range;

pub const XMP_HEADER: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
pub const EXIF_NS: &str = "http://ns.adobe.com/exif/1.0/";
pub const RDF_NS: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

/// A complete packet (xpacket wrapper, `x:xmpmeta`, `rdf:RDF`) around `body`.
pub fn packet(body: &str) -> String {
    format!(
        "<?xpacket begin='\u{feff}' id='W5M0MpCehiHzreSzNTczkc9d'?>\n\
         <x:xmpmeta xmlns:x='adobe:ns:meta/'>\n<rdf:RDF xmlns:rdf='{RDF_NS}'>\n{body}\n\
         </rdf:RDF>\n</x:xmpmeta>\n{}<?xpacket end='w'?>",
        " ".repeat(64)
    )
}

/// A JPEG-shaped file with the given APP1 payloads after a JFIF APP0, then stand-in scan bytes.
/// Returns the file and the payload ranges.
pub fn jpeg_with_app1s(payloads: &[Vec<u8>]) -> (Vec<u8>, Vec<Range<usize>>) {
    let mut f = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
    f.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    let mut ranges = Vec::new();
    for p in payloads {
        f.extend_from_slice(&[0xFF, 0xE1]);
        f.extend_from_slice(&((p.len() + 2) as u16).to_be_bytes());
        ranges.push(f.len()..f.len() + p.len());
        f.extend_from_slice(p);
    }
    f.extend_from_slice(&[0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0]);
    f.extend((0..2048u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8 & 0x7F));
    f.extend_from_slice(&[0xFF, 0xD9]);
    (f, ranges)
}

/// A JPEG with one standard XMP APP1 segment; returns the file and the packet's range.
pub fn jpeg_with_xmp(packet: &str) -> (Vec<u8>, Range<usize>) {
    let (f, ranges) = jpeg_with_app1s(&[[XMP_HEADER, packet.as_bytes()].concat()]);
    let r = &ranges[0];
    (f, r.start + XMP_HEADER.len()..r.end)
}

/// The packets of a real JPEG's standard XMP APP1 segments.
pub fn xmp_packets(file: &[u8]) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut pos = 2;
    while pos + 4 <= file.len() && file[pos] == 0xFF && file[pos + 1] != 0xDA {
        let len = u16::from_be_bytes([file[pos + 2], file[pos + 3]]) as usize;
        let end = (pos + 2 + len).min(file.len());
        if file[pos + 1] == 0xE1 && file[pos + 4..end].starts_with(XMP_HEADER) {
            found.push(pos + 4 + XMP_HEADER.len()..end);
        }
        pos += 2 + len;
    }
    found
}

pub fn count(haystack: &[u8], needle: &str) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle.as_bytes())
        .count()
}

pub fn find(haystack: &[u8], needle: &str) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
}

/// Start and end tags pair up, ignoring `<?…?>` and comments; no `GPS` name is left in any tag.
/// Attribute values here never hold `<` or `>`, which keeps this simple.
pub fn well_formed_without_gps(text: &[u8]) -> Result<(), String> {
    let s = std::str::from_utf8(text).map_err(|e| e.to_string())?;
    let mut open: Vec<&str> = Vec::new();
    let mut rest = s;
    while let Some(lt) = rest.find('<') {
        let gt = rest[lt..].find('>').ok_or("unclosed tag")? + lt;
        let tag = &rest[lt + 1..gt];
        rest = &rest[gt + 1..];
        if tag.starts_with('?') || tag.starts_with("!--") {
            continue;
        }
        if tag.contains(":GPS") {
            return Err(format!("GPS left in <{tag}>"));
        }
        if let Some(name) = tag.strip_prefix('/') {
            match open.pop() {
                Some(o) if o == name.trim() => {}
                o => return Err(format!("</{name}> closes {o:?}")),
            }
        } else if !tag.ends_with('/') {
            open.push(tag.split_whitespace().next().ok_or("empty tag")?);
        }
    }
    match open.is_empty() {
        true => Ok(()),
        false => Err(format!("unclosed: {open:?}")),
    }
}

/// Every byte that differs between `before` and `after` is now a space.
pub fn changes_are_spaces(before: &[u8], after: &[u8]) -> bool {
    before.len() == after.len() && before.iter().zip(after).all(|(b, a)| b == a || *a == b' ')
}
