//! The plan language the model writes: short commands separated by "; ", e.g.
//! `go to kitchen; find green mug`. A 135M model copies this far more reliably than JSON
//! (design.md section 5). The grammar is built per request from the skills, the places and
//! objects the agent knows, the words of the task, and the plan limits, so an unknown skill,
//! an unknown place or an out-of-range number cannot be written at all.

use embodia_actuation::{PlanLimits, Step};

use super::numbers::{decimal_upto, uint_upto};
use super::syntax::{Expr, GbnfError, Grammar, Rule};
use crate::grounding::{Grounder, Meaning, PLAUSIBLE};
use crate::request::MemoryHandle;
use crate::{PlannerError, WorldSummary, answer};

/// Longest `say` text the model may write; answers about sightings come from memory instead.
const SAY_CHARS: usize = 80;
/// Longest phrase of the task that may name a thing to search for.
const MENTION_WORDS: usize = 3;

/// The vocabulary of one request.
#[derive(Debug, Clone, PartialEq)]
pub struct Vocabulary {
    /// Places on the map.
    pub places: Vec<String>,
    /// Objects seen (now or remembered): names and classes.
    pub objects: Vec<String>,
    /// Phrases of the task text that could name something not seen yet.
    pub mentions: Vec<String>,
}

const STOP_WORDS: &[&str] = &[
    "the",
    "a",
    "an",
    "to",
    "and",
    "then",
    "please",
    "go",
    "find",
    "for",
    "look",
    "search",
    "me",
    "you",
    "can",
    "could",
    "would",
    "my",
    "your",
    "of",
    "in",
    "on",
    "at",
    "is",
    "it",
    "i",
    "did",
    "see",
    "where",
    "there",
    "this",
    "that",
    "some",
    "something",
    "drive",
    "head",
    "over",
    "back",
    "get",
    "move",
    "turn",
    "say",
    "wait",
    "stop",
    "with",
    "by",
    "from",
    "into",
    "up",
    "down",
    "robot",
    "now",
    "hey",
    "have",
    "seen",
    "last",
    "what",
    "which",
    "be",
    "are",
    "was",
    "were",
];

impl Vocabulary {
    /// Everything the request lets the model name.
    pub fn of(task: &str, world: &WorldSummary) -> Self {
        let mut places: Vec<String> = world.places.iter().map(|p| p.name.to_lowercase()).collect();
        places.sort();
        places.dedup();
        let mut objects: Vec<String> = world
            .objects
            .iter()
            .flat_map(|o| [o.name.to_lowercase(), o.class.to_lowercase()])
            .filter(|n| !n.is_empty() && !places.contains(n))
            .collect();
        objects.sort();
        objects.dedup();
        let words: Vec<String> = task
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'')
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        // Maximal runs of content words ("red cup", not "red" and "cup"), up to a few words.
        let content = |s: &str| !STOP_WORDS.contains(&s) && !s.chars().all(|c| c.is_ascii_digit());
        let mut mentions = Vec::new();
        let mut run: Vec<&str> = Vec::new();
        for w in words
            .iter()
            .map(String::as_str)
            .chain(std::iter::once("the"))
        {
            if content(w) {
                run.push(w);
                continue;
            }
            if !run.is_empty() {
                let start = run.len().saturating_sub(MENTION_WORDS);
                let m = run[start..].join(" ");
                if !places.contains(&m) && !objects.contains(&m) && !mentions.contains(&m) {
                    mentions.push(m);
                }
                run.clear();
            }
        }
        Self {
            places,
            objects,
            mentions,
        }
    }

    /// Whether `target` is a place or an object the agent knows.
    pub fn is_known(&self, target: &str) -> bool {
        self.places.iter().chain(&self.objects).any(|t| t == target)
    }
}

/// The Lark grammar of plans for this vocabulary and these limits.
pub fn grammar(vocab: &Vocabulary, limits: &PlanLimits) -> String {
    plan_grammar(vocab, limits).to_lark()
}

/// The same grammar as GBNF, for an inference server (llama.cpp's `grammar` field).
pub fn gbnf(vocab: &Vocabulary, limits: &PlanLimits) -> Result<String, GbnfError> {
    plan_grammar(vocab, limits).to_gbnf()
}

/// The grammar of plans for this vocabulary and these limits, as data.
pub fn plan_grammar(vocab: &Vocabulary, limits: &PlanLimits) -> Grammar {
    use Expr::{Alt, Lit, Ref, Repeat, Seq};
    let lit = |s: &str| Lit(s.to_owned());
    let r = |s: &str| Ref(s.to_owned());
    let max_steps = limits.max_steps.clamp(1, 6) as u32;
    let deg = uint_upto((limits.max_rotate_degrees.min(360.0)).floor().max(1.0) as u32);
    let metres = decimal_upto(limits.max_move_metres.floor().max(1.0) as u32);
    let seconds = uint_upto(limits.max_wait_seconds.floor().max(1.0) as u32);
    let say = limits.max_say_chars.min(SAY_CHARS);
    // Only what exists is offered: a command whose argument could not be written would let
    // the model start it and then leave it nowhere to go.
    let things: Vec<Expr> = [("object", &vocab.objects), ("mention", &vocab.mentions)]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(n, _)| r(n))
        .collect();
    let destinations: Vec<Expr> = [("place", &vocab.places), ("object", &vocab.objects)]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(n, _)| r(n))
        .chain([r("point")])
        .collect();
    let mut commands = vec!["go", "turn", "move", "wait", "say", "stop", "look"];
    let mut rules = vec![Rule::Rule(
        "go".into(),
        Seq(vec![lit("go to "), Alt(destinations)]),
    )];
    if !things.is_empty() {
        commands.extend(["find", "where"]);
        rules.push(Rule::Rule(
            "find".into(),
            Seq(vec![lit("find "), Alt(things.clone())]),
        ));
        rules.push(Rule::Rule(
            "where".into(),
            Seq(vec![lit("tell where "), Alt(things)]),
        ));
    }
    let mut look = vec![lit("look around")];
    if !vocab.places.is_empty() {
        look.push(Seq(vec![lit("look around "), r("place")]));
    }
    rules.extend([
        Rule::Rule(
            "turn".into(),
            Seq(vec![
                lit("turn "),
                Alt(vec![lit("left"), lit("right")]),
                lit(" "),
                r("DEG"),
                lit(" degrees"),
            ]),
        ),
        Rule::Rule(
            "move".into(),
            Seq(vec![
                lit("move "),
                Alt(vec![lit("forward"), lit("back")]),
                lit(" "),
                r("METRES"),
                lit(" metres"),
            ]),
        ),
        Rule::Rule(
            "wait".into(),
            Seq(vec![lit("wait "), r("SECONDS"), lit(" seconds")]),
        ),
        Rule::Rule("say".into(), Seq(vec![lit("say \""), r("TEXT"), lit("\"")])),
        Rule::Rule("stop".into(), lit("stop")),
        Rule::Rule("look".into(), Alt(look)),
        Rule::Rule("point".into(), Seq(vec![r("COORD"), lit(", "), r("COORD")])),
        Rule::Terminal("DEG".into(), deg),
        Rule::Terminal("METRES".into(), metres),
        Rule::Terminal("SECONDS".into(), seconds),
        Rule::Terminal("COORD".into(), r"-?[0-9]{1,3}(\.[0-9]{1,2})?".into()),
        Rule::Terminal("TEXT".into(), format!("[A-Za-z0-9 ,.!?'-]{{1,{say}}}")),
    ]);
    for (name, items) in [
        ("place", &vocab.places),
        ("object", &vocab.objects),
        ("mention", &vocab.mentions),
    ] {
        if !items.is_empty() {
            rules.push(Rule::Rule(
                name.into(),
                Alt(items.iter().map(|i| lit(i)).collect()),
            ));
        }
    }
    let mut all = vec![
        Rule::Rule(
            "start".into(),
            Seq(vec![
                r("step"),
                Repeat(Box::new(Seq(vec![lit("; "), r("step")])), 0, max_steps - 1),
            ]),
        ),
        Rule::Rule("step".into(), Alt(commands.into_iter().map(r).collect())),
    ];
    all.extend(rules);
    Grammar { rules: all }
}

/// Turns the model's text into steps. The grammar guarantees the shape; anything else is
/// reported, never guessed at.
pub fn parse(text: &str, world: &WorldSummary) -> Result<Vec<Step>, PlannerError> {
    let bad = |what: &str| {
        PlannerError::Internal(format!(
            "the model wrote {what:?}, which is not a plan step"
        ))
    };
    let mut steps = Vec::new();
    for part in text.split("; ") {
        let num = |s: &str| s.parse::<f64>().map_err(|_| bad(part));
        if let Some(t) = part.strip_prefix("go to ") {
            steps.push(Step::NavigateTo {
                target: t.to_owned(),
            });
        } else if let Some(t) = part.strip_prefix("find ") {
            steps.push(Step::LookFor {
                target: t.to_owned(),
            });
            steps.push(Step::NavigateTo {
                target: t.to_owned(),
            });
        } else if let Some(t) = part.strip_prefix("tell where ") {
            steps.push(Step::Say {
                text: describe_sighting(t, world),
            });
        } else if let Some(rest) = part.strip_prefix("turn ") {
            let (sign, rest) = match rest.split_once(' ') {
                Some(("left", r)) => (1.0, r),
                Some(("right", r)) => (-1.0, r),
                _ => return Err(bad(part)),
            };
            let v = num(rest.trim_end_matches(" degrees"))?;
            steps.push(Step::Rotate { degrees: sign * v });
        } else if let Some(rest) = part.strip_prefix("move ") {
            let (sign, rest) = match rest.split_once(' ') {
                Some(("forward", r)) => (1.0, r),
                Some(("back", r)) => (-1.0, r),
                _ => return Err(bad(part)),
            };
            let v = num(rest.trim_end_matches(" metres"))?;
            steps.push(Step::Move { metres: sign * v });
        } else if let Some(rest) = part.strip_prefix("wait ") {
            steps.push(Step::Wait {
                seconds: num(rest.trim_end_matches(" seconds"))?,
            });
        } else if let Some(rest) = part.strip_prefix("say ") {
            steps.push(Step::Say {
                text: rest.trim_matches('"').to_owned(),
            });
        } else if part == "stop" {
            steps.push(Step::Stop);
        } else if part == "look around" {
            steps.push(Step::Describe { place: None });
        } else if let Some(p) = part.strip_prefix("look around ") {
            steps.push(Step::Describe {
                place: Some(p.to_owned()),
            });
        } else {
            return Err(bad(part));
        }
    }
    Ok(steps)
}

/// Steps written back in the command language ([`parse`]'s inverse, but for `tell where`,
/// which comes back as the `say` it became): how a plan taken without the model is logged.
pub fn command_text(steps: &[Step]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < steps.len() {
        let part = match &steps[i] {
            Step::LookFor { target } => {
                if matches!(steps.get(i + 1), Some(Step::NavigateTo { target: t }) if t == target) {
                    i += 1;
                }
                format!("find {target}")
            }
            Step::NavigateTo { target } => format!("go to {target}"),
            Step::Rotate { degrees } => format!(
                "turn {} {} degrees",
                if *degrees < 0.0 { "right" } else { "left" },
                degrees.abs()
            ),
            Step::Move { metres } => format!(
                "move {} {} metres",
                if *metres < 0.0 { "back" } else { "forward" },
                metres.abs()
            ),
            Step::Wait { seconds } => format!("wait {seconds} seconds"),
            Step::Stop => "stop".to_owned(),
            Step::Say { text } => format!("say {text:?}"),
            Step::Describe { place: None } => "look around".to_owned(),
            Step::Describe { place: Some(p) } => format!("look around {p}"),
        };
        parts.push(part);
        i += 1;
    }
    parts.join("; ")
}

/// What the agent knows about where `target` was seen: facts from perception and memory
/// (by the target's name, part of it, its class or another name of its kind), never the
/// model's words.
pub fn describe_sighting(target: &str, world: &WorldSummary) -> String {
    let g = Grounder::lexical();
    let ranked = g.objects_named(target, world, &MemoryHandle::default());
    let best = ranked.first().map_or(0.0, |r| r.score);
    let found: Vec<&crate::KnownObject> = ranked
        .iter()
        .filter(|r| r.score >= PLAUSIBLE && r.score >= best - 0.05)
        .filter_map(|r| match &r.meaning {
            Meaning::Object(n) => world.objects.iter().find(|o| &o.name == n),
            _ => None,
        })
        .collect();
    if found.is_empty() {
        answer::not_seen(&crate::grounding::content_words(target).join(" "))
    } else {
        answer::where_seen(&found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{KnownObject, KnownPlace};
    use embodia_world::V2;

    fn place(name: &str) -> KnownPlace {
        KnownPlace::disc(name, V2::new(0.0, 0.0), 1.0)
    }

    fn world() -> WorldSummary {
        WorldSummary {
            places: vec![place("Kitchen"), place("living room")],
            objects: vec![KnownObject {
                name: "green mug".into(),
                class: "mug".into(),
                color: None,
                x: 1.0,
                y: 2.0,
                place: Some("kitchen".into()),
                seen_ago_s: 12.0,
                seen_by: None,
            }],
            ..WorldSummary::default()
        }
    }

    #[test]
    fn the_vocabulary_has_places_objects_and_the_things_the_task_names() {
        let v = Vocabulary::of(
            "please find the purple elephant and then a red cup",
            &world(),
        );
        assert_eq!(v.places, ["kitchen", "living room"]);
        assert_eq!(v.objects, ["green mug", "mug"]);
        assert_eq!(v.mentions, ["purple elephant", "red cup"]);
        assert!(v.is_known("kitchen") && !v.is_known("purple elephant"));
    }

    #[test]
    fn the_grammar_lists_exactly_the_vocabulary_and_the_limits() {
        let v = Vocabulary::of("find the blue book", &world());
        let g = grammar(&v, &PlanLimits::default());
        assert!(g.contains(r#"place: "kitchen" | "living room""#), "{g}");
        assert!(g.contains(r#"mention: "blue book""#), "{g}");
        assert!(g.contains("{1,80}"), "say text is bounded: {g}");
        let empty = Vocabulary {
            places: vec![],
            objects: vec![],
            mentions: vec![],
        };
        let g = grammar(&empty, &PlanLimits::default());
        assert!(
            !g.contains("find") && !g.contains("object") && g.contains("go: \"go to \" (point)"),
            "{g}"
        );
    }

    #[test]
    fn a_server_gets_the_same_grammar_as_gbnf() {
        let v = Vocabulary::of("find the blue book", &world());
        let limits = PlanLimits {
            max_steps: 3,
            max_rotate_degrees: 45.0,
            ..PlanLimits::default()
        };
        let g = gbnf(&v, &limits).unwrap();
        for line in [
            r#"root ::= step ("; " step){0,2}"#,
            "step ::= go | turn | move | wait | say | stop | look | find | where",
            r#"go ::= "go to " (place | object | point)"#,
            r#"say ::= "say \"" TEXT "\"""#,
            r#"DEG ::= ([0-9] | [1-3] [0-9] | "4" [0-5])"#,
            r#"place ::= "kitchen" | "living room""#,
            r#"mention ::= "blue book""#,
        ] {
            assert!(g.lines().any(|l| l == line), "{line} missing from\n{g}");
        }
        // The same rules, in the same order, as the Lark the on-device decoder gets.
        let names = |text: &str, sep: &str| -> Vec<String> {
            text.lines()
                .map(|l| l.split(sep).next().unwrap_or("").to_owned())
                .collect()
        };
        let lark = names(&grammar(&v, &limits), ": ");
        let gbnf_names = names(&g, " ::= ");
        assert_eq!(lark[1..], gbnf_names[1..]);
    }

    #[test]
    fn every_command_parses_into_typed_steps() {
        let w = world();
        let steps = parse(
            "go to kitchen; find green mug; turn right 45 degrees; move back 0.5 metres; wait 3 seconds; say \"hi\"; stop; go to 1.5, -2",
            &w,
        )
        .unwrap();
        assert_eq!(
            steps,
            vec![
                Step::NavigateTo {
                    target: "kitchen".into()
                },
                Step::LookFor {
                    target: "green mug".into()
                },
                Step::NavigateTo {
                    target: "green mug".into()
                },
                Step::Rotate { degrees: -45.0 },
                Step::Move { metres: -0.5 },
                Step::Wait { seconds: 3.0 },
                Step::Say { text: "hi".into() },
                Step::Stop,
                Step::NavigateTo {
                    target: "1.5, -2".into()
                },
            ]
        );
        assert!(parse("fly to the moon", &w).is_err());
    }

    #[test]
    fn questions_are_answered_from_what_was_seen_not_by_the_model() {
        let w = world();
        let steps = parse("tell where green mug; tell where unicorn", &w).unwrap();
        assert_eq!(
            steps,
            vec![
                Step::Say {
                    text: "I last saw the green mug at (1.0, 2.0) in the kitchen, 12 seconds ago."
                        .into()
                },
                Step::Say {
                    text: "I have not seen unicorn.".into()
                },
            ]
        );
    }
}
