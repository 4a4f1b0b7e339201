//! "Now go to the blue one": "one" stands for the kind of thing said before ("the red
//! trolley" -> "the blue trolley"). The kind is the head noun of the earlier phrase; what
//! qualifies the new "one" (colour, size, where it is) stays its own.

use super::lexicon::DISTINGUISHING;

/// Words before "one" that make it a stand-in for a noun ("the other one", "the big one"),
/// besides colours and materials.
const BEFORE_ONE: &[&str] = &[
    "the", "a", "that", "this", "other", "another", "same", "big", "bigger", "biggest", "small",
    "smaller", "smallest", "little", "large", "larger", "tall", "taller", "short", "new", "old",
    "first", "second", "third", "last", "next", "left", "right", "near", "nearer", "far",
    "farther", "further", "empty", "full", "clean", "dirty", "spare", "broken", "round", "square",
    "long", "wide", "narrow", "heavy", "light", "dark", "pale",
];

/// Words that end a noun phrase: its head noun is the word before.
const PHRASE_ENDS: &[&str] = &[
    "that", "which", "who", "where", "with", "in", "on", "at", "by", "near", "next", "up", "down",
    "beside", "behind", "under", "over", "from", "for", "of", "we", "you", "i", "they", "to",
    "out", "inside", "outside", "opposite", "between",
];

/// The head noun of a phrase naming a thing ("silver car up on the first lift" -> "car").
pub fn head_noun(phrase: &str) -> Option<String> {
    let ws: Vec<String> = crate::text::words(&phrase.to_lowercase());
    let head: Vec<&String> = ws
        .iter()
        .take_while(|w| !PHRASE_ENDS.contains(&w.as_str()))
        .filter(|w| !matches!(w.as_str(), "the" | "a" | "an" | "my" | "your" | "our"))
        .collect();
    let noun = head.last()?;
    (noun.as_str() != "one"
        && noun.chars().all(|c| c.is_alphabetic())
        && !DISTINGUISHING.contains(&noun.as_str()))
    .then(|| noun.to_string())
}

/// `phrase` with a "one" that stands in for a noun replaced by `noun` ("blue one with the
/// clean sheets on" -> "blue trolley with the clean sheets on"); `None` when no "one" in it
/// stands for a noun ("bay one", "one of the chairs").
pub fn one_said_for(phrase: &str, noun: &str) -> Option<String> {
    let ws: Vec<&str> = phrase.split_whitespace().collect();
    let at = ws.iter().enumerate().position(|(i, w)| {
        let before = i.checked_sub(1).map(|b| ws[b].to_lowercase());
        let after = ws.get(i + 1).map(|a| a.to_lowercase());
        w.eq_ignore_ascii_case("one")
            && after.as_deref() != Some("of")
            && before
                .as_deref()
                .is_none_or(|b| BEFORE_ONE.contains(&b) || DISTINGUISHING.contains(&b))
    })?;
    let mut out: Vec<&str> = ws.clone();
    out[at] = noun;
    Some(out.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_noun_is_the_last_word_before_what_qualifies_it() {
        assert_eq!(head_noun("red trolley").as_deref(), Some("trolley"));
        assert_eq!(
            head_noun("silver car up on the first lift").as_deref(),
            Some("car")
        );
        assert_eq!(
            head_noun("machine that tumbles the towels dry").as_deref(),
            Some("machine")
        );
        assert_eq!(head_noun("the blue one"), None);
        assert_eq!(head_noun("red"), None);
    }

    #[test]
    fn one_after_an_article_or_a_quality_stands_for_the_noun() {
        assert_eq!(
            one_said_for("blue one with the clean sheets on", "trolley").as_deref(),
            Some("blue trolley with the clean sheets on")
        );
        assert_eq!(
            one_said_for("one next to it that washes them", "machine").as_deref(),
            Some("machine next to it that washes them")
        );
        assert_eq!(
            one_said_for("big white one in the bay next to it", "car").as_deref(),
            Some("big white car in the bay next to it")
        );
        assert_eq!(one_said_for("bay one", "car"), None);
        assert_eq!(one_said_for("one of the chairs", "car"), None);
        assert_eq!(one_said_for("kitchen", "car"), None);
    }
}
