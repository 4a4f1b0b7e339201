//! The remote planner against a real inference server: llama-cpp-python's OpenAI-compatible
//! server (PyPI `llama-cpp-python[server]`) serving the same SmolLM2 GGUF on 127.0.0.1, started
//! and killed by the tests. The tests that need the server are ignored by `cargo test` (its
//! venv builds llama.cpp, minutes the first time) and run by scripts/remote-planner-tests.sh,
//! which makes the venv and passes its interpreter in `EMBODIA_LLAMA_SERVER_PYTHON`; without it
//! they say so and pass nothing off as tested. The reply-is-garbage case alone uses a stub
//! server (tests/interop/invalid_plan_server.py), since a real one cannot be made to write
//! garbage on demand.

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{embodia, plan_lines, root};

const APARTMENT: &str = "launch/worlds/apartment.yaml";

/// Tasks of tests/scenarios in the apartment world.
const SCENARIO_TASKS: &[&str] = &[
    "go to the kitchen",
    "find the red cup",
    "move forward 1.5 metres",
    "go to the bedroom then go to the bathroom",
    "Please head over to the study.",
    "turn left 90 degrees",
    "where did you see the green mug?",
    "go to the bathroom and say I am in the bathroom",
];

/// The venv's interpreter, or `None` with the reason printed (the test then checks nothing).
fn llama_python() -> Option<String> {
    match std::env::var("EMBODIA_LLAMA_SERVER_PYTHON") {
        Ok(p) if !p.is_empty() => Some(p),
        _ => {
            eprintln!(
                "SKIPPED: EMBODIA_LLAMA_SERVER_PYTHON is not set. Run scripts/remote-planner-tests.sh, which makes the llama-cpp-python[server] venv (needs python3 with venv and pip)"
            );
            None
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// llama-cpp-python's server on 127.0.0.1, killed when dropped.
struct LlamaServer {
    child: Child,
    port: u16,
}

impl LlamaServer {
    fn start(python: &str) -> Self {
        let gguf = embodia_models::SMOLLM2
            .ensure(&embodia_models::home())
            .expect("the SmolLM2 model")
            .join(embodia_models::SMOLLM2_GGUF);
        let port = free_port();
        let mut child = Command::new(python)
            .args(["-m", "llama_cpp.server", "--model"])
            .arg(&gguf)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--n_threads", "2", "--n_ctx", "2048", "--verbose", "false"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the llama-cpp-python server starts");
        // The port opens once the model is loaded.
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = child.try_wait().unwrap() {
                panic!("the llama-cpp-python server exited: {status}");
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "the llama-cpp-python server did not listen within 120 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Self { child, port }
    }

    fn url(&self) -> String {
        format!("http://{}", loopback(self.port))
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for LlamaServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `--planner remote` at `url` with a timeout.
fn remote<'a>(url: &'a str, timeout_s: &'a str) -> [&'a str; 6] {
    [
        "--planner",
        "remote",
        "--planner-url",
        url,
        "--planner-timeout-s",
        timeout_s,
    ]
}

fn plan_args<'a>(planner: &'a [&'a str], tasks: &'a [&'a str]) -> Vec<&'a str> {
    let mut args = vec!["plan", "--world", APARTMENT, "--seen-all"];
    args.extend(planner);
    args.extend(tasks);
    args
}

/// Whether a TCP connection to `port` on this machine is established (a request in flight).
fn connection_to(port: u16) -> bool {
    let needle = format!(":{port:04X} ");
    ["/proc/net/tcp", "/proc/net/tcp6"].iter().any(|f| {
        std::fs::read_to_string(f).is_ok_and(|t| {
            t.lines().skip(1).any(|l| {
                let cols: Vec<&str> = l.split_whitespace().collect();
                cols.len() > 3 && format!("{} ", cols[1]).ends_with(&needle) && cols[3] == "01"
            })
        })
    })
}

#[test]
#[ignore = "needs the llama-cpp-python server venv: scripts/remote-planner-tests.sh"]
fn a_real_server_plans_the_scenario_tasks_as_validly_as_the_device() {
    let Some(python) = llama_python() else { return };
    let server = LlamaServer::start(&python);
    let url = server.url();
    let remote = plan_lines(&embodia(&plan_args(&remote(&url, "300"), SCENARIO_TASKS)));
    // Greedy, one beam, no contrast: the decoding the server does, on the same prompt.
    let device = plan_lines(&embodia(&plan_args(
        &["--planner", "llm", "--beams", "1", "--contrast", "0"],
        SCENARIO_TASKS,
    )));
    assert_eq!(remote.len(), SCENARIO_TASKS.len());
    let mut agree = 0;
    for (r, d) in remote.iter().zip(&device) {
        assert_eq!(r["how"]["by"], "remote", "the server planned: {r}");
        assert!(r["how"]["fallback"].is_null(), "no fallback: {r}");
        assert_eq!(
            r["plan"].is_object(),
            d["plan"].is_object(),
            "valid on both or neither:\n remote {r}\n device {d}"
        );
        agree += usize::from(r["plan"] == d["plan"]);
        eprintln!("{}: remote {} | device {}", r["task"], r["plan"], d["plan"]);
    }
    eprintln!(
        "remote and on-device greedy plans agree on {agree} of {}",
        SCENARIO_TASKS.len()
    );
    // Same prompt, same weights, same grammar: disagreement is numerics (the device holds the
    // weights as Q8_0, llama.cpp as Q4_1), not a different question.
    assert!(
        agree * 2 >= SCENARIO_TASKS.len(),
        "only {agree} of {} agree: is the prompt the same?",
        SCENARIO_TASKS.len()
    );
}

#[test]
#[ignore = "needs the llama-cpp-python server venv: scripts/remote-planner-tests.sh"]
fn a_server_killed_mid_request_leaves_the_plan_to_the_device_and_says_so() {
    let Some(python) = llama_python() else { return };
    let mut server = LlamaServer::start(&python);
    let url = server.url();
    let child = Command::new(env!("CARGO_BIN_EXE_embodia"))
        .args(plan_args(&remote(&url, "120"), &["go to the kitchen"]))
        .current_dir(root())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !connection_to(server.port) {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "embodia never sent its request"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    // The server is reading the prompt (hundreds of tokens: a second or more).
    std::thread::sleep(Duration::from_millis(200));
    server.kill();
    let killed = Instant::now();
    let out = child.wait_with_output().unwrap();
    let line = &plan_lines(&out)[0];
    let reason = line["how"]["fallback"]["reason"]
        .as_str()
        .unwrap_or_default();
    assert!(reason.contains("connection"), "{line}");
    assert_eq!(line["plan"]["steps"][0]["target"], "kitchen", "{line}");
    assert!(
        killed.elapsed() < Duration::from_secs(60),
        "the fallback came from the broken connection, not the 120 s timeout"
    );
}

#[test]
#[ignore = "needs the llama-cpp-python server venv: scripts/remote-planner-tests.sh"]
fn a_server_slower_than_the_deadline_leaves_the_plan_to_the_device() {
    let Some(python) = llama_python() else { return };
    let server = LlamaServer::start(&python);
    let url = server.url();
    let started = Instant::now();
    let out = embodia(&plan_args(&remote(&url, "0.3"), &["turn left 90 degrees"]));
    let line = &plan_lines(&out)[0];
    assert_eq!(
        line["how"]["fallback"]["reason"], "the server did not answer within 0.3 s",
        "{line}"
    );
    assert!(line["how"]["fallback"]["remote_s"].as_f64().unwrap() < 2.0);
    assert_eq!(line["plan"]["steps"][0]["degrees"], 90.0, "{line}");
    assert!(started.elapsed() < Duration::from_secs(120));
}

/// The one stub-server test: replies that are no valid plan (not the plan language, a place
/// that does not exist, a distance over the limit, an HTTP error, not JSON) are each rejected
/// and the device plans; the API key reaches the server and nothing else.
#[test]
fn invalid_replies_are_rejected_and_the_key_is_never_shown() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("requests.jsonl");
    let replies = [
        "fly to the moon at full speed",
        "go to mars",
        "move forward 40 metres",
        "http500:",
        "notjson:",
    ];
    let Ok(mut stub) = Command::new("python3")
        .arg(root().join("tests/interop/invalid_plan_server.py"))
        .arg(&log)
        .args(replies)
        .stdout(Stdio::piped())
        .spawn()
    else {
        eprintln!("SKIPPED: python3 not found. Fix: install Python 3");
        return;
    };
    let mut port = String::new();
    BufReader::new(stub.stdout.take().unwrap())
        .read_line(&mut port)
        .unwrap();
    let url = format!(
        "http://{}/v1",
        loopback(port.trim().parse().expect("the stub prints its port"))
    );
    let key = "sk-embodia-test-4f2b9c";
    let tasks = ["go to the kitchen"; 5];
    let out = Command::new(env!("CARGO_BIN_EXE_embodia"))
        .args(plan_args(
            &["--planner", "remote", "--planner-url", &url],
            &tasks,
        ))
        .current_dir(root())
        .env("RUST_LOG", "info")
        .env("EMBODIA_PLANNER_API_KEY", key)
        .output()
        .unwrap();
    let _ = stub.kill();
    let _ = stub.wait();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains(key), "the key leaked:\n{all}");
    let reasons: Vec<String> = plan_lines(&out)
        .iter()
        .map(|l| {
            assert_eq!(l["plan"]["steps"][0]["target"], "kitchen", "{l}");
            l["how"]["fallback"]["reason"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    let expect = [
        "not a plan step",
        "unknown target \"mars\"",
        "40",
        "HTTP 500",
        "not JSON",
    ];
    for (reason, want) in reasons.iter().zip(expect) {
        assert!(reason.contains(want), "{reason:?} lacks {want:?}");
    }
    assert!(reasons[3].contains("***"), "the echoed key is blanked");
    let requests = std::fs::read_to_string(&log).unwrap();
    assert_eq!(requests.lines().count(), 5);
    for r in requests.lines() {
        let r: serde_json::Value = serde_json::from_str(r).unwrap();
        assert_eq!(r["path"], "/v1/chat/completions");
        assert_eq!(r["authorization"], format!("Bearer {key}"));
        assert_eq!(r["grammar"], true);
    }
}

/// No server at all: a task still runs to the end, planned on the device, and the task report
/// says the remote planner failed and why.
#[test]
fn with_no_server_the_task_report_records_the_fallback() {
    let url = format!("http://{}", loopback(free_port()));
    let report = crate::json(&embodia(&[
        "run",
        "--world",
        APARTMENT,
        "--planner",
        "remote",
        "--planner-url",
        &url,
        "--task",
        "go to the kitchen",
    ]));
    let task = &report["tasks"][0];
    assert_eq!(task["outcome"], "succeeded", "{task}");
    let fallback = task["planner_fallbacks"][0].as_str().unwrap_or_default();
    assert!(
        fallback.starts_with("remote planner: the connection to the server failed")
            && fallback.ends_with("planned on the device instead"),
        "{task}"
    );
}

#[test]
fn the_remote_planner_without_a_server_address_says_how_to_give_one() {
    let out = embodia(&plan_args(&["--planner", "remote"], &["go to the kitchen"]));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Fix: add --planner-url"), "{err}");
}

/// 127.0.0.1:`port`, the only address the tests talk to.
fn loopback(port: u16) -> std::net::SocketAddr {
    std::net::SocketAddr::from(([127, 0, 0, 1], port))
}
