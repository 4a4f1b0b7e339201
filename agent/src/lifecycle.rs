//! The deliberative layer's decisions, as a pure transition function: `(state, event) ->
//! (state, actions)`. The layer is a thin shell around it: it feeds the events (a task given,
//! a cancel, a plan made or not, a step finished, a place named) and carries out the actions
//! (report a refusal, begin a task, ask the planner, hand a step to the reactive layer, name
//! the robot's spot, publish the status, end the task). No runtime, clock or channel here, so
//! each rule — a bad task is refused without touching the one under way, a task asking for
//! more than the top speed fails before anything moves, a new task preempts the old one, a
//! cancel ends only the task it names, naming a place is the agent's own act and never a plan
//! step, a cancelled step's late word is ignored, a retryable failure replans at most
//! `max_replans` times, a replan resumes after the steps already done, the closing words are
//! said before the task ends — is tested by feeding events.

use embodia_actuation::{Failure, Plan, SkillStatus, Step};
use embodia_planner::understand::{Naming, place_naming};

use crate::deliberative::Outcome;
use crate::messages::TaskId;
use crate::planner::FailedStep;
use crate::task::validate_task;

/// Characters of a refused task kept in its report (a refused text can be anything).
const REFUSED_SHOWN_CHARS: usize = 200;

/// Where the layer is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// No task.
    Idle,
    /// Naming the robot's current spot `name`; the shell says how it went
    /// ([`Event::Named`]).
    Naming {
        /// The name.
        name: String,
    },
    /// Waiting for its plan.
    Planning,
    /// Carrying out `plan`, at step `index` (or replanning after that step failed).
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
    /// A person gave a task (`id` when its giver follows it, as an action client does).
    Given {
        /// The text as given.
        text: String,
        /// The task's id.
        id: Option<TaskId>,
    },
    /// Whoever gave task `id` cancels it.
    Cancel(TaskId),
    /// The planner answered: a checked plan, or why there is none.
    Planned(Result<Plan, String>),
    /// The reactive layer finished the step it was given as `id`.
    StepFinished {
        /// The step's id.
        id: u64,
        /// How it ended.
        status: SkillStatus,
    },
    /// The shell tried to name the robot's spot, as [`Action::NamePlace`] asked.
    Named(Named),
}

/// How naming the robot's spot went.
#[derive(Debug, Clone, PartialEq)]
pub enum Named {
    /// Named, and stored in the memory file.
    Stored,
    /// Named until the agent stops: the memory file refused it (why, shortened to fit a
    /// sentence).
    NotStored(String),
    /// Named until the agent stops: the agent has no memory file.
    NoMemoryFile,
    /// Not named: why, a sentence for the person (no pose yet, the name is taken, ...).
    Refused(String),
}

/// What the shell is to do, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Report `task` (cut to a readable length) as refused for `reason`, on the status topic
    /// and as a task report, without touching the task under way.
    RefuseUnstarted {
        /// The task's id.
        id: Option<TaskId>,
        /// The text as given, cut.
        task: String,
        /// Why.
        reason: String,
    },
    /// A task begins: open its report, note where the robot stands and the pace it asks
    /// for, and record it in the memory file as in progress.
    Begin {
        /// The task, checked.
        task: String,
        /// Its id.
        id: Option<TaskId>,
    },
    /// Ask the planner for the task's first plan; the answer comes back as
    /// [`Event::Planned`].
    Plan,
    /// Name the robot's current spot this (a place of the agent's own, never a plan step);
    /// the outcome comes back as [`Event::Named`].
    NamePlace(String),
    /// Keep this plan in the task's report (the part still to do, after a replan).
    RecordPlan(Plan),
    /// Publish the task's status in this state.
    PublishStatus(&'static str),
    /// Hand this step to the reactive layer; the shell gives it an id and tells
    /// [`Lifecycle::started`].
    Run(Step),
    /// Stop whatever the reactive layer is doing (the robot stands).
    CancelReactive,
    /// The task's reason (why it failed, was refused or ended early).
    Reason(String),
    /// Ask the planner again, telling it what failed; the answer comes back as
    /// [`Event::Planned`].
    Replan(FailedStep),
    /// The task ends with `outcome`; the layer is idle after it.
    Finish {
        /// How it ended.
        outcome: Outcome,
        /// The step it was at in its newest plan when it ended (running), for the last
        /// status.
        step_index: Option<usize>,
    },
}

/// The task under way: its id, phase, the step in flight, what is done.
#[derive(Debug, Clone, PartialEq)]
struct Task {
    text: String,
    id: Option<TaskId>,
    phase: Phase,
    step_id: u64,
    replans: usize,
    /// Steps of this task already carried out, in order, across plans.
    done: Vec<Step>,
}

/// The deliberative layer's state: idle, or a task under way.
#[derive(Debug, Clone, PartialEq)]
pub struct Lifecycle {
    max_replans: usize,
    /// The gate's top linear speed, m/s: a task asking for more fails before anything moves.
    top_speed_mps: f64,
    task: Option<Task>,
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

const IDLE: &Phase = &Phase::Idle;

impl Lifecycle {
    /// Idle; a task's retryable failures replan it at most `max_replans` times, and a task
    /// asking for more than `top_speed_mps` fails (it is not quietly slowed).
    pub fn new(max_replans: usize, top_speed_mps: f64) -> Self {
        Self {
            max_replans,
            top_speed_mps,
            task: None,
        }
    }

    /// Where the layer is.
    pub fn phase(&self) -> &Phase {
        self.task.as_ref().map_or(IDLE, |t| &t.phase)
    }

    /// The step under way in the newest plan, while one runs.
    pub fn step_index(&self) -> Option<usize> {
        match self.phase() {
            Phase::Running { index, .. } => Some(*index),
            _ => None,
        }
    }

    /// The step just handed over got `id`: only its result counts from now on.
    pub fn started(&mut self, id: u64) {
        if let Some(t) = &mut self.task {
            t.step_id = id;
        }
    }

    /// The transition: the new state, and what to do.
    pub fn on(mut self, event: Event) -> (Self, Vec<Action>) {
        let actions = self.step(event);
        (self, actions)
    }

    fn step(&mut self, event: Event) -> Vec<Action> {
        match event {
            Event::Given { text, id } => self.given(text, id),
            Event::Cancel(id) => match &self.task {
                Some(t) if t.id == Some(id) => {
                    let mut actions = vec![
                        Action::CancelReactive,
                        Action::Reason("canceled by its client; the robot was stopped".into()),
                    ];
                    actions.push(self.finish(Outcome::Canceled));
                    actions
                }
                _ => vec![], // ended already, or never known
            },
            Event::Planned(result) => self.planned(result),
            Event::StepFinished { id, status } => match &self.task {
                Some(t) if t.step_id == id => self.step_finished(status),
                _ => vec![], // a cancelled step's late word, or no task
            },
            Event::Named(named) => match self.phase().clone() {
                Phase::Naming { name } => self.named(&name, named),
                _ => vec![],
            },
        }
    }

    /// A new task: refused if its text is unusable (the task under way goes on); else it
    /// replaces the task under way, and is either a naming of the robot's spot or planned.
    fn given(&mut self, text: String, id: Option<TaskId>) -> Vec<Action> {
        let task = match validate_task(&text) {
            Ok(t) => t,
            Err(e) => {
                return vec![Action::RefuseUnstarted {
                    id,
                    task: text.chars().take(REFUSED_SHOWN_CHARS).collect(),
                    reason: e.to_string(),
                }];
            }
        };
        let mut actions = Vec::new();
        if self.task.is_some() {
            actions.extend([
                Action::CancelReactive,
                Action::Reason("replaced by a newer task".into()),
            ]);
            actions.push(self.finish(Outcome::Preempted));
        }
        actions.push(Action::Begin {
            task: task.clone(),
            id,
        });
        let naming = place_naming(&task);
        let too_fast = embodia_planner::pace::stated(&task).filter(|v| *v > self.top_speed_mps);
        self.task = Some(Task {
            text: task,
            id,
            phase: Phase::Planning,
            step_id: 0,
            replans: 0,
            done: Vec::new(),
        });
        // Asked to go faster than the gate allows: failed like any task the robot cannot do,
        // before anything moves.
        if let Some(v) = too_fast {
            let reason = format!(
                "the task asks for {v:.1} m/s and my top speed is {:.2} m/s",
                self.top_speed_mps
            );
            actions.extend(self.planned(Err(reason)));
            return actions;
        }
        match naming {
            Naming::No => actions.push(Action::Plan),
            Naming::Refused(reason) => actions.extend(self.refuse(reason)),
            Naming::Name(name) => {
                self.set_phase(Phase::Naming { name: name.clone() });
                actions.push(Action::NamePlace(name));
            }
        }
        actions
    }

    fn named(&mut self, name: &str, named: Named) -> Vec<Action> {
        let text = match named {
            Named::Refused(reason) => return self.refuse(reason),
            Named::Stored => format!("I will remember this place as the {name}."),
            Named::NotStored(e) => format!(
                "I will remember this place as the {name} until I stop, but could not store it: {e}"
            ),
            Named::NoMemoryFile => format!(
                "I will remember this place as the {name} until I stop (I have no memory file)."
            ),
        };
        self.conclude(Outcome::Succeeded, text)
    }

    fn planned(&mut self, result: Result<Plan, String>) -> Vec<Action> {
        let Some(t) = &mut self.task else {
            return vec![];
        };
        match result {
            Ok(plan) => {
                let plan = resume(plan, &t.done);
                let first = plan.steps[0].clone();
                t.phase = Phase::Running {
                    plan: plan.clone(),
                    index: 0,
                };
                vec![
                    Action::RecordPlan(plan),
                    Action::PublishStatus("running"),
                    Action::Run(first),
                ]
            }
            Err(reason) => {
                let text = format!("I cannot do that: {reason}");
                let mut actions = vec![Action::CancelReactive, Action::Reason(reason)];
                actions.extend(self.conclude(Outcome::Failed, text));
                actions
            }
        }
    }

    fn step_finished(&mut self, status: SkillStatus) -> Vec<Action> {
        let Some(t) = &mut self.task else {
            return vec![];
        };
        match (&mut t.phase, status) {
            (Phase::Concluding { outcome }, _) => {
                let outcome = *outcome;
                vec![self.finish(outcome)]
            }
            (Phase::Idle | Phase::Naming { .. } | Phase::Planning, _)
            | (_, SkillStatus::Running) => vec![],
            (Phase::Running { plan, index }, SkillStatus::Succeeded) => {
                t.done.push(plan.steps[*index].clone());
                *index += 1;
                match plan.steps.get(*index).cloned() {
                    Some(step) => vec![Action::PublishStatus("running"), Action::Run(step)],
                    None => vec![self.finish(Outcome::Succeeded)],
                }
            }
            (Phase::Running { plan, index }, SkillStatus::Failed(failure)) => {
                let step = plan.steps[*index].clone();
                self.failed(step, failure)
            }
        }
    }

    fn failed(&mut self, step: Step, failure: Failure) -> Vec<Action> {
        tracing::info!(?step, reason = %failure.reason, "step failed");
        let Some(t) = &mut self.task else {
            return vec![];
        };
        if failure.retryable && t.replans < self.max_replans {
            t.replans += 1;
            return vec![Action::Replan(FailedStep { step, failure })];
        }
        let text = format!("I could not {}: {}.", t.text, failure.reason);
        let mut actions = vec![Action::Reason(failure.reason)];
        actions.extend(self.conclude(Outcome::Failed, text));
        actions
    }

    /// Refuses the task under way for `reason`, saying so.
    fn refuse(&mut self, reason: String) -> Vec<Action> {
        let text = format!("I cannot do that: {reason}");
        let mut actions = vec![Action::Reason(reason)];
        actions.extend(self.conclude(Outcome::Refused, text));
        actions
    }

    /// Says `text` as the task's last act; it ends with `outcome` once that is said.
    fn conclude(&mut self, outcome: Outcome, text: String) -> Vec<Action> {
        self.set_phase(Phase::Concluding { outcome });
        vec![Action::Run(Step::Say { text })]
    }

    /// Ends the task under way; the layer is idle after it.
    fn finish(&mut self, outcome: Outcome) -> Action {
        let step_index = self.step_index();
        self.task = None;
        Action::Finish {
            outcome,
            step_index,
        }
    }

    fn set_phase(&mut self, phase: Phase) {
        if let Some(t) = &mut self.task {
            t.phase = phase;
        }
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

    fn given(text: &str, id: Option<TaskId>) -> Event {
        Event::Given {
            text: text.into(),
            id,
        }
    }

    fn begin(task: &str, id: Option<TaskId>) -> Action {
        Action::Begin {
            task: task.into(),
            id,
        }
    }

    fn finish(outcome: Outcome, step_index: Option<usize>) -> Action {
        Action::Finish {
            outcome,
            step_index,
        }
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

    /// `task` given (with `id`) and planned as `p`: running its first step.
    fn running(task: &str, id: Option<TaskId>, p: Plan, next: &mut u64) -> Lifecycle {
        let (life, a) = feed(Lifecycle::new(2, f64::INFINITY), given(task, id), next);
        assert_eq!(a, vec![begin(task, id), Action::Plan]);
        feed(life, Event::Planned(Ok(p)), next).0
    }

    fn finished(id: u64, status: SkillStatus) -> Event {
        Event::StepFinished { id, status }
    }

    #[test]
    fn a_task_is_begun_and_planned_then_runs_step_by_step_and_succeeds_after_the_last() {
        let mut id = 0;
        let (life, a) = feed(
            Lifecycle::new(2, f64::INFINITY),
            given("  go to the kitchen\n and say hi ", None),
            &mut id,
        );
        assert_eq!(
            a,
            vec![begin("go to the kitchen and say hi", None), Action::Plan],
            "the text is checked and folded before it begins"
        );
        assert_eq!(life.phase(), &Phase::Planning);
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
        let (life, a) = feed(life, finished(2, SkillStatus::Succeeded), &mut id);
        assert_eq!(a, vec![finish(Outcome::Succeeded, Some(2))]);
        assert_eq!(life.phase(), &Phase::Idle);
    }

    #[test]
    fn an_unusable_task_is_refused_before_it_begins_and_the_task_under_way_goes_on() {
        let mut id = 0;
        let life = running("go to the kitchen", None, plan(&[go("kitchen")]), &mut id);
        for (text, why) in [
            ("   ", "empty"),
            ("go\u{7} away", "control character"),
            (&"a".repeat(5000)[..], "characters long"),
        ] {
            let (l, a) = feed(life.clone(), given(text, Some(9)), &mut id);
            let [Action::RefuseUnstarted { id, task, reason }] = a.as_slice() else {
                panic!("{a:?}")
            };
            assert_eq!(*id, Some(9));
            assert!(
                task.chars().count() <= 200,
                "the report keeps a readable part"
            );
            assert!(reason.contains(why), "{reason}");
            assert_eq!(l, life, "nothing else changes");
        }
        let (_, a) = feed(life, finished(1, SkillStatus::Succeeded), &mut id);
        assert_eq!(a, vec![finish(Outcome::Succeeded, Some(1))]);
    }

    #[test]
    fn a_new_task_preempts_the_one_under_way_stopping_the_robot_first() {
        let mut id = 0;
        let life = running(
            "go to the kitchen",
            Some(1),
            plan(&[go("kitchen")]),
            &mut id,
        );
        let (life, a) = feed(life, given("go to the bedroom", Some(2)), &mut id);
        assert_eq!(
            a,
            vec![
                Action::CancelReactive,
                Action::Reason("replaced by a newer task".into()),
                finish(Outcome::Preempted, Some(0)),
                begin("go to the bedroom", Some(2)),
                Action::Plan,
            ]
        );
        let (life, a) = feed(life, finished(1, SkillStatus::Succeeded), &mut id);
        assert!(a.is_empty(), "the old step's late word: {a:?}");
        let (_, a) = feed(life, Event::Cancel(1), &mut id);
        assert!(a.is_empty(), "the old task ended already: {a:?}");
    }

    #[test]
    fn a_task_asking_for_more_than_the_top_speed_fails_before_anything_moves() {
        let mut id = 0;
        let (life, a) = feed(
            Lifecycle::new(2, 0.5),
            given("race over to the kitchen at three metres a second!", None),
            &mut id,
        );
        let why = "the task asks for 3.0 m/s and my top speed is 0.50 m/s";
        assert_eq!(
            a,
            vec![
                begin("race over to the kitchen at three metres a second!", None),
                Action::CancelReactive,
                Action::Reason(why.into()),
                Action::Run(say(&format!("I cannot do that: {why}"))),
            ],
            "no plan is asked for"
        );
        let (_, a) = feed(life, finished(id, SkillStatus::Succeeded), &mut id);
        assert_eq!(a, vec![finish(Outcome::Failed, None)]);
        // A speed it can keep is a pace, for the shell: the task is planned.
        let (_, a) = feed(
            Lifecycle::new(2, 0.5),
            given("go to the kitchen at 0.3 m/s", None),
            &mut id,
        );
        assert_eq!(a.last(), Some(&Action::Plan));
    }

    #[test]
    fn a_cancel_ends_only_the_task_it_names() {
        let mut id = 0;
        let (_, a) = feed(Lifecycle::new(2, f64::INFINITY), Event::Cancel(3), &mut id);
        assert!(a.is_empty(), "idle: nothing to cancel");
        let life = running(
            "go to the kitchen",
            Some(3),
            plan(&[go("kitchen")]),
            &mut id,
        );
        let (life, a) = feed(life, Event::Cancel(4), &mut id);
        assert!(a.is_empty(), "another task's cancel: {a:?}");
        let (life, a) = feed(life, Event::Cancel(3), &mut id);
        assert_eq!(
            a,
            vec![
                Action::CancelReactive,
                Action::Reason("canceled by its client; the robot was stopped".into()),
                finish(Outcome::Canceled, Some(0)),
            ]
        );
        assert_eq!(life.phase(), &Phase::Idle);
        let (_, a) = feed(life, finished(1, SkillStatus::Succeeded), &mut id);
        assert!(a.is_empty(), "the canceled step's late word: {a:?}");
        // An untracked task cannot be canceled by id.
        let life = running("go to the kitchen", None, plan(&[go("kitchen")]), &mut id);
        assert!(feed(life, Event::Cancel(0), &mut id).1.is_empty());
    }

    #[test]
    fn naming_a_place_is_the_agents_own_act_never_planned_and_says_so_before_it_ends() {
        let mut id = 0;
        let (life, a) = feed(
            Lifecycle::new(2, f64::INFINITY),
            given("remember this place as the charging dock", None),
            &mut id,
        );
        assert_eq!(
            a,
            vec![
                begin("remember this place as the charging dock", None),
                Action::NamePlace("charging dock".into())
            ],
            "no plan is asked for"
        );
        for (named, words) in [
            (
                Named::Stored,
                "I will remember this place as the charging dock.",
            ),
            (
                Named::NoMemoryFile,
                "I will remember this place as the charging dock until I stop (I have no memory file).",
            ),
            (
                Named::NotStored("disk full".into()),
                "I will remember this place as the charging dock until I stop, but could not store it: disk full",
            ),
        ] {
            let (l, a) = feed(life.clone(), Event::Named(named), &mut id);
            assert_eq!(a, vec![Action::Run(say(words))]);
            let (_, a) = feed(l, finished(id, SkillStatus::Succeeded), &mut id);
            assert_eq!(a, vec![finish(Outcome::Succeeded, None)]);
        }
    }

    #[test]
    fn a_naming_that_cannot_be_done_is_refused_saying_why() {
        let mut id = 0;
        // The words refuse it: no plan, no naming.
        let (life, a) = feed(
            Lifecycle::new(2, f64::INFINITY),
            given("remember this place as the", None),
            &mut id,
        );
        let [
            Action::Begin { .. },
            Action::Reason(why),
            Action::Run(Step::Say { text }),
        ] = a.as_slice()
        else {
            panic!("{a:?}")
        };
        assert!(why.contains("say what to call this place"), "{why}");
        assert_eq!(text, &format!("I cannot do that: {why}"));
        let (_, a) = feed(life, finished(id, SkillStatus::Succeeded), &mut id);
        assert_eq!(a, vec![finish(Outcome::Refused, None)]);
        // The shell could not name it (no pose yet).
        let (life, _) = feed(
            Lifecycle::new(2, f64::INFINITY),
            given("call this spot the dock", None),
            &mut id,
        );
        let (life, a) = feed(
            life,
            Event::Named(Named::Refused("I do not know where I am yet".into())),
            &mut id,
        );
        assert_eq!(
            a,
            vec![
                Action::Reason("I do not know where I am yet".into()),
                Action::Run(say("I cannot do that: I do not know where I am yet"))
            ]
        );
        let (_, a) = feed(life, finished(id, SkillStatus::Succeeded), &mut id);
        assert_eq!(a, vec![finish(Outcome::Refused, None)]);
    }

    #[test]
    fn a_late_result_of_another_step_is_ignored() {
        let mut id = 10;
        let life = running("go to the kitchen", None, plan(&[go("kitchen")]), &mut id);
        let (life, a) = feed(life, finished(10, SkillStatus::Succeeded), &mut id);
        assert!(a.is_empty(), "{a:?}");
        let (_, a) = feed(life, finished(11, SkillStatus::Succeeded), &mut id);
        assert_eq!(a, vec![finish(Outcome::Succeeded, Some(1))]);
    }

    #[test]
    fn a_retryable_failure_replans_at_most_max_replans_times_then_fails_saying_why() {
        let mut id = 0;
        let blocked = || SkillStatus::Failed(Failure::transient("the way is blocked"));
        let mut life = running("go to the kitchen", None, plan(&[go("kitchen")]), &mut id);
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
        assert_eq!(a, vec![finish(Outcome::Failed, None)], "after the words");
    }

    #[test]
    fn a_permanent_failure_ends_the_task_without_a_replan() {
        let mut id = 0;
        let life = running(
            "move forward",
            None,
            plan(&[Step::Move { metres: 1.0 }]),
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
        let life = running(
            "turn then go",
            None,
            plan(&[turn.clone(), go("kitchen")]),
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
        let (life, _) = feed(
            Lifecycle::new(2, f64::INFINITY),
            given("fly", None),
            &mut id,
        );
        let (life, a) = feed(
            life,
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
        let (life, a) = feed(life, finished(1, SkillStatus::Succeeded), &mut id);
        assert_eq!(a, vec![finish(Outcome::Failed, None)]);
        assert_eq!(life.phase(), &Phase::Idle);
    }

    #[test]
    fn idle_ignores_what_only_a_task_can_use() {
        let mut id = 0;
        let life = Lifecycle::new(2, f64::INFINITY);
        for event in [
            Event::Planned(Ok(plan(&[go("kitchen")]))),
            finished(0, SkillStatus::Succeeded),
            Event::Named(Named::Stored),
        ] {
            let (l, a) = feed(life.clone(), event, &mut id);
            assert!(a.is_empty(), "{a:?}");
            assert_eq!(l.phase(), &Phase::Idle);
        }
    }
}
