//! The threads that check published bundles: off the threads that answer requests, a few at a
//! time, and (on Linux) at the lowest scheduling priority, below every other thread of the
//! server.
//!
//! Validating a large bundle is hundreds of milliseconds of CPU. Run at the same priority as
//! the threads answering requests, it holds a core for whole scheduler slices, and a reader's
//! request that wakes up behind it waits for the slice to end: on the 2-core machine, a
//! reader's p99 went from under a millisecond to about 4.5 ms beside two publishers of 3 MB
//! bundles (and the same happened with the validation run as a separate process at the same
//! priority, so the wait is the scheduler's, not the server's code). At nice 19 a woken request
//! thread runs first (BENCHMARKS.md, issue 20). When the CPU is free, validation still takes
//! all of it; only under contention do publishes wait for reads, which is the order wanted.
//! The price: while the server's own request threads keep every core busy, a validation gets
//! a small share of a core (about 1.5% beside each busy nice-0 thread), so a large publish
//! may then take long enough to hit the request timeout (408, nothing stored).

use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, OnceLock, PoisonError, mpsc};

/// The nice value of the validation threads (Linux): the lowest priority, so a woken request
/// thread preempts them at once. A server already running at a lower priority keeps its own.
pub const VALIDATION_NICE: i32 = 19;

type Job = Box<dyn FnOnce() + Send>;

/// A pool of validation threads, started at first use and stopped when the last clone is
/// dropped.
#[derive(Clone)]
pub struct Validators(Arc<Inner>);

struct Inner {
    threads: usize,
    /// The queue of work and how many threads take from it.
    pool: OnceLock<(mpsc::Sender<Job>, usize)>,
}

impl std::fmt::Debug for Validators {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Validators")
            .field("threads", &self.0.threads)
            .finish()
    }
}

impl Validators {
    /// At most `threads` validations at once (at least one).
    pub fn new(threads: usize) -> Self {
        Self(Arc::new(Inner {
            threads: threads.max(1),
            pool: OnceLock::new(),
        }))
    }

    /// Runs `work` on a validation thread and returns what it returns. Work waits in line
    /// while every thread is busy. An error when the work panicked.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> anyhow::Result<T> {
        let (sender, started) = self.pool();
        if *started == 0 {
            // No thread could be started (the process is out of threads): the blocking pool.
            return Ok(tokio::task::spawn_blocking(work).await?);
        }
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            // A request that gave up meanwhile (timed out, its client gone): nothing to do.
            if !reply.is_closed() {
                let _ = reply.send(work());
            }
        });
        sender
            .send(job)
            .map_err(|_| anyhow::anyhow!("the validation threads have stopped"))?;
        answer
            .await
            .map_err(|_| anyhow::anyhow!("the validation of a publish failed (panicked)"))
    }

    fn pool(&self) -> &(mpsc::Sender<Job>, usize) {
        self.0.pool.get_or_init(|| {
            let (sender, receiver) = mpsc::channel::<Job>();
            let receiver = Arc::new(Mutex::new(receiver));
            let mut started = 0;
            for i in 0..self.0.threads {
                let receiver = receiver.clone();
                let spawned = std::thread::Builder::new()
                    .name(format!("jimu-validate-{i}"))
                    .spawn(move || {
                        lower_priority();
                        loop {
                            // The lock is held while waiting for work only, not while working.
                            let next = receiver
                                .lock()
                                .unwrap_or_else(PoisonError::into_inner)
                                .recv();
                            let Ok(job) = next else {
                                // Every sender is gone: the server has stopped.
                                return;
                            };
                            // A panic fails this job (its caller gets an error), not the thread.
                            let _ = std::panic::catch_unwind(AssertUnwindSafe(job));
                        }
                    });
                match spawned {
                    Ok(_) => started += 1,
                    Err(err) => tracing::error!(%err, "cannot start a validation thread"),
                }
            }
            (sender, started)
        })
    }
}

/// Sets this thread's nice value to [`VALIDATION_NICE`] (Linux, where the nice value is a
/// thread's own; elsewhere it is the whole process's, so nothing is changed).
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        // `None` is the calling thread on Linux (PRIO_PROCESS of tid 0).
        let now = rustix::process::getpriority_process(None).unwrap_or(0);
        let to = VALIDATION_NICE.max(now);
        match rustix::process::setpriority_process(None, to) {
            Ok(()) => tracing::debug!(nice = to, "validation thread started"),
            Err(err) => tracing::warn!(%err, "cannot lower a validation thread's priority"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_runs_on_the_validation_threads_at_a_lower_priority() {
        #[cfg(target_os = "linux")]
        let ours = rustix::process::getpriority_process(None).unwrap();
        let validators = Validators::new(2);
        let (name, nice) = validators
            .run(|| {
                let name = std::thread::current().name().map(str::to_owned);
                #[cfg(target_os = "linux")]
                let nice = rustix::process::getpriority_process(None).ok();
                #[cfg(not(target_os = "linux"))]
                let nice: Option<i32> = None;
                (name, nice)
            })
            .await
            .unwrap();
        assert!(
            name.as_deref()
                .is_some_and(|n| n.starts_with("jimu-validate-")),
            "{name:?}"
        );
        #[cfg(target_os = "linux")]
        {
            assert_eq!(nice, Some(VALIDATION_NICE.max(ours)));
            // The thread that asked (a request thread, in the server) kept its priority.
            assert_eq!(rustix::process::getpriority_process(None).ok(), Some(ours));
        }
        let _ = nice;
        // A panic fails that job only; the threads go on.
        let failed = validators.run(|| panic!("a broken validation")).await;
        assert!(failed.is_err());
        // Many at once, more than there are threads: each waits its turn.
        let handles: Vec<_> = (0..8u64)
            .map(|i| {
                let validators = validators.clone();
                tokio::spawn(async move { validators.run(move || i * 2).await.unwrap() })
            })
            .collect();
        let mut sums = 0;
        for handle in handles {
            sums += handle.await.unwrap();
        }
        assert_eq!(sums, 56);
    }

    #[tokio::test]
    async fn work_whose_request_gave_up_is_skipped() {
        use std::sync::atomic::{AtomicBool, Ordering};
        let validators = Validators::new(1);
        let (release, held) = mpsc::channel::<()>();
        let (started, busy_now) = tokio::sync::oneshot::channel::<()>();
        // The one thread is busy until released.
        let busy = tokio::spawn({
            let validators = validators.clone();
            async move {
                validators
                    .run(move || {
                        let _ = started.send(());
                        held.recv_timeout(std::time::Duration::from_secs(30))
                    })
                    .await
            }
        });
        busy_now.await.unwrap();
        let ran = Arc::new(AtomicBool::new(false));
        let waited = tokio::time::timeout(std::time::Duration::from_millis(50), {
            let ran = ran.clone();
            validators.run(move || ran.store(true, Ordering::SeqCst))
        })
        .await;
        assert!(waited.is_err(), "the queued work cannot have run yet");
        release.send(()).unwrap();
        assert!(busy.await.unwrap().unwrap().is_ok());
        // Work queued after the abandoned one runs, so that one was taken (and skipped) first.
        validators.run(|| ()).await.unwrap();
        assert!(!ran.load(Ordering::SeqCst), "work nobody waits for was run");
    }
}
