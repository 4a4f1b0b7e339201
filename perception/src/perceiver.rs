//! The perception node: subscriptions in, [`WorldState`] and [`Observation`]s out.

use std::collections::VecDeque;
use std::sync::Arc;

use embodia_ros::msg::nav_msgs::{OccupancyGrid, Odometry};
use embodia_ros::msg::sensor_msgs::{BatteryState, Imu, LaserScan};
use embodia_ros::msg::std_msgs::Bool;
use embodia_ros::msg::tf2_msgs::TFMessage;
use embodia_ros::msg::vision_msgs::Detection3DArray;
use embodia_ros::{Bus, BusError, Delivery, QosProfile, Subscription};
use embodia_world::V2;
use thiserror::Error;

use crate::coverage::{CoverageJob, SeenGrid, ViewCone};
use crate::localisation::{Localiser, Lookup};
use crate::mounts::{Rigid, SensorMounts};
use crate::observation::{Observation, ObservationKind};
use crate::scan::ScanPoints;
use crate::semantic_map::SemanticMap;
use crate::text::sanitize_name;
use crate::world_state::{RobotState, TrackedObject, WorldState};

/// Why perception could not start.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PerceptionError {
    /// A subscription was refused.
    #[error(transparent)]
    Bus(#[from] BusError),
}

/// Topic names perception listens on.
#[derive(Debug, Clone, PartialEq)]
pub struct Topics {
    /// `sensor_msgs/LaserScan`.
    pub scan: String,
    /// `nav_msgs/Odometry`.
    pub odom: String,
    /// `nav_msgs/OccupancyGrid` (transient-local).
    pub map: String,
    /// `vision_msgs/Detection3DArray`.
    pub detections: String,
    /// `sensor_msgs/BatteryState`.
    pub battery: String,
    /// `sensor_msgs/Imu`, used when something publishes it.
    pub imu: String,
    /// `std_msgs/Bool`; `true` requests an emergency stop.
    pub emergency_stop: String,
    /// `tf2_msgs/TFMessage` (transient-local): where the lidar sits on the base.
    pub tf_static: String,
    /// `tf2_msgs/TFMessage`: the localiser's `map -> odom`, when one runs.
    pub tf: String,
}

impl Default for Topics {
    fn default() -> Self {
        Self {
            scan: "/scan".into(),
            odom: "/odom".into(),
            map: "/map".into(),
            detections: "/detections".into(),
            battery: "/battery_state".into(),
            imu: "/imu".into(),
            emergency_stop: "/emergency_stop".into(),
            tf_static: "/tf_static".into(),
            tf: "/tf".into(),
        }
    }
}

/// Perception settings.
#[derive(Debug, Clone, PartialEq)]
pub struct PerceptionConfig {
    /// Topics.
    pub topics: Topics,
    /// The robot body frame; detections in it are placed with the odometry pose at their stamp.
    pub base_frame: String,
    /// Frames taken to coincide with the map frame while no localiser publishes (with one,
    /// detections in them are moved into the map through `/tf`).
    pub global_frames: Vec<String>,
    /// How far in the future a stamp may be before the message is dropped, nanoseconds.
    pub future_tolerance_ns: i64,
    /// How much odometry history to keep for placing detections, nanoseconds.
    pub pose_history_ns: i64,
    /// Largest gap between a detection's stamp and the nearest odometry, nanoseconds.
    pub pose_match_tolerance_ns: i64,
    /// An object seen again after this long is reported again, nanoseconds.
    pub seen_again_after_ns: i64,
    /// An object seen this far from its last position is reported again, metres.
    pub moved_threshold_m: f64,
    /// Battery fraction below which a low-battery observation is made.
    pub low_battery: f32,
    /// What one detection message covers, for the record of where the detector has looked.
    pub camera: ViewCone,
    /// The frame places, `/map` and the pose are in; a localiser publishes it -> odom on `/tf`.
    pub map_frame: String,
    /// A localiser's transform older than this is stale (the pose is held and the gate
    /// stops the robot), nanoseconds.
    pub localisation_timeout_ns: i64,
}

impl Default for PerceptionConfig {
    fn default() -> Self {
        Self {
            topics: Topics::default(),
            base_frame: "base_link".into(),
            global_frames: vec!["map".into(), "odom".into()],
            future_tolerance_ns: 500_000_000,
            pose_history_ns: 2_000_000_000,
            pose_match_tolerance_ns: 100_000_000,
            seen_again_after_ns: 30_000_000_000,
            moved_threshold_m: 0.3,
            low_battery: 0.2,
            camera: ViewCone::default(),
            map_frame: "map".into(),
            localisation_timeout_ns: 1_000_000_000,
        }
    }
}

/// Subscribes the sensor topics and keeps the world state.
pub struct Perceiver {
    config: PerceptionConfig,
    scan: Subscription<LaserScan>,
    odom: Subscription<Odometry>,
    map: Subscription<OccupancyGrid>,
    detections: Subscription<Detection3DArray>,
    battery: Subscription<BatteryState>,
    imu: Subscription<Imu>,
    estop: Subscription<Bool>,
    tf_static: Subscription<TFMessage>,
    tf: Subscription<TFMessage>,
    mounts: SensorMounts,
    localiser: Localiser,
    history: VecDeque<RobotState>,
    state: WorldState,
    /// Latest IMU yaw rate, rad/s.
    imu_yaw_rate: Option<f64>,
    /// Coverage work handed out rather than done here, when deferred.
    coverage_jobs: Option<Vec<CoverageJob>>,
}

impl Perceiver {
    /// Subscribes every topic in `config` on `bus`.
    pub fn new<B: Bus>(
        bus: &B,
        semantic: Arc<SemanticMap>,
        config: PerceptionConfig,
    ) -> Result<Self, PerceptionError> {
        let t = &config.topics;
        let sensor = QosProfile::SENSOR_DATA;
        Ok(Self {
            scan: bus.subscribe(&t.scan, sensor, Delivery::Latest)?,
            odom: bus.subscribe(&t.odom, sensor, Delivery::Queue(64))?,
            map: bus.subscribe(&t.map, QosProfile::MAP, Delivery::Latest)?,
            detections: bus.subscribe(&t.detections, sensor, Delivery::Queue(16))?,
            battery: bus.subscribe(&t.battery, sensor, Delivery::Latest)?,
            imu: bus.subscribe(&t.imu, sensor, Delivery::Latest)?,
            estop: bus.subscribe(&t.emergency_stop, QosProfile::DEFAULT, Delivery::Queue(16))?,
            tf_static: bus.subscribe(&t.tf_static, QosProfile::MAP, Delivery::Queue(64))?,
            tf: bus.subscribe(&t.tf, QosProfile::DEFAULT, Delivery::Queue(256))?,
            mounts: SensorMounts::default(),
            localiser: Localiser::new(&config.map_frame, config.localisation_timeout_ns),
            history: VecDeque::new(),
            state: WorldState {
                semantic,
                ..WorldState::default()
            },
            imu_yaw_rate: None,
            coverage_jobs: None,
            config,
        })
    }

    /// Where the pose comes from now (a localiser on `/tf`, or odometry alone).
    pub fn pose_source(&self) -> &crate::localisation::PoseSource {
        self.localiser.source()
    }

    /// The current belief.
    pub fn state(&self) -> &WorldState {
        &self.state
    }

    /// Latest IMU yaw rate, when an IMU publishes.
    pub fn imu_yaw_rate(&self) -> Option<f64> {
        self.imu_yaw_rate
    }

    /// From now on, hands the coverage grid's work out ([`Self::take_coverage_jobs`]) instead
    /// of doing it during [`Self::update`]; the grid in the state is then the one given to
    /// [`Self::set_seen`] (a worker's, a little behind).
    pub fn defer_coverage(&mut self) {
        self.coverage_jobs.get_or_insert_with(Vec::new);
    }

    /// The coverage work met since the last call, in order (none unless deferred).
    pub fn take_coverage_jobs(&mut self) -> Vec<CoverageJob> {
        self.coverage_jobs
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// The coverage grid as the worker doing the deferred work has it now.
    pub fn set_seen(&mut self, seen: Option<Arc<SeenGrid>>) {
        self.state.seen = seen;
    }

    /// Does `job` now, or hands it out when deferred.
    fn coverage(&mut self, job: CoverageJob) {
        match &mut self.coverage_jobs {
            Some(jobs) => jobs.push(job),
            None => job.apply(&mut self.state.seen),
        }
    }

    /// Replaces the places and keep-out zones (a place was named while running).
    pub fn set_semantic(&mut self, semantic: Arc<SemanticMap>) {
        self.state.semantic = semantic;
    }

    /// Adds objects known from memory (seen in an earlier task or run) that perception is not
    /// tracking now, so skills can go to them. Tracked objects are never overwritten.
    pub fn recall_objects(&mut self, objects: Vec<TrackedObject>) {
        for o in objects {
            if self.state.object(&o.name).is_none() {
                self.state.objects.push(o);
            }
        }
    }

    /// Drains every subscription and updates the state as of `now_ns`; returns what changed.
    pub fn update(&mut self, now_ns: i64) -> Vec<Observation> {
        let _span = tracing::trace_span!("perceive", now_ns).entered();
        let mut out = Vec::new();
        if now_ns < self.state.now_ns {
            // A simulator reset or a looping bag: nothing buffered can be trusted.
            tracing::warn!(
                from = self.state.now_ns,
                to = now_ns,
                "time went backwards; clearing sensor buffers"
            );
            self.state.drops.time_jumps += 1;
            self.history.clear();
            self.state.robot = None;
            self.state.scan = None;
            self.state.detections_stamp_ns = None;
            self.coverage(CoverageJob::ForgetAfter(now_ns));
        }
        self.state.now_ns = now_ns;
        self.state.estop_requested = self.estop.drain().iter().any(|b| b.data);
        for msg in self.tf_static.drain() {
            let refused = self.mounts.add(&msg.transforms);
            if refused > 0 {
                self.state.drops.unplaced_scans += refused as u64;
                tracing::warn!(refused, "ignoring static transforms with invalid values");
            }
        }
        for msg in self.tf.drain() {
            let refused = self.localiser.add(&msg.transforms);
            if refused > 0 {
                self.state.drops.bad_transforms += refused as u64;
                tracing::warn!(refused, "ignoring /tf transforms with invalid values");
            }
        }
        self.take_odometry(now_ns);
        self.take_scan(now_ns);
        self.take_map();
        self.take_battery(now_ns, &mut out);
        if let Some(imu) = self.imu.latest() {
            let w = imu.angular_velocity.z;
            self.imu_yaw_rate = w.is_finite().then_some(w);
        }
        self.take_detections(now_ns, &mut out);
        self.update_place(now_ns, &mut out);
        out
    }

    fn stamp_ok(&mut self, stamp_ns: i64, now_ns: i64) -> bool {
        if stamp_ns > now_ns + self.config.future_tolerance_ns {
            self.state.drops.future_stamps += 1;
            tracing::warn!(stamp_ns, now_ns, "dropping a message stamped in the future");
            return false;
        }
        true
    }

    fn take_odometry(&mut self, now_ns: i64) {
        for o in self.odom.drain() {
            let p = &o.pose.pose;
            let t = &o.twist.twist;
            let vals = [p.position.x, p.position.y, t.linear.x, t.angular.z];
            let q = &p.orientation;
            if !vals
                .iter()
                .chain([q.x, q.y, q.z, q.w].iter())
                .all(|v| v.is_finite())
            {
                self.state.drops.bad_odometry += 1;
                continue;
            }
            let stamp = o.header.stamp.as_nanos();
            if !self.stamp_ok(stamp, now_ns) {
                continue;
            }
            if self.state.robot.is_some_and(|r| stamp < r.stamp_ns) {
                self.state.drops.out_of_order += 1;
                continue;
            }
            let frame = match o.header.frame_id.as_str() {
                "" => "odom",
                f => f,
            };
            let odom_pose = (p.position.x, p.position.y, q.yaw());
            // None: the localiser is stale; the pose is held and ages into a stop.
            let Some((x, y, theta)) = self
                .localiser
                .locate(frame, odom_pose, &self.mounts, now_ns)
            else {
                continue;
            };
            let r = RobotState {
                stamp_ns: stamp,
                x,
                y,
                theta,
                v: t.linear.x,
                w: t.angular.z,
            };
            self.history.push_back(r);
            self.state.robot = Some(r);
        }
        while self
            .history
            .front()
            .is_some_and(|r| now_ns - r.stamp_ns > self.config.pose_history_ns)
        {
            self.history.pop_front();
        }
    }

    fn take_scan(&mut self, now_ns: i64) {
        let Some(scan) = self.scan.latest() else {
            return;
        };
        let stamp = scan.header.stamp.as_nanos();
        if !self.stamp_ok(stamp, now_ns) {
            return;
        }
        if self.state.scan.as_ref().is_some_and(|s| stamp < s.stamp_ns) {
            self.state.drops.out_of_order += 1;
            return;
        }
        let frame = scan.header.frame_id.as_str();
        let base = self.config.base_frame.as_str();
        let mount = if frame.is_empty() {
            Some(Rigid::IDENTITY)
        } else {
            self.mounts.to_base(frame, base)
        };
        let Some(mount) = mount else {
            self.state.drops.unplaced_scans += 1;
            tracing::warn!(
                frame,
                base,
                "dropping a scan: no static transform from {base} to {frame} (publish it on /tf_static)"
            );
            return;
        };
        match ScanPoints::from_scan(&scan) {
            Ok(mut points) => {
                if mount != Rigid::IDENTITY {
                    points.mount(|p| mount.apply_planar(p));
                }
                self.state.scan = Some(Arc::new(points));
            }
            Err(fault) => {
                self.state.drops.bad_scans += 1;
                tracing::warn!(?fault, "dropping an inconsistent scan");
            }
        }
    }

    fn take_map(&mut self) {
        let Some(map) = self.map.latest() else { return };
        let i = &map.info;
        let ok = (i.resolution as f64) > 0.0
            && (i.resolution as f64).is_finite()
            && map.data.len() == i.width as usize * i.height as usize
            && i.width > 0
            && i.height > 0;
        let yaw = i.origin.orientation.yaw();
        if ok && (yaw.is_nan() || yaw.abs() >= 1e-6) {
            // Every grid user (costmap, coverage) takes cells as axis-aligned with the map
            // frame; a rotated grid would put walls where they are not.
            self.state.drops.bad_maps += 1;
            tracing::warn!(
                yaw,
                "dropping a map whose origin is rotated: not supported. Fix: publish the map with an identity origin orientation (rotate the image instead)"
            );
            return;
        }
        if ok {
            let map = Arc::new(map);
            self.coverage(CoverageJob::Map(map.clone()));
            self.state.map = Some(map);
        } else {
            self.state.drops.bad_maps += 1;
            tracing::warn!(
                width = i.width,
                height = i.height,
                len = map.data.len(),
                "dropping an inconsistent map"
            );
        }
    }

    fn take_battery(&mut self, now_ns: i64, out: &mut Vec<Observation>) {
        let Some(b) = self.battery.latest() else {
            return;
        };
        if !(b.percentage.is_finite() && (0.0..=1.0).contains(&b.percentage)) {
            return;
        }
        let was = self.state.battery;
        self.state.battery = Some(b.percentage);
        let low = self.config.low_battery;
        if b.percentage < low && was.is_none_or(|w| w >= low) {
            out.push(self.robot_observation(
                now_ns,
                ObservationKind::BatteryLow,
                format!("battery low at {:.0}%", b.percentage * 100.0),
                &self.config.topics.battery.clone(),
            ));
        }
    }

    /// The odometry sample nearest `stamp_ns`, if close enough.
    fn pose_at(&self, stamp_ns: i64) -> Option<RobotState> {
        self.history
            .iter()
            .min_by_key(|r| (r.stamp_ns - stamp_ns).abs())
            .filter(|r| (r.stamp_ns - stamp_ns).abs() <= self.config.pose_match_tolerance_ns)
            .copied()
    }

    fn take_detections(&mut self, now_ns: i64, out: &mut Vec<Observation>) {
        for array in self.detections.drain() {
            let stamp = array.header.stamp.as_nanos();
            if !self.stamp_ok(stamp, now_ns) {
                continue;
            }
            self.mark_seen(&array.header.frame_id, stamp);
            self.state.detections_stamp_ns = Some(stamp);
            let mut visible = Vec::new();
            for d in &array.detections {
                let frame = if d.header.frame_id.is_empty() {
                    &array.header.frame_id
                } else {
                    &d.header.frame_id
                };
                let Some(hyp) = d.results.first() else {
                    self.state.drops.bad_detections += 1;
                    continue;
                };
                let class = sanitize_name(&hyp.hypothesis.class_id);
                let name = match sanitize_name(&d.id) {
                    n if n.is_empty() => class.clone(),
                    n => n,
                };
                let local = V2::new(hyp.pose.pose.position.x, hyp.pose.pose.position.y);
                if name.is_empty() || !local.x.is_finite() || !local.y.is_finite() {
                    self.state.drops.bad_detections += 1;
                    continue;
                }
                let global = if *frame == self.config.map_frame {
                    local
                } else if *frame != self.config.base_frame && self.localiser.heard() {
                    // A localiser runs: odom (or any frame it connects) is not the map.
                    match self.localiser.lookup(frame, &self.mounts, now_ns) {
                        Lookup::Fresh(to_map, _) => to_map.apply_planar(local),
                        _ => {
                            self.state.drops.unplaceable_detections += 1;
                            continue;
                        }
                    }
                } else if self.config.global_frames.iter().any(|f| f == frame) {
                    local
                } else if *frame == self.config.base_frame {
                    match self.pose_at(stamp) {
                        Some(r) => {
                            let (s, c) = r.theta.sin_cos();
                            r.position()
                                + V2::new(c * local.x - s * local.y, s * local.x + c * local.y)
                        }
                        None => {
                            self.state.drops.unplaceable_detections += 1;
                            continue;
                        }
                    }
                } else {
                    self.state.drops.unplaceable_detections += 1;
                    tracing::warn!(frame = %frame, "dropping a detection in an unknown frame");
                    continue;
                };
                visible.push(name.clone());
                let color = crate::attributes::color_of(&d.results);
                if let Some(obs) = self.track(name, class, color, global, stamp) {
                    out.push(obs);
                }
            }
            self.state.visible = visible;
        }
    }

    /// Records the cone the detector covered for a message stamped `stamp` in `frame`, with
    /// the robot where odometry had it at the stamp. Only frames whose detections can be
    /// placed count (the base frame and the global ones, as in [`Self::take_detections`]): a
    /// detector whose reports are all dropped has shown the agent nothing.
    fn mark_seen(&mut self, frame: &str, stamp: i64) {
        let placeable =
            frame == self.config.base_frame || self.config.global_frames.iter().any(|f| f == frame);
        if !placeable {
            return;
        }
        let (Some(map), Some(robot)) = (self.state.map.clone(), self.pose_at(stamp)) else {
            return;
        };
        self.coverage(CoverageJob::Look {
            map,
            eye: robot.position(),
            heading: robot.theta,
            cone: self.config.camera,
            stamp_ns: stamp,
        });
    }

    fn track(
        &mut self,
        name: String,
        class: String,
        color: Option<String>,
        at: V2,
        stamp: i64,
    ) -> Option<Observation> {
        let place = self.state.semantic.place_at(at).map(|p| p.name.clone());
        let cfg = &self.config;
        let (kind, index) = match self.state.objects.iter().position(|o| o.name == name) {
            Some(i) => {
                let o = &mut self.state.objects[i];
                let moved = (o.position() - at).norm() > cfg.moved_threshold_m;
                let long_gap = stamp - o.last_seen_ns > cfg.seen_again_after_ns;
                o.count += 1;
                o.last_seen_ns = stamp.max(o.last_seen_ns);
                o.x = at.x;
                o.y = at.y;
                o.place = place;
                o.class = class;
                // A colour once told stays when a later look cannot tell it (far, dark).
                if color.is_some() {
                    o.color = color;
                }
                (
                    (moved || long_gap).then_some(ObservationKind::ObjectSeenAgain)?,
                    i,
                )
            }
            None => {
                self.state.objects.push(TrackedObject {
                    name,
                    class,
                    color,
                    x: at.x,
                    y: at.y,
                    place,
                    first_seen_ns: stamp,
                    last_seen_ns: stamp,
                    count: 1,
                });
                (ObservationKind::ObjectSeen, self.state.objects.len() - 1)
            }
        };
        let pose = self
            .state
            .robot
            .map(|r| (r.x, r.y, r.theta))
            .unwrap_or_default();
        let mut obs = Observation::object_sighting(
            kind,
            &self.state.objects[index],
            pose,
            &self.config.topics.detections,
        );
        obs.stamp_ns = stamp;
        Some(obs)
    }

    fn update_place(&mut self, now_ns: i64, out: &mut Vec<Observation>) {
        let Some(r) = self.state.robot else { return };
        let place = self
            .state
            .semantic
            .place_at(r.position())
            .map(|p| p.name.clone());
        if place != self.state.place {
            self.state.place = place.clone();
            if let Some(p) = place {
                out.push(self.robot_observation(
                    now_ns,
                    ObservationKind::EnteredPlace,
                    format!("entered {p}"),
                    &self.config.topics.odom.clone(),
                ));
            }
        }
    }

    fn robot_observation(
        &self,
        stamp_ns: i64,
        kind: ObservationKind,
        text: String,
        topic: &str,
    ) -> Observation {
        let pose = self
            .state
            .robot
            .map(|r| (r.x, r.y, r.theta))
            .unwrap_or_default();
        Observation {
            stamp_ns,
            kind,
            text,
            robot_pose: pose,
            place: self.state.place.clone(),
            object_name: None,
            object_class: None,
            object_position: None,
            object_color: None,
            source_topic: topic.to_owned(),
        }
    }
}
