use super::*;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Runs files of `sizes`, the later listed the sooner ready, and returns the order they decided.
async fn decide(sizes: &[Option<u64>]) -> Vec<usize> {
    let n = sizes.len() as u64;
    let turns = Arc::new(Turns::new(sizes.iter().copied()));
    let order = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..sizes.len() {
        let (turns, order) = (turns.clone(), order.clone());
        tasks.spawn(async move {
            tokio::time::sleep(Duration::from_millis(50 * (n - i as u64))).await;
            let _turn = turns.wait(i).await;
            order.lock().expect("order").push(i);
        });
    }
    while let Some(r) = tasks.join_next().await {
        r.expect("task");
    }
    let order = order.lock().expect("order").clone();
    order
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_of_one_size_decide_in_listing_order_whoever_is_ready_first() {
    assert_eq!(decide(&[Some(7); 5]).await, vec![0, 1, 2, 3, 4]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_waits_only_for_earlier_files_of_its_size() {
    // Sizes 1, 2, 1, unknown, 2: the later-listed are ready first, so each size keeps its
    // own order, and the rest go as soon as they are ready.
    let order = decide(&[Some(1), Some(2), Some(1), None, Some(2)]).await;
    let pos = |i| order.iter().position(|&x| x == i).expect("decided");
    assert!(pos(0) < pos(2), "{order:?}");
    assert!(pos(1) < pos(4), "{order:?}");
    assert_eq!(order[0], 3, "an unknown size waits for nobody: {order:?}");
}

#[tokio::test]
async fn a_turn_dropped_by_a_panic_still_lets_the_next_file_go() {
    let turns = Arc::new(Turns::new([Some(3), Some(3)]));
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
