use std::sync::Arc;

use md5::{Digest, Md5};
use upstage_core::Input;

use super::{lock, Md5Queue, Promise, Ticket};

/// The reference md5 (RustCrypto's), to check the SIMD passes against.
fn oracle(bytes: &[u8]) -> String {
    hex::encode(Md5::digest(bytes))
}

/// Bodies of lengths around the 64-byte block and its padding boundary, and larger ones.
fn body(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

fn queued(q: &Arc<Md5Queue>, input: Input) -> Ticket {
    q.enqueue(input).expect("an input in memory")
}

const LENGTHS: [usize; 12] = [0, 1, 55, 56, 63, 64, 65, 119, 120, 4096, 100_003, 1 << 20];

#[test]
fn a_lone_claim_hashes_its_own_body() {
    let q = Md5Queue::new();
    for len in LENGTHS {
        let bytes = body(len, 7);
        let (input, md5) = queued(&q, Input::from_bytes("a.jpg", bytes.clone())).claim();
        assert_eq!(md5, oracle(&bytes), "length {len}");
        assert_eq!(input.bytes(), Some(&bytes[..]));
        assert_eq!(input.client_name, "a.jpg");
        assert_eq!(q.len(), 0);
    }
}

#[test]
fn one_pass_hashes_every_body_waiting_and_hands_each_its_input_back_uncopied() {
    let q = Md5Queue::new();
    let bodies: Vec<Vec<u8>> = LENGTHS.iter().map(|&len| body(len, len as u8)).collect();
    let tickets: Vec<_> = bodies
        .iter()
        .map(|b| {
            let t = queued(&q, Input::from_bytes("x", b.clone()));
            let ptr = t.entry.input.bytes().map(<[u8]>::as_ptr);
            (t, ptr)
        })
        .collect();
    let lanes = q.engine.lanes();
    let mut claimed = 0;
    for ((ticket, ptr), want) in tickets.into_iter().zip(&bodies) {
        let (input, md5) = ticket.claim();
        claimed += 1;
        assert_eq!(md5, oracle(want));
        assert_eq!(
            input.bytes().map(<[u8]>::as_ptr),
            ptr,
            "the body was copied"
        );
        if claimed == 1 {
            // The first claim took the others into its pass, up to the lanes there are.
            assert_eq!(q.len(), LENGTHS.len().saturating_sub(lanes));
        }
    }
    assert_eq!(q.len(), 0);
}

#[test]
fn a_pass_takes_the_oldest_others_and_no_more_than_the_lanes() {
    let q = Md5Queue::new();
    let lanes = q.engine.lanes();
    let tickets: Vec<_> = (0..lanes + 3)
        .map(|i| queued(&q, Input::from_bytes(i.to_string(), body(300, i as u8))))
        .collect();
    let mut tickets = tickets.into_iter();
    let last = tickets.next_back().expect("tickets");
    let (_, md5) = last.claim();
    assert_eq!(md5, oracle(&body(300, (lanes + 2) as u8)));
    // The claimer and the lanes - 1 oldest went; the three newest others wait.
    let left: Vec<String> = lock(&q.waiting)
        .iter()
        .map(|e| e.input.client_name.clone())
        .collect();
    assert_eq!(left, [lanes - 1, lanes, lanes + 1].map(|i| i.to_string()));
    for (i, t) in tickets.enumerate() {
        assert_eq!(t.claim().1, oracle(&body(300, i as u8)));
    }
}

#[test]
fn a_ticket_dropped_unclaimed_leaves_the_queue() {
    let q = Md5Queue::new();
    let kept = queued(&q, Input::from_bytes("kept", body(10, 1)));
    let gone = queued(&q, Input::from_bytes("gone", body(10, 2)));
    assert_eq!(q.len(), 2);
    drop(gone);
    assert_eq!(q.len(), 1);
    assert_eq!(kept.claim().1, oracle(&body(10, 1)));
}

#[test]
fn a_ticket_dropped_while_its_pass_runs_costs_the_others_nothing() {
    let q = Md5Queue::new();
    let kept = queued(&q, Input::from_bytes("a", body(1000, 1)));
    let dropped = queued(&q, Input::from_bytes("b", body(1000, 2)));
    // A pass takes both; the second request goes away before it ends.
    let taken: Vec<_> = lock(&q.waiting).drain(..).collect();
    drop(dropped);
    assert_eq!(q.len(), 0);
    q.hash_pass(taken);
    assert_eq!(kept.claim().1, oracle(&body(1000, 1)));
}

#[test]
fn a_worker_already_waiting_on_a_pass_wakes_with_its_md5() {
    let q = Md5Queue::new();
    let ticket = queued(&q, Input::from_bytes("a", body(70_000, 4)));
    let taken: Vec<_> = lock(&q.waiting).drain(..).collect();
    let waiter = std::thread::spawn(move || ticket.claim());
    // Most likely blocked on the slot by then; the result must not depend on it.
    std::thread::sleep(std::time::Duration::from_millis(50));
    q.hash_pass(taken);
    let (input, md5) = waiter.join().expect("claim");
    assert_eq!(md5, oracle(&body(70_000, 4)));
    assert_eq!(input.bytes(), Some(&body(70_000, 4)[..]));
}

#[test]
fn a_path_is_not_queued() {
    let q = Md5Queue::new();
    let back = q.enqueue(Input::from_path("some/photo.jpg"));
    assert!(matches!(back, Err(input) if input.path().is_some()));
    assert_eq!(q.len(), 0);
}

#[test]
fn an_input_no_pass_took_is_taken_back_whole() {
    let q = Md5Queue::new();
    let mine = queued(&q, Input::from_bytes("a", body(100, 5)));
    let other = queued(&q, Input::from_bytes("b", body(100, 6)));
    let ptr = mine.entry.input.bytes().map(<[u8]>::as_ptr);
    let input = mine
        .take_back()
        .map_err(|_| "taken")
        .expect("still waiting");
    assert_eq!(
        input.bytes().map(<[u8]>::as_ptr),
        ptr,
        "the body was copied"
    );
    assert_eq!(q.len(), 1);
    // Once a pass has it, the ticket is handed back to be claimed.
    let taken: Vec<_> = lock(&q.waiting).drain(..).collect();
    let other = other.take_back().expect_err("taken by the pass");
    q.hash_pass(taken);
    assert_eq!(other.claim().1, oracle(&body(100, 6)));
}

#[test]
fn passes_over_random_lengths_match_the_reference() {
    let q = Md5Queue::new();
    let lanes = q.engine.lanes();
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move |below: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % below
    };
    for round in 0..150 {
        let n = 1 + next(2 * lanes as u64 + 1) as usize;
        let bodies: Vec<Vec<u8>> = (0..n)
            .map(|i| {
                // Mostly short (every padding case), now and then long.
                let len = if next(8) == 0 {
                    next(200_000)
                } else {
                    next(300)
                };
                body(len as usize, (round + i) as u8)
            })
            .collect();
        let mut tickets: Vec<_> = bodies
            .iter()
            .map(|b| queued(&q, Input::from_bytes("r", b.clone())))
            .collect();
        // Claimed from the newest: its pass takes the oldest others.
        while let Some(t) = tickets.pop() {
            let want = &bodies[tickets.len()];
            assert_eq!(
                t.claim().1,
                oracle(want),
                "round {round}, length {}",
                want.len()
            );
        }
        assert_eq!(q.len(), 0);
    }
}

#[test]
fn an_abandoned_pass_leaves_each_body_to_hash_itself() {
    let q = Md5Queue::new();
    let ticket = queued(&q, Input::from_bytes("a", body(5000, 3)));
    // A pass that takes the body and ends without its md5 (as a panic would end it).
    let taken: Vec<_> = lock(&q.waiting).drain(..).collect();
    let promise = Promise(taken.iter().map(|e| Arc::clone(&e.md5)).collect());
    drop(taken);
    drop(promise);
    let (input, md5) = ticket.claim();
    assert_eq!(md5, oracle(&body(5000, 3)));
    assert_eq!(input.bytes(), Some(&body(5000, 3)[..]));
}

#[test]
fn workers_claiming_at_once_each_get_their_own_md5() {
    let q = Md5Queue::new();
    let threads: Vec<_> = (0..48usize)
        .map(|i| {
            let q = Arc::clone(&q);
            std::thread::spawn(move || {
                let bytes = body(LENGTHS[i % LENGTHS.len()] + i, i as u8);
                let ticket = queued(&q, Input::from_bytes(i.to_string(), bytes.clone()));
                std::thread::yield_now();
                let (input, md5) = ticket.claim();
                assert_eq!(md5, oracle(&bytes), "body {i}");
                assert_eq!(input.bytes(), Some(&bytes[..]), "body {i}");
            })
        })
        .collect();
    for t in threads {
        t.join().expect("a claim failed");
    }
    assert_eq!(q.len(), 0);
}
