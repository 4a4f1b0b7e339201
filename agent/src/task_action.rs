//! `/agent/execute_task`: ROS 2 action goals as tasks.
//!
//! Each goal becomes a task handed in with an id ([`TaskHandle::submit`]), exactly as a task
//! from `/agent/task` — so a new goal replaces the task in progress, which ends ABORTED with
//! outcome `preempted`. While it runs, the task in progress is turned into feedback whenever
//! its state, plan, step or speech changes; its report becomes the result. A cancel request
//! cancels the task ([`TaskHandle::cancel`]): the running step is dropped, the reactive layer
//! commands zero velocity through the gate, and the goal ends CANCELED.
//!
//! [`GoalBook`] holds that mapping as plain transitions (tested with scripted events, no
//! transport); [`TaskActionServer`] runs it on a thread against a bus's action server.

use std::collections::HashMap;
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};
use embodia_ros::Bus;
use embodia_ros::action::{ActionServer, GoalEnd, GoalKey, ServerEvent, ServerReply};
use embodia_ros::msg::embodia_interfaces::{
    ExecuteTask, ExecuteTaskFeedback, ExecuteTaskGoal, ExecuteTaskResult,
};

use crate::agent::TaskHandle;
use crate::deliberative::{Outcome, TaskId, TaskReport};

/// How often the task in progress is looked at for feedback.
const FEEDBACK_PERIOD: Duration = Duration::from_millis(100);

type Reply = ServerReply<ExecuteTaskFeedback, ExecuteTaskResult>;

/// The goal an outcome ends with: only success succeeds, only a cancel cancels.
pub fn goal_end(outcome: Outcome) -> GoalEnd {
    match outcome {
        Outcome::Succeeded => GoalEnd::Succeeded,
        Outcome::Canceled => GoalEnd::Canceled,
        Outcome::Failed
        | Outcome::Refused
        | Outcome::Preempted
        | Outcome::Unfinished
        | Outcome::Interrupted => GoalEnd::Aborted,
    }
}

fn outcome_name(outcome: Outcome) -> String {
    serde_json::to_value(outcome)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The feedback a task in progress shows.
pub fn feedback(report: &TaskReport) -> ExecuteTaskFeedback {
    ExecuteTaskFeedback {
        state: report.state.clone().unwrap_or_default(),
        plan: report
            .plans
            .last()
            .map(|p| {
                p.steps
                    .iter()
                    .map(|s| serde_json::to_string(s).unwrap_or_default())
                    .collect()
            })
            .unwrap_or_default(),
        current_step: report
            .step_index
            .and_then(|i| i32::try_from(i).ok())
            .unwrap_or(-1),
        said: report.said.clone(),
    }
}

/// The result a finished task's report gives.
pub fn result(report: &TaskReport) -> ExecuteTaskResult {
    ExecuteTaskResult {
        outcome: outcome_name(report.outcome),
        reason: report.reason.clone().unwrap_or_default(),
        said: report.said.clone(),
    }
}

struct Goal {
    task: TaskId,
    shown: Option<ExecuteTaskFeedback>,
}

/// The goals being worked on and the tasks they became.
#[derive(Default)]
pub struct GoalBook {
    goals: HashMap<GoalKey, Goal>,
}

impl GoalBook {
    /// A new goal: hands its task in with `submit`. A goal that could not be handed in (the
    /// agent is shutting down) ends at once, aborted.
    pub fn on_goal(
        &mut self,
        key: GoalKey,
        goal: ExecuteTaskGoal,
        submit: impl FnOnce(&str) -> Option<TaskId>,
    ) -> Vec<Reply> {
        match submit(&goal.task) {
            Some(task) => {
                self.goals.insert(key, Goal { task, shown: None });
                vec![]
            }
            None => vec![ServerReply::Finish {
                key,
                end: GoalEnd::Aborted,
                result: ExecuteTaskResult {
                    outcome: outcome_name(Outcome::Unfinished),
                    reason: "the agent is shutting down".into(),
                    said: vec![],
                },
            }],
        }
    }

    /// The task to cancel for a cancel request, if the goal is one of ours.
    pub fn on_cancel(&self, key: GoalKey) -> Option<TaskId> {
        self.goals.get(&key).map(|g| g.task)
    }

    /// Feedback for the goal whose task is `in_progress`, when it shows something new.
    pub fn on_progress(&mut self, in_progress: Option<&TaskReport>) -> Vec<Reply> {
        let Some(report) = in_progress else {
            return vec![];
        };
        let Some(id) = report.id else { return vec![] };
        let Some((key, goal)) = self.goals.iter_mut().find(|(_, g)| g.task == id) else {
            return vec![];
        };
        let now = feedback(report);
        if goal.shown.as_ref() == Some(&now) {
            return vec![];
        }
        goal.shown = Some(now.clone());
        vec![ServerReply::Feedback {
            key: *key,
            feedback: now,
        }]
    }

    /// The result of the goal whose task `report` ends.
    pub fn on_report(&mut self, report: &TaskReport) -> Vec<Reply> {
        let Some(id) = report.id else { return vec![] };
        let Some(key) = self
            .goals
            .iter()
            .find(|(_, g)| g.task == id)
            .map(|(k, _)| *k)
        else {
            return vec![];
        };
        self.goals.remove(&key);
        vec![ServerReply::Finish {
            key,
            end: goal_end(report.outcome),
            result: result(report),
        }]
    }

    /// Ends every goal still open (the agent is stopping): aborted, unfinished.
    pub fn abandon(&mut self) -> Vec<Reply> {
        self.goals
            .drain()
            .map(|(key, _)| ServerReply::Finish {
                key,
                end: GoalEnd::Aborted,
                result: ExecuteTaskResult {
                    outcome: outcome_name(Outcome::Unfinished),
                    reason: "the agent stopped before the task ended".into(),
                    said: vec![],
                },
            })
            .collect()
    }
}

/// The action server running beside the agent. Hand it every task report
/// ([`Self::report`]); dropping it ends the open goals and stops the server.
pub struct TaskActionServer {
    reports: Option<Sender<TaskReport>>,
    thread: Option<JoinHandle<()>>,
}

impl TaskActionServer {
    /// Serves `name` on `bus`, handing goals to `tasks`. On a transport without actions this
    /// says so once and serves nothing (tasks still arrive on `/agent/task`).
    pub fn start<B: Bus>(bus: &B, name: &str, tasks: TaskHandle) -> Self {
        let server = match bus.action_server::<ExecuteTask>(name) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "task action not served");
                return Self {
                    reports: None,
                    thread: None,
                };
            }
        };
        let (tx, rx) = crossbeam_channel::unbounded();
        let thread = std::thread::Builder::new()
            .name("embodia-task-action".into())
            .spawn(move || run(&server, &tasks, &rx));
        match thread {
            Ok(t) => Self {
                reports: Some(tx),
                thread: Some(t),
            },
            Err(e) => {
                tracing::error!(error = %e, "task action not served: no thread");
                Self {
                    reports: None,
                    thread: None,
                }
            }
        }
    }

    /// Passes a finished task's report on (the goal it belongs to, if any, ends with it).
    pub fn report(&self, report: &TaskReport) {
        if let Some(tx) = &self.reports
            && report.id.is_some()
        {
            let _ = tx.send(report.clone());
        }
    }
}

impl Drop for TaskActionServer {
    fn drop(&mut self) {
        self.reports = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(server: &ActionServer<ExecuteTask>, tasks: &TaskHandle, reports: &Receiver<TaskReport>) {
    tracing::info!(
        action = server.name(),
        "serving embodia_interfaces/action/ExecuteTask"
    );
    let mut book = GoalBook::default();
    let send = |replies: Vec<Reply>| replies.into_iter().all(|r| server.reply(r));
    loop {
        let replies = crossbeam_channel::select! {
            recv(server.events()) -> event => match event {
                Ok(ServerEvent::Goal { key, goal }) => {
                    tracing::info!(key, task = %goal.task.chars().take(80).collect::<String>(), "task goal accepted");
                    book.on_goal(key, goal, |t| tasks.submit(t))
                }
                Ok(ServerEvent::CancelRequested { key }) => {
                    if let Some(id) = book.on_cancel(key) {
                        tracing::info!(key, "task goal cancel requested: stopping");
                        tasks.cancel(id);
                    }
                    vec![]
                }
                Err(_) => break,
            },
            recv(reports) -> report => match report {
                Ok(r) => {
                    // The newest progress first, so a short task still shows its plan.
                    let mut out = book.on_progress(tasks.in_progress().as_ref());
                    out.extend(book.on_report(&r));
                    out
                }
                Err(_) => break,
            },
            default(FEEDBACK_PERIOD) => book.on_progress(tasks.in_progress().as_ref()),
        };
        if !send(replies) {
            return;
        }
    }
    send(book.abandon());
}

#[cfg(test)]
mod tests {
    use super::*;
    use embodia_actuation::{Plan, Step};

    fn report(id: TaskId, outcome: Outcome) -> TaskReport {
        TaskReport {
            id: Some(id),
            ..TaskReport::new("go to the kitchen".into(), outcome)
        }
    }

    fn goal(task: &str) -> ExecuteTaskGoal {
        ExecuteTaskGoal { task: task.into() }
    }

    #[test]
    fn a_goal_becomes_a_task_and_its_report_the_result() {
        let mut book = GoalBook::default();
        assert!(
            book.on_goal(7, goal("go to the kitchen"), |_| Some(3))
                .is_empty()
        );
        let mut running = report(3, Outcome::Failed);
        running.state = Some("running".into());
        running.plans = vec![Plan::new(vec![
            Step::NavigateTo {
                target: "kitchen".into(),
            },
            Step::Stop,
        ])];
        running.step_index = Some(1);
        running.said = vec!["on my way".into()];
        let fb = book.on_progress(Some(&running));
        assert_eq!(
            fb,
            vec![ServerReply::Feedback {
                key: 7,
                feedback: ExecuteTaskFeedback {
                    state: "running".into(),
                    plan: vec![
                        r#"{"skill":"navigate_to","target":"kitchen"}"#.into(),
                        r#"{"skill":"stop"}"#.into()
                    ],
                    current_step: 1,
                    said: vec!["on my way".into()],
                }
            }]
        );
        assert!(
            book.on_progress(Some(&running)).is_empty(),
            "nothing new, no feedback"
        );
        let mut done = report(3, Outcome::Succeeded);
        done.said = vec!["on my way".into(), "here".into()];
        assert_eq!(
            book.on_report(&done),
            vec![ServerReply::Finish {
                key: 7,
                end: GoalEnd::Succeeded,
                result: ExecuteTaskResult {
                    outcome: "succeeded".into(),
                    reason: String::new(),
                    said: vec!["on my way".into(), "here".into()],
                }
            }]
        );
        assert!(
            book.on_report(&done).is_empty(),
            "a goal ends once and is forgotten"
        );
    }

    #[test]
    fn a_cancel_names_the_goals_task_and_ends_it_canceled() {
        let mut book = GoalBook::default();
        book.on_goal(1, goal("patrol"), |_| Some(10));
        assert_eq!(book.on_cancel(1), Some(10));
        assert_eq!(book.on_cancel(2), None, "not our goal");
        let mut canceled = report(10, Outcome::Canceled);
        canceled.reason = Some("canceled by its client; the robot was stopped".into());
        let end = book.on_report(&canceled);
        assert!(matches!(
            &end[..],
            [ServerReply::Finish { key: 1, end: GoalEnd::Canceled, result }]
                if result.outcome == "canceled" && result.reason.contains("stopped")
        ));
    }

    #[test]
    fn other_tasks_reports_and_progress_leave_the_goals_alone() {
        let mut book = GoalBook::default();
        book.on_goal(1, goal("patrol"), |_| Some(10));
        let topic_task = TaskReport::new("from /agent/task".into(), Outcome::Succeeded);
        assert!(book.on_report(&topic_task).is_empty());
        assert!(book.on_progress(Some(&topic_task)).is_empty());
        assert!(book.on_report(&report(11, Outcome::Succeeded)).is_empty());
        let preempted = report(10, Outcome::Preempted);
        assert!(matches!(
            &book.on_report(&preempted)[..],
            [ServerReply::Finish { key: 1, end: GoalEnd::Aborted, result }] if result.outcome == "preempted"
        ));
    }

    #[test]
    fn only_success_succeeds_and_only_a_cancel_cancels() {
        assert_eq!(goal_end(Outcome::Succeeded), GoalEnd::Succeeded);
        assert_eq!(goal_end(Outcome::Canceled), GoalEnd::Canceled);
        for o in [
            Outcome::Failed,
            Outcome::Refused,
            Outcome::Preempted,
            Outcome::Unfinished,
            Outcome::Interrupted,
        ] {
            assert_eq!(goal_end(o), GoalEnd::Aborted, "{o:?}");
        }
    }

    #[test]
    fn goals_not_handed_in_or_left_open_end_aborted() {
        let mut book = GoalBook::default();
        assert!(matches!(
            &book.on_goal(1, goal("x"), |_| None)[..],
            [ServerReply::Finish {
                key: 1,
                end: GoalEnd::Aborted,
                ..
            }]
        ));
        book.on_goal(2, goal("y"), |_| Some(5));
        assert!(matches!(
            &book.abandon()[..],
            [ServerReply::Finish { key: 2, end: GoalEnd::Aborted, result }] if result.outcome == "unfinished"
        ));
    }
}
