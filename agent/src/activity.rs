//! Work in flight on the deliberative side, so a lockstep simulation can wait for the agent
//! to finish thinking before simulated time moves on (planning then costs no simulated time;
//! its wall time is reported). On a real robot nothing waits on this.

use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// A counter of inputs handed to the deliberative layer and not yet handled.
#[derive(Debug, Default)]
pub struct Activity {
    count: Mutex<usize>,
    idle: Condvar,
}

impl Activity {
    /// One more input in flight.
    pub fn enter(&self) {
        *self.count.lock().unwrap_or_else(|p| p.into_inner()) += 1;
    }

    /// One input handled.
    pub fn exit(&self) {
        let mut n = self.count.lock().unwrap_or_else(|p| p.into_inner());
        *n = n.saturating_sub(1);
        if *n == 0 {
            self.idle.notify_all();
        }
    }

    /// Waits until nothing is in flight, or `limit` passes; true when idle.
    pub fn wait_idle(&self, limit: Duration) -> bool {
        let n = self.count.lock().unwrap_or_else(|p| p.into_inner());
        let (n, _) = self
            .idle
            .wait_timeout_while(n, limit, |n| *n > 0)
            .unwrap_or_else(|p| p.into_inner());
        *n == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn waits_until_every_input_is_handled() {
        let a = Arc::new(Activity::default());
        a.enter();
        a.enter();
        assert!(!a.wait_idle(Duration::from_millis(10)));
        let b = a.clone();
        let t = std::thread::spawn(move || {
            b.exit();
            b.exit();
        });
        assert!(a.wait_idle(Duration::from_secs(5)));
        t.join().unwrap();
    }
}
