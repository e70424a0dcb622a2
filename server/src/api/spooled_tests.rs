use super::*;
use md5::{Digest, Md5};

fn spool(budget: &MemoryBudget, dir: &Path, expected: Option<u64>, chunks: &[&[u8]]) -> Spooled {
    let mut s = Spooler::new(budget, dir, expected, false).expect("spooler");
    for c in chunks {
        s.push(c).expect("push");
    }
    s.finish().expect("finish").0
}

fn bytes_of(s: &Spooled) -> Vec<u8> {
    match s {
        Spooled::Memory(b, _) => b.clone(),
        Spooled::Disk(p) => std::fs::read(p).expect("read spooled file"),
    }
}

fn files_in(dir: &Path) -> usize {
    std::fs::read_dir(dir).expect("read dir").count()
}

/// Announced length, chunks, whether the body stays in memory.
type Case = (Option<u64>, &'static [&'static [u8]], bool);

#[test]
fn where_a_body_goes() {
    let cases: [Case; 5] = [
        (Some(6), &[b"abc", b"def"], true),
        (Some(100), &[b"abc", b"def"], true),
        (None, &[b"abc", b"def"], false),
        // Over a quarter of the budget.
        (Some(300), &[b"abc"], false),
        // More than announced: moved to disk with everything so far.
        (Some(4), &[b"abc", b"def"], false),
    ];
    for (expected, chunks, in_memory) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        let budget = MemoryBudget::new(1000);
        let s = spool(&budget, dir.path(), expected, chunks);
        assert_eq!(
            matches!(s, Spooled::Memory(..)),
            in_memory,
            "{expected:?} {chunks:?}"
        );
        assert_eq!(bytes_of(&s), chunks.concat(), "{expected:?}");
        assert_eq!(files_in(dir.path()), usize::from(!in_memory));
        drop(s);
        assert_eq!(
            files_in(dir.path()),
            0,
            "a temp file is removed with its body"
        );
        assert_eq!(budget.available(), 1000, "the budget is given back");
    }
}

#[test]
fn a_spent_budget_sends_bodies_to_disk_until_given_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let budget = MemoryBudget::new(1000);
    let held: Vec<Spooled> = (0..4)
        .map(|_| spool(&budget, dir.path(), Some(250), &[b"x"]))
        .collect();
    assert!(held.iter().all(|s| matches!(s, Spooled::Memory(..))));
    assert_eq!(budget.available(), 0);
    let fifth = spool(&budget, dir.path(), Some(10), &[b"y"]);
    assert!(matches!(fifth, Spooled::Disk(_)), "no budget left");
    drop(held);
    let sixth = spool(&budget, dir.path(), Some(10), &[b"z"]);
    assert!(matches!(sixth, Spooled::Memory(..)), "budget given back");
}

#[test]
fn a_zero_budget_keeps_nothing_in_memory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let budget = MemoryBudget::new(0);
    let s = spool(&budget, dir.path(), Some(0), &[]);
    // A zero-length reservation would fit any budget; a zero budget means "always disk".
    assert!(matches!(s, Spooled::Disk(_)));
}

/// Announced length, chunks, `hash`, whether the md5 is taken while receiving.
type HashCase = (Option<u64>, &'static [&'static [u8]], bool, bool);

#[test]
fn the_md5_is_taken_when_asked_for_or_when_the_body_goes_to_disk() {
    let cases: [HashCase; 6] = [
        (Some(6), &[b"abc", b"def"], true, true),
        // In memory and not asked for: the library hashes it before processing.
        (Some(6), &[b"abc", b"def"], false, false),
        // A temp file is always hashed on the way in: hashing later would read it again.
        (None, &[b"abc", b"def"], false, true),
        (None, &[b"abc", b"def"], true, true),
        // Moved to disk halfway: what was in memory is hashed at the move.
        (Some(4), &[b"abc", b"def", b"gh"], false, true),
        (Some(4), &[b"abc", b"def", b"gh"], true, true),
    ];
    for (expected, chunks, hash, taken) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        let budget = MemoryBudget::new(1000);
        let mut s = Spooler::new(&budget, dir.path(), expected, hash).expect("spooler");
        for c in chunks {
            s.push(c).expect("push");
        }
        let (body, md5) = s.finish().expect("finish");
        let want = taken.then(|| hex::encode(Md5::digest(chunks.concat())));
        assert_eq!(md5, want, "{expected:?} {chunks:?} hash={hash}");
        assert_eq!(bytes_of(&body), chunks.concat());
    }
}
