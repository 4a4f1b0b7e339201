//! The reactive layer: at the control rate, perceive, run the active skill, pass its command
//! through the safety gate. It never waits on the deliberative layer: steps arrive on a
//! channel it polls, outcomes leave on a channel it never blocks on.

use std::sync::Arc;

use arc_swap::ArcSwap;
use crossbeam_channel::Receiver;
use embodia_actuation::cmd_vel::CmdVelPublisher;
use embodia_actuation::gate::InterventionCounts;
use embodia_actuation::skills::start;
use embodia_actuation::{
    GateInput, NavResources, Reason, SafetyGate, Skill, SkillCommand, SkillContext, SkillStatus,
    Step,
};
use embodia_perception::{Observation, Perceiver, WorldState};
use embodia_ros::msg::std_msgs::{Bool, String as RosString};
use embodia_ros::{Publisher, Subscription};
use serde_json::json;

use crate::activity::Activity;
use crate::deliberative::DeliberativeInput;

/// What the deliberative layer asks of the reactive one.
#[derive(Debug, Clone, PartialEq)]
pub enum ReactiveCommand {
    /// Run this step (replacing any running one).
    Run {
        /// Identifies the step in the outcome.
        id: u64,
        /// The step.
        step: Step,
    },
    /// Stop the running step and stand still.
    Cancel,
    /// Objects remembered from earlier, for perception to know of.
    Recall(Vec<embodia_perception::TrackedObject>),
}

/// What the reactive layer reports.
#[derive(Debug, Clone, PartialEq)]
pub enum ReactiveEvent {
    /// A step ended.
    StepFinished {
        /// The step's id.
        id: u64,
        /// How it ended.
        status: SkillStatus,
    },
    /// Something was said.
    Said(String),
    /// Perception noticed something.
    Observed(Observation),
}

/// Sends events to the deliberative side, counting them in for the lockstep runner.
pub trait EventSink: Send {
    /// Delivers one event (must not block).
    fn emit(&self, event: ReactiveEvent);
}

/// The reactive layer's state, advanced one tick at a time.
pub struct ReactiveCore<E> {
    perceiver: Perceiver,
    gate: SafetyGate<CmdVelPublisher>,
    nav: NavResources,
    active: Option<(u64, Box<dyn Skill>)>,
    commands: Receiver<ReactiveCommand>,
    events: E,
    say: Publisher<RosString>,
    safety: Publisher<RosString>,
    reset: Subscription<Bool>,
    snapshot: Arc<ArcSwap<WorldState>>,
    last_safety_publish: Option<(embodia_actuation::gate::Reasons, i64)>,
}

/// Handles the reactive core needs, made by the agent's wiring.
pub struct ReactiveParts<E> {
    /// Perception.
    pub perceiver: Perceiver,
    /// The gate around `/cmd_vel`.
    pub gate: SafetyGate<CmdVelPublisher>,
    /// Navigation parameters.
    pub nav: NavResources,
    /// Steps in.
    pub commands: Receiver<ReactiveCommand>,
    /// Outcomes out.
    pub events: E,
    /// `/agent/say`.
    pub say: Publisher<RosString>,
    /// `/agent/safety`.
    pub safety: Publisher<RosString>,
    /// `/agent/safety_reset`.
    pub reset: Subscription<Bool>,
    /// Where the newest world state is shared with the deliberative side.
    pub snapshot: Arc<ArcSwap<WorldState>>,
}

impl<E: EventSink> ReactiveCore<E> {
    /// The core, idle.
    pub fn new(p: ReactiveParts<E>) -> Self {
        Self {
            perceiver: p.perceiver,
            gate: p.gate,
            nav: p.nav,
            active: None,
            commands: p.commands,
            events: p.events,
            say: p.say,
            safety: p.safety,
            reset: p.reset,
            snapshot: p.snapshot,
            last_safety_publish: None,
        }
    }

    /// Interventions so far.
    pub fn interventions(&self) -> &InterventionCounts {
        self.gate.counts()
    }

    /// Whether a step is running.
    pub fn busy(&self) -> bool {
        self.active.is_some()
    }

    /// One control tick at `now_ns`.
    pub fn tick(&mut self, now_ns: i64) {
        let _span = tracing::trace_span!("reactive_tick", now_ns).entered();
        for obs in self.perceiver.update(now_ns) {
            self.events.emit(ReactiveEvent::Observed(obs));
        }
        if self.reset.drain().iter().any(|b| b.data) {
            self.gate.reset();
        }
        while let Ok(cmd) = self.commands.try_recv() {
            match cmd {
                ReactiveCommand::Run { id, step } => {
                    tracing::debug!(id, ?step, "step started");
                    self.active = Some((id, start(&step)));
                }
                ReactiveCommand::Cancel => self.active = None,
                ReactiveCommand::Recall(objects) => self.perceiver.recall_objects(objects),
            }
        }
        let world = self.perceiver.state();
        let (v, w) = match &mut self.active {
            Some((id, skill)) => {
                let _span = tracing::trace_span!("skill", name = skill.name()).entered();
                let out = skill.tick(&mut SkillContext {
                    now_ns,
                    world,
                    nav: &mut self.nav,
                });
                if let Some(text) = out.say {
                    let _ = self.say.publish(&RosString { data: text.clone() });
                    self.events.emit(ReactiveEvent::Said(text));
                }
                if out.status != SkillStatus::Running {
                    self.events.emit(ReactiveEvent::StepFinished {
                        id: *id,
                        status: out.status,
                    });
                    self.active = None;
                }
                (out.v, out.w)
            }
            None => (0.0, 0.0),
        };
        let out = self.gate.drive(&GateInput {
            now_ns,
            command: Some(SkillCommand {
                v,
                w,
                stamp_ns: now_ns,
            }),
            scan: world.scan.as_deref(),
            robot: world.robot.as_ref(),
            keep_out: &world.semantic.keep_out,
            estop_requested: world.estop_requested,
        });
        self.snapshot.store(Arc::new(world.clone()));
        self.publish_safety(out.reasons, now_ns, (v, w), (out.v, out.w));
    }

    /// Publishes interventions on `/agent/safety`: when the set of reasons changes, and once a
    /// second while it lasts. Routine acceleration smoothing alone is not published.
    fn publish_safety(
        &mut self,
        reasons: embodia_actuation::gate::Reasons,
        now_ns: i64,
        asked: (f64, f64),
        sent: (f64, f64),
    ) {
        let notable = reasons.iter().any(|r| r != Reason::AccelLimited);
        let changed = self
            .last_safety_publish
            .is_none_or(|(last, at)| last != reasons || now_ns - at >= 1_000_000_000);
        if !notable || !changed {
            if !notable {
                self.last_safety_publish = None;
            }
            return;
        }
        self.last_safety_publish = Some((reasons, now_ns));
        let msg = json!({
            "stamp_ns": now_ns,
            "reasons": reasons,
            "asked": [asked.0, asked.1],
            "sent": [sent.0, sent.1],
            "latched": self.gate.latched(),
        });
        let _ = self.safety.publish(&RosString {
            data: msg.to_string(),
        });
    }
}

/// An [`EventSink`] into the deliberative layer's inbox that counts each event in
/// [`Activity`] until it has been handled.
pub struct InboxEvents {
    tx: tokio::sync::mpsc::Sender<DeliberativeInput>,
    activity: Arc<Activity>,
}

impl InboxEvents {
    /// Events into `tx`, counted in `activity`.
    pub fn new(tx: tokio::sync::mpsc::Sender<DeliberativeInput>, activity: Arc<Activity>) -> Self {
        Self { tx, activity }
    }
}

impl EventSink for InboxEvents {
    fn emit(&self, event: ReactiveEvent) {
        self.activity.enter();
        if self.tx.try_send(DeliberativeInput::Event(event)).is_err() {
            self.activity.exit();
            tracing::warn!("deliberative layer is not keeping up; an event was dropped");
        }
    }
}
