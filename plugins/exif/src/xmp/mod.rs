//! GPS removal from XMP packets, which many writers fill with a copy of the EXIF GPS tags. Like
//! the EXIF edit it works in place: GPS properties are overwritten with spaces, which XML ignores
//! where they stand, so the packet, its segment and the rest of the file keep their length.

mod gps;
mod locate;
mod xml;

use upstage_sdk::Format;

use locate::ExtendedChunk;

/// Blanks the GPS properties of every XMP packet in the file; true when there were some. A packet
/// that is not well-formed is left as it is.
pub(crate) fn strip_gps(format: Format, file: &mut [u8], item: &str) -> bool {
    let found = locate::xmp(format, file);
    let mut removed = false;
    for packet in &found.packets {
        let Some(text) = file.get_mut(packet.text.clone()) else {
            continue;
        };
        if strip_packet(text, item) {
            if let Some(crc) = &packet.crc {
                crc.reseal(file);
            }
            removed = true;
        }
    }
    removed |= strip_extended(file, &found.extended, item);
    if found.compressed > 0 {
        tracing::warn!(
            item,
            "compressed XMP cannot be edited in place; GPS in it, if any, stays"
        );
    }
    removed
}

fn strip_packet(text: &mut [u8], item: &str) -> bool {
    match gps::gps_ranges(text) {
        Ok(ranges) if ranges.is_empty() => false,
        Ok(ranges) => {
            gps::blank(text, &ranges);
            true
        }
        Err(e) => {
            tracing::debug!(item, "XMP packet left unchanged, not well-formed: {e}");
            false
        }
    }
}

/// Extended XMP (JPEG only) is one packet split over several segments, so a property may straddle
/// two of them: each packet is put together, edited and written back piece by piece. Its GUID, the
/// MD5 of the original packet, is kept: readers look the packet up by the GUID the standard packet
/// names rather than recompute the digest, and changing it would mean editing that packet too.
fn strip_extended(file: &mut [u8], chunks: &[ExtendedChunk], item: &str) -> bool {
    let mut guids: Vec<[u8; 32]> = chunks.iter().map(|c| c.guid).collect();
    guids.sort_unstable();
    guids.dedup();
    let mut removed = false;
    for guid in guids {
        let mut parts: Vec<&ExtendedChunk> = chunks.iter().filter(|c| c.guid == guid).collect();
        parts.sort_by_key(|c| c.offset);
        let Some(mut whole) = assemble(file, &parts) else {
            tracing::debug!(
                item,
                "Extended XMP incomplete or inconsistent; left unchanged"
            );
            continue;
        };
        if !strip_packet(&mut whole, item) {
            continue;
        }
        for c in parts {
            let src = whole.get(c.offset..c.offset + c.data.len());
            if let (Some(src), Some(dst)) = (src, file.get_mut(c.data.clone())) {
                dst.copy_from_slice(src);
            }
        }
        removed = true;
    }
    removed
}

/// The whole packet, when the pieces (sorted by offset) cover it exactly once.
fn assemble(file: &[u8], parts: &[&ExtendedChunk]) -> Option<Vec<u8>> {
    let full_len = parts.first()?.full_len;
    let mut whole = Vec::with_capacity(full_len.min(file.len()));
    for c in parts {
        if c.full_len != full_len || c.offset != whole.len() {
            return None;
        }
        whole.extend_from_slice(file.get(c.data.clone())?);
    }
    (whole.len() == full_len).then_some(whole)
}
