//! Understanding a task: its clauses in the order they are to be done, and for each clause
//! what is asked (a frame) and what it refers to (a target, still as words: grounding is the
//! next stage). Connectors ("then", "after that", "finally", "before", "after"),
//! attachments ("and wait there 10 seconds", "say hi when you get there", "come back",
//! "report back at the desk"), words that change nothing ("quickly!", "thanks"), requests
//! the robot must refuse (carrying, unsafe, other languages) and descriptions instead of
//! names ("somewhere to sleep", "something to sit on") are read here.
//!
//! Everything is matched on whole words, longest phrase first, across all intents at once,
//! so "turn on the lights" is a request the robot cannot do rather than a turn.

mod clause;
pub mod lexicon;
mod motion;
pub mod naming;
mod normalize;
pub mod one;
mod repair;
mod split;
mod target;

use serde::Serialize;

use crate::text::words;
use clause::*;
use lexicon::*;
use normalize::*;
use split::*;

pub use clause::duration;
pub use naming::{Naming, place_naming};
pub use normalize::is_foreign;
pub use target::read_target;

/// Whether words are a prohibition ("stay out of the garage", "avoid the kitchen"): never a
/// destination.
pub fn is_prohibition(text: &str) -> bool {
    split::PROHIBITIONS.iter().any(|p| after(text, p).is_some())
}

/// Whether words are a remark beside the task ("it's raining") or a prohibition.
pub fn is_aside(text: &str) -> bool {
    split::is_aside(text)
}

/// Whether words ask to be taken or to go somewhere anywhere in them ("could you show us to
/// the pool hall").
pub fn asks_to_go(text: &str) -> bool {
    lexicon::go_phrases()
        .iter()
        .any(|p| clause::contains_phrase(text, p))
}

/// Which way a part of a place lies.
pub use crate::grounding::Side;

/// What part of a place is meant.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// An end ("the far end", "the north end").
    End(Side),
    /// A side ("the left side", "the back").
    Side(Side),
    /// A corner, by a thing ("the corner by the fridge") or by two sides.
    Corner {
        /// A thing it is near.
        near: Option<String>,
        /// Two sides ("the north-east corner").
        sides: Option<(Side, Side)>,
    },
    /// The middle.
    Middle,
    /// The part nearest a thing ("the sofa side of the lobby", "the end with the picnic table").
    Toward(String),
    /// At its door, or just outside or inside it ("just outside room 8").
    Door(DoorSide),
    /// The part farthest from a thing or place ("the far end of the hall from the lifts").
    Away(String),
}

/// Which side of a place's door is meant.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DoorSide {
    /// In the doorway.
    At,
    /// Just inside the place.
    Inside,
    /// Just outside the place.
    Outside,
}

/// What a clause refers to, still in the person's words.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// A name-like phrase ("the kitchen", "the red cup", "kitchn").
    Named(String),
    /// What it is for, or a need it serves ("wash my hands", "sit on", "thirsty").
    Purpose(String),
    /// A thing described by what it is for, with the words that qualify it ("the red thing
    /// that puts out fires": purpose "puts out fires", qualifiers "red").
    Thing {
        /// What it is for.
        purpose: String,
        /// Colour, size or owner words said with it.
        qualifiers: Vec<String>,
    },
    /// What an earlier clause or task referred to ("it", "there", "that one").
    Previous,
    /// A place where this thing is ("the room with the bed").
    With(String),
    /// A thing in a place ("the mug in the kitchen").
    In(Box<Target>, String),
    /// Part of a place ("the far end of the corridor").
    Part(Part, String),
    /// Next to a thing or place ("next to the fridge").
    Near(String),
    /// Midway between two things or places.
    Between(String, String),
    /// A point in the map frame.
    Point(f64, f64),
    /// Where the robot was when the task began ("back here").
    Origin,
    /// Several in order ("the lab, the hallway and the garage").
    Several(Vec<Target>),
}

/// Why a clause is refused.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// It asks to carry something; the robot has no arm.
    Carry(String),
    /// It asks for something the robot cannot do.
    Cannot(String),
    /// It asks for something unsafe.
    Unsafe(String),
    /// It is not in English.
    Language,
}

/// What one clause asks.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Frame {
    /// Go there.
    Go(Target),
    /// Pass through there on the way to the next place ("via the café"): a place, or nothing
    /// when the words name none.
    Via(Target),
    /// Search for it, then go to it.
    Find(Target),
    /// Where is it? (answered from what was seen)
    Where(Target),
    /// Have you seen it? (answered from what was seen)
    Seen(Target),
    /// What colour is it? (answered from what the detector told)
    Colour(Target),
    /// What is (or was) in a place, or around the robot.
    Describe {
        /// The place, or none for "around you".
        place: Option<Target>,
        /// About now (look) rather than what was seen before.
        now: bool,
    },
    /// A person's need or wish ("I'm thirsty", "I need a pen").
    Need(String),
    /// Turn on the spot, degrees, positive left.
    Turn(f64),
    /// Drive straight, metres, negative back.
    Move(f64),
    /// Stand still, seconds.
    Wait(f64),
    /// Say this.
    Say(String),
    /// Stop.
    Stop,
    /// Go back to where the task began.
    ComeBack,
    /// Report what was done, at a place (or where the task began).
    Report(Option<Target>),
    /// Not to be done.
    Refuse(Refusal),
    /// Not understood (the clause's words).
    Unknown(String),
    /// Words with no verb of any intent ("kitchen please", "good morning"): a destination if
    /// they name one, else chatter to be left out.
    Bare(String),
}

/// One clause: its words and what it asks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Clause {
    /// The clause as read (lower case, modifiers removed).
    pub text: String,
    /// What it asks.
    pub frame: Frame,
    /// Its verb was not said but carried over from the clause before ("then the hallway").
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub implied: bool,
}

/// A task understood as clauses in the order to do them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Understanding {
    /// The clauses.
    pub clauses: Vec<Clause>,
    /// Whether the task was said as a question.
    pub question: bool,
}

impl Understanding {
    /// Whether every clause was understood (none unknown or bare).
    pub fn complete(&self) -> bool {
        !self.clauses.is_empty()
            && self
                .clauses
                .iter()
                .all(|c| !matches!(c.frame, Frame::Unknown(_) | Frame::Bare(_)))
    }
}

/// Whether `text` (lower case words joined by single spaces) starts with `phrase` on a word
/// boundary; returns the rest.
pub(super) fn after<'a>(text: &'a str, phrase: &str) -> Option<&'a str> {
    let rest = text.strip_prefix(phrase)?;
    if rest.is_empty() {
        return Some("");
    }
    rest.strip_prefix(' ').map(str::trim)
}

/// The longest phrase of `list` that `text` starts with, and the rest.
pub(super) fn longest<'a>(text: &'a str, list: &[&'static str]) -> Option<(&'static str, &'a str)> {
    list.iter()
        .filter_map(|p| after(text, p).map(|r| (*p, r)))
        .max_by_key(|(p, _)| p.len())
}

/// Removes every occurrence of the phrases (on word boundaries).
pub(super) fn remove_phrases(text: &str, phrases: &[&str]) -> String {
    let mut ws: Vec<String> = text
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    let mut sorted: Vec<Vec<&str>> = phrases.iter().map(|p| p.split(' ').collect()).collect();
    sorted.sort_by_key(|p| std::cmp::Reverse(p.len()));
    let mut i = 0;
    while i < ws.len() {
        let hit = sorted.iter().find(|p| {
            i + p.len() <= ws.len() && ws[i..i + p.len()].iter().zip(p.iter()).all(|(a, b)| a == b)
        });
        match hit {
            Some(p) => {
                ws.drain(i..i + p.len());
            }
            None => i += 1,
        }
    }
    ws.join(" ")
}

/// Reads a task (every unknown word may be a slip for a word of the task language).
pub fn understand(task: &str) -> Understanding {
    understand_with(task, &crate::text::AnyWord)
}

/// The words of the task language (verbs, connectors, question words), intent words first.
fn task_words() -> &'static [String] {
    static W: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    W.get_or_init(|| {
        let mut out: Vec<String> = Vec::new();
        let lists: [&[&str]; 14] = [
            WHERE,
            SEEN,
            FIND,
            go_phrases(),
            DESCRIBE_PAST,
            DESCRIBE_NOW,
            TURN,
            MOVE,
            WAIT,
            SAY,
            STOP,
            COME_BACK,
            OPENINGS,
            SOMEWHERE,
        ];
        for l in lists {
            for p in l {
                for w in p.split(' ') {
                    if w.len() >= 2
                        && w.chars().all(|c| c.is_ascii_alphabetic() || c == '\'')
                        && !out.iter().any(|o| o == w)
                    {
                        out.push(w.to_owned());
                    }
                }
            }
        }
        for w in [
            "the", "to", "of", "and", "then", "room", "left", "right", "forward", "back",
            "degrees", "metres", "meters", "seconds", "minutes",
        ] {
            if !out.iter().any(|o| o == w) {
                out.push(w.to_owned());
            }
        }
        out
    })
}

/// A word of the task language mistyped ("fnd", "wher", "teh") written right; names and real
/// words are left as they are.
fn correct_task_word(word: &str, lex: &dyn crate::text::Lexicon) -> Option<&'static str> {
    if !lex.has_words()
        || word.len() < 3
        || !word.chars().all(|c| c.is_ascii_alphabetic())
        || lex.is_word(word)
    {
        return None;
    }
    let words = task_words();
    if words.iter().any(|w| w == word) {
        return None;
    }
    words
        .iter()
        .filter(|w| w.len() >= 3 && crate::text::edit_distance(word, w) == 1)
        .map(String::as_str)
        .next()
}

/// Whether a word after `before` can be a word of the task language typed wrong: at the
/// start of a clause or after another task word, not inside a name ("the tea urn") or after
/// a word that starts one ("the loo", "my kip").
fn may_be_task_word_after(before: Option<&str>) -> bool {
    const STARTS_A_NAME: &[&str] = &[
        "the", "a", "an", "my", "your", "our", "their", "his", "her", "its", "this", "that",
        "these", "those", "some", "any", "for", "of",
    ];
    match before {
        None => true,
        Some(b) => !STARTS_A_NAME.contains(&b) && task_words().iter().any(|w| w == b),
    }
}

/// Reads a task; words `lex` does not know that are one slip from a word of the task
/// language are read as that word.
pub fn understand_with(task: &str, lex: &dyn crate::text::Lexicon) -> Understanding {
    let mut before: Option<String> = None;
    let corrected: String = task
        .split_inclusive(|c: char| !c.is_alphanumeric() && c != '\'')
        .map(|piece| {
            let end = piece
                .char_indices()
                .find(|(_, c)| !c.is_alphanumeric() && *c != '\'')
                .map_or(piece.len(), |(i, _)| i);
            let (w, tail) = piece.split_at(end);
            let word = w.to_lowercase();
            let fixed = if w.is_empty() || !may_be_task_word_after(before.as_deref()) {
                None
            } else {
                correct_task_word(&word, lex)
            };
            if !w.is_empty() {
                before = Some(fixed.map_or(word, str::to_owned));
            }
            if tail
                .chars()
                .any(|c| matches!(c, ',' | ';' | '.' | '!' | '?'))
            {
                before = None;
            }
            match fixed {
                Some(fixed) => format!("{fixed}{tail}"),
                None => piece.to_owned(),
            }
        })
        .collect();
    let task = corrected.as_str();
    let (text, quotes) = Quotes::extract(task);
    let question = task.trim_end().ends_with('?');
    if is_foreign(&text) {
        return Understanding {
            clauses: vec![Clause {
                text: task.to_owned(),
                frame: Frame::Refuse(Refusal::Language),
                implied: false,
            }],
            question,
        };
    }
    let text = repair::repaired(&normalize(&text));
    let mut clauses = Vec::new();
    for sentence in sentences(&text) {
        for part in ordered_parts(&sentence) {
            let mut went = false;
            for piece in split_on_starters(&part) {
                let cleaned = clean(&piece);
                if cleaned.is_empty() {
                    continue;
                }
                for mut clause in read_clause(&cleaned) {
                    restore_quotes(&mut clause, &quotes);
                    // "hurry to the resus trolley, we've got a crash call": a need said
                    // with a destination, not after it ("then ..."), is why, not where.
                    if went && matches!(clause.frame, Frame::Need(_)) {
                        clause.frame = Frame::Bare(clause.text.clone());
                    }
                    went |= matches!(clause.frame, Frame::Go(_));
                    clauses.push(clause);
                }
            }
        }
    }
    Understanding {
        clauses: come_back_after_turning(routes_before_destinations(purposes_said_before(
            situations_asked_about(needs_before_destinations(carry_verbs(clauses))),
        ))),
        question,
    }
}

/// "we need the lane machine serviced, go to where the mechanics work": a need said just
/// before a destination of its own is why the person asks, and the destination is where to
/// go — the mirror of a need said after one. A destination that only points back ("go
/// there", "go to where we'd do that") or names people leaves the need to say where.
fn needs_before_destinations(mut clauses: Vec<Clause>) -> Vec<Clause> {
    for k in 1..clauses.len() {
        let destination = match &clauses[k].frame {
            Frame::Go(Target::With(_) | Target::Part(..) | Target::In(..)) => true,
            Frame::Go(Target::Purpose(p)) => purpose_pointing_back(p).is_none(),
            _ => false,
        };
        if destination && !clauses[k].implied && matches!(clauses[k - 1].frame, Frame::Need(_)) {
            clauses[k - 1].frame = Frame::Bare(clauses[k - 1].text.clone());
        }
    }
    clauses
}

/// "turn around and come back a metre": coming back after turning around is ahead, not in
/// reverse.
fn come_back_after_turning(mut clauses: Vec<Clause>) -> Vec<Clause> {
    for k in 1..clauses.len() {
        let turned_around =
            matches!(clauses[k - 1].frame, Frame::Turn(d) if (d.abs() - 180.0).abs() < 20.0);
        if turned_around
            && clauses[k].text.starts_with("come back")
            && let Frame::Move(m) = clauses[k].frame
            && m < 0.0
        {
            clauses[k].frame = Frame::Move(-m);
        }
    }
    clauses
}

/// "go to aquatics, but go via the glasshouse": a route said after its destination is passed
/// on the way there, so it comes before it.
fn routes_before_destinations(clauses: Vec<Clause>) -> Vec<Clause> {
    let mut out: Vec<Clause> = Vec::with_capacity(clauses.len());
    let mut go_at: Option<usize> = None;
    for (k, c) in clauses.iter().cloned().enumerate() {
        // A route said with its own destination ("then go via the hall to the office") stays
        // with it.
        let own_destination = clauses[k + 1..]
            .iter()
            .any(|d| d.text == c.text && matches!(d.frame, Frame::Go(_)));
        match &c.frame {
            Frame::Via(_) if !own_destination => {
                if let Some(i) = go_at.filter(|i| out[*i].text != c.text) {
                    out.insert(i, c);
                    go_at = Some(i + 1);
                    continue;
                }
            }
            Frame::Go(_) => go_at = Some(out.len()),
            _ => go_at = None,
        }
        out.push(c);
    }
    out
}

/// "I left my bag on a train yesterday, where do I go": the remark before an open "where do
/// I go" is what the need is, so the two are one need.
fn situations_asked_about(clauses: Vec<Clause>) -> Vec<Clause> {
    let mut out: Vec<Clause> = Vec::with_capacity(clauses.len());
    for c in clauses {
        if let Frame::Need(asked) = &c.frame
            && asked.starts_with("where ")
            && let Some(prev) = out.last_mut()
            && let Frame::Bare(situation) = &prev.frame
            && !is_prohibition(situation)
        {
            let need = format!("{situation}, {asked}");
            prev.text = format!("{}, {}", prev.text, c.text);
            prev.frame = Frame::Need(need);
            continue;
        }
        out.push(c);
    }
    out
}

/// Words that point back at something said before ("where we'd do that", "where I'd have
/// one", "where they're kept").
const POINTING_BACK: &[&str] = &["that", "it", "this", "one", "them", "those", "so"];

/// Words that carry no purpose of their own in "where ... would ...": who, and the helping
/// verbs.
const NO_PURPOSE: &[&str] = &[
    "i",
    "we",
    "you",
    "he",
    "she",
    "they",
    "it",
    "that",
    "this",
    "one",
    "them",
    "those",
    "so",
    "there",
    "someone",
    "somebody",
    "can",
    "could",
    "would",
    "will",
    "should",
    "might",
    "may",
    "must",
    "do",
    "does",
    "did",
    "be",
    "been",
    "being",
    "is",
    "are",
    "was",
    "were",
    "have",
    "has",
    "had",
    "usually",
    "normally",
    "typically",
    "always",
    "then",
    "'d",
    "'ll",
    "'re",
    "'s",
    "'ve",
    "to",
];

/// A word split off its contraction ("she'd" -> "she", "'d").
fn uncontracted(word: &str) -> impl Iterator<Item = &str> {
    let (base, tail) = match word.find('\'') {
        Some(i) if i > 0 => word.split_at(i),
        _ => (word, ""),
    };
    std::iter::once(base).chain((!tail.is_empty()).then_some(tail))
}

/// What a "where ..." purpose adds of its own when it only points back at the situation said
/// before it ("where we'd do that", "where she'd settle up", "wherever he'd stay"): `None`
/// when it stands alone ("where I can wash my hands").
fn purpose_pointing_back(purpose: &str) -> Option<String> {
    let words: Vec<&str> = purpose.split(' ').flat_map(uncontracted).collect();
    let third_person = matches!(words.first(), Some(&("he" | "she" | "they")));
    let points_back = words.iter().any(|w| POINTING_BACK.contains(w));
    (third_person || points_back).then(|| {
        words
            .iter()
            .filter(|w| !NO_PURPOSE.contains(w))
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// "This collie needs an x-ray, go to where we'd do that": a destination said only as "where
/// someone would do that" is the place for the situation said before it, so the two are one
/// purpose.
fn purposes_said_before(clauses: Vec<Clause>) -> Vec<Clause> {
    let mut out: Vec<Clause> = Vec::with_capacity(clauses.len());
    for c in clauses {
        let own = match &c.frame {
            Frame::Go(Target::Purpose(p)) => purpose_pointing_back(p),
            _ => None,
        };
        // The situation is every remark and need said just before ("I'm crew and it's my
        // break").
        let told = out
            .iter()
            .rev()
            .take_while(|prev| match &prev.frame {
                Frame::Need(_) => true,
                Frame::Bare(b) => !is_prohibition(b),
                _ => false,
            })
            .count();
        match own {
            Some(own) if told > 0 => {
                let said: Vec<Clause> = out.split_off(out.len() - told);
                let mut situation: Vec<String> = said
                    .iter()
                    .filter_map(|s| match &s.frame {
                        Frame::Need(n) | Frame::Bare(n) => Some(n.clone()),
                        _ => None,
                    })
                    .collect();
                if !own.is_empty() {
                    situation.push(own);
                }
                let mut text: Vec<String> = said.into_iter().map(|s| s.text).collect();
                text.push(c.text);
                out.push(Clause {
                    text: text.join(", "),
                    frame: Frame::Go(Target::Purpose(situation.join(", "))),
                    implied: false,
                });
            }
            _ => out.push(c),
        }
    }
    out
}

/// A clause with no verb of its own after one with a verb of going or finding says where
/// else to go or what else to find ("go to the lab, then the hallway").
fn carry_verbs(clauses: Vec<Clause>) -> Vec<Clause> {
    let mut out: Vec<Clause> = Vec::with_capacity(clauses.len());
    let mut verb: Option<fn(Target) -> Frame> = None;
    for mut c in clauses {
        match &c.frame {
            Frame::Go(_) => verb = Some(Frame::Go),
            Frame::Find(_) => verb = Some(Frame::Find),
            // A remark ("it's shorter") or a prohibition ("don't go in") takes no verb.
            Frame::Bare(text) if split::is_aside(text) || says_something_is(text) => verb = None,
            Frame::Bare(text) => {
                if let Some(v) = verb {
                    c.frame = v(read_target(text));
                    c.implied = true;
                }
            }
            _ => verb = None,
        }
        out.push(c);
    }
    out
}

/// Whether words say how something is or what someone wants ("someone is mopping", "the
/// floor is wet", "the nurse needs you"): a remark, not another place to go, though it
/// follows one.
pub fn says_something_is(text: &str) -> bool {
    // "where the telly is", "which has the red door": where, said of what came before.
    // "when you've a moment, ...": when, not what is so.
    let locates = matches!(
        text.split(' ').next(),
        Some(
            "where"
                | "which"
                | "that"
                | "whose"
                | "by"
                | "near"
                | "next"
                | "beside"
                | "with"
                | "when"
                | "whenever"
                | "if"
                | "once"
                | "as"
                | "while"
                | "before"
                | "after"
                | "until"
                | "since"
        )
    );
    let ws: Vec<&str> = text.split(' ').collect();
    // "the customer's waiting", "we've got a crash call", "they're mopping".
    let contracted = ws.iter().take(3).enumerate().any(|(i, w)| {
        ["'ve", "'re", "'m"].iter().any(|c| w.ends_with(c))
            || (w.ends_with("'s") && ws.get(i + 1).is_some_and(|n| n.ends_with("ing")))
    });
    !locates
        && (contracted
            || text.split(' ').take(4).skip(1).any(|w| {
                matches!(
                    w,
                    "is" | "are"
                        | "was"
                        | "were"
                        | "has"
                        | "have"
                        | "'s"
                        | "'re"
                        | "needs"
                        | "wants"
                        | "says"
                        | "said"
                        | "asked"
                )
            }))
}

fn restore_quotes(c: &mut Clause, quotes: &Quotes) {
    c.text = quotes.restore(&c.text);
    if let Frame::Say(s) = &mut c.frame {
        *s = quotes.restore(s);
    }
}

#[cfg(test)]
mod tests;
