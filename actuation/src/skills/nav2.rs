//! `navigate_to` through Nav2: the goal pose is chosen as the built-in navigation chooses it
//! (the place's or object's reachable spot on the costmap), then handed to Nav2's
//! `navigate_to_pose` action; Nav2 plans and its controller computes the velocity.
//!
//! **Where the gate sits.** Nav2's controller output is remapped to a topic only the agent
//! reads (`/cmd_vel_nav` by default). While a Nav2 goal runs, the newest command from it is
//! this skill's command, so it passes the same safety gate as every other skill's before the
//! gate alone publishes `/cmd_vel` — the place Nav2's own collision monitor takes. A command
//! older than [`STALE_NS`] counts as none (zero), so a silent controller stops the robot.

use std::sync::Mutex;

use embodia_ros::Subscription;
use embodia_ros::action::{ActionClient, ClientCommand, ClientEvent, GoalEnd};
use embodia_ros::msg::builtin_interfaces::Time;
use embodia_ros::msg::geometry_msgs::{Pose, PoseStamped, Twist};
use embodia_ros::msg::nav2_msgs::{
    NavigateToPose, NavigateToPoseFeedback, NavigateToPoseGoal, NavigateToPoseResult,
};
use embodia_ros::msg::std_msgs::Header;

/// A velocity command from Nav2's controller older than this is no command, ns.
pub const STALE_NS: i64 = 500_000_000;

/// The agent's link to Nav2: the action client and Nav2's velocity output.
pub struct Nav2Link {
    client: ActionClient<NavigateToPose>,
    velocity: Subscription<Twist>,
    frame: String,
    state: Mutex<LinkState>,
}

#[derive(Default)]
struct LinkState {
    next_tag: u64,
    /// The newest controller command and when it arrived (robot clock), ns.
    newest: Option<(f64, f64, i64)>,
}

impl std::fmt::Debug for Nav2Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Nav2Link")
            .field("action", &self.client.name())
            .field("velocity", &self.velocity.topic())
            .finish()
    }
}

/// What a Nav2 goal did since last asked.
pub type Nav2Event = ClientEvent<NavigateToPoseFeedback, NavigateToPoseResult>;

impl Nav2Link {
    /// A link over `client`, reading Nav2's velocity from `velocity`; goals are posed in
    /// `frame` (`map`).
    pub fn new(
        client: ActionClient<NavigateToPose>,
        velocity: Subscription<Twist>,
        frame: &str,
    ) -> Self {
        Self {
            client,
            velocity,
            frame: frame.to_owned(),
            state: Mutex::new(LinkState::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, LinkState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sends a goal to reach (x, y) facing `yaw`; its tag, or none if the client stopped.
    pub fn send(&self, x: f64, y: f64, yaw: f64, now_ns: i64) -> Option<u64> {
        let tag = {
            let mut s = self.state();
            s.next_tag += 1;
            s.newest = None;
            s.next_tag
        };
        // A command left from an earlier goal is not this goal's.
        let _ = self.velocity.latest();
        let goal = NavigateToPoseGoal {
            pose: PoseStamped {
                header: Header::new(Time::from_nanos(now_ns), self.frame.clone()),
                pose: Pose::planar(x, y, yaw),
            },
            behavior_tree: String::new(),
        };
        self.client
            .command(ClientCommand::Send { tag, goal })
            .then_some(tag)
    }

    /// Cancels the goal `tag` if it is still open.
    pub fn cancel(&self, tag: u64) {
        let _ = self.client.command(ClientCommand::Cancel { tag });
    }

    /// Events of the goal `tag` since last asked (other goals' are dropped).
    pub fn events(&self, tag: u64) -> Vec<Nav2Event> {
        self.client
            .events()
            .try_iter()
            .filter(|e| event_tag(e) == tag)
            .collect()
    }

    /// Nav2's newest velocity command (v, w) at `now_ns`; zero when none is fresh.
    pub fn velocity(&self, now_ns: i64) -> (f64, f64) {
        let mut s = self.state();
        if let Some(t) = self.velocity.latest() {
            s.newest = Some((t.linear.x, t.angular.z, now_ns));
        }
        match s.newest {
            Some((v, w, at)) if now_ns - at <= STALE_NS && v.is_finite() && w.is_finite() => (v, w),
            _ => (0.0, 0.0),
        }
    }
}

fn event_tag(e: &Nav2Event) -> u64 {
    match e {
        ClientEvent::Accepted { tag }
        | ClientEvent::Rejected { tag }
        | ClientEvent::Feedback { tag, .. }
        | ClientEvent::Finished { tag, .. }
        | ClientEvent::Failed { tag, .. } => *tag,
    }
}

/// How a Nav2 goal's end reads as a step's: success, or a retryable failure with Nav2's
/// reason (the deliberative layer replans, as after a built-in navigation failure).
pub fn outcome(end: GoalEnd, result: &NavigateToPoseResult) -> Result<(), String> {
    let why = |what: &str| {
        let code = match result.error_code {
            0 => String::new(),
            1 => " (GOAL_REJECTED)".into(),
            2 => " (SEND_GOAL_FAILURE)".into(),
            9000 => " (UNKNOWN)".into(),
            9001 => " (FAILED_TO_LOAD_BEHAVIOR_TREE)".into(),
            9002 => " (TF_ERROR)".into(),
            9003 => " (TIMEOUT)".into(),
            c => format!(" (error code {c})"),
        };
        if result.error_msg.is_empty() {
            format!("Nav2 {what} the goal{code}")
        } else {
            format!("Nav2 {what} the goal{code}: {}", result.error_msg)
        }
    };
    match end {
        GoalEnd::Succeeded => Ok(()),
        GoalEnd::Aborted => Err(why("aborted")),
        GoalEnd::Canceled => Err(why("canceled")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nav2_ends_read_as_step_outcomes_with_its_reason() {
        let ok = NavigateToPoseResult::default();
        assert_eq!(outcome(GoalEnd::Succeeded, &ok), Ok(()));
        let timeout = NavigateToPoseResult {
            error_code: 9003,
            error_msg: "controller took too long".into(),
        };
        assert_eq!(
            outcome(GoalEnd::Aborted, &timeout),
            Err("Nav2 aborted the goal (TIMEOUT): controller took too long".into())
        );
        assert_eq!(
            outcome(GoalEnd::Canceled, &ok),
            Err("Nav2 canceled the goal".into())
        );
        let bt_code = NavigateToPoseResult {
            error_code: 104,
            error_msg: String::new(),
        };
        assert_eq!(
            outcome(GoalEnd::Aborted, &bt_code),
            Err("Nav2 aborted the goal (error code 104)".into())
        );
    }
}
