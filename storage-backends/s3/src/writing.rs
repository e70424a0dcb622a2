//! Writing objects: one conditional PutObject, or a multipart upload for large bodies.

use opendal::Operator;
use upstage_storage::StorageError;

use crate::bridge::Bridge;
use crate::errors;

/// Write the whole body and close; on failure abort, so no half-written object and no unfinished
/// multipart upload (whose parts cost money until aborted) is left behind.
async fn write_or_abort(mut w: opendal::Writer, body: Vec<u8>) -> opendal::Result<()> {
    let done = match w.write(body).await {
        Ok(()) => w.close().await.map(|_| ()),
        Err(e) => Err(e),
    };
    if done.is_err() {
        let _ = w.abort().await;
    }
    done
}

pub(crate) fn put_single(
    op: &Operator,
    bridge: &Bridge,
    key: &str,
    ct: &str,
    bytes: &[u8],
    create: bool,
) -> Result<(), StorageError> {
    let (op, k, ct, body) = (op.clone(), key.to_owned(), ct.to_owned(), bytes.to_vec());
    bridge
        .run(async move {
            // One buffered write is a single PutObject at `close`. A refused create is an
            // expected outcome here; aborting it keeps OpenDAL from reporting an unclosed
            // writer as a bug.
            let w = op
                .writer_with(&k)
                .content_type(&ct)
                .if_not_exists(create)
                .await?;
            write_or_abort(w, body).await
        })?
        .map_err(|e| errors::map_create(key, e))
}

/// Multipart upload in `chunk`-sized parts, two in flight. S3 applies no condition to a
/// multipart completion here, so create-only is the HEAD check alone (best effort).
pub(crate) fn put_multipart(
    op: &Operator,
    bridge: &Bridge,
    chunk: usize,
    key: &str,
    ct: &str,
    bytes: &[u8],
) -> Result<(), StorageError> {
    let (op, k, ct, body) = (op.clone(), key.to_owned(), ct.to_owned(), bytes.to_vec());
    bridge
        .run(async move {
            let w = op
                .writer_with(&k)
                .chunk(chunk)
                .concurrent(2)
                .content_type(&ct)
                .await?;
            write_or_abort(w, body).await
        })?
        .map_err(|e| errors::map("put", key, e))
}
