//! `navigation: nav2` in process: the simulator plays Nav2's `navigate_to_pose`, the agent
//! sends it goals over the in-process bus's actions, and Nav2's velocity reaches the wheels
//! only through the agent's gate. Shipped scenarios arrive; a new task or a cancel stops
//! Nav2's goal with a zero command; a goal Nav2 cannot plan to aborts and the step fails.

use std::sync::Arc;

use embodia::agent::Navigation;
use embodia::{Outcome, RulePlanner, TaskReport};
use embodia_ros::msg::geometry_msgs::Twist;
use embodia_ros::{Bus, Delivery, QosProfile, Subscription};
use embodia_sim::nav2::codes;
use embodia_sim::{Nav2Config, Nav2Sim, Nav2Stats, Simulator, World};

use crate::{agent_loop, embodia, root};

/// The agent with `navigation: nav2` and the simulator playing Nav2, on one bus.
struct Rig {
    world: World,
    inner: agent_loop::Rig,
    cmd_vel: Subscription<Twist>,
    nav_out: Subscription<Twist>,
}

impl Rig {
    fn new(world: &str, nav2: Nav2Config) -> Self {
        let mut inner = agent_loop::Rig::in_world(world, Arc::new(RulePlanner::default()), |c| {
            c.navigation = Navigation::Nav2
        });
        let bus = inner.bus.clone();
        inner.sim.serve_nav2(Nav2Sim::new(&bus, nav2).unwrap());
        let latest = |topic| {
            bus.subscribe(topic, QosProfile::DEFAULT, Delivery::Latest)
                .unwrap()
        };
        Self {
            world: World::load(root().join("launch/worlds").join(world)).unwrap(),
            cmd_vel: latest("/cmd_vel"),
            nav_out: latest("/cmd_vel_nav"),
            inner,
        }
    }

    fn advance(&mut self, seconds: f64) {
        self.inner.advance(seconds);
    }

    fn reports(&self) -> &[TaskReport] {
        &self.inner.reports
    }

    fn sim(&self) -> &Simulator {
        self.inner.sim.sim()
    }

    /// Runs until `n` tasks have ended or `seconds` have passed.
    fn until_reports(&mut self, n: usize, seconds: f64) {
        for _ in 0..(seconds * 2.0) as usize {
            if self.reports().len() >= n {
                return;
            }
            self.advance(0.5);
        }
    }

    fn nav2(&self) -> Nav2Stats {
        self.inner.sim.nav2_stats().unwrap()
    }

    fn place(&self) -> String {
        self.world
            .place_at(self.sim().pose().position())
            .map(|p| p.name.clone())
            .unwrap_or_default()
    }
}

/// The eval report of `paths` run with the rule planner and `navigation: nav2`.
fn eval_with_nav2(paths: &[&str]) -> serde_json::Value {
    let report = std::env::temp_dir().join(format!(
        "embodia-nav2-eval-{}-{}.json",
        std::process::id(),
        paths.len()
    ));
    let mut args = vec!["eval"];
    args.extend(paths);
    args.extend(["--planner", "rules", "--report", report.to_str().unwrap()]);
    args.extend(["--ros-args", "-p", "navigation:=nav2"]);
    let out = embodia(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let _ = std::fs::remove_file(&report);
    json
}

#[test]
fn shipped_scenarios_succeed_with_navigation_nav2_through_the_simulated_nav2() {
    let json = eval_with_nav2(&[
        "tests/scenarios/nav-bedroom-then-bathroom.yaml",
        "tests/scenarios/warehouse-office-through-door.yaml",
    ]);
    for sc in json["scenarios"].as_array().unwrap() {
        let name = sc["name"].as_str().unwrap();
        assert_eq!(sc["success"], true, "{name}: {}", sc["failed_criteria"]);
        assert_eq!(sc["collisions"], 0, "{name}");
        let nav2 = &sc["nav2"];
        // Every navigate_to went to the simulated Nav2 as a goal, which it drove to the end.
        let navigations = sc["plans"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["steps"].as_array().unwrap())
            .filter(|s| s["skill"] == "navigate_to")
            .count() as u64;
        assert!(navigations >= 1, "{name}: {}", sc["plans"]);
        assert_eq!(nav2["goals"], navigations, "{name}: {nav2}");
        assert_eq!(nav2["succeeded"], navigations, "{name}: {nav2}");
        assert_eq!(nav2["aborted"], 0, "{name}: {nav2}");
        assert!(nav2["feedback"].as_u64().unwrap() > 20, "{name}: {nav2}");
    }
}

#[test]
fn garbage_odometry_under_nav2_stops_the_robot_as_it_does_the_built_in_navigator() {
    // Poses jumping tens of metres: the agent cancels Nav2's goal and stops within 1.5 s.
    let json = eval_with_nav2(&["tests/scenarios/faults/odom-garbage.yaml"]);
    let sc = &json["scenarios"][0];
    assert_eq!(sc["success"], true, "{}", sc["failed_criteria"]);
    assert_eq!(sc["nav2"]["canceled"], 1, "{}", sc["nav2"]);
    assert_eq!(sc["nav2"]["last_command"][0], 0.0, "{}", sc["nav2"]);
}

#[test]
fn nav2s_velocity_drives_the_robot_through_the_gate_and_a_cancel_zeroes_it() {
    let mut rig = Rig::new("apartment.yaml", Nav2Config::default());
    let tasks = rig.inner.agent.tasks();
    let id = tasks.submit("go to the study").unwrap();
    rig.advance(4.0);
    let s = rig.nav2();
    assert_eq!((s.goals, s.canceled), (1, 0), "{s:?}");
    assert!(s.feedback >= 60, "feedback at 20 Hz: {s:?}");
    assert!(rig.sim().velocity().0 > 0.1, "Nav2 drives");
    // In open floor the gate passes Nav2's command as it is: /cmd_vel is Nav2's output.
    let (nav, out) = (rig.nav_out.latest().unwrap(), rig.cmd_vel.latest().unwrap());
    assert!(
        (nav.linear.x - out.linear.x).abs() < 1e-6 && nav.linear.x > 0.1,
        "{nav:?} {out:?}"
    );

    assert!(tasks.cancel(id));
    rig.advance(1.0);
    let s = rig.nav2();
    assert_eq!(s.canceled, 1, "the step's Nav2 goal was canceled: {s:?}");
    assert_eq!(
        s.last_command,
        (0.0, 0.0),
        "Nav2 published a zero on cancel"
    );
    assert_eq!(
        rig.reports().last().map(|r| r.outcome),
        Some(Outcome::Canceled)
    );
    assert_eq!(rig.cmd_vel.latest().map(|t| t.linear.x), Some(0.0));
    assert!(rig.sim().velocity().0.abs() < 0.02, "the robot stopped");
}

#[test]
fn a_new_task_preempts_the_nav2_goal_and_the_next_goal_arrives() {
    let mut rig = Rig::new("apartment.yaml", Nav2Config::default());
    rig.inner.agent.submit("go to the study");
    rig.advance(3.0);
    rig.inner.agent.submit("go to the kitchen");
    rig.until_reports(2, 90.0);
    assert_eq!(rig.reports()[0].outcome, Outcome::Preempted);
    assert_eq!(
        rig.reports()[1].outcome,
        Outcome::Succeeded,
        "{:?}",
        rig.reports()[1]
    );
    assert_eq!(rig.place(), "kitchen");
    let s = rig.nav2();
    assert_eq!(
        (s.goals, s.canceled, s.succeeded, s.aborted),
        (2, 1, 1, 0),
        "{s:?}"
    );
    assert_eq!(rig.sim().stats().collisions, 0);
}

#[test]
fn a_goal_nav2_cannot_plan_to_aborts_and_the_step_fails_with_nav2s_reason() {
    // Nav2 set up with a footprint (0.6 m radius) that does not fit the 1 m door the agent's
    // own costmap (0.18 m) sees as open: the agent sends the goal, Nav2 finds no path.
    let mut rig = Rig::new(
        "test_room.yaml",
        Nav2Config {
            robot_radius: Some(0.6),
            ..Nav2Config::default()
        },
    );
    rig.inner.agent.submit("go to the east room");
    rig.until_reports(1, 60.0);
    let report = &rig.reports()[0];
    assert_eq!(report.outcome, Outcome::Failed, "{report:?}");
    let reason = report.reason.clone().unwrap_or_default();
    assert!(
        reason.contains("Nav2 aborted the goal") && reason.contains("no valid path"),
        "{reason}"
    );
    let s = rig.nav2();
    assert_eq!(s.last_error_code, Some(codes::NO_VALID_PATH), "{s:?}");
    assert!(
        s.aborted >= 2,
        "the step was retried before the task failed: {s:?}"
    );
    assert_eq!(s.goals, s.aborted, "{s:?}");
    assert_eq!(rig.place(), "west room");
    assert!(rig.sim().stats().distance_m < 0.05);
}
