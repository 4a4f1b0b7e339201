//! Pictures checked in a real browser: Debian's Chromium, headless, renders eval's
//! `index.html` and a run's SVG; the screenshots must show something (not one flat colour).
//! Chromium is installed by `scripts/chromium.sh` (once); where it cannot be, the test says
//! so and skips. It runs without network (its own network namespace when the system allows
//! one, and with every background connection switched off).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{embodia, root};

/// Chromium's path, or why there is none.
fn chromium() -> Result<PathBuf, String> {
    let out = Command::new("bash")
        .arg("scripts/chromium.sh")
        .current_dir(root())
        .output()
        .map_err(|e| format!("bash: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_owned());
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

/// Whether this process may make a network namespace of its own (root, or user namespaces).
fn can_unshare() -> bool {
    Command::new("unshare")
        .args(["-n", "true"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Renders `page` at `width` x `height` into a PNG, headless, offline.
fn screenshot(chromium: &Path, page: &Path, png: &Path, width: u32, height: u32) {
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = if can_unshare() {
        let mut c = Command::new("unshare");
        c.arg("-n").arg(chromium);
        c
    } else {
        Command::new(chromium)
    };
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-extensions",
        "--disable-domain-reliability",
        "--no-pings",
        "--proxy-server=127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--virtual-time-budget=2000",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .arg(format!("--window-size={width},{height}"))
    .arg(format!("--screenshot={}", png.display()))
    .arg(format!("file://{}", page.display()))
    .stdout(Stdio::null())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("chromium starts");
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).ok();
            assert!(status.success(), "chromium failed: {status}\n{err}");
            return;
        }
        if Instant::now() > deadline {
            child.kill().ok();
            panic!(
                "chromium did not finish rendering {} in 90 s",
                page.display()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The screenshot's size and how many distinct colours it shows.
fn colours(png: &Path) -> (u32, u32, usize) {
    let file = std::fs::File::open(png).expect("a screenshot was written");
    let decoder = png::Decoder::new(std::io::BufReader::new(file));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut buf).expect("pixels");
    let px = info.color_type.samples();
    let distinct: HashSet<&[u8]> = buf[..info.buffer_size()].chunks(px).collect();
    (info.width, info.height, distinct.len())
}

#[test]
fn eval_report_and_run_picture_render_in_headless_chromium() {
    let chromium = match chromium() {
        Ok(path) => path,
        Err(why) => {
            eprintln!("SKIPPED: pictures not checked in a browser: {why}");
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let pics = dir.path().join("pics");
    let out = embodia(&[
        "eval",
        "tests/scenarios/turn-left.yaml",
        "--planner",
        "rules",
        "--no-memory",
        "--report-dir",
        &pics.display().to_string(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run_svg = dir.path().join("run.svg");
    let out = embodia(&[
        "run",
        "--world",
        "launch/worlds/test_room.yaml",
        "--planner",
        "rules",
        "--no-memory",
        "--task",
        "go to the east room",
        "--svg",
        &run_svg.display().to_string(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (page, name) in [(pics.join("index.html"), "index"), (run_svg, "svg")] {
        let png = dir.path().join(format!("{name}.png"));
        screenshot(&chromium, &page, &png, 1000, 800);
        let size = std::fs::metadata(&png).unwrap().len();
        let (w, h, n) = colours(&png);
        assert_eq!((w, h), (1000, 800), "{name}: the window's size");
        // A blank page is one colour; text alone a few dozen (anti-aliasing); a map with
        // walls, zones and a speed-coloured trajectory many more.
        assert!(
            n > 20,
            "{name}: {n} colours in {size} bytes: not a rendered picture"
        );
        eprintln!("{name}: {size} bytes, {n} colours");
    }
}
