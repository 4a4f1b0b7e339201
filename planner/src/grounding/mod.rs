//! Grounding: what a phrase of a task refers to, among the places on the map, the objects the
//! robot has seen (now or in memory), and the kinds of things it could search for — each with
//! a score in 0..1 and how it was found.
//!
//! Two kinds of evidence are combined, and the stronger wins: spelling (words compared after
//! stemming, with one or two typing slips tolerated by length, names typed without spaces)
//! and meaning (MiniLM sentence similarity to names and to the general knowledge of
//! [`crate::knowledge`], which says what kinds of rooms are for and what objects are used
//! for). A phrase that nothing scores well for is reported with the closest known names,
//! never guessed into a search.

pub mod doors;
mod region;
pub mod semantic;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::knowledge::{Knowledge, ObjectKind, RoomKind};
use crate::request::{KnownObject, KnownPlace, MemoryHandle, WorldSummary};
use crate::text::{
    AnyWord, Lexicon, number_at, phrase_similarity_in, stem, word_similarity_in, words,
};
pub use doors::{Door, doors_of};
pub use region::{Qualifier, Side, point_in, point_outside};
pub use semantic::{Semantic, cosine};

/// What a phrase was taken to mean.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Meaning {
    /// A place on the map, by its name.
    Place(String),
    /// An object the robot has seen, by its name.
    Object(String),
    /// Kinds of things to search for, none seen yet: the names that are exactly what was
    /// said (a detector may use any of them), and the names to settle for when a whole search
    /// finds none of those (the kind without the words said with it: "cart" for "red cart").
    Kinds(Vec<String>, Vec<String>),
}

/// How a meaning was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    /// The name or an alias, spelt right or with slips.
    Name,
    /// Part of the name ("the mug" for "white coffee mug"), or its class.
    Partial,
    /// Another name of the same kind ("couch" for a sofa, "restroom" for a bathroom).
    Synonym,
    /// What the place or thing is for ("where I can wash my hands").
    Purpose,
    /// What is (known or usually) in the place ("the room with the bed").
    Contents,
    /// Sentence similarity alone.
    Similar,
    /// The vector memory's similarity of what it saw.
    Memory,
    /// A word the language model knows, not seen and not in the knowledge base.
    Word,
}

/// One candidate meaning.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    /// The meaning.
    pub meaning: Meaning,
    /// 0..1.
    pub score: f32,
    /// The evidence.
    pub how: How,
}

/// Scores at or above this are taken without asking anyone.
pub const CONFIDENT: f32 = 0.8;
/// Scores below this are not a meaning at all.
pub const PLAUSIBLE: f32 = 0.55;
/// A place's name must fit a purpose at least this well (MiniLM cosine) to stand out.
const STANDOUT_COS: f32 = 0.4;
/// ... and this much better than the next place's.
const STANDOUT_MARGIN: f32 = 0.08;

/// Words that carry no reference of their own.
const DETERMINERS: &[&str] = &[
    "all", "every", "each", "both", "the", "a", "an", "my", "our", "your", "his", "her", "their",
    "its", "some", "any", "this", "that", "these", "those", "one", "ones", "of", "us", "me",
    "please", "thanks", "again", "there", "here", "now", "just", "yeah", "ok", "okay",
];

/// Words of a place name that a person may leave out ("the laundry" for "laundry room").
const GENERIC: &[&str] = &[
    "room", "area", "space", "zone", "section", "place", "spot", "bay",
];

/// Words of a purpose that say little ("where I can", "somewhere to").
const PURPOSE_FILLER: &[&str] = &[
    "i",
    "i'm",
    "im",
    "me",
    "my",
    "we",
    "you",
    "to",
    "can",
    "could",
    "where",
    "somewhere",
    "something",
    "some",
    "someplace",
    "place",
    "a",
    "an",
    "the",
    "go",
    "get",
    "am",
    "is",
    "are",
    "be",
    "want",
    "would",
    "like",
    "need",
    "let",
    "so",
    "that",
    "for",
    "with",
    "on",
    "in",
    "at",
    "it",
    "one",
    "thing",
    "stuff",
    "use",
    "used",
    "do",
    "have",
    "has",
    "really",
    "bit",
    "little",
    "very",
    "so",
    "too",
    "of",
    "from",
    "up",
    "and",
    "or",
    "just",
    "kind",
    "sort",
    "feel",
    "feeling",
    "getting",
    "bit",
    "quite",
    "pretty",
];

/// A phrase's words without determiners, number words as digits ("aisle two" -> "aisle 2").
pub fn content_words(phrase: &str) -> Vec<String> {
    let ws = words(phrase);
    let mut out = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        let w = &ws[i];
        if DETERMINERS.contains(&w.as_str()) {
            i += 1;
            continue;
        }
        match number_at(&ws, i) {
            Some((v, n)) if v.fract() == 0.0 && v >= 0.0 && !matches!(w.as_str(), "a" | "an") => {
                out.push(format!("{}", v as i64));
                i += n;
            }
            _ => {
                out.push(w.clone());
                i += 1;
            }
        }
    }
    out
}

fn without_generic(ws: &[String]) -> Vec<String> {
    ws.iter()
        .filter(|w| !GENERIC.contains(&w.as_str()))
        .cloned()
        .collect()
}

/// Whether typed words give a number and a place's name gives another: "gate 22" is not
/// "gate 15" however alike the rest (numbers are never typing slips of each other).
fn numbers_differ(typed: &[String], place: &KnownPlace) -> bool {
    let (said, _) = numbers_and_words(typed);
    if said.is_empty() {
        return false;
    }
    std::iter::once(&place.name)
        .chain(&place.aliases)
        .map(|n| numbers_and_words(&content_words(n)).0)
        .filter(|n| !n.is_empty())
        .all(|n| n != said)
        && !numbers_and_words(&content_words(&place.name)).0.is_empty()
}

/// What a description's head noun adds to a kind it names, in cosine.
const DESCRIBED_HEAD_BONUS: f32 = 0.1;
/// Least cosine (head bonus included) of a description to a kind it may say.
const DESCRIBED_COS: f32 = 0.5;

/// Words that start what a description says of its head noun ("the desk *the* newsreaders
/// sit behind", "a machine *that* sells crisps", "the frame *people* walk through").
const DESCRIPTION_RELATIVE: &[&str] = &[
    "that", "which", "who", "where", "you", "we", "they", "people", "i", "the", "a", "for", "to",
    "with", "when", "used", "in", "on", "at", "from", "by", "near", "under", "behind", "you'd",
    "we'd", "they'd", "someone", "everyone", "staff", "if", "and", "so",
];

impl Grounder {
    /// Whether a word names many kinds of thing, or a broader kind ("machine", "unit",
    /// "equipment"): a description's rest says which better than the word.
    pub fn is_broad_kind_word(&self, word: &str) -> bool {
        let w = stem(word);
        let heads = self
            .knowledge
            .objects
            .iter()
            .filter(|k| {
                k.names()
                    .filter_map(|n| n.split_whitespace().last())
                    .any(|n| stem(n) == w)
            })
            .count();
        heads >= BROAD_KINDS && BROAD_WORDS.contains(&w.as_str())
            || self.knowledge.objects.iter().any(|k| {
                k.is.iter()
                    .filter_map(|n| n.split_whitespace().last())
                    .any(|n| stem(n) == w)
            })
    }
}

/// Kinds of thing a word must end the names of to be broad.
const BROAD_KINDS: usize = 5;
/// Words that say no more than "a thing of some sort" when many kinds end in them; "chair",
/// "box" or "bag" say what the thing is, however many kinds end in them.
const BROAD_WORDS: &[&str] = &[
    "machine",
    "unit",
    "device",
    "thing",
    "gadget",
    "tool",
    "kit",
    "system",
    "station",
    "equipment",
    "appliance",
    "apparatus",
    "contraption",
    "frame",
];

/// A description's head noun (the last word before what it says of it, when that is no
/// word for "thing") and the rest: "long white desk the newsreaders sit behind" gives
/// ("desk", "the newsreaders sit behind").
pub fn description_head(description: &str) -> (Option<String>, String) {
    let ws: Vec<String> = words(description)
        .into_iter()
        .skip_while(|w| matches!(w.as_str(), "the" | "a" | "an" | "some" | "that" | "this"))
        .collect();
    let cut = ws
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, w)| DESCRIPTION_RELATIVE.contains(&w.as_str()))
        .map_or(ws.len(), |(i, _)| i);
    let head = ws[..cut]
        .last()
        .filter(|h| {
            !matches!(
                h.as_str(),
                "thing" | "things" | "something" | "stuff" | "one" | "object" | "item"
            )
        })
        .cloned();
    let rest = if cut < ws.len() {
        ws[cut..].join(" ")
    } else {
        ws.join(" ")
    };
    (head, rest)
}

/// Phrases a memo keeps before starting over.
const MEMO_KEPT: usize = 4096;

/// Results kept by what they were worked out from, shared by a grounder's clones.
type Memo<K, V> = Arc<Mutex<HashMap<K, V>>>;

/// A memo's map, even if another thread panicked holding it (a memo is never half-written:
/// entries are inserted whole).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Words said for a number by their sound ("bay too", "court for"), as the number; only as
/// the last word of a name, after another word.
const NUMBER_SOUNDS: &[(&str, &str)] = &[("too", "2"), ("fore", "4"), ("won", "1"), ("ate", "8")];

/// `typed` with its last word read as the number it sounds like, if it sounds like one.
fn number_sounded_last(typed: &[String]) -> Option<Vec<String>> {
    let (last, before) = typed.split_last()?;
    let (_, n) = NUMBER_SOUNDS.iter().find(|(w, _)| w == last)?;
    (!before.is_empty()).then(|| {
        let mut v = before.to_vec();
        v.push((*n).to_owned());
        v
    })
}

/// Content words split into the numbers among them and the other words, each in order.
pub fn numbers_and_words(words: &[String]) -> (Vec<String>, Vec<String>) {
    words
        .iter()
        .cloned()
        .partition(|w| w.chars().all(|c| c.is_ascii_digit()))
}

/// How well typed words name `name`, tolerating a left-out generic word.
fn name_score(typed: &[String], name: &str, lex: &dyn Lexicon) -> f32 {
    let known = content_words(name);
    let full = phrase_similarity_in(typed, &known, lex);
    let (t, k) = (without_generic(typed), without_generic(&known));
    let loose =
        if !k.is_empty() && !t.is_empty() && (t.len() != typed.len() || k.len() != known.len()) {
            phrase_similarity_in(&t, &k, lex) * 0.95
        } else {
            0.0
        };
    full.max(loose)
}

/// Stems of the words of a purpose that say something.
fn purpose_stems(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .filter(|w| !PURPOSE_FILLER.contains(&w.as_str()))
        .map(|w| stem(&w))
        .collect()
}

/// Overlap of two purposes' meaningful words (Dice coefficient over stems, slips tolerated).
fn purpose_overlap(a: &[String], b: &[String], lex: &dyn Lexicon) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    // "buy things" covers "buy a postcard": a general word for things in the knowledge
    // stands for whatever thing the person names that its other words do not explain.
    let general = |w: &str| matches!(w, "thing" | "stuff" | "item" | "object");
    let named_thing = a.iter().any(|y| {
        b.iter()
            .filter(|x| !general(x))
            .all(|x| word_similarity_in(y, x, lex) == 0.0)
    });
    let mut hit = 0.0;
    for x in b {
        if general(x) {
            if named_thing {
                hit += 1.0;
            }
            continue;
        }
        if let Some(s) = a
            .iter()
            .map(|y| word_similarity_in(y, x, lex))
            .max_by(|p, q| p.total_cmp(q))
        {
            hit += s;
        }
    }
    let dice = 2.0 * hit / (a.len() + b.len()) as f32;
    // Every word of a (short, specific) knowledge phrase said: "keep the spare stock" covers
    // "get stock".
    let covered = hit / b.len() as f32;
    if covered >= 0.99 && b.len() >= 2 {
        dice.max(0.85)
    } else {
        dice
    }
}

/// A long purpose is a situation told in a sentence ("Sam needs to get changed before the
/// shift, where he'd do that"): besides the whole, each of its parts is read alone, a little
/// less trusted, so that the part that names what is to be done is not drowned by the rest
/// (parts of two words or more, or one word of doing: an activity, not a lone noun).
fn purpose_readings(purpose: &str) -> Vec<(String, f32)> {
    const PART_WEIGHT: f32 = 0.85;
    const LONG: usize = 6;
    let mut out = vec![(purpose.to_owned(), 1.0)];
    if purpose.split_whitespace().count() < LONG {
        return out;
    }
    let mut parts: Vec<String> = vec![purpose.replace([',', ';', '.'], " | ")];
    for sep in [
        " and ",
        " before ",
        " after ",
        " because ",
        " while ",
        " so ",
        " then ",
        " for ",
        " but ",
        " into ",
        " with ",
        " off ",
    ] {
        parts = parts
            .iter()
            .flat_map(|p| p.split(sep).map(str::to_owned).collect::<Vec<_>>())
            .collect();
    }
    for part in parts.iter().flat_map(|p| p.split('|')) {
        let part = part.split_whitespace().collect::<Vec<_>>().join(" ");
        // What someone needs or is ready to do, without who ("mrs patel's ready to pay").
        let doing = [
            " needs to ",
            " need to ",
            " ready to ",
            " wants to ",
            " asking for ",
        ]
        .iter()
        .find_map(|m| part.split_once(m).map(|(_, r)| r.to_owned()))
        .unwrap_or_else(|| part.clone());
        // A part of one word says too little to stand for the whole ("flowers", "the lead"),
        // unless it is an activity ("loading", "served").
        let words = content_words(&doing);
        let activity = |w: &String| w.ends_with("ing") || w.ends_with("ed");
        if (words.len() < 2 && !words.iter().any(activity)) || doing == purpose {
            continue;
        }
        if !out.iter().any(|(r, _)| *r == doing) {
            out.push((doing, PART_WEIGHT));
        }
    }
    out
}

/// Sentence similarity mapped to a grounding score: unrelated phrases (cos < 0.45) score 0,
/// close paraphrases (cos >= 0.85) score 1.
fn similarity_score(cos: f32) -> f32 {
    ((cos - 0.45) / 0.40).clamp(0.0, 1.0)
}

/// Resolves phrases against a world, with general knowledge and (optionally) sentence
/// similarity.
#[derive(Clone)]
pub struct Grounder {
    knowledge: &'static Knowledge,
    semantic: Option<Arc<Semantic>>,
    /// The kinds of room each place's name says (by its name and aliases): the same for
    /// every task in a world, and the costliest comparison against a large knowledge base.
    kinds_of_place: Memo<String, Vec<(usize, f32)>>,
    /// The kinds of room a phrase says fully, by the phrase's words.
    kinds_said: Memo<Vec<String>, Vec<usize>>,
}

impl std::fmt::Debug for Grounder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grounder")
            .field("semantic", &self.semantic.is_some())
            .finish()
    }
}

impl Lexicon for Grounder {
    fn is_word(&self, word: &str) -> bool {
        self.knowledge.has_word(word)
            || self
                .semantic
                .as_ref()
                .is_some_and(|s| s.embedder().is_whole_word(word))
    }
    fn has_words(&self) -> bool {
        self.semantic.is_some()
    }
}

impl Default for Grounder {
    fn default() -> Self {
        Self::lexical()
    }
}

fn push_best(out: &mut Vec<Ranked>, r: Ranked) {
    if r.score <= 0.0 {
        return;
    }
    match out.iter_mut().find(|x| x.meaning == r.meaning) {
        Some(x) if x.score >= r.score => {}
        Some(x) => *x = r,
        None => out.push(r),
    }
}

fn sorted(mut v: Vec<Ranked>) -> Vec<Ranked> {
    v.sort_by(|a, b| b.score.total_cmp(&a.score));
    v
}

impl Grounder {
    /// Spelling and general knowledge only (no sentence model).
    pub fn lexical() -> Self {
        Self {
            knowledge: Knowledge::shipped(),
            semantic: None,
            kinds_of_place: Arc::default(),
            kinds_said: Arc::default(),
        }
    }

    /// With sentence similarity.
    pub fn with_semantic(semantic: Arc<Semantic>) -> Self {
        Self {
            knowledge: Knowledge::shipped(),
            semantic: Some(semantic),
            kinds_of_place: Arc::default(),
            kinds_said: Arc::default(),
        }
    }

    /// The sentence model, if any.
    pub fn semantic(&self) -> Option<&Arc<Semantic>> {
        self.semantic.as_ref()
    }

    /// The knowledge base.
    pub fn knowledge(&self) -> &'static Knowledge {
        self.knowledge
    }

    /// Cosine of two texts, when a sentence model is at hand (knowledge phrases come from
    /// the precomputed table).
    fn cos(&self, a: &str, b: &str) -> Option<f32> {
        let s = self.semantic.as_ref()?;
        let va = match s.known(a) {
            Some(v) => v.to_vec(),
            None => s.embed_one(a).ok()?.to_vec(),
        };
        let vb = match s.known(b) {
            Some(v) => v.to_vec(),
            None => s.embed_one(b).ok()?.to_vec(),
        };
        Some(cosine(&va, &vb))
    }

    /// Similarity of a purpose to a list of purpose phrases: the best of word overlap and
    /// sentence similarity.
    fn purpose_score<'a>(&self, purpose: &str, phrases: impl Iterator<Item = &'a str>) -> f32 {
        let ps = purpose_stems(purpose);
        let query = self
            .semantic
            .as_ref()
            .and_then(|s| s.embed_one(purpose).ok());
        let mut best = 0.0f32;
        for p in phrases {
            let lex = purpose_overlap(&ps, &purpose_stems(p), self);
            let sem = match (&query, self.semantic.as_ref().and_then(|s| s.known(p))) {
                (Some(q), Some(v)) => similarity_score(cosine(q, v)),
                _ => 0.0,
            };
            best = best.max(lex.max(sem));
        }
        best
    }

    /// How well typed words name a kind of room: by its own name fully, by one of its other
    /// names weakly when the words are the own name of another kind ("cafeteria" names the
    /// cafeteria kind; a break room, which some call that, only weakly).
    fn kind_named(&self, typed: &[String], kind: &RoomKind) -> f32 {
        let by_primary = name_score(typed, &kind.name, self);
        let by_other = kind
            .also
            .iter()
            .map(|n| name_score(typed, n, self))
            .fold(0.0f32, f32::max);
        let other_kind_named = self
            .kinds_said_fully(typed)
            .iter()
            .any(|i| self.knowledge.rooms[*i].name != kind.name);
        by_primary.max(if other_kind_named {
            by_other * 0.6
        } else {
            by_other
        })
    }

    /// The kinds of room whose own name `typed` says.
    fn kinds_said_fully(&self, typed: &[String]) -> Vec<usize> {
        if let Some(v) = lock(&self.kinds_said).get(typed) {
            return v.clone();
        }
        let v: Vec<usize> = (self.knowledge.rooms.iter().enumerate())
            .filter(|(_, r)| name_score(typed, &r.name, self) >= 0.95)
            .map(|(i, _)| i)
            .collect();
        let mut memo = lock(&self.kinds_said);
        // Phrases are the person's and endless; the memo starts over past a bound.
        if memo.len() >= MEMO_KEPT {
            memo.clear();
        }
        memo.insert(typed.to_vec(), v.clone());
        v
    }

    /// The kinds of room `place` is, with how strongly its name says so.
    pub fn place_kinds(&self, place: &KnownPlace) -> Vec<(&'static RoomKind, f32)> {
        let key = std::iter::once(&place.name)
            .chain(&place.aliases)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("\n");
        let cached = lock(&self.kinds_of_place).get(&key).cloned();
        let kinds = cached.unwrap_or_else(|| {
            let v = self.place_kinds_uncached(place);
            lock(&self.kinds_of_place).insert(key, v.clone());
            v
        });
        kinds
            .into_iter()
            .map(|(i, s)| (&self.knowledge.rooms[i], s))
            .collect()
    }

    /// [`Self::place_kinds`] worked out, as indices into the knowledge's rooms.
    fn place_kinds_uncached(&self, place: &KnownPlace) -> Vec<(usize, f32)> {
        let names: Vec<Vec<String>> = std::iter::once(&place.name)
            .chain(&place.aliases)
            .map(|n| content_words(n))
            .collect();
        let mut out: Vec<(usize, f32)> = Vec::new();
        for (i, r) in self.knowledge.rooms.iter().enumerate() {
            let mut s = 0.0f32;
            for n in &names {
                for kn in r.names() {
                    // The kind's name must be in the place's name ("staff kitchen" is a kitchen).
                    s = s.max(phrase_similarity_in(n, &content_words(kn), self));
                    s = s.max(name_score(n, kn, self));
                }
            }
            if s < 0.7
                && let Some(c) = self.cos(&place.name, &r.name)
            {
                s = s.max(similarity_score(c) * 0.85);
            }
            if s >= 0.5 {
                out.push((i, s));
            }
        }
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out.truncate(4);
        out
    }

    /// Places a name-like phrase could name: name or alias (slips tolerated), or the kind of
    /// room it names ("the restroom" for a place called bathroom).
    pub fn places_named(&self, phrase: &str, world: &WorldSummary) -> Vec<Ranked> {
        let typed = content_words(phrase);
        if typed.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for p in world.places.iter().filter(|p| !numbers_differ(&typed, p)) {
            // "the barber chair" where a place is called "barber area": the thing, more
            // than the place, by its name or by the kind of place it is.
            let after = if self.thing_named_after(&typed, p) {
                THING_NAMED_AFTER_A_PLACE
            } else {
                1.0
            };
            let by_name = self.name_or_alias_score(&typed, p) * after;
            push_best(
                &mut out,
                Ranked {
                    meaning: Meaning::Place(p.name.clone()),
                    score: by_name,
                    how: How::Name,
                },
            );
            for (kind, strength) in self.place_kinds(p) {
                let s = self.kind_named(&typed, kind);
                push_best(
                    &mut out,
                    Ranked {
                        meaning: Meaning::Place(p.name.clone()),
                        score: s * strength * 0.9 * after,
                        how: How::Synonym,
                    },
                );
            }
            // "bay too" for bay 2: a last word that sounds like the number the name ends in.
            if let Some(said) = number_sounded_last(&typed)
                && numbers_and_words(&content_words(&p.name)).0
                    == [said.last().cloned().unwrap_or_default()]
            {
                push_best(
                    &mut out,
                    Ranked {
                        meaning: Meaning::Place(p.name.clone()),
                        score: self.name_or_alias_score(&said, p) * 0.95,
                        how: How::Name,
                    },
                );
            }
            if by_name < CONFIDENT
                && let Some(c) = self.cos(phrase, &p.name)
            {
                push_best(
                    &mut out,
                    Ranked {
                        meaning: Meaning::Place(p.name.clone()),
                        score: similarity_score(c) * 0.8,
                        how: How::Similar,
                    },
                );
            }
        }
        sorted(out)
    }

    /// Whether a phrase is the name of a kind of room ("the swimming pool") and of no kind
    /// of thing: what is meant is a place, never something to search for.
    pub fn names_a_room_kind(&self, phrase: &str) -> bool {
        let typed = content_words(phrase);
        if typed.is_empty() {
            return false;
        }
        let names = |n: &str| phrase_similarity_in(&typed, &content_words(n), self) >= 0.95;
        self.knowledge.rooms.iter().any(|r| r.names().any(names))
            && !self.knowledge.objects.iter().any(|o| o.names().any(names))
    }

    /// "the barber chair" said where a place is called "barber area": a kind of thing
    /// (its last word, a thing knowledge knows) named after what the place is for, sharing
    /// with the place's name only words that are not the name's own last word. The thing,
    /// more than the place.
    fn thing_named_after(&self, typed: &[String], place: &KnownPlace) -> bool {
        let Some(head) = typed.last() else {
            return false;
        };
        if typed.len() < 2 || head.chars().any(|c| c.is_ascii_digit()) {
            return false;
        }
        let same = |a: &str, b: &str| stem(a) == stem(b);
        let sharing: Vec<Vec<String>> = std::iter::once(&place.name)
            .chain(&place.aliases)
            .map(|n| content_words(n))
            .filter(|k| k.iter().any(|w| typed.iter().any(|t| same(t, w))))
            .collect();
        !sharing.is_empty()
            && sharing.iter().all(|k| {
                let place_head = k.last().map(String::as_str).unwrap_or_default();
                !k.iter().any(|w| same(w, head)) && !typed.iter().any(|t| same(t, place_head))
            })
            && !self.kinds_of(head, head).is_empty()
    }

    /// How well typed words say a place's name or one of its aliases.
    fn name_or_alias_score(&self, typed: &[String], place: &KnownPlace) -> f32 {
        std::iter::once(&place.name)
            .chain(&place.aliases)
            .map(|n| name_score(typed, n, self))
            .fold(0.0f32, f32::max)
    }

    /// Places whose own name or alias a phrase says (slips tolerated), best first: no kinds
    /// of room, no sentence model — cheap enough to try on every span of a sentence.
    pub fn places_by_name(&self, phrase: &str, world: &WorldSummary) -> Vec<Ranked> {
        let typed = content_words(phrase);
        if typed.is_empty() {
            return Vec::new();
        }
        let out = world
            .places
            .iter()
            .filter(|p| !numbers_differ(&typed, p))
            .map(|p| Ranked {
                meaning: Meaning::Place(p.name.clone()),
                score: self.name_or_alias_score(&typed, p),
                how: How::Name,
            })
            .filter(|r| r.score > 0.0)
            .collect();
        sorted(out)
    }

    /// The place whose name fits `purpose` best by sentence similarity, when it stands out
    /// among the world's places: a relative judgement, since a name is too short for an
    /// absolute one ("the place where people a swim": pool hall 0.57, gym 0.40). Scored
    /// plausible, never certain.
    fn place_standing_out(&self, purpose: &str, world: &WorldSummary) -> Option<Ranked> {
        if world.places.len() < 3 {
            return None;
        }
        let query = format!("the place where people {purpose}");
        let mut cos: Vec<(f32, &str)> = world
            .places
            .iter()
            .filter_map(|p| {
                Some((
                    self.cos(&query, &format!("the {}", p.name))?,
                    p.name.as_str(),
                ))
            })
            .collect();
        cos.sort_by(|a, b| b.0.total_cmp(&a.0));
        let (best, name) = *cos.first()?;
        let second = cos.get(1).map_or(0.0, |c| c.0);
        (best >= STANDOUT_COS && best - second >= STANDOUT_MARGIN).then(|| Ranked {
            meaning: Meaning::Place(name.to_owned()),
            score: (PLAUSIBLE + (best - second)).min(CONFIDENT - 0.05),
            how: How::Similar,
        })
    }

    /// Places that serve a purpose or a need ("wash my hands", "thirsty"): by the kind of
    /// room their name says, and by what is known or usually found in them.
    pub fn places_for(&self, purpose: &str, world: &WorldSummary) -> Vec<Ranked> {
        let mut out = Vec::new();
        for (reading, weight) in purpose_readings(purpose) {
            for r in self.places_for_reading(&reading, world) {
                push_best(
                    &mut out,
                    Ranked {
                        score: r.score * weight,
                        ..r
                    },
                );
            }
        }
        sorted(out)
    }

    fn places_for_reading(&self, purpose: &str, world: &WorldSummary) -> Vec<Ranked> {
        let mut out = Vec::new();
        let typed = content_words(purpose);
        for p in &world.places {
            // What the place's name itself suggests ("somewhere quiet" -> "focus room").
            if let Some(c) = self.cos(purpose, &p.name) {
                push_best(
                    &mut out,
                    Ranked {
                        meaning: Meaning::Place(p.name.clone()),
                        score: similarity_score(c) * 0.7,
                        how: How::Similar,
                    },
                );
            }
            for (kind, strength) in self.place_kinds(p) {
                let s = self
                    .purpose_score(
                        purpose,
                        kind.activities
                            .iter()
                            .chain(&kind.needs)
                            .map(String::as_str),
                    )
                    .max(0.8 * self.kind_named(&typed, kind));
                push_best(
                    &mut out,
                    Ranked {
                        meaning: Meaning::Place(p.name.clone()),
                        score: s * strength,
                        how: How::Purpose,
                    },
                );
            }
            for o in world.objects.iter().filter(|o| world.holds(&p.name, o)) {
                let kinds = self.kinds_of(&o.class, &o.name);
                let s = kinds
                    .iter()
                    .map(|k| self.purpose_score(purpose, k.uses.iter().map(String::as_str)))
                    .fold(0.0f32, f32::max);
                push_best(
                    &mut out,
                    Ranked {
                        meaning: Meaning::Place(p.name.clone()),
                        score: s * 0.9,
                        how: How::Contents,
                    },
                );
            }
        }
        // A place whose name alone fits the purpose clearly better than every other place's
        // ("a swim": the pool hall), when knowledge of kinds of rooms does not say.
        if let Some(r) = self.place_standing_out(purpose, world) {
            push_best(&mut out, r);
        }
        sorted(out)
    }

    /// Places for a need said in a person's own words: as [`Self::places_for`], and the one
    /// place whose name has a word the need says ("her hair needs washing": the backwash).
    pub fn places_for_need(&self, need: &str, world: &WorldSummary) -> Vec<Ranked> {
        let mut out = self.places_for(need, world);
        if let Some(r) = place_sharing_a_word(need, world) {
            push_best(&mut out, r);
        }
        sorted(out)
    }

    /// Places where a thing is: known to be there, or usually found in that kind of room
    /// ("the room with the bed").
    pub fn places_with(
        &self,
        thing: &str,
        world: &WorldSummary,
        memory: &MemoryHandle,
    ) -> Vec<Ranked> {
        let mut out = Vec::new();
        for r in self.objects_named(thing, world, memory) {
            if let Meaning::Object(name) = &r.meaning
                && let Some(place) = world
                    .objects
                    .iter()
                    .find(|o| &o.name == name)
                    .and_then(|o| o.place.clone())
            {
                push_best(
                    &mut out,
                    Ranked {
                        meaning: Meaning::Place(place),
                        score: r.score * 0.95,
                        how: How::Contents,
                    },
                );
            }
        }
        // A place named after what is kept there ("the parts" are in the parts department).
        let typed: Vec<String> = without_generic(&content_words(thing))
            .iter()
            .map(|w| stem(w))
            .collect();
        if !typed.is_empty() {
            for p in &world.places {
                let named: Vec<String> = content_words(&p.name).iter().map(|w| stem(w)).collect();
                let hit = typed.iter().filter(|w| named.contains(w)).count();
                if hit > 0 {
                    push_best(
                        &mut out,
                        Ranked {
                            meaning: Meaning::Place(p.name.clone()),
                            score: CONFIDENT * hit as f32 / typed.len() as f32,
                            how: How::Contents,
                        },
                    );
                }
            }
        }
        let kinds = self.kinds_named(thing);
        for p in &world.places {
            for (kind, strength) in self.place_kinds(p) {
                let s = kinds
                    .iter()
                    .filter_map(|k| match &k.meaning {
                        Meaning::Kinds(names, _) => Some((names, k.score)),
                        _ => None,
                    })
                    .filter(|(names, _)| {
                        names
                            .iter()
                            .any(|n| kind.has.iter().any(|h| h.eq_ignore_ascii_case(n)))
                    })
                    .map(|(_, s)| s)
                    .fold(0.0f32, f32::max);
                push_best(
                    &mut out,
                    Ranked {
                        meaning: Meaning::Place(p.name.clone()),
                        score: s * strength * 0.85,
                        how: How::Contents,
                    },
                );
            }
        }
        sorted(out)
    }

    /// Object kinds that an object of this class and name belongs to.
    fn kinds_of(&self, class: &str, name: &str) -> Vec<&'static ObjectKind> {
        let class_words = content_words(class);
        let name_words = content_words(name);
        let head = |ws: &[String]| ws.last().cloned().unwrap_or_default();
        self.knowledge
            .objects
            .iter()
            .filter(|k| {
                k.names().any(|n| {
                    let nw = content_words(n);
                    phrase_similarity_in(&class_words, &nw, &AnyWord) >= 0.9
                        || (nw.len() == 1
                            && (nw[0] == head(&class_words) || nw[0] == head(&name_words)))
                        || (!name_words.is_empty()
                            && phrase_similarity_in(&name_words, &nw, &AnyWord) >= 0.9)
                })
            })
            .collect()
    }

    /// Objects the robot has seen that a name-like phrase names: the whole name, part of it
    /// with its head noun ("the mug"), the class, another name of its kind ("couch"), or what
    /// the vector memory finds most alike.
    pub fn objects_named(
        &self,
        phrase: &str,
        world: &WorldSummary,
        memory: &MemoryHandle,
    ) -> Vec<Ranked> {
        let typed = content_words(phrase);
        if typed.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for o in &world.objects {
            let meaning = Meaning::Object(o.name.clone());
            // Its colour is one of its words ("the green chair" for an armchair seen green).
            let described = o.described();
            let full = name_score(&typed, &o.name, self).max(if described != o.name {
                name_score(&typed, &described, self)
            } else {
                0.0
            });
            push_best(
                &mut out,
                Ranked {
                    meaning: meaning.clone(),
                    score: full,
                    how: How::Name,
                },
            );
            push_best(
                &mut out,
                Ranked {
                    meaning: meaning.clone(),
                    score: partial_score(&typed, o, self),
                    how: How::Partial,
                },
            );
            // Another name of its kind ("couch" for a sofa); typed words that neither that
            // name nor the object's own name explain ("red" for a white mug) count against.
            let own: Vec<String> = content_words(&described)
                .into_iter()
                .chain(content_words(&o.class))
                .collect();
            let syn = self
                .kinds_of(&o.class, &o.name)
                .iter()
                .flat_map(|k| k.names())
                .map(|n| {
                    let kw = content_words(n);
                    let unexplained = typed
                        .iter()
                        .filter(|t| {
                            !kw.iter()
                                .chain(&own)
                                .any(|k| word_similarity_in(t, k, self) > 0.0)
                        })
                        .count();
                    name_score(&typed, n, self) * 0.6f32.powi(unexplained as i32)
                })
                .fold(0.0f32, f32::max);
            push_best(
                &mut out,
                Ranked {
                    meaning: meaning.clone(),
                    score: syn * 0.8,
                    how: How::Synonym,
                },
            );
            if full < CONFIDENT
                && let Some(c) = self.cos(phrase, &described)
            {
                push_best(
                    &mut out,
                    Ranked {
                        meaning,
                        score: similarity_score(c) * 0.8,
                        how: How::Similar,
                    },
                );
            }
        }
        if let Some(recall) = &memory.0 {
            for (o, cos) in recall.objects_like(phrase, 5) {
                if world.objects.iter().any(|k| k.name == o.name) {
                    push_best(
                        &mut out,
                        Ranked {
                            meaning: Meaning::Object(o.name.clone()),
                            score: similarity_score(cos) * 0.8,
                            how: How::Memory,
                        },
                    );
                }
            }
        }
        sorted(out)
    }

    /// Objects the robot has seen that serve a purpose ("sit on", "read").
    pub fn objects_for(&self, purpose: &str, world: &WorldSummary) -> Vec<Ranked> {
        let mut out = Vec::new();
        for o in &world.objects {
            let s = self
                .kinds_of(&o.class, &o.name)
                .iter()
                .map(|k| {
                    self.purpose_score(
                        purpose,
                        k.uses
                            .iter()
                            .map(String::as_str)
                            .chain(k.is.iter().map(String::as_str)),
                    )
                })
                .fold(0.0f32, f32::max);
            push_best(
                &mut out,
                Ranked {
                    meaning: Meaning::Object(o.name.clone()),
                    score: s,
                    how: How::Purpose,
                },
            );
        }
        sorted(out)
    }

    /// Search targets for a kind of thing named: the kinds of the knowledge base it names
    /// (with their other names, which a detector may use), or the word itself when the
    /// sentence model knows it as a word.
    pub fn kinds_named(&self, phrase: &str) -> Vec<Ranked> {
        let typed = content_words(phrase);
        if typed.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        let literal = typed.join(" ");
        for k in &self.knowledge.objects {
            let s = k
                .names()
                .map(|n| name_score(&typed, n, self))
                .fold(0.0f32, f32::max);
            // A typed adjective ("red cup") keeps its words; the kind adds its other names.
            if s >= PLAUSIBLE {
                let (exact, loose) = search_names(phrase, k);
                // Named by the kind's own class ("a cart") rather than one of its other names:
                // the more likely meaning when kinds overlap.
                let own = name_score(&typed, &k.class, self) >= s - 1e-3;
                push_best(
                    &mut out,
                    Ranked {
                        meaning: Meaning::Kinds(exact, loose),
                        score: if own { s } else { s * 0.95 },
                        how: How::Name,
                    },
                );
            }
        }
        // A description of a thing ("the big glass box with the fish in it"): the kinds whose
        // names it is most like.
        if out.iter().all(|r| r.score < CONFIDENT)
            && typed.len() >= 2
            && let Some(sem) = &self.semantic
            && let Ok(q) = sem.embed_one(phrase)
        {
            for k in &self.knowledge.objects {
                let best = k
                    .names()
                    .filter_map(|n| sem.known(n).map(|v| cosine(&q, v)))
                    .fold(f32::MIN, f32::max);
                let s = similarity_score(best) * 0.85;
                if s >= PLAUSIBLE {
                    let (exact, loose) = search_names(&k.class, k);
                    push_best(
                        &mut out,
                        Ranked {
                            meaning: Meaning::Kinds(exact, loose),
                            score: s,
                            how: How::Similar,
                        },
                    );
                }
            }
        }
        if out.is_empty() {
            let known_word = |w: &str| {
                self.semantic
                    .as_ref()
                    .is_some_and(|s| s.embedder().is_word_like(w))
            };
            // A noun phrase, not a verb phrase ("top yourself up" is not a thing).
            let noun_like = !typed.iter().any(|w| {
                matches!(
                    w.as_str(),
                    "yourself"
                        | "myself"
                        | "itself"
                        | "himself"
                        | "herself"
                        | "you"
                        | "me"
                        | "it"
                        | "them"
                        | "up"
                        | "down"
                        | "out"
                        | "off"
                        | "in"
                        | "on"
                        | "over"
                        | "away"
                        | "back"
                        | "around"
                )
            });
            // A name the knowledge lacks ("find the jukebox") is searched for as said: the
            // detector may know it. Words the model knows (or compounds of them) are likelier
            // names than strings that only look like words, which could be slips.
            let looks_like_a_word = |w: &str| {
                w.chars().count() >= 4
                    && w.chars().all(char::is_alphabetic)
                    && w.chars().any(|c| "aeiouy".contains(c))
            };
            if noun_like && typed.len() <= 3 {
                let score = if typed.iter().all(|w| known_word(w)) {
                    Some(0.6)
                } else if typed.iter().all(|w| known_word(w) || looks_like_a_word(w)) {
                    Some(0.59)
                } else {
                    None
                };
                if let Some(score) = score {
                    out.push(Ranked {
                        meaning: Meaning::Kinds(vec![literal], Vec::new()),
                        score,
                        how: How::Word,
                    });
                }
            }
        }
        sorted(out)
    }

    /// Kinds of things that serve a purpose, as search targets.
    pub fn kinds_for(&self, purpose: &str) -> Vec<Ranked> {
        let mut out = Vec::new();
        for k in &self.knowledge.objects {
            let s = self.purpose_score(
                purpose,
                k.uses
                    .iter()
                    .map(String::as_str)
                    .chain(k.is.iter().map(String::as_str)),
            );
            if s >= PLAUSIBLE {
                let (exact, loose) = search_names(&k.class, k);
                push_best(
                    &mut out,
                    Ranked {
                        meaning: Meaning::Kinds(exact, loose),
                        score: s,
                        how: How::Purpose,
                    },
                );
            }
        }
        sorted(out)
    }

    /// Kinds of thing a description says, when no name does ("the walk-through frame people
    /// go through when they come in", "a machine that sells crisps"): the description's rest
    /// after its head noun compared by sentence similarity with what each kind is for and
    /// called, the head noun ("frame", "machine") counting for kinds it names. Judged
    /// relatively, like [`Self::place_standing_out`]: a description is too loose for an
    /// absolute threshold, so the best kind must stand out from the next; scored plausible,
    /// never certain.
    pub fn kinds_described(&self, description: &str) -> Vec<Ranked> {
        let Some(sem) = self.semantic.as_ref() else {
            return Vec::new();
        };
        let (head, rest) = description_head(description);
        let rest = if content_words(&rest).is_empty() {
            description.to_owned()
        } else {
            rest
        };
        let Ok(q) = sem.embed_one(&rest) else {
            return Vec::new();
        };
        let head = head.map(|h| stem(&h));
        let mut scored: Vec<(f32, &ObjectKind)> = self
            .knowledge
            .objects
            .iter()
            .map(|k| {
                let cos = k
                    .names()
                    .chain(k.uses.iter().map(String::as_str))
                    .filter_map(|p| sem.known(p))
                    .map(|v| cosine(&q, v))
                    .fold(0.0f32, f32::max);
                let named = head.as_ref().is_some_and(|h| {
                    k.names()
                        .filter_map(|n| n.split_whitespace().last())
                        .any(|n| stem(n) == *h)
                });
                (cos + if named { DESCRIBED_HEAD_BONUS } else { 0.0 }, k)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        tracing::debug!(
            %rest,
            ?head,
            best = ?scored.iter().take(4).map(|(c, k)| (k.class.as_str(), *c)).collect::<Vec<_>>(),
            "kinds a description says"
        );
        let mut out = Vec::new();
        let second = scored.get(1).map_or(0.0, |s| s.0);
        for (i, (raw, k)) in scored.iter().take(3).enumerate() {
            let margin = if i == 0 { raw - second } else { 0.0 };
            if *raw < DESCRIBED_COS || (i == 0 && margin < STANDOUT_MARGIN / 2.0) {
                if i == 0 {
                    return Vec::new();
                }
                break;
            }
            let (exact, loose) = search_names(&k.class, k);
            out.push(Ranked {
                meaning: Meaning::Kinds(exact, loose),
                score: (PLAUSIBLE + margin - 0.02 * i as f32).min(CONFIDENT - 0.05),
                how: How::Similar,
            });
        }
        out
    }

    /// The known places and objects closest to a phrase, for "I don't know X; I know: ...".
    pub fn closest(&self, phrase: &str, world: &WorldSummary, n: usize) -> Vec<String> {
        let typed = content_words(phrase);
        let spelled = |name: &str| {
            // The best of any typed word against any word of the name, by edit distance.
            let mut best = 0.0f32;
            for t in &typed {
                for k in content_words(name) {
                    let d = crate::text::edit_distance(t, &k) as f32;
                    let len = t.chars().count().max(k.chars().count()).max(1) as f32;
                    best = best.max(1.0 - d / len);
                }
            }
            best
        };
        let mut scored: Vec<(String, f32)> = world
            .places
            .iter()
            .map(|p| p.name.clone())
            .chain(world.objects.iter().map(|o| o.name.clone()))
            .map(|name| {
                let lex = name_score(&typed, &name, self);
                let sem = self.cos(phrase, &name).map(similarity_score).unwrap_or(0.0);
                let s = lex.max(sem).max(spelled(&name) * 0.7);
                (name, s)
            })
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1));
        scored.dedup_by(|a, b| a.0 == b.0);
        scored.into_iter().take(n).map(|(n, _)| n).collect()
    }
}

/// How well typed words name a seen object by part of its name: every typed word is a word
/// of its name, class or colour (slips tolerated), and the last typed word is its head noun
/// or class. A typed word the object lacks ("red" for a white mug) costs much.
fn partial_score(typed: &[String], o: &KnownObject, lex: &dyn Lexicon) -> f32 {
    let name = content_words(&o.name);
    let class = content_words(&o.class);
    let Some(head) = typed.last() else { return 0.0 };
    // The name said without its last word, a container or measure people drop ("the green
    // paint" for a green paint tin): at least two words, all of the name's start, in order.
    if typed.len() >= 2
        && typed.len() < name.len()
        && typed
            .iter()
            .zip(&name)
            .all(|(t, n)| word_similarity_in(t, n, lex) > 0.0)
    {
        return 0.86;
    }
    let heads: Vec<&String> = name.last().into_iter().chain(class.last()).collect();
    if !heads.iter().any(|h| word_similarity_in(head, h, lex) > 0.0) {
        return 0.0;
    }
    let color = o.color.as_deref().map(content_words).unwrap_or_default();
    let known: Vec<&String> = name.iter().chain(&class).chain(&color).collect();
    let matched = typed
        .iter()
        .filter(|t| known.iter().any(|k| word_similarity_in(t, k, lex) > 0.0))
        .count();
    let frac = matched as f32 / typed.len() as f32;
    if matched == typed.len() {
        0.88
    } else {
        0.5 * frac
    }
}

/// Names to search for a kind by, exact and to settle for. Exact: what was typed (the object
/// may be called just that), and — typed as the kind's class or as a one-word other name of
/// it ("couch" for sofa) — every name of the kind, with the words typed before the name kept
/// ("red cup" also searches "red mug"); typed as one of its narrower names ("espresso
/// machine", "fish tank") that name alone, spelt right. Words typed after the name ("... with
/// the defibrillator on it") are left out. To settle for: the kind's names without the words
/// typed before them. At most eight of each.
fn search_names(typed: &str, kind: &ObjectKind) -> (Vec<String>, Vec<String>) {
    let typed_words = content_words(typed);
    let literal = typed_words.join(" ");
    // The kind name the typed words name best, and where in them it starts.
    let mut best: Option<(&str, f32, usize)> = None;
    for n in kind.names() {
        let nw = content_words(n);
        for start in 0..typed_words.len() {
            let end = (start + nw.len()).min(typed_words.len());
            let s = phrase_similarity_in(&typed_words[start..end], &nw, &AnyWord);
            if s > 0.0 && best.is_none_or(|b| s > b.1) {
                best = Some((n, s, start));
            }
        }
    }
    let Some((matched, _, start)) = best else {
        return (vec![literal], Vec::new());
    };
    let prefix: String = typed_words[..start]
        .iter()
        .map(|q| format!("{q} "))
        .collect();
    let mut exact = vec![literal];
    let add = |v: &mut Vec<String>, n: String| {
        if v.len() < 8 && !v.iter().any(|o| o.eq_ignore_ascii_case(&n)) {
            v.push(n);
        }
    };
    let specific = matched != kind.class && matched.contains(' ');
    if specific {
        add(&mut exact, format!("{prefix}{matched}"));
        return (exact, Vec::new());
    }
    // "bed 7", "desk three": a number after the name says which one; any other one will
    // not do.
    let end = start + content_words(matched).len();
    let number: Vec<&String> = typed_words[end.min(typed_words.len())..].iter().collect();
    if !number.is_empty() && number.iter().all(|w| w.chars().all(|c| c.is_ascii_digit())) {
        // As said too: the detector may spell the number ("desk two").
        let said: Vec<String> = words(typed)
            .into_iter()
            .filter(|w| !DETERMINERS.contains(&w.as_str()))
            .collect();
        add(&mut exact, said.join(" "));
        let suffix: String = number.iter().map(|w| format!(" {w}")).collect();
        for n in kind.names() {
            add(&mut exact, format!("{prefix}{n}{suffix}"));
        }
        return (exact, Vec::new());
    }
    for n in kind.names() {
        add(&mut exact, format!("{prefix}{n}"));
    }
    let mut loose = Vec::new();
    if !prefix.is_empty() {
        for n in kind.names() {
            add(&mut loose, n.to_owned());
        }
    }
    (exact, loose)
}

#[cfg(test)]
mod tests;

/// Words of place names that say what kind of space it is, not which one ("room", "bay"):
/// said in a need ("the room where that's done") they point at no place in particular.
const GENERIC_PLACE_WORDS: &[&str] = &[
    "room",
    "rooms",
    "area",
    "areas",
    "bay",
    "bays",
    "zone",
    "space",
    "corner",
    "point",
    "station",
    "hall",
    "corridor",
    "lobby",
    "entrance",
    "section",
    "unit",
    "floor",
    "side",
    "end",
    "centre",
    "center",
    "main",
    "staff",
    "public",
    "customer",
    "customers",
    "patient",
    "patients",
    "visitor",
    "visitors",
    "guest",
    "guests",
    "north",
    "south",
    "east",
    "west",
    "upper",
    "lower",
    "front",
    "back",
    "rear",
    "inner",
    "outer",
    "big",
    "small",
    "little",
    "new",
    "old",
    "office",
    "desk",
    "door",
    "place",
    "spot",
    "store",
    "open",
];

/// "her hair washed, go where we do that": a need that says a word only one place's name
/// has ("backwash"; "MOT" and the MOT bay; "clean supplies" and the clean utility). A word
/// counts when it is the name's word, shares its stem, or is a whole part of a compound
/// name word; words that several places' names share, or that only say a kind of space,
/// point at none.
fn place_sharing_a_word(purpose: &str, world: &WorldSummary) -> Option<Ranked> {
    let said: Vec<String> = content_words(purpose)
        .into_iter()
        .filter(|w| w.len() >= 3 && w.chars().all(char::is_alphabetic))
        .collect();
    let name_words = |p: &KnownPlace| -> Vec<String> {
        std::iter::once(&p.name)
            .chain(&p.aliases)
            .flat_map(|n| content_words(n))
            .filter(|w| w.len() >= 3 && !GENERIC_PLACE_WORDS.contains(&w.as_str()))
            .collect()
    };
    // The same word, inflected ("washed", "wash"), or a whole part of a compound word
    // ("wash" in "backwash"), which says less.
    let same = |said: &str, name: &str| bare_inflection(said) == bare_inflection(name);
    let part_of = |said: &str, name: &str| {
        let a = bare_inflection(said);
        a.len() >= 4 && name.len() >= a.len() + 3 && (name.ends_with(a) || name.starts_with(a))
    };
    let named: Vec<Vec<String>> = world.places.iter().map(name_words).collect();
    let mut found: Vec<(&str, f32)> = Vec::new();
    for (p, words) in world.places.iter().zip(&named) {
        let distinctive: Vec<&String> = words
            .iter()
            .filter(|w| {
                named
                    .iter()
                    .filter(|q| q.iter().any(|x| same(x, w)))
                    .count()
                    == 1
            })
            .collect();
        let said_whole = distinctive.iter().any(|w| said.iter().any(|s| same(s, w)));
        let said_part = distinctive
            .iter()
            .any(|w| said.iter().any(|s| part_of(s, w)));
        if said_whole {
            found.push((&p.name, NAMED_BY_A_WORD));
        } else if said_part {
            found.push((&p.name, NAMED_BY_A_PART_OF_A_WORD));
        }
    }
    match found[..] {
        [(one, score)] => Some(Ranked {
            meaning: Meaning::Place(one.to_owned()),
            score,
            how: How::Similar,
        }),
        _ => None,
    }
}

/// A word without an inflection ("washed", "washing" -> "wash"; "colours" -> "colour"), no
/// more: unlike a stem, "pots" and "potting" stay apart.
fn bare_inflection(word: &str) -> &str {
    for suffix in ["ing", "ed", "es", "er", "s"] {
        if let Some(rest) = word.strip_suffix(suffix)
            && rest.len() >= 3
        {
            return rest;
        }
    }
    word
}

/// How much a need saying a word of one place's name counts: plausible, short of what
/// knowledge of what rooms are for says with confidence.
const NAMED_BY_A_WORD: f32 = 0.75;

/// A need saying a whole part of one place name's compound word ("wash", "backwash").
const NAMED_BY_A_PART_OF_A_WORD: f32 = 0.6;

/// How much a place counts when what is said is a thing named after it ("the barber chair",
/// place "barber area"): below plausible, so a thing by that name is looked for first.
const THING_NAMED_AFTER_A_PLACE: f32 = 0.6;
