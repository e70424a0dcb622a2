use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use upstage_sdk::{ErrorCode, ItemContext};

use crate::pipeline::panic_message;
use crate::{Input, ItemError, Pipeline};

/// The outcome of one item of a batch.
#[derive(Debug)]
pub struct ItemReport<T> {
    /// Position in the input list (reports arrive out of order).
    pub index: usize,
    pub client_name: String,
    pub path: Option<PathBuf>,
    pub result: Result<T, ItemError>,
    pub elapsed: Duration,
}

#[derive(Debug)]
pub struct BatchReport<T> {
    /// In input order.
    pub items: Vec<ItemReport<T>>,
    pub elapsed: Duration,
}

impl<T> BatchReport<T> {
    pub fn failed(&self) -> usize {
        self.items.iter().filter(|i| i.result.is_err()).count()
    }
}

/// Run `inputs` through `pipeline` on `workers` threads. Each finished item goes to `sink` (which
/// stores it and returns what the report keeps) before the worker takes the next input, so memory
/// holds at most `workers` items whatever the batch size. A failing or panicking item fails alone.
pub fn run_batch<T, S, P>(
    pipeline: &Pipeline,
    inputs: Vec<Input>,
    workers: usize,
    sink: S,
    progress: P,
) -> Result<BatchReport<T>, ItemError>
where
    T: Send,
    S: Fn(ItemContext) -> Result<T, ItemError> + Sync,
    P: Fn(&ItemReport<T>) + Sync,
{
    let start = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers.max(1))
        .thread_name(|i| format!("upstage-worker-{i}"))
        .build()
        .map_err(|e| ItemError::new(ErrorCode::Config, format!("cannot start workers: {e}")))?;
    let mut items: Vec<ItemReport<T>> = pool.install(|| {
        inputs
            .into_par_iter()
            .enumerate()
            // One item per task: rayon must not batch items into a worker's queue ahead of time.
            .with_max_len(1)
            .map(|(index, input)| {
                let t = Instant::now();
                let client_name = input.client_name.clone();
                let path = input.path().map(PathBuf::from);
                let result = catch_unwind(AssertUnwindSafe(|| sink(pipeline.run(input)?)))
                    .unwrap_or_else(|p| {
                        Err(ItemError::new(
                            ErrorCode::StagePanicked,
                            format!("processing crashed: {}", panic_message(&*p)),
                        ))
                    });
                let report = ItemReport {
                    index,
                    client_name,
                    path,
                    result,
                    elapsed: t.elapsed(),
                };
                progress(&report);
                report
            })
            .collect()
    });
    items.sort_by_key(|i| i.index);
    Ok(BatchReport {
        items,
        elapsed: start.elapsed(),
    })
}
