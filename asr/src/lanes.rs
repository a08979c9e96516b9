//! The work queue in front of the engine lanes. Each lane is a thread that owns one whisper
//! state (the model is shared, read-only); windows waiting together are recognised side by
//! side, each with its lane's share of the threads, also when it is alone. The threads in
//! use never exceed the budget: whisper.cpp's workers spin while they wait for each other,
//! so a window spread over more threads than the phone gives it burns CPU without getting
//! done sooner (README, Performance).
use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, PoisonError};

pub(crate) struct WorkQueue<J> {
    inner: Mutex<Inner<J>>,
    changed: Condvar,
    threads: usize,
    lanes: usize,
}

struct Inner<J> {
    jobs: VecDeque<J>,
    /// Threads of the budget not lent to a running job.
    free: usize,
    /// Lanes running a job.
    busy: usize,
    closed: bool,
}

/// The threads lent to a lane for one job; they return to the budget on drop.
pub(crate) struct Lease<'q, J> {
    pub threads: usize,
    queue: &'q WorkQueue<J>,
}

impl<J> Drop for Lease<'_, J> {
    fn drop(&mut self) {
        let mut inner = self.queue.lock();
        inner.free += self.threads;
        inner.busy -= 1;
        self.queue.changed.notify_all();
    }
}

impl<J> WorkQueue<J> {
    /// A queue for `lanes` lanes sharing `threads` CPU threads (both at least 1).
    pub fn new(threads: usize, lanes: usize) -> WorkQueue<J> {
        let threads = threads.max(1);
        WorkQueue {
            inner: Mutex::new(Inner {
                jobs: VecDeque::new(),
                free: threads,
                busy: 0,
                closed: false,
            }),
            changed: Condvar::new(),
            threads,
            lanes: lanes.clamp(1, threads),
        }
    }

    pub fn lanes(&self) -> usize {
        self.lanes
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner<J>> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues jobs together, so lanes see them all at once and share the threads; gives
    /// them back if the queue is closed.
    pub fn push(&self, jobs: Vec<J>) -> Result<(), Vec<J>> {
        let mut inner = self.lock();
        if inner.closed {
            return Err(jobs);
        }
        inner.jobs.extend(jobs);
        self.changed.notify_all();
        Ok(())
    }

    /// Waits for the next job and the threads to run it; `None` once closed and drained.
    pub fn take(&self) -> Option<(J, Lease<'_, J>)> {
        let mut inner = self.lock();
        loop {
            if !inner.jobs.is_empty() && inner.free > 0 {
                let threads = (self.threads / self.lanes).max(1).min(inner.free);
                let job = inner.jobs.pop_front()?;
                inner.free -= threads;
                inner.busy += 1;
                return Some((
                    job,
                    Lease {
                        threads,
                        queue: self,
                    },
                ));
            }
            if inner.closed && inner.jobs.is_empty() {
                return None;
            }
            inner = self
                .changed
                .wait(inner)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    #[cfg(test)]
    pub fn queued(&self) -> usize {
        self.lock().jobs.len()
    }

    /// No more jobs will come; lanes finish what is queued and stop.
    pub fn close(&self) {
        self.lock().closed = true;
        self.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_alone_gets_its_lanes_share() {
        let q = WorkQueue::new(4, 2);
        q.push(vec![1]).unwrap();
        let (job, lease) = q.take().unwrap();
        assert_eq!((job, lease.threads), (1, 2));
        let one_lane = WorkQueue::new(2, 1);
        one_lane.push(vec![2]).unwrap();
        assert_eq!(one_lane.take().unwrap().1.threads, 2);
    }

    #[test]
    fn waiting_jobs_share_the_threads_and_never_exceed_them() {
        let q = WorkQueue::new(2, 2);
        q.push(vec![0, 1, 2]).unwrap();
        let (a, lease_a) = q.take().unwrap();
        let (b, lease_b) = q.take().unwrap();
        assert_eq!((a, lease_a.threads, b, lease_b.threads), (0, 1, 1, 1));
        drop(lease_a);
        let (c, lease_c) = q.take().unwrap();
        assert_eq!((c, lease_c.threads), (2, 1), "another lane is still busy");
    }

    #[test]
    fn a_lane_waits_while_a_job_holds_every_thread() {
        let q = std::sync::Arc::new(WorkQueue::new(2, 1));
        q.push(vec![0]).unwrap();
        let (_, first) = q.take().unwrap();
        assert_eq!(first.threads, 2);
        q.push(vec![1]).unwrap();
        let q2 = std::sync::Arc::clone(&q);
        let waiter = std::thread::spawn(move || q2.take().map(|(job, l)| (job, l.threads)));
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(!waiter.is_finished(), "no thread is free yet");
        drop(first);
        assert_eq!(waiter.join().unwrap(), Some((1, 2)));
    }

    #[test]
    fn closing_drains_then_stops_and_refuses_new_jobs() {
        let q = WorkQueue::new(1, 1);
        q.push(vec![7]).unwrap();
        q.close();
        assert_eq!(q.push(vec![8]), Err(vec![8]));
        assert_eq!(q.take().map(|(job, _)| job), Some(7));
        assert!(q.take().is_none());
    }

    #[test]
    fn lanes_never_outnumber_threads() {
        assert_eq!(WorkQueue::<()>::new(1, 2).lanes(), 1);
        assert_eq!(WorkQueue::<()>::new(0, 0).lanes(), 1);
    }
}
