//! Deterministic phrase rules: "go to X", "find X", "turn left 90 degrees", "X then Y",
//! "where did you see X". The baseline every other planner is measured against, and a
//! planner that is right whenever it answers.

use embodia_actuation::skills::targets::normalize;
use embodia_actuation::{Plan, Step};

use super::llm::describe_sighting;
use super::{PlanRequest, Planner, PlannerError, WorldSummary};

/// The rule planner.
#[derive(Debug, Default, Clone)]
pub struct RulePlanner;

const GO: &[&str] = &[
    "go back to",
    "navigate to",
    "head over to",
    "head to",
    "drive to",
    "move to",
    "return to",
    "come back to",
    "walk to",
    "get to",
    "go into",
    "go over to",
    "go to",
];
const FIND: &[&str] = &[
    "look for",
    "search for",
    "find",
    "locate",
    "fetch",
    "get me",
    "bring me",
];
const WHERE: &[&str] = &[
    "where did you see",
    "where did you last see",
    "where is",
    "where's",
    "have you seen",
];
const POLITE: &[&str] = &[
    "please",
    "could you",
    "can you",
    "would you",
    "robot,",
    "hey,",
    "now",
];

fn strip_any<'a>(text: &'a str, prefixes: &[&str]) -> Option<&'a str> {
    prefixes
        .iter()
        .find_map(|p| text.strip_prefix(p).map(str::trim))
}

fn strip_politeness(mut t: &str) -> &str {
    loop {
        let before = t;
        for p in POLITE {
            if let Some(rest) = t.strip_prefix(p) {
                t = rest.trim_start_matches([',', ' ']);
            }
            if let Some(rest) = t.strip_suffix(p) {
                t = rest.trim_end_matches([',', ' ']);
            }
        }
        if t == before {
            return t.trim();
        }
    }
}

fn number(word: &str) -> Option<f64> {
    let w = word.trim_end_matches(['.', ',']);
    if let Ok(v) = w.parse::<f64>() {
        return v.is_finite().then_some(v);
    }
    let words = [
        ("a", 1.0),
        ("an", 1.0),
        ("one", 1.0),
        ("two", 2.0),
        ("three", 3.0),
        ("four", 4.0),
        ("five", 5.0),
        ("six", 6.0),
        ("ten", 10.0),
        ("half", 0.5),
        ("ninety", 90.0),
        ("forty-five", 45.0),
    ];
    words.iter().find(|(n, _)| *n == w).map(|(_, v)| *v)
}

/// The first number in `text` and the words after it.
fn quantity(text: &str) -> Option<(f64, String)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    words
        .iter()
        .enumerate()
        .find_map(|(i, w)| number(w).map(|v| (v, words[i + 1..].join(" "))))
}

fn is_known_target(target: &str, world: &WorldSummary) -> bool {
    let t = normalize(target);
    world.places.iter().any(|p| p.eq_ignore_ascii_case(&t))
        || world
            .objects
            .iter()
            .any(|o| o.name.eq_ignore_ascii_case(&t) || o.class.eq_ignore_ascii_case(&t))
        || t.split(',').count() == 2 && t.split(',').all(|n| n.trim().parse::<f64>().is_ok())
}

fn one_command(text: &str, world: &WorldSummary) -> Result<Vec<Step>, PlannerError> {
    let t = strip_politeness(text.trim().trim_end_matches(['.', '!', '?']).trim());
    if let Some(target) = strip_any(t, WHERE) {
        return Ok(vec![Step::Say {
            text: describe_sighting(target, world),
        }]);
    }
    if let Some(target) = strip_any(t, GO) {
        let target = normalize(target);
        if target.is_empty() {
            return Err(PlannerError::NotUnderstood(format!("go where? ({t:?})")));
        }
        if is_known_target(&target, world) {
            return Ok(vec![Step::NavigateTo { target }]);
        }
        return Ok(vec![
            Step::LookFor {
                target: target.clone(),
            },
            Step::NavigateTo { target },
        ]);
    }
    if let Some(target) = strip_any(t, FIND) {
        let target = normalize(target);
        if target.is_empty() {
            return Err(PlannerError::NotUnderstood(format!("find what? ({t:?})")));
        }
        return Ok(vec![
            Step::LookFor {
                target: target.clone(),
            },
            Step::NavigateTo { target },
        ]);
    }
    if t == "stop" || t == "halt" || t == "stop moving" {
        return Ok(vec![Step::Stop]);
    }
    if let Some(rest) = strip_any(t, &["say"]) {
        return Ok(vec![Step::Say {
            text: rest.trim_matches(['"', '\'']).to_owned(),
        }]);
    }
    if t == "turn around" || t == "spin around" {
        return Ok(vec![Step::Rotate {
            degrees: if t.starts_with("spin") { 360.0 } else { 180.0 },
        }]);
    }
    if let Some(rest) = strip_any(t, &["turn", "rotate"]) {
        let (sign, rest) =
            if let Some(r) = strip_any(rest, &["left", "counterclockwise", "anticlockwise"]) {
                (1.0, r)
            } else if let Some(r) = strip_any(rest, &["right", "clockwise"]) {
                (-1.0, r)
            } else {
                (1.0, rest)
            };
        let degrees = match quantity(rest) {
            Some((v, unit)) if unit.starts_with("rad") => v.to_degrees(),
            Some((v, _)) => v,
            None => 90.0,
        };
        return Ok(vec![Step::Rotate {
            degrees: sign * degrees,
        }]);
    }
    if let Some(rest) = strip_any(t, &["move", "drive", "go", "back up", "reverse"]) {
        let backwards =
            t.starts_with("back up") || t.starts_with("reverse") || rest.starts_with("back");
        if let Some((v, unit)) = quantity(rest) {
            let metres = if unit.starts_with("cm") || unit.starts_with("centimet") {
                v / 100.0
            } else {
                v
            };
            return Ok(vec![Step::Move {
                metres: if backwards { -metres } else { metres },
            }]);
        }
    }
    if let Some(rest) = strip_any(t, &["wait", "pause"]) {
        let seconds = match quantity(rest) {
            Some((v, unit)) if unit.starts_with("min") => v * 60.0,
            Some((v, _)) => v,
            None => 5.0,
        };
        return Ok(vec![Step::Wait { seconds }]);
    }
    Err(PlannerError::NotUnderstood(format!(
        "no rule matches {t:?}"
    )))
}

/// Splits "X then Y", "X, then Y", "X; Y", "X and then Y", and "X and Y" when Y is a command.
fn split_commands(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut parts: Vec<String> = vec![lower];
    for sep in [" and then ", ", then ", " then ", ";", ". "] {
        parts = parts
            .iter()
            .flat_map(|p| p.split(sep).map(str::to_owned).collect::<Vec<_>>())
            .collect();
    }
    let starts_command = |s: &str| {
        let s = strip_politeness(s.trim());
        GO.iter()
            .chain(FIND)
            .chain(WHERE)
            .chain(&[
                "turn", "rotate", "move", "drive", "wait", "say", "stop", "back up",
            ])
            .any(|v| s.starts_with(v))
    };
    parts
        .into_iter()
        .flat_map(|p| {
            let pieces: Vec<&str> = p.split(" and ").collect();
            if pieces.len() > 1 && pieces[1..].iter().all(|q| starts_command(q)) {
                pieces.into_iter().map(str::to_owned).collect()
            } else {
                vec![p]
            }
        })
        .map(|p| p.trim().trim_start_matches(',').trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Words that make a target a description to interpret ("something to read") rather
/// than a name to search for: such tasks go to the language model.
const VAGUE: &[&str] = &[
    "something",
    "anything",
    "everything",
    "somewhere",
    "anywhere",
    "stuff",
    "thing",
    "things",
    "it",
    "me",
    "you",
    "your",
    "them",
    "one",
    "where",
    "what",
    "which",
    "to",
    "for",
    "with",
    "of",
    "in",
    "on",
    "at",
    "next",
    "near",
    "by",
    "from",
    "and",
    "or",
    "is",
    "are",
    "was",
    "last",
    "please",
];

/// A bare name: one to three words, letters or digits, none of them [`VAGUE`].
fn is_bare_name(target: &str) -> bool {
    let words: Vec<&str> = target.split_whitespace().collect();
    (1..=3).contains(&words.len())
        && words
            .iter()
            .all(|w| w.chars().all(|c| c.is_alphanumeric() || c == '-') && !VAGUE.contains(w))
}

/// Whether `t` (lower case, politeness stripped) has one of the exact shapes whose
/// meaning the rules cannot get wrong: a known or bare target after a verb of going,
/// finding or asking; a turn with its side and angle; a move with its direction and
/// distance; a wait with its duration; "say ..."; "stop".
fn has_plain_shape(t: &str, world: &WorldSummary) -> bool {
    static SHAPES: std::sync::OnceLock<Vec<regex::Regex>> = std::sync::OnceLock::new();
    let shapes = SHAPES.get_or_init(|| {
        let num = r"(\d+(\.\d+)?|one|two|three|four|five|six|ten|half a|a)";
        [
            format!(r"^(turn|rotate) (left|right) (by )?{num} (degrees?|deg)$"),
            r"^turn around$".to_owned(),
            format!(
                r"^(move|drive|go) (forward|ahead|back|backwards?) {num} (m|metres?|meters?|cm|centimetres?|centimeters?)$"
            ),
            format!(r"^(back up|reverse) {num} (m|metres?|meters?|cm|centimetres?|centimeters?)$"),
            format!(r"^(wait|pause)( here)?( for)? {num} (s|secs?|seconds?|minutes?)$"),
            r"^(stop|halt|stop moving)$".to_owned(),
            r#"^say [^;]+$"#.to_owned(),
        ]
        .iter()
        .map(|r| regex::Regex::new(r).expect("fixed pattern"))
        .collect()
    });
    if shapes.iter().any(|r| r.is_match(t)) {
        return true;
    }
    let target_ok = |rest: &str| {
        let target = normalize(rest);
        is_known_target(&target, world) || is_bare_name(&target)
    };
    strip_any(t, WHERE).is_some_and(target_ok)
        || strip_any(t, GO).is_some_and(target_ok)
        || strip_any(t, FIND).is_some_and(target_ok)
}

/// The plan the rules give when every part of the task has a plain shape
/// ([`has_plain_shape`]), else `None`. The LLM planner takes these without asking the model:
/// a rule fast path for the tasks rules cannot get wrong, the model for paraphrases,
/// descriptions and everything else.
pub fn confident_plan(request: &PlanRequest) -> Option<Plan> {
    if let Some(failed) = &request.previous_failure
        && !failed.failure.retryable
    {
        return None;
    }
    let mut steps = Vec::new();
    for part in split_commands(&request.task) {
        let t = strip_politeness(part.trim().trim_end_matches(['.', '!', '?']).trim());
        if !has_plain_shape(t, &request.world) {
            return None;
        }
        steps.extend(one_command(&part, &request.world).ok()?);
    }
    (!steps.is_empty()).then(|| Plan::new(steps))
}

impl Planner for RulePlanner {
    fn name(&self) -> &str {
        "rules"
    }

    fn plan(&self, request: &PlanRequest) -> Result<Plan, PlannerError> {
        if let Some(failed) = &request.previous_failure
            && !failed.failure.retryable
        {
            return Err(PlannerError::NotUnderstood(failed.failure.reason.clone()));
        }
        let mut steps = Vec::new();
        for part in split_commands(&request.task) {
            steps.extend(one_command(&part, &request.world)?);
        }
        if steps.is_empty() {
            return Err(PlannerError::NotUnderstood("the task is empty".into()));
        }
        Ok(Plan::new(steps))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::planner::KnownObject;

    fn world() -> WorldSummary {
        WorldSummary {
            places: vec!["kitchen".into(), "living room".into(), "study".into()],
            objects: vec![KnownObject {
                name: "green mug".into(),
                class: "mug".into(),
                x: 0.6,
                y: 5.2,
                place: Some("kitchen".into()),
                seen_ago_s: 42.0,
            }],
            ..Default::default()
        }
    }

    fn plan(task: &str) -> Vec<Step> {
        RulePlanner
            .plan(&PlanRequest {
                task: task.into(),
                world: world(),
                memories: vec![],
                previous_failure: None,
                cancel: Default::default(),
            })
            .unwrap_or_else(|e| panic!("{task:?}: {e}"))
            .steps
    }

    fn nav(t: &str) -> Step {
        Step::NavigateTo { target: t.into() }
    }

    #[test]
    fn going_places() {
        assert_eq!(plan("go to the kitchen"), [nav("kitchen")]);
        assert_eq!(plan("Please head over to the study."), [nav("study")]);
        assert_eq!(plan("go back to the green mug"), [nav("green mug")]);
        assert_eq!(plan("go to 2.5, 6.0"), [nav("2.5, 6.0")]);
    }

    #[test]
    fn finding_things_searches_then_approaches() {
        let look = |t: &str| vec![Step::LookFor { target: t.into() }, nav(t)];
        assert_eq!(plan("find the red cup"), look("red cup"));
        assert_eq!(plan("could you look for a book"), look("book"));
        assert_eq!(
            plan("go to the red cup"),
            look("red cup"),
            "not seen yet: search first"
        );
    }

    #[test]
    fn turning_and_moving() {
        assert_eq!(
            plan("turn left 90 degrees"),
            [Step::Rotate { degrees: 90.0 }]
        );
        assert_eq!(
            plan("turn right 45 degrees"),
            [Step::Rotate { degrees: -45.0 }]
        );
        assert_eq!(plan("turn around"), [Step::Rotate { degrees: 180.0 }]);
        assert_eq!(
            plan("move forward 1.5 metres"),
            [Step::Move { metres: 1.5 }]
        );
        assert_eq!(plan("back up 50 cm"), [Step::Move { metres: -0.5 }]);
        assert_eq!(plan("wait 3 seconds"), [Step::Wait { seconds: 3.0 }]);
        assert_eq!(plan("stop"), [Step::Stop]);
    }

    #[test]
    fn sequences() {
        assert_eq!(
            plan("go to the kitchen then go to the study"),
            [nav("kitchen"), nav("study")]
        );
        assert_eq!(
            plan("go to the kitchen and say hello"),
            [
                nav("kitchen"),
                Step::Say {
                    text: "hello".into()
                }
            ]
        );
        assert_eq!(
            plan("go to the living room; turn left"),
            [nav("living room"), Step::Rotate { degrees: 90.0 }]
        );
    }

    #[test]
    fn questions_are_answered_with_say() {
        match &plan("where did you see the green mug?")[..] {
            [Step::Say { text }] => assert!(
                text.contains("(0.6, 5.2)") && text.contains("kitchen"),
                "{text}"
            ),
            p => panic!("{p:?}"),
        }
        match &plan("where is the purple elephant")[..] {
            [Step::Say { text }] => {
                assert!(text.contains("have not seen purple elephant"), "{text}")
            }
            p => panic!("{p:?}"),
        }
    }

    fn confident(task: &str) -> Option<Vec<Step>> {
        confident_plan(&PlanRequest {
            task: task.into(),
            world: world(),
            memories: Vec::new(),
            previous_failure: None,
            cancel: Default::default(),
        })
        .map(|p| p.steps)
    }

    #[test]
    fn plain_tasks_take_the_fast_path_with_the_rules_plan() {
        for task in [
            "go to the kitchen",
            "please head to the study",
            "find the green mug",
            "look for the yellow scarf",
            "where did you see the green mug?",
            "turn left 30 degrees",
            "turn right by 45 degrees",
            "move forward 2 metres",
            "back up 50 cm",
            "wait for 10 seconds",
            "say hello there",
            "stop",
            "go to the kitchen and then find the green mug",
        ] {
            assert_eq!(confident(task), Some(plan(task)), "{task}");
        }
    }

    #[test]
    fn descriptions_paraphrases_and_odd_shapes_are_left_to_the_model() {
        for task in [
            "find something to read",
            "find me something to sleep on",
            "go next to the fridge",
            "rotate 90 degrees to the right",
            "spin right by 120 degrees",
            "turn left",
            "wait a moment",
            "move forward",
            "hold still for 20 seconds",
            "any idea where the remote is?",
            "go to the kitchen and make coffee",
            "kindly proceed to the study",
            "",
        ] {
            assert_eq!(confident(task), None, "{task}");
        }
    }

    #[test]
    fn a_replan_takes_the_same_path_and_a_permanent_failure_none() {
        let mut request = PlanRequest {
            task: "go to the kitchen".into(),
            world: world(),
            memories: Vec::new(),
            previous_failure: Some(crate::planner::FailedStep {
                step: Step::NavigateTo {
                    target: "kitchen".into(),
                },
                failure: embodia_actuation::Failure {
                    reason: "the path is blocked".into(),
                    retryable: true,
                },
            }),
            cancel: Default::default(),
        };
        assert!(confident_plan(&request).is_some());
        if let Some(f) = request.previous_failure.as_mut() {
            f.failure.retryable = false;
        }
        assert!(confident_plan(&request).is_none());
    }

    #[test]
    fn gibberish_is_not_understood() {
        let r = RulePlanner.plan(&PlanRequest {
            task: "sing me the song of my people".into(),
            world: world(),
            memories: vec![],
            previous_failure: None,
            cancel: Default::default(),
        });
        assert!(matches!(r, Err(PlannerError::NotUnderstood(_))));
    }
}
