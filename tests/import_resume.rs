//! `upstage import` stopped after the library committed a file but before the journal recorded
//! it (here: the whole journal lost). The rerun finds the earlier rows by the importer, the file
//! name and the bytes as read, records them in the journal, and imports nothing twice.

mod import_support;

use import_support::*;

#[test]
fn a_lost_journal_does_not_import_the_library_twice() {
    require_exiftool();
    let env = Env::new();
    for i in 0..3 {
        make_image(&env.root().join(format!("lib/{i}.jpg")), i + 1, 64, 48);
    }
    // GPS removal rewrites what is stored: the earlier row is found by the md5 as read.
    let gps = env.root().join("lib/gps.jpg");
    make_image(&gps, 9, 64, 48);
    exiftool(
        &gps,
        &[
            "-GPSLatitude=48.85",
            "-GPSLatitudeRef=N",
            "-GPSLongitude=2.35",
            "-GPSLongitudeRef=E",
        ],
    );
    let names = ["0.jpg", "1.jpg", "2.jpg", "gps.jpg"];

    let first = env.import(&["lib", "--json"]);
    assert!(first.status.success(), "{}", describe(&first));
    let (files, summary) = json_lines(&first);
    assert_eq!(summary["imported"], names.len(), "{summary}");
    let stored = env.data().join(url_key(
        by_name(&files, "gps.jpg")["url"].as_str().expect("url"),
    ));
    assert_ne!(
        std::fs::read(&stored).expect("stored gps.jpg"),
        std::fs::read(&gps).expect("gps.jpg"),
        "GPS was removed from what was stored"
    );

    let journal = env.data().join("import-journal.tsv");
    std::fs::remove_file(&journal).expect("remove the journal");
    let again = env.import(&["lib", "--json"]);
    assert!(again.status.success(), "{}", describe(&again));
    let (files2, summary2) = json_lines(&again);
    for name in names {
        let (before, now) = (by_name(&files, name), by_name(&files2, name));
        assert_eq!(now["status"], "duplicate", "{now}");
        let url = before["url"].as_str().expect("url");
        assert_eq!(
            now["reason"],
            format!("already imported: {url}"),
            "{name}: {now}"
        );
    }
    assert_eq!(summary2["imported"], 0, "{summary2}");
    assert_eq!(
        env.thumbs().len(),
        names.len(),
        "no second copy of any file"
    );
    let lines = std::fs::read_to_string(&journal).expect("journal written again");
    assert_eq!(lines.lines().count(), names.len(), "{lines}");

    // The journal knows them again: the next run skips them without asking the library.
    let third = env.import(&["lib", "--json"]);
    let (files3, _) = json_lines(&third);
    assert!(
        files3.iter().all(|f| f["status"] == "duplicate"),
        "{files3:?}"
    );
}

/// A rerun is a restart: what an interrupted import wrote and never recorded is removed once
/// older than the grace period that keeps a running server's uploads safe (here a temp file of
/// an interrupted write; claimed files go the same way, server/tests/reconcile.rs).
#[test]
fn a_rerun_removes_leftovers_older_than_the_grace_period() {
    let env = Env::new();
    make_image(&env.root().join("lib/a.jpg"), 1, 64, 48);
    let first = env.import(&["lib"]);
    assert!(first.status.success(), "{}", describe(&first));
    let folder = env.data().join("images/2020/01/01");
    std::fs::create_dir_all(&folder).expect("folder");
    let leftover = folder.join(".upstage-tmp-interrupted");
    std::fs::write(&leftover, b"half a file").expect("leftover");

    // Within the grace period (15 minutes by default) it may be a running server's: kept.
    let young = env.import(&["lib"]);
    assert!(young.status.success(), "{}", describe(&young));
    assert!(leftover.exists(), "removed inside the grace period");

    let rerun = env
        .cmd()
        .env("UPSTAGE_SERVER__RECONCILE_GRACE_SECONDS", "0")
        .args(["import", "lib"])
        .output()
        .expect("rerun the import");
    assert!(rerun.status.success(), "{}", describe(&rerun));
    assert!(
        !leftover.exists(),
        "a leftover older than the grace period stays"
    );
}
