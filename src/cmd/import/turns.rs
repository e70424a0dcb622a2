//! Files are hashed side by side, but each decides "first copy or duplicate" in the order the
//! walk listed them: of two files with the same content, the one listed first is the one
//! imported, in every run, whichever finished hashing first.

use tokio::sync::watch;

/// The index of the next file allowed to decide.
pub struct Turns {
    next: watch::Sender<usize>,
}

impl Turns {
    pub fn new() -> Self {
        Self {
            next: watch::Sender::new(0),
        }
    }

    /// Waits until every file listed before `index` has had its turn. The files are started in
    /// listing order, so every earlier one is already running and nothing waits on a later one.
    pub async fn wait(&self, index: usize) -> Turn<'_> {
        let mut rx = self.next.subscribe();
        // The sender is `self.next`, alive while borrowed here: `wait_for` cannot see it closed.
        let _ = rx.wait_for(|next| *next >= index).await;
        Turn { turns: self, index }
    }
}

/// Held while a file decides; dropping it (also when unwinding) lets the next file go.
pub struct Turn<'a> {
    turns: &'a Turns,
    index: usize,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let after = self.index + 1;
        self.turns
            .next
            .send_modify(|next| *next = (*next).max(after));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn files_decide_in_listing_order_whoever_is_ready_first() {
        let turns = Arc::new(Turns::new());
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..6usize {
            let (turns, order) = (turns.clone(), order.clone());
            tasks.spawn(async move {
                // The later a file is listed, the sooner its "hash" is ready.
                tokio::time::sleep(Duration::from_millis(10 * (6 - i as u64))).await;
                let _turn = turns.wait(i).await;
                order.lock().expect("order").push(i);
            });
        }
        while let Some(r) = tasks.join_next().await {
            r.expect("task");
        }
        assert_eq!(*order.lock().expect("order"), vec![0, 1, 2, 3, 4, 5]);
    }

    #[tokio::test]
    async fn a_turn_dropped_by_a_panic_still_lets_the_next_file_go() {
        let turns = Arc::new(Turns::new());
        let first = {
            let turns = turns.clone();
            tokio::spawn(async move {
                let _turn = turns.wait(0).await;
                panic!("deciding failed");
            })
        };
        assert!(first.await.is_err());
        let next = tokio::time::timeout(Duration::from_secs(5), turns.wait(1)).await;
        assert!(next.is_ok(), "file 1 never got its turn");
    }
}
