//! `embodia run` without `--task`: tasks typed on stdin while the simulated robot runs in
//! (a multiple of) real time, what happens printed one line each.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use crate::{embodia, root};

const TEST_ROOM: &str = "launch/worlds/test_room.yaml";

/// The interactive binary, its stdin, and its stdout's lines as they come.
pub struct Session {
    pub child: Child,
    pub stdin: Option<ChildStdin>,
    pub lines: Receiver<String>,
    pub seen: Vec<String>,
}

impl Session {
    pub fn start(extra: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_embodia"))
            .args([
                "run",
                "--world",
                TEST_ROOM,
                "--planner",
                "rules",
                "--no-memory",
            ])
            .args(extra)
            .current_dir(root())
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("embodia starts");
        let stdin = child.stdin.take();
        let lines = read_lines(child.stdout.take().expect("stdout"));
        Self {
            child,
            stdin,
            lines,
            seen: Vec::new(),
        }
    }

    pub fn say(&mut self, task: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{task}").expect("write a task");
        stdin.flush().expect("flush");
    }

    /// Waits (at most a minute) for a line containing `text`; all lines so far on failure.
    pub fn wait_for(&mut self, text: &str) -> String {
        loop {
            if let Some(l) = self.seen.iter().find(|l| l.contains(text)) {
                return l.clone();
            }
            match self.lines.recv_timeout(Duration::from_secs(60)) {
                Ok(l) => self.seen.push(l),
                Err(_) => panic!("no line with {text:?}; saw:\n{}", self.seen.join("\n")),
            }
        }
    }

    /// Closes stdin (EOF) and waits for the process; every line it printed.
    pub fn finish(mut self) -> Vec<String> {
        drop(self.stdin.take());
        let status = self.child.wait().expect("embodia ends");
        self.seen.extend(self.lines.iter());
        let mut err = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            std::io::Read::read_to_string(&mut e, &mut err).ok();
        }
        assert!(
            status.success(),
            "exit {status}; stderr:\n{err}\nstdout:\n{}",
            self.seen.join("\n")
        );
        self.seen
    }
}

fn read_lines(out: ChildStdout) -> Receiver<String> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

fn position(lines: &[String], text: &str) -> usize {
    lines
        .iter()
        .position(|l| l.contains(text))
        .unwrap_or_else(|| panic!("no line with {text:?} in:\n{}", lines.join("\n")))
}

#[test]
fn a_typed_task_is_planned_run_step_by_step_and_eof_waits_for_it_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("typed.mcap").display().to_string();
    let mut s = Session::start(&["--speed", "20", "--seed", "3", "--record", &file]);
    s.say("go to the east room");
    // EOF at once: the run still finishes the task in progress.
    let lines = s.finish();
    let order = [
        "task: \"go to the east room\"",
        "plan: 1. navigate_to east room",
        "step 1/1 started: navigate_to east room",
        "step 1/1 done",
        "task \"go to the east room\" succeeded",
        "done: 1 tasks (1 succeeded, 0 failed, 0 preempted)",
    ];
    let at: Vec<usize> = order.iter().map(|t| position(&lines, t)).collect();
    assert!(
        at.windows(2).all(|w| w[0] < w[1]),
        "in order: {}",
        lines.join("\n")
    );
    // Each line starts with the simulated time (when the typed line arrived depends on load).
    assert!(
        lines[0].starts_with('[') && lines[0].contains(" s] task:"),
        "{}",
        lines[0]
    );
    // The recording of a typed session is a regression test like any other.
    let out = embodia(&["replay", &file]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_new_task_takes_over_and_stop_then_eof_ends_at_once() {
    let mut s = Session::start(&["--speed", "4"]);
    s.say("go to the east room");
    s.wait_for("step 1/1 started: navigate_to east room");
    s.say("stop");
    let lines = s.finish();
    position(&lines, "task \"go to the east room\" preempted");
    position(&lines, "task: \"stop\"");
    let done = &lines[position(&lines, "done: 2 tasks")];
    let sim_s: f64 = done
        .split(" in ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{done}"));
    // The whole drive takes about 10 s; stopped within a few seconds of starting it.
    assert!(sim_s < 8.0, "{done}");
}
