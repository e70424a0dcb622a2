//! XMP GPS removal on a real photo: a digiKam-edited Sony JPEG whose XMP repeats the EXIF GPS
//! tags (`exif:GPSLatitude` and seven more, element form). What exiftool would report is checked
//! without exiftool: no GPS property is left, and only GPS bytes changed.

mod common;

use upstage_sdk::Format;

use common::xmp::{changes_are_spaces, count, find, well_formed_without_gps, xmp_packets};
use common::{app1_exif, corpus, gps_fields, parse, run, tiff_of};

const PHOTO: &str = "jpeg/plasma_ColorfulCups_images_2560x1600.jpg";

#[test]
fn corpus_photo_loses_gps_from_exif_and_xmp_and_nothing_else() {
    let Some(root) = corpus() else { return };
    let original = std::fs::read(root.join(PHOTO)).unwrap();
    let exif = app1_exif(&original).expect("EXIF APP1");
    let packets = xmp_packets(&original);
    assert_eq!(packets.len(), 1, "one XMP packet");
    let xmp = packets[0].clone();
    assert!(exif.end <= xmp.start, "EXIF comes first in this file");
    let before = &original[xmp.clone()];
    assert_eq!(
        count(before, ":GPS"),
        16,
        "8 GPS elements, start and end tags"
    );

    let ctx = run(Format::Jpeg, original.clone(), true);
    assert!(ctx.meta.gps_removed);
    let out = &ctx.original;
    assert_eq!(out.len(), original.len());
    assert_eq!(out[..exif.start], original[..exif.start]);
    assert_eq!(out[exif.end..xmp.start], original[exif.end..xmp.start]);
    assert_eq!(
        out[xmp.end..],
        original[xmp.end..],
        "ICC, tables and pixels"
    );
    assert_eq!(gps_fields(&parse(&tiff_of(out, &exif)).unwrap()), 0);

    let after = &out[xmp];
    assert!(changes_are_spaces(before, after));
    assert_eq!(count(after, "GPS"), 0);
    well_formed_without_gps(after).unwrap();
    for kept in [
        "</x:xmpmeta>",
        "<?xpacket end=",
        "</rdf:RDF>",
        "<exif:DateTimeOriginal>2014:04:29 14:25:26</exif:DateTimeOriginal>",
        "<exif:Make>SONY</exif:Make>",
        "<exif:UserComment>",
        "<digiKam:ImageHistory>",
    ] {
        assert!(find(before, kept).is_some(), "{kept} in the original");
        assert_eq!(find(after, kept), find(before, kept), "{kept}");
    }
    // Everything but the GPS elements and the line breaks around them is as it was.
    let squeeze = |b: &[u8]| -> Vec<u8> {
        b.iter()
            .copied()
            .filter(|c| !c.is_ascii_whitespace())
            .collect()
    };
    let mut expected = String::from_utf8(squeeze(before)).unwrap();
    for name in [
        "GPSLatitudeRef",
        "GPSLongitudeRef",
        "GPSVersionID",
        "GPSMapDatum",
        "GPSLatitude",
        "GPSLongitude",
    ] {
        while let Some(start) = expected.find(&format!("<exif:{name}>")) {
            let close = format!("</exif:{name}>");
            let end = expected[start..].find(&close).unwrap() + start + close.len();
            expected.replace_range(start..end, "");
        }
    }
    assert_eq!(String::from_utf8(squeeze(after)).unwrap(), expected);
}

/// JPEGs whose XMP has no GPS keep it byte for byte.
#[test]
fn xmp_without_gps_is_untouched() {
    let Some(root) = corpus() else { return };
    let mut seen = 0;
    for e in std::fs::read_dir(root.join("jpeg")).unwrap() {
        let path = e.unwrap().path();
        let original = std::fs::read(&path).unwrap();
        let packets = xmp_packets(&original);
        if packets.is_empty()
            || packets
                .iter()
                .any(|p| count(&original[p.clone()], "GPS") > 0)
        {
            continue;
        }
        seen += 1;
        let out = run(Format::Jpeg, original.clone(), true).original;
        for p in packets {
            assert_eq!(out[p.clone()], original[p], "{}", path.display());
        }
    }
    assert!(seen >= 10, "only {seen} files with GPS-free XMP");
}
