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

/// A speed said in numbers ("at three metres a second", "2 m/s", "10 km/h", "5 mph"), in
/// m/s. A speed the robot cannot keep makes the task one to refuse; one it can is a pace.
pub fn stated(task: &str) -> Option<f64> {
    // "m/s" and "km/h" are one unit each, before the words are split at the slash.
    let lower = task
        .to_lowercase()
        .replace("m/s", " mps ")
        .replace("km/h", " kph ");
    let ws = crate::text::words(&lower);
    let mut fastest: Option<f64> = None;
    for i in 0..ws.len() {
        let Some((v, n)) = crate::text::number_at(&ws, i) else {
            continue;
        };
        let unit: Vec<&str> = ws[i + n..].iter().take(4).map(String::as_str).collect();
        let factor = match unit.as_slice() {
            ["mps", ..] => 1.0,
            ["kph" | "kmh" | "kmph", ..] => 1.0 / 3.6,
            ["mph", ..] => 0.447_04,
            [
                m,
                "a" | "per" | "each" | "every",
                "second" | "sec" | "s",
                ..,
            ] if is_metres(m) => 1.0,
            [m, "an" | "per" | "each" | "every", "hour" | "hr", ..] if is_kilometres(m) => {
                1.0 / 3.6
            }
            [
                "miles" | "mile",
                "an" | "per" | "each" | "every",
                "hour" | "hr",
                ..,
            ] => 0.447_04,
            _ => continue,
        };
        let mps = v * factor;
        if mps > 0.0 && fastest.is_none_or(|f| mps > f) {
            fastest = Some(mps);
        }
    }
    fastest
}

/// A pace said as a share of the robot's top speed ("at half speed", "quarter speed",
/// "at 30% speed", "at three quarters of your top speed"): the share, above 0 and below 1.
/// "Full speed" asks for no pace.
pub fn fraction(task: &str) -> Option<f64> {
    let lower = task.to_lowercase().replace('%', " percent ");
    let ws = crate::text::words(&lower);
    let speed_at = |i: usize| {
        ws[i..]
            .iter()
            .take(4)
            .take_while(|w| {
                matches!(
                    w.as_str(),
                    "of" | "your"
                        | "the"
                        | "top"
                        | "full"
                        | "max"
                        | "maximum"
                        | "speed"
                        | "pace"
                        | "power"
                        | "throttle"
                )
            })
            .any(|w| matches!(w.as_str(), "speed" | "pace" | "power" | "throttle"))
    };
    let mut slowest: Option<f64> = None;
    for i in 0..ws.len() {
        let (share, n) = match ws[i].as_str() {
            "half" => (0.5, 1),
            "quarter" if i > 0 && matches!(ws[i - 1].as_str(), "three") => continue,
            "quarter" => (0.25, 1),
            "three" if ws.get(i + 1).is_some_and(|w| w.starts_with("quarter")) => (0.75, 2),
            "third" => (1.0 / 3.0, 1),
            _ => match crate::text::number_at(&ws, i) {
                Some((v, n))
                    if matches!(ws.get(i + n).map(String::as_str), Some("percent" | "per")) =>
                {
                    let n = n + if ws.get(i + n).map(String::as_str) == Some("per") {
                        2
                    } else {
                        1
                    };
                    (v / 100.0, n)
                }
                _ => continue,
            },
        };
        if share > 0.0 && share < 1.0 && speed_at(i + n) {
            slowest = Some(slowest.map_or(share, |s: f64| s.min(share)));
        }
    }
    slowest
}

fn is_metres(w: &str) -> bool {
    matches!(w, "m" | "metre" | "metres" | "meter" | "meters")
}

fn is_kilometres(w: &str) -> bool {
    matches!(
        w,
        "km" | "kilometre" | "kilometres" | "kilometer" | "kilometers"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speeds_said_in_numbers_are_read_in_metres_per_second() {
        let cases = [
            (
                "Race over to goods-in at three metres a second, quick as you can!",
                3.0,
            ),
            ("Zoom across the stage at four metres a second", 4.0),
            ("drive to the lab at 2 m/s", 2.0),
            ("go to the dock at 0.3 metres per second", 0.3),
            ("head to the gate at 18 km/h", 5.0),
            ("go at ten kilometres an hour", 10.0 / 3.6),
            ("go to the yard at 5 mph", 5.0 * 0.447_04),
            ("go at twenty miles an hour", 20.0 * 0.447_04),
        ];
        for (t, v) in cases {
            let got = stated(t).unwrap_or_else(|| panic!("no speed in {t:?}"));
            assert!((got - v).abs() < 1e-6, "{t}: {got} != {v}");
        }
    }

    #[test]
    fn distances_times_and_plain_tasks_state_no_speed() {
        for t in [
            "move forward 2 metres",
            "wait 3 seconds then go to the kitchen",
            "go to the kitchen, it's 5 metres away",
            "turn 90 degrees",
            "go to room 3",
            "wait 500 ms then go to the kitchen",
        ] {
            assert_eq!(stated(t), None, "{t}");
        }
    }

    #[test]
    fn a_share_of_the_top_speed_is_a_pace() {
        let cases = [
            ("Go to the stock room at half speed.", 0.5),
            ("drive to bay 2 at quarter speed please", 0.25),
            ("head to the lab at 30% speed", 0.3),
            ("go at fifty percent of your top speed", 0.5),
            ("go to the dock at three quarters of your max speed", 0.75),
        ];
        for (t, v) in cases {
            let got = fraction(t).unwrap_or_else(|| panic!("no share in {t:?}"));
            assert!((got - v).abs() < 1e-9, "{t}: {got} != {v}");
        }
        for t in [
            "go to the kitchen at full speed",
            "go half way to the kitchen",
            "wait half a minute",
            "go to the quarter deck",
            "move forward 50 percent of the way",
        ] {
            assert_eq!(fraction(t), None, "{t}");
        }
    }

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
