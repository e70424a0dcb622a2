//! GPS removal from synthetic XMP packets in JPEG APP1: both RDF serialisations, nested and
//! self-closing properties, other prefixes for the EXIF namespace, and damaged packets, which must
//! be left exactly as they are.

mod common;

use upstage_sdk::Format;

use common::run;
use common::xmp::{
    changes_are_spaces, count, find, jpeg_with_xmp, packet, well_formed_without_gps, EXIF_NS,
};

/// Runs the stage on a JPEG holding `xmp`; checks length, that only the packet changed and only
/// to spaces, and returns (gps_removed, packet before, packet after).
fn strip(xmp: &str) -> (bool, Vec<u8>, Vec<u8>) {
    let (file, at) = jpeg_with_xmp(xmp);
    let ctx = run(Format::Jpeg, file.clone(), true);
    let out = &ctx.original;
    assert_eq!(out.len(), file.len());
    assert_eq!(out[..at.start], file[..at.start], "bytes before the packet");
    assert_eq!(out[at.end..], file[at.end..], "bytes after the packet");
    let (before, after) = (file[at.clone()].to_vec(), out[at].to_vec());
    assert!(changes_are_spaces(&before, &after));
    assert!(std::str::from_utf8(&after).is_ok(), "still UTF-8");
    (ctx.meta.gps_removed, before, after)
}

/// The packet was edited, no GPS is left, it is still well-formed and `kept` is where it was.
fn assert_stripped(xmp: &str, kept: &[&str]) -> Vec<u8> {
    let (removed, before, after) = strip(xmp);
    assert!(removed, "gps_removed not set");
    assert_eq!(
        count(&after, "GPS"),
        0,
        "{}",
        String::from_utf8_lossy(&after)
    );
    well_formed_without_gps(&after).unwrap();
    for k in kept {
        assert!(find(&before, k).is_some(), "test packet lacks {k}");
        assert_eq!(find(&after, k), find(&before, k), "{k} moved or went");
    }
    after
}

#[test]
fn attribute_form() {
    let xmp = packet(&format!(
        "<rdf:Description rdf:about='' xmlns:exif='{EXIF_NS}'\n   exif:GPSLatitude=\"55,40.566N\" \
         exif:DateTimeOriginal=\"2020-01-01T10:00:00\"\n   exif:GPSLongitude = '12,34.5E' \
         exif:GPSAltitude=\"10/1\"/>"
    ));
    let after = assert_stripped(
        &xmp,
        &[
            "exif:DateTimeOriginal=\"2020-01-01T10:00:00\"",
            "xmlns:exif=",
        ],
    );
    let text = String::from_utf8(after).unwrap();
    assert!(text.contains(&format!("xmlns:exif='{EXIF_NS}'\n    ")));
    assert!(!text.contains("55,40") && !text.contains("12,34") && !text.contains("10/1"));
}

#[test]
fn element_form_nested_and_self_closing() {
    let xmp = packet(&format!(
        "<rdf:Description rdf:about=''\n  xmlns:exif='{EXIF_NS}'>\n\
         <exif:GPSLatitude>55,40.566N</exif:GPSLatitude>\n\
         <exif:DateTimeOriginal>2020-01-01T10:00:00</exif:DateTimeOriginal>\n\
         <exif:GPSVersionID>\n <rdf:Seq>\n  <rdf:li>2</rdf:li>\n  <rdf:li>2</rdf:li>\n </rdf:Seq>\n\
         </exif:GPSVersionID>\n\
         <exif:GPSTimeStamp rdf:parseType='Resource'><exif:Nested>1</exif:Nested></exif:GPSTimeStamp>\n\
         <exif:GPSAreaInformation/>\n<exif:GPSMapDatum  rdf:resource='x' />\n\
         <exif:GPSImgDirection >123/1</exif:GPSImgDirection >\n\
         </rdf:Description>"
    ));
    let after = assert_stripped(
        &xmp,
        &["<exif:DateTimeOriginal>2020-01-01T10:00:00</exif:DateTimeOriginal>"],
    );
    for gone in ["55,40", "rdf:Seq", "rdf:li", "Nested", "123/1"] {
        assert_eq!(count(&after, gone), 0, "{gone}");
    }
}

#[test]
fn any_prefix_bound_to_the_exif_namespaces() {
    let xmp = packet(&format!(
        "<rdf:Description rdf:about='' xmlns:e='{EXIF_NS}' e:GPSLatitude='1,2N'>\n\
         <e:GPSLongitude>3,4E</e:GPSLongitude>\n\
         <ex:GPSHPositioningError xmlns:ex='http://cipa.jp/exif/1.0/'>5/1</ex:GPSHPositioningError>\n\
         <GPSAltitude xmlns='{EXIF_NS}'>7/1</GPSAltitude>\n\
         <e:DateTimeOriginal>2020-01-01T10:00:00</e:DateTimeOriginal>\n\
         </rdf:Description>"
    ));
    assert_stripped(
        &xmp,
        &["<e:DateTimeOriginal>2020-01-01T10:00:00</e:DateTimeOriginal>"],
    );
}

/// Namespaces decide, not prefixes: `exif:` bound elsewhere is not EXIF, and properties whose
/// names merely contain `GPS` stay.
#[test]
fn other_namespaces_are_left_alone() {
    let xmp = packet(&format!(
        "<rdf:Description rdf:about='' xmlns:exif='http://example.com/not-exif/'\n\
         xmlns:real='{EXIF_NS}' exif:GPSLatitude='1' real:NoGPSHere='2'>\n\
         <exif:GPSLongitude>3</exif:GPSLongitude>\n</rdf:Description>"
    ));
    let (removed, before, after) = strip(&xmp);
    assert!(!removed);
    assert_eq!(after, before);
}

#[test]
fn no_gps_or_keeping_gps_changes_nothing() {
    let plain = packet(&format!(
        "<rdf:Description xmlns:exif='{EXIF_NS}' exif:DateTimeOriginal='2020-01-01'/>"
    ));
    let (removed, before, after) = strip(&plain);
    assert!(!removed);
    assert_eq!(after, before);

    let gps = packet(&format!(
        "<rdf:Description xmlns:exif='{EXIF_NS}' exif:GPSLatitude='1,2N'/>"
    ));
    let (file, _) = jpeg_with_xmp(&gps);
    let ctx = run(Format::Jpeg, file.clone(), false);
    assert!(!ctx.meta.gps_removed);
    assert_eq!(ctx.original, file);
}

#[test]
fn malformed_packets_are_left_unchanged() {
    let good = packet(&format!(
        "<rdf:Description xmlns:exif='{EXIF_NS}' exif:GPSLatitude='1,2N'>\n\
         <exif:GPSLongitude>3,4E</exif:GPSLongitude>\n<exif:Make>X</exif:Make>\n</rdf:Description>"
    ));
    assert!(strip(&good).0, "the undamaged packet is stripped");
    let mut bad: Vec<String> = vec![
        good.replace("</exif:Make>", "</exif:Model>"),
        good.replace("</x:xmpmeta>", ""),
        good.replace("<exif:GPSLongitude>", "<exif:GPSLongitude"),
        good.replace("exif:GPSLatitude='1,2N'", "exif:GPSLatitude='1,2N"),
        format!("<!DOCTYPE x [<!ENTITY e 'y'>]>{good}"),
        format!("{good}</extra>"),
    ];
    // Every truncation that cuts into the markup, as a short segment would.
    let end = good.find("</x:xmpmeta>").unwrap() + "</x:xmpmeta>".len();
    bad.extend(
        (0..end)
            .filter(|&i| good.is_char_boundary(i))
            .map(|i| good[..i].to_string()),
    );
    for xmp in &bad {
        let (removed, before, after) = strip(xmp);
        assert!(!removed, "{xmp}");
        assert_eq!(after, before, "{xmp}");
    }
}

#[test]
fn random_damage_never_panics() {
    let good = packet(&format!(
        "<rdf:Description xmlns:exif='{EXIF_NS}' exif:GPSLatitude='1,2N'>\n\
         <exif:GPSVersionID><rdf:Seq><rdf:li>2</rdf:li></rdf:Seq></exif:GPSVersionID>\n\
         </rdf:Description>"
    ))
    .into_bytes();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let bytes = b"<>/='\"\0 :GPSx\xC3\xA9";
    for _ in 0..2000 {
        let mut p = good.clone();
        for _ in 0..1 + next() % 4 {
            let pos = (next() % p.len() as u64) as usize;
            p[pos] = bytes[(next() % bytes.len() as u64) as usize];
        }
        let (file, _) = jpeg_with_xmp(&String::from_utf8_lossy(&p));
        let ctx = run(Format::Jpeg, file.clone(), true);
        assert_eq!(ctx.original.len(), file.len());
    }
}
