//! Files joining the queue: checked before anything is sent (size, content), and each path once
//! however often its folder is added.

use std::path::PathBuf;

use super::{check, Event, Scheduler, Status};

impl Scheduler {
    pub(super) async fn add(&mut self, paths: Vec<PathBuf>) {
        let max = self.max_bytes;
        let checked = tokio::task::spawn_blocking(move || {
            paths
                .into_iter()
                .map(|p| {
                    let (size, refused) = check::check(&p, max);
                    (p, size, refused)
                })
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        let mut again = 0;
        for (path, size, refused) in checked {
            let key = std::path::absolute(&path).unwrap_or_else(|_| path.clone());
            let key = std::fs::canonicalize(&key).unwrap_or(key);
            if !self.seen.insert(key) {
                again += 1;
                continue;
            }
            let id = self.items.len();
            let ok = refused.is_none();
            self.items.push((path.clone(), Status::Refused));
            self.emit(Event::Added {
                id,
                path,
                size,
                refused,
            });
            if ok {
                self.queue(id);
            }
        }
        if again > 0 {
            self.emit(Event::AlreadyQueued { count: again });
        }
    }
}
