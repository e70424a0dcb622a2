//! Enumerating a bucket page by page: the lister lives on the backend's runtime between pages
//! and the caller's visitor runs on the caller's thread, so a bucket of any size is walked in
//! bounded memory.

use futures_util::StreamExt;
use opendal::{Entry, Lister, Operator};
use upstage_storage::{ListedObject, StorageError};

use crate::bridge::Bridge;
use crate::errors;

const PAGE: usize = 1000;

/// One page of entries, the lister to continue with, and whether the listing is complete.
type Page = (Lister, opendal::Result<Vec<Entry>>, bool);

pub(crate) fn each(
    op: &Operator,
    bridge: &Bridge,
    prefix: &str,
    visit: &mut dyn FnMut(ListedObject) -> Result<(), StorageError>,
) -> Result<(), StorageError> {
    let (op, dir) = (op.clone(), prefix.to_owned());
    let mut lister = bridge
        .run(async move { op.lister_with(&dir).recursive(true).await })?
        .map_err(|e| errors::map("list", prefix, e))?;
    loop {
        let (back, page, done): Page = bridge.run(async move {
            let mut page = Vec::with_capacity(PAGE);
            while page.len() < PAGE {
                match lister.next().await {
                    Some(Ok(entry)) => page.push(entry),
                    Some(Err(e)) => return (lister, Err(e), true),
                    None => return (lister, Ok(page), true),
                }
            }
            (lister, Ok(page), false)
        })?;
        lister = back;
        for entry in page.map_err(|e| errors::map("list", prefix, e))? {
            if entry.metadata().mode().is_file() {
                visit(ListedObject {
                    key: entry.path().to_owned(),
                    modified: entry
                        .metadata()
                        .last_modified()
                        .map(std::time::SystemTime::from),
                })?;
            }
        }
        if done {
            return Ok(());
        }
    }
}
