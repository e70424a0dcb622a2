//! Where an import sends its files: the local library, in-process, or a remote site through the
//! API.

use super::{local, remote, Done, Item};

pub enum Target {
    Local(local::Local),
    Remote(remote::Remote),
}

impl Target {
    pub async fn import(&self, item: &Item) -> Result<Done, String> {
        match self {
            Target::Local(l) => l.import(item).await,
            Target::Remote(r) => r.import(item).await,
        }
    }

    /// Whether the target can find an earlier import of a file by its md5 (see [`Self::earlier`]).
    pub fn finds_earlier(&self) -> bool {
        matches!(self, Target::Local(_))
    }

    /// The URL of an earlier import of this file that the journal does not know (stopped between
    /// the library's commit and the journal line).
    pub async fn earlier(&self, item: &Item, md5: Option<&str>) -> Result<Option<String>, String> {
        match (self, md5) {
            (Target::Local(l), Some(md5)) => l.earlier(item, md5).await,
            _ => Ok(None),
        }
    }
}
