//! The routes the API's responses point at, against the real server: viewer page, short URL and
//! slug redirects, embed codes, escaping, files (ETag, 304, Range), the delete URL (GET confirms,
//! POST/DELETE delete), 404s and expiration.

mod common;

use common::TestServer;
use reqwest::StatusCode;
use serde_json::Value;

/// Upload a JPEG with extra text fields; returns the `image` object of the response.
async fn upload(s: &TestServer, w: u32, h: u32, fields: &[(&str, &str)]) -> Value {
    let mut form = reqwest::multipart::Form::new().part(
        "source",
        common::file_part(common::jpeg(w, h), "Summer day.jpg", "image/jpeg"),
    );
    for (k, v) in fields {
        form = form.text((*k).to_owned(), (*v).to_owned());
    }
    let r = common::client()
        .post(s.endpoint())
        .header("X-API-Key", &s.admin_key)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    body["image"].clone()
}

fn str_of<'a>(img: &'a Value, key: &str) -> &'a str {
    img[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key}: {}", img[key]))
}

fn db_id(s: &TestServer, img: &Value) -> i64 {
    s.state.ids.decode(str_of(img, "id_encoded")).unwrap() as i64
}

async fn get(url: &str) -> reqwest::Response {
    common::client().get(url).send().await.unwrap()
}

fn location(r: &reqwest::Response) -> &str {
    r.headers()["location"].to_str().unwrap()
}

/// The stored keys of an image's files, on disk or in the bucket.
fn files_named(s: &TestServer, name: &str) -> Vec<String> {
    let prefix = format!("{name}.");
    s.stored_keys()
        .into_iter()
        .filter(|k| k.rsplit('/').next().is_some_and(|n| n.starts_with(&prefix)))
        .collect()
}

async fn assert_html_404(url: &str) {
    let r = get(url).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "{url}");
    assert_eq!(
        r.headers()["content-type"],
        "text/html; charset=utf-8",
        "{url}"
    );
    assert!(r.text().await.unwrap().contains("Not found"), "{url}");
}

#[tokio::test]
async fn short_url_and_wrong_slugs_redirect_and_the_viewer_shows_embed_codes() {
    let s = common::start().await;
    let img = upload(
        &s,
        1600,
        900,
        &[
            ("title", "Summer day"),
            ("description", "Line one\nLine <two> & more"),
            ("tags", "beach,sun"),
        ],
    )
    .await;
    let id = str_of(&img, "id_encoded");
    let path_viewer = str_of(&img, "path_viewer");
    assert_eq!(path_viewer, format!("/image/Summer-day.{id}"));

    // Short URL, wrong slug, trailing slash, the video route: all 302 to the canonical path.
    for url in [
        str_of(&img, "url_short").to_owned(),
        format!("{}/image/Winter-night.{id}", s.url),
        format!("{}/image/.{id}", s.url),
        format!("{}{path_viewer}/", s.url),
        format!("{}/video/Summer-day.{id}", s.url),
    ] {
        let r = get(&url).await;
        assert_eq!(r.status(), StatusCode::FOUND, "{url}");
        assert_eq!(location(&r), path_viewer, "{url}");
    }

    let r = get(str_of(&img, "url_viewer")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let h = r.headers().clone();
    assert_eq!(h["content-type"], "text/html; charset=utf-8");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let csp = h["content-security-policy"].to_str().unwrap();
    for part in [
        "default-src 'none'",
        "frame-ancestors 'none'",
        "img-src 'self'",
        "media-src 'self'",
    ] {
        assert!(csp.contains(part), "{csp}");
    }
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "scripts only from the site itself: {csp}"
    );
    let page = r.text().await.unwrap();
    let direct = str_of(&img, "url");
    let medium = img["medium"]["url"].as_str().unwrap();
    let thumb = img["thumb"]["url"].as_str().unwrap();
    let viewer = str_of(&img, "url_viewer");
    assert!(page.contains("<h1>Summer day</h1>"), "{page}");
    assert!(
        page.contains(&format!(
            "<img src=\"{medium}\" width=\"750\" height=\"422\""
        )),
        "the medium is shown: {page}"
    );
    assert!(page.contains(direct));
    assert!(page.contains("Line one<br>Line &lt;two&gt; &amp; more"));
    assert!(
        page.contains("<li><a href=\"/tag/beach\">beach</a></li>")
            && page.contains("<li><a href=\"/tag/sun\">sun</a></li>")
    );
    assert!(page.contains("1600 × 900 px"));
    assert!(page.contains(&format!(
        "<li>{}</li>",
        upstage_library::text::format_bytes(img["size"].as_u64().unwrap())
    )));
    assert!(page.contains(" UTC</time>"));
    // Embed codes, HTML-escaped inside their fields.
    for code in [
        format!("value=\"{direct}\""),
        format!("value=\"{viewer}\""),
        format!("&lt;a href=&quot;{viewer}&quot;&gt;&lt;img src=&quot;{direct}&quot; alt=&quot;Summer day&quot;&gt;&lt;/a&gt;"),
        format!("[![Summer day]({direct})]({viewer})"),
        format!("[url={viewer}][img]{direct}[/img][/url]"),
        format!("[url={viewer}][img]{thumb}[/img][/url]"),
        format!("[![Summer day]({thumb})]({viewer})"),
        format!("&lt;img src=&quot;{thumb}&quot;"),
        format!("[url={viewer}][img]{medium}[/img][/url]"),
    ] {
        assert!(page.contains(&code), "missing {code}");
    }
    assert!(page.contains("readonly"));
    assert_eq!(
        page.matches("<script").count(),
        page.matches("<script src=\"/static/").count(),
        "scripts come only from the site: {page}"
    );

    // Views: one per GET of the page (the redirects above and HEAD do not count).
    assert_eq!(get(viewer).await.status(), StatusCode::OK);
    let head = common::client().head(viewer).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    let row = s.state.db.image(db_id(&s, &img)).await.unwrap().unwrap();
    assert_eq!(row.views, 2);
}

#[tokio::test]
async fn user_text_is_escaped() {
    let s = common::start().await;
    let img = upload(
        &s,
        500,
        400,
        &[
            ("title", "<script>alert(1)</script>"),
            ("description", "<img src=x onerror=alert(2)>"),
            ("tags", "<b>bold</b>"),
        ],
    )
    .await;
    let r = get(str_of(&img, "url_viewer")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(!page.contains("<img src=x"), "{page}");
    assert!(!page.contains("<b>bold"), "{page}");
    assert!(page.contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"));
    assert!(page.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt; – Upstage</title>"));
    assert!(page.contains("&lt;img src=x onerror=alert(2)&gt;"));
    // Inside an embed code the title is escaped twice: once for the code, once for the field.
    assert!(page.contains("alt=&quot;&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;&quot;"));
    // The delete confirmation escapes it too.
    let r = get(str_of(&img, "delete_url")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(!r.text().await.unwrap().contains("<script>alert"));
}

#[tokio::test]
async fn files_have_etags_304_ranges_and_head() {
    let s = common::start().await;
    let img = upload(&s, 800, 600, &[]).await;
    let url = str_of(&img, "url");
    let r = get(url).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    let full = r.bytes().await.unwrap();
    assert_eq!(full.len() as u64, img["size"].as_u64().unwrap());

    for tag in [
        etag.clone(),
        format!("W/{etag}"),
        format!("\"nope\", {etag}"),
    ] {
        let r = common::client()
            .get(url)
            .header("If-None-Match", &tag)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED, "{tag}");
        assert_eq!(r.headers()["etag"], etag.as_str());
        assert!(r.bytes().await.unwrap().is_empty());
    }
    let r = common::client()
        .get(url)
        .header("If-None-Match", "\"other\"")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let r = common::client()
        .get(url)
        .header("Range", "bytes=0-9")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        r.headers()["content-range"],
        format!("bytes 0-9/{}", full.len()).as_str()
    );
    let part = r.bytes().await.unwrap();
    assert_eq!(&part[..], &full[..10]);

    let r = common::client().head(url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-length"],
        full.len().to_string().as_str()
    );
    assert_eq!(r.headers()["etag"], etag.as_str());

    // Hidden names (in-flight temp files) and missing files are 404.
    let hidden = url.replace(&format!("/{}", str_of(&img, "filename")), "/.upstage-tmp-x");
    assert_ne!(hidden, url);
    assert_eq!(get(&hidden).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        get(&format!("{}/images/nothing.jpg", s.url)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&format!("{}/healthz", s.url)).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_delete_url_asks_on_get_and_deletes_on_post() {
    let s = common::start().await;
    let img = upload(&s, 1200, 800, &[("title", "Goodbye")]).await;
    let id = db_id(&s, &img);
    let name = str_of(&img, "name").to_owned();
    let delete_url = str_of(&img, "delete_url").to_owned();
    let token = delete_url.rsplit('/').next().unwrap().to_owned();
    assert_eq!(files_named(&s, &name).len(), 3, "main, medium, thumb");

    // GET (and HEAD, and the slug form of the URL) only ask.
    let r = get(&delete_url).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-store, private");
    assert_eq!(r.headers()["referrer-policy"], "no-referrer");
    let page = r.text().await.unwrap();
    assert!(page.contains("<form method=\"post\">"), "{page}");
    assert!(page.contains(">Delete</button>"));
    assert!(page.contains("Goodbye"));
    assert!(page.contains(img["thumb"]["url"].as_str().unwrap()));
    let slug_form = format!("{}{}/delete/{token}", s.url, str_of(&img, "path_viewer"));
    assert_eq!(get(&slug_form).await.status(), StatusCode::OK);
    let head = common::client().head(&delete_url).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert!(s.state.db.image(id).await.unwrap().is_some());
    assert_eq!(files_named(&s, &name).len(), 3);

    // Wrong, truncated, missing or extra tokens: 404 and nothing happens.
    let wrong = format!(
        "{}{}",
        &token[..token.len() - 1],
        if token.ends_with('0') { '1' } else { '0' }
    );
    let short = str_of(&img, "url_short");
    for url in [
        format!("{short}/delete/{wrong}"),
        format!("{short}/delete/{}", &token[..10]),
        format!("{short}/delete/x"),
        format!("{short}/delete/"),
        format!("{short}/delete"),
        format!("{short}/delete/{token}/more"),
    ] {
        for method in [
            reqwest::Method::GET,
            reqwest::Method::POST,
            reqwest::Method::DELETE,
        ] {
            let r = common::client()
                .request(method.clone(), &url)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{method} {url}");
        }
    }
    assert!(s.state.db.image(id).await.unwrap().is_some());
    assert_eq!(files_named(&s, &name).len(), 3);

    // The form's POST deletes.
    let r = common::client()
        .post(&delete_url)
        .form(&[("x", "y")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("<h1>Deleted</h1>"));
    assert!(s.state.db.image(id).await.unwrap().is_none());
    assert!(
        files_named(&s, &name).is_empty(),
        "{:?}",
        files_named(&s, &name)
    );
    for url in [str_of(&img, "url_viewer"), short, delete_url.as_str()] {
        assert_html_404(url).await;
    }
    let r = common::client().post(&delete_url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "a second POST");
    for key in ["image", "thumb", "medium"] {
        let url = img[key]["url"].as_str().unwrap();
        assert_eq!(get(url).await.status(), StatusCode::NOT_FOUND, "{url}");
    }

    // DELETE works as well (scripts).
    let other = upload(&s, 640, 480, &[]).await;
    let r = common::client()
        .delete(str_of(&other, "delete_url"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(s.state.db.image(db_id(&s, &other)).await.unwrap().is_none());
    assert!(files_named(&s, str_of(&other, "name")).is_empty());
}

#[tokio::test]
async fn the_video_route_redirects_images_to_their_image_route() {
    let s = common::start().await;
    let img = upload(&s, 400, 300, &[("title", "Still")]).await;
    let id = str_of(&img, "id_encoded");
    for path in [format!("/video/{id}"), format!("/video/Still.{id}")] {
        let r = get(&format!("{}{path}", s.url)).await;
        assert_eq!(r.status(), StatusCode::FOUND, "{path}");
        assert_eq!(location(&r), format!("/image/Still.{id}"));
    }
}

/// Videos cannot be uploaded yet: a video row is written directly (its files need not exist for
/// the page).
#[tokio::test]
async fn a_video_row_gets_a_video_page_on_the_video_route() {
    let s = common::start().await;
    let img = upload(&s, 400, 300, &[]).await;
    let mut row = s.state.db.image(db_id(&s, &img)).await.unwrap().unwrap();
    row.kind = "video".into();
    row.name = "my-clip".into();
    row.extension = "mp4".into();
    row.title = Some("My clip".into());
    row.width = 1280;
    row.height = 720;
    row.duration = 73;
    row.chain = 21;
    row.delete_hash = upstage_server::auth::hash_secret("00112233445566778899aabb");
    let id = s.state.db.insert_image(&row).await.unwrap();
    let enc = s.state.ids.encode(id as u64);
    let canonical = format!("/video/My-clip.{enc}");
    for path in [
        format!("/image/{enc}"),
        format!("/image/My-clip.{enc}"),
        format!("/video/{enc}"),
    ] {
        let r = get(&format!("{}{path}", s.url)).await;
        assert_eq!(r.status(), StatusCode::FOUND, "{path}");
        assert_eq!(location(&r), canonical);
    }
    let r = get(&format!("{}{canonical}", s.url)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    let base = format!("{}/{}my-clip", s.url, row.folder);
    assert!(page.contains(&format!(
        "<video controls preload=\"metadata\" playsinline poster=\"{base}.fr.jpeg\" width=\"1280\" height=\"720\">"
    )), "{page}");
    assert!(page.contains(&format!("<source src=\"{base}.mp4\" type=\"video/mp4\">")));
    assert!(page.contains("<h1>My clip</h1>") && page.contains("<li>1:13</li>"));
    // Embeds use the frame as the picture and the thumb (JPEG for videos).
    assert!(page.contains(&format!("[img]{base}.fr.jpeg[/img]")));
    assert!(page.contains(&format!("[img]{base}.th.jpeg[/img]")));
    let del = format!("{}{canonical}/delete/00112233445566778899aabb", s.url);
    let r = get(&del).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Delete this video?"));
    let r = common::client().post(&del).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(s.state.db.image(id).await.unwrap().is_none());
    // The image it was copied from is untouched.
    assert_eq!(
        get(str_of(&img, "url_viewer")).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn unknown_ids_and_other_paths_are_404_pages() {
    let s = common::start().await;
    let img = upload(&s, 300, 200, &[]).await;
    let short = str_of(&img, "url_short");
    for url in [
        format!("{}/image/zzzzzz", s.url),
        format!("{}/image/some-title.zzzzzz", s.url),
        format!("{}/image/", s.url),
        format!("{}/image", s.url),
        format!("{}/image/.", s.url),
        format!("{}/image/%FF%FE", s.url),
        format!("{}/video/zzzzzz", s.url),
        format!("{}/video/", s.url),
        format!("{}/image/zzzzzz/delete/abcdefabcdef", s.url),
        format!("{short}/other"),
        format!("{short}/a/b/c"),
    ] {
        assert_html_404(&url).await;
    }
    let r = get(&format!("{}/image/zzzzzz", s.url)).await;
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(r.headers().contains_key("content-security-policy"));
}

#[tokio::test]
async fn expired_images_are_404_and_the_sweeper_removes_them() {
    // The background sweeper runs at start and then not again during the test: what removes
    // the image is the sweep below, after the checks that nothing is deleted at request time.
    let s = common::start_with(|c| c.sweep_seconds = 3600).await;
    let img = upload(&s, 900, 700, &[("expiration", "PT5M")]).await;
    let id = db_id(&s, &img);
    let name = str_of(&img, "name").to_owned();
    assert!(img["expiration_date_gmt"].is_string());
    // Live until it expires.
    assert_eq!(
        get(str_of(&img, "url_viewer")).await.status(),
        StatusCode::OK
    );

    let past = (chrono::Utc::now() - chrono::Duration::minutes(1))
        .naive_utc()
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    sqlx::query("UPDATE images SET expiration_date_gmt = $1 WHERE id = $2")
        .bind(&past)
        .bind(id)
        .execute(&s.state.db.pool)
        .await
        .unwrap();
    for url in [
        str_of(&img, "url_viewer"),
        str_of(&img, "url_short"),
        str_of(&img, "delete_url"),
    ] {
        assert_html_404(url).await;
    }
    let r = common::client()
        .post(str_of(&img, "delete_url"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Nothing is deleted at request time.
    assert!(s.state.db.image(id).await.unwrap().is_some());
    assert_eq!(files_named(&s, &name).len(), 3);

    assert_eq!(
        upstage_server::sweeper::sweep_once(&s.state).await.unwrap(),
        1
    );
    assert!(s.state.db.image(id).await.unwrap().is_none());
    assert!(files_named(&s, &name).is_empty());
    assert_eq!(
        get(str_of(&img, "url")).await.status(),
        StatusCode::NOT_FOUND
    );
}
