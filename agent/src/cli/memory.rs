//! `embodia memory`: look into a memory file.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use embodia_memory::{EMBEDDING_DIM, Embedder, MemoryStore, Query};
use serde_json::json;

/// `embodia memory ...`
#[derive(Debug, Args)]
pub struct MemoryArgs {
    #[command(subcommand)]
    command: MemoryCommand,
}

#[derive(Debug, Subcommand)]
enum MemoryCommand {
    /// Memories most like a text, narrowed by place, class, time and distance.
    Query(QueryArgs),
    /// How much a memory file holds.
    Stats {
        /// The memory file.
        #[arg(long)]
        db: PathBuf,
    },
    /// The places named while running ("remember this place as ..."), as JSON.
    Places {
        /// The memory file.
        #[arg(long)]
        db: PathBuf,
    },
}

#[derive(Debug, Args)]
struct QueryArgs {
    /// The memory file (made by `embodia run --memory PATH`).
    #[arg(long)]
    db: PathBuf,
    /// What to look for, in words; leave out to list by recency (or distance with --near).
    text: Option<String>,
    /// Only memories within --radius of this point: X,Y in metres.
    #[arg(long, value_name = "X,Y", allow_hyphen_values = true)]
    near: Option<String>,
    /// Radius for --near, metres.
    #[arg(long, default_value_t = 2.0)]
    radius: f64,
    /// Only memories from this long before the newest one: e.g. 60s, 5m, 2h.
    #[arg(long)]
    since: Option<String>,
    /// Only memories in this place.
    #[arg(long)]
    place: Option<String>,
    /// Only memories of objects of this class.
    #[arg(long)]
    class: Option<String>,
    /// Most results.
    #[arg(short, long, default_value_t = 10)]
    k: usize,
}

fn open_existing(db: &Path) -> anyhow::Result<MemoryStore> {
    if !db.exists() {
        bail!(
            "{}: no such memory file. Fix: give the path used with `embodia run --memory`",
            db.display()
        );
    }
    Ok(MemoryStore::open(
        db,
        EMBEDDING_DIM,
        embodia_memory::memory::DEFAULT_CAPACITY,
    )?)
}

/// `60s`, `5m`, `2h`, or plain seconds, as nanoseconds.
fn parse_duration(text: &str) -> anyhow::Result<i64> {
    let t = text.trim();
    let (num, scale) = match t.char_indices().last() {
        Some((i, 's')) => (&t[..i], 1.0),
        Some((i, 'm')) => (&t[..i], 60.0),
        Some((i, 'h')) => (&t[..i], 3600.0),
        _ => (t, 1.0),
    };
    match num.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok((v * scale * 1e9) as i64),
        _ => bail!("--since {text:?} is not a duration; write e.g. 60s, 5m or 2h"),
    }
}

fn parse_point(text: &str) -> anyhow::Result<(f64, f64)> {
    let v: Vec<Option<f64>> = text
        .split(',')
        .map(|p| p.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
        .collect();
    match v.as_slice() {
        [Some(x), Some(y)] => Ok((*x, *y)),
        _ => bail!("--near {text:?} is not X,Y; write e.g. --near 2.5,6.0"),
    }
}

/// Runs the subcommand.
pub fn run(args: MemoryArgs) -> anyhow::Result<()> {
    match args.command {
        MemoryCommand::Stats { db } => {
            let store = open_existing(&db)?;
            let mut stats = serde_json::to_value(store.stats())?;
            stats["named_places"] = json!(store.named_places()?.len());
            println!("{}", serde_json::to_string_pretty(&stats)?);
        }
        MemoryCommand::Places { db } => {
            let store = open_existing(&db)?;
            println!("{}", serde_json::to_string_pretty(&store.named_places()?)?);
        }
        MemoryCommand::Query(q) => {
            anyhow::ensure!(
                q.radius.is_finite() && q.radius > 0.0,
                "--radius {} must be a positive number of metres",
                q.radius
            );
            let store = open_existing(&q.db)?;
            let newest = store.stats().newest_ns.unwrap_or(0);
            let query = Query {
                k: q.k.max(1),
                near: q
                    .near
                    .as_deref()
                    .map(parse_point)
                    .transpose()?
                    .map(|(x, y)| (x, y, q.radius)),
                since_ns: q
                    .since
                    .as_deref()
                    .map(parse_duration)
                    .transpose()?
                    .map(|d| newest - d),
                until_ns: None,
                place: q.place,
                class: q.class,
                objects_only: false,
            };
            let vector = match &q.text {
                Some(t) => Some(
                    Embedder::fetch_default()
                        .context("loading the embedding model")?
                        .embed_one(t)?,
                ),
                None => None,
            };
            let hits = store.search(&query, vector.as_deref());
            let rows: Vec<serde_json::Value> = hits
                .iter()
                .map(|h| {
                    json!({
                        "id": h.entry.id,
                        "text": h.entry.text,
                        "score": h.score,
                        "distance_m": h.distance,
                        "place": h.entry.place,
                        "object": h.entry.object_name,
                        "class": h.entry.object_class,
                        "position": h.entry.location(),
                        "count": h.entry.count,
                        "seen_s_before_newest": (newest - h.entry.time_ns) as f64 * 1e-9,
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&rows)?);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_points_parse_or_say_how() {
        assert_eq!(parse_duration("60s").unwrap(), 60_000_000_000);
        assert_eq!(parse_duration("5m").unwrap(), 300_000_000_000);
        assert_eq!(parse_duration("2").unwrap(), 2_000_000_000);
        assert!(
            parse_duration("soon")
                .unwrap_err()
                .to_string()
                .contains("e.g. 60s")
        );
        assert_eq!(parse_point("2.5, -1").unwrap(), (2.5, -1.0));
        assert!(parse_point("2.5").unwrap_err().to_string().contains("X,Y"));
    }
}
