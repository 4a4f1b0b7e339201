//! `--foxglove`: a real WebSocket client speaking the Foxglove WebSocket protocol (subprotocol
//! `foxglove.sdk.v1`, the current name of `foxglove.websocket.v1`, the same messages; the
//! `foxglove` crate's server negotiates only the new names) connects to a running
//! `embodia run`, checks what is advertised, subscribes to everything and decodes a message
//! of each channel: CDR with the repository's own decoder, JSON, and Foxglove's protobuf.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use embodia_ros::msg::geometry_msgs::Twist;
use embodia_ros::msg::nav_msgs::{OccupancyGrid, Odometry, Path};
use embodia_ros::msg::sensor_msgs::{BatteryState, Imu, LaserScan};
use embodia_ros::msg::std_msgs::{Bool, String as RosString};
use embodia_ros::msg::tf2_msgs::TFMessage;
use embodia_ros::msg::vision_msgs::Detection3DArray;
use foxglove::Decode;
use foxglove::messages::{PoseInFrame, SceneUpdate};
use serde_json::{Value, json};
use tungstenite::Message;
use tungstenite::client::IntoClientRequest;
use tungstenite::http::HeaderValue;

use super::interactive::Session;

/// v1 (not v1.1): channel advertisements carry their schemas inline.
const SUBPROTOCOL: &str = "foxglove.sdk.v1";

/// Topic, message encoding, schema name, schema encoding.
const ADVERTISED: [(&str, &str, &str, &str); 26] = [
    ("/scan", "cdr", "sensor_msgs/msg/LaserScan", "ros2msg"),
    ("/odom", "cdr", "nav_msgs/msg/Odometry", "ros2msg"),
    ("/map", "cdr", "nav_msgs/msg/OccupancyGrid", "ros2msg"),
    (
        "/detections",
        "cdr",
        "vision_msgs/msg/Detection3DArray",
        "ros2msg",
    ),
    (
        "/battery_state",
        "cdr",
        "sensor_msgs/msg/BatteryState",
        "ros2msg",
    ),
    ("/imu", "cdr", "sensor_msgs/msg/Imu", "ros2msg"),
    ("/emergency_stop", "cdr", "std_msgs/msg/Bool", "ros2msg"),
    ("/agent/safety_reset", "cdr", "std_msgs/msg/Bool", "ros2msg"),
    ("/tf", "cdr", "tf2_msgs/msg/TFMessage", "ros2msg"),
    ("/tf_static", "cdr", "tf2_msgs/msg/TFMessage", "ros2msg"),
    ("/cmd_vel", "cdr", "geometry_msgs/msg/Twist", "ros2msg"),
    ("/agent/status", "cdr", "std_msgs/msg/String", "ros2msg"),
    ("/agent/say", "cdr", "std_msgs/msg/String", "ros2msg"),
    ("/agent/safety", "cdr", "std_msgs/msg/String", "ros2msg"),
    ("/plan", "cdr", "nav_msgs/msg/Path", "ros2msg"),
    ("/embodia/task", "json", "embodia/Event", "jsonschema"),
    ("/embodia/plan", "json", "embodia/Event", "jsonschema"),
    ("/embodia/step", "json", "embodia/Event", "jsonschema"),
    ("/embodia/report", "json", "embodia/Event", "jsonschema"),
    ("/embodia/grounding", "json", "embodia/Event", "jsonschema"),
    ("/embodia/memory", "json", "embodia/Event", "jsonschema"),
    (
        "/embodia/scene/world",
        "protobuf",
        "foxglove.SceneUpdate",
        "protobuf",
    ),
    (
        "/embodia/scene/robot",
        "protobuf",
        "foxglove.SceneUpdate",
        "protobuf",
    ),
    (
        "/embodia/scene/detections",
        "protobuf",
        "foxglove.SceneUpdate",
        "protobuf",
    ),
    (
        "/embodia/scene/goals",
        "protobuf",
        "foxglove.SceneUpdate",
        "protobuf",
    ),
    (
        "/embodia/pose",
        "protobuf",
        "foxglove.PoseInFrame",
        "protobuf",
    ),
];

/// Channels that carry nothing unless the robot speaks, the gate intervenes or an operator
/// presses a button; the built-in simulator has no IMU (a real robot's is recorded and shown);
/// the session runs without a memory, so nothing is written to one.
const MAY_STAY_SILENT: [&str; 6] = [
    "/embodia/memory",
    "/imu",
    "/agent/say",
    "/agent/safety",
    "/emergency_stop",
    "/agent/safety_reset",
];

type Ws = tungstenite::WebSocket<TcpStream>;

fn connect(addr: &str) -> Ws {
    let mut request = format!("ws://{addr}").into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static(SUBPROTOCOL),
    );
    let stream = TcpStream::connect(addr).expect("the live view accepts connections");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let (ws, response) = tungstenite::client(request, stream).expect("WebSocket handshake");
    assert_eq!(
        response.headers().get("Sec-WebSocket-Protocol"),
        Some(&HeaderValue::from_static(SUBPROTOCOL))
    );
    ws
}

/// One message decoded as its channel says, as a short description.
fn decode(topic: &str, encoding: &str, payload: &[u8]) -> String {
    match (encoding, topic) {
        ("json", _) => {
            let v: Value = serde_json::from_slice(payload).expect("JSON");
            assert!(v.is_object(), "{topic}: {v}");
            v.to_string()
        }
        ("cdr", "/scan") => {
            let m: LaserScan = embodia_ros::cdr::decode(payload).unwrap();
            assert!(!m.ranges.is_empty());
            format!("{} ranges", m.ranges.len())
        }
        ("cdr", "/odom") => {
            let m: Odometry = embodia_ros::cdr::decode(payload).unwrap();
            format!("odom at {:.2}", m.pose.pose.position.x)
        }
        ("cdr", "/map") => {
            let m: OccupancyGrid = embodia_ros::cdr::decode(payload).unwrap();
            assert_eq!(m.data.len(), (m.info.width * m.info.height) as usize);
            format!("{}x{} map", m.info.width, m.info.height)
        }
        ("cdr", "/detections") => {
            let m: Detection3DArray = embodia_ros::cdr::decode(payload).unwrap();
            format!("{} detections", m.detections.len())
        }
        ("cdr", "/tf" | "/tf_static") => {
            let m: TFMessage = embodia_ros::cdr::decode(payload).unwrap();
            assert!(!m.transforms.is_empty());
            format!("{} transforms", m.transforms.len())
        }
        ("cdr", "/battery_state") => {
            let m: BatteryState = embodia_ros::cdr::decode(payload).unwrap();
            format!("battery {:.2}", m.percentage)
        }
        ("cdr", "/imu") => {
            let m: Imu = embodia_ros::cdr::decode(payload).unwrap();
            format!("yaw rate {:.2}", m.angular_velocity.z)
        }
        ("cdr", "/emergency_stop" | "/agent/safety_reset") => {
            let m: Bool = embodia_ros::cdr::decode(payload).unwrap();
            format!("{}", m.data)
        }
        ("cdr", "/plan") => {
            let m: Path = embodia_ros::cdr::decode(payload).unwrap();
            assert_eq!(m.header.frame_id, "map");
            format!("{} poses", m.poses.len())
        }
        ("cdr", "/cmd_vel") => {
            let m: Twist = embodia_ros::cdr::decode(payload).unwrap();
            format!("v {:.2}", m.linear.x)
        }
        ("cdr", _) => {
            let m: RosString = embodia_ros::cdr::decode(payload).unwrap();
            m.data
        }
        ("protobuf", "/embodia/pose") => {
            let m = PoseInFrame::decode(payload).unwrap();
            assert!(!m.frame_id.is_empty());
            format!("pose in {}", m.frame_id)
        }
        ("protobuf", _) => {
            let m = SceneUpdate::decode(payload).unwrap();
            format!("{} entities", m.entities.len())
        }
        other => panic!("unexpected channel {other:?}"),
    }
}

#[test]
fn a_websocket_client_sees_every_channel_and_decodes_a_message_of_each() {
    let mut s = Session::start(&["--speed", "4", "--foxglove", "127.0.0.1:0"]);
    let stderr = s.child.stderr.take().unwrap();
    let mut stderr = BufReader::new(stderr).lines();
    let addr = loop {
        let line = stderr.next().expect("a line on stderr").unwrap();
        if let Some(rest) = line.strip_prefix("live view: ws://") {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    let mut ws = connect(&addr);

    // serverInfo, then the channels.
    let mut channels: BTreeMap<u64, (String, String)> = BTreeMap::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while channels.len() < ADVERTISED.len() && Instant::now() < deadline {
        let Message::Text(text) = ws.read().expect("a message") else {
            continue;
        };
        let v: Value = serde_json::from_str(text.as_str()).unwrap();
        if v["op"] == "serverInfo" {
            assert!(v["name"].as_str().unwrap().starts_with("embodia"));
        }
        if v["op"] != "advertise" {
            continue;
        }
        for c in v["channels"].as_array().unwrap() {
            let topic = c["topic"].as_str().unwrap();
            let want = ADVERTISED
                .iter()
                .find(|a| a.0 == topic)
                .unwrap_or_else(|| panic!("unexpected channel {c}"));
            assert_eq!(
                (
                    c["encoding"].as_str(),
                    c["schemaName"].as_str(),
                    c["schemaEncoding"].as_str()
                ),
                (Some(want.1), Some(want.2), Some(want.3)),
                "{topic}"
            );
            assert!(!c["schema"].as_str().unwrap().is_empty(), "{topic}");
            channels.insert(
                c["id"].as_u64().unwrap(),
                (topic.to_owned(), want.1.to_owned()),
            );
        }
    }
    let topics: BTreeSet<&str> = channels.values().map(|(t, _)| t.as_str()).collect();
    assert_eq!(topics, ADVERTISED.iter().map(|a| a.0).collect());

    let subscriptions: Vec<Value> = channels
        .keys()
        .map(|id| json!({ "id": id, "channelId": id }))
        .collect();
    ws.send(Message::Text(
        json!({ "op": "subscribe", "subscriptions": subscriptions })
            .to_string()
            .into(),
    ))
    .unwrap();
    s.say("find the red ball");

    let mut decoded: BTreeMap<String, String> = BTreeMap::new();
    let wanted = ADVERTISED.len() - MAY_STAY_SILENT.len();
    let deadline = Instant::now() + Duration::from_secs(120);
    while decoded
        .keys()
        .filter(|t| !MAY_STAY_SILENT.contains(&t.as_str()))
        .count()
        < wanted
        && Instant::now() < deadline
    {
        let Message::Binary(frame) = ws.read().expect("a message") else {
            continue;
        };
        // messageData: opcode 1, subscription id (u32), log time (u64), payload.
        assert_eq!(frame[0], 1, "opcode");
        let sub = u32::from_le_bytes(frame[1..5].try_into().unwrap()) as u64;
        let (topic, encoding) = &channels[&sub];
        if !decoded.contains_key(topic) {
            decoded.insert(topic.clone(), decode(topic, encoding, &frame[13..]));
        }
    }
    let missing: Vec<&str> = ADVERTISED
        .iter()
        .map(|a| a.0)
        .filter(|t| !decoded.contains_key(*t) && !MAY_STAY_SILENT.contains(t))
        .collect();
    assert!(
        missing.is_empty(),
        "nothing decoded on {missing:?}; got {decoded:#?}"
    );
    assert!(decoded["/embodia/task"].contains("find the red ball"));
    assert!(decoded["/embodia/plan"].contains("look_for"));
    assert!(decoded["/embodia/grounding"].contains("red ball"));
    drop(ws);
    s.say("stop");
    let lines = s.finish();
    assert!(lines.iter().any(|l| l.starts_with("done: ")), "{lines:?}");
}

/// Every topic a panel of `value` names (3D panel topics, raw-message topics, plot paths).
fn layout_topics(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(fields) => {
            for (k, v) in fields {
                match (k.as_str(), v) {
                    ("topics", Value::Object(t)) => out.extend(t.keys().cloned()),
                    ("topicPath" | "value", Value::String(path)) if path.starts_with('/') => {
                        out.insert(path.split('.').next().unwrap().to_owned());
                    }
                    _ => layout_topics(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| layout_topics(v, out)),
        _ => {}
    }
}

#[test]
fn the_shipped_foxglove_layout_names_only_channels_the_live_view_serves() {
    let text = std::fs::read_to_string(crate::root().join("launch/foxglove/embodia-layout.json"))
        .expect("the layout is shipped");
    let layout: Value = serde_json::from_str(&text).expect("the layout is JSON");
    let mut named = BTreeSet::new();
    layout_topics(&layout["configById"], &mut named);
    for topic in [
        "/map",
        "/scan",
        "/embodia/scene/robot",
        "/embodia/plan",
        "/odom",
    ] {
        assert!(named.contains(topic), "the layout shows {topic}");
    }
    let served: BTreeSet<String> = ADVERTISED.iter().map(|a| a.0.to_owned()).collect();
    let unknown: Vec<&String> = named.difference(&served).collect();
    assert!(
        unknown.is_empty(),
        "the layout names channels nobody serves: {unknown:?}"
    );
    // Every panel the layout arranges is configured, and every configured one is placed.
    let mut placed = BTreeSet::new();
    fn leaves(node: &Value, out: &mut BTreeSet<String>) {
        match node {
            Value::String(id) => {
                out.insert(id.clone());
            }
            Value::Object(split) => {
                leaves(&split["first"], out);
                leaves(&split["second"], out);
            }
            _ => panic!("bad layout node {node}"),
        }
    }
    leaves(&layout["layout"], &mut placed);
    let configured: BTreeSet<String> = layout["configById"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(placed, configured);
}
