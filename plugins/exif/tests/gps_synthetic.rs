//! GPS removal on synthetic blocks, where every byte's place is known: both byte orders and the
//! PNG and WebP containers.

mod common;

use exif::{In, Tag};
use upstage_sdk::Format;

use common::builder::{sample_with_gps as sample, TiffBuilder, Val};
use common::{
    crc32, gps_fields, ifd0_entry, jpeg_with, parse, png_chunk, read_u16, read_u32, run, tiff_of,
};

const GPS_POINTER: u16 = 0x8825;

#[test]
fn gps_ifd_is_unlinked_and_zeroed_in_both_byte_orders() {
    for be in [false, true] {
        let tiff = sample(be).build();
        let gps_at = read_u32(&tiff, ifd0_entry(&tiff, GPS_POINTER, be) + 8, be) as usize;
        let gps_count = read_u16(&tiff, gps_at, be) as usize;
        let gps_end = gps_at + 2 + 12 * gps_count + 4;
        // Out-of-line GPS values: the rationals (type 5).
        let values: Vec<(usize, usize)> = (0..gps_count)
            .map(|i| gps_at + 2 + 12 * i)
            .filter(|&e| read_u16(&tiff, e + 2, be) == 5)
            .map(|e| {
                (
                    read_u32(&tiff, e + 8, be) as usize,
                    8 * read_u32(&tiff, e + 4, be) as usize,
                )
            })
            .collect();
        assert_eq!(values.len(), 3);
        let (file, app1) = jpeg_with(&tiff);
        let ctx = run(Format::Jpeg, file.clone(), true);
        let after = &ctx.original;

        assert!(ctx.meta.gps_removed);
        assert_eq!(after.len(), file.len());
        assert_eq!(after[..app1.start], file[..app1.start]);
        assert_eq!(
            after[app1.end..],
            file[app1.end..],
            "scan data must be untouched"
        );

        let new = tiff_of(after, &app1);
        let n = read_u16(&tiff, 8, be) as usize;
        let k = (ifd0_entry(&tiff, GPS_POINTER, be) - 10) / 12;
        assert!(k < n - 1, "the GPS pointer is not the last entry");
        assert_eq!(
            read_u16(&new, 8, be) as usize,
            n - 1,
            "IFD0 lost exactly one entry"
        );
        assert_eq!(
            new[10..10 + 12 * k],
            tiff[10..10 + 12 * k],
            "entries before GPS kept"
        );
        assert_eq!(
            new[10 + 12 * k..10 + 12 * (n - 1)],
            tiff[10 + 12 * (k + 1)..10 + 12 * n],
            "later ones shifted"
        );
        assert_eq!(
            read_u32(&new, 10 + 12 * (n - 1), be),
            0,
            "next-IFD offset moved up"
        );
        assert!(
            new[14 + 12 * (n - 1)..14 + 12 * n].iter().all(|&b| b == 0),
            "freed entry zeroed"
        );
        assert!(
            new[gps_at..gps_end].iter().all(|&b| b == 0),
            "GPS IFD zeroed"
        );
        for (at, len) in values {
            assert!(
                new[at..at + len].iter().all(|&b| b == 0),
                "GPS value at {at} zeroed"
            );
        }

        let before = parse(&tiff).unwrap();
        let now = parse(&new).unwrap();
        assert!(gps_fields(&before) > 0);
        assert_eq!(gps_fields(&now), 0);
        for tag in [Tag::DateTimeOriginal, Tag::Make, Tag::Orientation] {
            let show = |e: &exif::Exif| {
                e.get_field(tag, In::PRIMARY)
                    .map(|f| format!("{:?}", f.value))
            };
            assert_eq!(show(&now), show(&before), "{tag}");
            assert!(show(&now).is_some());
        }
        assert_eq!(ctx.meta.orientation, 6);
        assert_eq!(ctx.meta.title.as_deref(), Some("Title"));
    }
}

#[test]
fn no_gps_means_no_change() {
    let tiff = TiffBuilder::big().ifd0(0x010F, Val::Ascii("Canon")).build();
    let (file, _) = jpeg_with(&tiff);
    let ctx = run(Format::Jpeg, file.clone(), true);
    assert!(!ctx.meta.gps_removed);
    assert_eq!(ctx.original, file);
}

#[test]
fn png_exif_chunk_is_stripped_and_its_crc_updated() {
    let tiff = sample(false).build();
    let mut file = b"\x89PNG\r\n\x1a\n".to_vec();
    file.extend(png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]));
    let exif_at = file.len();
    file.extend(png_chunk(b"eXIf", &tiff));
    let exif_end = file.len();
    file.extend(png_chunk(b"IDAT", b"not really zlib"));
    file.extend(png_chunk(b"IEND", &[]));

    let ctx = run(Format::Png, file.clone(), true);
    assert!(ctx.meta.gps_removed);
    assert_eq!(ctx.meta.orientation, 6);
    let out = &ctx.original;
    assert_eq!(out[..exif_at], file[..exif_at]);
    assert_eq!(out[exif_end..], file[exif_end..]);
    let data = &out[exif_at + 8..exif_end - 4];
    assert_eq!(gps_fields(&parse(data).unwrap()), 0);
    assert_eq!(
        out[exif_end - 4..exif_end],
        crc32(&out[exif_at + 4..exif_end - 4]).to_be_bytes()
    );
}

#[test]
fn webp_exif_chunk_is_stripped() {
    let mut tiff = b"Exif\0\0".to_vec();
    tiff.extend(sample(true).build());
    let mut file = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0".to_vec();
    file.extend_from_slice(&[0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    file.extend_from_slice(b"VP8L\x05\0\0\0\x2f\0\0\0\0\0");
    let exif_at = file.len();
    file.extend_from_slice(b"EXIF");
    file.extend_from_slice(&(tiff.len() as u32).to_le_bytes());
    file.extend_from_slice(&tiff);
    let size = (file.len() - 8) as u32;
    file[4..8].copy_from_slice(&size.to_le_bytes());

    let ctx = run(Format::Webp, file.clone(), true);
    assert!(ctx.meta.gps_removed);
    assert_eq!(ctx.original[..exif_at + 8], file[..exif_at + 8]);
    assert_eq!(
        gps_fields(&parse(&ctx.original[exif_at + 14..]).unwrap()),
        0
    );
    assert_eq!(
        ctx.meta.date_taken.map(|d| d.local.to_string()).as_deref(),
        Some("2021-07-04 18:30:00")
    );
}
