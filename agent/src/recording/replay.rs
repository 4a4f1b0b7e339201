//! Replay: a fresh agent, built as the recorded run built it, is fed the recorded inputs and
//! ticks in the recorded order; what it publishes and decides is recorded the same way and
//! compared with the file, entry by entry, byte for byte.
//!
//! Lockstep runs are deterministic, so any difference is a change of behaviour: the first one
//! is reported (simulated time, topic, recorded vs now), and the replay goes on only until the
//! first velocity command that differs, which it reports too — the first difference is often
//! a status or safety message a tick before the robot would have moved differently.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use embodia_ros::bus::InProcBus;
use embodia_sim::World;

use super::channels;
use super::read::Recording;
use super::recorder::{Recorder, Taps};
use super::topics::{Direction, Feed, agent_topics, feed_by_name, render};
use super::writer::{Encoding, Entry, VecSink};
use crate::agent::AgentError;
use crate::episode::{EpisodeOptions, start_agent};
use crate::planner::Planner;
use crate::setup::agent_for_world;

/// Where a recording and its replay differ.
#[derive(Debug, Clone, PartialEq)]
pub struct Divergence {
    /// The first difference among all outputs and decisions.
    pub first: Difference,
    /// The first difference among the velocity commands, if they differ.
    pub command: Option<Difference>,
}

/// One difference between a recording and its replay.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// Position among the compared entries.
    pub index: usize,
    /// Simulated time, ns (of the recorded entry, or of the new one if the recording ended).
    pub t_ns: i64,
    /// The topic of the recorded entry (or of the new one).
    pub topic: String,
    /// The recorded entry, readable; `None` if the recording has no more.
    pub recorded: Option<String>,
    /// What the replay produced there, readable; `None` if it produced no more.
    pub now: Option<String>,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "at t = {:.3} s on {} (#{}):",
            self.t_ns as f64 / 1e9,
            self.topic,
            self.index
        )?;
        writeln!(
            f,
            "  recorded: {}",
            self.recorded.as_deref().unwrap_or("(nothing more)")
        )?;
        write!(
            f,
            "  now:      {}",
            self.now.as_deref().unwrap_or("(nothing more)")
        )
    }
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "first divergence {}", self.first)?;
        match &self.command {
            Some(c) => write!(f, "\nfirst divergent command {c}"),
            None => write!(f, "\nthe velocity commands are all equal"),
        }
    }
}

/// The first position from `from` where `expected` and `produced` differ, looking only as far
/// as `produced` goes unless `to_end` (then a missing entry on either side is a difference).
fn compare(
    expected: &[&Entry],
    produced: &[&Entry],
    from: usize,
    to_end: bool,
) -> Result<usize, Difference> {
    let end = if to_end {
        expected.len().max(produced.len())
    } else {
        produced.len()
    };
    for index in from..end {
        let (r, n) = (expected.get(index).copied(), produced.get(index).copied());
        if r.is_some() && r == n {
            continue;
        }
        let Some(first) = r.or(n) else { break };
        return Err(Difference {
            index,
            t_ns: first.t_ns,
            topic: first.topic.clone(),
            recorded: r.map(readable),
            now: n.map(readable),
        });
    }
    Ok(end)
}

/// How a replay ended.
#[derive(Debug, Clone, PartialEq)]
pub enum ReplayOutcome {
    /// Every output and decision equal.
    Same {
        /// Entries compared.
        compared: usize,
        /// Control ticks replayed.
        ticks: usize,
    },
    /// The first difference.
    Diverged(Divergence),
}

fn readable(e: &Entry) -> String {
    let body = match e.encoding {
        Encoding::Cdr(type_name) => render(type_name, &e.data),
        Encoding::Json => String::from_utf8_lossy(&e.data).into_owned(),
    };
    format!("[t={:.3}s {}] {body}", e.t_ns as f64 / 1e9, e.topic)
}

/// Whether an entry is something the agent produced (compared) rather than fed to it.
fn is_output(topic: &str, outputs: &[String]) -> bool {
    outputs.iter().any(|o| o == topic) || channels::DECISIONS.contains(&topic)
}

/// Replays `recording` against an agent using `planner` and `options` (from the recording's
/// metadata, possibly changed on purpose).
pub fn replay(
    recording: &Recording,
    world: Arc<World>,
    planner: Arc<dyn Planner>,
    options: &EpisodeOptions,
) -> Result<ReplayOutcome, AgentError> {
    let bus = InProcBus::new();
    let agent_config = agent_for_world(options.agent.clone(), &world);
    let guard = agent_config.deliberative.plan_deadline + Duration::from_secs(10);
    let topics = agent_topics(&agent_config);
    let outputs: Vec<String> = topics
        .iter()
        .filter(|(_, _, d)| *d == Direction::Output)
        .map(|(t, _, _)| t.clone())
        .collect();
    let mut capture = Recorder::new(&bus, &agent_config, Taps::Outputs, VecSink::default())
        .map_err(AgentError::Recording)?;
    let (agent, _) = start_agent(&bus, &world, planner, options, agent_config)?;
    let expected: Vec<&Entry> = recording
        .entries
        .iter()
        .filter(|e| is_output(&e.topic, &outputs))
        .collect();
    let cmd_vel = command_topic(&topics);
    let expected_cmds: Vec<&Entry> = expected
        .iter()
        .copied()
        .filter(|e| e.topic == cmd_vel)
        .collect();
    let mut feeds: HashMap<String, Box<dyn Feed>> = HashMap::new();
    let mut ticks = 0;
    let (mut checked, mut checked_cmds) = (0, 0);
    let mut first: Option<Difference> = None;
    let idle = |agent: &crate::Agent| {
        if agent.wait_idle(guard) {
            Ok(())
        } else {
            Err(AgentError::Start(
                "the deliberative layer did not finish in time".into(),
            ))
        }
    };
    for entry in &recording.entries {
        match (entry.topic.as_str(), entry.encoding) {
            (channels::TICK, _) => {
                idle(&agent)?;
                agent.tick(entry.t_ns)?;
                idle(&agent)?;
                capture.outputs(entry.t_ns).map_err(AgentError::Recording)?;
                capture
                    .agent_results(entry.t_ns, &agent)
                    .map_err(AgentError::Recording)?;
                ticks += 1;
                let produced: Vec<&Entry> = capture.sink().entries.iter().collect();
                if first.is_none() {
                    match compare(&expected, &produced, checked, false) {
                        Ok(n) => checked = n,
                        Err(d) => first = Some(d),
                    }
                }
                if first.is_some() {
                    let cmds: Vec<&Entry> = produced
                        .into_iter()
                        .filter(|e| e.topic == cmd_vel)
                        .collect();
                    match compare(&expected_cmds, &cmds, checked_cmds, false) {
                        Ok(n) => checked_cmds = n,
                        Err(command) => {
                            agent.shutdown();
                            return Ok(ReplayOutcome::Diverged(Divergence {
                                first: first.unwrap_or_else(|| command.clone()),
                                command: Some(command),
                            }));
                        }
                    }
                }
            }
            (channels::TASK, Encoding::Json) => {
                let text = serde_json::from_slice::<serde_json::Value>(&entry.data)
                    .ok()
                    .and_then(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_owned))
                    .unwrap_or_default();
                agent.submit(&text);
            }
            (topic, Encoding::Cdr(type_name)) if !is_output(topic, &outputs) => {
                if !feeds.contains_key(topic) {
                    let feed = feed_by_name(&bus, topic, type_name)?;
                    feeds.insert(topic.to_owned(), feed);
                }
                if let Some(feed) = feeds.get(topic) {
                    feed.feed(&entry.data).map_err(|e| {
                        AgentError::Config(format!(
                            "recorded {topic} at t = {} ns does not decode: {e}",
                            entry.t_ns
                        ))
                    })?;
                }
            }
            _ => {}
        }
    }
    agent.shutdown();
    let produced: Vec<&Entry> = capture.sink().entries.iter().collect();
    let first = match first {
        Some(d) => d,
        None => match compare(&expected, &produced, checked, true) {
            Ok(_) => {
                return Ok(ReplayOutcome::Same {
                    compared: expected.len(),
                    ticks,
                });
            }
            Err(d) => d,
        },
    };
    let cmds: Vec<&Entry> = produced
        .into_iter()
        .filter(|e| e.topic == cmd_vel)
        .collect();
    let command = compare(&expected_cmds, &cmds, checked_cmds, true).err();
    Ok(ReplayOutcome::Diverged(Divergence { first, command }))
}

/// The velocity command topic among the agent's outputs.
fn command_topic(topics: &[(String, &'static str, Direction)]) -> String {
    topics
        .iter()
        .find(|(_, t, d)| *d == Direction::Output && t.starts_with("geometry_msgs/"))
        .map(|(name, _, _)| name.clone())
        .unwrap_or_default()
}
