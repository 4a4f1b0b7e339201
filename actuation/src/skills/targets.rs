//! Resolving a step's target text against what the agent knows.

use embodia_perception::{TrackedObject, WorldState};
use embodia_world::{Place, V2};

use super::Resemblance;

/// A seen object that fits a target's description at least this well is taken at once (a
/// search ends there). Set from MiniLM scores of 22 descriptions said by people against the
/// labels of four worlds: right objects scored 0.38-0.75, the best wrong ones 0.30-0.61;
/// above 0.55 a wrong object was best for 2 of 22 descriptions.
pub const RESEMBLES: f32 = 0.55;
/// Once a search has covered the floor without a taken match, the best fit at least this good
/// is settled for (and said to be a settlement); below it nothing seen is taken to be it.
pub const SETTLE_RESEMBLANCE: f32 = 0.38;
/// A fit below [`RESEMBLES`] is still taken at once when it stands out this far above every
/// other object seen, and at least [`STANDOUT_AMONG`] others were seen to compare it with:
/// what people describe stands out among the things around it even when the words are far
/// from its label ("tall metal stand they hang the drip bags on": IV pole 0.45, the next 0.29).
pub const STANDOUT: f32 = 0.12;
/// The least fit that can stand out (a changing table stood out at 0.42 for "the thing they
/// weigh babies on" before the infant scale was in view).
pub const STANDOUT_AT_LEAST: f32 = 0.45;
/// Objects seen (besides the candidate) before a fit can stand out.
pub const STANDOUT_AMONG: usize = 6;
/// Added to the fit of an object that one of the target's names also names: the names are the
/// planner's reading of the description, so they count, but a name alone does not make a wet
/// floor sign "the poster with the letters for eye tests".
pub const NAMED_BONUS: f32 = 0.05;

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

/// A target's names and, after " ~ ", the person's description of the thing ("cart or
/// trolley ~ red cart with the defibrillator on it"), for recognising it on sight when no
/// name is what it is called. A target may be only a description ("~ the thing they weigh
/// babies on").
pub fn description(target: &str) -> (&str, Option<&str>) {
    let t = target.trim();
    if let Some(d) = t.strip_prefix("~ ") {
        return ("", Some(d.trim()).filter(|d| !d.is_empty()));
    }
    match t.split_once(" ~ ") {
        Some((names, d)) => (names.trim(), Some(d.trim()).filter(|d| !d.is_empty())),
        None => (t, None),
    }
}

/// A target's names in two tiers: names that are exactly what was asked ("red cart or red
/// trolley"), and after " else " names to settle for when a whole search finds none of those
/// ("cart or trolley"). A description (see [`description`]) is not part of either.
pub fn tiers(target: &str) -> (&str, Option<&str>) {
    let target = description(target).0;
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
    first_naming(alternatives, object).is_some()
}

/// The position among `alternatives` of the first one that names `object`.
fn first_naming(alternatives: &str, object: &TrackedObject) -> Option<usize> {
    let name = object.name.to_lowercase();
    let class = object.class.to_lowercase();
    let color = object.color.as_deref().unwrap_or_default().to_lowercase();
    alternatives
        .split(" or ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .position(|t| {
            let joined = t.replace(' ', "");
            t == name
                || t == class
                || joined == name.replace(' ', "")
                || joined == class.replace(' ', "")
                || words_of(t, &name, &class, &color)
        })
}

/// Whether the first of `target`'s names — what the person said; the rest are other things
/// that would do — names `object`.
pub fn first_name_matches(target: &str, object: &TrackedObject) -> bool {
    first_naming(tiers(&normalize(target)).0, object) == Some(0)
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

/// Whether the target's words are all the object's (its name, class, or the colour the
/// detector told: "green chair" names an armchair seen green) and its last word is the
/// object's head noun or class.
fn words_of(target: &str, name: &str, class: &str, color: &str) -> bool {
    let t: Vec<&str> = target.split_whitespace().map(singular).collect();
    let n: Vec<&str> = name.split_whitespace().map(singular).collect();
    let c: Vec<&str> = class.split_whitespace().map(singular).collect();
    let Some(head) = t.last() else { return false };
    (n.last() == Some(head) || c.last() == Some(head))
        && t.iter()
            .all(|w| n.contains(w) || c.contains(w) || color.split_whitespace().any(|k| k == *w))
}

/// The tracked objects `target` names exactly: those its earlier names name first (the
/// first is what the person said, "treadmill or exercise bike"), nearest to `from` first
/// among equals.
pub fn matching_objects<'w>(
    target: &str,
    world: &'w WorldState,
    from: V2,
) -> Vec<&'w TrackedObject> {
    let mut found = objects_where(target, world, from, matches);
    let t = normalize(target);
    let exact = tiers(&t).0;
    // Stable: distance order is kept within each name's objects.
    found.sort_by_key(|o| first_naming(exact, o).unwrap_or(usize::MAX));
    found
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

/// The seen object (last seen at or after `since_ns`) that best fits `target`'s description,
/// with its score, if one scores at least `at_least`. `None` also while scores are being
/// worked out (`wait` false).
pub fn resembling<'w>(
    target: &str,
    world: &'w WorldState,
    resemblance: &dyn Resemblance,
    wait: bool,
    since_ns: i64,
    at_least: f32,
) -> Option<(&'w TrackedObject, f32)> {
    let target = &normalize(target);
    let described = description(target).1?;
    let parts = DescriptionParts::of(described);
    world
        .objects
        .iter()
        .filter(|o| o.last_seen_ns >= since_ns && !parts.mentions_aside(o))
        .filter_map(|o| {
            let mut s = resemblance.score(described, &o.name, &o.class, wait)?;
            if matches(target, o) {
                s += NAMED_BONUS;
            }
            (s.is_finite() && s >= at_least).then_some((o, s))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.name.cmp(&a.0.name)))
}

/// Words after which a description says what the thing is for, where it is or what is
/// with it, not what it is ("the machine that tumbles the towels dry").
const ASIDE_STARTS: &[&str] = &[
    "that", "which", "who", "we", "you", "they", "i", "people", "to", "for", "where", "when",
    "with", "of", "on", "in", "at", "by", "near", "under", "from", "so", "while", "off",
];

/// Whether `described` mentions `object` only aside: its head noun or class is said after
/// the description's own head ("the machine we use to lift patients out of bed" is not the
/// bed; "the yellow thing we use to lift a car" is not the car), and no word of its name
/// before.
pub fn mentioned_aside(described: &str, object: &TrackedObject) -> bool {
    DescriptionParts::of(described).mentions_aside(object)
}

/// A description read once into its head (what the thing is) and the rest (what it is for,
/// where it is, what is with it), singular words, for telling many objects apart by it.
struct DescriptionParts {
    head: Vec<String>,
    aside: Vec<String>,
}

impl DescriptionParts {
    fn of(described: &str) -> Self {
        let split = |text: &str| -> Vec<String> {
            text.split(|c: char| !c.is_alphanumeric() && c != '\'')
                .filter(|w| !w.is_empty())
                .map(|w| singular(&w.to_lowercase()).to_owned())
                .collect()
        };
        let mut head: Vec<String> = Vec::new();
        let mut aside: Vec<String> = Vec::new();
        for (i, part) in described.split(',').enumerate() {
            let words = split(part);
            // "..., a ball": said again, in other words, what it is.
            let restated = i > 0
                && matches!(
                    words.first().map(String::as_str),
                    Some("a" | "an" | "the" | "this" | "that" | "it's" | "its")
                );
            if i > 0 && !restated {
                aside.extend(words);
                continue;
            }
            // The head starts after leading articles ("that red round thing you kick").
            let lead = words
                .iter()
                .take_while(|w| {
                    matches!(
                        w.as_str(),
                        "a" | "an" | "the" | "that" | "this" | "those" | "these"
                    )
                })
                .count();
            let cut = words[lead..]
                .iter()
                .position(|w| ASIDE_STARTS.contains(&w.as_str()))
                .map_or(words.len(), |p| lead + p);
            head.extend(words[lead..cut].iter().cloned());
            aside.extend(words[cut..].iter().cloned());
        }
        Self { head, aside }
    }

    fn mentions_aside(&self, object: &TrackedObject) -> bool {
        let name = object.name.to_lowercase();
        let class = object.class.to_lowercase();
        let name_words: Vec<&str> = name.split_whitespace().map(singular).collect();
        let mut own = name_words
            .last()
            .copied()
            .into_iter()
            .chain(class.split_whitespace().last().map(singular));
        let said = |words: &[String], w: &str| words.iter().any(|x| x == w);
        own.any(|w| said(&self.aside, w)) && !name_words.iter().any(|w| said(&self.head, w))
    }
}

/// Every seen object's fit to `target`'s description, best first (names count, as in
/// [`resembling`]); `None` without a description or while a score is being worked out.
pub fn fits<'w>(
    target: &str,
    world: &'w WorldState,
    resemblance: &dyn Resemblance,
    wait: bool,
) -> Option<Vec<(&'w TrackedObject, f32)>> {
    let target = &normalize(target);
    let described = description(target).1?;
    let parts = DescriptionParts::of(described);
    let mut out = Vec::with_capacity(world.objects.len());
    let mut pending = false;
    for o in world.objects.iter().filter(|o| !parts.mentions_aside(o)) {
        match resemblance.score(described, &o.name, &o.class, wait) {
            Some(s) if s.is_finite() => {
                let bonus = if matches(target, o) { NAMED_BONUS } else { 0.0 };
                out.push((o, s + bonus));
            }
            Some(_) => {}
            None => pending = true,
        }
    }
    if pending {
        return None;
    }
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.name.cmp(&b.0.name)));
    Some(out)
}

/// The object a search for a described thing takes now, if any: the best fit, seen at or
/// after `since_ns`, when it fits at least [`RESEMBLES`] or stands out ([`STANDOUT`]) among
/// enough others ([`STANDOUT_AMONG`]) with at least [`STANDOUT_AT_LEAST`].
pub fn recognised<'w>(
    target: &str,
    world: &'w WorldState,
    resemblance: &dyn Resemblance,
    wait: bool,
    since_ns: i64,
) -> Option<(&'w TrackedObject, f32)> {
    let ranked = fits(target, world, resemblance, wait)?;
    // Only what was seen recently can be found now; the rest still sets the bar to stand out.
    let (best, score) = *ranked.iter().find(|(o, _)| o.last_seen_ns >= since_ns)?;
    let next = ranked
        .iter()
        .find(|(o, _)| o.name != best.name)
        .map_or(0.0, |x| x.1);
    let stands_out =
        ranked.len() > STANDOUT_AMONG && score >= STANDOUT_AT_LEAST && score - next >= STANDOUT;
    (score >= RESEMBLES || stands_out).then_some((best, score))
}

/// Resolves `target`: a place, then a seen object (by name, then by class, nearest; then the
/// best fit to its description that a search would settle for; then its kind), then `x,y`,
/// then `between A and B` (the point midway between where each of the two resolves).
pub fn resolve(
    target: &str,
    world: &WorldState,
    from: V2,
    resemblance: Option<(&dyn Resemblance, bool)>,
) -> Option<Goal> {
    resolve_one(target, world, from, resemblance).or_else(|| {
        let t = normalize(target);
        let (a, b) = between(&t, |side| {
            resolve_one(side, world, from, resemblance).is_some()
        })?;
        let at = |side: &str| resolve_one(side, world, from, resemblance).map(|g| g.position());
        Some(Goal::Point((at(a)? + at(b)?) * 0.5))
    })
}

/// The two sides of `between A and B`: the first split at an " and " where both sides are
/// something `known` (names may hold "and" themselves: "fish and chips").
pub fn between(target: &str, known: impl Fn(&str) -> bool) -> Option<(&str, &str)> {
    let rest = target.trim().strip_prefix("between ")?;
    rest.match_indices(" and ").find_map(|(i, sep)| {
        let (a, b) = (rest[..i].trim(), rest[i + sep.len()..].trim());
        (!a.is_empty() && !b.is_empty() && known(a) && known(b)).then_some((a, b))
    })
}

impl Goal {
    /// Where the goal is: a place's centre, the object's last sighting, the point.
    pub fn position(&self) -> V2 {
        match self {
            Goal::Place(p) => p.region.center(),
            Goal::Object { at, .. } => *at,
            Goal::Point(p) => *p,
        }
    }
}

fn resolve_one(
    target: &str,
    world: &WorldState,
    from: V2,
    resemblance: Option<(&dyn Resemblance, bool)>,
) -> Option<Goal> {
    let t = normalize(target);
    // A place may be called with its article ("the cage").
    if let Some(p) = world
        .semantic
        .place(target.trim())
        .or_else(|| world.semantic.place(&t))
    {
        return Some(Goal::Place(p.clone()));
    }
    // A described thing is what fits the description best (names count towards the fit);
    // otherwise the nearest object a name names.
    let exact = matching_objects(&t, world, from).first().copied();
    let named = match resemblance {
        Some((r, wait)) if description(&t).1.is_some() => {
            resembling(&t, world, r, wait, i64::MIN, SETTLE_RESEMBLANCE)
                .map(|(o, _)| o)
                .or(exact)
        }
        _ => exact,
    };
    let chosen = named.or(settling_objects(&t, world, from).first().copied());
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
            color: None,
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
    fn a_colour_the_detector_told_names_the_thing_with_its_kind() {
        let case = TrackedObject {
            color: Some("purple".into()),
            ..obj("unattended suitcase", "suitcase")
        };
        assert!(matches("purple suitcase", &case));
        assert!(!matches("green suitcase", &case));
        // A colour alone names nothing.
        assert!(!matches("purple", &case));
        assert!(!matches(
            "purple suitcase",
            &obj("unattended suitcase", "suitcase")
        ));
    }

    #[test]
    fn between_splits_where_both_sides_are_known() {
        let known = |s: &str| ["sofa", "tv", "fish and chips stand", "till"].contains(&s);
        assert_eq!(between("between sofa and tv", known), Some(("sofa", "tv")));
        assert_eq!(
            between("between fish and chips stand and till", known),
            Some(("fish and chips stand", "till"))
        );
        assert_eq!(between("between sofa and lamp", known), None);
        assert_eq!(between("sofa and tv", known), None);
    }

    #[test]
    fn a_place_called_with_its_article_and_a_point_between_two_things() {
        use embodia_perception::SemanticMap;
        use embodia_world::{Circle, Region};
        let place = |name: &str, x: f64| Place {
            name: name.into(),
            aliases: vec![],
            region: Region::Circle(Circle {
                center: V2::new(x, 0.0),
                radius: 1.0,
            }),
        };
        let mut cup = obj("red cup", "cup");
        cup.x = 4.0;
        let world = WorldState {
            semantic: std::sync::Arc::new(SemanticMap {
                places: vec![place("the cage", 0.0), place("kitchen", 2.0)],
                keep_out: vec![],
            }),
            objects: vec![cup],
            ..WorldState::default()
        };
        let at = |t: &str| resolve(t, &world, V2::zeros(), None).map(|g| g.position());
        assert_eq!(at("the cage"), Some(V2::new(0.0, 0.0)));
        assert_eq!(at("The Kitchen"), Some(V2::new(2.0, 0.0)));
        assert_eq!(at("between the cage and red cup"), Some(V2::new(2.0, 0.0)));
        assert_eq!(at("between kitchen and 2, 4"), Some(V2::new(2.0, 2.0)));
        assert_eq!(at("between the cage and blue cup"), None);
    }

    #[test]
    fn a_thing_a_description_mentions_aside_is_not_what_it_describes() {
        let aside = |d: &str, name: &str, class: &str| mentioned_aside(d, &obj(name, class));
        assert!(aside(
            "machine we use to lift patients in and out of bed",
            "bed 4",
            "bed"
        ));
        assert!(aside(
            "yellow thing on the workshop floor we use to lift a car off the ground",
            "silver car",
            "car"
        ));
        assert!(aside(
            "machine that tumbles the towels dry",
            "blue towels",
            "towel"
        ));
        assert!(!aside(
            "machine we use to lift patients in and out of bed",
            "hoist",
            "hoist"
        ));
        assert!(!aside(
            "red trolley with the defib on it",
            "resus trolley",
            "trolley"
        ));
        assert!(!aside("bed by the window", "bed 4", "bed"));
        assert!(!aside(
            "that red round thing you kick, a ball",
            "red ball",
            "ball"
        ));
    }

    #[test]
    fn points_parse_as_x_comma_y() {
        assert_eq!(parse_point("2.5, 6"), Some(V2::new(2.5, 6.0)));
        assert_eq!(parse_point("(1,2)"), Some(V2::new(1.0, 2.0)));
        assert_eq!(parse_point("1,2,3"), None);
        assert_eq!(parse_point("nan,1"), None);
    }
}
