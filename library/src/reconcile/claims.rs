//! Stale claims: taken off the journal in batches, each batch in one transaction held while its
//! files are deleted, so a storage failure rolls the batch back for the next pass and an owner
//! that is somehow still alive cannot commit meanwhile (see `db::take_stale_claims`).

use super::{delete_keys, ReconcileError};
use crate::db::{row_owns_key, take_stale_claims, DbError};
use crate::Library;

const BATCH: i64 = 100;

/// Returns how many claims were dropped and the files removed for them.
pub(super) async fn remove_stale(
    state: &Library,
    before: &str,
) -> Result<(usize, Vec<String>), ReconcileError> {
    let (mut claims, mut removed) = (0, Vec::new());
    loop {
        let mut w = state.db.writer().await?;
        let r: Result<(usize, Vec<String>), ReconcileError> = async {
            let mut tx = w.begin().await?;
            let keys = take_stale_claims(&mut tx, state.db.kind, before, BATCH).await?;
            let mut doomed = Vec::with_capacity(keys.len());
            for key in &keys {
                // A claim may name a key that was taken already (its create-only write failed
                // and the crash came before the claim was released): the file is its row's.
                if !row_owns_key(&mut tx, key).await? {
                    doomed.push(key.clone());
                }
            }
            let gone = delete_keys(state, doomed).await?;
            tx.commit().await.map_err(DbError::from)?;
            Ok((keys.len(), gone))
        }
        .await;
        let (n, gone) = match r {
            Ok(done) => done,
            Err(e) => {
                // A storage failure only rolls the batch back; the connection is fine.
                if matches!(e, ReconcileError::Db(_)) {
                    w.failed();
                }
                return Err(e);
            }
        };
        claims += n;
        removed.extend(gone);
        if (n as i64) < BATCH {
            return Ok((claims, removed));
        }
    }
}
