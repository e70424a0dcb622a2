//! The two ways a batch holds: an unreachable server pauses it (files go back to the queue, one
//! probes later), a refused key stops it (the queue is cancelled, with the reason).

use std::time::{Duration, Instant};

use super::{Event, ItemId, Outage, Scheduler, Status, UploadError};

impl Scheduler {
    /// Not a failure: the file goes back to the front of the queue and the batch waits.
    pub(super) fn unreachable(&mut self, id: ItemId, error: UploadError) {
        self.set(id, Status::Queued);
        self.pending.push_front(id);
        self.emit(Event::Requeued { id });
        let now = Instant::now();
        match &mut self.outage {
            Some(o) if o.probe == Some(id) => o.probe_failed(error, now),
            Some(_) => return,
            None => self.outage = Some(Outage::new(error, now)),
        }
        self.count_down();
    }

    /// Cancel everything queued and say why (files in flight finish).
    pub(super) fn stop(&mut self, error: UploadError) {
        for id in std::mem::take(&mut self.pending) {
            self.set(id, Status::Cancelled);
            self.emit(Event::Cancelled { id });
        }
        self.emit(Event::Stopped { error });
    }

    pub(super) fn count_down(&mut self) {
        if let Some(o) = &self.outage {
            let left = o.left(Instant::now());
            if o.probe.is_none() {
                self.emit(Event::Unreachable {
                    next_try_in: Duration::from_secs(left.as_secs_f64().round() as u64),
                    error: o.error.clone(),
                });
            }
        }
    }
}
