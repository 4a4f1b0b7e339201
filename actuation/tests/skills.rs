//! Each skill in a small world, closed-loop: the simulator, perception, the skill and the
//! safety gate, lockstepped at the 20 Hz control rate.

use std::sync::Arc;

use embodia_actuation::cmd_vel::CmdVelPublisher;
use embodia_actuation::skills::start;
use embodia_actuation::{
    GateConfig, GateInput, NavResources, SafetyGate, SkillCommand, SkillContext, SkillStatus, Step,
};
use embodia_perception::{Perceiver, PerceptionConfig, SemanticMap};
use embodia_ros::bus::InProcBus;
use embodia_sim::lidar::LidarConfig;
use embodia_sim::{Lockstep, SimConfig, SimNode, Simulator, World};
use embodia_world::V2;

const ROOM: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../launch/worlds/test_room.yaml"
);
const APARTMENT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../launch/worlds/apartment.yaml"
);

struct Harness {
    sim: SimNode,
    perceiver: Perceiver,
    gate: SafetyGate<CmdVelPublisher>,
    nav: NavResources,
    said: Vec<String>,
    /// Paths the skill handed out, in order.
    paths: Vec<Vec<V2>>,
}

impl Harness {
    fn new(world: World) -> Self {
        Self::with_sim(world, SimConfig::default())
    }

    fn with_sim(world: World, sim_config: SimConfig) -> Self {
        Self::with_configs(world, sim_config, PerceptionConfig::default())
    }

    fn with_configs(world: World, sim_config: SimConfig, perception: PerceptionConfig) -> Self {
        let bus = InProcBus::new();
        let world = Arc::new(world);
        let semantic = Arc::new(SemanticMap::from_world(&world));
        let perceiver = Perceiver::new(&bus, semantic, perception).unwrap();
        let gate_cfg = GateConfig {
            robot_radius: world.robot.radius,
            ..GateConfig::default()
        };
        let gate = SafetyGate::new(
            gate_cfg,
            CmdVelPublisher::new(&bus, "/cmd_vel", false, "base_link").unwrap(),
        )
        .unwrap();
        let sim = SimNode::new(&bus, Simulator::new(world.clone(), sim_config).unwrap()).unwrap();
        Self {
            sim,
            perceiver,
            gate,
            nav: NavResources::new(world.robot.radius, 0.45),
            said: vec![],
            paths: vec![],
        }
    }

    fn load(path: &str) -> Self {
        Self::new(World::load(path).unwrap())
    }

    /// Runs `step` until it ends or `limit_s` simulated seconds pass; returns its status.
    fn run(&mut self, step: Step, limit_s: f64) -> SkillStatus {
        let mut skill = start(&step);
        let ticks = (limit_s * 20.0) as usize;
        for _ in 0..ticks {
            self.sim.run_for(0.05, &mut Lockstep).unwrap();
            let now = self.sim.sim().time_ns();
            self.perceiver.update(now);
            let world = self.perceiver.state();
            let out = skill.tick(&mut SkillContext {
                now_ns: now,
                world,
                nav: &mut self.nav,
            });
            if let Some(s) = out.say.clone() {
                self.said.push(s);
            }
            self.paths.extend(out.path.clone());
            self.gate.drive(&GateInput {
                now_ns: now,
                command: Some(SkillCommand {
                    v: out.v,
                    w: out.w,
                    stamp_ns: now,
                }),
                scan: world.scan.as_deref(),
                robot: world.robot.as_ref(),
                keep_out: &world.semantic.keep_out,
                estop_requested: world.estop_requested,
            });
            if out.status != SkillStatus::Running {
                // Let the robot come to rest under zero commands.
                for _ in 0..20 {
                    self.sim.run_for(0.05, &mut Lockstep).unwrap();
                    let now = self.sim.sim().time_ns();
                    self.perceiver.update(now);
                    let world = self.perceiver.state();
                    self.gate.drive(&GateInput {
                        now_ns: now,
                        command: Some(SkillCommand {
                            v: 0.0,
                            w: 0.0,
                            stamp_ns: now,
                        }),
                        scan: world.scan.as_deref(),
                        robot: world.robot.as_ref(),
                        keep_out: &world.semantic.keep_out,
                        estop_requested: false,
                    });
                }
                return out.status;
            }
        }
        panic!(
            "{step:?} still running after {limit_s} s at {:?}",
            self.sim.sim().pose()
        );
    }

    fn pos(&self) -> V2 {
        self.sim.sim().pose().position()
    }
}

#[test]
fn navigate_to_a_place_through_the_door() {
    let mut h = Harness::load(ROOM);
    assert_eq!(
        h.run(
            Step::NavigateTo {
                target: "east room".into()
            },
            60.0
        ),
        SkillStatus::Succeeded
    );
    let world = World::load(ROOM).unwrap();
    assert_eq!(world.place_at(h.pos()).unwrap().name, "east room");
    let stats = h.sim.sim().stats();
    assert_eq!(stats.collisions, 0);
    assert!(!world.in_keep_out(h.pos(), world.robot.radius));
    // The path it planned, handed out once: from the start, through the door, to where the
    // robot stopped.
    assert_eq!(h.paths.len(), 1, "planned once, nothing in the way");
    let path = &h.paths[0];
    assert!((path[0] - V2::new(1.0, 1.5)).norm() < 0.1, "{:?}", path[0]);
    assert!((path[path.len() - 1] - h.pos()).norm() < 0.25);
    assert!(
        path.iter()
            .any(|p| (p.x - 3.0).abs() < 0.1 && (1.5..2.5).contains(&p.y))
    );
}

#[test]
fn navigate_to_a_point_and_to_an_unknown_target() {
    let mut h = Harness::load(ROOM);
    assert_eq!(
        h.run(
            Step::NavigateTo {
                target: "2.0, 0.8".into()
            },
            30.0
        ),
        SkillStatus::Succeeded
    );
    assert!((h.pos() - V2::new(2.0, 0.8)).norm() < 0.3, "{:?}", h.pos());
    match h.run(
        Step::NavigateTo {
            target: "the moon".into(),
        },
        5.0,
    ) {
        SkillStatus::Failed(f) => assert!(
            f.reason.contains("not a known place") && !f.retryable,
            "{f:?}"
        ),
        s => panic!("{s:?}"),
    }
}

#[test]
fn a_point_no_one_may_stand_on_is_approached_to_the_nearest_free_spot() {
    let mut h = Harness::load(ROOM);
    // The keep-out zone's middle: nothing within half a metre of it may be stood on.
    assert_eq!(
        h.run(
            Step::NavigateTo {
                target: "5.0, 3.3".into()
            },
            40.0
        ),
        SkillStatus::Succeeded
    );
    let d = (h.pos() - V2::new(5.0, 3.3)).norm();
    assert!((0.5..=1.05).contains(&d), "{d}");
    let world = World::load(ROOM).unwrap();
    assert!(!world.in_keep_out(h.pos(), world.robot.radius));
    assert_eq!(h.sim.sim().stats().collisions, 0);
}

#[test]
fn navigate_across_the_apartment_without_touching_anything() {
    let mut h = Harness::load(APARTMENT);
    for place in ["kitchen", "study", "bedroom", "bathroom"] {
        assert_eq!(
            h.run(
                Step::NavigateTo {
                    target: place.into()
                },
                120.0
            ),
            SkillStatus::Succeeded,
            "{place}"
        );
        let world = World::load(APARTMENT).unwrap();
        assert_eq!(world.place_at(h.pos()).unwrap().name, place);
    }
    let stats = h.sim.sim().stats();
    eprintln!("apartment tour: {stats:?}");
    assert!(
        stats.distance_m > 20.0,
        "four rooms apart: {}",
        stats.distance_m
    );
    assert_eq!(stats.collisions, 0);
    assert!(
        stats.min_clearance_m > 0.02,
        "clearance {}",
        stats.min_clearance_m
    );
    assert!(stats.max_speed_mps <= 0.5 + 1e-9);
}

#[test]
fn a_goal_inside_the_keep_out_zone_is_approached_but_never_entered() {
    let mut h = Harness::load(APARTMENT);
    // The washing machine stands inside the keep-out zone: the nearest reachable spot is outside it.
    let status = h.run(
        Step::NavigateTo {
            target: "10.8, 7.0".into(),
        },
        120.0,
    );
    assert!(matches!(status, SkillStatus::Failed(_)), "{status:?}");
    let world = World::load(APARTMENT).unwrap();
    assert!(!world.in_keep_out(h.pos(), world.robot.radius));
}

#[test]
fn rotate_turns_by_the_angle_even_a_full_turn() {
    let mut h = Harness::load(ROOM);
    let yaw0 = h.sim.sim().pose().theta;
    assert_eq!(
        h.run(Step::Rotate { degrees: 90.0 }, 20.0),
        SkillStatus::Succeeded
    );
    let turned = embodia_world::geometry::wrap_angle(h.sim.sim().pose().theta - yaw0);
    assert!(
        (turned - std::f64::consts::FRAC_PI_2).abs() < 0.06,
        "turned {turned}"
    );
    assert_eq!(
        h.run(Step::Rotate { degrees: -360.0 }, 20.0),
        SkillStatus::Succeeded
    );
    let after = embodia_world::geometry::wrap_angle(h.sim.sim().pose().theta - yaw0);
    assert!(
        (after - std::f64::consts::FRAC_PI_2).abs() < 0.1,
        "after a full turn {after}"
    );
}

#[test]
fn move_drives_the_distance_and_fails_when_a_wall_is_in_the_way() {
    let mut h = Harness::load(ROOM);
    let x0 = h.pos().x;
    assert_eq!(
        h.run(Step::Move { metres: 0.8 }, 20.0),
        SkillStatus::Succeeded
    );
    assert!(
        (h.pos().x - x0 - 0.8).abs() < 0.04,
        "moved {}",
        h.pos().x - x0
    );
    assert_eq!(
        h.run(Step::Move { metres: -0.5 }, 20.0),
        SkillStatus::Succeeded
    );
    // Facing the dividing wall 1.5 m away: 3 m cannot be done; the gate stops it short.
    match h.run(Step::Move { metres: 3.0 }, 30.0) {
        SkillStatus::Failed(f) => assert!(f.reason.contains("blocked"), "{f:?}"),
        s => panic!("{s:?}"),
    }
    assert_eq!(h.sim.sim().stats().collisions, 0);
}

/// The test room with a lidar that covers `fov_deg` and reads NaN over `nan_sectors_deg`.
fn room_with_lidar(fov_deg: f64, nan_sectors_deg: Vec<(f64, f64)>) -> Harness {
    Harness::with_sim(
        World::load(ROOM).unwrap(),
        SimConfig {
            lidar: LidarConfig {
                fov_deg,
                nan_sectors_deg,
                beams: 270,
                ..LidarConfig::default()
            },
            ..SimConfig::default()
        },
    )
}

/// Issue 17: "back up 1 metre" with a 270-degree lidar drove backwards at 0.4 m/s into the
/// sector the scan does not cover. It still backs up the metre, at a creep.
#[test]
fn backing_up_with_a_270_degree_lidar_creeps_the_whole_way() {
    let mut h = room_with_lidar(270.0, vec![]);
    assert_eq!(
        h.run(Step::Move { metres: 1.0 }, 20.0),
        SkillStatus::Succeeded
    );
    let forward_top = h.sim.sim().stats().max_speed_mps;
    assert!(forward_top > 0.3, "ahead it sees: {forward_top}");
    let x0 = h.pos().x;
    let creep = GateConfig::default().creep_speed;
    let t0 = h.sim.sim().time_ns();
    assert_eq!(
        h.run(Step::Move { metres: -1.0 }, 40.0),
        SkillStatus::Succeeded
    );
    let took_s = (h.sim.sim().time_ns() - t0) as f64 * 1e-9;
    assert!(
        (x0 - h.pos().x - 1.0).abs() < 0.04,
        "backed {}",
        x0 - h.pos().x
    );
    assert!(
        took_s >= 1.0 / (creep * 1.05),
        "1 m backwards in {took_s:.1} s: faster than {creep} m/s"
    );
    assert_eq!(h.sim.sim().stats().collisions, 0);
}

/// Issue 17: with every beam ahead reading NaN (a dirty or dazzled lidar), "move forward"
/// drove at 0.4 m/s: no valid beam was taken for free space.
#[test]
fn nan_beams_ahead_hold_a_forward_move_to_a_creep() {
    let mut h = room_with_lidar(360.0, vec![(-90.0, 90.0)]);
    let x0 = h.pos().x;
    assert_eq!(
        h.run(Step::Move { metres: 1.0 }, 40.0),
        SkillStatus::Succeeded
    );
    assert!((h.pos().x - x0 - 1.0).abs() < 0.04);
    let top = h.sim.sim().stats().max_speed_mps;
    let creep = GateConfig::default().creep_speed;
    assert!(top <= creep * 1.05, "top speed {top} m/s");
}

#[test]
fn wait_stop_and_say() {
    let mut h = Harness::load(ROOM);
    let t0 = h.sim.sim().time_ns();
    assert_eq!(
        h.run(Step::Wait { seconds: 2.0 }, 5.0),
        SkillStatus::Succeeded
    );
    let waited = (h.sim.sim().time_ns() - t0) as f64 * 1e-9;
    assert!(
        (3.0..3.2).contains(&waited),
        "2 s + 1 s settling, got {waited}"
    );
    assert_eq!(h.run(Step::Stop, 5.0), SkillStatus::Succeeded);
    assert_eq!(
        h.run(
            Step::Say {
                text: "hello".into()
            },
            1.0
        ),
        SkillStatus::Succeeded
    );
    assert_eq!(h.said, ["hello"]);
}

#[test]
fn look_for_finds_an_object_in_another_room() {
    let mut h = Harness::load(ROOM);
    assert_eq!(
        h.run(
            Step::LookFor {
                target: "red ball".into()
            },
            120.0
        ),
        SkillStatus::Succeeded
    );
    assert!(h.perceiver.state().object("red ball").is_some());
    assert_eq!(
        h.run(
            Step::NavigateTo {
                target: "red ball".into()
            },
            60.0
        ),
        SkillStatus::Succeeded
    );
    assert!((h.pos() - V2::new(5.0, 1.0)).norm() < 1.0);
}

#[test]
fn look_for_something_that_is_nowhere_fails_after_seeing_the_floor() {
    let mut h = Harness::load(ROOM);
    match h.run(
        Step::LookFor {
            target: "purple elephant".into(),
        },
        200.0,
    ) {
        SkillStatus::Failed(f) => {
            let pct: f64 = f
                .reason
                .strip_prefix("looked over ")
                .and_then(|r| r.split('%').next())
                .and_then(|p| p.parse().ok())
                .unwrap_or_else(|| panic!("no coverage in {:?}", f.reason));
            assert!(pct >= 95.0, "{}", f.reason);
            assert!(f.reason.contains("west room"), "{}", f.reason);
            assert!(f.reason.contains("east room"), "{}", f.reason);
            assert!(f.reason.contains("\"purple elephant\""), "{}", f.reason);
            assert!(!f.retryable);
        }
        s => panic!("{s:?}"),
    }
    assert_eq!(h.sim.sim().stats().collisions, 0);
}

/// Regression (issue 17 fault matrix, `detections-die-search`): with the detector dead the
/// search drove from viewpoint to viewpoint until the run's time ran out.
#[test]
fn a_search_with_a_silent_detector_fails_saying_so() {
    let mut perception = PerceptionConfig::default();
    perception.topics.detections = "/a_detector_nobody_runs".into();
    let world = World::load(ROOM).unwrap();
    let mut h = Harness::with_configs(world, SimConfig::default(), perception);
    match h.run(
        Step::LookFor {
            target: "blue ball".into(),
        },
        60.0,
    ) {
        SkillStatus::Failed(f) => {
            assert_eq!(f.reason, "the detector has sent nothing for 10 s");
            assert!(!f.retryable, "a replan cannot bring the detector back");
        }
        s => panic!("{s:?}"),
    }
}

#[test]
fn look_for_searches_floor_that_no_place_names() {
    // Only the west room is a place: the east room is floor nobody named, where a search of
    // place centres would never go.
    let text = std::fs::read_to_string(ROOM).unwrap();
    let text = text
        .replace(
            "  east room: {polygon: [[3, 0], [6, 0], [6, 4], [3, 4]]}\n",
            "",
        )
        .replace("  door: {center: [3.0, 2.0], radius: 0.5}\n", "");
    assert!(!text.contains("east room: {") && !text.contains("door: {"));
    let mut h = Harness::new(World::parse(&text, "test_room without an east room").unwrap());
    assert_eq!(
        h.run(
            Step::LookFor {
                target: "red ball".into()
            },
            150.0
        ),
        SkillStatus::Succeeded
    );
    let ball = h.perceiver.state().object("red ball").unwrap();
    assert!((ball.position() - V2::new(5.0, 1.0)).norm() < 0.2);
    assert_eq!(h.sim.sim().stats().collisions, 0);
}

#[test]
fn navigate_to_an_object_ends_within_a_metre_facing_it() {
    let mut h = Harness::load(ROOM);
    assert_eq!(
        h.run(
            Step::LookFor {
                target: "red ball".into()
            },
            150.0
        ),
        SkillStatus::Succeeded
    );
    assert_eq!(
        h.run(
            Step::NavigateTo {
                target: "red ball".into()
            },
            60.0
        ),
        SkillStatus::Succeeded
    );
    let ball = V2::new(5.0, 1.0);
    let pose = h.sim.sim().pose();
    assert!(
        (pose.position() - ball).norm() <= 1.0,
        "{:?}",
        pose.position()
    );
    let to = ball - pose.position();
    let err = embodia_world::geometry::wrap_angle(to.y.atan2(to.x) - pose.theta);
    assert!(err.abs() < 0.2, "facing {err} rad away from the ball");
    assert!(h.said.is_empty(), "{:?}", h.said);
}

#[test]
fn an_object_behind_a_keep_out_zone_is_approached_as_close_as_is_safe_and_it_says_so() {
    // A keep-out strip fills the middle of the east room; the ball lies in it, more than a
    // metre from any spot the body may take.
    let text = std::fs::read_to_string(ROOM).unwrap().replace(
        "  - [[4.5, 2.8], [5.5, 2.8], [5.5, 3.8], [4.5, 3.8]]",
        "  - [[4.2, 0.2], [5.8, 0.2], [5.8, 3.8], [4.2, 3.8]]",
    );
    let mut h = Harness::new(World::parse(&text, "test_room with a keep-out strip").unwrap());
    h.perceiver
        .recall_objects(vec![embodia_perception::TrackedObject {
            name: "green ball".into(),
            class: "ball".into(),
            color: None,
            x: 5.0,
            y: 2.0,
            place: Some("east room".into()),
            first_seen_ns: 0,
            last_seen_ns: 0,
            count: 1,
        }]);
    assert_eq!(
        h.run(
            Step::NavigateTo {
                target: "green ball".into()
            },
            90.0
        ),
        SkillStatus::Succeeded
    );
    let d = (h.pos() - V2::new(5.0, 2.0)).norm();
    assert!(d > 1.0 && d < 1.4, "stopped {d} m away");
    assert!(
        h.pos().x < 4.2 - 0.18,
        "the body stayed out of the zone: {:?}",
        h.pos()
    );
    assert_eq!(h.said.len(), 1, "{:?}", h.said);
    assert!(
        h.said[0].contains("as close as I can safely get"),
        "{:?}",
        h.said
    );
    assert!(h.said[0].contains("green ball"));
}

#[test]
fn a_search_that_chooses_viewpoints_on_a_worker_thread_finds_the_same_object() {
    let mut h = Harness::load(ROOM);
    h.nav = NavResources::new(0.18, 0.45).with_search(embodia_actuation::skills::SearchConfig {
        background: true,
        ..Default::default()
    });
    assert_eq!(
        h.run(
            Step::LookFor {
                target: "red ball".into()
            },
            // The robot stands still while the worker chooses, however long that takes in
            // wall time; the simulated budget is generous so a loaded machine cannot fail it.
            900.0
        ),
        SkillStatus::Succeeded
    );
    assert_eq!(h.sim.sim().stats().collisions, 0);
}

#[test]
fn a_stale_sighting_from_memory_does_not_end_the_search() {
    // Memory from an earlier run says the ball is in the west room; it is in the east room.
    let mut h = Harness::load(ROOM);
    h.perceiver
        .recall_objects(vec![embodia_perception::TrackedObject {
            name: "red ball".into(),
            class: "ball".into(),
            color: None,
            x: 1.0,
            y: 3.3,
            place: Some("west room".into()),
            first_seen_ns: -3_600_000_000_000,
            last_seen_ns: -3_600_000_000_000,
            count: 1,
        }]);
    assert_eq!(
        h.run(
            Step::LookFor {
                target: "red ball".into()
            },
            150.0
        ),
        SkillStatus::Succeeded
    );
    let ball = h.perceiver.state().object("red ball").unwrap();
    assert!(
        (ball.position() - V2::new(5.0, 1.0)).norm() < 0.2,
        "found where it is, not where it was remembered: {:?}",
        ball.position()
    );
}

#[test]
fn a_recent_sighting_ends_the_search_at_once() {
    let mut h = Harness::load(ROOM);
    h.perceiver
        .recall_objects(vec![embodia_perception::TrackedObject {
            name: "red ball".into(),
            class: "ball".into(),
            color: None,
            x: 5.0,
            y: 1.0,
            place: Some("east room".into()),
            first_seen_ns: 0,
            last_seen_ns: 0,
            count: 1,
        }]);
    let start = h.pos();
    assert_eq!(
        h.run(
            Step::LookFor {
                target: "red ball".into()
            },
            5.0
        ),
        SkillStatus::Succeeded
    );
    assert!(
        (h.pos() - start).norm() < 0.05,
        "it did not drive off to search"
    );
}

/// A scorer for descriptions by shared words: the share of an object's name words the
/// description uses, scaled to 0.9 at most as sentence similarities are (the agent's scorer
/// is the planner's sentence embedder; the skills only need scores that rank objects).
#[derive(Debug)]
struct SharedWords;

impl embodia_actuation::skills::Resemblance for SharedWords {
    fn score(&self, description: &str, name: &str, _class: &str, _wait: bool) -> Option<f32> {
        let said: Vec<&str> = description.split_whitespace().collect();
        let words: Vec<&str> = name.split_whitespace().collect();
        let shared = words.iter().filter(|w| said.contains(w)).count();
        Some(0.9 * shared as f32 / words.len().max(1) as f32)
    }
}

fn with_resemblance(h: &mut Harness) {
    h.nav = NavResources::new(0.18, 0.45).with_search(embodia_actuation::skills::SearchConfig {
        resemblance: Some(Arc::new(SharedWords)),
        ..Default::default()
    });
}

/// A search for `target`, then the trip to what it found; both must succeed.
fn search_and_go(h: &mut Harness, target: &str) {
    let steps = [
        (
            Step::LookFor {
                target: target.into(),
            },
            300.0,
        ),
        (
            Step::NavigateTo {
                target: target.into(),
            },
            60.0,
        ),
    ];
    for (step, limit_s) in steps {
        assert_eq!(h.run(step, limit_s), SkillStatus::Succeeded);
    }
}

#[test]
fn a_described_thing_is_recognised_on_sight_and_gone_to() {
    let mut h = Harness::load(ROOM);
    with_resemblance(&mut h);
    search_and_go(&mut h, "~ that red round thing you kick, a ball");
    assert!((h.pos() - V2::new(5.0, 1.0)).norm() <= 1.0, "{:?}", h.pos());
}

#[test]
fn a_name_alone_does_not_make_an_object_the_described_one() {
    // "ball" names both balls; the description says red, so the blue ball by the start is
    // passed over and the search goes on to the red one.
    let mut h = Harness::load(ROOM);
    with_resemblance(&mut h);
    search_and_go(&mut h, "ball ~ red ball");
    assert!((h.pos() - V2::new(5.0, 1.0)).norm() <= 1.0, "{:?}", h.pos());
}

#[test]
fn without_a_scorer_a_description_matches_nothing_and_the_search_says_what_it_covered() {
    let mut h = Harness::load(ROOM);
    match h.run(
        Step::LookFor {
            target: "~ that red round thing you kick".into(),
        },
        600.0,
    ) {
        SkillStatus::Failed(f) => assert!(f.reason.contains("reachable floor"), "{f:?}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn what_was_named_wins_over_other_things_that_would_do_in_view_of_the_same_spot() {
    // "blue ball or box": the ball is what the person named, the box would do. Turning at
    // the start, the box comes into view first; the search looks all the way round, sees the
    // ball too, and the robot goes to the ball.
    let mut h = Harness::load(ROOM);
    search_and_go(&mut h, "blue ball or box");
    assert!((h.pos() - V2::new(0.5, 0.5)).norm() <= 1.0, "{:?}", h.pos());
    // Alone, a thing that would do still ends the search once it has looked around.
    let mut h = Harness::load(ROOM);
    search_and_go(&mut h, "green ball or box");
    assert!((h.pos() - V2::new(1.5, 3.0)).norm() <= 1.2, "{:?}", h.pos());
}
