//! Answers to questions, made of what perception saw and memory holds — never of a model's
//! words: where something was, whether it was seen, what was seen in a place, where a place
//! is. Names in answers come from sensors and are spoken as data.

use embodia_actuation::PlanLimits;
use embodia_actuation::skills::describe::{list_objects_within, the};

use crate::request::{KnownObject, WorldSummary};

/// "42 seconds ago", "3 minutes ago", "just now".
pub fn ago(seconds: f64) -> String {
    let s = seconds.max(0.0);
    if s < 5.0 {
        "just now".to_owned()
    } else if s < 90.0 {
        format!("{s:.0} seconds ago")
    } else if s < 5400.0 {
        format!("{:.0} minutes ago", s / 60.0)
    } else {
        format!("{:.0} hours ago", s / 3600.0)
    }
}

fn place_phrase(o: &KnownObject) -> String {
    o.place
        .as_deref()
        .map(|p| format!(" in the {p}"))
        .unwrap_or_default()
}

/// Where the objects were last seen, newest sighting first (at most five named, and only as
/// many as fit in one `say`), and by whom: this robot ("I last saw") or, for a sighting
/// another robot of the fleet shared, that robot by name ("robot1 saw").
pub fn where_seen(objects: &[&KnownObject]) -> String {
    let mut sorted: Vec<&&KnownObject> = objects.iter().collect();
    sorted.sort_by(|a, b| a.seen_ago_s.total_cmp(&b.seen_ago_s));
    let first_by = sorted.first().and_then(|o| o.seen_by.as_deref());
    let parts = sorted.iter().enumerate().map(|(i, o)| {
        let who = match (i, o.seen_by.as_deref()) {
            (0, None) => "I last saw ".to_owned(),
            (0, Some(r)) => format!("{r} last saw "),
            (_, None) if first_by.is_none() => String::new(),
            (_, None) => "I saw ".to_owned(),
            (_, Some(r)) => format!("{r} saw "),
        };
        format!(
            "{who}{} at ({:.1}, {:.1}){}, {}",
            the(&o.described()),
            o.x,
            o.y,
            place_phrase(o),
            ago(o.seen_ago_s)
        )
    });
    let text = join_within(parts, "; and ", say_budget("Yes. "));
    format!("{text}.")
}

/// The colour of each object, as the detector told it, with where it was seen (at most
/// three, and only as many as fit in one `say`).
pub fn colours(objects: &[&KnownObject]) -> String {
    let parts = objects.iter().take(3).map(|o| match o.color.as_deref() {
        Some(c) => format!("The {}{} was {c}.", o.name, place_phrase(o)),
        None => format!(
            "I saw the {}{}, but I could not tell its colour.",
            o.name,
            place_phrase(o)
        ),
    });
    join_within(parts, " ", say_budget(""))
}

/// The parts joined by `sep`, as many as fit in `budget` characters (the first always).
fn join_within(parts: impl Iterator<Item = String>, sep: &str, budget: usize) -> String {
    let mut text = String::new();
    for part in parts {
        let more = if text.is_empty() {
            part
        } else {
            format!("{text}{sep}{part}")
        };
        if !text.is_empty() && more.chars().count() > budget {
            break;
        }
        text = more;
    }
    text
}

/// Nothing seen that the words name, so no colour to tell.
pub fn colour_not_seen(what: &str) -> String {
    format!("I have not seen {what}, so I cannot tell its colour.")
}

/// Yes, with where; used for "have you seen X?".
pub fn seen_yes(objects: &[&KnownObject]) -> String {
    format!("Yes. {}", where_seen(objects))
}

/// Not seen.
pub fn not_seen(what: &str) -> String {
    format!("I have not seen {what}.")
}

/// Characters left for a list after `head` and a full stop, within what a `say` step may
/// hold.
fn say_budget(head: &str) -> usize {
    PlanLimits::default()
        .max_say_chars
        .saturating_sub(head.chars().count() + 1)
}

/// What was seen in a place (from perception and memory), the places inside it included
/// (a thing is placed in the innermost place: the booth, not the studio around it).
pub fn seen_in(place: &str, world: &WorldSummary) -> String {
    let objects: Vec<(String, String)> = world
        .objects
        .iter()
        .filter(|o| world.holds(place, o))
        .map(|o| (o.described(), o.class.clone()))
        .collect();
    if objects.is_empty() {
        format!("I have not seen anything in the {place}.")
    } else {
        let head = format!("In the {place} I saw ");
        format!(
            "{head}{}.",
            list_objects_within(&objects, say_budget(&head))
        )
    }
}

/// Everything seen so far.
pub fn seen_anywhere(world: &WorldSummary) -> String {
    let objects: Vec<(String, String)> = world
        .objects
        .iter()
        .map(|o| (o.described(), o.class.clone()))
        .collect();
    if objects.is_empty() {
        "I have not seen any objects yet.".to_owned()
    } else {
        format!(
            "I have seen {}.",
            list_objects_within(&objects, say_budget("I have seen "))
        )
    }
}

/// Where a place is, and how far from the robot.
pub fn place_location(place: &str, world: &WorldSummary) -> String {
    let Some(p) = world.place(place) else {
        return format!("I do not know a place called {place}.");
    };
    let c = p.region.center();
    match world.position() {
        Some(r) if p.region.contains(r) => format!("I am in the {} now.", p.name),
        Some(r) => format!(
            "The {} is at ({:.1}, {:.1}), about {:.0} metres from me.",
            p.name,
            c.x,
            c.y,
            (c - r).norm()
        ),
        None => format!("The {} is at ({:.1}, {:.1}).", p.name, c.x, c.y),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(name: &str, place: &str, ago: f64) -> KnownObject {
        KnownObject {
            name: name.into(),
            class: name.split(' ').next_back().unwrap_or(name).into(),
            color: None,
            x: 1.0,
            y: 2.0,
            place: Some(place.into()),
            seen_ago_s: ago,
            seen_by: None,
        }
    }

    #[test]
    fn answers_say_what_was_seen_where_and_when() {
        let mug = obj("white mug", "kitchen", 42.0);
        assert_eq!(
            where_seen(&[&mug]),
            "I last saw the white mug at (1.0, 2.0) in the kitchen, 42 seconds ago."
        );
        assert!(seen_yes(&[&mug]).starts_with("Yes."));
        let cup = KnownObject {
            seen_by: Some("robot1".into()),
            ..obj("red cup", "kitchen", 125.0)
        };
        assert_eq!(
            where_seen(&[&cup]),
            "robot1 last saw the red cup at (1.0, 2.0) in the kitchen, 2 minutes ago."
        );
        assert_eq!(
            where_seen(&[&cup, &mug]),
            "I last saw the white mug at (1.0, 2.0) in the kitchen, 42 seconds ago; and robot1 saw the red cup at (1.0, 2.0) in the kitchen, 2 minutes ago."
        );
        let plate = obj("plate", "kitchen", 300.0);
        assert_eq!(
            where_seen(&[&plate, &cup]),
            "robot1 last saw the red cup at (1.0, 2.0) in the kitchen, 2 minutes ago; and I saw the plate at (1.0, 2.0) in the kitchen, 5 minutes ago."
        );
        assert_eq!(ago(300.0), "5 minutes ago");
        let world = WorldSummary {
            objects: vec![
                mug,
                obj("kettle", "kitchen", 1.0),
                obj("bed", "bedroom", 1.0),
            ],
            ..WorldSummary::default()
        };
        assert_eq!(
            seen_in("kitchen", &world),
            "In the kitchen I saw a white mug and a kettle."
        );
        assert_eq!(
            seen_in("study", &world),
            "I have not seen anything in the study."
        );
    }

    #[test]
    fn what_was_seen_in_a_place_includes_the_places_inside_it() {
        use crate::request::KnownPlace;
        use embodia_world::{Polygon, Region, V2};
        let square = |x0: f64, y0: f64, x1: f64, y1: f64| {
            Region::Polygon(Polygon {
                points: vec![
                    V2::new(x0, y0),
                    V2::new(x1, y0),
                    V2::new(x1, y1),
                    V2::new(x0, y1),
                ],
            })
        };
        let place = |name: &str, region| KnownPlace {
            name: name.into(),
            aliases: Vec::new(),
            region,
        };
        // The amp stands in the booth, which is inside the studio.
        let world = WorldSummary {
            places: vec![
                place("studio", square(0.0, 0.0, 8.0, 6.0)),
                place("booth", square(0.0, 0.0, 2.0, 2.0)),
            ],
            objects: vec![obj("bass amp", "booth", 1.0)],
            ..WorldSummary::default()
        };
        assert_eq!(seen_in("studio", &world), "In the studio I saw a bass amp.");
        assert_eq!(seen_in("booth", &world), "In the booth I saw a bass amp.");
    }
}
