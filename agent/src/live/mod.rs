//! The live view: a Foxglove WebSocket server (`foxglove.websocket.v1`, the `foxglove` crate)
//! showing a run as it happens.
//!
//! It shows what the recorder records, from the same stream ([`EntryFeed`]): the ROS 2 topics
//! as CDR with their `ros2msg` schemas (Foxglove decodes them as it does a bag), the agent's
//! decisions on their JSON channels, and, drawn from those, scenes in Foxglove's well-known
//! schemas ([`scene`]). The loop that drives the agent only hands entries to a bounded queue
//! that drops its oldest entry when full; a thread of its own turns them into Foxglove
//! messages, so a slow or absent viewer never slows control.
//!
//! A viewer that connects late still gets the map, the static transforms, the navigator's
//! newest path (`/plan`) and the world scene: they are sent again every [`LATCHED_EVERY`], as
//! transient-local topics are to late joiners.

pub mod scene;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError};
use embodia_ros::msg::nav_msgs::Odometry;
use embodia_ros::msg::std_msgs::String as RosString;
use embodia_ros::msg::vision_msgs::Detection3DArray;
use foxglove::messages::{PoseInFrame, SceneUpdate};
use foxglove::{Channel, Context, PartialMetadata, RawChannel, Schema, WebSocketServerHandle};
use thiserror::Error;

use crate::agent::AgentConfig;
use crate::recording::channels;
use crate::recording::feed::EntryFeed;
use crate::recording::topics::agent_topics;
use crate::recording::writer::{Encoding, Entry};
use scene::SceneSource;

/// Where the live view listens unless told otherwise: loopback only.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8765";

/// How often the map, static transforms and world scene are sent again for late viewers.
pub const LATCHED_EVERY: Duration = Duration::from_secs(1);

/// Entries the queue to the live view's thread holds before dropping the oldest (about four
/// simulated seconds of a run's topics).
const QUEUE: usize = 4096;

/// Channels of the scenes drawn from the recorded messages.
pub mod topics {
    /// Keep-out zones and place names (`foxglove.SceneUpdate`).
    pub const WORLD: &str = "/embodia/scene/world";
    /// The robot's footprint and heading (`foxglove.SceneUpdate`).
    pub const ROBOT: &str = "/embodia/scene/robot";
    /// The robot's pose (`foxglove.PoseInFrame`).
    pub const POSE: &str = "/embodia/pose";
    /// What the detector reports (`foxglove.SceneUpdate`).
    pub const DETECTIONS: &str = "/embodia/scene/detections";
    /// The goals of the current plan's remaining `navigate_to` steps (`foxglove.SceneUpdate`);
    /// the route the navigator planned to the current one is `/plan` (`nav_msgs/Path`).
    pub const GOALS: &str = "/embodia/scene/goals";
}

/// JSON channels of the recorder that the live view shows (the tick channel is left out: it
/// says only what the clock says).
const DECISIONS: [&str; 6] = [
    channels::TASK,
    channels::PLAN,
    channels::STEP,
    channels::REPORT,
    channels::GROUNDING,
    channels::MEMORY,
];

/// Why the live view could not start.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum LiveError {
    /// The server could not listen or a channel was refused.
    #[error("live view on {addr}: {message}")]
    Server {
        /// The address asked for.
        addr: SocketAddr,
        /// What went wrong, and what to do.
        message: String,
    },
}

/// A running live view; stops when dropped.
pub struct LiveView {
    feed: EntryFeed,
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    server: Option<WebSocketServerHandle>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl LiveView {
    /// Listens on `addr` (port 0: any free port; see [`LiveView::addr`]) and advertises the
    /// agent's topics (named by `config`), its decision channels and the scenes of `source`.
    pub fn start(
        addr: SocketAddr,
        config: &AgentConfig,
        source: SceneSource,
    ) -> Result<Self, LiveError> {
        let fail = |message: String| LiveError::Server { addr, message };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("live-view-ws")
            // Encoding and sending to viewers is background work, as is the thread feeding it.
            .on_thread_start(crate::priority::background_thread)
            .enable_all()
            .build()
            .map_err(|e| fail(format!("no runtime: {e}")))?;
        let context = Context::new();
        let channels = Channels::advertise(&context, config, source)
            .map_err(|e| fail(format!("channel: {e}")))?;
        let server = context
            .websocket_server()
            .name(format!("embodia {}", env!("CARGO_PKG_VERSION")))
            .bind(addr.ip().to_string(), addr.port())
            .tokio_runtime(runtime.handle())
            .start_blocking()
            .map_err(|e| {
                fail(format!(
                    "{e}. Fix: choose a free port (--foxglove 127.0.0.1:PORT)"
                ))
            })?;
        let bound = SocketAddr::new(addr.ip(), server.port());
        let (feed, rx) = EntryFeed::bounded(QUEUE);
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = stop.clone();
            std::thread::Builder::new()
                .name("live-view".into())
                .spawn(move || {
                    crate::priority::background_thread();
                    publish(channels, &rx, &stop);
                    drop(context);
                })
                .map_err(|e| fail(format!("no thread: {e}")))?
        };
        Ok(Self {
            feed,
            addr: bound,
            stop,
            thread: Some(thread),
            server: Some(server),
            runtime: Some(runtime),
        })
    }

    /// Where it listens (the port chosen when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The feed to hand the recorded stream to (see [`crate::recording::writer::TeeSink`]).
    pub fn feed(&self) -> EntryFeed {
        self.feed.clone()
    }

    /// Entries dropped because the live view's thread was behind.
    pub fn dropped(&self) -> u64 {
        self.feed.dropped()
    }
}

impl Drop for LiveView {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        if let Some(server) = self.server.take() {
            // The runtime below is dropped next, which ends the server's tasks either way.
            let _ = server.stop();
        }
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_timeout(Duration::from_secs(1));
        }
    }
}

/// The channels, and what the scenes are drawn from.
struct Channels {
    raw: HashMap<String, Arc<RawChannel>>,
    world: Channel<SceneUpdate>,
    robot: Channel<SceneUpdate>,
    pose: Channel<PoseInFrame>,
    detections: Channel<SceneUpdate>,
    goals: Channel<SceneUpdate>,
    source: SceneSource,
    odom_topic: String,
    detections_topic: String,
    status_topic: String,
    /// Topics whose newest message is sent again for late viewers.
    latched_topics: Vec<String>,
}

impl Channels {
    fn advertise(
        context: &Arc<Context>,
        config: &AgentConfig,
        source: SceneSource,
    ) -> Result<Self, foxglove::FoxgloveError> {
        let mut raw = HashMap::new();
        for (topic, type_name, _) in agent_topics(config) {
            let Some(text) = embodia_ros::schema::ros2msg(type_name) else {
                continue;
            };
            let channel = context
                .channel_builder(topic.clone())
                .message_encoding("cdr")
                .schema(Schema::new(type_name, "ros2msg", text.into_bytes()))
                .build_raw()?;
            raw.insert(topic, channel);
        }
        for topic in DECISIONS {
            let channel = context
                .channel_builder(topic)
                .message_encoding("json")
                .schema(Schema::new(
                    "embodia/Event",
                    "jsonschema",
                    br#"{"type":"object"}"#.as_slice(),
                ))
                .build_raw()?;
            raw.insert(topic.to_owned(), channel);
        }
        let p = &config.perception.topics;
        Ok(Self {
            raw,
            world: context.channel_builder(topics::WORLD).build(),
            robot: context.channel_builder(topics::ROBOT).build(),
            pose: context.channel_builder(topics::POSE).build(),
            detections: context.channel_builder(topics::DETECTIONS).build(),
            goals: context.channel_builder(topics::GOALS).build(),
            source,
            odom_topic: p.odom.clone(),
            detections_topic: p.detections.clone(),
            status_topic: config.topics.status.clone(),
            // The navigator's path is published when planned: a late viewer gets the newest.
            latched_topics: vec![
                p.map.clone(),
                p.tf_static.clone(),
                config.topics.plan.clone(),
            ],
        })
    }
}

/// The live view's thread: turns entries into Foxglove messages until told to stop.
fn publish(ch: Channels, rx: &Receiver<Entry>, stop: &AtomicBool) {
    let mut latched: HashMap<String, Vec<u8>> = HashMap::new();
    let mut last_status = serde_json::Value::Null;
    let mut now_ns = 0_i64;
    let mut latched_at: Option<Instant> = None;
    while !stop.load(Ordering::SeqCst) {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(entry) => {
                now_ns = now_ns.max(entry.t_ns);
                let _span = tracing::trace_span!("live_view", topic = %entry.topic).entered();
                if ch.latched_topics.contains(&entry.topic) {
                    latched.insert(entry.topic.clone(), entry.data.clone());
                }
                derived(&ch, &entry, &mut last_status);
                if let Some(channel) = ch.raw.get(&entry.topic) {
                    channel.log_with_meta(&entry.data, at(entry.t_ns));
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        if latched_at.is_none_or(|t| t.elapsed() >= LATCHED_EVERY) {
            latched_at = Some(Instant::now());
            for (topic, data) in &latched {
                if let Some(channel) = ch.raw.get(topic) {
                    channel.log_with_meta(data, at(now_ns));
                }
            }
            ch.world
                .log_with_meta(&scene::world(&ch.source, now_ns), at(now_ns));
            if !last_status.is_null() {
                ch.goals
                    .log_with_meta(&scene::goals(&ch.source, &last_status, now_ns), at(now_ns));
            }
        }
    }
}

fn at(t_ns: i64) -> PartialMetadata {
    PartialMetadata {
        log_time: Some(t_ns.max(0) as u64),
    }
}

/// The scenes drawn from one entry.
fn derived(ch: &Channels, entry: &Entry, last_status: &mut serde_json::Value) {
    let Encoding::Cdr(_) = entry.encoding else {
        return;
    };
    let t = entry.t_ns;
    if entry.topic == ch.odom_topic {
        if let Ok(odom) = embodia_ros::cdr::decode::<Odometry>(&entry.data) {
            if ch.robot.has_sinks() {
                ch.robot
                    .log_with_meta(&scene::robot(&ch.source, &odom, t), at(t));
            }
            if ch.pose.has_sinks() {
                ch.pose.log_with_meta(&scene::robot_pose(&odom, t), at(t));
            }
        }
    } else if entry.topic == ch.detections_topic {
        if ch.detections.has_sinks()
            && let Ok(msg) = embodia_ros::cdr::decode::<Detection3DArray>(&entry.data)
        {
            ch.detections
                .log_with_meta(&scene::detections(&msg, t), at(t));
        }
    } else if entry.topic == ch.status_topic
        && let Ok(msg) = embodia_ros::cdr::decode::<RosString>(&entry.data)
        && let Ok(status) = serde_json::from_str::<serde_json::Value>(&msg.data)
    {
        ch.goals
            .log_with_meta(&scene::goals(&ch.source, &status, t), at(t));
        *last_status = status;
    }
}
