//! The web front against the real server: the uploader page (site name, languages, scripts only
//! from the site), static files, robots.txt, the viewer's fixes (animation, NSFW, tags, copy
//! buttons, video embed), the Deleted page, /api, and a hostile title rendered as text on every
//! page that shows it.

mod common;

use common::TestServer;
use reqwest::StatusCode;
use serde_json::Value;

const XSS: &str = "<script>alert(1)</script> \"q\" & æøå";
const XSS_HTML: &str = "&lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot; &amp; æøå";

async fn upload(s: &TestServer, part: reqwest::multipart::Part, fields: &[(&str, &str)]) -> Value {
    let r = common::post_file(&s.endpoint(), &s.admin_key, part, fields).await;
    assert_eq!(r.status(), 200);
    r.json::<Value>().await.unwrap()["image"].clone()
}

async fn page(url: &str, accept_language: Option<&str>) -> (reqwest::header::HeaderMap, String) {
    let mut req = common::client().get(url).header("accept", "text/html");
    if let Some(l) = accept_language {
        req = req.header("accept-language", l);
    }
    let r = req.send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{url}");
    (r.headers().clone(), r.text().await.unwrap())
}

/// Every `<script>` loads a file of this site or is a JSON data block: nothing inline runs.
fn only_site_scripts(html: &str) {
    for tag in html.split("<script").skip(1) {
        let open = tag.split('>').next().unwrap_or_default();
        assert!(
            open.contains(" src=\"/static/") || open.contains("type=\"application/json\""),
            "inline or foreign script: <script{open}>"
        );
    }
}

fn gif_animation() -> Vec<u8> {
    use image::codecs::gif::{GifEncoder, Repeat};
    use image::{Delay, Frame, RgbaImage};
    let mut out = Vec::new();
    {
        let mut enc = GifEncoder::new(&mut out);
        enc.set_repeat(Repeat::Infinite).unwrap();
        for c in [[255, 0, 0, 255], [0, 255, 0, 255], [0, 0, 255, 255]] {
            let f = Frame::from_parts(
                RgbaImage::from_pixel(64, 48, image::Rgba(c)),
                0,
                0,
                Delay::from_numer_denom_ms(100, 1),
            );
            enc.encode_frame(f).unwrap();
        }
    }
    out
}

#[tokio::test]
async fn home_page_is_the_uploader_in_the_visitors_language() {
    let s = common::start_with(|c| c.site.name = "Harbour Photos".into()).await;
    let (h, en) = page(&format!("{}/", s.url), None).await;
    let csp = h["content-security-policy"].to_str().unwrap();
    for part in [
        "script-src 'self'",
        "style-src 'self'",
        "default-src 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let script_src = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src"));
    assert_eq!(
        script_src,
        Some("script-src 'self'"),
        "no other script source: {csp}"
    );
    only_site_scripts(&en);
    assert!(en.contains("<html lang=\"en\">"));
    assert!(
        en.contains("<title>Upload images and videos – Harbour Photos</title>"),
        "{en}"
    );
    assert!(
        en.contains("<span>Harbour Photos</span>"),
        "site name in the header"
    );
    assert!(en.contains("id=\"dropzone\"") && en.contains("id=\"file-input\""));
    assert!(en.contains("/static/upload.js?v="));
    assert!(
        en.contains("\"guestKey\":null"),
        "no guest key without guest uploads"
    );

    let (_, da) = page(&format!("{}/", s.url), Some("da-DK,da;q=0.9,en;q=0.5")).await;
    assert!(da.contains("<html lang=\"da\">"));
    assert!(da.contains("<h1>Upload billeder og videoer</h1>"));
    assert!(
        da.contains("Uploader {n} files ({pct}% færdig)"),
        "the catalogue goes to the script"
    );
    assert!(da.contains("Køen bliver uploadet, det tager kun få sekunder at fuldføre."));

    // `?lang=` switches and is remembered.
    let r = common::client()
        .get(format!("{}/?lang=da", s.url))
        .send()
        .await
        .unwrap();
    assert!(r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .starts_with("lang=da;"));
    let r = common::client()
        .get(format!("{}/", s.url))
        .header("cookie", "lang=da")
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("<html lang=\"da\">"));
}

#[tokio::test]
async fn static_files_favicon_and_robots() {
    let s = common::start().await;
    let cases = [
        ("/static/app.css", "text/css; charset=utf-8", ".media img"),
        (
            "/static/app.js",
            "text/javascript; charset=utf-8",
            "data-copy",
        ),
        (
            "/static/upload.js",
            "text/javascript; charset=utf-8",
            "XMLHttpRequest",
        ),
        ("/static/i18n/da.json", "application/json", "færdig"),
        ("/favicon.ico", "image/svg+xml", "<svg"),
        (
            "/robots.txt",
            "text/plain; charset=utf-8",
            "Disallow: /*/delete/",
        ),
    ];
    for (path, mime, needle) in cases {
        let r = common::client()
            .get(format!("{}{path}", s.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(r.headers()["content-type"], mime, "{path}");
        assert!(r.text().await.unwrap().contains(needle), "{path}");
    }
    let r = common::client()
        .get(format!("{}/static/nope.js", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_hostile_title_is_text_on_the_viewer_the_embeds_the_tag_and_delete_pages() {
    let s = common::start().await;
    let img = upload(
        &s,
        common::file_part(common::jpeg(900, 1350), "p.jpg", "image/jpeg"),
        &[("title", XSS), ("tags", "sunset")],
    )
    .await;
    let (_, html) = page(img["url_viewer"].as_str().unwrap(), None).await;
    only_site_scripts(&html);
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(html.contains(&format!("<h1>{XSS_HTML}</h1>")), "{html}");
    assert!(html.contains(&format!("<title>{XSS_HTML} – Upstage</title>")));
    // Inside an embed field the code's own escaping is escaped again: shown, not parsed.
    assert!(html.contains("alt=&quot;&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt; &amp;quot;q&amp;quot; &amp;amp; æøå&quot;"), "{html}");
    assert!(html.contains(&format!("[![{XSS_HTML}](")), "markdown alt");
    // The portrait keeps its shape: the medium with its own size, never a fixed box.
    let medium = img["medium"]["url"].as_str().unwrap();
    assert!(
        html.contains(&format!(
            "<img src=\"{medium}\" width=\"750\" height=\"1125\""
        )),
        "{html}"
    );
    // Tags link to a page that exists and lists the image.
    assert!(html.contains("<a href=\"/tag/sunset\">sunset</a>"));
    let (_, tag) = page(&format!("{}/tag/sunset", s.url), None).await;
    assert!(
        tag.contains(&format!("<span>{XSS_HTML}</span>")) && !tag.contains("<script>alert"),
        "{tag}"
    );
    let r = common::client()
        .get(format!("{}/tag/nothing-here", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Copy buttons (shown by the script), and the Deleted page leads home.
    assert!(
        html.contains("class=\"copy\" type=\"button\" data-copy=\"embed-1\" hidden"),
        "{html}"
    );
    let (_, confirm) = page(img["delete_url"].as_str().unwrap(), None).await;
    assert!(
        confirm.contains(&format!("<strong>{XSS_HTML}</strong>"))
            && !confirm.contains("<script>alert")
    );
    let r = common::client()
        .post(img["delete_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let done = r.text().await.unwrap();
    assert!(
        done.contains("<h1>Deleted</h1>") && done.contains("href=\"/\""),
        "{done}"
    );
}

#[tokio::test]
async fn animated_gifs_play_and_nsfw_is_blurred_unlisted_and_unpreviewed() {
    let s = common::start().await;
    let gif = upload(
        &s,
        common::file_part(gif_animation(), "a.gif", "image/gif"),
        &[("title", "Anim")],
    )
    .await;
    assert_eq!(gif["is_animated"], 1);
    let (_, html) = page(gif["url_viewer"].as_str().unwrap(), None).await;
    let main = gif["url"].as_str().unwrap();
    assert!(
        html.contains(&format!("<img src=\"{main}\" width=\"64\" height=\"48\"")),
        "the original, not the still medium: {html}"
    );

    let img = upload(
        &s,
        common::file_part(common::jpeg(1000, 800), "n.jpg", "image/jpeg"),
        &[("title", "Night"), ("nsfw", "1")],
    )
    .await;
    let (h, html) = page(img["url_viewer"].as_str().unwrap(), None).await;
    assert_eq!(h["x-robots-tag"], "noindex, nofollow");
    assert!(html.contains("<meta name=\"robots\" content=\"noindex, nofollow\">"));
    assert!(
        !html.contains("og:image") && !html.contains("twitter:card"),
        "{html}"
    );
    assert!(html.contains("class=\"media nsfw\"") && html.contains("data-reveal=\"media\""));
    assert!(
        !html.contains(&format!(
            "<a href=\"{}\"><img",
            img["url"].as_str().unwrap()
        )),
        "no click-through to the raw file"
    );
    let (h, plain) = page(gif["url_viewer"].as_str().unwrap(), None).await;
    assert!(h.get("x-robots-tag").is_none() && plain.contains("og:image"));
}

#[tokio::test]
async fn videos_get_a_video_embed_code() {
    let Some(_) = upstage_testenv::ffmpeg() else {
        return;
    };
    let s = common::start().await;
    let mp4 = std::fs::read(upstage_testenv::workspace_root().join("samples/test-pattern.mp4"));
    let Ok(mp4) = mp4 else {
        panic!("samples/test-pattern.mp4 is part of the repository")
    };
    let v = upload(&s, common::file_part(mp4, "clip.mp4", "video/mp4"), &[]).await;
    let (_, html) = page(v["url_viewer"].as_str().unwrap(), None).await;
    assert!(
        html.contains("&lt;video controls preload=&quot;metadata&quot; poster=&quot;"),
        "{html}"
    );
    assert!(html.contains(&format!(
        "&lt;source src=&quot;{}&quot; type=&quot;video/mp4&quot;&gt;",
        v["url"].as_str().unwrap()
    )));
}

#[tokio::test]
async fn api_page_for_browsers_and_the_api_answer_for_clients() {
    let s = common::start().await;
    let (_, html) = page(&format!("{}/api", s.url), None).await;
    assert!(
        html.contains("curl -H &quot;X-API-Key: YOUR_KEY&quot; -F &quot;source=@photo.jpg&quot;"),
        "{html}"
    );
    for needle in [
        "POST /api/1/upload",
        "GET /api/1/albums",
        "POST /api/1/albums/{album}/images",
        "Upstage extension",
        "<code>album_id</code>",
    ] {
        assert!(html.contains(needle), "{needle}");
    }
    only_site_scripts(&html);
    let r = common::client()
        .get(format!("{}/api", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["message"],
        "No version provided"
    );
}
