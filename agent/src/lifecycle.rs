//! A task's life once it is under way, as a pure transition function: `(state, event) ->
//! (state, actions)`. The deliberative layer is a thin shell around it: it feeds the events
//! (a plan arrived or could not be made, a step finished, the task is to be concluded with
//! words) and carries out the actions (hand a step to the reactive layer, ask for a replan,
//! publish the status, end the task). No runtime, clock or channel here, so each rule — a
//! cancelled step's late word is ignored, a retryable failure replans at most `max_replans`
//! times, a replan resumes after the steps already done, the closing words are said before the
//! task ends — is tested by feeding events.

use embodia_actuation::{Failure, Plan, SkillStatus, Step};

use crate::deliberative::Outcome;
use crate::planner::FailedStep;

/// Where a task is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Waiting for its plan.
    Planning,
    /// Carrying out `plan`, at step `index`.
    Running {
        /// The plan.
        plan: Plan,
        /// The step under way.
        index: usize,
    },
    /// Saying the closing words; then ending with `outcome`.
    Concluding {
        /// How the task ends.
        outcome: Outcome,
    },
}

/// What happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The planner answered: a checked plan, or why there is none.
    Planned(Result<Plan, String>),
    /// The reactive layer finished the step it was given as `id`.
    StepFinished {
        /// The step's id.
        id: u64,
        /// How it ended.
        status: SkillStatus,
    },
    /// End the task with `outcome` after saying `text` (a refusal, a place named).
    Conclude {
        /// How the task ends.
        outcome: Outcome,
        /// The closing words.
        text: String,
    },
}

/// What the shell is to do, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Keep this plan in the task's report (the part still to do, after a replan).
    RecordPlan(Plan),
    /// Publish the task's status in this state.
    PublishStatus(&'static str),
    /// Hand this step to the reactive layer; the shell gives it an id and tells
    /// [`Lifecycle::started`].
    Run(Step),
    /// Stop whatever the reactive layer is doing (the robot stands).
    CancelReactive,
    /// The task's reason (why it failed or was refused).
    Reason(String),
    /// Ask the planner again, telling it what failed.
    Replan(FailedStep),
    /// The task ends with this outcome.
    Finish(Outcome),
}

/// A task under way: its phase, the step in flight, what is done.
#[derive(Debug, Clone, PartialEq)]
pub struct Lifecycle {
    task: String,
    phase: Phase,
    step_id: u64,
    replans: usize,
    max_replans: usize,
    /// Steps of this task already carried out, in order, across plans.
    done: Vec<Step>,
}

/// On a replan, the part of `plan` still to do: a plan that begins with exactly the steps
/// already carried out continues after them, so nothing with an effect — a turn, a move, a
/// sentence — happens twice. A plan that went another way (the world changed, or a model
/// chose differently) is kept whole.
fn resume(plan: Plan, done: &[Step]) -> Plan {
    if !done.is_empty() && plan.steps.len() > done.len() && plan.steps.starts_with(done) {
        Plan::new(plan.steps[done.len()..].to_vec())
    } else {
        plan
    }
}

impl Lifecycle {
    /// `task`, waiting for its plan; a retryable failure replans at most `max_replans` times.
    pub fn new(task: impl Into<String>, max_replans: usize) -> Self {
        Self {
            task: task.into(),
            phase: Phase::Planning,
            step_id: 0,
            replans: 0,
            max_replans,
            done: Vec::new(),
        }
    }

    /// Where the task is.
    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    /// The step just handed over got `id`: only its result counts from now on.
    pub fn started(&mut self, id: u64) {
        self.step_id = id;
    }

    /// The transition: the new state, and what to do.
    pub fn on(mut self, event: Event) -> (Self, Vec<Action>) {
        let actions = self.step(event);
        (self, actions)
    }

    fn conclude(&mut self, outcome: Outcome, text: String) -> Vec<Action> {
        self.phase = Phase::Concluding { outcome };
        vec![Action::Run(Step::Say { text })]
    }

    fn step(&mut self, event: Event) -> Vec<Action> {
        match event {
            Event::Conclude { outcome, text } => self.conclude(outcome, text),
            Event::Planned(Ok(plan)) => {
                let plan = resume(plan, &self.done);
                let first = plan.steps[0].clone();
                self.phase = Phase::Running {
                    plan: plan.clone(),
                    index: 0,
                };
                vec![
                    Action::RecordPlan(plan),
                    Action::PublishStatus("running"),
                    Action::Run(first),
                ]
            }
            Event::Planned(Err(reason)) => {
                let text = format!("I cannot do that: {reason}");
                let mut actions = vec![Action::CancelReactive, Action::Reason(reason)];
                actions.extend(self.conclude(Outcome::Failed, text));
                actions
            }
            Event::StepFinished { id, .. } if id != self.step_id => vec![], // a cancelled step's late word
            Event::StepFinished { status, .. } => match (&mut self.phase, status) {
                (Phase::Concluding { outcome }, _) => vec![Action::Finish(*outcome)],
                (Phase::Planning, _) | (_, SkillStatus::Running) => vec![],
                (Phase::Running { plan, index }, SkillStatus::Succeeded) => {
                    self.done.push(plan.steps[*index].clone());
                    *index += 1;
                    match plan.steps.get(*index).cloned() {
                        Some(step) => vec![Action::PublishStatus("running"), Action::Run(step)],
                        None => vec![Action::Finish(Outcome::Succeeded)],
                    }
                }
                (Phase::Running { plan, index }, SkillStatus::Failed(failure)) => {
                    let step = plan.steps[*index].clone();
                    self.failed(step, failure)
                }
            },
        }
    }

    fn failed(&mut self, step: Step, failure: Failure) -> Vec<Action> {
        tracing::info!(?step, reason = %failure.reason, "step failed");
        if failure.retryable && self.replans < self.max_replans {
            self.replans += 1;
            return vec![Action::Replan(FailedStep { step, failure })];
        }
        let text = format!("I could not {}: {}.", self.task, failure.reason);
        let mut actions = vec![Action::Reason(failure.reason)];
        actions.extend(self.conclude(Outcome::Failed, text));
        actions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(steps: &[Step]) -> Plan {
        Plan::new(steps.to_vec())
    }

    fn go(target: &str) -> Step {
        Step::NavigateTo {
            target: target.into(),
        }
    }

    fn say(text: &str) -> Step {
        Step::Say { text: text.into() }
    }

    /// Feeds `event`, telling the machine the id of any step it hands over (ids from `next`).
    fn feed(life: Lifecycle, event: Event, next: &mut u64) -> (Lifecycle, Vec<Action>) {
        let (mut life, actions) = life.on(event);
        for a in &actions {
            if matches!(a, Action::Run(_)) {
                *next += 1;
                life.started(*next);
            }
        }
        (life, actions)
    }

    fn finished(id: u64, status: SkillStatus) -> Event {
        Event::StepFinished { id, status }
    }

    #[test]
    fn a_plan_runs_step_by_step_and_the_task_succeeds_after_the_last() {
        let mut id = 0;
        let life = Lifecycle::new("go to the kitchen and say hi", 2);
        let p = plan(&[go("kitchen"), say("hi")]);
        let (life, a) = feed(life, Event::Planned(Ok(p.clone())), &mut id);
        assert_eq!(
            a,
            vec![
                Action::RecordPlan(p),
                Action::PublishStatus("running"),
                Action::Run(go("kitchen"))
            ]
        );
        let (life, a) = feed(life, finished(1, SkillStatus::Running), &mut id);
        assert!(a.is_empty(), "still running");
        let (life, a) = feed(life, finished(1, SkillStatus::Succeeded), &mut id);
        assert_eq!(
            a,
            vec![Action::PublishStatus("running"), Action::Run(say("hi"))]
        );
        let (_, a) = feed(life, finished(2, SkillStatus::Succeeded), &mut id);
        assert_eq!(a, vec![Action::Finish(Outcome::Succeeded)]);
    }

    #[test]
    fn a_late_result_of_another_step_is_ignored() {
        let mut id = 10;
        let life = Lifecycle::new("go to the kitchen", 2);
        let (life, _) = feed(life, Event::Planned(Ok(plan(&[go("kitchen")]))), &mut id);
        let (life, a) = feed(life, finished(10, SkillStatus::Succeeded), &mut id);
        assert!(a.is_empty(), "{a:?}");
        let (_, a) = feed(life, finished(11, SkillStatus::Succeeded), &mut id);
        assert_eq!(a, vec![Action::Finish(Outcome::Succeeded)]);
    }

    #[test]
    fn a_retryable_failure_replans_at_most_max_replans_times_then_fails_saying_why() {
        let mut id = 0;
        let blocked = || SkillStatus::Failed(Failure::transient("the way is blocked"));
        let (mut life, _) = feed(
            Lifecycle::new("go to the kitchen", 2),
            Event::Planned(Ok(plan(&[go("kitchen")]))),
            &mut id,
        );
        for _ in 0..2 {
            let (l, a) = feed(life, finished(id, blocked()), &mut id);
            let [Action::Replan(f)] = a.as_slice() else {
                panic!("{a:?}")
            };
            assert_eq!(f.step, go("kitchen"));
            (life, _) = feed(l, Event::Planned(Ok(plan(&[go("kitchen")]))), &mut id);
        }
        let (life, a) = feed(life, finished(id, blocked()), &mut id);
        assert_eq!(
            a,
            vec![
                Action::Reason("the way is blocked".into()),
                Action::Run(say("I could not go to the kitchen: the way is blocked."))
            ]
        );
        let (_, a) = feed(life, finished(id, SkillStatus::Succeeded), &mut id);
        assert_eq!(a, vec![Action::Finish(Outcome::Failed)], "after the words");
    }

    #[test]
    fn a_permanent_failure_ends_the_task_without_a_replan() {
        let mut id = 0;
        let (life, _) = feed(
            Lifecycle::new("move forward", 2),
            Event::Planned(Ok(plan(&[Step::Move { metres: 1.0 }]))),
            &mut id,
        );
        let (_, a) = feed(
            life,
            finished(1, SkillStatus::Failed(Failure::permanent("latched"))),
            &mut id,
        );
        assert!(!a.iter().any(|a| matches!(a, Action::Replan(_))), "{a:?}");
        assert!(a.contains(&Action::Reason("latched".into())));
    }

    #[test]
    fn a_replan_that_repeats_the_steps_done_resumes_after_them() {
        let mut id = 0;
        let turn = Step::Rotate { degrees: 90.0 };
        let (life, _) = feed(
            Lifecycle::new("turn then go", 2),
            Event::Planned(Ok(plan(&[turn.clone(), go("kitchen")]))),
            &mut id,
        );
        let (life, _) = feed(life, finished(1, SkillStatus::Succeeded), &mut id);
        let (life, _) = feed(
            life,
            finished(2, SkillStatus::Failed(Failure::transient("blocked"))),
            &mut id,
        );
        let (life, a) = feed(
            life,
            Event::Planned(Ok(plan(&[turn.clone(), go("kitchen")]))),
            &mut id,
        );
        assert_eq!(
            a[0],
            Action::RecordPlan(plan(&[go("kitchen")])),
            "no second turn"
        );
        assert_eq!(a[2], Action::Run(go("kitchen")));
        // A plan that went another way is kept whole.
        let (life, _) = feed(
            life,
            finished(3, SkillStatus::Failed(Failure::transient("blocked"))),
            &mut id,
        );
        let other = plan(&[go("hallway"), go("kitchen")]);
        let (_, a) = feed(life, Event::Planned(Ok(other.clone())), &mut id);
        assert_eq!(a[0], Action::RecordPlan(other));
    }

    #[test]
    fn no_plan_stops_the_robot_and_fails_the_task_after_saying_why() {
        let mut id = 0;
        let (life, a) = feed(
            Lifecycle::new("fly", 2),
            Event::Planned(Err("planning took longer than 1.0 s".into())),
            &mut id,
        );
        assert_eq!(
            a,
            vec![
                Action::CancelReactive,
                Action::Reason("planning took longer than 1.0 s".into()),
                Action::Run(say("I cannot do that: planning took longer than 1.0 s"))
            ]
        );
        assert_eq!(
            life.phase(),
            &Phase::Concluding {
                outcome: Outcome::Failed
            }
        );
        let (_, a) = feed(life, finished(1, SkillStatus::Succeeded), &mut id);
        assert_eq!(a, vec![Action::Finish(Outcome::Failed)]);
    }

    #[test]
    fn concluding_says_the_words_then_ends_with_the_outcome() {
        let mut id = 4;
        let (life, a) = feed(
            Lifecycle::new("remember this place as the dock", 2),
            Event::Conclude {
                outcome: Outcome::Succeeded,
                text: "I will remember this place as the dock.".into(),
            },
            &mut id,
        );
        assert_eq!(
            a,
            vec![Action::Run(say("I will remember this place as the dock."))]
        );
        let (_, a) = feed(life, finished(5, SkillStatus::Succeeded), &mut id);
        assert_eq!(a, vec![Action::Finish(Outcome::Succeeded)]);
    }
}
