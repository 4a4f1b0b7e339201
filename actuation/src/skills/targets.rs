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

/// Whether `target` (normalised) names `object`: its name or its class, or a phrase that
/// contains its name.
pub fn matches(target: &str, object: &TrackedObject) -> bool {
    let name = object.name.to_lowercase();
    let class = object.class.to_lowercase();
    target == name || target == class || contains_words(target, &name)
}

fn contains_words(haystack: &str, needle: &str) -> bool {
    let h: Vec<&str> = haystack.split_whitespace().collect();
    let n: Vec<&str> = needle.split_whitespace().collect();
    !n.is_empty() && h.windows(n.len()).any(|w| w == n.as_slice())
}

/// The tracked objects `target` could mean, nearest to `from` first.
pub fn matching_objects<'w>(
    target: &str,
    world: &'w WorldState,
    from: V2,
) -> Vec<&'w TrackedObject> {
    let t = normalize(target);
    let mut found: Vec<&TrackedObject> = world.objects.iter().filter(|o| matches(&t, o)).collect();
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
    if let Some(o) = matching_objects(&t, world, from).first() {
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
        assert!(matches("the red cup please", &cup));
        assert!(!matches("blue cup", &cup));
        assert!(!matches("red", &cup));
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
