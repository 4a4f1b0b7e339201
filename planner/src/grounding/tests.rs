//! Grounding by spelling and general knowledge alone (no sentence model): what must hold
//! whatever the model adds.

use embodia_world::{Circle, Region, V2};

use super::*;
use crate::request::{KnownObject, KnownPlace, WorldSummary};

fn place(name: &str, aliases: &[&str], x: f64) -> KnownPlace {
    KnownPlace {
        name: name.into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        region: Region::Circle(Circle {
            center: V2::new(x, 0.0),
            radius: 1.0,
        }),
    }
}

fn object(name: &str, class: &str, place: &str) -> KnownObject {
    KnownObject {
        name: name.into(),
        class: class.into(),
        color: None,
        x: 0.0,
        y: 0.0,
        place: Some(place.into()),
        seen_ago_s: 10.0,
        seen_by: None,
    }
}

/// A small office building no test elsewhere uses.
fn world() -> WorldSummary {
    WorldSummary {
        places: vec![
            place("staff kitchen", &[], 0.0),
            place("washroom", &[], 3.0),
            place("conference room b", &["the fishbowl"], 6.0),
            place("copy room", &[], 9.0),
            place("open office", &[], 12.0),
            place("server room", &[], 15.0),
            place("aisle 3", &[], 18.0),
        ],
        objects: vec![
            object("white coffee mug", "mug", "staff kitchen"),
            object("grey couch", "sofa", "open office"),
            object("big printer", "printer", "copy room"),
        ],
        ..WorldSummary::default()
    }
}

fn top(r: &[Ranked]) -> (&Meaning, f32) {
    let b = r.first().expect("a meaning");
    (&b.meaning, b.score)
}

fn place_named(s: &str) -> Meaning {
    Meaning::Place(s.into())
}

#[test]
fn places_by_name_alias_and_slips() {
    let g = Grounder::lexical();
    let w = world();
    for (typed, want) in [
        ("the staff kitchen", "staff kitchen"),
        ("washroom", "washroom"),
        ("the fishbowl", "conference room b"),
        ("conference room B", "conference room b"),
        ("the copy room", "copy room"),
        ("copyroom", "copy room"),
        ("the sever room", "server room"),
        ("conferance room b", "conference room b"),
        ("aisle three", "aisle 3"),
    ] {
        let r = g.places_named(typed, &w);
        let (m, s) = top(&r);
        assert_eq!(m, &place_named(want), "{typed}: {r:?}");
        assert!(s >= CONFIDENT, "{typed}: {s}");
    }
}

#[test]
fn places_by_the_kind_of_room_named() {
    let g = Grounder::lexical();
    let w = world();
    for (typed, want) in [
        ("the restroom", "washroom"),
        ("the toilets", "washroom"),
        ("the kitchen", "staff kitchen"),
        ("the meeting room", "conference room b"),
    ] {
        let r = g.places_named(typed, &w);
        let (m, s) = top(&r);
        assert_eq!(m, &place_named(want), "{typed}: {r:?}");
        assert!(s >= PLAUSIBLE, "{typed}: {s}");
    }
}

#[test]
fn places_for_needs_and_activities() {
    let g = Grounder::lexical();
    let w = world();
    for (purpose, want) in [
        ("wash my hands", "washroom"),
        ("thirsty", "staff kitchen"),
        ("make coffee", "staff kitchen"),
        ("print a document", "copy room"),
        ("have a meeting", "conference room b"),
    ] {
        let r = g.places_for(purpose, &w);
        let (m, s) = top(&r);
        assert_eq!(m, &place_named(want), "{purpose}: {r:?}");
        assert!(s >= PLAUSIBLE, "{purpose}: {s}");
    }
}

#[test]
fn a_situation_told_in_a_sentence_is_grounded_by_the_part_that_says_what_is_to_be_done() {
    let g = Grounder::lexical();
    let w = world();
    // Read whole, the other words drown "print a document"; its part alone names the room.
    let r = g.places_for(
        "the new intern from accounts needs to print a document before the board meeting",
        &w,
    );
    let (m, s) = top(&r);
    assert_eq!(m, &place_named("copy room"), "{r:?}");
    assert!(s >= PLAUSIBLE, "{s}");
    let readings = purpose_readings("jo's ready to make coffee for the visitors, then wash up");
    assert!(
        readings.iter().any(|(r, w)| r == "make coffee" && *w < 1.0),
        "{readings:?}"
    );
    // A short purpose is read whole only.
    assert_eq!(purpose_readings("wash my hands").len(), 1);
}

#[test]
fn a_general_thing_in_what_a_place_is_for_stands_for_the_thing_named() {
    let g = Grounder::lexical();
    let mut w = world();
    w.places.push(place("gift shop", &[], 21.0));
    // Knowledge says a shop is for "buy things"; a postcard is such a thing.
    let r = g.places_for("buy a postcard for my gran", &w);
    let (m, s) = top(&r);
    assert_eq!(m, &place_named("gift shop"), "{r:?}");
    assert!(s >= PLAUSIBLE, "{s}");
    // The general word stands for a thing only: "buy" alone is not more of a match.
    let whole = g.places_for("buy things", &w);
    assert!(top(&whole).1 >= s - 1e-6);
}

#[test]
fn a_name_said_without_its_last_word_names_the_object_before_a_place_that_shares_a_word() {
    let g = Grounder::lexical();
    let mut w = world();
    w.places.push(place("green room", &[], 21.0));
    w.objects
        .push(object("green paint tin", "paint tin", "open office"));
    let none = MemoryHandle::default();
    let objects = g.objects_named("the green paint", &w, &none);
    let places = g.places_named("the green paint", &w);
    let (m, s) = top(&objects);
    assert_eq!(m, &Meaning::Object("green paint tin".into()), "{objects:?}");
    assert!(
        places.first().is_none_or(|p| p.score < s),
        "{places:?} vs {s}"
    );
}

#[test]
fn objects_by_partial_name_class_and_other_names() {
    let g = Grounder::lexical();
    let w = world();
    let none = MemoryHandle::default();
    for (typed, want) in [
        ("the white coffee mug", "white coffee mug"),
        ("the mug", "white coffee mug"),
        ("my coffee mug", "white coffee mug"),
        ("the couch", "grey couch"),
        ("the sofa", "grey couch"),
        ("the printer", "big printer"),
    ] {
        let r = g.objects_named(typed, &w, &none);
        let (m, s) = top(&r);
        assert_eq!(m, &Meaning::Object(want.into()), "{typed}: {r:?}");
        assert!(s >= PLAUSIBLE, "{typed}: {s}");
    }
    let r = g.objects_named("the red mug", &w, &none);
    assert!(
        r.first().is_none_or(|b| b.score < PLAUSIBLE),
        "a red mug is not the white one: {r:?}"
    );
}

#[test]
fn things_to_search_for_by_name_and_by_purpose() {
    let g = Grounder::lexical();
    let r = g.kinds_named("a couch");
    match &top(&r).0 {
        Meaning::Kinds(names, _) => assert!(
            names.contains(&"couch".to_owned()) && names.contains(&"sofa".to_owned()),
            "{names:?}"
        ),
        m => panic!("{m:?}"),
    }
    let r = g.kinds_named("the red cup");
    match &top(&r).0 {
        Meaning::Kinds(names, _) => {
            assert_eq!(names[0], "red cup");
            assert!(
                names.iter().all(|n| n.starts_with("red ")),
                "qualifiers kept: {names:?}"
            );
        }
        m => panic!("{m:?}"),
    }
    let r = g.kinds_for("sit on");
    let names: Vec<String> = r
        .iter()
        .take(3)
        .flat_map(|x| match &x.meaning {
            Meaning::Kinds(n, _) => n.clone(),
            _ => vec![],
        })
        .collect();
    assert!(
        names.contains(&"chair".to_owned()) && names.contains(&"sofa".to_owned()),
        "{r:?}"
    );
    // A name no knowledge has is searched for as said (the detector may know it), less
    // surely than a word the model knows; a string that is no word is nothing.
    let r = g.kinds_named("zorblax");
    assert!(
        matches!(&r[..], [x] if x.meaning == Meaning::Kinds(vec!["zorblax".into()], vec![]) && x.score < 0.6),
        "{r:?}"
    );
    assert!(
        g.kinds_named("xqzv").is_empty(),
        "no word, no kind of thing"
    );
    assert!(
        g.kinds_named("b4r7").is_empty(),
        "no word, no kind of thing"
    );
}

#[test]
fn unknown_names_come_back_with_the_closest_known_ones() {
    let g = Grounder::lexical();
    let w = world();
    assert!(
        g.places_named("the garage", &w)
            .first()
            .is_none_or(|b| b.score < PLAUSIBLE)
    );
    let close = g.closest("the kitchn", &w, 3);
    assert_eq!(close[0], "staff kitchen", "{close:?}");
}

#[test]
fn a_place_named_after_what_is_kept_there_is_where_it_is() {
    let g = Grounder::lexical();
    let none = MemoryHandle::default();
    let mut w = world();
    w.places.push(place("spares department", &[], 21.0));
    let r = g.places_with("the spares", &w, &none);
    let (m, s) = top(&r);
    assert_eq!(m, &place_named("spares department"), "{r:?}");
    assert!(s >= PLAUSIBLE, "{s}");
    // Only a word of what is kept counts, not "room".
    assert!(
        g.places_with("the room", &world(), &none)
            .iter()
            .all(|r| r.score < PLAUSIBLE)
    );
}

#[test]
fn a_need_saying_a_word_only_one_place_name_has_points_at_that_place() {
    let w = WorldSummary {
        places: vec![
            place("backwash", &[], 0.0),
            place("colour bar", &[], 3.0),
            place("styling floor", &[], 6.0),
            place("staff room", &[], 9.0),
            place("stock room", &[], 12.0),
        ],
        ..WorldSummary::default()
    };
    let one = |need: &str| place_sharing_a_word(need, &w).map(|r| r.meaning);
    assert_eq!(
        one("her hair needs washing before the cut"),
        Some(place_named("backwash"))
    );
    assert_eq!(
        one("mix up the colours for a client"),
        Some(place_named("colour bar"))
    );
    // A word that only says a kind of space, or that no name has, points at none.
    assert_eq!(one("the room where that's done"), None);
    assert_eq!(one("somewhere to sit down"), None);
    // Nor a word two names share.
    let two = WorldSummary {
        places: vec![place("dog ward", &[], 0.0), place("dog kennels", &[], 3.0)],
        ..WorldSummary::default()
    };
    assert!(place_sharing_a_word("my dog needs to rest", &two).is_none());
    // An inflection is the same word; a stem shared by chance is not ("pots", "potting").
    let shed = WorldSummary {
        places: vec![
            place("potting shed cafe", &[], 0.0),
            place("tills", &[], 3.0),
        ],
        ..WorldSummary::default()
    };
    assert!(place_sharing_a_word("these pots weigh a ton", &shed).is_none());
}

#[test]
fn a_thing_named_after_a_place_is_the_thing_not_the_place() {
    let g = Grounder::lexical();
    let w = WorldSummary {
        places: vec![
            place("barber area", &[], 0.0),
            place("reception", &[], 3.0),
            place("styling floor", &[], 6.0),
        ],
        ..WorldSummary::default()
    };
    let by = |t: &str, p: usize| g.thing_named_after(&content_words(t), &w.places[p]);
    assert!(by("barber chair", 0));
    // The place's own word said, or no thing said: the place.
    assert!(!by("reception desk", 1));
    assert!(!by("barber area", 0));
    assert!(!by("barber", 0));
    let top_place = g
        .places_named("the barber chair", &w)
        .first()
        .map_or(0.0, |r| r.score);
    assert!(top_place < PLAUSIBLE, "{top_place}");
}

#[test]
fn a_number_after_a_name_says_which_one_and_no_other_will_do() {
    let g = Grounder::lexical();
    let r = g.kinds_named("bed 7");
    match &top(&r).0 {
        Meaning::Kinds(names, settle) => {
            assert_eq!(names[0], "bed 7");
            assert!(names.iter().all(|n| n.ends_with(" 7")), "{names:?}");
            assert!(settle.is_empty(), "{settle:?}");
        }
        m => panic!("{m:?}"),
    }
    let r = g.kinds_named("desk two");
    match &top(&r).0 {
        Meaning::Kinds(names, _) => {
            assert!(names.contains(&"desk two".to_owned()), "as said: {names:?}");
            assert!(names.contains(&"desk 2".to_owned()), "{names:?}");
        }
        m => panic!("{m:?}"),
    }
}

#[test]
fn a_number_said_by_its_sound_at_the_end_of_a_name_is_that_number() {
    let g = Grounder::lexical();
    let w = WorldSummary {
        places: vec![
            place("bay 2", &[], 0.0),
            place("bay 4", &[], 3.0),
            place("office", &[], 6.0),
        ],
        ..WorldSummary::default()
    };
    let best = |s: &str| g.places_named(s, &w).first().cloned().expect("a place");
    assert_eq!(best("bay too").meaning, place_named("bay 2"));
    assert!(best("bay too").score >= PLAUSIBLE);
    assert_eq!(best("bay fore").meaning, place_named("bay 4"));
    // Only a last word after another word: "too" alone names nothing.
    let too = g.places_named("too", &w);
    assert!(too.iter().all(|r| r.score < PLAUSIBLE), "{too:?}");
}

#[test]
fn a_description_is_read_as_its_head_noun_and_what_it_says_of_it() {
    assert_eq!(
        description_head("the long white desk the presenters sit behind"),
        (Some("desk".into()), "the presenters sit behind".into())
    );
    assert_eq!(
        description_head("a machine that sells crisps"),
        (Some("machine".into()), "that sells crisps".into())
    );
    // A word for "thing" is no head.
    assert_eq!(
        description_head("the thing you hang coats on"),
        (None, "you hang coats on".into())
    );
    let g = Grounder::lexical();
    assert!(g.is_broad_kind_word("machine"), "many kinds are machines");
    assert!(!g.is_broad_kind_word("centrifuge"));
}
