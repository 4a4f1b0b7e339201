#!/usr/bin/env python3
"""An independent ROS 2 peer for embodia: Eclipse Cyclone DDS (PyPI `cyclonedds==11.0.1`, which
bundles libddsc) speaking ROS 2 type names on `rt/` topics, with the QoS profiles ROS 2 nodes
use. No ROS 2 install and no embodia code: if embodia's wire format, type names or QoS drifted
from ROS 2's, these runs would stop matching.

Loopback only: unless CYCLONEDDS_URI is already set, the participant is bound to `lo` with
multicast off and 127.0.0.1 as its only peer. Every loop is bounded in time and count.

Modes (one JSON object is printed on stdout at the end; progress goes to stderr):

  robot    plays a robot for `embodia agent`: latched /map and /tf_static, /odom integrated
           from the commands it receives, /scan (sensor-data QoS), /detections of a red ball,
           and tasks on /agent/task. Scripted phases: ask where the red ball is, send a
           navigation task, then an obstacle inside the stopping distance, clear, and finally
           no /scan at all. Records every /cmd_vel (TwistStamped) with the phase it arrived in.
  driver   drives `embodia sim --dds` over its /cmd_vel (Twist): forward, then turning, then
           stopped, recording /odom and /scan as they arrive.
  latency  scan-in -> cmd-out latency: publishes a scan (and odometry), waits for the first
           /cmd_vel stamped at or after it, repeats. Against `embodia agent` or `echo`.
  echo     answers every /scan at once with a TwistStamped: the Cyclone-to-Cyclone baseline.

    python cyclone_peer.py MODE [--seconds S] [--samples N]
"""

import argparse
import json
import math
import os
import sys
import time
from dataclasses import dataclass, field

if "CYCLONEDDS_URI" not in os.environ:
    os.environ["CYCLONEDDS_URI"] = (
        "<CycloneDDS><Domain><General><Interfaces><NetworkInterface name=\"lo\"/></Interfaces>"
        "<AllowMulticast>false</AllowMulticast></General>"
        "<Discovery><ParticipantIndex>auto</ParticipantIndex>"
        "<MaxAutoParticipantIndex>30</MaxAutoParticipantIndex>"
        "<Peers><Peer address=\"127.0.0.1\"/></Peers></Discovery></Domain></CycloneDDS>"
    )

from cyclonedds.core import Policy, Qos, ReadCondition, ViewState, InstanceState, SampleState, WaitSet
from cyclonedds.domain import DomainParticipant
from cyclonedds.idl import IdlStruct
from cyclonedds.idl.types import array, float32, float64, int8, int32, sequence, uint32
from cyclonedds.pub import DataWriter
from cyclonedds.sub import DataReader
from cyclonedds.topic import Topic
from cyclonedds.util import duration


# --- ROS 2 message types, as rosidl generates them for DDS ------------------------------------

@dataclass
class Time(IdlStruct, typename="builtin_interfaces::msg::dds_::Time_"):
    sec: int32 = 0
    nanosec: uint32 = 0


@dataclass
class Header(IdlStruct, typename="std_msgs::msg::dds_::Header_"):
    stamp: Time = field(default_factory=Time)
    frame_id: str = ""


@dataclass
class String(IdlStruct, typename="std_msgs::msg::dds_::String_"):
    data: str = ""


@dataclass
class Vector3(IdlStruct, typename="geometry_msgs::msg::dds_::Vector3_"):
    x: float64 = 0.0
    y: float64 = 0.0
    z: float64 = 0.0


@dataclass
class Point(IdlStruct, typename="geometry_msgs::msg::dds_::Point_"):
    x: float64 = 0.0
    y: float64 = 0.0
    z: float64 = 0.0


@dataclass
class Quaternion(IdlStruct, typename="geometry_msgs::msg::dds_::Quaternion_"):
    x: float64 = 0.0
    y: float64 = 0.0
    z: float64 = 0.0
    w: float64 = 1.0


@dataclass
class Pose(IdlStruct, typename="geometry_msgs::msg::dds_::Pose_"):
    position: Point = field(default_factory=Point)
    orientation: Quaternion = field(default_factory=Quaternion)


@dataclass
class PoseWithCovariance(IdlStruct, typename="geometry_msgs::msg::dds_::PoseWithCovariance_"):
    pose: Pose = field(default_factory=Pose)
    covariance: array[float64, 36] = field(default_factory=lambda: [0.0] * 36)


@dataclass
class Twist(IdlStruct, typename="geometry_msgs::msg::dds_::Twist_"):
    linear: Vector3 = field(default_factory=Vector3)
    angular: Vector3 = field(default_factory=Vector3)


@dataclass
class TwistStamped(IdlStruct, typename="geometry_msgs::msg::dds_::TwistStamped_"):
    header: Header = field(default_factory=Header)
    twist: Twist = field(default_factory=Twist)


@dataclass
class TwistWithCovariance(IdlStruct, typename="geometry_msgs::msg::dds_::TwistWithCovariance_"):
    twist: Twist = field(default_factory=Twist)
    covariance: array[float64, 36] = field(default_factory=lambda: [0.0] * 36)


@dataclass
class Transform(IdlStruct, typename="geometry_msgs::msg::dds_::Transform_"):
    translation: Vector3 = field(default_factory=Vector3)
    rotation: Quaternion = field(default_factory=Quaternion)


@dataclass
class TransformStamped(IdlStruct, typename="geometry_msgs::msg::dds_::TransformStamped_"):
    header: Header = field(default_factory=Header)
    child_frame_id: str = ""
    transform: Transform = field(default_factory=Transform)


@dataclass
class TFMessage(IdlStruct, typename="tf2_msgs::msg::dds_::TFMessage_"):
    transforms: sequence[TransformStamped] = field(default_factory=list)


@dataclass
class Odometry(IdlStruct, typename="nav_msgs::msg::dds_::Odometry_"):
    header: Header = field(default_factory=Header)
    child_frame_id: str = ""
    pose: PoseWithCovariance = field(default_factory=PoseWithCovariance)
    twist: TwistWithCovariance = field(default_factory=TwistWithCovariance)


@dataclass
class MapMetaData(IdlStruct, typename="nav_msgs::msg::dds_::MapMetaData_"):
    map_load_time: Time = field(default_factory=Time)
    resolution: float32 = 0.0
    width: uint32 = 0
    height: uint32 = 0
    origin: Pose = field(default_factory=Pose)


@dataclass
class OccupancyGrid(IdlStruct, typename="nav_msgs::msg::dds_::OccupancyGrid_"):
    header: Header = field(default_factory=Header)
    info: MapMetaData = field(default_factory=MapMetaData)
    data: sequence[int8] = field(default_factory=list)


@dataclass
class LaserScan(IdlStruct, typename="sensor_msgs::msg::dds_::LaserScan_"):
    header: Header = field(default_factory=Header)
    angle_min: float32 = 0.0
    angle_max: float32 = 0.0
    angle_increment: float32 = 0.0
    time_increment: float32 = 0.0
    scan_time: float32 = 0.0
    range_min: float32 = 0.0
    range_max: float32 = 0.0
    ranges: sequence[float32] = field(default_factory=list)
    intensities: sequence[float32] = field(default_factory=list)


@dataclass
class ObjectHypothesis(IdlStruct, typename="vision_msgs::msg::dds_::ObjectHypothesis_"):
    class_id: str = ""
    score: float64 = 0.0


@dataclass
class ObjectHypothesisWithPose(IdlStruct, typename="vision_msgs::msg::dds_::ObjectHypothesisWithPose_"):
    hypothesis: ObjectHypothesis = field(default_factory=ObjectHypothesis)
    pose: PoseWithCovariance = field(default_factory=PoseWithCovariance)


@dataclass
class BoundingBox3D(IdlStruct, typename="vision_msgs::msg::dds_::BoundingBox3D_"):
    center: Pose = field(default_factory=Pose)
    size: Vector3 = field(default_factory=Vector3)


@dataclass
class Detection3D(IdlStruct, typename="vision_msgs::msg::dds_::Detection3D_"):
    header: Header = field(default_factory=Header)
    results: sequence[ObjectHypothesisWithPose] = field(default_factory=list)
    bbox: BoundingBox3D = field(default_factory=BoundingBox3D)
    id: str = ""


@dataclass
class Detection3DArray(IdlStruct, typename="vision_msgs::msg::dds_::Detection3DArray_"):
    header: Header = field(default_factory=Header)
    detections: sequence[Detection3D] = field(default_factory=list)


# --- ROS 2 QoS profiles (rmw_qos_profile_*) ----------------------------------------------------

DEFAULT = Qos(Policy.Reliability.Reliable(duration(milliseconds=100)), Policy.Durability.Volatile,
              Policy.History.KeepLast(10))
SENSOR_DATA = Qos(Policy.Reliability.BestEffort, Policy.Durability.Volatile, Policy.History.KeepLast(5))
LATCHED = Qos(Policy.Reliability.Reliable(duration(milliseconds=100)), Policy.Durability.TransientLocal,
              Policy.History.KeepLast(1))


def log(*args):
    print("[cyclone-peer]", *args, file=sys.stderr, flush=True)


def stamp(t):
    sec = math.floor(t)
    return Time(sec=int(sec), nanosec=min(int((t - sec) * 1e9), 999_999_999))


def seconds(s):
    return s.sec + s.nanosec * 1e-9


def yaw_quaternion(theta):
    return Quaternion(z=math.sin(theta / 2), w=math.cos(theta / 2))


def quaternion_yaw(q):
    return math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z))


def take(reader):
    """The valid samples waiting on `reader` (invalid ones mark a writer leaving)."""
    return [s for s in reader.take(N=100) if not type(s).__name__.startswith("Invalid")]


class Node:
    """One participant with the topics a mode needs."""

    def __init__(self):
        self.dp = DomainParticipant(int(os.environ.get("ROS_DOMAIN_ID", "0")))

    def writer(self, name, kind, qos):
        return DataWriter(self.dp, Topic(self.dp, "rt/" + name, kind), qos=qos)

    def reader(self, name, kind, qos):
        return DataReader(self.dp, Topic(self.dp, "rt/" + name, kind), qos=qos)


# --- the robot a test's agent drives ------------------------------------------------------------

ROOM_W, ROOM_H, RES = 6.0, 4.0, 0.05
# test_room.yaml's walls: the outline and the wall between the two rooms with its 1 m door.
WALLS = [((0, 0), (6, 0)), ((6, 0), (6, 4)), ((6, 4), (0, 4)), ((0, 4), (0, 0)),
         ((3, 0), (3, 1.5)), ((3, 2.5), (3, 4))]
START = (1.0, 1.5, 0.0)
RED_BALL = (5.0, 1.0)
LIDAR_X = 0.1  # base_link -> base_scan, on /tf_static
BEAMS = 360


def occupancy_grid(now):
    w, h = int(ROOM_W / RES), int(ROOM_H / RES)
    data = [0] * (w * h)
    for (x0, y0), (x1, y1) in WALLS:
        n = int(max(abs(x1 - x0), abs(y1 - y0)) / (RES / 2)) + 1
        for i in range(n + 1):
            x, y = x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n
            cx, cy = min(int(x / RES), w - 1), min(int(y / RES), h - 1)
            data[cy * w + cx] = 100
    info = MapMetaData(map_load_time=stamp(now), resolution=RES, width=w, height=h)
    return OccupancyGrid(header=Header(stamp=stamp(now), frame_id="map"), info=info, data=data)


def scan(now, near_ahead=None, frame="base_scan"):
    """A 360-beam scan; with `near_ahead`, beams within 35 degrees of straight ahead hit at that range."""
    inc = 2 * math.pi / BEAMS
    ranges = []
    for i in range(BEAMS):
        a = -math.pi + i * inc
        ranges.append(near_ahead if near_ahead is not None and abs(a) <= math.radians(35) else 2.5)
    return LaserScan(header=Header(stamp=stamp(now), frame_id=frame), angle_min=-math.pi,
                     angle_max=-math.pi + inc * (BEAMS - 1), angle_increment=inc, scan_time=0.1,
                     range_min=0.05, range_max=12.0, ranges=ranges)


def odometry(now, pose, v, w):
    x, y, th = pose
    return Odometry(header=Header(stamp=stamp(now), frame_id="odom"), child_frame_id="base_link",
                    pose=PoseWithCovariance(pose=Pose(position=Point(x=x, y=y), orientation=yaw_quaternion(th))),
                    twist=TwistWithCovariance(twist=Twist(linear=Vector3(x=v), angular=Vector3(z=w))))


def ball_detection(now, pose):
    """The red ball seen from `pose`, in base_link as a camera pipeline would report it."""
    x, y, th = pose
    dx, dy = RED_BALL[0] - x, RED_BALL[1] - y
    bx, by = math.cos(th) * dx + math.sin(th) * dy, -math.sin(th) * dx + math.cos(th) * dy
    at = Pose(position=Point(x=bx, y=by, z=0.1))
    d = Detection3D(header=Header(stamp=stamp(now), frame_id="base_link"),
                    results=[ObjectHypothesisWithPose(hypothesis=ObjectHypothesis(class_id="ball", score=0.93),
                                                      pose=PoseWithCovariance(pose=at))],
                    bbox=BoundingBox3D(center=at, size=Vector3(x=0.15, y=0.15, z=0.15)), id="red ball")
    return Detection3DArray(header=Header(stamp=stamp(now), frame_id="base_link"), detections=[d])


def run_robot(limit_s):
    node = Node()
    map_w = node.writer("map", OccupancyGrid, LATCHED)
    tf_w = node.writer("tf_static", TFMessage, LATCHED)
    scan_w = node.writer("scan", LaserScan, SENSOR_DATA)
    odom_w = node.writer("odom", Odometry, DEFAULT)
    det_w = node.writer("detections", Detection3DArray, DEFAULT)
    task_w = node.writer("agent/task", String, DEFAULT)
    cmd_r = node.reader("cmd_vel", TwistStamped, DEFAULT)
    say_r = node.reader("agent/say", String, DEFAULT)
    status_r = node.reader("agent/status", String, DEFAULT)

    t0 = time.time()
    map_w.write(occupancy_grid(t0))
    mount = TransformStamped(header=Header(stamp=stamp(t0), frame_id="base_link"), child_frame_id="base_scan",
                             transform=Transform(translation=Vector3(x=LIDAR_X, z=0.2)))
    tf_w.write(TFMessage(transforms=[mount]))

    pose, cmd, cmd_at = list(START), (0.0, 0.0), t0
    phase, phase_at, starts = "discovery", t0, {}
    matched_at = None
    commands, says, statuses = [], [], []
    moving_in_phase = 0
    next_scan = next_odom = next_det = t0
    last = t0

    def enter(name, now):
        nonlocal phase, phase_at, moving_in_phase
        phase, phase_at, moving_in_phase = name, now, 0
        starts[name] = now
        log(f"t={now - t0:.2f}s phase {name}")

    while time.time() - t0 < limit_s and phase != "done":
        now = time.time()
        # The robot: integrate the newest command; a command older than 0.5 s means stop.
        v, w = cmd if now - cmd_at < 0.5 else (0.0, 0.0)
        dt, last = now - last, now
        pose[0] += v * math.cos(pose[2]) * dt
        pose[1] += v * math.sin(pose[2]) * dt
        pose[2] += w * dt
        if now >= next_odom:
            next_odom += 0.05
            odom_w.write(odometry(now, pose, v, w))
        if now >= next_det:
            next_det += 0.2
            det_w.write(ball_detection(now, pose))
        if now >= next_scan:
            next_scan += 0.1
            if phase == "obstacle":
                scan_w.write(scan(now, near_ahead=0.12))
            elif phase != "silent":
                scan_w.write(scan(now))
        for c in take(cmd_r):
            cmd, cmd_at = (c.twist.linear.x, c.twist.angular.z), now
            commands.append({"received": now, "stamp": seconds(c.header.stamp), "phase": phase,
                             "linear": c.twist.linear.x, "angular": c.twist.angular.z,
                             "frame": c.header.frame_id})
            if c.twist.linear.x >= 0.1:
                moving_in_phase += 1
        for s in take(say_r):
            says.append({"received": now, "phase": phase, "text": s.data})
            log(f"say: {s.data}")
        for s in take(status_r):
            statuses.append({"received": now, "phase": phase, "json": s.data})

        in_phase = now - phase_at
        if phase == "discovery":
            matched = task_w.get_matched_subscriptions() and cmd_r.get_matched_publications() \
                and say_r.get_matched_publications()
            if matched and matched_at is None:
                matched_at = now
            # A second of detections after the agent is there (it may take a while to load
            # its model), so it has seen the ball when asked.
            if matched and now - matched_at > 1.0:
                enter("question", now)
                task_w.write(String(data="where did you see the red ball?"))
        elif phase == "question":
            if says or in_phase > 10:
                enter("go", now)
                task_w.write(String(data="go to the east room"))
        elif phase == "go":
            if moving_in_phase >= 5 or in_phase > 20:
                enter("obstacle", now)
        elif phase == "obstacle":
            if in_phase > 1.5:
                enter("clear", now)
        elif phase == "clear":
            if moving_in_phase >= 5 or in_phase > 8:
                enter("silent", now)
        elif phase == "silent":
            if in_phase > 2.0:
                enter("done", now)
        time.sleep(0.004)

    return {"phase_starts": starts, "finished": phase == "done", "commands": commands, "says": says,
            "statuses": statuses, "final_pose": pose}


# --- the driver of embodia's simulator -----------------------------------------------------------

def run_driver(limit_s):
    node = Node()
    cmd_w = node.writer("cmd_vel", Twist, DEFAULT)
    scan_r = node.reader("scan", LaserScan, SENSOR_DATA)
    odom_r = node.reader("odom", Odometry, DEFAULT)
    # (linear, angular, seconds): forward, turn left, stand still.
    script = [(0.25, 0.0, 2.0), (0.0, 0.6, 2.0), (0.0, 0.0, 1.0)]
    t0 = time.time()
    odoms, scans = [], {"count": 0, "beams": set(), "frames": set()}
    marks, step, step_at, next_cmd = [], -1, None, t0
    while time.time() - t0 < limit_s:
        now = time.time()
        for o in take(odom_r):
            p = o.pose.pose
            odoms.append({"received": now, "x": p.position.x, "y": p.position.y,
                          "theta": quaternion_yaw(p.orientation), "frame": o.header.frame_id,
                          "child": o.child_frame_id})
        for s in take(scan_r):
            scans["count"] += 1
            scans["beams"].add(len(s.ranges))
            scans["frames"].add(s.header.frame_id)
        if step < 0:
            if odoms and scans["count"] and cmd_w.get_matched_subscriptions():
                step, step_at = 0, now
                marks.append(odoms[-1])
                log(f"t={now - t0:.2f}s driving")
        elif now - step_at >= script[step][2]:
            marks.append(odoms[-1])
            step, step_at = step + 1, now
            if step == len(script):
                break
        if step >= 0 and now >= next_cmd:
            next_cmd = now + 0.1
            lin, ang, _ = script[step]
            cmd_w.write(Twist(linear=Vector3(x=lin), angular=Vector3(z=ang)))
        time.sleep(0.004)
    return {"finished": step == len(script), "marks": marks, "odom_count": len(odoms),
            "scan_count": scans["count"], "scan_beams": sorted(scans["beams"]),
            "scan_frames": sorted(scans["frames"])}


# --- latency: scan in, command out ----------------------------------------------------------------

def run_latency(limit_s, samples):
    node = Node()
    scan_w = node.writer("scan", LaserScan, SENSOR_DATA)
    odom_w = node.writer("odom", Odometry, DEFAULT)
    map_w = node.writer("map", OccupancyGrid, LATCHED)
    tf_w = node.writer("tf_static", TFMessage, LATCHED)
    task_w = node.writer("agent/task", String, DEFAULT)
    cmd_r = node.reader("cmd_vel", TwistStamped, DEFAULT)
    waitset = WaitSet(node.dp)
    waitset.attach(ReadCondition(cmd_r, ViewState.Any | InstanceState.Any | SampleState.NotRead))
    t0 = time.time()
    map_w.write(occupancy_grid(t0))
    tf_w.write(TFMessage(transforms=[TransformStamped(
        header=Header(stamp=stamp(t0), frame_id="base_link"), child_frame_id="base_scan",
        transform=Transform(translation=Vector3(x=LIDAR_X)))]))
    while not (scan_w.get_matched_subscriptions() and cmd_r.get_matched_publications()):
        if time.time() - t0 > limit_s:
            return {"error": "no subscriber matched /scan or no publisher matched /cmd_vel"}
        time.sleep(0.01)
    time.sleep(1.0)
    # The robot stays where it is (odometry echoes the command), so the task never ends and
    # every scan is answered by a navigation command computed from it.
    task_w.write(String(data="go to the east room"))
    last = (0.0, 0.0)
    latencies, misses = [], 0
    warmup_until = time.time() + 2.0
    while len(latencies) < samples and time.time() - t0 < limit_s:
        now = time.time()
        odom_w.write(odometry(now, START, *last))
        take(cmd_r)
        sent = time.time()
        scan_w.write(scan(sent))
        answered = None
        while time.time() - sent < 0.2 and answered is None:
            waitset.wait(duration(milliseconds=50))
            for c in take(cmd_r):
                if seconds(c.header.stamp) >= sent - 1e-6:
                    answered = time.time()
                    last = (c.twist.linear.x, c.twist.angular.z)
                    break
        if answered is None:
            misses += 1
        elif sent >= warmup_until:
            latencies.append((answered - sent) * 1e6)
        time.sleep(0.01)
    latencies.sort()
    return {"samples": len(latencies), "misses": misses, "latency_us": latencies}


def run_echo(limit_s):
    node = Node()
    scan_r = node.reader("scan", LaserScan, SENSOR_DATA)
    cmd_w = node.writer("cmd_vel", TwistStamped, DEFAULT)
    waitset = WaitSet(node.dp)
    waitset.attach(ReadCondition(scan_r, ViewState.Any | InstanceState.Any | SampleState.NotRead))
    t0, answered = time.time(), 0
    while time.time() - t0 < limit_s and answered < 1_000_000:
        waitset.wait(duration(milliseconds=100))
        for _ in take(scan_r):
            cmd_w.write(TwistStamped(header=Header(stamp=stamp(time.time()), frame_id="base_link")))
            answered += 1
    return {"answered": answered}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=["robot", "driver", "latency", "echo"])
    parser.add_argument("--seconds", type=float, default=60.0, help="hard limit on the run")
    parser.add_argument("--samples", type=int, default=500, help="latency samples")
    args = parser.parse_args()
    if args.mode == "robot":
        out = run_robot(args.seconds)
    elif args.mode == "driver":
        out = run_driver(args.seconds)
    elif args.mode == "latency":
        out = run_latency(args.seconds, args.samples)
    else:
        out = run_echo(args.seconds)
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
