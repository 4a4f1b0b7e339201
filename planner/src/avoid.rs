//! Places a person asks the robot to keep out of for one task: "get to the information point
//! but keep out of the café, they're mopping". Like a pace, this can only narrow what the
//! robot does: the navigator routes around them, and the safety gate's own keep-out zones
//! stay what they are.

use crate::grounding::content_words;
use crate::request::KnownPlace;
use crate::text::edit_distance;

/// Phrases after which the places not to enter are named.
const KEEP_OUT_OF: &[&str] = &[
    "keep out of",
    "stay out of",
    "keep away from",
    "stay away from",
    "steer clear of",
    "keep clear of",
    "stay clear of",
    "keep off",
    "stay off",
    "avoid",
    "avoiding",
    "don't go through",
    "do not go through",
    "don't go into",
    "do not go into",
    "don't go in",
    "don't go near",
    "don't walk through",
    "don't walk across",
    "do not walk across",
    "don't cross",
    "do not cross",
    "don't pass through",
    "don't drive through",
    "without going through",
    "without passing through",
    "without going into",
    "without crossing",
    "without walking through",
    "without passing",
    "without entering",
    "without going past",
    "not through",
    "not via",
    "rather than through",
    "instead of through",
];

/// Words that deny a way through when a word of going and a word of a path follow them
/// ("without cutting across", "never drive over", "don't nip through").
const DENY_ROUTE: &[&str] = &[
    "without", "not", "never", "don't", "dont", "avoid", "avoiding",
];

/// Words of a path through or past a place.
const PATH_WORDS: &[&str] = &["through", "across", "into", "over", "past", "via", "thru"];

/// Words that are never the going between a denial and a path word.
const NOT_GOING: &[&str] = &[
    "the", "a", "an", "this", "that", "it", "them", "there", "here", "i", "you", "we", "they",
    "is", "are", "was", "be", "and", "or", "to",
];

/// The length in words of a prohibition of a route that starts `words` ("without cutting
/// across", "do not go through", "not via"): a denial, at most two words of going, and a
/// path word. What follows it names what to keep out of.
pub fn route_prohibition_len(words: &[&str]) -> Option<usize> {
    let bare = |w: &str| {
        w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
            .to_owned()
    };
    let first = bare(words.first()?);
    let mut at = match first.as_str() {
        "do" | "did" | "does" if words.get(1).map(|w| bare(w)).as_deref() == Some("not") => 2,
        w if DENY_ROUTE.contains(&w) => 1,
        _ => return None,
    };
    let start = at;
    while at < words.len() && at - start <= 2 {
        let w = bare(words[at]);
        if PATH_WORDS.contains(&w.as_str()) {
            return Some(at + 1);
        }
        if NOT_GOING.contains(&w.as_str()) || w.chars().any(|c| c.is_ascii_digit()) {
            return None;
        }
        at += 1;
    }
    None
}

/// Words that end the span naming what to keep out of.
const SPAN_ENDS: &[&str] = &[
    "because", "as", "since", "they're", "they", "we're", "we", "it's", "its", "someone",
    "somebody", "there's", "then", "but", "so", "while", "please", "to", "go", "get",
];

/// Words after which what is named is where something is, not what to keep out of
/// ("avoid the queue at reception").
const LOCATING: &[&str] = &["at", "in", "by", "near", "inside", "on", "of", "from"];

/// Words before a prohibition that take it back ("no need to avoid the café").
const TAKEN_BACK: &[&str] = &["no need to", "don't need to", "do not need to", "needn't"];

/// The places of `places` the task asks to keep out of, by name as known; never a place the
/// task also sends the robot to ("go to the kitchen and avoid the kitchen table").
pub fn places_to_avoid(task: &str, places: &[KnownPlace]) -> Vec<String> {
    let text = task.to_lowercase().replace('’', "'");
    // Sentence punctuation ends a span; the words are compared without it.
    let clauses: Vec<&str> = text
        .split([',', ';', '.', '!', '?', '-', '('])
        .map(str::trim)
        .collect();
    let mut out: Vec<String> = Vec::new();
    let mut elsewhere: Vec<String> = Vec::new();
    for clause in clauses {
        let ws: Vec<&str> = clause.split_whitespace().collect();
        let mut said_outside: Vec<&str> = Vec::new();
        let mut i = 0;
        while i < ws.len() {
            let listed = KEEP_OUT_OF
                .iter()
                .map(|p| p.split(' ').count())
                .filter(|&n| ws.len() >= i + n)
                .find(|&n| KEEP_OUT_OF.contains(&ws[i..i + n].join(" ").as_str()));
            let Some(len) = listed.or_else(|| route_prohibition_len(&ws[i..])) else {
                said_outside.push(ws[i]);
                i += 1;
                continue;
            };
            let before = ws[..i].join(" ");
            let taken_back = TAKEN_BACK.iter().any(|t| before.ends_with(t));
            let start = i + len;
            let span: Vec<&str> = ws[start..]
                .iter()
                .take_while(|w| !SPAN_ENDS.contains(w))
                .copied()
                .collect();
            i = start + span.len();
            // The noun phrase that starts the span, not where it is.
            let thing: Vec<&str> = span
                .iter()
                .take_while(|w| !LOCATING.contains(w))
                .copied()
                .collect();
            if taken_back {
                continue;
            }
            for name in named_in(&thing.join(" "), places) {
                if !out.contains(&name) {
                    out.push(name);
                }
            }
        }
        elsewhere.extend(named_in(&said_outside.join(" "), places));
    }
    out.retain(|n| !elsewhere.contains(n));
    out
}

/// The places a span of words names: every word of a name said ("the open office and the
/// kitchen" names two); else a name's noun, when only one place has it ("the café" names
/// "Potting Shed Café"; "the hall" names no one of two halls).
fn named_in(span: &str, places: &[KnownPlace]) -> Vec<String> {
    let said = content_words(span);
    if said.is_empty() {
        return Vec::new();
    }
    let close = |a: &str, b: &str| a == b || (a.len() >= 5 && edit_distance(a, b) <= 1);
    let names = |p: &'_ KnownPlace| -> Vec<Vec<String>> {
        std::iter::once(&p.name)
            .chain(&p.aliases)
            .map(|n| content_words(n))
            .filter(|n| !n.is_empty())
            .collect()
    };
    let fully: Vec<String> = places
        .iter()
        .filter(|p| {
            names(p)
                .iter()
                .any(|n| n.iter().all(|w| said.iter().any(|s| close(s, w))))
        })
        .map(|p| p.name.clone())
        .collect();
    if !fully.is_empty() {
        // "stage left" said: "the stage" is part of that name, not said itself.
        let words: Vec<Vec<String>> = fully.iter().map(|n| content_words(n)).collect();
        return fully
            .iter()
            .zip(&words)
            .filter(|(_, w)| {
                !words
                    .iter()
                    .any(|o| o.len() > w.len() && w.iter().all(|x| o.contains(x)))
            })
            .map(|(n, _)| n.clone())
            .collect();
    }
    let by_noun: Vec<String> = places
        .iter()
        .filter(|p| {
            names(p)
                .iter()
                .any(|n| n.last().is_some_and(|w| said.iter().any(|s| close(s, w))))
        })
        .map(|p| p.name.clone())
        .collect();
    if by_noun.len() == 1 {
        by_noun
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embodia_world::V2;

    fn place(name: &str) -> KnownPlace {
        KnownPlace::disc(name, V2::new(0.0, 0.0), 1.0)
    }

    fn places() -> Vec<KnownPlace> {
        [
            "Potting Shed Café",
            "information point",
            "open office",
            "the stage",
            "stage left",
            "kitchen",
        ]
        .into_iter()
        .map(place)
        .collect()
    }

    #[test]
    fn places_said_after_a_prohibition_are_kept_out_of() {
        let cases: [(&str, &[&str]); 8] = [
            (
                "get to the information point but keep out of the café, they're mopping",
                &["Potting Shed Café"],
            ),
            (
                "go to the kitchen without passing through the open office",
                &["open office"],
            ),
            (
                "Go to stage left by the crossover behind, don't walk across the stage",
                &["the stage"],
            ),
            (
                "avoid the open office and the kitchen on your way",
                &["open office", "kitchen"],
            ),
            ("keep away from the kichen please", &["kitchen"]),
            (
                "go to the kitchen and keep off the open office, it's wet",
                &["open office"],
            ),
            (
                "Go to the kitchen without cutting across the open office or the stage",
                &["open office", "the stage"],
            ),
            (
                "head over to the information point, never nip through the café",
                &["Potting Shed Café"],
            ),
        ];
        for (task, want) in cases {
            assert_eq!(places_to_avoid(task, &places()), want, "{task}");
        }
    }

    #[test]
    fn a_noun_two_places_share_names_neither_but_a_whole_name_names_one() {
        let halls: Vec<KnownPlace> = ["north hall", "south hall"]
            .into_iter()
            .map(place)
            .collect();
        assert_eq!(
            places_to_avoid("keep out of the south hall", &halls),
            ["south hall"]
        );
        assert!(places_to_avoid("keep out of the hall", &halls).is_empty());
    }

    #[test]
    fn a_place_the_task_goes_to_or_only_locates_something_is_not_avoided() {
        for task in [
            "go to the kitchen and avoid the kitchen table",
            "go to the information point, avoid the queue at the kitchen",
            "no need to avoid the open office, go to the kitchen",
        ] {
            assert!(places_to_avoid(task, &places()).is_empty(), "{task}");
        }
    }

    #[test]
    fn a_denial_then_going_then_a_path_word_prohibits_a_route() {
        let len = |t: &str| route_prohibition_len(&t.split(' ').collect::<Vec<_>>());
        assert_eq!(len("without cutting across the yard"), Some(3));
        assert_eq!(len("do not go through it"), Some(4));
        assert_eq!(len("not via the hall"), Some(2));
        assert_eq!(len("don't you dare go over"), None);
        assert_eq!(len("not in the kitchen"), None);
        assert_eq!(len("without the hall across"), None);
        assert_eq!(len("never 2 over"), None);
    }

    #[test]
    fn a_task_without_a_prohibition_avoids_nothing() {
        for task in [
            "go to the kitchen",
            "go to the open office through the kitchen",
            "find the café menu",
            "go round the kitchen and see who is there",
        ] {
            assert!(places_to_avoid(task, &places()).is_empty(), "{task}");
        }
    }
}
