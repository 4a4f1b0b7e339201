//! Reading a recording back: the run's metadata and every message in file order.
//!
//! A file cut off mid-write (a killed process) is read up to its last complete chunk; the
//! [`Recording::cut_off`] field says so rather than failing, because what came before is
//! exactly what a person debugging the crash wants to see.

use std::path::Path;

use mcap::read::Options;

use super::RecordingError;
use super::meta::{METADATA_NAME, RecordingMeta};
use super::topics::known_type;
use super::writer::{Encoding, Entry};

/// A recording as read.
#[derive(Debug)]
pub struct Recording {
    /// The run.
    pub meta: RecordingMeta,
    /// Every message, in the order written.
    pub entries: Vec<Entry>,
    /// Why reading stopped before the end of a complete file, if it did.
    pub cut_off: Option<String>,
}

/// Reads `path`. Errors name the file and what is wrong with it.
pub fn read(path: &Path) -> Result<Recording, RecordingError> {
    let bytes = std::fs::read(path).map_err(|e| RecordingError::Format {
        path: path.to_owned(),
        problem: format!(
            "cannot be read ({e}). Fix: give the path of a recording made with `embodia run --record`"
        ),
    })?;
    read_bytes(path, &bytes)
}

/// Reads a recording held in memory; `path` only names it in errors.
pub fn read_bytes(path: &Path, bytes: &[u8]) -> Result<Recording, RecordingError> {
    let format = |problem: String| RecordingError::Format {
        path: path.to_owned(),
        problem,
    };
    let not_mcap = |e: mcap::McapError| {
        format(format!(
            "is not an MCAP recording ({e}). Fix: give a file written by `embodia run --record`"
        ))
    };
    let mut meta = None;
    for record in mcap::read::LinearReader::new_with_options(bytes, Options::IgnoreEndMagic.into())
        .map_err(not_mcap)?
    {
        match record {
            Ok(mcap::records::Record::Metadata(m)) if m.name == METADATA_NAME => {
                meta = Some(m.metadata);
                break;
            }
            Ok(_) => {}
            Err(e) => return Err(not_mcap(e)),
        }
    }
    let meta = meta.ok_or_else(|| {
        format(format!(
            "has no `{METADATA_NAME}` metadata, so it was not recorded by embodia. Fix: record the run with `embodia run --record`"
        ))
    })?;
    let meta = RecordingMeta::from_map(&meta)
        .map_err(|p| format(format!("its `{METADATA_NAME}` metadata is unusable: {p}")))?;

    let mut entries = Vec::new();
    let mut cut_off = None;
    for message in mcap::MessageStream::new_with_options(bytes, Options::IgnoreEndMagic.into())
        .map_err(not_mcap)?
    {
        let message = match message {
            Ok(m) => m,
            Err(e) => {
                cut_off = Some(e.to_string());
                break;
            }
        };
        let channel = &message.channel;
        let encoding = match channel.message_encoding.as_str() {
            "json" => Encoding::Json,
            "cdr" => {
                let name = channel
                    .schema
                    .as_ref()
                    .map(|s| s.name.as_str())
                    .unwrap_or("");
                Encoding::Cdr(known_type(name).ok_or_else(|| {
                    format(format!(
                        "topic {} carries {name:?}, which embodia does not record",
                        channel.topic
                    ))
                })?)
            }
            other => {
                return Err(format(format!(
                    "topic {} is encoded as {other:?}; embodia records cdr and json",
                    channel.topic
                )));
            }
        };
        entries.push(Entry {
            t_ns: i64::try_from(message.log_time).unwrap_or(i64::MAX),
            topic: channel.topic.clone(),
            encoding,
            data: message.data.into_owned(),
        });
    }
    // A complete file ends with the footer and magic; a cut-off one may end between chunks
    // without any reader error, so check the end as well.
    if cut_off.is_none() && mcap::read::footer(bytes).is_err() {
        cut_off = Some("the file ends before its summary (the writer did not finish)".into());
    }
    Ok(Recording {
        meta,
        entries,
        cut_off,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use embodia_ros::Message;
    use embodia_ros::msg::geometry_msgs::Twist;

    use super::*;
    use crate::recording::meta::{FORMAT, RecordingMeta};
    use crate::recording::writer::{FLUSH_EVERY_NS, McapSink, Sink};

    fn meta() -> RecordingMeta {
        RecordingMeta {
            format: FORMAT,
            embodia_version: "test".into(),
            world_name: "w".into(),
            world_file: "w.yaml".into(),
            world_yaml: String::new(),
            seed: 1,
            tasks: vec!["t".into()],
            timeout_s: 60.0,
            settle_s: 1.0,
            params: BTreeMap::new(),
            planner_args: vec![],
            memory: "off".into(),
            known_objects: vec![],
            live_bus: false,
        }
    }

    /// 60 simulated seconds of 20 Hz commands, each distinct, with a tick channel beside.
    fn entries() -> Vec<Entry> {
        let mut out = Vec::new();
        for i in 0..1200i64 {
            let t_ns = i * 50_000_000;
            let twist = Twist::planar(i as f64 * 1e-3, -(i as f64) * 1e-4);
            out.push(Entry {
                t_ns,
                topic: "/cmd_vel".into(),
                encoding: Encoding::Cdr(Twist::TYPE_NAME),
                data: embodia_ros::cdr::encode(&twist).unwrap(),
            });
            out.push(Entry {
                t_ns,
                topic: "/embodia/tick".into(),
                encoding: Encoding::Json,
                data: format!("{{\"t_ns\":{t_ns}}}").into_bytes(),
            });
        }
        out
    }

    fn write(path: &Path, entries: &[Entry]) -> McapSink {
        let mut sink = McapSink::create(path, &meta()).unwrap();
        for e in entries {
            sink.put(e.clone()).unwrap();
        }
        sink
    }

    #[test]
    fn a_finished_recording_reads_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.mcap");
        let all = entries();
        write(&path, &all).finish().unwrap();
        let r = read(&path).unwrap();
        assert_eq!(r.meta, meta());
        assert_eq!(r.cut_off, None);
        assert_eq!(r.entries, all);
    }

    #[test]
    fn a_killed_writer_loses_at_most_the_flush_interval() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("killed.mcap");
        let all = entries();
        // As kill -9 would: no finish, no drop, nothing more written.
        std::mem::forget(write(&path, &all));
        let r = read(&path).unwrap();
        assert!(
            r.cut_off.is_some(),
            "an unfinished file is reported as cut off"
        );
        assert_eq!(
            r.entries[..],
            all[..r.entries.len()],
            "what is read is exact"
        );
        let last = r.entries.last().expect("something survives").t_ns;
        let end = all.last().unwrap().t_ns;
        assert!(
            end - last <= FLUSH_EVERY_NS,
            "lost {} s of a 60 s run",
            (end - last) as f64 / 1e9
        );
    }

    #[test]
    fn a_truncated_recording_reads_up_to_its_last_complete_chunk() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.mcap");
        let all = entries();
        write(&path, &all).finish().unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let mut previous = 0;
        for fraction in [0.3, 0.6, 0.9] {
            let cut = (bytes.len() as f64 * fraction) as usize;
            let r = read_bytes(&path, &bytes[..cut]).unwrap();
            assert!(r.cut_off.is_some());
            assert!(!r.entries.is_empty(), "cut at {cut} of {}", bytes.len());
            assert_eq!(r.entries[..], all[..r.entries.len()]);
            assert!(
                r.entries.len() >= previous,
                "a longer file never reads less"
            );
            previous = r.entries.len();
        }
    }

    #[test]
    fn files_that_are_not_recordings_are_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("not.mcap");
        std::fs::write(&path, b"hello, this is not MCAP").unwrap();
        let e = read(&path).unwrap_err().to_string();
        assert!(e.contains("not.mcap") && e.contains("not an MCAP"), "{e}");
        let e = read(&dir.path().join("missing.mcap"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing.mcap"), "{e}");
    }
}
