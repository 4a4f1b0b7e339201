//! Recognising a described thing on sight: how well a seen object (its label and class) fits
//! what a person said ("the thing they weigh babies on", "the flebotomy chair"). The planner
//! grounds what it can to names before the robot moves; what nobody can name before seeing it
//! is matched here, while the search runs, by MiniLM similarity between the description and
//! the object's label read with what such things are for (from the shipped knowledge), and by
//! spelling for slips in short names. Handed to the skills through [`Resemblance`].

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use embodia_actuation::skills::Resemblance;

use crate::grounding::{Semantic, cosine};
use crate::knowledge::Knowledge;
use crate::text::edit_distance;

/// Spelling counts only for descriptions this short (a name with a slip, not a sentence).
const SPELLING_WORDS: usize = 4;
/// Spelling similarity below this is no evidence (most short names share a few letters).
const SPELLING_FLOOR: f32 = 0.7;
/// A uses list read with a label is cut to this many uses.
const USES_READ: usize = 3;
/// Scores kept; past it the cache starts over (labels are untrusted and may be endless).
const SCORES_KEPT: usize = 4096;

type Key = (String, String, String);

/// Description-to-object scores from the sentence embedder, kept once worked out. Scores
/// asked for without waiting are worked out in order on one worker thread (started on first
/// use), so a burst of new labels never becomes a burst of threads beside the control loop.
#[derive(Clone)]
pub struct EmbeddingResemblance {
    semantic: Arc<Semantic>,
    knowledge: &'static Knowledge,
    scores: Arc<Mutex<HashMap<Key, f32>>>,
    pending: Arc<Mutex<HashSet<Key>>>,
    worker: Arc<Mutex<Option<std::sync::mpsc::Sender<Key>>>>,
}

impl std::fmt::Debug for EmbeddingResemblance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddingResemblance")
            .finish_non_exhaustive()
    }
}

impl EmbeddingResemblance {
    /// A scorer over `semantic`'s embedder, reading labels with `knowledge`.
    pub fn new(semantic: Arc<Semantic>, knowledge: &'static Knowledge) -> Self {
        Self {
            semantic,
            knowledge,
            scores: Arc::default(),
            pending: Arc::default(),
            worker: Arc::default(),
        }
    }

    /// The score, worked out now.
    pub fn score_now(&self, description: &str, name: &str, class: &str) -> f32 {
        let key = key(description, name, class);
        if let Some(s) = lock(&self.scores).get(&key) {
            return *s;
        }
        let s = self.compute(&key);
        keep(&self.scores, key, s);
        s
    }

    fn compute(&self, (description, name, class): &Key) -> f32 {
        let label = read_label(self.knowledge, name, class);
        // One text per pass: the same vectors whichever other texts happen to be cached.
        let meaning = match (
            self.semantic.embed_one(description),
            self.semantic.embed_one(&label),
        ) {
            (Ok(d), Ok(l)) => cosine(&d, &l).clamp(0.0, 1.0),
            (Err(e), _) | (_, Err(e)) => {
                tracing::warn!(error = %e, "could not embed a description; matching it by spelling only");
                0.0
            }
        };
        meaning.max(spelling(description, name))
    }
}

impl Resemblance for EmbeddingResemblance {
    fn score(&self, description: &str, name: &str, class: &str, wait: bool) -> Option<f32> {
        if wait {
            return Some(self.score_now(description, name, class));
        }
        let key = key(description, name, class);
        if let Some(s) = lock(&self.scores).get(&key) {
            return Some(*s);
        }
        let fresh = lock(&self.pending).insert(key.clone());
        if fresh && !self.queue(key.clone()) {
            lock(&self.pending).remove(&key);
        }
        None
    }
}

impl EmbeddingResemblance {
    /// Hands `key` to the worker thread, starting it if need be; false if it cannot run.
    fn queue(&self, key: Key) -> bool {
        let mut worker = lock(&self.worker);
        if let Some(tx) = worker.as_ref()
            && tx.send(key.clone()).is_ok()
        {
            return true;
        }
        let (tx, rx) = std::sync::mpsc::channel::<Key>();
        // The worker holds the scores, not the sender: it ends when every scorer is gone.
        let scores = self.scores.clone();
        let pending = self.pending.clone();
        let this = Self {
            worker: Arc::default(),
            ..self.clone()
        };
        let spawned = std::thread::Builder::new()
            .name("resemblance".into())
            .spawn(move || {
                for key in rx {
                    // A failure scores 0 rather than leaving the key pending for good.
                    let s = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        this.compute(&key)
                    }))
                    .unwrap_or(0.0);
                    keep(&scores, key.clone(), s);
                    lock(&pending).remove(&key);
                }
            });
        match spawned {
            Ok(_) => {
                let sent = tx.send(key).is_ok();
                *worker = Some(tx);
                sent
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not start scoring descriptions");
                false
            }
        }
    }
}

fn keep(scores: &Mutex<HashMap<Key, f32>>, key: Key, score: f32) {
    let mut scores = lock(scores);
    if scores.len() >= SCORES_KEPT {
        scores.clear();
    }
    scores.insert(key, score);
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn key(description: &str, name: &str, class: &str) -> Key {
    (
        description.trim().to_lowercase(),
        name.trim().to_lowercase(),
        class.trim().to_lowercase(),
    )
}

/// A label as a sentence the embedder can compare with a description: its name, its class,
/// and what such things are for when the knowledge knows the class, the name or its head
/// noun ("infant scale, a scale for weigh, weigh a parcel, weigh myself").
pub fn read_label(knowledge: &Knowledge, name: &str, class: &str) -> String {
    let head = name.split_whitespace().last().unwrap_or("");
    let kind = [class, name, head]
        .iter()
        .find_map(|n| knowledge.kinds_called(n).into_iter().next());
    let uses = kind
        .map(|k| {
            k.uses
                .iter()
                .take(USES_READ)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    match (
        class.trim().is_empty() || class.eq_ignore_ascii_case(name),
        uses.is_empty(),
    ) {
        (true, true) => name.to_owned(),
        (true, false) => format!("{name}, for {uses}"),
        (false, true) => format!("{name}, a {class}"),
        (false, false) => format!("{name}, a {class} for {uses}"),
    }
}

/// How close a short description is to a name letter by letter (a slip: "yelow bx" for
/// "yellow box"); 0 for sentences and for names that only share some letters.
pub fn spelling(description: &str, name: &str) -> f32 {
    let d = description.trim().to_lowercase();
    let n = name.trim().to_lowercase();
    if d.split_whitespace().count() > SPELLING_WORDS || d.is_empty() || n.is_empty() {
        return 0.0;
    }
    let longest = d.chars().count().max(n.chars().count()) as f32;
    let s = 1.0 - edit_distance(&d, &n) as f32 / longest;
    if s >= SPELLING_FLOOR { s } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_read_with_what_such_things_are_for() {
        let k = Knowledge::shipped();
        let r = read_label(k, "infant scale", "scale");
        assert!(r.starts_with("infant scale, a scale for weigh"), "{r}");
        assert_eq!(
            read_label(k, "puppet theater", "puppet theater"),
            "puppet theater"
        );
        assert_eq!(read_label(k, "zorblat", "gizmo"), "zorblat, a gizmo");
    }

    #[test]
    fn slips_in_short_names_count_and_sentences_do_not() {
        assert!(spelling("yelow bx", "yellow box") >= 0.8);
        assert!(spelling("flebotomy chair", "phlebotomy chair") >= 0.85);
        assert_eq!(spelling("blue box", "yellow box"), 0.0);
        assert_eq!(
            spelling("the thing they weigh the babies on", "infant scale"),
            0.0
        );
    }
}
