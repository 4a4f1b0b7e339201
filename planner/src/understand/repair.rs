//! Self-repairs: a person correcting what they just said ("go to the bedroom, sorry, I mean the
//! study"; "the dorm... actually no, make that the gym"). The corrected words replace the
//! target of the clause before them, so the robot never goes where it was told not to.

use super::clause::intent_of;

/// Words a person says while taking something back ("no", "sorry", "wait").
const TAKING_BACK: &[&str] = &[
    "no", "sorry", "wait", "actually", "oops", "oh", "er", "erm", "um", "hmm", "hang", "on",
];

/// Phrases that introduce the corrected words, longest first.
const CORRECTED_BY: &[&str] = &[
    "change that to",
    "i meant to say",
    "i mean to say",
    "scratch that",
    "make that",
    "make it",
    "or rather",
    "i meant",
    "i mean",
    "i said",
    "rather",
    "correction",
];

/// The text with a self-repair applied: the clause before it said with the corrected words.
/// Text without one is returned as it is. `text` is normalised (lower case, "," and ";"
/// attached to the word before them).
pub(super) fn repaired(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
    for start in 1..words.len() {
        // A repair starts a clause: the word before ends one.
        if !words[start - 1].ends_with([',', ';']) {
            continue;
        }
        let Some(replacement) = correction_at(&words[start..]) else {
            continue;
        };
        let before = words[..start].join(" ");
        let before = before.trim_end_matches([',', ';', ' ']);
        // The clause being corrected: after the last separator before the repair.
        let clause_start = before.rfind([',', ';']).map_or(0, |i| i + 1);
        let (kept, corrected) = before.split_at(clause_start);
        let corrected = corrected.trim();
        let redone = match intent_of(corrected) {
            Some((_, phrase, _)) => format!("{phrase} {replacement}"),
            None => replacement,
        };
        return format!("{} {redone}", kept.trim()).trim().to_owned();
    }
    text.to_owned()
}

/// The corrected words when `words` start a repair: words taking something back, then a
/// phrase introducing the new words ("sorry, i mean the study"), or two or more words taking
/// it back and later "it's ..." ("no sorry, i misread my pass, it's gate 15").
fn correction_at(words: &[&str]) -> Option<String> {
    let bare = |w: &str| w.trim_end_matches([',', ';']).to_owned();
    let taken_back = words
        .iter()
        .take_while(|w| TAKING_BACK.contains(&bare(w).as_str()))
        .count();
    let rest: Vec<String> = words[taken_back..].iter().map(|w| bare(w)).collect();
    let rest_text = rest.join(" ");
    for p in CORRECTED_BY {
        if let Some(after) = rest_text.strip_prefix(p).map(str::trim)
            && !after.is_empty()
            && !matches!(after, "it" | "that" | "this" | "so" | "what i say")
            && !after.split(' ').next().is_some_and(|w| {
                matches!(
                    w,
                    "if" | "like"
                        | "really"
                        | "seriously"
                        | "honestly"
                        | "please"
                        | "anyway"
                        | "you"
                )
            })
            && (rest_text.len() == p.len() || rest_text.as_bytes()[p.len()] == b' ')
        {
            return Some(after.to_owned());
        }
    }
    if taken_back >= 2 {
        // "no sorry, i misread my boarding pass, it's gate 15": what it is comes last.
        let tail = words[taken_back..].join(" ");
        for p in [", it's ", ", it is ", "; it's ", "; it is "] {
            if let Some(i) = tail.rfind(p) {
                return Some(tail[i + p.len()..].trim().to_owned());
            }
        }
        for p in ["it's ", "it is "] {
            if let Some(after) = tail.strip_prefix(p) {
                return Some(after.trim().to_owned());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_corrected_words_replace_the_target_of_the_clause_before() {
        assert_eq!(
            repaired("go to the bedroom, sorry, i mean the study"),
            "go to the study"
        );
        assert_eq!(
            repaired("go to the dorm; actually no, make that the gym"),
            "go to the gym"
        );
        // The clause corrected is the last before the repair; its verb carries over.
        assert_eq!(
            repaired(
                "head to the lab, then the staff room; no wait, sorry, i meant the cash office"
            ),
            "head to the lab, the cash office"
        );
        assert_eq!(
            repaired("go to gate 14; no sorry, i misread my boarding pass, it's gate 15"),
            "go to gate 15"
        );
        assert_eq!(repaired("find my keys, i mean my wallet"), "find my wallet");
    }

    #[test]
    fn words_that_only_sound_like_taking_back_change_nothing() {
        for t in [
            "go to the kitchen, no rush",
            "go to the kitchen, sorry to bother you",
            "wait there; i mean it",
            "go to the kitchen, i mean, if you don't mind",
            "go to the study",
        ] {
            assert_eq!(repaired(t), t);
        }
    }
}
