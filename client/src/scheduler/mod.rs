//! The queue: which file goes next, how many run at once, pause, cancel and retry. It owns every
//! item's state; workers only report progress and their outcome.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, watch};
use tokio::task::AbortHandle;

mod admit;
mod halt;

use super::outage::Outage;
use super::worker::{self, Job, Outcome};
use super::{
    check, BatchOptions, Command, Event, ItemId, Journal, RetryPolicy, Target, UploadError,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Queued,
    Running,
    Done,
    Failed,
    Cancelled,
    Refused,
}

pub(super) struct Scheduler {
    pub target: Arc<Target>,
    pub journal: Option<Arc<Journal>>,
    pub retry: RetryPolicy,
    pub max_bytes: u64,
    pub workers: usize,
    pub events: mpsc::UnboundedSender<Event>,
    items: Vec<(PathBuf, Status)>,
    /// Absolute paths already queued: adding a folder twice adds its files once.
    seen: HashSet<PathBuf>,
    outage: Option<Outage>,
    pending: VecDeque<ItemId>,
    running: HashMap<ItemId, AbortHandle>,
    options: Option<Arc<BatchOptions>>,
    paused: watch::Sender<bool>,
    idle_sent: bool,
}

impl Scheduler {
    pub fn new(
        target: Arc<Target>,
        journal: Option<Arc<Journal>>,
        retry: RetryPolicy,
        max_bytes: u64,
        workers: usize,
        events: mpsc::UnboundedSender<Event>,
    ) -> Scheduler {
        Scheduler {
            target,
            journal,
            retry,
            max_bytes,
            workers: workers.clamp(1, super::MAX_WORKERS),
            events,
            items: Vec::new(),
            seen: HashSet::new(),
            outage: None,
            pending: VecDeque::new(),
            running: HashMap::new(),
            options: None,
            paused: watch::channel(false).0,
            idle_sent: false,
        }
    }

    pub async fn run(mut self, mut commands: mpsc::UnboundedReceiver<Command>) {
        let (done_tx, mut done_rx) = mpsc::unbounded_channel::<(ItemId, Outcome)>();
        let mut open = true;
        loop {
            self.fill(&done_tx);
            self.maybe_idle();
            if !open
                && self.running.is_empty()
                && (self.pending.is_empty() || self.options.is_none())
            {
                break;
            }
            // While the server is unreachable: count down every second, then probe.
            let tick = tokio::time::sleep(Duration::from_secs(1));
            tokio::select! {
                () = tick, if self.outage.is_some() => self.count_down(),
                cmd = commands.recv(), if open => match cmd {
                    Some(c) => self.command(c).await,
                    None => open = false,
                },
                Some((id, outcome)) = done_rx.recv() => self.finished(id, outcome),
            }
        }
    }

    fn emit(&self, e: Event) {
        let _ = self.events.send(e);
    }

    fn set(&mut self, id: ItemId, s: Status) {
        if let Some(item) = self.items.get_mut(id) {
            item.1 = s;
        }
    }

    fn status(&self, id: ItemId) -> Option<Status> {
        self.items.get(id).map(|i| i.1)
    }

    fn queue(&mut self, id: ItemId) {
        self.set(id, Status::Queued);
        self.pending.push_back(id);
        self.idle_sent = false;
    }

    async fn command(&mut self, c: Command) {
        match c {
            Command::Add(paths) => self.add(paths).await,
            Command::Start(opts) => {
                self.idle_sent = false;
                match self.target.prepare(opts.normalized()).await {
                    Ok(o) => self.options = Some(Arc::new(o)),
                    Err(error) => {
                        self.options = Some(Arc::new(opts));
                        self.stop(error);
                    }
                }
            }
            Command::SetWorkers(n) => {
                self.workers = n.clamp(1, super::MAX_WORKERS);
                self.emit(Event::Workers(self.workers));
            }
            Command::Pause | Command::Resume => {
                let p = matches!(c, Command::Pause);
                self.paused.send_replace(p);
                self.emit(Event::Paused(p));
            }
            Command::Cancel(id) => self.cancel(id),
            Command::Drain => {
                for id in std::mem::take(&mut self.pending) {
                    self.set(id, Status::Cancelled);
                    self.emit(Event::Cancelled { id });
                }
            }
            Command::Retry(id) => self.retry(id, &[Status::Failed, Status::Cancelled]),
            Command::RetryFailed => self.retry_where(&[Status::Failed]),
            Command::RetryAll => self.retry_where(&[Status::Failed, Status::Cancelled]),
        }
    }

    fn cancel(&mut self, id: ItemId) {
        match self.status(id) {
            Some(Status::Running) => {
                if let Some(h) = self.running.remove(&id) {
                    h.abort();
                }
                if let Some(o) = self.outage.as_mut().filter(|o| o.probe == Some(id)) {
                    o.probe = None;
                }
            }
            Some(Status::Queued) => self.pending.retain(|p| *p != id),
            _ => return,
        }
        self.set(id, Status::Cancelled);
        self.emit(Event::Cancelled { id });
    }

    fn retry(&mut self, id: ItemId, from: &[Status]) {
        if self.status(id).is_some_and(|s| from.contains(&s)) {
            self.queue(id);
            self.emit(Event::Requeued { id });
        }
    }

    fn retry_where(&mut self, from: &[Status]) {
        for id in 0..self.items.len() {
            self.retry(id, from);
        }
    }

    fn fill(&mut self, done: &mpsc::UnboundedSender<(ItemId, Outcome)>) {
        let Some(options) = self.options.clone() else {
            return;
        };
        let now = Instant::now();
        while self.running.len() < self.workers && !*self.paused.borrow() {
            // During an outage only the probe goes out.
            let probing = match &self.outage {
                None => false,
                Some(o) if o.due(now) => true,
                Some(_) => break,
            };
            let Some(id) = self.pending.pop_front() else {
                break;
            };
            if probing {
                if let Some(o) = self.outage.as_mut() {
                    o.probe = Some(id);
                }
            }
            let Some((path, _)) = self.items.get(id).cloned() else {
                continue;
            };
            self.set(id, Status::Running);
            let job = Job {
                id,
                path,
                options: options.clone(),
                target: self.target.clone(),
                journal: self.journal.clone(),
                retry: self.retry,
                paused: self.paused.subscribe(),
                events: self.events.clone(),
            };
            let done = done.clone();
            let handle = tokio::spawn(async move {
                let outcome = worker::run(job).await;
                let _ = done.send((id, outcome));
            });
            self.running.insert(id, handle.abort_handle());
        }
    }

    fn finished(&mut self, id: ItemId, outcome: Outcome) {
        // A file cancelled after its result was sent: the cancel stands.
        if self.running.remove(&id).is_none() {
            return;
        }
        if let Err(error @ UploadError::Unreachable { .. }) = outcome {
            self.unreachable(id, error);
            return;
        }
        if self.outage.take().is_some() {
            self.emit(Event::Reachable);
        }
        match outcome {
            Ok((links, true, _)) => {
                self.set(id, Status::Done);
                self.emit(Event::Skipped { id, links });
            }
            Ok((links, false, processing)) => {
                self.set(id, Status::Done);
                self.emit(Event::Done {
                    id,
                    links,
                    processing,
                });
            }
            Err(error) => {
                self.set(id, Status::Failed);
                let auth = error.is_auth();
                self.emit(Event::Failed {
                    id,
                    error: error.clone(),
                });
                if auth {
                    self.stop(error);
                }
            }
        }
    }

    fn maybe_idle(&mut self) {
        if self.options.is_some()
            && !self.idle_sent
            && self.running.is_empty()
            && self.pending.is_empty()
        {
            self.idle_sent = true;
            self.emit(Event::Idle);
        }
    }
}
