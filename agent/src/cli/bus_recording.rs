//! Recording a bus that is not lockstepped (`embodia agent`, `embodia sim`): the recorder
//! drained at a fixed interval, each entry stamped with the time of the drain, into a file
//! and/or the live view. Such a recording is a bag to look at, not a regression test: its
//! metadata says `live_bus`, and replay refuses it.

use std::path::Path;

use embodia::agent::AgentConfig;
use embodia::decisions::Decision;
use embodia::deliberative::TaskReport;
use embodia::live::LiveView;
use embodia::recording::recorder::Taps;
use embodia::recording::topics::{Tap, tap};
use embodia::recording::writer::TeeSink;
use embodia::recording::{McapSink, Recorder, RecordingMeta};
use embodia_ros::Bus;
use embodia_ros::msg::std_msgs::String as RosString;

/// The recorder, and a tap on the task topic (tasks sent by others).
pub struct BusRecording {
    recorder: Recorder<TeeSink>,
    tasks: Box<dyn Tap>,
}

impl BusRecording {
    /// Taps the topics of an agent configured by `config` on `bus`, writing `file` (with
    /// `meta`) and feeding `live`; none when neither is asked for.
    pub fn start<B: Bus>(
        bus: &B,
        config: &AgentConfig,
        file: Option<&Path>,
        meta: Option<RecordingMeta>,
        live: Option<&LiveView>,
    ) -> anyhow::Result<Option<Self>> {
        let file = match (file, meta) {
            (None, _) if live.is_none() => return Ok(None),
            (Some(path), Some(meta)) => Some(McapSink::create(path, &meta)?),
            (Some(path), None) => anyhow::bail!("recording {}: no metadata", path.display()),
            (None, _) => None,
        };
        let sink = TeeSink::new(file, false).with_feeds(live.iter().map(|l| l.feed()).collect());
        Ok(Some(Self {
            recorder: Recorder::new(bus, config, Taps::All, sink)?,
            tasks: tap::<RosString, B>(bus, &config.topics.task)?,
        }))
    }

    /// Records a task given on the command line at `now` (ns).
    pub fn task(&mut self, now: i64, text: &str) -> anyhow::Result<()> {
        Ok(self.recorder.task(now, text)?)
    }

    /// Records what arrived since the last drain at `now` (ns), the agent's `decisions` since
    /// then, and `report` if a task just ended.
    pub fn drain(
        &mut self,
        now: i64,
        decisions: &[Decision],
        report: Option<&TaskReport>,
    ) -> anyhow::Result<()> {
        for cdr in self.tasks.drain() {
            if let Ok(m) = embodia_ros::cdr::decode::<RosString>(&cdr) {
                self.recorder.task(now, &m.data)?;
            }
        }
        self.recorder.inputs(now)?;
        self.recorder.outputs(now)?;
        for d in decisions {
            self.recorder.decision(now, d)?;
        }
        if let Some(r) = report {
            self.recorder.report(now, r)?;
        }
        Ok(())
    }

    /// Writes the file's summary and closes it.
    pub fn finish(self) -> anyhow::Result<()> {
        if let (Some(file), _) = self.recorder.into_sink().into_parts() {
            file.finish()?;
        }
        Ok(())
    }
}
