//! The ROS 2 launch files, bridge config and package manifest: they cannot run here (no ROS 2
//! install), so what can be checked is: they parse, they reference files that exist, and every
//! topic the Gazebo bridge carries is one the agent uses, with the type it uses.

use std::path::PathBuf;

use embodia::agent::AgentConfig;
use embodia_ros::Message;
use embodia_ros::msg::geometry_msgs::Twist;
use embodia_ros::msg::nav_msgs::Odometry;
use embodia_ros::msg::rosgraph_msgs::Clock;
use embodia_ros::msg::sensor_msgs::{BatteryState, LaserScan};

use crate::root;

fn launch(name: &str) -> PathBuf {
    root().join("launch").join(name)
}

#[test]
fn the_xml_launch_file_starts_the_agent_with_the_shipped_params() {
    let text = std::fs::read_to_string(launch("embodia.launch.xml")).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "launch");
    let node = doc
        .descendants()
        .find(|n| n.has_tag_name("node"))
        .expect("a node");
    assert_eq!(node.attribute("exec"), Some("embodia"));
    assert!(
        node.attribute("args")
            .unwrap()
            .starts_with("agent --places")
    );
    let defaults: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("default"))
        .collect();
    for file in ["launch/params/embodia.yaml", "launch/places.yaml"] {
        assert!(
            defaults.iter().any(|d| d.ends_with(file)),
            "{file} is the default"
        );
        assert!(root().join(file).exists(), "{file} exists");
    }
}

#[test]
fn the_package_manifest_builds_with_ament_cargo_and_installs_the_launch_folder() {
    let text = std::fs::read_to_string(root().join("agent/package.xml")).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let get = |tag: &str| {
        doc.descendants()
            .find(|n| n.has_tag_name(tag))
            .and_then(|n| n.text())
            .map(str::to_owned)
    };
    assert_eq!(get("name").as_deref(), Some("embodia"));
    assert_eq!(get("build_type").as_deref(), Some("ament_cargo"));
    let cargo = std::fs::read_to_string(root().join("agent/Cargo.toml")).unwrap();
    assert!(cargo.contains("install_to_share = [\"launch\"]"));
    assert!(
        root().join("agent/launch/params/embodia.yaml").exists(),
        "agent/launch points at the launch folder"
    );
}

#[test]
fn every_bridged_topic_is_one_the_agent_uses_with_its_type() {
    let config = AgentConfig::default();
    let uses = [
        (
            config.topics.cmd_vel.as_str(),
            Twist::TYPE_NAME,
            "ROS_TO_GZ",
        ),
        (
            config.perception.topics.odom.as_str(),
            Odometry::TYPE_NAME,
            "GZ_TO_ROS",
        ),
        (
            config.perception.topics.scan.as_str(),
            LaserScan::TYPE_NAME,
            "GZ_TO_ROS",
        ),
        (
            config.perception.topics.battery.as_str(),
            BatteryState::TYPE_NAME,
            "GZ_TO_ROS",
        ),
        ("/clock", Clock::TYPE_NAME, "GZ_TO_ROS"), // use_sim_time
    ];
    let text = std::fs::read_to_string(launch("gz_bridge.yaml")).unwrap();
    let entries: Vec<serde_yaml::Value> = serde_yaml::from_str(&text).unwrap();
    assert!(!entries.is_empty());
    for e in &entries {
        let topic = e["ros_topic_name"].as_str().unwrap();
        let (_, ty, dir) = uses
            .iter()
            .find(|(t, _, _)| *t == topic)
            .unwrap_or_else(|| panic!("{topic} is bridged but the agent does not use it"));
        assert_eq!(e["ros_type_name"].as_str(), Some(*ty), "{topic}");
        assert_eq!(e["direction"].as_str(), Some(*dir), "{topic}");
        assert!(e["gz_type_name"].as_str().unwrap().starts_with("gz.msgs."));
    }
    for (topic, _, _) in &uses[..3] {
        assert!(
            entries
                .iter()
                .any(|e| e["ros_topic_name"].as_str() == Some(topic)),
            "{topic} must be bridged"
        );
    }
}

#[test]
fn the_python_launch_files_parse_and_reference_existing_files() {
    for name in [
        "embodia.launch.py",
        "embodia_nav2.launch.py",
        "embodia_sim.launch.py",
        "gazebo.launch.py",
    ] {
        let path = launch(name);
        let out = std::process::Command::new("python3")
            .args([
                "-c",
                "import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])",
            ])
            .arg(&path)
            .output();
        match out {
            Ok(o) => assert!(
                o.status.success(),
                "{name}: {}",
                String::from_utf8_lossy(&o.stderr)
            ),
            Err(e) => panic!("python3 is needed to check {name}: {e}"),
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for file in [
            "embodia.yaml",
            "apartment.yaml",
            "gz_bridge.yaml",
            "places.yaml",
        ] {
            if text.contains(&format!("\"{file}\"")) {
                assert!(
                    [
                        launch("params").join(file),
                        launch("worlds").join(file),
                        launch(file)
                    ]
                    .iter()
                    .any(|p| p.exists()),
                    "{name} references {file}"
                );
            }
        }
    }
}

/// The Gazebo world mirrors the apartment world file: it is exactly what `embodia world-sdf`
/// makes of it (so the two cannot drift), it parses, and its robot publishes and listens on
/// the Gazebo topics the bridge config maps.
#[test]
fn the_gazebo_world_mirrors_the_apartment_and_speaks_the_bridged_topics() {
    let committed = std::fs::read_to_string(launch("gazebo/apartment.sdf")).unwrap();
    let out = crate::embodia(&["world-sdf", "--world", "launch/worlds/apartment.yaml"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        committed,
        "launch/gazebo/apartment.sdf is stale: regenerate it with `embodia world-sdf --world launch/worlds/apartment.yaml`"
    );
    let doc = roxmltree::Document::parse(&committed).unwrap();
    let world = embodia_world::World::load(root().join("launch/worlds/apartment.yaml")).unwrap();
    let models: Vec<roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name("model"))
        .collect();
    let named = |prefix: &str| {
        models
            .iter()
            .filter(|m| m.attribute("name").unwrap().starts_with(prefix))
            .count()
    };
    assert_eq!(named("wall_"), world.walls.len());
    assert_eq!(named("object_"), world.objects.len());
    let mut names: Vec<&str> = models
        .iter()
        .map(|m| m.attribute("name").unwrap())
        .collect();
    names.sort();
    let n = names.len();
    names.dedup();
    assert_eq!(names.len(), n, "model names are unique");
    let robot = models
        .iter()
        .find(|m| m.attribute("name") == Some("embodia_robot"))
        .expect("a model named embodia_robot");
    let text = |tag: &str| -> Vec<String> {
        robot
            .descendants()
            .filter(|n| n.has_tag_name(tag))
            .filter_map(|n| n.text().map(str::to_owned))
            .collect()
    };
    let pose: Vec<f64> = text("pose")[0]
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect();
    assert!(
        (pose[0] - world.robot.start[0]).abs() < 1e-3
            && (pose[1] - world.robot.start[1]).abs() < 1e-3
    );
    let gz_topics: Vec<String> = text("topic")
        .into_iter()
        .chain(text("odom_topic"))
        .collect();
    let bridge: Vec<serde_yaml::Value> =
        serde_yaml::from_str(&std::fs::read_to_string(launch("gz_bridge.yaml")).unwrap()).unwrap();
    for ros in ["/cmd_vel", "/odom", "/scan"] {
        let gz = bridge
            .iter()
            .find(|e| e["ros_topic_name"].as_str() == Some(ros))
            .and_then(|e| e["gz_topic_name"].as_str())
            .unwrap();
        assert!(
            gz_topics.iter().any(|t| t == gz),
            "the robot does not use {gz} (bridged as {ros})"
        );
    }
    assert_eq!(text("battery_name"), ["linear_battery"]);
    assert_eq!(
        text("max_linear_velocity")[0].parse::<f64>().unwrap(),
        world.robot.max_linear
    );
}

/// With Nav2, the gate takes the collision monitor's place: the monitor's output is rewritten
/// to the topic the agent reads as Nav2's velocity, and the agent alone publishes /cmd_vel.
#[test]
fn the_nav2_launch_file_puts_the_gate_between_nav2_and_the_wheels() {
    let text = std::fs::read_to_string(launch("embodia_nav2.launch.py")).unwrap();
    assert!(text.contains(r#"GATE_IN = "cmd_vel_monitored""#));
    assert!(text.contains(r#"param_rewrites={"cmd_vel_out_topic": GATE_IN}"#));
    assert!(text.contains(r#""topics.nav2_cmd_vel": "/" + GATE_IN"#));
    assert!(text.contains(r#""navigation": "nav2""#));
    assert!(text.contains(r#""topics.cmd_vel": "/cmd_vel""#));
    // A robot's places file, not a simulator world.
    assert!(text.contains(r#"arguments=["agent", "--places", places]"#));
}
