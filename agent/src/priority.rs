//! Thread priorities: the control loop must not wait for the CPU behind planning, embedding or
//! memory ingest. On a two-core robot computer, background work at the same priority can delay
//! a control tick by milliseconds (measured: p99 from 63 us to 4.9 ms under flat-out ingest).

use std::sync::Once;

use thread_priority::{
    NormalThreadSchedulePolicy, RealtimeThreadSchedulePolicy, ThreadPriority, ThreadPriorityValue,
    ThreadSchedulePolicy, set_thread_priority_and_policy, thread_native_id,
};

/// Crossplatform priority for background threads: about nice 9 on Linux.
const BACKGROUND: u8 = 25;
/// Crossplatform priority for the control thread under SCHED_FIFO (mid-range, below the
/// kernel's own real-time threads and below drivers that may run at 80-99).
const CONTROL: u8 = 50;

/// Runs the calling thread under SCHED_FIFO. Needs CAP_SYS_NICE or an rtprio limit; without
/// them the thread stays at normal priority and this says so once.
pub fn control_thread() -> bool {
    let priority = ThreadPriorityValue::try_from(CONTROL).map(ThreadPriority::Crossplatform);
    let result = priority.map_err(|e| e.to_string()).and_then(|p| {
        set_thread_priority_and_policy(
            thread_native_id(),
            p,
            ThreadSchedulePolicy::Realtime(RealtimeThreadSchedulePolicy::Fifo),
        )
        .map_err(|e| format!("{e:?}"))
    });
    if let Err(e) = &result {
        static WARN: Once = Once::new();
        WARN.call_once(|| {
            tracing::warn!(
                error = %e,
                "the control thread runs at normal priority; for real-time scheduling grant CAP_SYS_NICE \
                 (setcap cap_sys_nice+ep) or an rtprio limit (/etc/security/limits.conf)"
            )
        });
    }
    result.is_ok()
}

/// Lowers the calling thread's priority (nice ~9): for planning, embedding and memory ingest.
pub fn background_thread() {
    if let Ok(p) = ThreadPriorityValue::try_from(BACKGROUND) {
        let normal = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Other);
        if let Err(e) = set_thread_priority_and_policy(
            thread_native_id(),
            ThreadPriority::Crossplatform(p),
            normal,
        ) {
            tracing::debug!(error = ?e, "could not lower a background thread's priority");
        }
    }
}
