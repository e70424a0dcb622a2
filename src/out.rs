//! Lines on stdout for every command. `println!` panics when the reader has gone away
//! (`upstage process --json … | head -1`); here a closed pipe is an answer, not a crash: the
//! command stops printing and finishes its work, as `upstage upload` does.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `text` and a newline to stdout, unless stdout could not be written before.
pub fn line(text: std::fmt::Arguments<'_>) {
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{text}").and_then(|()| out.flush()).is_err() {
        CLOSED.store(true, Ordering::Relaxed);
    }
}

/// `println!` that survives a closed stdout (see [`line`]).
#[macro_export]
macro_rules! outln {
    () => {
        $crate::out::line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::out::line(format_args!($($arg)*))
    };
}
