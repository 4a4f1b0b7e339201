#!/usr/bin/env python3
"""An independent ROS 2 action peer for embodia: Eclipse Cyclone DDS (PyPI `cyclonedds==11.0.1`)
speaking the ROS 2 action wire protocol itself, with no ROS 2 install and no embodia code.

An action is three services and two topics: requests on `rq/<action>/_action/<service>Request`,
replies on `rr/<action>/_action/<service>Reply` (send_goal, get_result, cancel_goal), and
`rt/<action>/_action/feedback` and `rt/<action>/_action/status`. Service samples are framed as
rmw_cyclonedds frames them: a 16-byte request header (the client's GUID half and a sequence
number) before the request, echoed before the reply; embodia is run with
RMW_IMPLEMENTATION=rmw_cyclonedds_cpp so it uses that framing.

Loopback only (see cyclone_peer.py). Every loop is bounded in time and count.

Modes (one JSON object on stdout at the end; progress on stderr):

  task-client  sends /agent/execute_task goals to `embodia agent`: one to run to its end, one
               to cancel once the robot is moving, one the agent must refuse. Records feedback,
               results, the cancel reply, and every /cmd_vel (Twist) with its arrival time.
  nav2         plays Nav2 for `embodia agent --ros-args -p navigation:=nav2`: serves
               /navigate_to_pose (nav2_msgs/action/NavigateToPose) and publishes the controller's
               velocity on /cmd_vel_nav while a goal runs, and gives the agent three tasks over
               /agent/execute_task. Kitchen goals are accepted, driven with feedback and
               succeed; study goals are aborted (TIMEOUT); the bedroom task is canceled by its
               client while Nav2 drives, and Nav2 keeps publishing velocity for 2.5 s after its
               goal was canceled. Records the goals, cancel requests, results and /cmd_vel.

    python action_peer.py MODE [--seconds S] [--task-done T] [--task-cancel T]
"""

import argparse
import json
import os
import sys
import time
import uuid
from dataclasses import dataclass, field

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cyclone_peer import DEFAULT, LATCHED, Header, Node, Pose, Time, Twist, Vector3, log, take  # noqa: E402  (sets CYCLONEDDS_URI)

from cyclonedds.idl import IdlStruct, make_idl_struct  # noqa: E402
from cyclonedds.idl.types import array, float32, int8, int16, int32, int64, sequence, uint8, uint16, uint32, uint64  # noqa: E402
from cyclonedds.pub import DataWriter  # noqa: E402
from cyclonedds.sub import DataReader  # noqa: E402
from cyclonedds.topic import Topic  # noqa: E402


# --- action_msgs and unique_identifier_msgs, as rosidl generates them --------------------------

@dataclass
class UUID(IdlStruct, typename="unique_identifier_msgs::msg::dds_::UUID_"):
    uuid: array[uint8, 16] = field(default_factory=lambda: [0] * 16)


@dataclass
class GoalInfo(IdlStruct, typename="action_msgs::msg::dds_::GoalInfo_"):
    goal_id: UUID = field(default_factory=UUID)
    stamp: Time = field(default_factory=Time)


@dataclass
class GoalStatus(IdlStruct, typename="action_msgs::msg::dds_::GoalStatus_"):
    goal_info: GoalInfo = field(default_factory=GoalInfo)
    status: int8 = 0


@dataclass
class GoalStatusArray(IdlStruct, typename="action_msgs::msg::dds_::GoalStatusArray_"):
    status_list: sequence[GoalStatus] = field(default_factory=list)


# The rmw_cyclonedds request header, in front of every service request and reply.
@dataclass
class CancelGoalRequest(IdlStruct, typename="action_msgs::srv::dds_::CancelGoal_Request_"):
    client_guid: uint64 = 0
    seq: int64 = 0
    goal_info: GoalInfo = field(default_factory=GoalInfo)


@dataclass
class CancelGoalResponse(IdlStruct, typename="action_msgs::srv::dds_::CancelGoal_Response_"):
    client_guid: uint64 = 0
    seq: int64 = 0
    return_code: int8 = 0
    goals_canceling: sequence[GoalInfo] = field(default_factory=list)


STATUS = {0: "unknown", 1: "accepted", 2: "executing", 3: "canceling", 4: "succeeded", 5: "canceled",
          6: "aborted"}


def action_types(package, name, goal, result, feedback):
    """The five wire types rosidl makes of an action beside its goal, result and feedback:
    send_goal and get_result requests and replies (each behind the rmw_cyclonedds request
    header) and the feedback message, in that order."""
    def struct(suffix, fields, header=True):
        head = {"client_guid": uint64, "seq": int64} if header else {}
        return make_idl_struct(f"{name}_{suffix}", f"{package}::action::dds_::{name}_{suffix}_",
                               {**head, **fields})
    return (struct("SendGoal_Request", {"goal_id": UUID, "goal": goal}),
            struct("SendGoal_Response", {"accepted": bool, "stamp": Time}),
            struct("GetResult_Request", {"goal_id": UUID}),
            struct("GetResult_Response", {"status": int8, "result": result}),
            struct("FeedbackMessage", {"goal_id": UUID, "feedback": feedback}, header=False))


# --- embodia_interfaces/action/ExecuteTask (interfaces/embodia_interfaces/action/ExecuteTask.action)

@dataclass
class ExecuteTaskGoal(IdlStruct, typename="embodia_interfaces::action::dds_::ExecuteTask_Goal_"):
    task: str = ""


@dataclass
class ExecuteTaskResult(IdlStruct, typename="embodia_interfaces::action::dds_::ExecuteTask_Result_"):
    outcome: str = ""
    reason: str = ""
    said: sequence[str] = field(default_factory=list)


@dataclass
class ExecuteTaskFeedback(IdlStruct, typename="embodia_interfaces::action::dds_::ExecuteTask_Feedback_"):
    state: str = ""
    plan: sequence[str] = field(default_factory=list)
    current_step: int32 = -1
    said: sequence[str] = field(default_factory=list)


ExecuteTask = action_types("embodia_interfaces", "ExecuteTask", ExecuteTaskGoal, ExecuteTaskResult,
                           ExecuteTaskFeedback)


# --- nav2_msgs/action/NavigateToPose (Jazzy), as rosidl generates it ------------------------------

@dataclass
class Duration(IdlStruct, typename="builtin_interfaces::msg::dds_::Duration_"):
    sec: int32 = 0
    nanosec: uint32 = 0


@dataclass
class PoseStamped(IdlStruct, typename="geometry_msgs::msg::dds_::PoseStamped_"):
    header: Header = field(default_factory=Header)
    pose: Pose = field(default_factory=Pose)


@dataclass
class NavGoal(IdlStruct, typename="nav2_msgs::action::dds_::NavigateToPose_Goal_"):
    pose: PoseStamped = field(default_factory=PoseStamped)
    behavior_tree: str = ""


@dataclass
class NavResult(IdlStruct, typename="nav2_msgs::action::dds_::NavigateToPose_Result_"):
    error_code: uint16 = 0
    error_msg: str = ""


@dataclass
class NavFeedback(IdlStruct, typename="nav2_msgs::action::dds_::NavigateToPose_Feedback_"):
    current_pose: PoseStamped = field(default_factory=PoseStamped)
    navigation_time: Duration = field(default_factory=Duration)
    estimated_time_remaining: Duration = field(default_factory=Duration)
    number_of_recoveries: int16 = 0
    distance_remaining: float32 = 0.0


NavigateToPose = action_types("nav2_msgs", "NavigateToPose", NavGoal, NavResult, NavFeedback)


# --- a minimal action client ---------------------------------------------------------------------

class ActionClient:
    """The client side of one action, over plain DDS readers and writers."""

    def __init__(self, node, name, types):
        send_req, send_rep, res_req, res_rep, feedback = types
        self.dp = node.dp
        base = name.strip("/") + "/_action/"
        self.guid = int.from_bytes(os.urandom(8), "little") >> 1
        self.seq = 0

        def service(srv, req, rep):
            w = DataWriter(self.dp, Topic(self.dp, "rq/" + base + srv + "Request", req), qos=DEFAULT)
            r = DataReader(self.dp, Topic(self.dp, "rr/" + base + srv + "Reply", rep), qos=DEFAULT)
            return w, r

        self.send_goal = service("send_goal", send_req, send_rep)
        self.get_result = service("get_result", res_req, res_rep)
        self.cancel = service("cancel_goal", CancelGoalRequest, CancelGoalResponse)
        self.types = types
        self.feedback = DataReader(self.dp, Topic(self.dp, "rt/" + base + "feedback", feedback), qos=DEFAULT)
        self.status = DataReader(self.dp, Topic(self.dp, "rt/" + base + "status", GoalStatusArray), qos=LATCHED)
        self.pending = {}  # sequence -> reply

    def wait_for_server(self, limit_s):
        end = time.monotonic() + limit_s
        writers = [self.send_goal[0], self.get_result[0], self.cancel[0]]
        while time.monotonic() < end:
            if all(len(w.get_matched_subscriptions()) > 0 for w in writers):
                time.sleep(0.5)  # and the reply writers matched our readers
                return True
            time.sleep(0.05)
        return False

    def request(self, service, **fields):
        self.seq += 1
        writer, _ = service
        kind = {id(self.send_goal): self.types[0], id(self.get_result): self.types[2],
                id(self.cancel): CancelGoalRequest}[id(service)]
        writer.write(kind(client_guid=self.guid, seq=self.seq, **fields))
        return self.seq

    def reply(self, service, seq, deadline):
        """The reply to request `seq`, or None at `deadline` (monotonic)."""
        _, reader = service
        while time.monotonic() < deadline:
            for s in take(reader):
                if s.client_guid == self.guid:
                    self.pending[(id(service), s.seq)] = s
            got = self.pending.pop((id(service), seq), None)
            if got is not None:
                return got
            time.sleep(0.02)
        return None


def new_goal_id():
    return UUID(uuid=list(uuid.uuid4().bytes))


class Velocity:
    """Every /cmd_vel with its arrival time (seconds since `t0`)."""

    def __init__(self, node, t0):
        self.reader = node.reader("cmd_vel", Twist, DEFAULT)
        self.t0 = t0
        self.commands = []

    def poll(self):
        now = time.monotonic() - self.t0
        for c in take(self.reader):
            self.commands.append({"t": round(now, 3), "linear": c.linear.x, "angular": c.angular.z})


def run_task_client(limit_s, task_done, task_cancel, task_refused):
    t0 = time.monotonic()
    end = t0 + limit_s
    node = Node()
    client = ActionClient(node, "/agent/execute_task", ExecuteTask)
    vel = Velocity(node, t0)
    report = {"server_found": False, "goals": []}
    if not client.wait_for_server(min(30.0, limit_s)):
        log("no /agent/execute_task server")
        return report
    report["server_found"] = True
    log(f"server found after {time.monotonic() - t0:.1f} s")

    def run_goal(task, cancel_when_moving):
        goal_id = new_goal_id()
        g = {"task": task, "accepted": None, "feedback": [], "status": None, "result": None,
             "cancel": None, "sent_at": round(time.monotonic() - t0, 3)}
        report["goals"].append(g)
        seq = client.request(client.send_goal, goal_id=goal_id, goal=ExecuteTaskGoal(task=task))
        rep = client.reply(client.send_goal, seq, min(end, time.monotonic() + 10))
        if rep is None:
            log(f"no send_goal reply for {task!r}")
            return g
        g["accepted"] = bool(rep.accepted)
        if not rep.accepted:
            return g
        rseq = client.request(client.get_result, goal_id=goal_id)
        cancel_seq = None
        moving = False
        while time.monotonic() < end:
            vel.poll()
            for f in take(client.feedback):
                if list(f.goal_id.uuid) == list(goal_id.uuid):
                    fb = f.feedback
                    g["feedback"].append({"t": round(time.monotonic() - t0, 3), "state": fb.state,
                                          "plan": list(fb.plan), "current_step": fb.current_step,
                                          "said": list(fb.said)})
            moving = moving or any(abs(c["linear"]) > 0.05 and c["t"] >= g["sent_at"]
                                   for c in vel.commands)
            if cancel_when_moving and cancel_seq is None and moving and g["feedback"]:
                cancel_seq = client.request(client.cancel, goal_info=GoalInfo(goal_id=goal_id))
                g["cancel_sent_at"] = round(time.monotonic() - t0, 3)
                log(f"cancel sent for {task!r}")
            if cancel_seq is not None and g["cancel"] is None:
                c = client.reply(client.cancel, cancel_seq, time.monotonic() + 0.01)
                if c is not None:
                    g["cancel"] = {"return_code": c.return_code,
                                   "goals_canceling": [bytes(i.goal_id.uuid).hex() for i in c.goals_canceling],
                                   "goal_id": bytes(goal_id.uuid).hex()}
            r = client.reply(client.get_result, rseq, time.monotonic() + 0.05)
            if r is not None:
                g["status"] = STATUS.get(r.status, str(r.status))
                g["result"] = {"outcome": r.result.outcome, "reason": r.result.reason,
                               "said": list(r.result.said)}
                g["ended_at"] = round(time.monotonic() - t0, 3)
                log(f"{task!r}: {g['status']} ({r.result.outcome}: {r.result.reason})")
                break
        return g

    run_goal(task_done, False)
    run_goal(task_cancel, True)
    # After the cancel: what reaches /cmd_vel for the next 2 s (the robot must stand still).
    settle = time.monotonic() + 2.0
    while time.monotonic() < min(settle, end):
        vel.poll()
        time.sleep(0.02)
    report["settled_at"] = round(time.monotonic() - t0, 3)
    run_goal(task_refused, False)
    vel.poll()
    report["commands"] = vel.commands
    return report


# --- Nav2 played: a navigate_to_pose server ------------------------------------------------------

KITCHEN = ((0.0, 4.0), (4.6, 8.0))
STUDY = ((7.5, 12.0), (0.0, 3.4))
BEDROOM = ((4.0, 8.0), (4.6, 8.0))


def inside(region, x, y):
    (x0, x1), (y0, y1) = region
    return x0 <= x <= x1 and y0 <= y <= y1


class Nav2Server:
    """The server side of /navigate_to_pose over plain DDS readers and writers."""

    DRIVE_S = 2.0  # a kitchen goal drives this long, then succeeds
    AFTER_CANCEL_S = 2.5  # velocity keeps coming this long after a cancel (a lagging controller)

    def __init__(self, node, t0):
        dp = node.dp
        base = "navigate_to_pose/_action/"

        def service(srv, req, rep):
            r = DataReader(dp, Topic(dp, "rq/" + base + srv + "Request", req), qos=DEFAULT)
            w = DataWriter(dp, Topic(dp, "rr/" + base + srv + "Reply", rep), qos=DEFAULT)
            return r, w

        send_req, send_rep, res_req, res_rep, feedback = NavigateToPose
        self.types = NavigateToPose
        self.send_goal = service("send_goal", send_req, send_rep)
        self.get_result = service("get_result", res_req, res_rep)
        self.cancel = service("cancel_goal", CancelGoalRequest, CancelGoalResponse)
        self.feedback = DataWriter(dp, Topic(dp, "rt/" + base + "feedback", feedback), qos=DEFAULT)
        self.status = DataWriter(dp, Topic(dp, "rt/" + base + "status", GoalStatusArray), qos=LATCHED)
        self.velocity = node.writer("cmd_vel_nav", Twist, DEFAULT)
        self.t0 = t0
        self.goals = []  # dicts: id, x, y, region, status, started, ended, result, result_req
        self.cancels = []
        self.velocity_until = 0.0

    def now(self):
        return time.monotonic() - self.t0

    def publish_status(self):
        self.status.write(GoalStatusArray(status_list=[
            GoalStatus(goal_info=GoalInfo(goal_id=UUID(uuid=g["id"])), status=g["code"]) for g in self.goals]))

    def finish(self, g, code, error_code=0, error_msg=""):
        g["code"] = code
        g["status"] = STATUS[code]
        g["ended"] = round(self.now(), 3)
        g["result"] = NavResult(error_code=error_code, error_msg=error_msg)
        self.publish_status()

    def step(self):
        now = self.now()
        reader, writer = self.send_goal
        for req in take(reader):
            x, y = req.goal.pose.pose.position.x, req.goal.pose.pose.position.y
            region = ("kitchen" if inside(KITCHEN, x, y) else "study" if inside(STUDY, x, y)
                      else "bedroom" if inside(BEDROOM, x, y) else "elsewhere")
            g = {"id": list(req.goal_id.uuid), "x": x, "y": y, "region": region, "frame": req.goal.pose.header.frame_id,
                 "code": 2, "status": "executing", "started": round(now, 3), "ended": None,
                 "result": None, "result_req": None, "result_sent": False, "feedback": 0}
            self.goals.append(g)
            writer.write(self.types[1](client_guid=req.client_guid, seq=req.seq, accepted=True,
                                             stamp=Time(sec=int(now))))
            self.publish_status()
            log(f"nav2: goal to ({x:.2f}, {y:.2f}) in {region}")
        reader, writer = self.get_result
        for req in take(reader):
            for g in self.goals:
                if g["id"] == list(req.goal_id.uuid):
                    g["result_req"] = (req.client_guid, req.seq)
        reader, writer = self.cancel
        for req in take(reader):
            wanted = list(req.goal_info.goal_id.uuid)
            canceling = [g for g in self.goals if g["id"] == wanted and g["ended"] is None]
            writer.write(CancelGoalResponse(client_guid=req.client_guid, seq=req.seq,
                                            return_code=0 if canceling else 2,
                                            goals_canceling=[GoalInfo(goal_id=UUID(uuid=g["id"])) for g in canceling]))
            self.cancels.append({"t": round(now, 3), "goal_found": bool(canceling)})
            for g in canceling:
                self.finish(g, 5)
                self.velocity_until = now + self.AFTER_CANCEL_S
                log(f"nav2: goal in {g['region']} canceled")
        for g in self.goals:
            if g["ended"] is not None:
                continue
            if g["region"] == "kitchen" and now - g["started"] >= self.DRIVE_S:
                self.finish(g, 4)
            elif g["region"] == "study" and now - g["started"] >= 0.3:
                self.finish(g, 6, 9003, "controller_server: no progress")
            elif g["region"] not in ("kitchen", "study", "bedroom"):
                self.finish(g, 6, 9000, "goal outside the known rooms")
        driving = [g for g in self.goals if g["ended"] is None and g["region"] in ("kitchen", "bedroom")]
        for g in driving:
            g["feedback"] += 1
            self.feedback.write(self.types[4](goal_id=UUID(uuid=g["id"]), feedback=NavFeedback(
                distance_remaining=1.0, navigation_time=Duration(sec=int(now - g["started"])))))
        if driving or now < self.velocity_until:
            self.velocity.write(Twist(linear=Vector3(x=0.2), angular=Vector3(z=0.1)))
        for g in self.goals:
            if g["ended"] is not None and g["result_req"] and not g["result_sent"]:
                guid, seq = g["result_req"]
                self.get_result[1].write(self.types[3](client_guid=guid, seq=seq, status=g["code"],
                                                              result=g["result"]))
                g["result_sent"] = True

    def report(self):
        return [{k: v for k, v in g.items() if k not in ("id", "result_req", "result")} |
                {"error_code": g["result"].error_code if g["result"] else None} for g in self.goals]


def run_nav2(limit_s):
    t0 = time.monotonic()
    end = t0 + limit_s
    node = Node()
    nav2 = Nav2Server(node, t0)
    client = ActionClient(node, "/agent/execute_task", ExecuteTask)
    vel = Velocity(node, t0)
    report = {"server_found": False, "tasks": []}

    def idle(seconds):
        stop = min(end, time.monotonic() + seconds)
        while time.monotonic() < stop:
            nav2.step()
            vel.poll()
            time.sleep(0.02)

    found_by = time.monotonic() + min(30.0, limit_s)
    while time.monotonic() < found_by and not client.wait_for_server(0.1):
        nav2.step()
    if not client.wait_for_server(0.1):
        return report
    report["server_found"] = True
    idle(1.0)

    def task(text, cancel_after_s=None):
        t = {"task": text, "sent_at": round(time.monotonic() - t0, 3), "status": None, "result": None}
        report["tasks"].append(t)
        goal_id = new_goal_id()
        seq = client.request(client.send_goal, goal_id=goal_id, goal=ExecuteTaskGoal(task=text))
        deadline = min(end, time.monotonic() + 10)
        rep = None
        while rep is None and time.monotonic() < deadline:
            nav2.step()
            rep = client.reply(client.send_goal, seq, time.monotonic() + 0.02)
        if rep is None or not rep.accepted:
            return t
        rseq = client.request(client.get_result, goal_id=goal_id)
        cancel_at = None if cancel_after_s is None else time.monotonic() + cancel_after_s
        while time.monotonic() < end:
            nav2.step()
            vel.poll()
            if cancel_at is not None and time.monotonic() >= cancel_at:
                client.request(client.cancel, goal_info=GoalInfo(goal_id=goal_id))
                t["cancel_sent_at"] = round(time.monotonic() - t0, 3)
                cancel_at = None
            r = client.reply(client.get_result, rseq, time.monotonic() + 0.02)
            if r is not None:
                t["status"] = STATUS.get(r.status, str(r.status))
                t["result"] = {"outcome": r.result.outcome, "reason": r.result.reason}
                t["ended_at"] = round(time.monotonic() - t0, 3)
                log(f"task {text!r}: {t['status']} ({r.result.outcome}: {r.result.reason})")
                return t
        return t

    task("go to the kitchen")
    idle(1.0)
    task("go to the study")
    idle(1.0)
    task("go to the bedroom", cancel_after_s=4.0)
    idle(3.0)
    report["ended_at"] = round(time.monotonic() - t0, 3)
    report["nav2_goals"] = nav2.report()
    report["nav2_cancels"] = nav2.cancels
    report["commands"] = vel.commands
    return report


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["task-client", "nav2"])
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--task-done", default="go to the kitchen")
    ap.add_argument("--task-cancel", default="go to the study")
    ap.add_argument("--task-refused", default="go\u001b[2J to the kitchen")
    a = ap.parse_args()
    limit = min(a.seconds, 300.0)
    if a.mode == "nav2":
        out = run_nav2(limit)
    else:
        out = run_task_client(limit, a.task_done, a.task_cancel, a.task_refused)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
