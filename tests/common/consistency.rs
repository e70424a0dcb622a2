//! The consistency checker of an `upstage serve` library on SQLite + local disk, for tests that
//! crash or stop the server and start it again:
//!
//! - no temp leftover: no `.upstage-tmp-*` under `images/`, nothing in `tmp/`;
//! - no pending file claim (`pending_uploads` is empty once the reconciler ran);
//! - no row without files: every chain file of every row exists;
//! - no orphan: every file under `images/` belongs to a row;
//! - every acknowledged upload is still served, byte for byte: each of its URLs answers 200 with
//!   the size the response gave, and the main file's md5 is the response's;
//! - no id was handed out twice.
//!
//! Call it when no upload is in flight and the start pass of the reconciler has finished (the
//! server logs `storage reconciled at start` at info level for `upstage_library::reconcile`).

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use md5::{Digest, Md5};
use serde_json::Value;

/// What a check saw.
#[derive(Debug, Default, Clone, Copy)]
pub struct Summary {
    pub rows: usize,
    pub files: usize,
    pub acked: usize,
}

/// Check the library in `data_dir` against the `image` objects of every 200 response it gave
/// (`acked`). URLs are fetched from `base` (the server's current origin), whatever origin the
/// responses named. Returns every problem found, not just the first.
pub async fn check(data_dir: &Path, base: &str, acked: &[Value]) -> Result<Summary, Vec<String>> {
    let mut problems = Vec::new();
    let files = stored_files(data_dir);
    for f in files.iter().filter(|f| is_temp(f)) {
        problems.push(format!("temp leftover {f}"));
    }
    let tmp: Vec<_> = std::fs::read_dir(data_dir.join("tmp"))
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    if !tmp.is_empty() {
        problems.push(format!("upload temp files left: {tmp:?}"));
    }
    let url = upstage_server::db::default_url(data_dir);
    let db = upstage_server::db::Db::connect(&url, Some(1))
        .await
        .map_err(|e| vec![format!("opening {url}: {e}")])?;
    let claims = db.pending_claims().await.unwrap_or_default();
    if !claims.is_empty() {
        problems.push(format!("pending claims left: {claims:?}"));
    }
    let rows = all_rows(&db).await;
    db.close().await;
    let mut owned = HashSet::new();
    for row in &rows {
        for key in upstage_server::web::chain_keys(row) {
            if !files.contains(&key) {
                problems.push(format!("row {} has no file {key}", row.id));
            }
            owned.insert(key);
        }
    }
    for f in files.iter().filter(|f| !is_temp(f) && !owned.contains(*f)) {
        problems.push(format!("orphan file {f}"));
    }
    let mut ids = HashSet::new();
    for image in acked {
        let id = image["id_encoded"].as_str().unwrap_or_default();
        if !ids.insert(id.to_owned()) {
            problems.push(format!("id {id} acknowledged twice"));
        }
        served(base, image, &mut problems).await;
    }
    if problems.is_empty() {
        Ok(Summary {
            rows: rows.len(),
            files: files.len(),
            acked: acked.len(),
        })
    } else {
        Err(problems)
    }
}

async fn all_rows(db: &upstage_server::db::Db) -> Vec<upstage_server::db::ImageRow> {
    let mut rows = Vec::new();
    loop {
        let after = rows
            .last()
            .map_or(0, |r: &upstage_server::db::ImageRow| r.id);
        let page = db.images_after(after, 500).await.expect("reading images");
        if page.is_empty() {
            return rows;
        }
        rows.extend(page);
    }
}

fn is_temp(key: &str) -> bool {
    key.rsplit('/')
        .next()
        .is_some_and(|n| n.starts_with(".upstage-tmp-"))
}

/// Every file under `data_dir/images`, as a storage key.
pub fn stored_files(data_dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![data_dir.join("images")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(data_dir) {
                out.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

/// `url` moved to `base` (the path from `/images/` on).
fn rebased(base: &str, url: &str) -> Option<String> {
    url.find("/images/").map(|i| format!("{base}{}", &url[i..]))
}

async fn served(base: &str, image: &Value, problems: &mut Vec<String>) {
    let id = image["id_encoded"].as_str().unwrap_or_default();
    let mut wanted = vec![(&image["url"], &image["size"], true)];
    for part in ["thumb", "medium"] {
        if !image[part]["url"].is_null() {
            wanted.push((&image[part]["url"], &image[part]["size"], false));
        }
    }
    let client = reqwest::Client::new();
    for (url, size, main) in wanted {
        let Some(url) = url.as_str().and_then(|u| rebased(base, u)) else {
            problems.push(format!("{id}: no file URL in {image}"));
            continue;
        };
        let body = match client.get(&url).send().await {
            Ok(r) if r.status() == 200 => r.bytes().await.unwrap_or_default(),
            Ok(r) => {
                problems.push(format!("{id}: {url} answers {}", r.status()));
                continue;
            }
            Err(e) => {
                problems.push(format!("{id}: {url}: {e}"));
                continue;
            }
        };
        if size.as_u64() != Some(body.len() as u64) {
            problems.push(format!(
                "{id}: {url} has {} bytes, acknowledged {size}",
                body.len()
            ));
        }
        if main && image["md5"].as_str() != Some(hex::encode(Md5::digest(&body)).as_str()) {
            problems.push(format!("{id}: {url} is not the acknowledged file (md5)"));
        }
    }
}
