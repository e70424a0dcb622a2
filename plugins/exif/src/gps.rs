//! GPS removal by editing the TIFF block in place. Nothing moves: the GPS pointer entry is taken out
//! of its IFD (later entries shift up into its place) and the GPS IFD and its values are zeroed, so
//! every other offset in the block, and the container around it, stays valid. Bytes that anything
//! else still uses are never zeroed, however the GPS offsets overlap them in a crafted file.

use std::collections::HashSet;
use std::ops::Range;

use crate::tiff::{put_u16, ByteOrder, Ifd, Malformed, Tiff, ENTRY_LEN};

const GPS_POINTER: u16 = 0x8825;
const EXIF_POINTER: u16 = 0x8769;
const INTEROP_POINTER: u16 = 0xA005;
const THUMBNAIL_OFFSET: u16 = 0x0201;
const THUMBNAIL_LENGTH: u16 = 0x0202;
/// IFD0, the thumbnail IFD and a margin; real files have two. Bounds the walk of a looping chain.
const MAX_CHAIN: usize = 8;

/// Removes the GPS tags from a TIFF block. `Ok(true)` when there were some; `Err` when the block is
/// too broken to edit safely, in which case it has not been touched.
pub(crate) fn strip(block: &mut [u8]) -> Result<bool, Malformed> {
    let tiff = Tiff::new(block)?;
    let order = tiff.order;
    let plan = Plan::survey(&tiff)?;
    if plan.holders.is_empty() {
        return Ok(false);
    }
    for range in &plan.wipe {
        zero_unprotected(block, range.clone(), &plan.protected);
    }
    for ifd in &plan.holders {
        drop_gps_entries(block, ifd, order);
    }
    Ok(true)
}

/// What to change, worked out before the first byte is written.
#[derive(Default)]
struct Plan {
    /// IFDs of the main chain that hold a GPS pointer.
    holders: Vec<Ifd>,
    /// The GPS IFDs and their out-of-line values.
    wipe: Vec<Range<usize>>,
    /// Bytes still in use: the other IFDs, their values and the thumbnail. Sorted and merged.
    protected: Vec<Range<usize>>,
}

impl Plan {
    fn survey(tiff: &Tiff) -> Result<Plan, Malformed> {
        let mut plan = Plan::default();
        // The header (byte order, IFD0 offset): a crafted GPS value may claim these bytes too.
        plan.protect_clamped(tiff, 0, 8);
        let mut seen = HashSet::new();
        let mut gps_ifds = Vec::new();
        let mut offset = tiff.first_ifd()?;
        for index in 0..MAX_CHAIN {
            if offset == 0 || !seen.insert(offset) {
                break;
            }
            let ifd = match tiff.ifd(offset) {
                Ok(ifd) => ifd,
                // Without a readable IFD0 there is nothing to edit; a broken later IFD only ends
                // the chain, and we keep our hands off everything from it on.
                Err(e) if index == 0 => return Err(e),
                Err(_) => {
                    plan.protect_clamped(tiff, offset, usize::MAX);
                    break;
                }
            };
            plan.protected.push(ifd.span());
            let mut thumbnail = (None, None);
            let mut holds_gps = false;
            for entry in tiff.entries(ifd) {
                match entry.tag {
                    GPS_POINTER => {
                        holds_gps = true;
                        gps_ifds.extend(tiff.pointer(&entry));
                    }
                    EXIF_POINTER => {
                        if let Some(at) = tiff.pointer(&entry) {
                            plan.protect_sub_ifd(tiff, at, &mut seen, 0);
                        }
                    }
                    THUMBNAIL_OFFSET => thumbnail.0 = Some(entry.value_field),
                    THUMBNAIL_LENGTH => thumbnail.1 = Some(entry.value_field),
                    _ => {}
                }
                plan.protected.extend(tiff.out_of_line(&entry));
            }
            if let (Some(start), Some(len)) = thumbnail {
                let wide = |v: u32| usize::try_from(v).unwrap_or(usize::MAX);
                plan.protect_clamped(tiff, wide(start), wide(len));
            }
            if holds_gps {
                plan.holders.push(ifd);
            }
            offset = tiff.offset_at(ifd.next_pos())?;
        }
        // Taking the pointer out shifts the rest of its table: safe only when no other structure
        // or value shares those bytes, which in a crafted or damaged block they may.
        for ifd in &plan.holders {
            let span = ifd.span();
            let shared = plan
                .protected
                .iter()
                .any(|r| *r != span && r.start < span.end && span.start < r.end);
            if shared {
                return Err(Malformed(
                    "the IFD holding the GPS pointer overlaps other data",
                ));
            }
        }
        for at in gps_ifds {
            plan.wipe_gps_ifd(tiff, at);
        }
        plan.protected = merged(std::mem::take(&mut plan.protected));
        Ok(plan)
    }

    /// The Exif IFD and, below it, the Interop IFD.
    fn protect_sub_ifd(&mut self, tiff: &Tiff, at: usize, seen: &mut HashSet<usize>, depth: u8) {
        if !seen.insert(at) {
            return;
        }
        let Ok(ifd) = tiff.ifd(at) else {
            // Readers may still get entries out of a truncated table: leave its bytes alone.
            self.protect_clamped(tiff, at, usize::MAX);
            return;
        };
        self.protected.push(ifd.span());
        for entry in tiff.entries(ifd) {
            self.protected.extend(tiff.out_of_line(&entry));
            if entry.tag == INTEROP_POINTER && depth == 0 {
                if let Some(child) = tiff.pointer(&entry) {
                    self.protect_sub_ifd(tiff, child, seen, depth + 1);
                }
            }
        }
    }

    fn wipe_gps_ifd(&mut self, tiff: &Tiff, at: usize) {
        match tiff.ifd(at) {
            Ok(ifd) => {
                self.wipe.push(ifd.span());
                self.wipe
                    .extend(tiff.entries(ifd).filter_map(|e| tiff.out_of_line(&e)));
            }
            Err(_) => {
                // A truncated GPS table: zero what of it is there.
                if let Ok(count) = tiff.u16_at(at) {
                    let span = Ifd {
                        offset: at,
                        count: usize::from(count),
                    }
                    .span();
                    self.wipe.push(at..span.end.min(tiff.data.len()));
                }
            }
        }
    }

    fn protect_clamped(&mut self, tiff: &Tiff, start: usize, len: usize) {
        let end = start.saturating_add(len).min(tiff.data.len());
        if start < end {
            self.protected.push(start..end);
        }
    }
}

/// Sorted, non-overlapping ranges, so a lookup can binary-search them.
fn merged(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| r.start);
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// Zeroes `range` except where it overlaps a protected range.
fn zero_unprotected(data: &mut [u8], range: Range<usize>, protected: &[Range<usize>]) {
    let mut cursor = range.start;
    let first = protected.partition_point(|p| p.end <= range.start);
    for p in &protected[first..] {
        if p.start >= range.end {
            break;
        }
        zero(data, cursor..p.start);
        cursor = cursor.max(p.end);
    }
    zero(data, cursor..range.end);
}

fn zero(data: &mut [u8], range: Range<usize>) {
    if let Some(bytes) = data.get_mut(range) {
        bytes.fill(0);
    }
}

/// Takes the GPS pointer entries out of an IFD: later entries shift up, the count drops, the
/// next-IFD offset follows the last entry and the freed bytes at the end become zeros.
fn drop_gps_entries(data: &mut [u8], ifd: &Ifd, order: ByteOrder) {
    let Some(region) = data.get_mut(ifd.span()) else {
        return;
    };
    let table_end = 2 + ifd.count * ENTRY_LEN;
    let mut rebuilt = Vec::with_capacity(region.len());
    rebuilt.extend_from_slice(&region[..2]);
    let mut kept = 0u16;
    for entry in region[2..table_end].chunks_exact(ENTRY_LEN) {
        let tag_bytes = [entry[0], entry[1]];
        let tag = match order {
            ByteOrder::Little => u16::from_le_bytes(tag_bytes),
            ByteOrder::Big => u16::from_be_bytes(tag_bytes),
        };
        if tag != GPS_POINTER {
            rebuilt.extend_from_slice(entry);
            kept += 1;
        }
    }
    rebuilt.extend_from_slice(&region[table_end..]);
    rebuilt.resize(region.len(), 0);
    region.copy_from_slice(&rebuilt);
    put_u16(region, 0, kept, order);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_sorts_and_joins() {
        assert_eq!(merged(vec![5..8, 0..2, 1..3, 8..9]), vec![0..3, 5..9]);
    }

    #[test]
    fn protected_bytes_survive_zeroing() {
        let mut d = vec![1u8; 12];
        zero_unprotected(&mut d, 2..10, &[0..3, 5..6, 9..20]);
        assert_eq!(d, [1, 1, 1, 0, 0, 1, 0, 0, 0, 1, 1, 1]);
    }

    #[test]
    fn entry_removal_shifts_and_zeroes() {
        // IFD with three entries (0x0100, GPS, 0x0200) and next-IFD offset 0xAABBCCDD.
        let mut d = vec![3, 0];
        for tag in [0x0100u16, GPS_POINTER, 0x0200] {
            d.extend_from_slice(&tag.to_le_bytes());
            d.extend_from_slice(&[4, 0, 1, 0, 0, 0, 7, 0, 0, 0]);
        }
        d.extend_from_slice(&[0xDD, 0xCC, 0xBB, 0xAA]);
        let ifd = Ifd {
            offset: 0,
            count: 3,
        };
        drop_gps_entries(&mut d, &ifd, ByteOrder::Little);
        assert_eq!(&d[..2], &[2, 0]);
        assert_eq!(&d[2..4], &[0x00, 0x01]);
        assert_eq!(&d[14..16], &[0x00, 0x02]);
        assert_eq!(&d[26..30], &[0xDD, 0xCC, 0xBB, 0xAA]);
        assert!(d[30..].iter().all(|&b| b == 0));
        assert_eq!(d.len(), 2 + 36 + 4);
    }
}
