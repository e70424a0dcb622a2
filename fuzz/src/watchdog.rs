//! Hang detection: a case still running after the hang limit is a loop, not a slow parser. The
//! watchdog saves its input, says where, and aborts the process (a hung thread cannot be stopped
//! any other way). It only guards; nothing here measures or asserts how fast anything is.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Once, PoisonError};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use crate::{saved, settings};

struct Running {
    target: String,
    label: String,
    input: Arc<Vec<u8>>,
    since: Instant,
}

/// The case each test thread is running (tests of one binary run in parallel).
static RUNNING: Mutex<Option<HashMap<ThreadId, Running>>> = Mutex::new(None);
static START: Once = Once::new();

fn with_running<T>(f: impl FnOnce(&mut HashMap<ThreadId, Running>) -> T) -> T {
    let mut guard = RUNNING.lock().unwrap_or_else(PoisonError::into_inner);
    f(guard.get_or_insert_with(HashMap::new))
}

/// Marks the start of a case on this thread.
pub(crate) fn arm(target: &str, label: &str, input: Arc<Vec<u8>>) {
    START.call_once(|| {
        let limit = settings::hang_limit();
        std::thread::Builder::new()
            .name("fuzz-watchdog".into())
            .spawn(move || watch(limit))
            .expect("start the fuzz watchdog thread");
    });
    let running = Running {
        target: target.to_owned(),
        label: label.to_owned(),
        input,
        since: Instant::now(),
    };
    with_running(|m| m.insert(std::thread::current().id(), running));
}

/// Marks the end of this thread's case.
pub(crate) fn disarm() {
    with_running(|m| m.remove(&std::thread::current().id()));
}

fn watch(limit: Duration) {
    loop {
        std::thread::sleep(Duration::from_secs(1));
        with_running(|m| {
            if let Some(r) = m.values().find(|r| r.since.elapsed() > limit) {
                let path = saved::write(&r.target, "hang", &r.input);
                eprintln!(
                    "fuzz {}: a case ran for more than {}s (hang); input ({} bytes) saved to {}\n{}",
                    r.target,
                    limit.as_secs(),
                    r.input.len(),
                    path.display(),
                    r.label
                );
                std::process::abort();
            }
        });
    }
}
