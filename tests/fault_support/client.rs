//! Uploads as a client sees them: acknowledged, refused, or cut off.

use serde_json::Value;

/// A JPEG whose pixels depend on `seed`, large enough for a medium and a thumb.
pub fn photo(seed: u64) -> Vec<u8> {
    let img = image::RgbImage::from_fn(900, 600, |x, y| {
        let v = (x as u64 * 7 + y as u64 * 13 + seed * 31) as u32;
        image::Rgb([
            (v % 251) as u8,
            ((v / 3) % 241) as u8,
            ((x ^ y) % 239) as u8,
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode");
    out.into_inner()
}

/// How one upload ended.
#[derive(Debug)]
pub enum Outcome {
    /// 200: the response's `image` object.
    Acked(Value),
    /// Any other HTTP answer.
    Refused(u16, String),
    /// No answer (the server died).
    Lost(String),
}

pub async fn upload(
    client: &reqwest::Client,
    base: &str,
    key: &str,
    name: &str,
    bytes: Vec<u8>,
) -> Outcome {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(name.to_owned())
        .mime_str("image/jpeg")
        .expect("mime");
    let form = reqwest::multipart::Form::new().part("source", part);
    let resp = client
        .post(format!("{base}/api/1/upload"))
        .header("X-API-Key", key)
        .multipart(form)
        .send()
        .await;
    let resp = match resp {
        Ok(r) => r,
        Err(e) => return Outcome::Lost(format!("{e:?}")),
    };
    let status = resp.status().as_u16();
    match resp.text().await {
        Ok(body) if status == 200 => match serde_json::from_str::<Value>(&body) {
            Ok(v) => Outcome::Acked(v["image"].clone()),
            Err(e) => Outcome::Lost(format!("200 with a cut body: {e}")),
        },
        Ok(body) => Outcome::Refused(status, body),
        Err(e) => Outcome::Lost(e.to_string()),
    }
}
