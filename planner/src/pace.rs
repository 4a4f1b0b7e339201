//! How fast a person asks the robot to go: "go to the dining room slowly, the residents are
//! walking through". A pace can only lower the robot's speed; the safety gate's limits stay
//! what they are whatever a task says.

/// The speed of a slow pace, m/s: about a slow walk, and half the simulated robot's top
/// speed.
pub const SLOW_MPS: f64 = 0.25;

/// Words that ask for a slow pace wherever they stand in the task.
const SLOW_WORDS: &[&str] = &["slowly", "carefully", "gently", "cautiously", "slow"];

/// Phrases that ask for a slow pace.
const SLOW_PHRASES: &[&str] = &[
    "at a crawl",
    "walking pace",
    "nice and easy",
    "take it easy",
];

/// Words that deny a pace said soon after them ("no need to go slowly").
const DENIALS: &[&str] = &["no", "not", "don't", "dont", "never", "needn't", "without"];

/// The highest speed the task asks for, if it asks for one.
pub fn asked(task: &str) -> Option<f64> {
    let lower = task.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    // Denied within the four words before; "slow" after an article is a name ("a slow
    // cooker"), not a pace.
    let not_a_pace = |i: usize| {
        words[i.saturating_sub(4)..i]
            .iter()
            .any(|w| DENIALS.contains(w))
            || (words[i] == "slow" && i > 0 && matches!(words[i - 1], "a" | "an" | "the"))
    };
    let slow_word = words
        .iter()
        .enumerate()
        .any(|(i, w)| SLOW_WORDS.contains(w) && !not_a_pace(i));
    let slow_phrase = SLOW_PHRASES
        .iter()
        .any(|p| format!(" {} ", words.join(" ")).contains(&format!(" {p} ")));
    (slow_word || slow_phrase).then_some(SLOW_MPS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slow_words_anywhere_ask_for_a_slow_pace() {
        for t in [
            "Go to the dining room - slowly please, the residents are walking through",
            "go slow past the tills",
            "carefully make your way to the stage",
            "take it easy on the way to the kitchen",
        ] {
            assert_eq!(asked(t), Some(SLOW_MPS), "{t}");
        }
    }

    #[test]
    fn a_task_without_them_or_with_them_denied_asks_for_nothing() {
        for t in [
            "go to the kitchen",
            "go to the slow cooker",
            "no need to go slowly, just get there",
            "quick as you can to the fire exit",
        ] {
            assert_eq!(asked(t), None, "{t}");
        }
    }
}
