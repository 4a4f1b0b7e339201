//! General knowledge of places and things, shipped as data (`data/knowledge.yaml` for homes
//! and everyday buildings, `data/trades.yaml` for the rooms and equipment of many trades): what
//! kinds of rooms are for and what stands in them, what kinds of objects are called and used
//! for. It is general on purpose — no world's own places or objects — and is what lets a
//! robot that has not yet seen a room's objects connect "I'm thirsty" to its kitchen.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::text::words;

/// The shipped files, by name.
const SOURCES: &[(&str, &str)] = &[
    (
        "planner/data/knowledge.yaml",
        include_str!("../data/knowledge.yaml"),
    ),
    (
        "planner/data/trades.yaml",
        include_str!("../data/trades.yaml"),
    ),
];

/// A kind of room or area.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoomKind {
    /// Its usual name.
    pub name: String,
    /// Other names of the same kind of place.
    #[serde(default)]
    pub also: Vec<String>,
    /// What people do there, as they would say it.
    #[serde(default, rename = "for")]
    pub activities: Vec<String>,
    /// States a person is in that the place serves ("thirsty").
    #[serde(default)]
    pub needs: Vec<String>,
    /// Object classes usually found there.
    #[serde(default)]
    pub has: Vec<String>,
}

impl RoomKind {
    /// Its name and other names.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.also.iter().map(String::as_str))
    }
}

/// A kind of object.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectKind {
    /// Its usual class name (what a detector would say).
    pub class: String,
    /// Other names of the same kind of thing, and narrower kinds people call it by.
    #[serde(default)]
    pub also: Vec<String>,
    /// What it is used for.
    #[serde(default, rename = "for")]
    pub uses: Vec<String>,
    /// Broader kinds it belongs to ("furniture", "container").
    #[serde(default)]
    pub is: Vec<String>,
}

impl ObjectKind {
    /// Its class and other names.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.class.as_str()).chain(self.also.iter().map(String::as_str))
    }
}

/// The knowledge base.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Knowledge {
    /// Kinds of rooms and areas.
    pub rooms: Vec<RoomKind>,
    /// Kinds of objects.
    pub objects: Vec<ObjectKind>,
}

/// Why the knowledge file is unusable (only a broken build can see this: the file is
/// compiled in and checked by a test).
#[derive(Debug, thiserror::Error)]
#[error("{file}: {what}. Fix: correct the entry")]
pub struct KnowledgeError {
    file: String,
    what: String,
}

impl Knowledge {
    /// Parses and checks knowledge YAML (`file` names it in errors).
    pub fn parse(file: &str, text: &str) -> Result<Self, KnowledgeError> {
        let err = |what: String| KnowledgeError {
            file: file.to_owned(),
            what,
        };
        let k: Knowledge = serde_yaml::from_str(text).map_err(|e| err(e.to_string()))?;
        for r in &k.rooms {
            if r.name.trim().is_empty() || r.names().any(|n| words(n).is_empty()) {
                return Err(err(format!("room {:?} has an empty name", r.name)));
            }
        }
        for o in &k.objects {
            if o.names().any(|n| words(n).is_empty()) {
                return Err(err(format!("object {:?} has an empty name", o.class)));
            }
        }
        Ok(k)
    }

    /// The shipped knowledge.
    pub fn shipped() -> &'static Knowledge {
        static K: OnceLock<Knowledge> = OnceLock::new();
        K.get_or_init(|| {
            Knowledge::merged(SOURCES).expect("the shipped knowledge files are checked by a test")
        })
    }

    /// Several files as one; a room or object kind whose own name is in two of them is
    /// refused (its knowledge would be split). Other names may be shared: "staff room" is a
    /// kind of its own in the trades file and another name of a break room at home.
    fn merged(files: &[(&str, &str)]) -> Result<Knowledge, KnowledgeError> {
        let mut all = Knowledge {
            rooms: Vec::new(),
            objects: Vec::new(),
        };
        for (file, text) in files {
            let k = Knowledge::parse(file, text)?;
            let twice = k
                .rooms
                .iter()
                .map(|r| &r.name)
                .find(|n| all.rooms.iter().any(|r| r.name.eq_ignore_ascii_case(n)))
                .or_else(|| {
                    k.objects
                        .iter()
                        .map(|o| &o.class)
                        .find(|c| all.objects.iter().any(|o| o.class.eq_ignore_ascii_case(c)))
                });
            if let Some(n) = twice {
                return Err(KnowledgeError {
                    file: (*file).to_owned(),
                    what: format!("{n:?} is already a kind in an earlier file"),
                });
            }
            all.rooms.extend(k.rooms);
            all.objects.extend(k.objects);
        }
        Ok(all)
    }

    /// Every phrase the knowledge holds, each once, in a fixed order: what the grounder
    /// embeds.
    pub fn phrases(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for r in &self.rooms {
            for p in r
                .names()
                .chain(r.activities.iter().map(String::as_str))
                .chain(r.needs.iter().map(String::as_str))
            {
                if seen.insert(p) {
                    out.push(p);
                }
            }
        }
        for o in &self.objects {
            for p in o
                .names()
                .chain(o.uses.iter().map(String::as_str))
                .chain(o.is.iter().map(String::as_str))
            {
                if seen.insert(p) {
                    out.push(p);
                }
            }
        }
        out
    }

    /// Whether `word` occurs in any phrase of the knowledge: short real words the embedding
    /// model's vocabulary lacks ("loo") are words all the same, never typing slips.
    pub fn has_word(&self, word: &str) -> bool {
        static WORDS: OnceLock<std::collections::HashSet<String>> = OnceLock::new();
        let set = if std::ptr::eq(self, Knowledge::shipped()) {
            WORDS.get_or_init(|| self.word_set())
        } else {
            return self.word_set().contains(word);
        };
        set.contains(word)
    }

    fn word_set(&self) -> std::collections::HashSet<String> {
        self.phrases()
            .iter()
            .flat_map(|p| p.split(|c: char| !c.is_alphanumeric() && c != '\''))
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    }

    /// The object kinds whose class or other names include `name` (case ignored).
    pub fn kinds_called(&self, name: &str) -> Vec<&ObjectKind> {
        let n = name.trim().to_lowercase();
        self.objects
            .iter()
            .filter(|o| o.names().any(|x| x == n))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_knowledge_parses_and_covers_common_rooms_and_things() {
        let k = Knowledge::merged(SOURCES).unwrap();
        assert!(k.rooms.len() >= 400 && k.objects.len() >= 400);
        for room in [
            "kitchen",
            "bathroom",
            "bedroom",
            "meeting room",
            "loading dock",
        ] {
            assert!(k.rooms.iter().any(|r| r.name == room), "{room}");
        }
        assert!(!k.kinds_called("couch").is_empty());
        assert!(k.phrases().contains(&"wash my hands"));
        assert!(Knowledge::shipped().has_word("loo"), "a word of a phrase");
        assert!(!Knowledge::shipped().has_word("lok"), "not a slip of one");
    }

    #[test]
    fn broken_knowledge_is_refused_with_the_file_named() {
        let e = Knowledge::parse("k.yaml", "rooms: []\nobjects: [{class: cup, colour: red}]")
            .unwrap_err();
        assert!(e.to_string().contains("k.yaml"), "{e}");
        let e = Knowledge::parse("k.yaml", "rooms: [{name: ' '}]\nobjects: []").unwrap_err();
        assert!(e.to_string().contains("empty name"), "{e}");
        let e = Knowledge::merged(&[
            ("a.yaml", "rooms: [{name: kitchen}]\nobjects: []"),
            ("b.yaml", "rooms: [{name: Kitchen}]\nobjects: []"),
        ])
        .unwrap_err();
        assert!(e.to_string().starts_with("b.yaml: \"Kitchen\""), "{e}");
    }
}
