//! One file of an import: hash it, skip it when the journal, an earlier file of this run or an
//! earlier import has it, else import it and journal it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use upstage_client::journal::{self, FileHashes, Journal};

use super::report::{Outcome, Status};
use super::target::Target;
use super::turns::Turns;
use super::Item;

pub async fn import_one(
    target: &Target,
    journal: &Journal,
    claimed: &Mutex<HashMap<String, PathBuf>>,
    (turns, index): (&Turns, usize),
    item: Item,
) -> Outcome {
    let path = item.path.clone();
    let md5 = target.finds_earlier();
    // Hashed in chunks and sent streamed: a file is never whole in memory.
    let read = tokio::task::spawn_blocking(move || journal::file_hashes(&path, md5)).await;
    // Nothing may return before this: a file that skipped its turn would hold back every later
    // file of its size. Even one that could not be read takes it.
    let turn = turns.wait(index).await;
    let FileHashes { sha256: hash, md5 } = match read {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => return Outcome::failed(&item.path, None, format!("could not read: {e}")),
        Err(e) => return Outcome::failed(&item.path, None, e.to_string()),
    };
    if let Some(url) = journal.done.get(&hash).map(|e| &e.url) {
        return Outcome {
            path: item.path,
            sha256: Some(hash),
            status: Status::Duplicate(format!("already imported: {url}")),
        };
    }
    {
        let Ok(mut c) = claimed.lock() else {
            return Outcome::failed(&item.path, Some(hash), "internal lock poisoned".into());
        };
        if let Some(first) = c.get(&hash) {
            let why = format!("same content as {}", first.display());
            return Outcome {
                path: item.path,
                sha256: Some(hash),
                status: Status::Duplicate(why),
            };
        }
        c.insert(hash.clone(), item.path.clone());
    }
    drop(turn);
    // Not imported: a later copy in this run may still be.
    let unclaim = |why: String| {
        if let Ok(mut c) = claimed.lock() {
            c.remove(&hash);
        }
        why
    };
    let status = match target.earlier(&item, md5.as_deref()).await {
        Ok(Some(url)) => match journal.record(&hash, &item.path, &url, None) {
            Ok(()) => Status::Duplicate(format!("already imported: {url}")),
            Err(e) => Status::Failed(format!(
                "already imported as {url} but not journaled: {e:#}"
            )),
        },
        Err(why) => Status::Failed(unclaim(why)),
        Ok(None) => match target.import(&item).await {
            Ok(done) => match journal.record(&hash, &item.path, &done.url, None) {
                Ok(()) => Status::Imported(done),
                Err(e) => {
                    Status::Failed(format!("imported as {} but not journaled: {e:#}", done.url))
                }
            },
            Err(why) => Status::Failed(unclaim(why)),
        },
    };
    Outcome {
        path: item.path,
        sha256: Some(hash),
        status,
    }
}
