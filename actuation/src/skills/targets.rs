//! Resolving a step's target text against what the agent knows.

use embodia_perception::{TrackedObject, WorldState};
use embodia_world::{Place, V2};

/// Where a navigation step should take the robot.
#[derive(Debug, Clone, PartialEq)]
pub enum Goal {
    /// Into a named place.
    Place(Place),
    /// Next to an object, last seen at `at`.
    Object {
        /// Its name.
        name: String,
        /// Where it was last seen.
        at: V2,
    },
    /// To a point.
    Point(V2),
}

/// `text` lower-cased, trimmed, without a leading article or possessive.
pub fn normalize(text: &str) -> String {
    let t = text.trim().to_lowercase();
    for prefix in ["the ", "a ", "an ", "my ", "some "] {
        if let Some(rest) = t.strip_prefix(prefix) {
            return rest.trim().to_owned();
        }
    }
    t
}

/// A target in two tiers: names that are exactly what was asked ("red cart or red trolley"),
/// and after " else " names to settle for when a whole search finds none of those ("cart or
/// trolley").
pub fn tiers(target: &str) -> (&str, Option<&str>) {
    match target.split_once(" else ") {
        Some((exact, loose)) => (exact.trim(), Some(loose.trim())),
        None => (target.trim(), None),
    }
}

/// Whether `target` (normalised) names `object` exactly (its first tier). A target may list
/// alternatives joined by " or " ("sofa or couch"); one of them names the object when it is
/// its name or class, or words all found in its name and class whose last word is the
/// object's head noun or class ("red cup" names "red coffee cup", class cup; "red" does not).
/// Plurals meet singulars; a possessive is its owner ("priyas laptop").
pub fn matches(target: &str, object: &TrackedObject) -> bool {
    names_any(tiers(target).0, object)
}

/// Whether the names to settle for (the second tier) name `object`.
pub fn matches_loosely(target: &str, object: &TrackedObject) -> bool {
    tiers(target)
        .1
        .is_some_and(|loose| names_any(loose, object))
}

fn names_any(alternatives: &str, object: &TrackedObject) -> bool {
    let name = object.name.to_lowercase();
    let class = object.class.to_lowercase();
    alternatives
        .split(" or ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .any(|t| {
            let joined = t.replace(' ', "");
            t == name
                || t == class
                || joined == name.replace(' ', "")
                || joined == class.replace(' ', "")
                || words_of(t, &name, &class)
        })
}

/// The alternatives of a target, exact ones first.
pub fn alternatives(target: &str) -> impl Iterator<Item = &str> {
    let (exact, loose) = tiers(target);
    exact
        .split(" or ")
        .chain(loose.into_iter().flat_map(|l| l.split(" or ")))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

fn singular(w: &str) -> &str {
    // A possessive names the owner: "priya's" is "priya", as is "priyas".
    let w = w
        .strip_suffix("'s")
        .or_else(|| w.strip_suffix('\''))
        .unwrap_or(w);
    w.strip_suffix("es")
        .filter(|r| r.ends_with('x') || r.ends_with("ch") || r.ends_with("sh") || r.ends_with("ss"))
        .or_else(|| {
            w.strip_suffix('s')
                .filter(|r| r.len() > 2 && !r.ends_with('s'))
        })
        .unwrap_or(w)
}

fn words_of(target: &str, name: &str, class: &str) -> bool {
    let t: Vec<&str> = target.split_whitespace().map(singular).collect();
    let n: Vec<&str> = name.split_whitespace().map(singular).collect();
    let c: Vec<&str> = class.split_whitespace().map(singular).collect();
    let Some(head) = t.last() else { return false };
    (n.last() == Some(head) || c.last() == Some(head))
        && t.iter().all(|w| n.contains(w) || c.contains(w))
}

/// The tracked objects `target` names exactly, nearest to `from` first.
pub fn matching_objects<'w>(
    target: &str,
    world: &'w WorldState,
    from: V2,
) -> Vec<&'w TrackedObject> {
    objects_where(target, world, from, matches)
}

/// The tracked objects `target` settles for (its second tier), nearest to `from` first.
pub fn settling_objects<'w>(
    target: &str,
    world: &'w WorldState,
    from: V2,
) -> Vec<&'w TrackedObject> {
    objects_where(target, world, from, matches_loosely)
}

fn objects_where<'w>(
    target: &str,
    world: &'w WorldState,
    from: V2,
    test: fn(&str, &TrackedObject) -> bool,
) -> Vec<&'w TrackedObject> {
    let t = normalize(target);
    let mut found: Vec<&TrackedObject> = world.objects.iter().filter(|o| test(&t, o)).collect();
    found.sort_by(|a, b| {
        (a.position() - from)
            .norm()
            .total_cmp(&(b.position() - from).norm())
    });
    found
}

fn parse_point(text: &str) -> Option<V2> {
    let t = text.trim().trim_start_matches('(').trim_end_matches(')');
    let mut it = t.split(',').map(|s| s.trim().parse::<f64>());
    match (it.next(), it.next(), it.next()) {
        (Some(Ok(x)), Some(Ok(y)), None) if x.is_finite() && y.is_finite() => Some(V2::new(x, y)),
        _ => None,
    }
}

/// Resolves `target`: a place, then a seen object (by name, then class, nearest), then `x,y`.
pub fn resolve(target: &str, world: &WorldState, from: V2) -> Option<Goal> {
    let t = normalize(target);
    if let Some(p) = world.semantic.place(&t) {
        return Some(Goal::Place(p.clone()));
    }
    let exact = matching_objects(&t, world, from);
    let chosen = exact
        .first()
        .or(settling_objects(&t, world, from).first())
        .copied();
    if let Some(o) = chosen {
        return Some(Goal::Object {
            name: o.name.clone(),
            at: o.position(),
        });
    }
    parse_point(&t).map(Goal::Point)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(name: &str, class: &str) -> TrackedObject {
        TrackedObject {
            name: name.into(),
            class: class.into(),
            x: 0.0,
            y: 0.0,
            place: None,
            first_seen_ns: 0,
            last_seen_ns: 0,
            count: 1,
        }
    }

    #[test]
    fn names_classes_and_phrases_match() {
        let cup = obj("red cup", "cup");
        assert!(matches("red cup", &cup));
        assert!(matches("cup", &cup));
        assert!(!matches("blue cup", &cup));
        assert!(!matches("red", &cup));
        assert!(matches("blue cup or red cup", &cup));
        assert!(matches("cups", &cup));
        let mug = obj("white coffee mug", "mug");
        assert!(matches("white mug", &mug) && matches("coffee mug", &mug));
        assert!(!matches("red mug", &mug) && !matches("white", &mug));
        let cart = obj("crash cart", "cart");
        assert!(!matches("red cart else cart or trolley", &cart));
        assert!(matches_loosely("red cart else cart or trolley", &cart));
        assert!(!matches_loosely("red cart", &cart));
        assert!(matches("clip board", &obj("clipboard", "clipboard")));
        let laptop = obj("Priya's laptop", "laptop");
        assert!(matches("priyas laptop", &laptop) && matches("priya's laptop", &laptop));
        assert_eq!(normalize("  The Kitchen "), "kitchen");
    }

    #[test]
    fn points_parse_as_x_comma_y() {
        assert_eq!(parse_point("2.5, 6"), Some(V2::new(2.5, 6.0)));
        assert_eq!(parse_point("(1,2)"), Some(V2::new(1.0, 2.0)));
        assert_eq!(parse_point("1,2,3"), None);
        assert_eq!(parse_point("nan,1"), None);
    }
}
