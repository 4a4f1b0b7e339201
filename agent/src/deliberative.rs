//! The deliberative layer: takes tasks, asks the planner for a plan under a deadline, hands
//! the steps one by one to the reactive layer, replans after a retryable failure, and
//! reports. It runs on tokio; planning runs on a blocking worker.

use std::sync::Arc;
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use crossbeam_channel::Sender;
use embodia_actuation::{Plan, PlanLimits, Step};
use embodia_memory::{Memory, Query};
use embodia_perception::{Observation, TrackedObject, WorldState};
use embodia_ros::Publisher;
use embodia_ros::msg::std_msgs::String as RosString;
use serde::Serialize;
use serde_json::json;
use tracing::Instrument;

use crate::activity::Activity;
use crate::decisions::{Decision, DropOldest, Grounding, MemoryWrite, Written, WrittenEntry};
use crate::fleet_memory::{FleetLink, Ingested};
use crate::lifecycle::{Action, Event, Lifecycle, Named};
use crate::messages::{ReactiveCommand, ReactiveEvent};
use crate::places::PlaceBook;
use crate::planner::{
    FailedStep, KnownObject, KnownPlace, MemoryHandle, PlanRequest, Planner, Recall, WorldSummary,
};
use crate::remembering::{Change, MemoryWrites, RETRY_S, UNSTORED_LIMIT, Unstored, WriteHealth};
use embodia_memory::NamedPlace;

pub use crate::messages::{DeliberativeInput, TaskId};

/// How a task ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every step succeeded.
    Succeeded,
    /// A step failed beyond replanning, or no plan could be made.
    Failed,
    /// The task text was refused before planning.
    Refused,
    /// A newer task replaced it.
    Preempted,
    /// Whoever gave it canceled it (an action client); the robot was stopped.
    Canceled,
    /// The run ended (its time ran out) before the task did.
    Unfinished,
    /// The agent stopped (killed, crashed, lost power) while doing it; reported when it
    /// starts again, and not resumed.
    Interrupted,
}

/// One task's record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskReport {
    /// The id it was handed in with, if it was (not part of the printed report).
    #[serde(skip)]
    pub id: Option<TaskId>,
    /// The task as given.
    pub task: String,
    /// How it ended.
    pub outcome: Outcome,
    /// Why it failed or was refused.
    pub reason: Option<String>,
    /// Every plan made for it, in order.
    pub plans: Vec<Plan>,
    /// What the agent said while doing it.
    pub said: Vec<String>,
    /// Wall time of each planning call, ms.
    pub planning_ms: Vec<f64>,
    /// How each planning call decided (`rules`, `model_scored`, ...), when the planner says.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub planned_by: Vec<String>,
    /// Planning calls where the chosen planner failed and another planned instead (the remote
    /// planner's server timed out, broke or wrote an invalid plan): why, one per such call.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub planner_fallbacks: Vec<String>,
    /// For a task still in progress: the step being carried out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_step: Option<Step>,
    /// For a task still in progress: the index of that step in the newest plan (not part of
    /// the printed report).
    #[serde(skip)]
    pub step_index: Option<usize>,
    /// For a task still in progress: what it was doing (`planning`, `running`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Why the memory file could not be written during the task, when it could not (the
    /// task goes on; what was seen waits in RAM until the file takes it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_error: Option<String>,
}

impl TaskReport {
    /// A report of `task` with `outcome` and nothing done yet.
    pub fn new(task: String, outcome: Outcome) -> Self {
        Self {
            id: None,
            task,
            outcome,
            reason: None,
            plans: vec![],
            said: vec![],
            planning_ms: vec![],
            planned_by: vec![],
            planner_fallbacks: vec![],
            current_step: None,
            step_index: None,
            state: None,
            memory_error: None,
        }
    }
}

/// The task in progress, as last published: what a run that stops early reports as unfinished.
pub type InProgress = Arc<std::sync::Mutex<Option<TaskReport>>>;

/// Deliberative settings.
#[derive(Debug, Clone)]
pub struct DeliberativeConfig {
    /// A plan not ready within this fails the task.
    pub plan_deadline: Duration,
    /// Replans allowed after retryable step failures.
    pub max_replans: usize,
    /// Bounds every plan must keep.
    pub limits: PlanLimits,
    /// The gate's top linear speed, m/s: a task asking for more is refused, not quietly
    /// slowed.
    pub top_speed_mps: f64,
}

impl Default for DeliberativeConfig {
    fn default() -> Self {
        Self {
            plan_deadline: Duration::from_secs(10),
            max_replans: 2,
            limits: PlanLimits::default(),
            top_speed_mps: f64::INFINITY,
        }
    }
}

/// The task under way, as the shell keeps it (where it is, the machine keeps).
struct Current {
    report: TaskReport,
    /// Where the robot stood when the task began ("come back" returns there).
    start: Option<(f64, f64)>,
    /// Where it stood when the task before began ("go back to where you were", said first).
    earlier_start: Option<(f64, f64)>,
    /// The pace the task asked for, m/s ("slowly").
    pace: Option<f64>,
    /// Places the task asked to keep out of.
    avoid: Vec<String>,
}

/// The deliberative layer's state.
pub struct Deliberative {
    planner: Arc<dyn Planner>,
    config: DeliberativeConfig,
    commands: Sender<ReactiveCommand>,
    snapshot: Arc<ArcSwap<WorldState>>,
    status: Publisher<RosString>,
    reports: Sender<TaskReport>,
    activity: Arc<Activity>,
    in_progress: InProgress,
    /// What the layer decides: the pure state machine this layer is the shell of.
    life: Lifecycle,
    current: Option<Current>,
    next_id: u64,
    memory: Option<Arc<std::sync::Mutex<Memory>>>,
    /// Observations not yet embedded.
    pending: Vec<Observation>,
    /// Embedded entries the file has not taken yet.
    unstored: Unstored,
    /// Whether the memory file takes writes.
    writes: WriteHealth,
    /// [`WriteHealth`]'s status, shown to the agent's owner.
    writes_shown: Arc<std::sync::Mutex<MemoryWrites>>,
    /// Added to the robot clock for memory times, so a memory kept across runs of a restarted
    /// (simulated) clock stays in order.
    memory_epoch_ns: i64,
    /// The latest tasks (oldest first), for what "it" and "there" point back to.
    history: std::collections::VecDeque<String>,
    /// Where the robot stood when the latest task began.
    last_start: Option<(f64, f64)>,
    /// Where the robot stood when the latest task that moved it began (a task's earlier
    /// start: "go back to where you were" after a question still means before the move).
    moved_from: Option<(f64, f64)>,
    /// A task the memory file recorded as in progress when the agent started: the agent
    /// stopped while doing it.
    interrupted: Option<String>,
    /// The places, with those named while running.
    places: PlaceBook,
    /// `/agent/places`.
    places_out: Publisher<RosString>,
    /// Radius of a place named while running, m.
    named_place_radius: f64,
    /// Groundings and memory writes, for a recorder.
    decisions: DropOldest<Decision>,
    /// The fleet memory topic, when the robot shares with a fleet.
    fleet: Option<FleetLink>,
    /// Other robots' sightings not yet embedded.
    shared: Vec<Ingested>,
}

/// Earlier tasks kept for references back to them.
const HISTORY: usize = 3;

/// How far the robot must have gone during a task for its start to be "where you were", m.
const MOVED_M: f64 = 0.2;

/// Observations flushed into memory at once.
const MEMORY_BATCH: usize = 32;
/// Memories given to the planner.
const MEMORIES_IN_PROMPT: usize = 5;
/// Least cosine similarity of a memory to the task for the planner to be given it.
const MEMORY_RELEVANCE: f32 = 0.4;

/// Handles the deliberative layer needs, made by the agent's wiring.
pub struct DeliberativeParts {
    /// The planner.
    pub planner: Arc<dyn Planner>,
    /// Settings.
    pub config: DeliberativeConfig,
    /// Steps out to the reactive layer.
    pub commands: Sender<ReactiveCommand>,
    /// The newest world state.
    pub snapshot: Arc<ArcSwap<WorldState>>,
    /// `/agent/status`.
    pub status: Publisher<RosString>,
    /// Finished tasks out.
    pub reports: Sender<TaskReport>,
    /// Inputs in flight.
    pub activity: Arc<Activity>,
    /// Where the task in progress is shown.
    pub in_progress: InProgress,
    /// The vector memory, if the agent has one.
    pub memory: Option<Arc<std::sync::Mutex<Memory>>>,
    /// Where the memory file's write status is shown.
    pub memory_writes: Arc<std::sync::Mutex<MemoryWrites>>,
    /// The places, with those named in earlier runs.
    pub places: PlaceBook,
    /// `/agent/places` (transient-local).
    pub places_out: Publisher<RosString>,
    /// Radius of a place named while running, m.
    pub named_place_radius: f64,
    /// Where groundings and memory writes go (never waits: drops the oldest when full).
    pub decisions: DropOldest<Decision>,
    /// The fleet memory topic, when the robot shares with a fleet.
    pub fleet: Option<FleetLink>,
}

/// Who last saw each object memory knows another robot saw (by lower-case name): the robot
/// and when (robot clock). An object this robot tracks counts as the other robot's while
/// this robot has not seen it since.
type SeenByOthers = std::collections::HashMap<String, (String, i64)>;

/// `o` as the planner sees it at `now_ns`, with the robot that saw it when another did.
fn known(o: &TrackedObject, now_ns: i64, others: &SeenByOthers) -> KnownObject {
    KnownObject {
        seen_by: others
            .get(&o.name.to_lowercase())
            .filter(|(_, t)| *t >= o.last_seen_ns)
            .map(|(robot, _)| robot.clone()),
        ..KnownObject::of(o, now_ns)
    }
}

fn summary(world: &WorldState, others: &SeenByOthers) -> WorldSummary {
    let places: Vec<KnownPlace> = world.semantic.places.iter().map(KnownPlace::of).collect();
    // Doors where the map shows the places' boundaries can be crossed.
    let doors = world.map.as_ref().map_or_else(Vec::new, |map| {
        let free = |p: embodia_world::V2| {
            let (cx, cy) = map.cell_of(p.x, p.y);
            map.cell(cx, cy).is_some_and(|v| (0..50).contains(&v))
        };
        places
            .iter()
            .flat_map(|p| embodia_planner::grounding::doors_of(p, &free))
            .collect()
    });
    WorldSummary {
        doors,
        pose: world.robot.map(|r| (r.x, r.y, r.theta)),
        place: world.place.clone(),
        battery: world.battery,
        places,
        objects: world
            .objects
            .iter()
            .map(|o| known(o, world.now_ns, others))
            .collect(),
    }
}

impl Deliberative {
    /// The layer, idle.
    pub fn new(p: DeliberativeParts) -> Self {
        let interrupted = p.memory.as_ref().and_then(|m| {
            m.lock()
                .unwrap_or_else(|p| p.into_inner())
                .store()
                .task_in_progress()
                .unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "could not read the task in progress from memory");
                    None
                })
        });
        Self {
            planner: p.planner,
            life: Lifecycle::new(p.config.max_replans, p.config.top_speed_mps),
            config: p.config,
            commands: p.commands,
            snapshot: p.snapshot,
            status: p.status,
            reports: p.reports,
            activity: p.activity,
            in_progress: p.in_progress,
            current: None,
            next_id: 0,
            memory_epoch_ns: p
                .memory
                .as_ref()
                .and_then(|m| {
                    m.lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .store()
                        .stats()
                        .newest_ns
                })
                .map_or(0, |t| t + 1_000_000_000),
            memory: p.memory,
            pending: Vec::new(),
            unstored: Unstored::default(),
            writes: WriteHealth::default(),
            writes_shown: p.memory_writes,
            history: std::collections::VecDeque::with_capacity(HISTORY + 1),
            last_start: None,
            moved_from: None,
            interrupted,
            places: p.places,
            places_out: p.places_out,
            named_place_radius: p.named_place_radius,
            decisions: p.decisions,
            fleet: p.fleet,
            shared: Vec::new(),
        }
    }

    /// Hands a memory write's record to whoever records the run.
    fn written(&self, written: Written, result: &Result<(), String>) {
        self.decisions
            .send(Decision::MemoryWrite(MemoryWrite::new(written, result)));
    }

    /// Records the task in progress (none: none) in the memory file, so that a start after
    /// `kill -9` knows what was interrupted.
    fn record_task(&mut self, task: Option<&str>) {
        let Some(memory) = &self.memory else { return };
        let result = memory
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .store_mut()
            .set_task_in_progress(task)
            .map_err(|e| e.to_string());
        let now_ns = self.snapshot.load().now_ns;
        self.written(
            Written::TaskInProgress {
                task: task.map(str::to_owned),
            },
            &result,
        );
        self.note_write(now_ns, result);
    }

    /// Counts a write to the memory file; logs when writes start failing and when they work
    /// again, once each.
    fn note_write(&mut self, now_ns: i64, result: Result<(), String>) {
        match self.writes.record(now_ns, result) {
            Some(Change::Failed(e)) => tracing::error!(
                error = %e,
                "memory file cannot be written; going on, keeping up to {UNSTORED_LIMIT} entries in RAM and retrying every {RETRY_S} s"
            ),
            Some(Change::Resumed { failures }) => tracing::info!(
                failures,
                waiting = self.unstored.len(),
                "memory file writable again"
            ),
            None => {}
        }
        if let Some(c) = &mut self.current
            && let Some(e) = self.writes.failing()
        {
            c.report.memory_error = Some(e.to_owned());
        }
        *self.writes_shown.lock().unwrap_or_else(|p| p.into_inner()) =
            self.writes.status(&self.unstored);
    }

    /// Reports a task that no step of this agent's carried out (refused, or interrupted by
    /// its last stop): on `/agent/status` and as a task report.
    fn report_unstarted(&self, id: Option<TaskId>, task: String, outcome: Outcome, reason: String) {
        let state = serde_json::to_value(outcome).unwrap_or_default();
        let msg = json!({ "task": task, "plan": null, "current_step": null, "state": state, "reason": reason });
        let _ = self.status.publish(&RosString {
            data: msg.to_string(),
        });
        let _ = self.reports.send(TaskReport {
            id,
            reason: Some(reason),
            ..TaskReport::new(task, outcome)
        });
    }

    /// Reports the task the agent was doing when it last stopped, as interrupted: it is not
    /// resumed (the world has moved on; the person gives it again if still wanted).
    fn report_interrupted(&mut self) {
        let Some(task) = self.interrupted.take() else {
            return;
        };
        let reason = "the agent stopped (killed, crashed or lost power) while doing this task; it was not resumed: give it again if it is still wanted".to_owned();
        tracing::warn!(task = %task, "task interrupted when the agent last stopped; not resumed");
        self.report_unstarted(None, task, Outcome::Interrupted, reason);
        self.record_task(None);
    }

    /// Embeds the buffered observations and stores what waits (on a blocking worker:
    /// embedding is CPU work). While the file refuses writes, the entries wait in RAM and a
    /// write is tried again every [`crate::remembering::RETRY_S`] of robot time; the outage is
    /// logged when it starts and when it ends, never per observation.
    async fn flush_memory(&mut self) {
        let now_ns = self.snapshot.load().now_ns;
        if self.pending.is_empty()
            && self.shared.is_empty()
            && (self.unstored.is_empty() || !self.writes.may_try(now_ns))
        {
            return;
        }
        let Some(memory) = self.memory.clone() else {
            self.pending.clear();
            self.shared.clear();
            return;
        };
        let epoch = self.memory_epoch_ns;
        // This robot's observations first, then the other robots' (marked after embedding).
        let seen_by: Vec<Option<String>> = std::iter::repeat_n(None, self.pending.len())
            .chain(self.shared.iter().map(|s| Some(s.robot.clone())))
            .collect();
        let observations: Vec<Observation> = std::mem::take(&mut self.pending)
            .into_iter()
            .chain(
                std::mem::take(&mut self.shared)
                    .into_iter()
                    .map(|s| s.observation),
            )
            .map(|mut o| {
                o.stamp_ns += epoch;
                o
            })
            .collect();
        let try_write = self.writes.may_try(now_ns);
        let mut waiting = std::mem::take(&mut self.unstored);
        let joined = tokio::task::spawn_blocking(move || {
            let mut memory = memory.lock().unwrap_or_else(|p| p.into_inner());
            let embedded = memory.embed(&observations).map(|mut batch| {
                for (e, by) in batch.iter_mut().zip(seen_by) {
                    e.seen_by = by;
                }
                batch
            });
            if let Ok(batch) = &embedded {
                waiting.push(batch.clone());
            }
            let written = if try_write && !waiting.is_empty() {
                let batch = waiting.take();
                let entries: Vec<WrittenEntry> = batch.iter().map(WrittenEntry::from).collect();
                let (ids, result) = match memory.store_entries(&batch) {
                    Ok(ids) => (ids, Ok(())),
                    Err(e) => {
                        waiting.put_back(batch);
                        (Vec::new(), Err(e.to_string()))
                    }
                };
                Some((Written::Observations { entries, ids }, result))
            } else {
                None
            };
            (waiting, embedded.err(), written)
        })
        .await;
        match joined {
            Ok((waiting, embed_error, written)) => {
                self.unstored = waiting;
                if let Some(e) = embed_error {
                    tracing::warn!(error = %e, "observations could not be embedded");
                }
                if let Some((written, result)) = written {
                    self.written(written, &result);
                    self.note_write(now_ns, result);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "memory worker failed; continuing without memory");
                self.memory = None;
            }
        }
    }

    /// The memories for a task, and the objects memory knows that perception does not.
    async fn recall(
        &mut self,
        task: &str,
        world: &WorldState,
    ) -> (Vec<String>, Vec<TrackedObject>, SeenByOthers) {
        let Some(memory) = self.memory.clone() else {
            return (vec![], vec![], SeenByOthers::new());
        };
        let (task, now) = (task.to_owned(), world.now_ns + self.memory_epoch_ns);
        let epoch = self.memory_epoch_ns;
        let tracked: Vec<String> = world
            .objects
            .iter()
            .map(|o| o.name.to_lowercase())
            .collect();
        let joined = tokio::task::spawn_blocking(move || {
            let memory = memory.lock().unwrap_or_else(|p| p.into_inner());
            let hits = memory.recall(
                &task,
                &Query {
                    k: MEMORIES_IN_PROMPT,
                    ..Query::default()
                },
            );
            let texts = hits
                .map(|hs| {
                    hs.iter()
                        // Only memories about the task: an unrelated line ("entered living
                        // room") in a small model's prompt changes what it writes.
                        .filter(|h| h.score.is_some_and(|s| s >= MEMORY_RELEVANCE))
                        .map(|h| {
                            let ago = (now - h.entry.time_ns).max(0) as f64 * 1e-9;
                            format!(
                                "{} ({:.0} s ago, {} times)",
                                h.entry.text, ago, h.entry.count
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let objects: Vec<TrackedObject> = memory
                .store()
                .entries()
                .iter()
                .filter_map(|e| {
                    let name = e.object_name.clone()?;
                    let (x, y) = e.object_position?;
                    (!tracked.contains(&name.to_lowercase())).then(|| TrackedObject {
                        name,
                        class: e.object_class.clone().unwrap_or_default(),
                        color: e.object_color.clone(),
                        x,
                        y,
                        place: e.place.clone(),
                        first_seen_ns: e.first_seen_ns - epoch,
                        last_seen_ns: e.time_ns - epoch,
                        count: e.count,
                    })
                })
                .collect();
            let others: SeenByOthers = memory
                .store()
                .entries()
                .iter()
                .filter_map(|e| {
                    let name = e.object_name.as_deref()?.to_lowercase();
                    Some((name, (e.seen_by.clone()?, e.time_ns - epoch)))
                })
                .collect();
            (texts, objects, others)
        })
        .await;
        match joined {
            Ok(recalled) => recalled,
            Err(e) => {
                tracing::error!(error = %e, "memory worker failed; continuing without memory");
                self.memory = None;
                (vec![], vec![], SeenByOthers::new())
            }
        }
    }

    /// Handles inputs until the inbox closes. Each input was counted in [`Activity`] by its
    /// sender; it is counted out once fully handled (including any planning it causes).
    pub async fn run(mut self, mut inbox: crate::inbox::Inbox) {
        self.report_interrupted();
        while let Some(input) = inbox.recv().await {
            match input {
                DeliberativeInput::Task(text) => {
                    let span = tracing::info_span!("task", text = %text.chars().take(80).collect::<String>());
                    self.advance(Event::Given { text, id: None })
                        .instrument(span)
                        .await
                }
                DeliberativeInput::Tracked { id, text } => {
                    let span = tracing::info_span!("task", id, text = %text.chars().take(80).collect::<String>());
                    self.advance(Event::Given { text, id: Some(id) })
                        .instrument(span)
                        .await
                }
                DeliberativeInput::Cancel { id } => {
                    // A cancel ends the task it names, if still under way; it never plans.
                    let plan = self.transition(Event::Cancel(id));
                    debug_assert!(plan.is_none(), "a cancel never plans");
                }
                DeliberativeInput::Event(e) => self.on_event(e).await,
                DeliberativeInput::FleetMemory => {
                    self.take_shared();
                    if self.shared.len() >= MEMORY_BATCH {
                        self.flush_memory().await;
                    }
                }
            }
            if self.current.is_none() {
                // Idle: store what was seen, so a finished task's memories are on disk.
                self.flush_memory().await;
            }
            self.activity.exit();
        }
        self.flush_memory().await;
        let _ = self.commands.send(ReactiveCommand::Cancel);
    }

    /// Shows the task in progress (for a report of a run that stops before it ends).
    fn show_progress(&self, state: &str) {
        let shown = self.current.as_ref().map(|c| {
            let index = self.life.step_index();
            TaskReport {
                current_step: index
                    .and_then(|i| c.report.plans.last().and_then(|p| p.steps.get(i)).cloned()),
                step_index: index,
                state: Some(state.to_owned()),
                ..c.report.clone()
            }
        });
        *self.in_progress.lock().unwrap_or_else(|p| p.into_inner()) = shown;
    }

    fn publish_status(&self, state: &str) {
        self.publish_status_at(state, self.life.step_index());
    }

    /// Publishes the status of the task with `step_index` as its step under way (the
    /// newest plan is the one being carried out).
    fn publish_status_at(&self, state: &str, step_index: Option<usize>) {
        self.show_progress(state);
        let msg = match &self.current {
            Some(c) => {
                json!({ "task": c.report.task, "plan": c.report.plans.last(), "current_step": step_index, "state": state, "reason": c.report.reason })
            }
            None => json!({ "task": null, "plan": null, "current_step": null, "state": state }),
        };
        let mut msg = msg;
        if let Some(e) = self.writes.failing() {
            msg["memory_error"] = json!(e);
        }
        let _ = self.status.publish(&RosString {
            data: msg.to_string(),
        });
    }

    /// Ends the task under way with `outcome`, at `step_index` of its newest plan.
    fn finish(&mut self, outcome: Outcome, step_index: Option<usize>) {
        if let Some(mut c) = self.current.take() {
            c.report.outcome = outcome;
            if let Some(e) = self.writes.failing() {
                c.report.memory_error = Some(e.to_owned());
            }
            self.history.push_back(c.report.task.clone());
            if self.history.len() > HISTORY {
                self.history.pop_front();
            }
            tracing::info!(task = %c.report.task, ?outcome, reason = ?c.report.reason, "task ended");
            let state = match outcome {
                Outcome::Succeeded => "succeeded",
                Outcome::Failed => "failed",
                Outcome::Refused => "refused",
                Outcome::Preempted => "preempted",
                Outcome::Canceled => "canceled",
                Outcome::Unfinished => "unfinished",
                Outcome::Interrupted => "interrupted",
            };
            self.current = Some(c);
            self.publish_status_at(state, step_index);
            let c = self.current.take().expect("just put back");
            self.record_task(None);
            self.show_progress(state);
            let _ = self.reports.send(c.report);
        }
    }

    fn send_step(&mut self, step: Step) {
        self.next_id += 1;
        self.life.started(self.next_id);
        let max_speed_mps = self.current.as_ref().and_then(|c| c.pace);
        let avoid = self
            .current
            .as_ref()
            .map(|c| c.avoid.clone())
            .unwrap_or_default();
        let _ = self.commands.send(ReactiveCommand::Run {
            id: self.next_id,
            step,
            max_speed_mps,
            avoid,
        });
    }

    /// Feeds `event` to the state machine and carries out its actions (and the events they
    /// feed back: a place named). A plan it asks for is returned, with the failure that
    /// caused it for a replan (planning is the async caller's).
    fn transition(&mut self, event: Event) -> Option<Option<FailedStep>> {
        let mut plan = None;
        let mut next = Some(event);
        while let Some(event) = next.take() {
            let life = std::mem::replace(&mut self.life, Lifecycle::new(0, 0.0));
            let (life, actions) = life.on(event);
            self.life = life;
            for action in actions {
                match action {
                    Action::RefuseUnstarted { id, task, reason } => {
                        // Refused before anything moves, and without touching a task already
                        // running.
                        tracing::warn!(reason = %reason, "task refused");
                        self.report_unstarted(id, task, Outcome::Refused, reason);
                    }
                    Action::Begin { task, id } => self.begin(task, id),
                    Action::Plan => plan = Some(None),
                    Action::NamePlace(name) => next = Some(Event::Named(self.name_place(&name))),
                    Action::RecordPlan(plan) => {
                        tracing::info!(plan = %serde_json::to_string(&plan).unwrap_or_default(), "planned");
                        if let Some(c) = &mut self.current {
                            c.report.plans.push(plan);
                        }
                    }
                    Action::PublishStatus(state) => self.publish_status(state),
                    Action::Run(step) => self.send_step(step),
                    Action::CancelReactive => {
                        let _ = self.commands.send(ReactiveCommand::Cancel);
                    }
                    Action::Reason(reason) => {
                        if let Some(c) = &mut self.current {
                            c.report.reason = Some(reason);
                        }
                    }
                    Action::Replan(failed) => plan = Some(Some(failed)),
                    Action::Finish {
                        outcome,
                        step_index,
                    } => self.finish(outcome, step_index),
                }
            }
        }
        plan
    }

    /// Feeds `event`, then plans for as long as the machine asks for a plan.
    async fn advance(&mut self, event: Event) {
        let mut ask = self.transition(event);
        while let Some(previous_failure) = ask {
            let Some(plan) = self.plan(previous_failure).await else {
                return;
            };
            ask = self.transition(Event::Planned(plan));
        }
    }

    /// Opens the report of a task that begins, and records it in the memory file as in
    /// progress (so a start after `kill -9` knows what was interrupted).
    fn begin(&mut self, task: String, id: Option<TaskId>) {
        let report = TaskReport {
            id,
            memory_error: self.writes.failing().map(str::to_owned),
            ..TaskReport::new(task, Outcome::Failed)
        };
        let world = self.snapshot.load();
        let start = world.robot.map(|r| (r.x, r.y));
        let pace = [
            embodia_planner::pace::asked(&report.task),
            embodia_planner::pace::stated(&report.task),
            embodia_planner::pace::fraction(&report.task)
                .map(|share| share * self.config.top_speed_mps)
                .filter(|v| v.is_finite()),
        ]
        .into_iter()
        .flatten()
        .reduce(f64::min);
        if let Some(p) = pace {
            tracing::info!(pace_mps = p, "the task asks for a pace");
        }
        let known: Vec<KnownPlace> = world.semantic.places.iter().map(KnownPlace::of).collect();
        let avoid = embodia_planner::avoid::places_to_avoid(&report.task, &known);
        if !avoid.is_empty() {
            tracing::info!(?avoid, "the task asks to keep out of places");
        }
        let recorded = report.task.clone();
        // The robot moved since the latest task began: that task's start is where it was.
        let moved = match (self.last_start, start) {
            (Some(a), Some(b)) => (a.0 - b.0).hypot(a.1 - b.1) > MOVED_M,
            _ => false,
        };
        if moved {
            self.moved_from = self.last_start;
        }
        self.last_start = start;
        let earlier_start = self.moved_from;
        self.current = Some(Current {
            report,
            start,
            earlier_start,
            pace,
            avoid,
        });
        self.record_task(Some(&recorded));
    }

    /// Names the robot's current spot: a disc of `named_place_radius` around it, stored in
    /// the memory file, handed to perception and published on `/agent/places`.
    fn name_place(&mut self, name: &str) -> Named {
        let world = self.snapshot.load_full();
        let Some(r) = world.robot else {
            return Named::Refused(
                "I do not know where I am yet (no pose from /odom or /tf)".into(),
            );
        };
        let place = NamedPlace {
            name: name.to_owned(),
            x: r.x,
            y: r.y,
            radius: self.named_place_radius,
            named_ns: world.now_ns + self.memory_epoch_ns,
        };
        if let Err(reason) = self.places.name(place.clone()) {
            return Named::Refused(reason);
        }
        let stored = self.memory.clone().map(|m| {
            m.lock()
                .unwrap_or_else(|p| p.into_inner())
                .store_mut()
                .put_named_place(&place)
                .map_err(|e| e.to_string())
        });
        let _ = self
            .commands
            .send(ReactiveCommand::Places(Arc::new(self.places.semantic())));
        let _ = self.places_out.publish(&RosString {
            data: self.places.to_json().to_string(),
        });
        tracing::info!(place = %name, x = r.x, y = r.y, radius = place.radius, "named a place");
        if let Some(result) = &stored {
            self.written(Written::from(&place), result);
        }
        match stored {
            Some(Err(e)) => {
                self.note_write(world.now_ns, Err(e.clone()));
                // The whole error is in the report and the log; what is said fits a `say`.
                Named::NotStored(e.chars().take(120).collect())
            }
            Some(Ok(())) => {
                self.note_write(world.now_ns, Ok(()));
                Named::Stored
            }
            None => Named::NoMemoryFile,
        }
    }

    /// Asks the planner for a plan for the current task (none when no task is current by the
    /// time it answers), recording the time it took and who planned.
    async fn plan(&mut self, previous_failure: Option<FailedStep>) -> Option<Result<Plan, String>> {
        let task = self.current.as_ref().map(|c| c.report.task.clone())?;
        self.take_shared();
        self.flush_memory().await;
        let world = self.snapshot.load_full();
        let (memories, remembered, others) = self.recall(&task, &world).await;
        let mut world_summary = summary(&world, &others);
        world_summary
            .objects
            .extend(remembered.iter().map(|o| known(o, world.now_ns, &others)));
        if !remembered.is_empty() {
            let _ = self.commands.send(ReactiveCommand::Recall(remembered));
        }
        let start = self.current.as_ref().and_then(|c| c.start);
        let earlier_start = self.current.as_ref().and_then(|c| c.earlier_start);
        let replan = previous_failure.is_some();
        let request = PlanRequest {
            memories,
            previous_failure,
            start,
            earlier_start,
            history: self.history.iter().cloned().collect(),
            memory: MemoryHandle(self.memory.clone().map(|m| {
                Arc::new(MemoryRecall {
                    memory: m,
                    now_ns: world.now_ns + self.memory_epoch_ns,
                }) as Arc<dyn Recall>
            })),
            ..PlanRequest::new(task, world_summary)
        };
        let cancel = request.cancel.clone();
        self.publish_status("planning");
        let planner = self.planner.clone();
        let started = Instant::now();
        let result = tokio::time::timeout(
            self.config.plan_deadline,
            tokio::task::spawn_blocking(move || planner.plan_explained(&request)),
        )
        .await;
        if result.is_err() {
            cancel.cancel();
        }
        let elapsed_ms = started.elapsed().as_secs_f64() * 1e3;
        let mut by = None;
        let mut fallback = None;
        let mut grounding = serde_json::Value::Null;
        let result = result.map(|joined| {
            joined.map(|(plan, mut how)| {
                by = how["by"].as_str().map(str::to_owned);
                grounding = how
                    .get_mut("grounding")
                    .map(serde_json::Value::take)
                    .unwrap_or_default();
                fallback = how["fallback"]["reason"].as_str().map(|reason| {
                    format!(
                        "{} planner: {reason}; planned on the device instead",
                        how["fallback"]["from"].as_str().unwrap_or("the chosen")
                    )
                });
                plan
            })
        });
        let plan = match result {
            Err(_) => Err(format!(
                "planning took longer than {:.1} s",
                self.config.plan_deadline.as_secs_f64()
            )),
            Ok(Err(join)) => Err(format!("the planner crashed: {join}")),
            Ok(Ok(Err(e))) => Err(e.to_string()),
            Ok(Ok(Ok(plan))) => plan
                .validate(&self.config.limits)
                .map(|_| plan)
                .map_err(|e| format!("the plan was invalid: {e}")),
        };
        if !grounding.is_null() {
            self.decisions.send(Decision::Grounding(Grounding {
                task: self.current.as_ref()?.report.task.clone(),
                replan,
                planned_by: by.clone(),
                grounding,
            }));
        }
        let c = self.current.as_mut()?;
        c.report.planning_ms.push(elapsed_ms);
        if let Some(by) = by {
            c.report.planned_by.push(by);
        }
        if let Some(fallback) = fallback {
            c.report.planner_fallbacks.push(fallback);
        }
        tracing::debug!(elapsed_ms, ok = plan.is_ok(), "planner answered");
        Some(plan)
    }

    /// Takes the other robots' sightings waiting on the fleet memory topic, to be stored
    /// with the next flush.
    fn take_shared(&mut self) {
        let Some(fleet) = &mut self.fleet else { return };
        let world = self.snapshot.load();
        let semantic = world.semantic.clone();
        let taken = fleet.take(world.now_ns, |x, y| {
            semantic
                .place_at(embodia_world::V2::new(x, y))
                .map(|p| p.name.clone())
        });
        if !taken.is_empty() {
            tracing::debug!(sightings = taken.len(), "took sightings from the fleet");
        }
        self.shared.extend(taken);
    }

    async fn on_event(&mut self, event: ReactiveEvent) {
        match event {
            ReactiveEvent::Said(text) => {
                if let Some(c) = &mut self.current {
                    c.report.said.push(text);
                    self.show_progress("running");
                }
            }
            ReactiveEvent::Observed(obs) => {
                tracing::trace!(text = %obs.text, "observation");
                if let Some(fleet) = &self.fleet {
                    fleet.share(&obs);
                }
                if self.memory.is_some() {
                    self.pending.push(obs);
                    if self.pending.len() >= MEMORY_BATCH {
                        self.flush_memory().await;
                    }
                }
            }
            ReactiveEvent::StepFinished { id, status } => {
                self.advance(Event::StepFinished { id, status }).await;
            }
        }
    }
}

/// The vector memory as planners may ask it: remembered objects most like a phrase.
struct MemoryRecall {
    memory: Arc<std::sync::Mutex<Memory>>,
    /// Now, on the memory's clock.
    now_ns: i64,
}

impl Recall for MemoryRecall {
    fn objects_like(&self, phrase: &str, k: usize) -> Vec<(KnownObject, f32)> {
        let memory = self.memory.lock().unwrap_or_else(|p| p.into_inner());
        let hits = memory.recall(
            phrase,
            &Query {
                k,
                objects_only: true,
                ..Query::default()
            },
        );
        hits.unwrap_or_default()
            .into_iter()
            .filter_map(|h| {
                let (x, y) = h.entry.object_position?;
                Some((
                    KnownObject {
                        name: h.entry.object_name.clone()?,
                        class: h.entry.object_class.clone().unwrap_or_default(),
                        color: h.entry.object_color.clone(),
                        x,
                        y,
                        place: h.entry.place.clone(),
                        seen_ago_s: (self.now_ns - h.entry.time_ns).max(0) as f64 * 1e-9,
                        seen_by: h.entry.seen_by.clone(),
                    },
                    h.score.unwrap_or(0.0),
                ))
            })
            .collect()
    }
}
