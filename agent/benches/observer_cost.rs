//! What recording and the live view cost the control loop: the scan -> gated command latency
//! of a navigating agent (wall-clock pacing, its own control thread, another core kept busy,
//! as in `reactive_latency`) with nothing attached, with the recorder attached writing an
//! MCAP file, and with the live view serving a connected WebSocket viewer subscribed to every
//! channel — in the same run, against the same agent, in alternating rounds so that load from
//! elsewhere on the machine falls on each alike. The recorder and the live view are driven as `embodia agent --record
//! FILE --foxglove` drives them: taps on the bus drained every 20 ms on a thread of their
//! own at background priority, entries handed to the live view's thread (background priority
//! too) through its bounded drop-oldest queue.
//!
//!     cargo bench -p embodia --bench observer_cost

#[path = "support/rig.rs"]
mod rig;
mod support;

use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use embodia::live::LiveView;
use embodia::live::scene::SceneSource;
use embodia::recording::recorder::Taps;
use embodia::recording::writer::TeeSink;
use embodia::recording::{McapSink, Recorder, RecordingMeta};
use rig::{BusyCore, Rig, quantile};
use tungstenite::Message;
use tungstenite::client::IntoClientRequest;
use tungstenite::http::HeaderValue;

/// Scans measured per configuration.
const SAMPLES: usize = 2000;
/// Rounds the scans of each configuration are split into.
const ROUNDS: usize = 8;
/// How often the recorder drains its taps (as `embodia agent` does when recording).
const DRAIN_EVERY: Duration = Duration::from_millis(20);

/// A recorder draining the rig's topics on a thread of its own until stopped.
struct Draining {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<TeeSink>,
}

impl Draining {
    fn start(rig: &Rig, sink: TeeSink) -> Self {
        let mut recorder = Recorder::new(&rig.bus, &rig.config, Taps::All, sink).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let now = rig.now.clone();
        let thread = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                // As `embodia agent` drains when it records: at background priority.
                embodia::priority::background_thread();
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(DRAIN_EVERY);
                    let t = now();
                    recorder.inputs(t).unwrap();
                    recorder.outputs(t).unwrap();
                }
                recorder.into_sink()
            })
        };
        Self { stop, thread }
    }

    fn stop(self) -> TeeSink {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap()
    }
}

/// A Foxglove WebSocket viewer subscribed to every channel, reading until stopped; returns
/// the messages it received.
fn viewer(addr: std::net::SocketAddr, stop: Arc<AtomicBool>) -> JoinHandle<u64> {
    let mut request = format!("ws://{addr}").into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("foxglove.sdk.v1"),
    );
    let stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let (mut ws, _) = tungstenite::client(request, stream).unwrap();
    let received = Arc::new(AtomicU64::new(0));
    std::thread::spawn(move || {
        let mut subscribed = 0u64;
        while !stop.load(Ordering::Relaxed) {
            match ws.read() {
                Ok(Message::Text(text)) => {
                    let v: serde_json::Value = serde_json::from_str(text.as_str()).unwrap();
                    if v["op"] == "advertise" {
                        let subs: Vec<serde_json::Value> = v["channels"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|c| {
                                subscribed += 1;
                                serde_json::json!({ "id": subscribed, "channelId": c["id"] })
                            })
                            .collect();
                        ws.send(Message::Text(
                            serde_json::json!({ "op": "subscribe", "subscriptions": subs })
                                .to_string()
                                .into(),
                        ))
                        .unwrap();
                    }
                }
                Ok(Message::Binary(_)) => {
                    received.fetch_add(1, Ordering::Relaxed);
                }
                Ok(_) => {}
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => panic!("viewer: {e}"),
            }
        }
        let _ = ws.close(None);
        received.load(Ordering::Relaxed)
    })
}

/// What is attached to the agent in a round.
#[derive(Clone, Copy, PartialEq)]
enum Attached {
    Nothing,
    Recorder,
    LiveView,
}

impl Attached {
    fn label(self) -> &'static str {
        match self {
            Attached::Nothing => "nothing attached",
            Attached::Recorder => "recorder attached (MCAP file, zstd chunks)",
            Attached::LiveView => "live view with a WebSocket viewer subscribed to every channel",
        }
    }
}

/// What a round with something attached left behind: bytes written, or messages the viewer
/// received and entries the live view dropped.
#[derive(Default)]
struct Tally {
    bytes: u64,
    received: u64,
    dropped: u64,
}

/// Measures `samples` scans with `what` attached, adding to `tally`: end to end, and the
/// control thread's own reaction (see [`Rig::measure`]).
fn round(rig: &mut Rig, what: Attached, samples: usize, tally: &mut Tally) -> (Vec<f64>, Vec<f64>) {
    match what {
        Attached::Nothing => rig.measure(samples),
        Attached::Recorder => {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("bench.mcap");
            let sink = TeeSink::new(Some(McapSink::create(&file, &bench_meta()).unwrap()), false);
            let recording = Draining::start(rig, sink);
            let lat = rig.measure(samples);
            let (mcap, _) = recording.stop().into_parts();
            mcap.unwrap().finish().unwrap();
            tally.bytes += std::fs::metadata(&file).unwrap().len();
            lat
        }
        Attached::LiveView => {
            let live = LiveView::start(
                "127.0.0.1:0".parse().unwrap(),
                &rig.config,
                SceneSource {
                    map_frame: "map".into(),
                    keep_out: vec![],
                    places: vec![],
                    robot_radius: rig.config.gate.robot_radius,
                },
            )
            .unwrap();
            let stop = Arc::new(AtomicBool::new(false));
            let client = viewer(live.addr(), stop.clone());
            let feeding =
                Draining::start(rig, TeeSink::new(None, false).with_feeds(vec![live.feed()]));
            // The viewer has subscribed before the measurement starts.
            std::thread::sleep(Duration::from_millis(300));
            let lat = rig.measure(samples);
            feeding.stop();
            stop.store(true, Ordering::Relaxed);
            tally.received += client.join().unwrap();
            tally.dropped += live.dropped();
            lat
        }
    }
}

fn main() {
    let mut rig = Rig::start();
    let busy = BusyCore::start();
    rig.measure(200);
    // Rounds alternate what is attached, so that load from elsewhere on the machine falls on
    // every configuration alike; the samples of each are pooled.
    let configs = [Attached::Nothing, Attached::Recorder, Attached::LiveView];
    let mut pooled: Vec<(Vec<f64>, Vec<f64>, Tally)> = configs
        .iter()
        .map(|_| (Vec::new(), Vec::new(), Tally::default()))
        .collect();
    for _ in 0..ROUNDS {
        for (i, what) in configs.iter().enumerate() {
            let (lat, react, tally) = &mut pooled[i];
            let (l, r) = round(&mut rig, *what, SAMPLES / ROUNDS, tally);
            lat.extend(l);
            react.extend(r);
        }
    }
    drop(busy);
    rig.assert_navigated();
    let (last, driving) = (rig.last(), rig.driving);
    let counts = rig.agent.shutdown();

    for (lat, react, _) in &mut pooled {
        lat.sort_by(f64::total_cmp);
        react.sort_by(f64::total_cmp);
    }
    let (base, base_react) = (pooled[0].0.clone(), pooled[0].1.clone());
    println!(
        "| scan -> gated /cmd_vel, navigating ({SAMPLES} scans each, in {ROUNDS} alternating rounds, another core kept busy) | p50 | p99 | p50 ratio | p99 ratio | control thread reaction p99 (ratio) |"
    );
    println!("|---|---|---|---|---|---|");
    for (what, (lat, react, tally)) in configs.iter().zip(&pooled) {
        let note = match what {
            Attached::Nothing => String::new(),
            Attached::Recorder => format!(" ({} kB written)", tally.bytes / 1000),
            Attached::LiveView => format!(
                " ({} messages received, {} dropped)",
                tally.received, tally.dropped
            ),
        };
        println!(
            "| {}{note} | {:.0} us | {:.0} us | {:.2} | {:.2} | {:.0} us ({:.2}) |",
            what.label(),
            quantile(lat, 0.5),
            quantile(lat, 0.99),
            quantile(lat, 0.5) / quantile(&base, 0.5),
            quantile(lat, 0.99) / quantile(&base, 0.99),
            quantile(react, 0.99),
            quantile(react, 0.99) / quantile(&base_react, 0.99),
        );
    }
    eprintln!(
        "interventions: {:?}; last command (v, w) = {last:?}; commands driving forward: {} of {}",
        counts.episodes, driving.1, driving.0
    );
}

/// What the bench's recording says about itself.
fn bench_meta() -> RecordingMeta {
    RecordingMeta {
        format: embodia::recording::meta::FORMAT,
        embodia_version: env!("CARGO_PKG_VERSION").into(),
        world_name: "observer_cost bench".into(),
        world_file: String::new(),
        world_yaml: String::new(),
        seed: 0,
        tasks: vec!["go to 15, 10".into()],
        timeout_s: 0.0,
        settle_s: 0.0,
        params: Default::default(),
        planner_args: vec![],
        memory: "off".into(),
        known_objects: vec![],
        live_bus: true,
    }
}
