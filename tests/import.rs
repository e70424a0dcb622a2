//! End-to-end tests of `upstage import`: the real binary, photos with EXIF written by exiftool,
//! local and remote mode, re-runs, an import killed midway, and the dry run.

mod import_support;

use std::collections::HashSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use import_support::*;

/// The EXIF cases: (file, exiftool args, expected date_gmt, expected date_used).
const DATED: &[(&str, &[&str], &str, &str)] = &[
    (
        "offset.jpg",
        &[
            "-DateTimeOriginal=2019:05:04 12:00:00",
            "-OffsetTimeOriginal=+02:00",
        ],
        "2019-05-04 10:00:00",
        "DateTimeOriginal",
    ),
    (
        "no-offset.jpg",
        &["-DateTimeOriginal=2019:05:04 12:00:00"],
        "2019-05-04 12:00:00",
        "DateTimeOriginal",
    ),
    (
        "datetime-only.jpg",
        // EXIF 0x0132 `DateTime` (exiftool calls it IFD0:ModifyDate; its `-DateTime=` writes XMP).
        &["-IFD0:ModifyDate=2016:08:09 07:06:05"],
        "2016-08-09 07:06:05",
        "DateTime",
    ),
    (
        "exif.png",
        &["-DateTimeOriginal=2018:01:02 03:04:05"],
        "2018-01-02 03:04:05",
        "DateTimeOriginal",
    ),
    (
        "exif.webp",
        &[
            "-DateTimeOriginal=2017:06:07 23:30:00",
            "-OffsetTimeOriginal=-03:00",
        ],
        "2017-06-08 02:30:00",
        "DateTimeOriginal",
    ),
];

fn make_dated(env: &Env, dir: &str) {
    for (i, (name, args, _, _)) in DATED.iter().enumerate() {
        let p = env.root().join(dir).join(name);
        make_image(&p, i as u32 + 1, 64, 48);
        exiftool(&p, args);
    }
}

#[test]
fn local_import_files_by_exif_date_and_rerun_skips() {
    require_exiftool();
    let env = Env::new();
    make_dated(&env, "photos/2019");
    make_image(&env.root().join("photos/plain.jpg"), 99, 64, 48);
    // The same content twice in one run: imported once.
    std::fs::copy(
        env.root().join("photos/2019/offset.jpg"),
        env.root().join("photos/copy-of-offset.jpg"),
    )
    .expect("copy");

    let before = chrono::Utc::now().date_naive();
    let out = env.import(&["photos", "--json"]);
    assert!(out.status.success(), "{}", describe(&out));
    let (files, summary) = json_lines(&out);
    assert_eq!(files.len(), DATED.len() + 2, "{}", describe(&out));
    for (name, _, date_gmt, used) in DATED {
        let f = by_name(&files, name);
        assert_eq!(f["status"], "imported", "{f}");
        assert_eq!(f["date_gmt"], *date_gmt, "{name}: {f}");
        assert_eq!(f["date_used"], *used, "{name}: {f}");
        let key = url_key(f["url"].as_str().expect("url"));
        let folder = date_gmt[..10].replace('-', "/");
        assert!(
            key.starts_with(&format!("images/{folder}/")),
            "{name} filed as {key}"
        );
        assert!(env.data().join(key).is_file(), "{key} not stored");
    }
    // No EXIF: filed today (UTC), by the upload date; the run may straddle midnight.
    let plain = by_name(&files, "plain.jpg");
    assert_eq!(plain["date_used"], "upload", "{plain}");
    let filed = plain["date_gmt"]
        .as_str()
        .and_then(|d| chrono::NaiveDateTime::parse_from_str(d, "%Y-%m-%d %H:%M:%S").ok())
        .expect("date_gmt")
        .date();
    let after = chrono::Utc::now().date_naive();
    assert!(filed == before || filed == after, "{plain}");
    let key = url_key(plain["url"].as_str().expect("url"));
    assert!(
        key.starts_with(&filed.format("images/%Y/%m/%d/").to_string()),
        "{key}"
    );
    assert!(env.data().join(key).is_file());
    // The pair with identical content: one imported, one duplicate.
    let pair = [
        by_name(&files, "offset.jpg"),
        by_name(&files, "copy-of-offset.jpg"),
    ];
    assert_eq!(
        pair.iter().filter(|f| f["status"] == "imported").count(),
        1,
        "{pair:?}"
    );
    assert_eq!(summary["imported"], DATED.len() + 1);
    assert_eq!(summary["duplicates"], 1);
    assert_eq!(summary["no_date"], 1);
    assert_eq!(summary["failed"], 0);
    assert_eq!(env.thumbs().len(), DATED.len() + 1);
    assert!(env.data().join("import-journal.tsv").is_file());

    // Re-run: nothing new.
    let again = env.import(&["photos", "--json"]);
    assert!(again.status.success(), "{}", describe(&again));
    let (files2, summary2) = json_lines(&again);
    assert!(
        files2.iter().all(|f| f["status"] == "duplicate"),
        "{files2:?}"
    );
    assert_eq!(summary2["imported"], 0);
    assert_eq!(summary2["duplicates"], DATED.len() + 2);
    assert_eq!(env.thumbs().len(), DATED.len() + 1);

    // Human output ends with the report.
    let human = env.import(&["photos"]);
    let text = stdout(&human);
    assert!(text.contains("imported:              0"), "{text}");
    assert!(text.contains("skipped as duplicate:  7"), "{text}");
}

#[test]
fn mtime_fallback_files_undated_photos_by_modification_time() {
    let env = Env::new();
    let p = env.root().join("old/scan.jpg");
    make_image(&p, 5, 64, 48);
    let touched = Command::new("touch")
        .env("TZ", "UTC")
        .args(["-d", "2015-03-02 12:00:00"])
        .arg(&p)
        .status()
        .expect("touch");
    assert!(touched.success());
    let out = env.import(&["old", "--use-mtime-fallback", "--json", "--album", "Scans"]);
    assert!(out.status.success(), "{}", describe(&out));
    let (files, summary) = json_lines(&out);
    let f = by_name(&files, "scan.jpg");
    assert_eq!(f["date_used"], "mtime", "{f}");
    assert_eq!(f["date_gmt"], "2015-03-02 12:00:00", "{f}");
    let key = url_key(f["url"].as_str().expect("url"));
    assert!(key.starts_with("images/2015/03/02/"), "{key}");
    assert!(env.data().join(key).is_file());
    assert_eq!(summary["no_date"], 1);
}

#[test]
fn dry_run_prints_dates_sources_and_histogram_and_writes_nothing() {
    require_exiftool();
    let env = Env::new();
    make_dated(&env, "photos");
    make_image(&env.root().join("photos/plain.jpg"), 42, 64, 48);
    let out = env.import(&["photos", "--dry-run"]);
    assert!(out.status.success(), "{}", describe(&out));
    let text = stdout(&out);
    for want in [
        "2019-05-04 12:00:00 +02:00",
        "DateTimeOriginal",
        "DateTime ",
        "2016-08-09 07:06:05",
        "upload date",
        "2019-05     ████████████████████████████████████████ 2",
        "2018-01",
        "2017-06",
        "6 files, 1 without a date taken",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    assert!(
        !env.data().exists(),
        "dry run created {}",
        env.data().display()
    );
    assert!(!env.root().join(".cache").exists());
}

#[test]
fn killed_midway_then_rerun_imports_each_file_exactly_once() {
    let env = Env::new();
    const N: u32 = 20;
    for i in 0..N {
        make_image(
            &env.root().join(format!("many/{i:02}.jpg")),
            i + 1,
            1600,
            1200,
        );
    }
    let journal = env.data().join("import-journal.tsv");
    let child = env
        .cmd()
        .args(["--workers", "1", "import", "many"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn import");
    let mut guard = Guard(child);
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let lines = std::fs::read_to_string(&journal)
            .map(|s| s.lines().count())
            .unwrap_or(0);
        if lines >= 3 {
            break;
        }
        if let Ok(Some(status)) = guard.0.try_wait() {
            panic!("the import ended ({status}) before it could be killed");
        }
        assert!(Instant::now() < deadline, "no journal lines after 120 s");
        std::thread::sleep(Duration::from_millis(5));
    }
    guard.0.kill().expect("kill");
    let _ = guard.0.wait();
    let first = std::fs::read_to_string(&journal)
        .expect("journal")
        .lines()
        .count();
    assert!(
        first < N as usize,
        "everything was imported before the kill"
    );

    // The rerun removes what the killed one claimed and never recorded, once older than the
    // grace period: none here, as no server shares this library.
    let out = env
        .cmd()
        .env("UPSTAGE_SERVER__RECONCILE_GRACE_SECONDS", "0")
        .args(["import", "many", "--json"])
        .output()
        .expect("rerun the import");
    assert!(out.status.success(), "{}", describe(&out));
    let (_, summary) = json_lines(&out);
    let imported = summary["imported"].as_u64().expect("imported") as usize;
    let dups = summary["duplicates"].as_u64().expect("duplicates") as usize;
    assert_eq!(imported + dups, N as usize, "{summary}");
    assert!(imported >= 1 && dups >= first, "{summary}");

    // A kill can land after the one file in flight (--workers 1) was written and before its
    // row was committed (the rerun removes those files), or after the row and before the
    // journal line (the rerun finds the row, tests/import_resume.rs): every file is stored
    // once, under its own name.
    let names: Vec<String> = env
        .thumbs()
        .iter()
        .filter_map(|p| p.file_name()?.to_str().map(str::to_owned))
        .collect();
    assert_eq!(names.len(), N as usize, "{names:#?}");
    let stems: HashSet<String> = names
        .iter()
        .filter_map(|n| n.get(..2))
        .map(str::to_owned)
        .collect();
    let want: HashSet<String> = (0..N).map(|i| format!("{i:02}")).collect();
    assert_eq!(stems, want, "{names:?}");
    let hashes: Vec<String> = std::fs::read_to_string(&journal)
        .expect("journal")
        .lines()
        .filter_map(|l| l.split('\t').next().map(str::to_owned))
        .filter(|h| h.len() == 64)
        .collect();
    let unique: HashSet<&String> = hashes.iter().collect();
    assert_eq!(hashes.len(), N as usize);
    assert_eq!(unique.len(), N as usize);
}

#[test]
fn remote_import_through_the_api_and_rerun_skips() {
    require_exiftool();
    let env = Env::new();
    let (_server, url, key) = start_server(&env);
    for (i, (name, args, _, _)) in DATED.iter().take(3).enumerate() {
        let p = env.root().join("remote").join(name);
        make_image(&p, i as u32 + 50, 64, 48);
        exiftool(&p, args);
    }
    let out = env.import(&["remote", "--to", &url, "--key", &key, "--json"]);
    assert!(out.status.success(), "{}", describe(&out));
    let (files, summary) = json_lines(&out);
    for (name, _, date_gmt, used) in DATED.iter().take(3) {
        let f = by_name(&files, name);
        assert_eq!(f["status"], "imported", "{f}");
        assert_eq!(f["date_gmt"], *date_gmt, "{name}: {f}");
        assert_eq!(f["date_used"], *used, "{name}: {f}");
        let k = url_key(f["url"].as_str().expect("url"));
        assert!(
            env.root().join("server-data").join(k).is_file(),
            "{k} not stored by the server"
        );
    }
    assert_eq!(summary["imported"], 3);
    let journal = summary["journal"].as_str().expect("journal path");
    assert!(
        journal.contains(".cache/upstage/import-") && journal.ends_with(".tsv"),
        "{journal}"
    );
    assert!(std::path::Path::new(journal).is_file());
    // Nothing local was written in remote mode.
    assert!(!env.data().exists());

    // The endpoint URL form is the same target (same journal): everything is skipped.
    let endpoint = format!("{url}/api/1/upload");
    let again = env
        .cmd()
        .env("UPSTAGE_URL", &endpoint)
        .env("UPSTAGE_KEY", &key)
        .args(["import", "remote", "--json"])
        .output()
        .expect("rerun");
    assert!(again.status.success(), "{}", describe(&again));
    let (files2, summary2) = json_lines(&again);
    assert!(
        files2.iter().all(|f| f["status"] == "duplicate"),
        "{files2:?}"
    );
    assert_eq!(summary2["imported"], 0);
    assert_eq!(summary2["duplicates"], 3);

    // A bad key is a 4xx: failed (not retried), exit 1.
    std::fs::remove_file(journal).expect("rm journal");
    let bad = env.import(&["remote", "--to", &url, "--key", "chv_nope", "--json"]);
    assert_eq!(bad.status.code(), Some(1), "{}", describe(&bad));
    let (_, s) = json_lines(&bad);
    assert_eq!(s["failed"], 3, "{s}");
}
