//! XMP GPS removal in each container: PNG `iTXt`/`tEXt` (CRC recomputed; compressed text left
//! alone), the WebP `XMP ` chunk, and JPEG Extended XMP split over several APP1 segments.

mod common;

use std::ops::Range;

use upstage_sdk::Format;

use common::xmp::{
    changes_are_spaces, count, find, jpeg_with_app1s, packet, well_formed_without_gps, EXIF_NS,
};
use common::{crc32, png_chunk, run};

fn gps_packet() -> String {
    packet(&format!(
        "<rdf:Description rdf:about='' xmlns:exif='{EXIF_NS}' exif:GPSLatitude='55,40.566N'>\n\
         <exif:GPSLongitude>12,34.5E</exif:GPSLongitude>\n\
         <exif:DateTimeOriginal>2020-01-01T10:00:00</exif:DateTimeOriginal>\n</rdf:Description>"
    ))
}

/// Only `edited` changed, only to spaces; what is left of it is GPS-free and well-formed.
fn assert_only_blanked(before: &[u8], after: &[u8], edited: Range<usize>) {
    assert_eq!(after.len(), before.len());
    assert_eq!(after[..edited.start], before[..edited.start]);
    assert_eq!(after[edited.end..], before[edited.end..]);
    let text = &after[edited.clone()];
    assert!(changes_are_spaces(&before[edited], text));
    assert_eq!(count(text, "GPS"), 0);
    well_formed_without_gps(text).unwrap();
    assert!(find(text, "<exif:DateTimeOriginal>2020-01-01T10:00:00<").is_some());
}

fn png_with(text_chunk: &[u8], kind: &[u8]) -> (Vec<u8>, Range<usize>) {
    let mut f = b"\x89PNG\r\n\x1a\n".to_vec();
    f.extend(png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]));
    let at = f.len();
    f.extend(png_chunk(kind, text_chunk));
    f.extend(png_chunk(b"IDAT", b"not really zlib"));
    f.extend(png_chunk(b"IEND", &[]));
    (f, at..at + 12 + text_chunk.len())
}

#[test]
fn png_itxt_and_text_are_blanked_and_resealed() {
    let xmp = gps_packet();
    let itxt = [b"XML:com.adobe.xmp\0\0\0en\0\0".as_slice(), xmp.as_bytes()].concat();
    let text = [b"XML:com.adobe.xmp\0".as_slice(), xmp.as_bytes()].concat();
    for (data, kind) in [(itxt, b"iTXt"), (text, b"tEXt")] {
        let (file, chunk) = png_with(&data, kind);
        let ctx = run(Format::Png, file.clone(), true);
        assert!(ctx.meta.gps_removed);
        let out = &ctx.original;
        let crc_at = chunk.end - 4;
        let packet = crc_at - xmp.len()..crc_at;
        assert_only_blanked(&file[..crc_at], &out[..crc_at], packet);
        assert_eq!(out[chunk.end..], file[chunk.end..], "later chunks");
        assert_ne!(out[crc_at..chunk.end], file[crc_at..chunk.end]);
        assert_eq!(
            out[crc_at..chunk.end],
            crc32(&out[chunk.start + 4..crc_at]).to_be_bytes(),
            "CRC recomputed"
        );
    }
}

#[test]
fn compressed_png_text_is_left_alone() {
    // The flag says compressed; whatever the bytes, they cannot be edited in place.
    let xmp = gps_packet();
    let itxt = [b"XML:com.adobe.xmp\0\x01\0\0\0".as_slice(), xmp.as_bytes()].concat();
    let (file, _) = png_with(&itxt, b"iTXt");
    let ctx = run(Format::Png, file.clone(), true);
    assert!(!ctx.meta.gps_removed);
    assert_eq!(ctx.original, file);
}

#[test]
fn webp_xmp_chunk_is_blanked() {
    let mut xmp = gps_packet();
    if xmp.len().is_multiple_of(2) {
        xmp.push('\n');
    }
    let mut file = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0".to_vec();
    file.extend_from_slice(&[0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    file.extend_from_slice(b"VP8L\x05\0\0\0\x2f\0\0\0\0\0");
    file.extend_from_slice(b"XMP ");
    file.extend_from_slice(&(xmp.len() as u32).to_le_bytes());
    let at = file.len();
    file.extend_from_slice(xmp.as_bytes());
    file.push(0);
    file.extend_from_slice(b"ICCP\x02\0\0\0ab");
    let size = (file.len() - 8) as u32;
    file[4..8].copy_from_slice(&size.to_le_bytes());

    let ctx = run(Format::Webp, file.clone(), true);
    assert!(ctx.meta.gps_removed);
    assert_only_blanked(&file, &ctx.original, at..at + xmp.len());
}

/// An Extended XMP APP1 payload: header, GUID, full length, offset, then the piece.
fn extended(guid: &[u8; 32], full: &[u8], piece: Range<usize>) -> Vec<u8> {
    let mut p = b"http://ns.adobe.com/xmp/extension/\0".to_vec();
    p.extend_from_slice(guid);
    p.extend_from_slice(&(full.len() as u32).to_be_bytes());
    p.extend_from_slice(&(piece.start as u32).to_be_bytes());
    p.extend_from_slice(&full[piece]);
    p
}

#[test]
fn jpeg_extended_xmp_is_reassembled_blanked_and_split_again() {
    let guid = b"0123456789ABCDEF0123456789ABCDEF";
    let full = format!(
        "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='{}'>\
         <rdf:Description rdf:about='' xmlns:exif='{EXIF_NS}'>\n\
         <exif:GPSLongitude>12,34.5E</exif:GPSLongitude>\n\
         <exif:DateTimeOriginal>2020-01-01T10:00:00</exif:DateTimeOriginal>\n\
         </rdf:Description></rdf:RDF></x:xmpmeta>",
        common::xmp::RDF_NS
    )
    .into_bytes();
    // Split inside the GPS element, and store the pieces out of order.
    let cut = find(&full, "34.5E").unwrap();
    let payloads = [
        extended(guid, &full, cut..full.len()),
        extended(guid, &full, 0..cut),
    ];
    let (file, ranges) = jpeg_with_app1s(&payloads);
    let ctx = run(Format::Jpeg, file.clone(), true);
    assert!(ctx.meta.gps_removed);
    let out = &ctx.original;
    let data = |f: &[u8], r: &Range<usize>| f[r.start + 75..r.end].to_vec();
    let joined = |f: &[u8]| [data(f, &ranges[1]), data(f, &ranges[0])].concat();
    assert_only_blanked(&joined(&file), &joined(out), 0..full.len());
    for r in &ranges {
        assert_eq!(
            out[r.start..r.start + 75],
            file[r.start..r.start + 75],
            "headers"
        );
    }
    assert_eq!(out[ranges[1].end..], file[ranges[1].end..]);

    // With a piece missing the packet cannot be checked, so it is left alone.
    let (file, _) = jpeg_with_app1s(&payloads[..1]);
    let ctx = run(Format::Jpeg, file.clone(), true);
    assert!(!ctx.meta.gps_removed);
    assert_eq!(ctx.original, file);
}
