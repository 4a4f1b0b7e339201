//! The agent's two layers against the simulator, driven tick by tick so a test can step in:
//! an emergency stop, a reset, a missing sensor, a planner that is too slow, a task on the topic.

use std::sync::Arc;
use std::time::Duration;

use embodia::agent::{AgentConfig, Pacing};
use embodia::planner::{PlanRequest, Planner, PlannerError};
use embodia::setup::agent_for_world;
use embodia::{Agent, Outcome, RulePlanner, TaskReport};
use embodia_actuation::{Plan, Step};
use embodia_perception::SemanticMap;
use embodia_ros::msg::std_msgs::{Bool, String as RosString};
use embodia_ros::{Bus, Delivery, QosProfile, Subscription, bus::InProcBus};
use embodia_sim::{SimConfig, SimNode, Simulator, World};

use crate::root;

pub(crate) struct Rig {
    pub(crate) bus: InProcBus,
    pub(crate) agent: Agent,
    pub(crate) sim: SimNode,
    pub(crate) reports: Vec<TaskReport>,
}

impl Rig {
    pub(crate) fn new(planner: Arc<dyn Planner>, tweak: impl FnOnce(&mut AgentConfig)) -> Self {
        Self::in_world("apartment.yaml", planner, tweak)
    }

    /// The same in another shipped world (a file of `launch/worlds`).
    pub(crate) fn in_world(
        world: &str,
        planner: Arc<dyn Planner>,
        tweak: impl FnOnce(&mut AgentConfig),
    ) -> Self {
        let world = Arc::new(World::load(root().join("launch/worlds").join(world)).unwrap());
        let bus = InProcBus::new();
        let mut config = agent_for_world(AgentConfig::default(), &world);
        tweak(&mut config);
        let agent = Agent::start(
            &bus,
            Arc::new(SemanticMap::from_world(&world)),
            planner,
            None,
            config,
            Pacing::Lockstep,
        )
        .unwrap();
        let sim = SimNode::new(&bus, Simulator::new(world, SimConfig::default()).unwrap()).unwrap();
        Self {
            bus,
            agent,
            sim,
            reports: vec![],
        }
    }

    pub(crate) fn advance(&mut self, seconds: f64) {
        for _ in 0..(seconds * 20.0).round() as usize {
            for _ in 0..5 {
                self.sim.step().unwrap();
            }
            assert!(self.agent.wait_idle(Duration::from_secs(30)));
            self.agent.tick(self.sim.sim().time_ns()).unwrap();
            assert!(self.agent.wait_idle(Duration::from_secs(30)));
            self.reports.extend(self.agent.reports().try_iter());
        }
    }

    pub(crate) fn moved(&self) -> f64 {
        self.sim.sim().stats().distance_m
    }

    fn publish<M: embodia_ros::Message>(&self, topic: &str, msg: M) {
        self.bus
            .publisher::<M>(topic, QosProfile::DEFAULT)
            .unwrap()
            .publish(&msg)
            .unwrap();
    }

    fn listen(&self, topic: &str) -> Subscription<RosString> {
        self.bus
            .subscribe(topic, QosProfile::DEFAULT, Delivery::Queue(1000))
            .unwrap()
    }
}

#[test]
fn an_emergency_stop_latches_until_an_explicit_reset() {
    let mut rig = Rig::new(Arc::new(RulePlanner::default()), |_| {});
    let safety = rig.listen("/agent/safety");
    rig.agent.submit("go to the study");
    rig.advance(4.0);
    assert!(rig.sim.sim().velocity().0 > 0.2, "driving");
    rig.publish("/emergency_stop", Bool { data: true });
    rig.advance(1.0);
    assert_eq!(
        rig.sim.sim().velocity(),
        (0.0, 0.0),
        "stopped within a second"
    );
    let at_stop = rig.moved();
    rig.publish("/emergency_stop", Bool { data: false });
    rig.advance(5.0);
    assert!((rig.moved() - at_stop).abs() < 1e-9, "no automatic restart");
    let msgs: Vec<String> = safety.drain().into_iter().map(|m| m.data).collect();
    assert!(
        msgs.iter().any(|m| m.contains("emergency_stop")),
        "{msgs:?}"
    );
    // The latch ended the task (issue 17: it used to stay "running" until someone reset):
    // the reason names the latch and the only way out.
    let [report] = rig.reports.as_slice() else {
        panic!("the task ended: {:?}", rig.reports);
    };
    assert_eq!(report.outcome, embodia::Outcome::Failed);
    let reason = report.reason.clone().unwrap_or_default();
    assert!(reason.contains("emergency_stop"), "{reason}");
    assert!(reason.contains("/agent/safety_reset"), "{reason}");
    rig.publish("/agent/safety_reset", Bool { data: true });
    rig.advance(3.0);
    assert!(
        (rig.moved() - at_stop).abs() < 1e-9,
        "a reset does not revive the ended task"
    );
    rig.agent.submit("go to the study");
    rig.advance(3.0);
    assert!(
        rig.moved() > at_stop + 0.3,
        "a new task moves after the reset"
    );
}

#[test]
fn without_a_lidar_the_robot_never_moves_and_the_gate_says_why() {
    let mut rig = Rig::new(Arc::new(RulePlanner::default()), |c| {
        c.perception.topics.scan = "/no_lidar_here".into()
    });
    let safety = rig.listen("/agent/safety");
    rig.agent.submit("go to the kitchen");
    rig.advance(10.0);
    assert_eq!(rig.moved(), 0.0);
    let msgs: Vec<String> = safety.drain().into_iter().map(|m| m.data).collect();
    assert!(msgs.iter().any(|m| m.contains("stale_scan")), "{msgs:?}");
}

struct SlowPlanner;

impl Planner for SlowPlanner {
    fn name(&self) -> &str {
        "slow"
    }
    fn plan(&self, request: &PlanRequest) -> Result<Plan, PlannerError> {
        std::thread::sleep(Duration::from_millis(1500));
        RulePlanner::default().plan(request)
    }
}

#[test]
fn a_planning_timeout_fails_the_task_and_leaves_the_robot_stopped() {
    let mut rig = Rig::new(Arc::new(SlowPlanner), |c| {
        c.deliberative.plan_deadline = Duration::from_millis(200)
    });
    rig.agent.submit("go to the kitchen");
    rig.advance(3.0);
    let r = &rig.reports[0];
    assert_eq!(r.outcome, Outcome::Failed);
    assert!(
        r.reason
            .as_deref()
            .unwrap()
            .contains("planning took longer than 0.2 s"),
        "{r:?}"
    );
    assert!(r.said[0].contains("planning took longer"));
    assert_eq!(rig.moved(), 0.0);
}

#[test]
fn tasks_arrive_on_the_topic_and_status_is_published_as_json() {
    let mut rig = Rig::new(Arc::new(RulePlanner::default()), |_| {});
    let status = rig.listen("/agent/status");
    rig.publish(
        "/agent/task",
        RosString {
            data: "turn left 90 degrees".into(),
        },
    );
    // The topic is polled by the deliberative runtime on the wall clock.
    for _ in 0..100 {
        std::thread::sleep(Duration::from_millis(10));
        rig.advance(0.1);
        if !rig.reports.is_empty() {
            break;
        }
    }
    rig.advance(5.0);
    assert_eq!(rig.reports[0].outcome, Outcome::Succeeded);
    let states: Vec<serde_json::Value> = status
        .drain()
        .iter()
        .map(|m| serde_json::from_str(&m.data).unwrap())
        .collect();
    let names: Vec<&str> = states
        .iter()
        .map(|s| s["state"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["planning", "running", "succeeded"]);
    assert_eq!(states[1]["task"], "turn left 90 degrees");
    assert_eq!(states[1]["plan"]["steps"][0]["skill"], "rotate");
    assert_eq!(states[1]["current_step"], 0);
}

#[test]
fn a_new_task_preempts_the_running_one() {
    let mut rig = Rig::new(Arc::new(RulePlanner::default()), |_| {});
    rig.agent.submit("go to the study");
    rig.advance(3.0);
    rig.agent.submit("go to the kitchen");
    rig.advance(60.0);
    assert_eq!(rig.reports[0].outcome, Outcome::Preempted);
    assert_eq!(rig.reports[1].outcome, Outcome::Succeeded);
    let world = World::load(root().join("launch/worlds/apartment.yaml")).unwrap();
    assert_eq!(
        world
            .place_at(rig.sim.sim().pose().position())
            .unwrap()
            .name,
        "kitchen"
    );
}

#[test]
fn a_replan_after_a_blocked_step_continues_from_it_without_redoing_earlier_steps() {
    let mut rig = Rig::new(Arc::new(RulePlanner::default()), |_| {});
    let yaw0 = rig.sim.sim().pose().theta;
    // The turn succeeds; the move runs into a wall, which is worth retrying (twice).
    rig.agent
        .submit("turn left 90 degrees, then move forward 5 metres");
    rig.advance(60.0);
    let r = &rig.reports[0];
    assert_eq!(r.outcome, Outcome::Failed, "{r:?}");
    assert!(r.reason.as_deref().unwrap().contains("blocked"), "{r:?}");
    let (turn, forward) = (Step::Rotate { degrees: 90.0 }, Step::Move { metres: 5.0 });
    let plans: Vec<&[Step]> = r.plans.iter().map(|p| p.steps.as_slice()).collect();
    assert_eq!(
        plans,
        vec![
            &[turn, forward.clone()][..],
            &[forward.clone()][..],
            &[forward][..]
        ],
        "each replan resumes at the blocked move"
    );
    let turned = embodia_world::geometry::wrap_angle(rig.sim.sim().pose().theta - yaw0);
    assert!(
        (turned - std::f64::consts::FRAC_PI_2).abs() < 0.15,
        "turned once: {turned:.2} rad"
    );
}
