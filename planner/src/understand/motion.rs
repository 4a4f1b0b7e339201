//! Turns and straight moves in everyday words ("hang a left", "back up half a metre", "forward 50").

use super::*;
use crate::text::number_at;

/// Turns and straight moves ("turn left 90 degrees", "back up half a metre", "do a 180").
pub(super) fn read_motion(t: &str) -> Option<Frame> {
    let ws = words(t);
    let first = ws.first()?.as_str();
    let has = |w: &str| ws.iter().any(|x| x == w);
    // Turns.
    let turn_word = |w: &str| {
        matches!(
            w,
            "turn"
                | "spin"
                | "rotation"
                | "circle"
                | "180"
                | "360"
                | "u-turn"
                | "uturn"
                | "left"
                | "right"
                | "pirouette"
                | "twirl"
        )
    };
    let turn_verb = matches!(
        first,
        "turn" | "rotate" | "spin" | "pivot" | "swivel" | "face" | "look"
    ) || (matches!(
        first,
        "do" | "make" | "perform" | "pull" | "hang" | "take" | "give" | "bank" | "swing" | "veer"
    ) && ws.iter().skip(1).take(4).any(|w| turn_word(w))
        && !has("to")
        && !has("into"));
    let turn_blocked = [
        "turn on",
        "turn off",
        "turn in",
        "turn into",
        "turn up",
        "turn down",
        "look for",
        "look at",
        "look around for",
        "look after",
        "face the",
        "look out",
    ]
    .iter()
    .any(|p| after(t, p).is_some());
    if turn_verb && !turn_blocked {
        let sign = if has("right") || has("clockwise") || has("cw") || has("starboard") {
            -1.0
        } else {
            1.0
        };
        let sign = if has("counterclockwise")
            || has("anticlockwise")
            || has("counter-clockwise")
            || has("anti-clockwise")
            || has("ccw")
        {
            1.0
        } else {
            sign
        };
        let mut degrees = None;
        for i in 0..ws.len() {
            if let Some((v, n)) = number_at(&ws, i) {
                let unit = ws.get(i + n).map(String::as_str).unwrap_or("");
                if matches!(ws[i].as_str(), "a" | "an") && !matches!(unit, "quarter" | "half") {
                    continue;
                }
                degrees = Some(match unit {
                    "rad" | "rads" | "radian" | "radians" => v.to_degrees(),
                    "turn" | "turns" | "rotation" | "rotations" | "revolution" | "revolutions"
                    | "circle" | "circles" => v * 360.0,
                    "quarter" => v * 90.0,
                    _ if ws[i] == "half" => 180.0,
                    _ if ws[i] == "quarter" => 90.0,
                    _ => v,
                });
                break;
            }
        }
        let degrees = degrees.unwrap_or_else(|| {
            if has("around")
                || has("round")
                || has("u-turn")
                || has("uturn")
                || has("about")
                || has("180")
                || has("other")
                || has("opposite")
                || has("backwards")
                || has("behind")
            {
                180.0
            } else if has("full")
                || has("360")
                || has("complete")
                || has("whole")
                || (first == "spin" && !has("left") && !has("right"))
                || has("circle")
            {
                360.0
            } else if has("slightly") || has("bit") || has("little") || has("tad") {
                30.0
            } else if has("left")
                || has("right")
                || has("clockwise")
                || has("counterclockwise")
                || has("anticlockwise")
            {
                90.0
            } else {
                f64::NAN
            }
        });
        if degrees.is_nan() {
            return None;
        }
        return Some(Frame::Turn(sign * degrees));
    }
    // Straight moves ("forward 50", "back a metre" need no verb).
    let direction_first = (FORWARD.contains(&first) || BACKWARD.contains(&first))
        && ws
            .iter()
            .skip(1)
            .any(|w| number_at(std::slice::from_ref(w), 0).is_some());
    let move_verb =
        MOVE.contains(&first) || matches!(first, "back" | "backup" | "reverse") || direction_first;
    if !move_verb {
        return None;
    }
    let backward = first == "reverse"
        || (direction_first && BACKWARD.contains(&first))
        || after(t, "back up").is_some()
        || after(t, "backup").is_some()
        || after(t, "back off").is_some()
        || (first == "back" && ws.len() > 1)
        || ws
            .iter()
            .skip(1)
            .take(3)
            .any(|w| BACKWARD.contains(&w.as_str()));
    let forward = (direction_first && FORWARD.contains(&first))
        || ws
            .iter()
            .skip(1)
            .take(4)
            .any(|w| FORWARD.contains(&w.as_str()));
    let mut metres = None;
    for i in 1..ws.len() {
        if let Some((v, n)) = number_at(&ws, i) {
            let unit = ws.get(i + n).map(String::as_str).unwrap_or("");
            let factor = match unit {
                "m" | "metre" | "metres" | "meter" | "meters" | "mtr" | "mtrs" => 1.0,
                "cm" | "centimetre" | "centimetres" | "centimeter" | "centimeters" | "cms" => 0.01,
                "mm" | "millimetre" | "millimetres" | "millimeter" | "millimeters" => 0.001,
                "ft" | "foot" | "feet" => 0.3048,
                "in" | "inch" | "inches" => 0.0254,
                "yard" | "yards" | "yd" | "yds" => 0.9144,
                "step" | "steps" | "pace" | "paces" => 0.5,
                // No unit: moves stay within a few metres, so a larger number means
                // centimetres ("forward 50"). A number word alone at the end with no
                // direction is a pronoun ("go where I'd have one").
                "" if i + n == ws.len()
                    && (forward || backward || ws[i].chars().any(|c| c.is_ascii_digit())) =>
                {
                    if v > 5.0 { 0.01 } else { 1.0 }
                }
                _ => continue,
            };
            if matches!(ws[i].as_str(), "a" | "an") && factor == 0.5 && unit.is_empty() {
                continue;
            }
            // "a metre and a half", "two feet and a half": the half after the unit.
            let half = ws.get(i + n + 1).is_some_and(|w| w == "and")
                && ws.get(i + n + 2).is_some_and(|w| w == "a")
                && ws.get(i + n + 3).is_some_and(|w| w == "half");
            let v = if half && !unit.is_empty() { v + 0.5 } else { v };
            metres = Some(v * factor);
            // A later explicit metric distance wins over steps ("two steps forward, a metre").
            if factor != 0.5 {
                break;
            }
        }
    }
    if metres.is_none()
        && (has("bit")
            || has("little")
            || has("tad")
            || has("touch")
            || has("slightly")
            || has("closer"))
    {
        metres = Some(0.3);
    }
    // "come back here", "go back to the kitchen": a destination, not a distance.
    if metres.is_none()
        && ws.iter().skip(1).any(|w| {
            matches!(
                w.as_str(),
                "to" | "here" | "home" | "there" | "over" | "into" | "inside"
            )
        })
    {
        return None;
    }
    let metres = match (metres, forward || backward) {
        (Some(m), _) => m,
        (None, true)
            if matches!(first, "back" | "backup" | "reverse")
                || after(t, "back up").is_some()
                || after(t, "back off").is_some() =>
        {
            0.5
        }
        (None, true) => 0.5,
        (None, false) => return None,
    };
    let verb_of_moving = matches!(
        first,
        "move"
            | "drive"
            | "roll"
            | "step"
            | "inch"
            | "advance"
            | "creep"
            | "scoot"
            | "take"
            | "walk"
            | "go"
            | "head"
            | "travel"
    );
    if !(forward || backward || direction_first || verb_of_moving) {
        return None;
    }
    // "go 2 metres" with no direction: forward. "go to ..." never reaches here with a number
    // unless the destination is a point, which has a comma.
    if !(forward || backward) && (t.contains(" to ") || t.contains(',')) {
        return None;
    }
    Some(Frame::Move(if backward { -metres } else { metres }))
}
