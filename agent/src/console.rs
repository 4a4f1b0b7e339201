//! The console of an interactive run: what happens, one readable line each — the task, its
//! plan, each step starting and ending, what the robot says, safety interventions, how a task
//! ended, and a progress line every [`PROGRESS_EVERY_NS`] of a search.
//!
//! Lines are drawn from the recorded stream (the one the recording file and the live view
//! get), so the console says what the recording holds, and nothing the agent did not publish.

use embodia_ros::msg::nav_msgs::Odometry;
use embodia_ros::msg::std_msgs::String as RosString;
use embodia_world::{V2, World};
use serde_json::Value;

use crate::agent::AgentConfig;
use crate::recording::channels;
use crate::recording::writer::{Encoding, Entry};

/// Simulated time between two progress lines of a search, ns.
pub const PROGRESS_EVERY_NS: i64 = 10_000_000_000;

/// A search in progress, followed on odometry.
struct Search {
    target: String,
    since_ns: i64,
    last_line_ns: i64,
    travelled_m: f64,
    last: Option<V2>,
    places: Vec<String>,
}

/// Turns recorded entries into console lines.
pub struct Console {
    say: String,
    safety: String,
    odom: String,
    places: Vec<(String, embodia_world::Region)>,
    steps: Vec<Value>,
    running: Option<usize>,
    search: Option<Search>,
}

impl Console {
    /// A console for an agent configured by `config` in `world`.
    pub fn new(config: &AgentConfig, world: &World) -> Self {
        Self {
            say: config.topics.say.clone(),
            safety: config.topics.safety.clone(),
            odom: config.perception.topics.odom.clone(),
            places: world
                .places
                .iter()
                .map(|p| (p.name.clone(), p.region.clone()))
                .collect(),
            steps: Vec::new(),
            running: None,
            search: None,
        }
    }

    /// The lines `entry` makes (most make none).
    pub fn lines(&mut self, entry: &Entry) -> Vec<String> {
        let t = entry.t_ns;
        let stamp = |s: String| format!("[{:7.1} s] {s}", t as f64 / 1e9);
        match entry.encoding {
            Encoding::Json => {
                let Ok(v) = serde_json::from_slice::<Value>(&entry.data) else {
                    return Vec::new();
                };
                self.decision(&entry.topic, &v, t)
                    .into_iter()
                    .map(stamp)
                    .collect()
            }
            Encoding::Cdr(_) => {
                if entry.topic == self.odom {
                    return self
                        .progress(&entry.data, t)
                        .map(stamp)
                        .into_iter()
                        .collect();
                }
                if entry.topic != self.say && entry.topic != self.safety {
                    return Vec::new();
                }
                let Ok(msg) = embodia_ros::cdr::decode::<RosString>(&entry.data) else {
                    return Vec::new();
                };
                if entry.topic == self.say {
                    vec![stamp(format!("robot says: {:?}", msg.data))]
                } else if entry.topic == self.safety {
                    vec![stamp(format!("safety: {}", safety(&msg.data)))]
                } else {
                    Vec::new()
                }
            }
        }
    }

    fn decision(&mut self, topic: &str, v: &Value, t: i64) -> Vec<String> {
        let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
        match topic {
            channels::TASK => vec![format!("task: {:?}", text("text"))],
            channels::PLAN => {
                self.steps = v
                    .pointer("/plan/steps")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                self.running = None;
                let steps: Vec<String> = self
                    .steps
                    .iter()
                    .enumerate()
                    .map(|(i, s)| format!("{}. {}", i + 1, describe(s)))
                    .collect();
                vec![format!("plan: {}", steps.join("; "))]
            }
            channels::STEP => {
                let step = v.get("step").and_then(Value::as_u64).map(|i| i as usize);
                let mut out = Vec::new();
                if text("state") == "planning" {
                    out.push("planning".to_owned());
                }
                if step == self.running {
                    return out;
                }
                if let Some(done) = self.running.take() {
                    out.push(format!("step {}/{} done", done + 1, self.steps.len()));
                }
                self.search = None;
                if let Some((i, s)) = step.and_then(|i| Some((i, self.steps.get(i)?.clone()))) {
                    out.push(format!(
                        "step {}/{} started: {}",
                        i + 1,
                        self.steps.len(),
                        describe(&s)
                    ));
                    if s.get("skill").and_then(Value::as_str) == Some("look_for") {
                        self.search = Some(Search {
                            target: s
                                .get("target")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_owned(),
                            since_ns: t,
                            last_line_ns: t,
                            travelled_m: 0.0,
                            last: None,
                            places: Vec::new(),
                        });
                    }
                    self.running = Some(i);
                }
                out
            }
            channels::REPORT => {
                self.running = None;
                self.search = None;
                let outcome = text("outcome");
                let reason = v
                    .get("reason")
                    .and_then(Value::as_str)
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default();
                vec![format!("task {:?} {outcome}{reason}", text("task"))]
            }
            _ => Vec::new(),
        }
    }

    /// Follows a search on odometry; a line when one is due.
    fn progress(&mut self, cdr: &[u8], t: i64) -> Option<String> {
        let search = self.search.as_mut()?;
        let odom = embodia_ros::cdr::decode::<Odometry>(cdr).ok()?;
        let p = &odom.pose.pose.position;
        let here = V2::new(p.x, p.y);
        if let Some(last) = search.last {
            search.travelled_m += (here - last).norm();
        }
        search.last = Some(here);
        if let Some((name, _)) = self.places.iter().find(|(_, r)| r.contains(here))
            && search.places.last() != Some(name)
            && !search.places.contains(name)
        {
            search.places.push(name.clone());
        }
        if t - search.last_line_ns < PROGRESS_EVERY_NS {
            return None;
        }
        search.last_line_ns = t;
        let places = if search.places.is_empty() {
            "no named place yet".to_owned()
        } else {
            search.places.join(", ")
        };
        Some(format!(
            "searching for {}: {:.0} s, {:.1} m driven, places entered: {places}",
            search.target,
            (t - search.since_ns) as f64 / 1e9,
            search.travelled_m
        ))
    }
}

/// A plan step as a short phrase: its skill and its arguments.
fn describe(step: &Value) -> String {
    let Some(fields) = step.as_object() else {
        return step.to_string();
    };
    let skill = fields.get("skill").and_then(Value::as_str).unwrap_or("?");
    let args: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k.as_str() != "skill")
        .map(|(_, v)| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect();
    if args.is_empty() {
        skill.to_owned()
    } else {
        format!("{skill} {}", args.join(" "))
    }
}

/// A safety message as a phrase: the gate's reasons, and what it changed.
fn safety(json: &str) -> String {
    let Ok(v) = serde_json::from_str::<Value>(json) else {
        return json.to_owned();
    };
    let reasons = match v.get("reasons") {
        Some(Value::Array(a)) => a
            .iter()
            .map(|r| {
                r.as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| r.to_string())
            })
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => other.to_string(),
        None => "?".to_owned(),
    };
    let pair = |k: &str| {
        v.get(k)
            .and_then(Value::as_array)
            .map(|a| {
                let n = |i: usize| a.get(i).and_then(Value::as_f64).unwrap_or(0.0);
                format!("{:.2} m/s {:.2} rad/s", n(0), n(1))
            })
            .unwrap_or_default()
    };
    let latched = if v.get("latched").and_then(Value::as_bool) == Some(true) {
        ", latched until reset"
    } else {
        ""
    };
    format!(
        "{reasons} (asked {}, sent {}){latched}",
        pair("asked"),
        pair("sent")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn world() -> World {
        World::parse(
            "name: t\nsize: [6, 4]\nresolution: 0.05\nwalls: []\nplaces:\n  kitchen: {polygon: [[0, 0], [3, 0], [3, 4], [0, 4]]}\n  hall: {polygon: [[3, 0], [6, 0], [6, 4], [3, 4]]}\nrobot: {start: [1, 2, 0]}\n",
            "t.yaml",
        )
        .expect("world")
    }

    fn json(topic: &str, t_s: f64, v: Value) -> Entry {
        Entry {
            t_ns: (t_s * 1e9) as i64,
            topic: topic.into(),
            encoding: Encoding::Json,
            data: v.to_string().into_bytes(),
        }
    }

    fn cdr<M: embodia_ros::Message>(topic: &str, t_s: f64, m: &M) -> Entry {
        Entry {
            t_ns: (t_s * 1e9) as i64,
            topic: topic.into(),
            encoding: Encoding::Cdr(M::TYPE_NAME),
            data: embodia_ros::cdr::encode(m).expect("encode"),
        }
    }

    fn odom(x: f64, y: f64) -> Odometry {
        let mut o = Odometry::default();
        o.pose.pose = embodia_ros::msg::geometry_msgs::Pose::planar(x, y, 0.0);
        o
    }

    #[test]
    fn a_task_reads_as_plan_steps_speech_and_outcome() {
        let config = AgentConfig::default();
        let mut c = Console::new(&config, &world());
        let mut all = Vec::new();
        let plan = json!({ "steps": [
            { "skill": "navigate_to", "target": "hall" },
            { "skill": "say", "text": "here" },
        ]});
        for e in [
            json(channels::TASK, 0.0, json!({ "text": "go to the hall" })),
            json(
                channels::PLAN,
                0.1,
                json!({ "task": "go to the hall", "plan": plan }),
            ),
            json(
                channels::STEP,
                0.1,
                json!({ "step": 0, "state": "running" }),
            ),
            json(
                channels::STEP,
                5.0,
                json!({ "step": 1, "state": "running" }),
            ),
            cdr(
                &config.topics.say,
                5.1,
                &RosString {
                    data: "here".into(),
                },
            ),
            json(
                channels::REPORT,
                5.2,
                json!({ "task": "go to the hall", "outcome": "succeeded" }),
            ),
        ] {
            all.extend(c.lines(&e));
        }
        let text: Vec<&str> = all.iter().map(|l| &l[12..]).collect();
        assert_eq!(
            text,
            vec![
                "task: \"go to the hall\"",
                "plan: 1. navigate_to hall; 2. say here",
                "step 1/2 started: navigate_to hall",
                "step 1/2 done",
                "step 2/2 started: say here",
                "robot says: \"here\"",
                "task \"go to the hall\" succeeded",
            ]
        );
    }

    #[test]
    fn a_long_search_prints_progress_with_distance_and_places() {
        let config = AgentConfig::default();
        let odom_topic = config.perception.topics.odom.clone();
        let mut c = Console::new(&config, &world());
        let plan = json!({ "steps": [{ "skill": "look_for", "target": "cup" }] });
        c.lines(&json(channels::PLAN, 0.0, json!({ "plan": plan })));
        c.lines(&json(
            channels::STEP,
            0.0,
            json!({ "step": 0, "state": "running" }),
        ));
        let mut lines = Vec::new();
        for i in 0..=50 {
            let x = 1.0 + 0.08 * i as f64;
            lines.extend(c.lines(&cdr(&odom_topic, 0.25 * i as f64, &odom(x, 2.0))));
        }
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(
            lines[0].contains("searching for cup: 10 s, 3.2 m driven"),
            "{}",
            lines[0]
        );
        assert!(
            lines[0].contains("places entered: kitchen, hall"),
            "{}",
            lines[0]
        );
    }

    #[test]
    fn safety_lines_name_the_reasons_and_the_change() {
        let line = safety(
            r#"{"reasons":["obstacle_stop"],"asked":[0.4,0.0],"sent":[0.0,0.0],"latched":false}"#,
        );
        assert_eq!(
            line,
            "obstacle_stop (asked 0.40 m/s 0.00 rad/s, sent 0.00 m/s 0.00 rad/s)"
        );
    }
}
