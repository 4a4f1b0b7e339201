//! Where recorded messages go: an MCAP file ([`McapSink`]) during a run, a list in memory
//! ([`VecSink`]) during a replay, behind one [`Sink`] trait so the recorder is the same code in
//! both and its output can be compared byte for byte.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use super::RecordingError;
use super::feed::EntryFeed;
use super::meta::{METADATA_NAME, RecordingMeta};

/// The chunk size the writer aims for: large enough for zstd to do well, small enough that a
/// killed process loses little.
pub const CHUNK_BYTES: u64 = 256 * 1024;

/// Simulated time after which the current chunk is closed and written out whatever its size:
/// the most a process killed mid-run can lose.
pub const FLUSH_EVERY_NS: i64 = 2_000_000_000;

/// How a message's bytes are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// ROS 2 CDR of this type (`sensor_msgs/msg/LaserScan`).
    Cdr(&'static str),
    /// A JSON object.
    Json,
}

/// One recorded message.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Simulated time, ns.
    pub t_ns: i64,
    /// Topic or channel.
    pub topic: String,
    /// How `data` is encoded.
    pub encoding: Encoding,
    /// The bytes.
    pub data: Vec<u8>,
}

/// Receives recorded messages in order.
pub trait Sink {
    /// Stores one message.
    fn put(&mut self, entry: Entry) -> Result<(), RecordingError>;
}

/// Keeps messages in memory (replay's side of the comparison).
#[derive(Debug, Default)]
pub struct VecSink {
    /// What was put, in order.
    pub entries: Vec<Entry>,
}

impl Sink for VecSink {
    fn put(&mut self, entry: Entry) -> Result<(), RecordingError> {
        self.entries.push(entry);
        Ok(())
    }
}

/// A file, a list in memory, feeds to other threads (live view, console), or any of them;
/// counts what it was given per topic.
pub struct TeeSink {
    file: Option<McapSink>,
    kept: Option<VecSink>,
    feeds: Vec<EntryFeed>,
    counts: BTreeMap<String, u64>,
}

impl TeeSink {
    /// Writes to `file` if given, keeps entries in memory if `keep`.
    pub fn new(file: Option<McapSink>, keep: bool) -> Self {
        Self {
            file,
            kept: keep.then(VecSink::default),
            feeds: Vec::new(),
            counts: BTreeMap::new(),
        }
    }

    /// Also hands every entry to `feeds` (without waiting: see [`EntryFeed`]).
    pub fn with_feeds(mut self, feeds: Vec<EntryFeed>) -> Self {
        self.feeds = feeds;
        self
    }

    /// Messages per topic so far.
    pub fn counts(&self) -> &BTreeMap<String, u64> {
        &self.counts
    }

    /// The file (to finish) and the kept entries.
    pub fn into_parts(self) -> (Option<McapSink>, Option<VecSink>) {
        (self.file, self.kept)
    }
}

impl Sink for TeeSink {
    fn put(&mut self, entry: Entry) -> Result<(), RecordingError> {
        *self.counts.entry(entry.topic.clone()).or_insert(0) += 1;
        for feed in &self.feeds {
            feed.send(entry.clone());
        }
        if let Some(k) = self.kept.as_mut() {
            k.put(entry.clone())?;
        }
        if let Some(f) = self.file.as_mut() {
            f.put(entry)?;
        }
        Ok(())
    }
}

/// Writes an MCAP file: chunked, zstd, one channel per topic, `ros2msg` schemas for CDR
/// channels and a permissive JSON schema for the decision channels.
pub struct McapSink {
    writer: mcap::Writer<BufWriter<File>>,
    path: PathBuf,
    channels: HashMap<String, u16>,
    json_schema: Option<u16>,
    sequence: u32,
    flushed_at_ns: i64,
}

impl McapSink {
    /// Creates `path` and writes the run's metadata first.
    pub fn create(path: &Path, meta: &RecordingMeta) -> Result<Self, RecordingError> {
        let mcap_err = |source| RecordingError::Mcap {
            path: path.to_owned(),
            source,
        };
        let file = File::create(path).map_err(|source| RecordingError::Io {
            path: path.to_owned(),
            source,
        })?;
        // No `ros2` profile: that profile allows only CDR channels, and the decision channels
        // are JSON. Readers decode by each channel's own encoding and schema either way.
        let mut writer = mcap::WriteOptions::new()
            .library(format!("embodia {}", env!("CARGO_PKG_VERSION")))
            .compression(Some(mcap::Compression::Zstd))
            .chunk_size(Some(CHUNK_BYTES))
            .create(BufWriter::new(file))
            .map_err(mcap_err)?;
        writer
            .write_metadata(&mcap::records::Metadata {
                name: METADATA_NAME.to_owned(),
                metadata: meta.to_map(),
            })
            .map_err(mcap_err)?;
        writer.flush().map_err(mcap_err)?;
        Ok(Self {
            writer,
            path: path.to_owned(),
            channels: HashMap::new(),
            json_schema: None,
            sequence: 0,
            flushed_at_ns: 0,
        })
    }

    fn err(&self, source: mcap::McapError) -> RecordingError {
        RecordingError::Mcap {
            path: self.path.clone(),
            source,
        }
    }

    fn channel(&mut self, topic: &str, encoding: Encoding) -> Result<u16, RecordingError> {
        if let Some(&id) = self.channels.get(topic) {
            return Ok(id);
        }
        let (schema, message_encoding) = match encoding {
            Encoding::Cdr(type_name) => {
                let text = embodia_ros::schema::ros2msg(type_name).ok_or_else(|| {
                    RecordingError::Format {
                        path: self.path.clone(),
                        problem: format!("no ros2msg definition for {type_name} on {topic}"),
                    }
                })?;
                let id = self
                    .writer
                    .add_schema(type_name, "ros2msg", text.as_bytes())
                    .map_err(|e| self.err(e))?;
                (id, "cdr")
            }
            Encoding::Json => {
                let id = match self.json_schema {
                    Some(id) => id,
                    None => {
                        let id = self
                            .writer
                            .add_schema("embodia/Event", "jsonschema", br#"{"type":"object"}"#)
                            .map_err(|e| self.err(e))?;
                        self.json_schema = Some(id);
                        id
                    }
                };
                (id, "json")
            }
        };
        let id = self
            .writer
            .add_channel(schema, topic, message_encoding, &BTreeMap::new())
            .map_err(|e| self.err(e))?;
        self.channels.insert(topic.to_owned(), id);
        Ok(id)
    }

    /// Writes the summary and index and closes the file.
    pub fn finish(mut self) -> Result<(), RecordingError> {
        self.writer.finish().map_err(|e| self.err(e))?;
        Ok(())
    }
}

impl Sink for McapSink {
    fn put(&mut self, entry: Entry) -> Result<(), RecordingError> {
        let channel_id = self.channel(&entry.topic, entry.encoding)?;
        let t = entry.t_ns.max(0) as u64;
        self.sequence = self.sequence.wrapping_add(1);
        self.writer
            .write_to_known_channel(
                &mcap::records::MessageHeader {
                    channel_id,
                    sequence: self.sequence,
                    log_time: t,
                    publish_time: t,
                },
                &entry.data,
            )
            .map_err(|e| self.err(e))?;
        if entry.t_ns - self.flushed_at_ns >= FLUSH_EVERY_NS {
            // Closes the chunk and hands it to the OS: a kill from here on loses only newer data.
            self.writer.flush().map_err(|e| self.err(e))?;
            self.flushed_at_ns = entry.t_ns;
        }
        Ok(())
    }
}
