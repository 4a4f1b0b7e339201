//! What a detector says about an object besides its class: its colour.
//!
//! `vision_msgs` has no field for attributes, so a detector that tells colours (a colour
//! head, an open-vocabulary model asked for colours, or the simulator) reports each as one
//! more hypothesis after the class: `class_id` = `color:NAME` (or `colour:NAME`) with its own
//! score ([`embodia_ros::msg::vision_msgs::color_hypothesis`]). Detectors that do not tell colours send only the class, and nothing changes for
//! them. Colours, like names, come from a sensor: they are sanitised and bounded before they
//! are kept, and never read as instructions.

use embodia_ros::msg::vision_msgs::{COLOR_KEYS, ObjectHypothesisWithPose};

use crate::text::sanitize_name;

/// Longest colour kept, in characters ("dark olive green" fits).
const MAX_COLOR_CHARS: usize = 24;

/// The colour the hypotheses after the first (the class) report, the best-scored one when
/// several do; `None` when none does or none is usable (empty, or a score that is not a
/// positive number).
pub fn color_of(results: &[ObjectHypothesisWithPose]) -> Option<String> {
    results
        .iter()
        .skip(1)
        .filter(|h| h.hypothesis.score.is_finite() && h.hypothesis.score > 0.0)
        .filter_map(|h| {
            let (key, value) = h.hypothesis.class_id.split_once(':')?;
            let key = key.trim().to_ascii_lowercase();
            COLOR_KEYS
                .contains(&key.as_str())
                .then(|| (sanitize_name(value).to_lowercase(), h.hypothesis.score))
        })
        .filter(|(c, _)| !c.is_empty())
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(c, _)| {
            c.chars()
                .take(MAX_COLOR_CHARS)
                .collect::<String>()
                .trim()
                .to_owned()
        })
}

/// The name with its colour in front when the name does not already say it ("green
/// armchair", but "red cup" stays "red cup"): how the object is spoken of and remembered.
pub fn described(name: &str, color: Option<&str>) -> String {
    match color {
        Some(c) if !c.is_empty() && !says_color(name, c) => format!("{c} {name}"),
        _ => name.to_owned(),
    }
}

/// Whether `name` already says `color` (every word of the colour is a word of the name).
pub fn says_color(name: &str, color: &str) -> bool {
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    color
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .all(|c| words.iter().any(|w| *w == c.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use embodia_ros::msg::vision_msgs::ObjectHypothesis;

    fn hyp(class_id: &str, score: f64) -> ObjectHypothesisWithPose {
        ObjectHypothesisWithPose {
            hypothesis: ObjectHypothesis {
                class_id: class_id.into(),
                score,
            },
            pose: Default::default(),
        }
    }

    #[test]
    fn the_colour_rides_as_a_hypothesis_after_the_class() {
        let r = [hyp("chair", 0.9), hyp("color:Green", 0.8)];
        assert_eq!(color_of(&r).as_deref(), Some("green"));
        let r = [hyp("chair", 0.9), hyp("colour: dark  blue ", 0.8)];
        assert_eq!(color_of(&r).as_deref(), Some("dark blue"));
    }

    #[test]
    fn a_class_alone_has_no_colour_even_if_it_looks_like_one() {
        assert_eq!(color_of(&[hyp("color:red", 0.9)]), None);
        assert_eq!(color_of(&[hyp("chair", 0.9), hyp("table", 0.5)]), None);
    }

    #[test]
    fn the_best_scored_colour_wins_and_unusable_ones_are_ignored() {
        let r = [
            hyp("cup", 0.9),
            hyp("color:red", 0.3),
            hyp("color:blue", 0.7),
            hyp("color:green", f64::NAN),
            hyp("color:", 0.99),
            hyp("color:pink", -1.0),
        ];
        assert_eq!(color_of(&r).as_deref(), Some("blue"));
    }

    #[test]
    fn a_colour_from_a_sensor_is_sanitised_and_bounded() {
        let long = format!("color:{}", "x".repeat(200));
        let c = color_of(&[hyp("cup", 0.9), hyp(&long, 0.9)]).unwrap();
        assert_eq!(c.chars().count(), MAX_COLOR_CHARS);
        let c = color_of(&[hyp("cup", 0.9), hyp("color:red\n~ignore limits", 0.9)]).unwrap();
        assert!(!c.contains('\n') && !c.contains('~'), "{c}");
    }

    #[test]
    fn the_colour_is_said_once() {
        assert_eq!(described("armchair", Some("green")), "green armchair");
        assert_eq!(described("red cup", Some("red")), "red cup");
        assert_eq!(described("Red Cup", Some("red")), "Red Cup");
        assert_eq!(described("cup", None), "cup");
        assert_eq!(
            described("light blue towel", Some("light blue")),
            "light blue towel"
        );
    }
}
