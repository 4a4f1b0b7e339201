//! The coverage grid's work — tracing each camera look through the map, cell by cell — on a
//! worker thread, so the control thread only controls: each tick hands the work perception
//! met to a bounded queue and takes whatever grid the worker has finished. A skill then reads
//! a grid a look or two behind, which a search does not notice (it picks viewpoints by what
//! whole stretches of floor have shown). Lockstepped runs mark in the tick instead,
//! deterministically, as they choose search viewpoints in the tick.

use std::collections::VecDeque;
use std::sync::Arc;
use std::thread::JoinHandle;

use arc_swap::ArcSwapOption;
use crossbeam_channel::{Sender, TrySendError};
use embodia_perception::{CoverageJob, SeenGrid};

/// Jobs waiting for the worker at most (about 13 s of looks from a 10 Hz camera).
pub const QUEUE: usize = 128;

/// The worker, as the control thread holds it.
pub struct CoverageWorker {
    jobs: Option<Sender<CoverageJob>>,
    latest: Arc<ArcSwapOption<SeenGrid>>,
    handover: Handover,
    thread: Option<JoinHandle<()>>,
}

impl CoverageWorker {
    /// Starts the worker thread (at background priority), with no grid until a map comes.
    pub fn start() -> std::io::Result<Self> {
        let (tx, rx) = crossbeam_channel::bounded::<CoverageJob>(QUEUE);
        let latest = Arc::new(ArcSwapOption::empty());
        let out = latest.clone();
        let thread = std::thread::Builder::new()
            .name("embodia-coverage".into())
            .spawn(move || {
                crate::priority::background_thread();
                let mut seen = None;
                while let Ok(job) = rx.recv() {
                    job.apply(&mut seen);
                    // What queued meanwhile too, then one grid out for all of it.
                    while let Ok(job) = rx.try_recv() {
                        job.apply(&mut seen);
                    }
                    out.store(seen.clone());
                }
            })?;
        Ok(Self {
            jobs: Some(tx),
            latest,
            handover: Handover::default(),
            thread: Some(thread),
        })
    }

    /// Hands `jobs` over without waiting (see [`Handover::send`]).
    pub fn send(&mut self, jobs: Vec<CoverageJob>) {
        if let Some(tx) = &self.jobs {
            self.handover.send(tx, jobs);
        }
    }

    /// The grid as the worker has it now (none before the first map).
    pub fn latest(&self) -> Option<Arc<SeenGrid>> {
        self.latest.load_full()
    }

    /// Looks dropped because the queue was full.
    pub fn dropped_looks(&self) -> u64 {
        self.handover.dropped_looks
    }
}

impl Drop for CoverageWorker {
    fn drop(&mut self) {
        self.jobs = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The control thread's side of the queue: never waits, keeps the order.
#[derive(Debug, Default)]
struct Handover {
    /// Map changes and clock jumps a full queue did not take yet: sent first next time.
    backlog: VecDeque<CoverageJob>,
    dropped_looks: u64,
}

impl Handover {
    /// Sends the backlog, then `jobs`, in order, until the queue is full. After that the
    /// rest waits for the next call — except looks, which are dropped: a look left unmarked
    /// only makes a search look there again, while a map change or clock jump lost would
    /// leave the grid wrong.
    fn send(&mut self, tx: &Sender<CoverageJob>, jobs: Vec<CoverageJob>) {
        let mut full = false;
        let pending: Vec<CoverageJob> = self.backlog.drain(..).chain(jobs).collect();
        for job in pending {
            let job = if full {
                job
            } else {
                match tx.try_send(job) {
                    Ok(()) => continue,
                    Err(TrySendError::Full(job)) => {
                        full = true;
                        job
                    }
                    // The worker is gone (shutting down): nothing to keep.
                    Err(TrySendError::Disconnected(_)) => return,
                }
            };
            match job {
                CoverageJob::Look { .. } => {
                    if self.dropped_looks == 0 {
                        tracing::warn!(
                            queue = QUEUE,
                            "the coverage worker is behind; dropping camera looks (a search may look at some floor again)"
                        );
                    }
                    self.dropped_looks += 1;
                }
                other => self.backlog.push_back(other),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use embodia_perception::ViewCone;
    use embodia_ros::msg::nav_msgs::{MapMetaData, OccupancyGrid};
    use embodia_world::V2;

    use super::*;

    fn map() -> Arc<OccupancyGrid> {
        Arc::new(OccupancyGrid {
            info: MapMetaData {
                resolution: 0.1,
                width: 100,
                height: 100,
                ..Default::default()
            },
            data: vec![0; 10_000],
            ..Default::default()
        })
    }

    fn look(map: &Arc<OccupancyGrid>, stamp_ns: i64) -> CoverageJob {
        CoverageJob::Look {
            map: map.clone(),
            eye: V2::new(5.0, 5.0),
            heading: stamp_ns as f64,
            cone: ViewCone::default(),
            stamp_ns,
        }
    }

    #[test]
    fn the_worker_marks_what_the_control_thread_hands_it_as_marking_in_place_would() {
        let m = map();
        let jobs = vec![
            CoverageJob::Map(m.clone()),
            look(&m, 1),
            look(&m, 2),
            CoverageJob::ForgetAfter(1),
            look(&m, 3),
        ];
        let mut in_place = None;
        for j in jobs.clone() {
            j.apply(&mut in_place);
        }
        let mut worker = CoverageWorker::start().unwrap();
        worker.send(jobs);
        let until = Instant::now() + Duration::from_secs(10);
        while worker.latest() != in_place && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(worker.latest(), in_place);
        assert_eq!(worker.dropped_looks(), 0);
    }

    #[test]
    fn a_full_queue_drops_looks_but_keeps_map_changes_and_clock_jumps_in_order() {
        let m = map();
        let (tx, rx) = crossbeam_channel::bounded(2);
        let mut h = Handover::default();
        h.send(
            &tx,
            vec![
                look(&m, 1),
                CoverageJob::Map(m.clone()),
                look(&m, 2),
                CoverageJob::ForgetAfter(7),
                look(&m, 3),
            ],
        );
        assert_eq!(h.dropped_looks, 2, "the looks after the queue filled");
        let got: Vec<_> = rx.try_iter().collect();
        assert!(matches!(
            got.as_slice(),
            [CoverageJob::Look { stamp_ns: 1, .. }, CoverageJob::Map(_)]
        ));
        // The next tick sends the clock jump first, then its own work.
        h.send(&tx, vec![look(&m, 4)]);
        let got: Vec<_> = rx.try_iter().collect();
        assert!(matches!(
            got.as_slice(),
            [
                CoverageJob::ForgetAfter(7),
                CoverageJob::Look { stamp_ns: 4, .. }
            ]
        ));
        assert!(h.backlog.is_empty());
    }
}
