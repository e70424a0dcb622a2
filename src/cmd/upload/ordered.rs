//! Script output in input order: a file's line waits until every file before it has its line,
//! so `upstage upload … | head -1` is always the first file, whatever finished first.

use std::collections::BTreeMap;
use std::io::Write;

use upstage_client::ItemId;

pub struct Ordered {
    next: ItemId,
    /// Lines of files that finished early; `None` for a file with nothing to print.
    waiting: BTreeMap<ItemId, Option<String>>,
    /// stdout was closed (a pipe's reader left): the batch goes on, silently.
    pub closed: bool,
}

impl Ordered {
    pub fn new() -> Ordered {
        Ordered {
            next: 0,
            waiting: BTreeMap::new(),
            closed: false,
        }
    }

    /// File `id` is settled; print every line now in order.
    pub fn settle(&mut self, id: ItemId, line: Option<String>, out: &mut impl Write) {
        self.waiting.insert(id, line);
        while let Some(line) = self.waiting.remove(&self.next) {
            self.next += 1;
            if let Some(l) = line {
                self.print(&l, out);
            }
        }
    }

    /// Print now (lines that belong to no file: the summary).
    pub fn print(&mut self, line: &str, out: &mut impl Write) {
        if self.closed {
            return;
        }
        // A closed pipe is an answer, not a crash: stop printing, keep uploading.
        if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
            self.closed = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that takes `room` lines, then fails like a closed pipe.
    struct Pipe {
        text: String,
        room: usize,
    }

    impl Pipe {
        fn lines(&self) -> Vec<&str> {
            self.text.lines().collect()
        }
    }

    impl Write for Pipe {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.text.matches('\n').count() >= self.room {
                return Err(std::io::ErrorKind::BrokenPipe.into());
            }
            self.text.push_str(&String::from_utf8_lossy(buf));
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn input_order_whatever_the_finishing_order_and_a_closed_pipe_is_quiet() {
        let mut o = Ordered::new();
        let mut p = Pipe {
            text: String::new(),
            room: 3,
        };
        o.settle(2, Some("c".into()), &mut p);
        o.settle(1, None, &mut p);
        assert!(p.text.is_empty(), "waits for file 0");
        o.settle(0, Some("a".into()), &mut p);
        assert_eq!(p.lines(), ["a", "c"]);
        o.settle(3, Some("d".into()), &mut p);
        o.settle(4, Some("e".into()), &mut p);
        assert_eq!(p.lines(), ["a", "c", "d"]);
        assert!(o.closed);
        o.print("summary", &mut p);
        assert_eq!(p.lines().len(), 3);
    }
}
