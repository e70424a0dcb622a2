//! URL-source downloads against real HTTP servers on loopback (no HTTP mocks), plus the
//! address classification table.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use futures_util::stream;
use upstage_server::api::url_source::{fetch, is_public, UrlError, UrlPolicy};

const LIMIT: u64 = 16 * 1024;

async fn serve_on(ip: &str, router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind((ip, 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    addr
}

async fn serve(router: Router) -> SocketAddr {
    serve_on("127.0.0.1", router).await
}

fn policy(allow: &[&str]) -> UrlPolicy {
    UrlPolicy {
        max_bytes: LIMIT,
        timeout: Duration::from_secs(5),
        max_redirects: 3,
        allow: allow.iter().map(|n| n.parse().unwrap()).collect(),
    }
}

fn loopback() -> UrlPolicy {
    policy(&["127.0.0.0/8"])
}

fn redirect(to: String) -> impl IntoResponse {
    (StatusCode::FOUND, [(header::LOCATION, to)])
}

fn assert_empty(dir: &Path) {
    let left: Vec<_> = std::fs::read_dir(dir).unwrap().collect();
    assert!(left.is_empty(), "temp dir not empty: {left:?}");
}

/// Fetches and expects a failure, checking that nothing was left behind.
async fn fail(url: &str, policy: &UrlPolicy) -> UrlError {
    let dir = tempfile::tempdir().unwrap();
    let err = fetch(url, policy, dir.path()).await.expect_err(url);
    assert_empty(dir.path());
    let text = err.to_string();
    assert!(!text.is_empty() && !text.contains(&*dir.path().to_string_lossy()));
    err
}

fn app() -> Router {
    Router::new()
        .route("/ok", get(|| async { "hello world" }))
        .route("/files/{name}", get(|| async { "named" }))
        .route("/dir/", get(|| async { "index" }))
        .route("/exact", get(|| async { vec![b'e'; LIMIT as usize] }))
        .route(
            // Endless chunked body, so only the streaming limit can end the request.
            "/big",
            get(|| async {
                let chunk = Ok::<_, Infallible>(Bytes::from(vec![b'x'; 1024]));
                Body::from_stream(stream::repeat(chunk))
            }),
        )
        .route(
            // One KiB over the limit, chunked, so no Content-Length gives it away.
            "/over",
            get(|| async {
                let chunks = (0..=LIMIT / 1024).map(|_| Ok::<_, Infallible>(vec![b'o'; 1024]));
                Body::from_stream(stream::iter(chunks))
            }),
        )
        .route(
            // Declares a huge length, then never sends a byte: only a fail-fast check returns.
            "/declared",
            get(|| async {
                let body = Body::from_stream(stream::pending::<Result<Bytes, Infallible>>());
                ([(header::CONTENT_LENGTH, "1000000")], body)
            }),
        )
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                "late"
            }),
        )
        .route(
            // Headers arrive at once; the body trickles forever, so the bound must cover it.
            "/drip",
            get(|| async {
                let drip = stream::unfold((), |()| async {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    Some((Ok::<_, Infallible>(Bytes::from_static(b".")), ()))
                });
                Body::from_stream(drip)
            }),
        )
        .route("/a/one", get(|| async { redirect("two".into()) }))
        .route("/a/two", get(|| async { redirect("/a/three".into()) }))
        .route(
            "/a/three",
            get(|| async { redirect("../files/my%20photo.jpg".into()) }),
        )
        .route(
            "/to-ftp",
            get(|| async { redirect("ftp://example.com/a.jpg".into()) }),
        )
        .route(
            "/to-file",
            get(|| async { redirect("file:///etc/passwd".into()) }),
        )
}

#[tokio::test]
async fn downloads_a_body_into_temp_dir() {
    let addr = serve(app()).await;
    let dir = tempfile::tempdir().unwrap();
    let got = fetch(&format!("http://{addr}/ok"), &loopback(), dir.path())
        .await
        .unwrap();
    assert_eq!(got.bytes, 11);
    assert_eq!(got.file_name, "ok");
    assert_eq!(got.path.parent(), Some(dir.path()));
    assert_eq!(std::fs::read(&got.path).unwrap(), b"hello world");
}

#[tokio::test]
async fn file_name_is_a_decoded_basename_only() {
    let addr = serve(app()).await;
    for (path, want) in [
        ("files/my%20photo.jpg?size=big#x", "my photo.jpg"),
        ("files/..%2F..%2Fetc%2Fpasswd", "passwd"),
        ("files/a%5Cb.png", "b.png"),
        ("files/%C3%A9t%C3%A9.webp", "\u{e9}t\u{e9}.webp"),
        ("dir/", ""),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("http://{addr}/{path}");
        let got = fetch(&url, &loopback(), dir.path()).await.unwrap();
        assert_eq!(got.file_name, want, "{path}");
    }
}

#[tokio::test]
async fn plain_loopback_needs_the_allow_list() {
    let addr = serve(app()).await;
    let url = format!("http://{addr}/ok");
    let err = fail(&url, &policy(&[])).await;
    assert!(matches!(err, UrlError::Blocked { addr } if addr == IpAddr::from([127, 0, 0, 1])));
    let dir = tempfile::tempdir().unwrap();
    assert!(fetch(&url, &loopback(), dir.path()).await.is_ok());
}

#[tokio::test]
async fn host_names_are_resolved_and_checked() {
    let addr = serve(app()).await;
    let url = format!("http://localhost:{}/ok", addr.port());
    let err = fail(&url, &policy(&[])).await;
    assert!(
        matches!(err, UrlError::Blocked { addr } if addr.is_loopback()),
        "{err:?}"
    );
    // localhost may also resolve to ::1, which every answer must pass, so allow both loopbacks.
    let dir = tempfile::tempdir().unwrap();
    let got = fetch(&url, &policy(&["127.0.0.0/8", "::1/128"]), dir.path()).await;
    assert_eq!(got.unwrap().bytes, 11);
}

#[tokio::test]
async fn alternative_ip_spellings_are_checked() {
    let port = serve(app()).await.port();
    for host in [
        "2130706433",
        "0x7f.1",
        "[::ffff:127.0.0.1]",
        "[::1]",
        "[::]",
    ] {
        let err = fail(&format!("http://{host}:{port}/ok"), &policy(&[])).await;
        assert!(matches!(err, UrlError::Blocked { .. }), "{host}: {err:?}");
    }
}

#[tokio::test]
async fn unresolvable_host_is_dns_error() {
    // A resolver on a loaded machine may take seconds to say no; that must not read as a timeout.
    let patient = UrlPolicy {
        timeout: Duration::from_secs(30),
        ..policy(&[])
    };
    let err = fail("http://nonexistent.invalid/a.jpg", &patient).await;
    assert!(matches!(err, UrlError::Dns), "{err:?}");
}

#[tokio::test]
async fn exactly_the_limit_is_accepted() {
    let addr = serve(app()).await;
    let dir = tempfile::tempdir().unwrap();
    let got = fetch(&format!("http://{addr}/exact"), &loopback(), dir.path()).await;
    assert_eq!(got.unwrap().bytes, LIMIT);
}

#[tokio::test]
async fn chunked_body_over_the_limit_is_aborted() {
    let addr = serve(app()).await;
    for path in ["big", "over"] {
        let err = fail(&format!("http://{addr}/{path}"), &loopback()).await;
        assert!(matches!(err, UrlError::TooLarge), "{path}: {err:?}");
    }
}

#[tokio::test]
async fn declared_length_over_the_limit_fails_fast() {
    let addr = serve(app()).await;
    // Well before the timeout: only the declared length can end this request that soon.
    let patient = UrlPolicy {
        timeout: Duration::from_secs(30),
        ..loopback()
    };
    let started = Instant::now();
    let err = fail(&format!("http://{addr}/declared"), &patient).await;
    assert!(matches!(err, UrlError::TooLarge), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn slow_headers_and_slow_body_time_out() {
    let addr = serve(app()).await;
    let short = UrlPolicy {
        timeout: Duration::from_millis(400),
        ..loopback()
    };
    for path in ["slow", "drip"] {
        let started = Instant::now();
        let err = fail(&format!("http://{addr}/{path}"), &short).await;
        assert!(matches!(err, UrlError::Timeout), "{path}: {err:?}");
        // Not a speed check: without the bound /slow answers after 30 s and /drip never ends.
        assert!(started.elapsed() < Duration::from_secs(10), "{path}");
    }
}

#[tokio::test]
async fn relative_redirects_are_followed() {
    let addr = serve(app()).await;
    let dir = tempfile::tempdir().unwrap();
    let got = fetch(&format!("http://{addr}/a/one"), &loopback(), dir.path())
        .await
        .unwrap();
    assert_eq!(got.file_name, "my photo.jpg");
    assert_eq!(std::fs::read(&got.path).unwrap(), b"named");
    // Three hops is exactly the budget; one fewer must fail.
    let tight = UrlPolicy {
        max_redirects: 2,
        ..loopback()
    };
    let err = fail(&format!("http://{addr}/a/one"), &tight).await;
    assert!(matches!(err, UrlError::TooManyRedirects), "{err:?}");
}

#[tokio::test]
async fn redirect_loop_stops_after_max_redirects() {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let addr = serve(Router::new().route(
        "/loop",
        get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            async { redirect("/loop".into()) }
        }),
    ))
    .await;
    let err = fail(&format!("http://{addr}/loop"), &loopback()).await;
    assert!(matches!(err, UrlError::TooManyRedirects), "{err:?}");
    assert_eq!(
        hits.load(Ordering::SeqCst),
        4,
        "first request plus three redirects"
    );
}

/// Serves a single redirect to `target`.
async fn redirector(target: String) -> SocketAddr {
    serve(Router::new().route("/", get(move || async move { redirect(target) }))).await
}

#[tokio::test]
async fn redirect_to_a_non_allowed_address_is_blocked_before_connecting() {
    // Only the first hop is allow-listed. 127.0.0.2 is loopback too, and really listening,
    // so the zero hit count proves the check happens before any connection.
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let victim = Router::new().route(
        "/secret",
        get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            async { "secret" }
        }),
    );
    let victim = serve_on("127.0.0.2", victim).await;
    let first = redirector(format!("http://{victim}/secret")).await;
    let err = fail(&format!("http://{first}/"), &policy(&["127.0.0.1/32"])).await;
    assert!(
        matches!(err, UrlError::Blocked { addr } if addr == victim.ip()),
        "{err:?}"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 0);

    // With the victim allow-listed as well, the same chain succeeds: the block was the policy.
    let dir = tempfile::tempdir().unwrap();
    let ok = fetch(&format!("http://{first}/"), &loopback(), dir.path())
        .await
        .unwrap();
    assert_eq!((ok.bytes, ok.file_name.as_str()), (6, "secret"));
}

#[tokio::test]
async fn redirect_to_ipv6_loopback_or_metadata_is_blocked() {
    // Blocked before any connect, so this holds whether or not the host has IPv6.
    let port = serve(app()).await.port();
    let targets = [
        (format!("http://[::1]:{port}/ok"), "::1"),
        (
            "http://169.254.169.254/latest/meta-data/".to_owned(),
            "169.254.169.254",
        ),
        (
            format!("http://[::ffff:169.254.169.254]:{port}/"),
            "::ffff:169.254.169.254",
        ),
    ];
    for (target, blocked) in targets {
        let first = redirector(target).await;
        let err = fail(&format!("http://{first}/"), &loopback()).await;
        let want: IpAddr = blocked.parse().unwrap();
        assert!(
            matches!(err, UrlError::Blocked { addr } if addr == want),
            "{err:?}"
        );
    }
}

#[tokio::test]
async fn redirect_to_other_schemes_is_not_http() {
    let addr = serve(app()).await;
    for path in ["to-ftp", "to-file"] {
        let err = fail(&format!("http://{addr}/{path}"), &loopback()).await;
        assert!(matches!(err, UrlError::NotHttp), "{path}: {err:?}");
    }
}

#[tokio::test]
async fn error_status_is_reported() {
    let addr = serve(app()).await;
    let err = fail(&format!("http://{addr}/missing.jpg"), &loopback()).await;
    assert!(matches!(err, UrlError::Status(404)), "{err:?}");
}

#[tokio::test]
async fn non_http_and_malformed_urls_are_rejected() {
    for url in [
        "ftp://",
        "ftp://example.com/a.jpg",
        "file:///etc/passwd",
        "gopher://example.com/",
        "data:image/png;base64,iVBORw0KGgo=",
        "javascript:alert(1)",
    ] {
        let err = fail(url, &policy(&[])).await;
        assert!(matches!(err, UrlError::NotHttp), "{url}: {err:?}");
    }
    for url in ["http://", "not a url", "", "http://exa mple.com/"] {
        let err = fail(url, &policy(&[])).await;
        assert!(matches!(err, UrlError::BadUrl), "{url:?}: {err:?}");
    }
}

#[tokio::test]
async fn storage_errors_do_not_leak_local_paths() {
    let addr = serve(app()).await;
    let missing = Path::new("/nonexistent/upstage-secret-dir");
    let err = fetch(&format!("http://{addr}/ok"), &loopback(), missing)
        .await
        .unwrap_err();
    assert!(matches!(err, UrlError::Network(_)), "{err:?}");
    assert!(!err.to_string().contains("upstage-secret-dir"), "{err}");
}

#[tokio::test]
async fn connection_refused_is_a_network_error() {
    // Bind then drop, so the port is (almost certainly) closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = fail(&format!("http://127.0.0.1:{port}/"), &loopback()).await;
    assert!(matches!(err, UrlError::Network(_)), "{err:?}");
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn non_public_addresses() {
    for s in [
        "0.0.0.0",
        "0.1.2.3",
        "10.0.0.1",
        "10.255.255.255",
        "100.64.0.1",
        "100.127.255.254",
        "127.0.0.1",
        "127.8.9.10",
        "169.254.169.254",
        "169.254.0.1",
        "172.16.0.1",
        "172.31.255.255",
        "192.0.0.8",
        "192.0.2.1",
        "192.88.99.1",
        "192.168.1.1",
        "198.18.0.1",
        "198.19.255.255",
        "198.51.100.7",
        "203.0.113.9",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "::",
        "::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "::127.0.0.1",
        "::10.0.0.1",
        "64:ff9b::a00:1",
        "64:ff9b::7f00:1",
        "64:ff9b:1::8.8.8.8",
        "2002:0a00:0001::",
        "2002:7f00:1::1",
        "2002:a9fe:a9fe::1",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "febf::1",
        "fec0::1",
        "ff02::1",
        "ff05::1:3",
        "100::1",
        "2001::1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        "2001:db8::1",
        "3fff::1",
        "5f00::1",
    ] {
        assert!(!is_public(ip(s)), "{s} must not be public");
    }
}

#[test]
fn public_addresses() {
    for s in [
        "8.8.8.8",
        "1.1.1.1",
        "100.63.255.255",
        "100.128.0.1",
        "172.15.255.255",
        "172.32.0.1",
        "192.0.1.1",
        "198.17.255.255",
        "198.20.0.1",
        "223.255.255.254",
        "2606:4700::1111",
        "2001:4860:4860::8888",
        "2a00:1450:4001::1",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
        "2002:0808:0808::1",
    ] {
        assert!(is_public(ip(s)), "{s} must be public");
    }
}
