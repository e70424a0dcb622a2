//! Files are hashed side by side, but each decides "first copy or duplicate" in the order the
//! walk listed them: of two files with the same content, the one listed first is the one
//! imported, in every run, whichever finished hashing first. Only files of the same size can
//! have the same content, so a file waits only for the earlier files of its size: a large video
//! listed first holds back nothing but files exactly as large.

use std::collections::HashMap;

use tokio::sync::watch;

/// Per file size, the rank of the next file of that size allowed to decide.
pub struct Turns {
    /// Each file's size (`None`: unknown, it waits for nobody) and rank among files of that size.
    places: Vec<(Option<u64>, usize)>,
    next: HashMap<u64, watch::Sender<usize>>,
}

impl Turns {
    /// `sizes` in listing order.
    pub fn new(sizes: impl IntoIterator<Item = Option<u64>>) -> Self {
        let mut next = HashMap::new();
        let mut seen: HashMap<u64, usize> = HashMap::new();
        let places = sizes
            .into_iter()
            .map(|size| {
                let rank = size.map_or(0, |s| {
                    next.entry(s).or_insert_with(|| watch::Sender::new(0));
                    let n = seen.entry(s).or_insert(0);
                    *n += 1;
                    *n - 1
                });
                (size, rank)
            })
            .collect();
        Turns { places, next }
    }

    /// Waits until every earlier file of the same size has had its turn. Files are started in
    /// listing order, so every earlier one is already running and nothing waits on a later one.
    /// Every started file must take its turn (and drop it), or the later ones wait forever.
    pub async fn wait(&self, index: usize) -> Turn<'_> {
        let (size, rank) = self.places.get(index).copied().unwrap_or((None, 0));
        let sender = size.and_then(|s| self.next.get(&s));
        if let Some(sender) = sender {
            let mut rx = sender.subscribe();
            // The sender lives in `self`, borrowed here: `wait_for` cannot see it closed.
            let _ = rx.wait_for(|next| *next >= rank).await;
        }
        Turn { sender, rank }
    }
}

/// Held while a file decides; dropping it (also when unwinding) lets the next file go.
pub struct Turn<'a> {
    sender: Option<&'a watch::Sender<usize>>,
    rank: usize,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        if let Some(sender) = self.sender {
            let after = self.rank + 1;
            sender.send_modify(|next| *next = (*next).max(after));
        }
    }
}

#[cfg(test)]
#[path = "turns_tests.rs"]
mod tests;
