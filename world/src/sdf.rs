//! The same world as a Gazebo (Harmonic, SDF 1.9) world, so Gazebo and the built-in simulator
//! run the same rooms: walls as static boxes, solid objects as static boxes, other objects as
//! visuals only, and `embodia_robot`, a diff-drive base with a 2D lidar and a battery whose
//! topics are the ones `launch/gz_bridge.yaml` bridges.

use std::fmt::Write;

use crate::World;
use crate::world::WALL_THICKNESS;

/// Wall height in Gazebo (the built-in simulator is planar).
pub const WALL_HEIGHT: f64 = 1.0;
/// The lidar the SDF robot carries: the built-in simulator's defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SdfLidar {
    /// Beams per sweep, over 360 degrees.
    pub beams: usize,
    /// Nearest range, metres.
    pub range_min: f64,
    /// Farthest range, metres.
    pub range_max: f64,
}

impl Default for SdfLidar {
    fn default() -> Self {
        Self {
            beams: 360,
            range_min: 0.12,
            range_max: 12.0,
        }
    }
}

fn model_name(prefix: &str, i: usize, name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("{prefix}_{i}_{clean}")
}

fn static_box(
    out: &mut String,
    name: &str,
    pose: [f64; 3],
    size: [f64; 3],
    collide: bool,
    rgb: [f64; 3],
) {
    let [x, y, yaw] = pose;
    let [sx, sy, sz] = size;
    let [r, g, b] = rgb;
    let geometry = format!("<geometry><box><size>{sx:.3} {sy:.3} {sz:.3}</size></box></geometry>");
    let collision = if collide {
        format!("\n        <collision name=\"collision\">{geometry}</collision>")
    } else {
        String::new()
    };
    let _ = write!(
        out,
        r#"
    <model name="{name}">
      <static>true</static>
      <pose>{x:.3} {y:.3} {z:.3} 0 0 {yaw:.4}</pose>
      <link name="link">{collision}
        <visual name="visual">{geometry}<material><diffuse>{r} {g} {b} 1</diffuse><ambient>{r} {g} {b} 1</ambient></material></visual>
      </link>
    </model>"#,
        z = sz / 2.0
    );
}

/// The SDF text of `world`.
pub fn to_sdf(world: &World, lidar: SdfLidar) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<?xml version="1.0"?>
<!-- Generated from {source} by `embodia world-sdf`; do not edit (a test keeps it equal). -->
<sdf version="1.9">
  <world name="{name}">
    <physics name="1ms" type="ignored"><max_step_size>0.001</max_step_size><real_time_factor>1.0</real_time_factor></physics>
    <plugin filename="gz-sim-physics-system" name="gz::sim::systems::Physics"/>
    <plugin filename="gz-sim-user-commands-system" name="gz::sim::systems::UserCommands"/>
    <plugin filename="gz-sim-scene-broadcaster-system" name="gz::sim::systems::SceneBroadcaster"/>
    <plugin filename="gz-sim-sensors-system" name="gz::sim::systems::Sensors"><render_engine>ogre2</render_engine></plugin>
    <light type="directional" name="sun"><cast_shadows>true</cast_shadows><pose>0 0 10 0 0 0</pose><direction>-0.5 0.1 -0.9</direction></light>
    <model name="ground_plane">
      <static>true</static>
      <pose>{gx:.3} {gy:.3} 0 0 0 0</pose>
      <link name="link">
        <collision name="collision"><geometry><plane><normal>0 0 1</normal><size>{sx:.3} {sy:.3}</size></plane></geometry></collision>
        <visual name="visual"><geometry><plane><normal>0 0 1</normal><size>{sx:.3} {sy:.3}</size></plane></geometry></visual>
      </link>
    </model>"#,
        source = world
            .source
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| "a world file".into()),
        name = world.name,
        gx = world.size.x / 2.0,
        gy = world.size.y / 2.0,
        sx = world.size.x,
        sy = world.size.y,
    );
    for (i, wall) in world.walls.iter().enumerate() {
        let d = wall.b - wall.a;
        let mid = (wall.a + wall.b) / 2.0;
        let len = d.norm() + WALL_THICKNESS;
        static_box(
            &mut out,
            &format!("wall_{i}"),
            [mid.x, mid.y, d.y.atan2(d.x)],
            [len, WALL_THICKNESS, WALL_HEIGHT],
            true,
            [0.8, 0.8, 0.8],
        );
    }
    for (i, o) in world.objects.iter().enumerate() {
        let h = if o.solid { 0.5 } else { o.size.max(0.05) };
        static_box(
            &mut out,
            &model_name("object", i, &o.name),
            [o.at.x, o.at.y, 0.0],
            [o.size, o.size, h],
            o.solid,
            [0.6, 0.4, 0.2],
        );
    }
    let r = &world.robot;
    let [x, y, yaw] = r.start;
    let wheel_sep = 2.0 * r.radius * 0.8;
    let wheel_r = 0.05;
    let _ = write!(
        out,
        r#"
    <model name="embodia_robot">
      <pose>{x:.3} {y:.3} 0 0 0 {yaw:.4}</pose>
      <link name="base_link">
        <pose>0 0 {base_z:.3} 0 0 0</pose>
        <inertial><mass>8.0</mass><inertia><ixx>0.1</ixx><iyy>0.1</iyy><izz>0.15</izz></inertia></inertial>
        <collision name="collision"><geometry><cylinder><radius>{radius:.3}</radius><length>0.12</length></cylinder></geometry></collision>
        <visual name="visual"><geometry><cylinder><radius>{radius:.3}</radius><length>0.12</length></cylinder></geometry></visual>
        <collision name="caster"><pose>{caster_x:.3} 0 -0.06 0 0 0</pose><geometry><sphere><radius>0.035</radius></sphere></geometry>
          <surface><friction><ode><mu>0</mu><mu2>0</mu2></ode></friction></surface></collision>
      </link>
      <link name="lidar_link">
        <pose>0 0 {lidar_z:.3} 0 0 0</pose>
        <inertial><mass>0.1</mass></inertial>
        <visual name="visual"><geometry><cylinder><radius>0.03</radius><length>0.04</length></cylinder></geometry></visual>
        <sensor name="lidar" type="gpu_lidar">
          <topic>/scan</topic>
          <gz_frame_id>base_link</gz_frame_id>
          <update_rate>10</update_rate>
          <always_on>true</always_on>
          <lidar>
            <scan><horizontal><samples>{beams}</samples><resolution>1</resolution><min_angle>-3.14159</min_angle><max_angle>3.14159</max_angle></horizontal></scan>
            <range><min>{rmin}</min><max>{rmax}</max><resolution>0.01</resolution></range>
            <noise><type>gaussian</type><mean>0</mean><stddev>0.01</stddev></noise>
          </lidar>
        </sensor>
      </link>
      <joint name="lidar_joint" type="fixed"><parent>base_link</parent><child>lidar_link</child></joint>
      <link name="left_wheel">
        <pose>0 {half_sep:.3} {wheel_r} -1.5707 0 0</pose>
        <inertial><mass>0.5</mass></inertial>
        <collision name="collision"><geometry><cylinder><radius>{wheel_r}</radius><length>0.03</length></cylinder></geometry></collision>
        <visual name="visual"><geometry><cylinder><radius>{wheel_r}</radius><length>0.03</length></cylinder></geometry></visual>
      </link>
      <link name="right_wheel">
        <pose>0 -{half_sep:.3} {wheel_r} -1.5707 0 0</pose>
        <inertial><mass>0.5</mass></inertial>
        <collision name="collision"><geometry><cylinder><radius>{wheel_r}</radius><length>0.03</length></cylinder></geometry></collision>
        <visual name="visual"><geometry><cylinder><radius>{wheel_r}</radius><length>0.03</length></cylinder></geometry></visual>
      </link>
      <joint name="left_wheel_joint" type="revolute"><parent>base_link</parent><child>left_wheel</child><axis><xyz>0 0 1</xyz></axis></joint>
      <joint name="right_wheel_joint" type="revolute"><parent>base_link</parent><child>right_wheel</child><axis><xyz>0 0 1</xyz></axis></joint>
      <plugin filename="gz-sim-diff-drive-system" name="gz::sim::systems::DiffDrive">
        <left_joint>left_wheel_joint</left_joint>
        <right_joint>right_wheel_joint</right_joint>
        <wheel_separation>{sep:.3}</wheel_separation>
        <wheel_radius>{wheel_r}</wheel_radius>
        <max_linear_velocity>{vmax}</max_linear_velocity>
        <max_angular_velocity>{wmax}</max_angular_velocity>
        <max_linear_acceleration>{amax}</max_linear_acceleration>
        <max_angular_acceleration>{aamax}</max_angular_acceleration>
        <topic>/model/embodia_robot/cmd_vel</topic>
        <odom_topic>/model/embodia_robot/odometry</odom_topic>
        <frame_id>odom</frame_id>
        <child_frame_id>base_link</child_frame_id>
        <odom_publish_frequency>50</odom_publish_frequency>
      </plugin>
      <plugin filename="gz-sim-linearbatteryplugin-system" name="gz::sim::systems::LinearBatteryPlugin">
        <battery_name>linear_battery</battery_name>
        <voltage>12.6</voltage>
        <open_circuit_voltage_constant_coef>12.6</open_circuit_voltage_constant_coef>
        <capacity>5.0</capacity>
        <resistance>0.06</resistance>
        <smooth_current_tau>1.0</smooth_current_tau>
        <power_load>20.0</power_load>
        <enable_recharge>false</enable_recharge>
      </plugin>
    </model>
  </world>
</sdf>
"#,
        base_z = wheel_r + 0.04,
        radius = r.radius,
        caster_x = -r.radius * 0.7,
        lidar_z = wheel_r + 0.16,
        beams = lidar.beams,
        rmin = lidar.range_min,
        rmax = lidar.range_max,
        half_sep = wheel_sep / 2.0,
        sep = wheel_sep,
        vmax = r.max_linear,
        wmax = r.max_angular,
        amax = r.max_linear_accel,
        aamax = r.max_angular_accel,
    );
    out
}
