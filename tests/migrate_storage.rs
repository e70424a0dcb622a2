//! End-to-end: `upstage migrate-storage` between the local library and S3 (moto, started by
//! scripts/test, which sets S3_MOTO_ENDPOINT), and back; resumable; a dead target fails clearly.
//! Also: `config show` never prints the S3 secret.

mod import_support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use import_support::*;
use upstage_storage::Storage;
use upstage_storage_s3::testing::create_bucket;
use upstage_storage_s3::{S3Config, S3Storage, Secret};

fn endpoint() -> Option<String> {
    upstage_testenv::s3_endpoint()
}

fn with_s3(mut c: Command, endpoint: &str, bucket: &str) -> Command {
    c.env("UPSTAGE_STORAGE__S3__ENDPOINT", endpoint)
        .env("UPSTAGE_STORAGE__S3__BUCKET", bucket)
        .env("UPSTAGE_STORAGE__S3__PREFIX", "lib")
        .env("UPSTAGE_STORAGE__S3__RETRIES", "0")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1");
    c
}

fn migrate(env: &Env, endpoint: &str, bucket: &str, from: &str, to: &str) -> Output {
    let mut c = with_s3(env.cmd(), endpoint, bucket);
    c.args(["migrate-storage", "--from", from, "--to", to])
        .output()
        .expect("running upstage migrate-storage")
}

/// `images/…` key → bytes of every file under the local library.
fn local_files(data: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![data.join("images")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let key = p
                    .strip_prefix(data)
                    .expect("under data")
                    .display()
                    .to_string();
                out.insert(key, std::fs::read(&p).expect("read"));
            }
        }
    }
    out
}

fn bucket_files(s3: &S3Storage) -> BTreeMap<String, Vec<u8>> {
    s3.list("")
        .expect("list")
        .into_iter()
        .map(|k| {
            let bytes = s3.get(&k).expect("get");
            (k, bytes)
        })
        .collect()
}

fn line_value(out: &Output, label: &str) -> String {
    stdout(out)
        .lines()
        .find_map(|l| l.strip_prefix(label).map(|v| v.trim().to_owned()))
        .unwrap_or_else(|| panic!("no {label:?} in {}", describe(out)))
}

#[test]
fn local_to_s3_and_back_verified_and_resumable() {
    let Some(ep) = endpoint() else { return };
    let env = Env::new();
    for i in 0..3 {
        make_image(
            &env.root().join(format!("photos/p{i}.jpg")),
            i + 1,
            1000,
            700,
        );
    }
    let out = env.import(&["photos"]);
    assert!(out.status.success(), "{}", describe(&out));
    let local = local_files(&env.data());
    assert_eq!(
        local.len(),
        9,
        "3 images x (main, medium, thumb): {:?}",
        local.keys()
    );

    let bucket = format!("migrate-{}", std::process::id());
    create_bucket(&ep, &bucket).expect("bucket");
    let s3 = S3Storage::new(&S3Config {
        endpoint: Some(ep.clone()),
        bucket: bucket.clone(),
        prefix: "lib".into(),
        access_key_id: Some("test".into()),
        secret_access_key: Some(Secret("test".into())),
        ..S3Config::default()
    })
    .expect("s3");

    let out = migrate(&env, &ep, &bucket, "local", "s3");
    assert!(out.status.success(), "{}", describe(&out));
    assert_eq!(line_value(&out, "files copied:"), "9");
    assert!(
        stdout(&out).contains("storage.backend = \"s3\""),
        "{}",
        describe(&out)
    );
    assert_eq!(bucket_files(&s3), local, "every file copied byte for byte");
    let any = local.keys().next().expect("a key");
    let info = s3.head(any).expect("head").expect("there");
    assert_eq!(info.content_type.as_deref(), Some("image/jpeg"));

    // Resume after damage: one object lost, one half-written. Only those two are copied.
    let mut keys = local.keys();
    let (lost, damaged) = (keys.next().expect("k1"), keys.next().expect("k2"));
    s3.delete(lost).expect("delete");
    s3.put(
        damaged,
        "image/jpeg",
        b"partial",
        upstage_storage::PutMode::Overwrite,
    )
    .expect("damage");
    let out = migrate(&env, &ep, &bucket, "local", "s3");
    assert!(out.status.success(), "{}", describe(&out));
    assert_eq!(line_value(&out, "files copied:"), "2");
    assert_eq!(line_value(&out, "already at target:"), "7");
    assert_eq!(bucket_files(&s3), local);

    // And back, into an emptied local library.
    std::fs::remove_dir_all(env.data().join("images")).expect("empty the library");
    let out = migrate(&env, &ep, &bucket, "s3", "local");
    assert!(out.status.success(), "{}", describe(&out));
    assert_eq!(line_value(&out, "files copied:"), "9");
    assert_eq!(local_files(&env.data()), local);
}

#[test]
fn an_unreachable_target_fails_and_names_the_files() {
    let env = Env::new();
    make_image(&env.root().join("photos/one.jpg"), 7, 400, 300);
    let out = env.import(&["photos"]);
    assert!(out.status.success(), "{}", describe(&out));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let out = migrate(
        &env,
        &format!("http://127.0.0.1:{port}"),
        "none",
        "local",
        "s3",
    );
    assert!(!out.status.success(), "{}", describe(&out));
    assert_eq!(line_value(&out, "failed:"), "2", "main and thumb");
    assert!(
        !stdout(&out).contains("storage.backend ="),
        "no switch advice on failure"
    );
    assert!(describe(&out).contains("one.jpg"), "{}", describe(&out));
}

#[test]
fn config_show_hides_the_s3_secret() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["config", "show"])
        .env("UPSTAGE_STORAGE__BACKEND", "s3")
        .env("UPSTAGE_STORAGE__S3__BUCKET", "photos")
        .env(
            "UPSTAGE_STORAGE__S3__SECRET_ACCESS_KEY",
            "hunter2-very-secret",
        )
        .output()
        .expect("config show");
    assert!(out.status.success(), "{}", describe(&out));
    let text = stdout(&out);
    assert!(text.contains("[storage.s3]"), "{text}");
    assert!(text.contains("bucket = \"photos\""), "{text}");
    assert!(text.contains("secret_access_key = \"********\""), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
}
