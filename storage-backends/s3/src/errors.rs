//! OpenDAL errors as our stable storage error kinds.

use upstage_storage::{StorageError, StorageErrorKind};

pub(crate) fn map(op: &str, key: &str, e: opendal::Error) -> StorageError {
    let kind = match e.kind() {
        opendal::ErrorKind::NotFound => StorageErrorKind::NotFound,
        opendal::ErrorKind::AlreadyExists => StorageErrorKind::AlreadyExists,
        _ => StorageErrorKind::Backend,
    };
    StorageError::new(kind, format!("s3 {op} {key}: {e}"))
}

/// A conditional create (`If-None-Match: *`) that lost: the key is taken.
pub(crate) fn map_create(key: &str, e: opendal::Error) -> StorageError {
    if e.kind() == opendal::ErrorKind::ConditionNotMatch {
        return StorageError::new(
            StorageErrorKind::AlreadyExists,
            format!("s3 put {key}: already exists"),
        );
    }
    map("put", key, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_map_to_stable_codes() {
        let nf = opendal::Error::new(opendal::ErrorKind::NotFound, "gone");
        assert_eq!(map("get", "a", nf).kind, StorageErrorKind::NotFound);
        let cond = opendal::Error::new(opendal::ErrorKind::ConditionNotMatch, "412");
        assert_eq!(map_create("a", cond).kind, StorageErrorKind::AlreadyExists);
        let other = opendal::Error::new(opendal::ErrorKind::Unexpected, "connection refused");
        let e = map("put", "a/b.jpg", other);
        assert_eq!(e.kind, StorageErrorKind::Backend);
        assert!(e.message.contains("a/b.jpg"), "{}", e.message);
    }
}
