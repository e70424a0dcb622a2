//! Bad input is a client error, never a 500, a panic or a hang: files that are not images,
//! formats without a decoder, absurd dimensions, broken or non-UTF-8 multipart bodies.

use std::time::Duration;

use serde_json::json;

use crate::common::table::{case, ok_image, run, source, with, Expect, Req};
use crate::{common, jpeg};

const NO_INFO: (&str, i64) = ("Can't get target upload source info", 610);

fn upload(key: &str, name: &str, mime: &str, bytes: Vec<u8>) -> Req {
    Req::upload()
        .header(key)
        .multipart(vec![source(name, mime, bytes)])
}

#[tokio::test]
async fn bad_files_are_client_errors() {
    let s = common::start().await;
    let key = s.admin_key.as_str();
    let mut random = vec![0u8; 50_000];
    let mut x = 12345u32;
    for b in &mut random {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        *b = (x >> 16) as u8;
    }
    let html = b"<!DOCTYPE html><html><body><img src=x></body></html>".to_vec();
    let jpeg_full = common::jpeg(800, 600);
    let png_full = common::png(800, 600);
    let no_info = || Expect::ErrorWhere(|m, c| (m, c) == NO_INFO);
    let mut rows: Vec<_> = [
        ("random.jpg", random, "image/jpeg"),
        ("empty.jpg", Vec::new(), "image/jpeg"),
        ("page.jpg", html, "image/jpeg"),
        ("header-only.jpg", jpeg_full[..20].to_vec(), "image/jpeg"),
        ("header-only.png", png_full[..40].to_vec(), "image/png"),
    ]
    .into_iter()
    .map(|(name, bytes, mime)| case(name, upload(key, name, mime, bytes), no_info()))
    .collect();
    // Truncated in the middle of the data: either decoded partially or refused, never a 500.
    let cut_jpeg = jpeg_full[..jpeg_full.len() / 2].to_vec();
    let cut_png = png_full[..png_full.len() / 2].to_vec();
    rows.push(case(
        "cut.jpg",
        upload(key, "cut.jpg", "image/jpeg", cut_jpeg),
        Expect::OkOrError(610),
    ));
    rows.push(case(
        "cut.png",
        upload(key, "cut.png", "image/png", cut_png),
        Expect::OkOrError(610),
    ));
    run(&s, &rows).await;
}

#[tokio::test]
async fn a_format_without_a_decoder_is_unavailable() {
    // An AVIF `ftyp` box and nothing else: sniffed as AVIF, which this build cannot read. The
    // message is the reference's, with no detail appended.
    let s = common::start().await;
    let mut avif = Vec::new();
    avif.extend_from_slice(&24u32.to_be_bytes());
    avif.extend_from_slice(b"ftypavif\0\0\0\0mif1avif");
    avif.extend_from_slice(&[0u8; 64]);
    let unavailable =
        Expect::ErrorWhere(|m, c| (m, c) == ("Unavailable image format", 613) || (m, c) == NO_INFO);
    run(
        &s,
        &[case(
            "ftyp only",
            upload(&s.admin_key, "x.avif", "image/avif", avif),
            unavailable,
        )],
    )
    .await;
}

/// A PNG whose IHDR claims `w`×`h` but which carries almost no data.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32fast::hash(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    // A tiny zlib stream (an empty stored block): far too little data for the claimed size.
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x01, 0x01, 0x00, 0x00, 0xff, 0xff, 0, 0, 0, 1],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

#[tokio::test]
async fn huge_dimensions_are_refused_without_decoding() {
    let s = common::start().await;
    let rows: Vec<_> = [(30_000, 30_000), (1, 4_000_000), (2_000, 2_000)]
        .into_iter()
        .map(|(w, h)| {
            let req = upload(&s.admin_key, "huge.png", "image/png", png_claiming(w, h));
            // Refused, with no internals (paths) in the message.
            let refused = Expect::ErrorWhere(|m, c| (c == 400 || c == 610) && !m.contains('/'));
            case(format!("{w}x{h}"), req, refused).within(Duration::from_secs(20))
        })
        .collect();
    run(&s, &rows).await;
}

/// A multipart body built by hand, for bytes reqwest will not write.
fn raw_multipart(parts: &[(&[u8], &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----upstage-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (headers, content) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        body.extend_from_slice(headers);
        body.extend_from_slice(b"\r\n\r\n");
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn non_utf8_multipart_fields() {
    let s = common::start().await;
    let raw = |(ct, body): (String, Vec<u8>)| Req::upload().header(&s.admin_key).raw(&ct, body);
    let img = jpeg(1);
    let fields = raw_multipart(&[
        (
            b"Content-Disposition: form-data; name=\"title\"",
            b"caf\xe9 \xff\xfe ok",
        ),
        (
            b"Content-Disposition: form-data; name=\"description\"",
            b"\xc3\x28 bad utf-8",
        ),
        (
            b"Content-Disposition: form-data; name=\"source\"; filename=\"photo.jpg\"\r\n\
              Content-Type: image/jpeg",
            &img,
        ),
    ]);
    // A file name that is not UTF-8 (Latin-1 é): still a file upload.
    let img = jpeg(2);
    let latin1_name = raw_multipart(&[(
        b"Content-Disposition: form-data; name=\"source\"; filename=\"caf\xe9.jpg\"\r\n\
          Content-Type: image/jpeg",
        &img,
    )]);
    let (ct, mut cut) = raw_multipart(&[(
        b"Content-Disposition: form-data; name=\"source\"; filename=\"a.jpg\"",
        &jpeg(3),
    )]);
    cut.truncate(cut.len() - 40);
    let any_error = || Expect::ErrorWhere(|_, _| true);
    run(
        &s,
        &[
            case(
                "non-UTF-8 title and description",
                raw(fields),
                Expect::Ok(vec![with(|v| {
                    let title = v["image"]["title"].as_str().unwrap();
                    assert!(
                        title.starts_with("caf") && title.ends_with(" ok"),
                        "{title}"
                    );
                })]),
            ),
            case(
                "Latin-1 file name",
                raw(latin1_name),
                ok_image(&[("extension", json!("jpg"))]),
            ),
            case("malformed multipart", raw((ct, cut)), any_error()),
            case(
                "multipart without a boundary",
                raw(("multipart/form-data".into(), b"source=x".to_vec())),
                any_error(),
            ),
        ],
    )
    .await;
}
