//! The agent's parameters, by ROS 2 name: one registry that applies `--ros-args` parameters to
//! [`AgentConfig`], refuses unknown or ill-typed ones by name, and generates the README table.

use std::collections::BTreeMap;

use embodia_ros::args::ParamValue;
use thiserror::Error;

use crate::agent::AgentConfig;

/// Largest detector range taken, m: beyond it no detector is reliable, and the record of
/// where it looked would cost ever more per message.
pub const MAX_DETECTOR_RANGE_M: f64 = 50.0;

/// Why a parameter was refused.
#[derive(Debug, Error, PartialEq)]
#[non_exhaustive]
pub enum ParamError {
    /// No such parameter.
    #[error(
        "unknown parameter {0:?}. Fix: see the parameter table in README.md (`embodia params` lists them)"
    )]
    Unknown(String),
    /// Wrong type.
    #[error("parameter {name} must be {expected}, got {got} ({value})")]
    WrongType {
        /// The parameter.
        name: String,
        /// What it takes.
        expected: &'static str,
        /// What it got.
        got: &'static str,
        /// The value as given.
        value: String,
    },
    /// Right type, unusable value.
    #[error("parameter {name}: {problem}")]
    Invalid {
        /// The parameter.
        name: String,
        /// Why.
        problem: String,
    },
}

/// What a parameter holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `double`.
    Double,
    /// `integer`.
    Integer,
    /// `bool`.
    Bool,
    /// `string`.
    String,
    /// `string`, where empty means "none" (a setting that is off until given).
    OptionalString,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Double => "a double",
            Kind::Integer => "an integer",
            Kind::Bool => "a bool",
            Kind::String | Kind::OptionalString => "a string",
        }
    }
}

type Setter = fn(&mut AgentConfig, &ParamValue);
type Getter = fn(&AgentConfig) -> String;

/// One parameter.
pub struct ParamSpec {
    /// ROS 2 name.
    pub name: &'static str,
    /// Type.
    pub kind: Kind,
    /// What it does.
    pub doc: &'static str,
    set: Setter,
    get: Getter,
}

fn f(v: &ParamValue) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}
fn s(v: &ParamValue) -> String {
    match v {
        ParamValue::String(s) => s.clone(),
        _ => String::new(),
    }
}
fn b(v: &ParamValue) -> bool {
    matches!(v, ParamValue::Bool(true))
}
fn i(v: &ParamValue) -> i64 {
    match v {
        ParamValue::Integer(i) => *i,
        _ => 0,
    }
}

macro_rules! p {
    ($name:literal, $kind:ident, $doc:literal, |$c:ident, $v:ident| $set:expr, |$g:ident| $get:expr) => {
        ParamSpec {
            name: $name,
            kind: Kind::$kind,
            doc: $doc,
            set: |$c: &mut AgentConfig, $v: &ParamValue| $set,
            get: |$g: &AgentConfig| $get,
        }
    };
}

/// Every parameter, in table order.
pub fn registry() -> Vec<ParamSpec> {
    vec![
        p!(
            "max_linear",
            Double,
            "Largest absolute linear speed the gate lets out, m/s (never above the robot's own)",
            |c, v| c.gate.max_linear = f(v),
            |c| c.gate.max_linear.to_string()
        ),
        p!(
            "max_angular",
            Double,
            "Largest absolute angular speed, rad/s",
            |c, v| c.gate.max_angular = f(v),
            |c| c.gate.max_angular.to_string()
        ),
        p!(
            "max_linear_accel",
            Double,
            "Largest rise of the absolute linear speed per second, m/s^2",
            |c, v| c.gate.max_linear_accel = f(v),
            |c| c.gate.max_linear_accel.to_string()
        ),
        p!(
            "max_linear_decel",
            Double,
            "Braking assumed by the stopping distance and allowed for ordinary slowing, m/s^2",
            |c, v| c.gate.max_linear_decel = f(v),
            |c| c.gate.max_linear_decel.to_string()
        ),
        p!(
            "max_angular_accel",
            Double,
            "Largest change of angular speed per second, rad/s^2",
            |c, v| c.gate.max_angular_accel = f(v),
            |c| c.gate.max_angular_accel.to_string()
        ),
        p!(
            "robot_radius",
            Double,
            "Radius of the body disc, m",
            |c, v| c.gate.robot_radius = f(v),
            |c| c.gate.robot_radius.to_string()
        ),
        p!(
            "stop_margin",
            Double,
            "Clearance kept after stopping, m",
            |c, v| c.gate.stop_margin = f(v),
            |c| c.gate.stop_margin.to_string()
        ),
        p!(
            "slowdown_distance",
            Double,
            "Speed ramps down over this distance before the stopping distance, m",
            |c, v| c.gate.slowdown_distance = f(v),
            |c| c.gate.slowdown_distance.to_string()
        ),
        p!(
            "creep_speed",
            Double,
            "Largest speed into space the scan did not observe (outside its field of view, NaN beams, within range_min), m/s; 0 refuses such motion",
            |c, v| c.gate.creep_speed = f(v),
            |c| c.gate.creep_speed.to_string()
        ),
        p!(
            "max_scan_age_s",
            Double,
            "A scan older than this stops the robot, s",
            |c, v| c.gate.max_scan_age_s = f(v),
            |c| c.gate.max_scan_age_s.to_string()
        ),
        p!(
            "max_odom_age_s",
            Double,
            "Odometry older than this stops the robot, s",
            |c, v| c.gate.max_odom_age_s = f(v),
            |c| c.gate.max_odom_age_s.to_string()
        ),
        p!(
            "sensor_lost_s",
            Double,
            "A step that asks to move fails (not retried) when the gate has held it for this long for want of fresh /scan or /odom, s",
            |c, v| c.sensor_lost_s = f(v),
            |c| c.sensor_lost_s.to_string()
        ),
        p!(
            "deadman_s",
            Double,
            "No command from the skills for this long stops the robot, s",
            |c, v| c.gate.deadman_s = f(v),
            |c| c.gate.deadman_s.to_string()
        ),
        p!(
            "divergence_linear",
            Double,
            "Odometry vs command difference that counts as divergence, m/s",
            |c, v| c.gate.divergence_linear = f(v),
            |c| c.gate.divergence_linear.to_string()
        ),
        p!(
            "divergence_angular",
            Double,
            "Same for turning, rad/s",
            |c, v| c.gate.divergence_angular = f(v),
            |c| c.gate.divergence_angular.to_string()
        ),
        p!(
            "divergence_time_s",
            Double,
            "Divergence lasting this long latches a stop, s",
            |c, v| c.gate.divergence_time_s = f(v),
            |c| c.gate.divergence_time_s.to_string()
        ),
        p!(
            "contact_distance",
            Double,
            "Scan hits this close to the body's edge are contact, m",
            |c, v| c.gate.contact_distance = f(v),
            |c| c.gate.contact_distance.to_string()
        ),
        p!(
            "contact_beams",
            Integer,
            "Beams showing contact in two scans running that latch a collision stop",
            |c, v| c.gate.contact_beams = i(v).max(1) as usize,
            |c| c.gate.contact_beams.to_string()
        ),
        p!(
            "control_hz",
            Double,
            "Control loop rate, Hz",
            |c, v| c.control_hz = f(v),
            |c| c.control_hz.to_string()
        ),
        p!(
            "cruise_speed",
            Double,
            "Speed the path follower aims for, m/s",
            |c, v| c.cruise_speed = f(v),
            |c| c.cruise_speed.to_string()
        ),
        p!(
            "detector_fov_deg",
            Double,
            "The detector's horizontal field of view, degrees: what one detection message covers, for coverage search",
            |c, v| c.perception.camera.fov_deg = f(v),
            |c| c.perception.camera.fov_deg.to_string()
        ),
        p!(
            "detector_range",
            Double,
            "Distance up to which the detector reports objects, m",
            |c, v| c.perception.camera.range_m = f(v),
            |c| c.perception.camera.range_m.to_string()
        ),
        p!(
            "search_coverage",
            Double,
            "A search that has seen this fraction of the reachable floor gives up, 0..1",
            |c, v| c.coverage.goal_fraction = f(v),
            |c| c.coverage.goal_fraction.to_string()
        ),
        p!(
            "stamped_cmd_vel",
            Bool,
            "Publish geometry_msgs/TwistStamped (ros2_controllers) instead of Twist (Nav2, Gazebo)",
            |c, v| c.stamped_cmd_vel = b(v),
            |c| c.stamped_cmd_vel.to_string()
        ),
        p!(
            "navigation",
            String,
            "How navigate_to drives: builtin (own planner and follower), nav2 (Nav2's navigate_to_pose; its velocity passes the gate) or auto (nav2 if its server is found at start)",
            |c, v| c.navigation = s(v).parse().unwrap_or_default(),
            |c| c.navigation.to_string()
        ),
        p!(
            "nav2_action",
            String,
            "Nav2's nav2_msgs/action/NavigateToPose action (navigation nav2 or auto)",
            |c, v| c.nav2_action = s(v),
            |c| c.nav2_action.clone()
        ),
        p!(
            "plan_deadline_s",
            Double,
            "A plan not ready in this long fails the task, s",
            |c, v| c.deliberative.plan_deadline = std::time::Duration::from_secs_f64(f(v).max(0.0)),
            |c| c.deliberative.plan_deadline.as_secs_f64().to_string()
        ),
        p!(
            "max_replans",
            Integer,
            "Replans allowed after retryable step failures",
            |c, v| c.deliberative.max_replans = i(v).max(0) as usize,
            |c| c.deliberative.max_replans.to_string()
        ),
        p!(
            "use_sim_time",
            Bool,
            "Take time from /clock (a simulator's) instead of the system clock, as ROS 2 nodes do",
            |c, v| c.use_sim_time = b(v),
            |c| c.use_sim_time.to_string()
        ),
        p!(
            "places_file",
            String,
            "Places file (named places and keep-out zones in the map frame) for a real robot; instead of --world. --places overrides it",
            |c, v| c.places_file = Some(s(v).into()),
            |c| c
                .places_file
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        ),
        p!(
            "named_place_radius",
            Double,
            "Radius of a place named while running (\"remember this place as the charging dock\"), m",
            |c, v| c.named_place_radius = f(v),
            |c| c.named_place_radius.to_string()
        ),
        p!(
            "map_frame",
            String,
            "Frame of places and /map; a localiser (AMCL, SLAM) publishes it -> odom on /tf",
            |c, v| c.perception.map_frame = s(v),
            |c| c.perception.map_frame.clone()
        ),
        p!(
            "localisation_timeout_s",
            Double,
            "A localiser's map -> odom older than this is stale: the pose is held and the gate stops the robot, s",
            |c, v| c.perception.localisation_timeout_ns = (f(v) * 1e9) as i64,
            |c| (c.perception.localisation_timeout_ns as f64 * 1e-9).to_string()
        ),
        p!(
            "base_frame",
            String,
            "Robot body frame (detections in it are placed with odometry)",
            |c, v| c.perception.base_frame = s(v),
            |c| c.perception.base_frame.clone()
        ),
        p!(
            "planner_url",
            OptionalString,
            "Inference server for `--planner remote` (OpenAI-compatible: base URL or full `/v1/chat/completions` / `/v1/completions` URL); API key from EMBODIA_PLANNER_API_KEY",
            |c, v| c.remote_planner.url = s(v),
            |c| c.remote_planner.url.clone()
        ),
        p!(
            "planner_model",
            OptionalString,
            "Model name sent to the inference server (empty: none sent)",
            |c, v| c.remote_planner.model = s(v),
            |c| c.remote_planner.model.clone()
        ),
        p!(
            "planner_timeout_s",
            Double,
            "A remote plan not back within this falls back to the on-device planner, s (keep it well under the planning deadline)",
            |c, v| c.remote_planner.timeout_s = f(v),
            |c| c.remote_planner.timeout_s.to_string()
        ),
        p!(
            "planner_grammar",
            Bool,
            "Send the plan grammar (GBNF, llama.cpp's `grammar` field) to the inference server",
            |c, v| c.remote_planner.grammar = b(v),
            |c| c.remote_planner.grammar.to_string()
        ),
        p!(
            "topics.cmd_vel",
            String,
            "Velocity commands out",
            |c, v| c.topics.cmd_vel = s(v),
            |c| c.topics.cmd_vel.clone()
        ),
        p!(
            "topics.scan",
            String,
            "sensor_msgs/LaserScan in",
            |c, v| c.perception.topics.scan = s(v),
            |c| c.perception.topics.scan.clone()
        ),
        p!(
            "topics.odom",
            String,
            "nav_msgs/Odometry in",
            |c, v| c.perception.topics.odom = s(v),
            |c| c.perception.topics.odom.clone()
        ),
        p!(
            "topics.map",
            String,
            "nav_msgs/OccupancyGrid in (transient-local)",
            |c, v| c.perception.topics.map = s(v),
            |c| c.perception.topics.map.clone()
        ),
        p!(
            "topics.detections",
            String,
            "vision_msgs/Detection3DArray in",
            |c, v| c.perception.topics.detections = s(v),
            |c| c.perception.topics.detections.clone()
        ),
        p!(
            "topics.battery",
            String,
            "sensor_msgs/BatteryState in",
            |c, v| c.perception.topics.battery = s(v),
            |c| c.perception.topics.battery.clone()
        ),
        p!(
            "topics.imu",
            String,
            "sensor_msgs/Imu in, when present",
            |c, v| c.perception.topics.imu = s(v),
            |c| c.perception.topics.imu.clone()
        ),
        p!(
            "topics.tf_static",
            String,
            "tf2_msgs/TFMessage in (transient local); places the lidar on the base",
            |c, v| c.perception.topics.tf_static = s(v),
            |c| c.perception.topics.tf_static.clone()
        ),
        p!(
            "topics.tf",
            String,
            "tf2_msgs/TFMessage in; a localiser's map -> odom",
            |c, v| c.perception.topics.tf = s(v),
            |c| c.perception.topics.tf.clone()
        ),
        p!(
            "topics.places",
            String,
            "std_msgs/String JSON of every place and keep-out zone out (transient-local)",
            |c, v| c.topics.places = s(v),
            |c| c.topics.places.clone()
        ),
        p!(
            "topics.fleet_memory",
            String,
            "std_msgs/String JSON sightings shared by a fleet's robots, in and out (reliable, transient-local, last 100 kept); absolute, outside the namespace",
            |c, v| c.topics.fleet_memory = s(v),
            |c| c.topics.fleet_memory.clone()
        ),
        p!(
            "fleet_memory",
            Bool,
            "In a namespace (a fleet), share what the robot sees on topics.fleet_memory and remember the other robots' sightings (needs memory)",
            |c, v| c.fleet_memory = b(v),
            |c| c.fleet_memory.to_string()
        ),
        p!(
            "topics.emergency_stop",
            String,
            "std_msgs/Bool in; true latches a stop",
            |c, v| c.perception.topics.emergency_stop = s(v),
            |c| c.perception.topics.emergency_stop.clone()
        ),
        p!(
            "topics.task",
            String,
            "std_msgs/String tasks in",
            |c, v| c.topics.task = s(v),
            |c| c.topics.task.clone()
        ),
        p!(
            "topics.execute_task",
            String,
            "embodia_interfaces/action/ExecuteTask action served (DDS transport)",
            |c, v| c.topics.execute_task = s(v),
            |c| c.topics.execute_task.clone()
        ),
        p!(
            "topics.status",
            String,
            "std_msgs/String JSON status out",
            |c, v| c.topics.status = s(v),
            |c| c.topics.status.clone()
        ),
        p!(
            "topics.plan",
            String,
            "nav_msgs/Path the built-in navigator's planned path out",
            |c, v| c.topics.plan = s(v),
            |c| c.topics.plan.clone()
        ),
        p!(
            "topics.say",
            String,
            "std_msgs/String speech out",
            |c, v| c.topics.say = s(v),
            |c| c.topics.say.clone()
        ),
        p!(
            "topics.safety",
            String,
            "std_msgs/String JSON interventions out",
            |c, v| c.topics.safety = s(v),
            |c| c.topics.safety.clone()
        ),
        p!(
            "topics.safety_reset",
            String,
            "std_msgs/Bool in; true clears latched stops",
            |c, v| c.topics.safety_reset = s(v),
            |c| c.topics.safety_reset.clone()
        ),
        p!(
            "topics.nav2_cmd_vel",
            String,
            "geometry_msgs/Twist in: Nav2's controller output, remapped here; passed through the gate",
            |c, v| c.topics.nav2_cmd_vel = s(v),
            |c| c.topics.nav2_cmd_vel.clone()
        ),
    ]
}

/// Applies `params` to `config`; every name must be known and every value of the right type,
/// and the result must pass the gate's own checks.
pub fn apply(
    config: &mut AgentConfig,
    params: &BTreeMap<String, ParamValue>,
) -> Result<(), ParamError> {
    let specs = registry();
    for (name, value) in params {
        let spec = specs
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(|| ParamError::Unknown(name.clone()))?;
        let ok = match (spec.kind, value) {
            (Kind::Double, ParamValue::Double(v)) => v.is_finite(),
            (Kind::Double, ParamValue::Integer(_)) => true,
            (Kind::Integer, ParamValue::Integer(_)) => true,
            (Kind::Bool, ParamValue::Bool(_)) => true,
            (Kind::String, ParamValue::String(s)) => !s.is_empty(),
            (Kind::OptionalString, ParamValue::String(_)) => true,
            _ => false,
        };
        if !ok {
            return Err(ParamError::WrongType {
                name: name.clone(),
                expected: spec.kind.name(),
                got: value.type_name(),
                value: format!("{value:?}"),
            });
        }
        if spec.name == "navigation"
            && let Err(problem) = s(value).parse::<crate::agent::Navigation>()
        {
            return Err(ParamError::Invalid {
                name: name.clone(),
                problem,
            });
        }
        (spec.set)(config, value);
    }
    if let Some(problem) = config.gate.problem() {
        return Err(ParamError::Invalid {
            name: "safety gate".into(),
            problem,
        });
    }
    let r = config.named_place_radius;
    if !(r > 0.0 && r <= crate::places::MAX_NAMED_PLACE_RADIUS) {
        return Err(ParamError::Invalid {
            name: "named_place_radius".into(),
            problem: format!(
                "must be in (0, {}] m, got {r}",
                crate::places::MAX_NAMED_PLACE_RADIUS
            ),
        });
    }
    let t = config.perception.localisation_timeout_ns;
    if t <= 0 {
        return Err(ParamError::Invalid {
            name: "localisation_timeout_s".into(),
            problem: format!("must be positive, got {} s", t as f64 * 1e-9),
        });
    }
    let cam = config.perception.camera;
    if !(cam.fov_deg > 0.0 && cam.fov_deg <= 360.0) {
        return Err(ParamError::Invalid {
            name: "detector_fov_deg".into(),
            problem: format!("must be in (0, 360], got {}", cam.fov_deg),
        });
    }
    if !(cam.range_m > 0.0 && cam.range_m <= MAX_DETECTOR_RANGE_M) {
        return Err(ParamError::Invalid {
            name: "detector_range".into(),
            problem: format!(
                "must be in (0, {MAX_DETECTOR_RANGE_M}] m, got {} (the work per detection grows with its square)",
                cam.range_m
            ),
        });
    }
    if !(config.coverage.goal_fraction > 0.0 && config.coverage.goal_fraction <= 1.0) {
        return Err(ParamError::Invalid {
            name: "search_coverage".into(),
            problem: format!("must be in (0, 1], got {}", config.coverage.goal_fraction),
        });
    }
    let timeout = config.remote_planner.timeout_s;
    if !(timeout > 0.0 && timeout <= 600.0) {
        return Err(ParamError::Invalid {
            name: "planner_timeout_s".into(),
            problem: format!("must be in (0, 600] s, got {timeout}"),
        });
    }
    if !(config.control_hz.is_finite() && config.control_hz > 0.0 && config.control_hz <= 1000.0) {
        return Err(ParamError::Invalid {
            name: "control_hz".into(),
            problem: "must be in (0, 1000]".into(),
        });
    }
    Ok(())
}

/// Every parameter's value in `config`, by name, as [`table`] prints defaults: what a recording
/// keeps so that a replay rebuilds the same agent.
pub fn values(config: &AgentConfig) -> BTreeMap<String, String> {
    registry()
        .into_iter()
        .map(|s| (s.name.to_owned(), (s.get)(config)))
        .collect()
}

/// Parameters from [`values`]' text back to typed values (each read as its parameter's type,
/// so a string that looks like a number stays a string). An empty string is a parameter that
/// was not set (`places_file` without a file) and is left out.
pub fn from_values(
    values: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, ParamValue>, ParamError> {
    let specs = registry();
    values
        .iter()
        .filter(|(name, text)| {
            !(text.is_empty()
                && specs
                    .iter()
                    .any(|s| s.name == name.as_str() && s.kind == Kind::String))
        })
        .map(|(name, text)| {
            let spec = specs
                .iter()
                .find(|s| s.name == name)
                .ok_or_else(|| ParamError::Unknown(name.clone()))?;
            let wrong = || ParamError::WrongType {
                name: name.clone(),
                expected: spec.kind.name(),
                got: "text",
                value: text.clone(),
            };
            let value = match spec.kind {
                Kind::Double => ParamValue::Double(text.parse().map_err(|_| wrong())?),
                Kind::Integer => ParamValue::Integer(text.parse().map_err(|_| wrong())?),
                Kind::Bool => ParamValue::Bool(text.parse().map_err(|_| wrong())?),
                Kind::String | Kind::OptionalString => ParamValue::String(text.clone()),
            };
            Ok((name.clone(), value))
        })
        .collect()
}

/// The Markdown table of every parameter with its default.
pub fn table() -> String {
    let defaults = AgentConfig::default();
    let mut out = String::from("| parameter | type | default | meaning |\n|---|---|---|---|\n");
    for s in registry() {
        out.push_str(&format!(
            "| `{}` | {} | `{}` | {} |\n",
            s.name,
            s.kind
                .name()
                .trim_start_matches("a ")
                .trim_start_matches("an "),
            match (s.get)(&defaults) {
                v if v.is_empty() => "\"\"".to_owned(),
                v => v,
            },
            s.doc
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, ParamValue)]) -> BTreeMap<String, ParamValue> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn values_round_trip_to_the_same_config() {
        let mut config = AgentConfig::default();
        apply(
            &mut config,
            &params(&[("max_linear", ParamValue::Double(0.3125))]),
        )
        .unwrap();
        let mut again = AgentConfig::default();
        apply(&mut again, &from_values(&values(&config)).unwrap()).unwrap();
        assert_eq!(values(&again), values(&config));
        assert_eq!(values(&again)["max_linear"], "0.3125");
    }

    #[test]
    fn known_parameters_set_the_config() {
        let mut c = AgentConfig::default();
        apply(
            &mut c,
            &params(&[
                ("max_linear", ParamValue::Double(0.3)),
                ("contact_beams", ParamValue::Integer(5)),
                ("stamped_cmd_vel", ParamValue::Bool(true)),
                ("topics.scan", ParamValue::String("/front/scan".into())),
                ("deadman_s", ParamValue::Integer(1)),
            ]),
        )
        .unwrap();
        assert_eq!(c.gate.max_linear, 0.3);
        assert_eq!(c.gate.contact_beams, 5);
        assert!(c.stamped_cmd_vel);
        assert_eq!(c.perception.topics.scan, "/front/scan");
        assert_eq!(c.gate.deadman_s, 1.0, "integers widen to doubles");
    }

    #[test]
    fn unknown_and_ill_typed_parameters_are_refused_by_name() {
        let mut c = AgentConfig::default();
        let e = apply(&mut c, &params(&[("max_lineer", ParamValue::Double(0.3))])).unwrap_err();
        assert!(e.to_string().contains("\"max_lineer\""), "{e}");
        let e = apply(
            &mut c,
            &params(&[("max_linear", ParamValue::String("fast".into()))]),
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("max_linear must be a double, got string"),
            "{e}"
        );
        let e = apply(
            &mut c,
            &params(&[("stamped_cmd_vel", ParamValue::Integer(1))]),
        )
        .unwrap_err();
        assert!(e.to_string().contains("must be a bool"), "{e}");
        let e = apply(&mut c, &params(&[("max_linear", ParamValue::Double(-1.0))])).unwrap_err();
        assert!(e.to_string().contains("max_linear"), "{e}");
    }

    #[test]
    fn the_readme_lists_every_parameter_with_its_default() {
        let readme = include_str!("../../README.md");
        for line in table().lines().skip(2) {
            assert!(
                readme.contains(line),
                "README.md lacks the row:\n{line}\n(regenerate with `embodia params`)"
            );
        }
    }
}
