use std::sync::Arc;

use md5::{Digest, Md5};
use upstage_core::Input;

use super::{lock, Md5Queue, Promise};

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

const LENGTHS: [usize; 12] = [0, 1, 55, 56, 63, 64, 65, 119, 120, 4096, 100_003, 1 << 20];

#[test]
fn a_lone_claim_hashes_its_own_body() {
    let q = Md5Queue::new();
    for len in LENGTHS {
        let bytes = body(len, 7);
        let (input, md5) = q.enqueue(Input::from_bytes("a.jpg", bytes.clone())).claim();
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
            let t = q.enqueue(Input::from_bytes("x", b.clone()));
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
        .map(|i| q.enqueue(Input::from_bytes(i.to_string(), body(300, i as u8))))
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
    let kept = q.enqueue(Input::from_bytes("kept", body(10, 1)));
    let gone = q.enqueue(Input::from_bytes("gone", body(10, 2)));
    assert_eq!(q.len(), 2);
    drop(gone);
    assert_eq!(q.len(), 1);
    assert_eq!(kept.claim().1, oracle(&body(10, 1)));
}

#[test]
fn a_ticket_dropped_while_its_pass_runs_costs_the_others_nothing() {
    let q = Md5Queue::new();
    let first = q.enqueue(Input::from_bytes("a", body(1000, 1)));
    let dropped = q.enqueue(Input::from_bytes("b", body(1000, 2)));
    // Taken into a pass, then its request is gone before the pass ends.
    let (_, md5) = first.claim();
    drop(dropped);
    assert_eq!(md5, oracle(&body(1000, 1)));
    assert_eq!(q.len(), 0);
}

#[test]
fn an_abandoned_pass_leaves_each_body_to_hash_itself() {
    let q = Md5Queue::new();
    let ticket = q.enqueue(Input::from_bytes("a", body(5000, 3)));
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
                let ticket = q.enqueue(Input::from_bytes(i.to_string(), bytes.clone()));
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
