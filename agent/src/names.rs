//! The agent's ROS 2 names in a namespace: what `--ros-args -r __ns:=/robot1` and remaps do to
//! its topics and frames, so that several agents share one DDS domain without crosstalk.
//!
//! The rule is ROS 2's: a node's own topics are relative names (`scan`, `cmd_vel`,
//! `agent/task`), resolved in its namespace (`/robot1/scan`; `/scan` at the root), while
//! `/map`, `/tf` and `/tf_static` are absolute and shared, as a map server and tf2 share them.
//! A topic set explicitly with `-p topics.NAME:=...` is taken as written (absolute stays
//! absolute, relative goes into the namespace), and remaps (`-r scan:=lidar`) apply first.
//! ROS 2 does not prefix tf frames by itself; as a fleet's robot_state_publisher does with
//! `frame_prefix`, the agent in namespace `/robot1` expects `robot1/base_link` and
//! `robot1/odom` unless `base_frame` is set explicitly.

use embodia_ros::args::RosArgs;

use crate::agent::AgentConfig;

/// The parameters naming topics of the robot itself (into the namespace by default).
const OWN: [&str; 16] = [
    "topics.cmd_vel",
    "topics.task",
    "topics.execute_task",
    "topics.status",
    "topics.say",
    "topics.safety",
    "topics.safety_reset",
    "topics.places",
    "topics.nav2_cmd_vel",
    "topics.plan",
    "topics.scan",
    "topics.odom",
    "topics.detections",
    "topics.battery",
    "topics.imu",
    "topics.emergency_stop",
];

/// Resolves `config`'s topic names and frames for the node `ros` describes (its namespace and
/// remaps, and which parameters it set explicitly).
pub fn resolve(config: &mut AgentConfig, ros: &RosArgs) {
    let t = &mut config.topics;
    let p = &mut config.perception.topics;
    let own: [&mut String; 16] = [
        &mut t.cmd_vel,
        &mut t.task,
        &mut t.execute_task,
        &mut t.status,
        &mut t.say,
        &mut t.safety,
        &mut t.safety_reset,
        &mut t.places,
        &mut t.nav2_cmd_vel,
        &mut t.plan,
        &mut p.scan,
        &mut p.odom,
        &mut p.detections,
        &mut p.battery,
        &mut p.imu,
        &mut p.emergency_stop,
    ];
    for (key, topic) in OWN.iter().zip(own) {
        if !ros.params.contains_key(*key) {
            *topic = topic.trim_start_matches('/').to_owned();
        }
        *topic = ros.resolve_topic(topic);
    }
    for topic in [&mut p.map, &mut p.tf, &mut p.tf_static, &mut t.fleet_memory] {
        *topic = ros.resolve_topic(topic);
    }
    let Some(prefix) = frame_prefix(ros) else {
        return;
    };
    config.robot_name = Some(prefix.trim_end_matches('/').to_owned());
    let perception = &mut config.perception;
    if !ros.params.contains_key("base_frame") {
        perception.base_frame = format!("{prefix}{}", perception.base_frame);
    }
    let map = perception.map_frame.clone();
    for f in perception.global_frames.iter_mut().filter(|f| **f != map) {
        *f = format!("{prefix}{f}");
    }
}

/// `robot1/` for namespace `/robot1` (`a/b/` for `/a/b`), none at the root.
pub fn frame_prefix(ros: &RosArgs) -> Option<String> {
    let ns = ros.namespace.as_deref()?.trim_matches('/');
    (!ns.is_empty()).then(|| format!("{ns}/"))
}

/// The node arguments of an agent in namespace `ns` (`/robot1`), nothing else set: what an
/// in-process fleet gives each of its agents.
pub fn in_namespace(ns: &str) -> RosArgs {
    RosArgs {
        namespace: Some(ns.to_owned()),
        ..RosArgs::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(args: &[&str]) -> AgentConfig {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let ros = RosArgs::parse(&args, "embodia").unwrap();
        let mut c = AgentConfig::default();
        crate::params::apply(&mut c, &ros.params).unwrap();
        resolve(&mut c, &ros);
        c
    }

    #[test]
    fn at_the_root_the_names_are_the_documented_defaults() {
        let c = resolved(&[]);
        let d = AgentConfig::default();
        assert_eq!(c.topics.cmd_vel, d.topics.cmd_vel);
        assert_eq!(c.topics.task, "/agent/task");
        assert_eq!(c.perception.topics.scan, d.perception.topics.scan);
        assert_eq!(c.perception.base_frame, "base_link");
        assert_eq!(c.perception.global_frames, ["map", "odom"]);
    }

    #[test]
    fn a_namespace_takes_the_robots_own_topics_and_frames_but_shares_map_and_tf() {
        let c = resolved(&["--ros-args", "-r", "__ns:=/robot2"]);
        assert_eq!(c.topics.cmd_vel, "/robot2/cmd_vel");
        assert_eq!(c.topics.task, "/robot2/agent/task");
        assert_eq!(c.topics.execute_task, "/robot2/agent/execute_task");
        assert_eq!(c.topics.say, "/robot2/agent/say");
        assert_eq!(c.perception.topics.scan, "/robot2/scan");
        assert_eq!(c.perception.topics.odom, "/robot2/odom");
        assert_eq!(c.perception.topics.detections, "/robot2/detections");
        assert_eq!(c.perception.topics.map, "/map");
        assert_eq!(c.perception.topics.tf, "/tf");
        assert_eq!(c.perception.topics.tf_static, "/tf_static");
        assert_eq!(c.perception.base_frame, "robot2/base_link");
        assert_eq!(c.perception.global_frames, ["map", "robot2/odom"]);
        assert_eq!(
            c.topics.fleet_memory, "/fleet/memory",
            "shared by the fleet"
        );
        assert_eq!(c.robot_name.as_deref(), Some("robot2"));
        assert_eq!(resolved(&[]).robot_name, None, "no fleet at the root");
    }

    #[test]
    fn explicit_parameters_and_remaps_are_taken_as_ros_2_takes_them() {
        let c = resolved(&[
            "--ros-args",
            "-r",
            "__ns:=/robot1",
            "-p",
            "topics.scan:=/front/scan",
            "-p",
            "topics.odom:=wheel_odom",
            "-r",
            "cmd_vel:=/robot1/base/cmd_vel",
            "-p",
            "base_frame:=chassis",
        ]);
        assert_eq!(c.perception.topics.scan, "/front/scan", "absolute stays");
        assert_eq!(
            c.perception.topics.odom, "/robot1/wheel_odom",
            "relative in the namespace"
        );
        assert_eq!(c.topics.cmd_vel, "/robot1/base/cmd_vel", "remapped");
        assert_eq!(c.perception.base_frame, "chassis", "set explicitly");
        let c = resolved(&[
            "--ros-args",
            "-r",
            "__ns:=/robot1",
            "-r",
            "/map:=/robot1/map",
        ]);
        assert_eq!(
            c.perception.topics.map, "/robot1/map",
            "a shared topic remapped"
        );
    }
}
