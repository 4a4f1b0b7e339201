//! The rule planner as a specification: what a task becomes, and when the rules are sure.

use embodia_actuation::Step;
use embodia_world::{Polygon, Region, V2};

use super::*;
use crate::request::{KnownObject, KnownPlace, PlanRequest, WorldSummary};

fn rect(name: &str, x0: f64, y0: f64, x1: f64, y1: f64) -> KnownPlace {
    KnownPlace {
        name: name.into(),
        aliases: vec![],
        region: Region::Polygon(Polygon {
            points: vec![
                V2::new(x0, y0),
                V2::new(x1, y0),
                V2::new(x1, y1),
                V2::new(x0, y1),
            ],
        }),
    }
}

fn obj(name: &str, class: &str, x: f64, y: f64, place: &str) -> KnownObject {
    KnownObject {
        name: name.into(),
        class: class.into(),
        color: None,
        x,
        y,
        place: Some(place.into()),
        seen_ago_s: 30.0,
        seen_by: None,
    }
}

/// A small house no other test uses: a long corridor with rooms on both sides.
fn world(seen: bool) -> WorldSummary {
    WorldSummary {
        pose: Some((1.0, 4.0, 0.0)),
        place: Some("corridor".into()),
        places: vec![
            rect("corridor", 0.0, 3.0, 14.0, 5.0),
            rect("kitchen", 0.0, 5.0, 5.0, 9.0),
            rect("bathroom", 5.0, 5.0, 8.0, 9.0),
            rect("master bedroom", 8.0, 5.0, 14.0, 9.0),
            rect("lounge", 0.0, 0.0, 7.0, 3.0),
            rect("garage", 7.0, 0.0, 14.0, 3.0),
        ],
        objects: if seen {
            vec![
                obj("white coffee mug", "mug", 1.0, 8.0, "kitchen"),
                obj("grey couch", "sofa", 2.0, 1.0, "lounge"),
                obj("paperback novel", "book", 3.0, 1.5, "lounge"),
                obj("toolbox", "toolbox", 12.0, 1.0, "garage"),
            ]
        } else {
            vec![]
        },
        ..WorldSummary::default()
    }
}

fn propose(task: &str, seen: bool) -> Proposal {
    RulePlanner::default().propose(&PlanRequest::new(task, world(seen)))
}

fn plan(task: &str, seen: bool) -> Vec<Step> {
    propose(task, seen)
        .best_plan()
        .unwrap_or_else(|| panic!("{task}: {:?}", propose(task, seen)))
        .steps
}

fn nav(t: &str) -> Step {
    Step::NavigateTo { target: t.into() }
}

#[test]
fn plain_tasks_are_certain() {
    for (task, steps) in [
        ("go to the kitchen", vec![nav("kitchen")]),
        ("head to the garage please", vec![nav("garage")]),
        ("turn left 90 degrees", vec![Step::Rotate { degrees: 90.0 }]),
        ("back up 50 cm", vec![Step::Move { metres: -0.5 }]),
        ("wait 5 seconds", vec![Step::Wait { seconds: 5.0 }]),
    ] {
        let p = propose(task, false);
        assert!(p.certain(), "{task}: {p:?}");
        assert_eq!(p.best_plan().unwrap().steps, steps, "{task}");
    }
}

#[test]
fn misspelt_places_are_the_places() {
    assert_eq!(plan("go to the kitchn", false), [nav("kitchen")]);
    assert_eq!(plan("go to the bathroon", false), [nav("bathroom")]);
    assert_eq!(
        plan("go to the masterbedroom", false),
        [nav("master bedroom")]
    );
}

#[test]
fn unknown_places_fail_naming_the_known_ones_never_a_search() {
    match propose("go to the swimming pool", false) {
        Proposal::Refused(reason) => {
            assert!(
                reason.contains("swimming pool") && reason.contains("I know"),
                "{reason}"
            )
        }
        p => panic!("{p:?}"),
    }
}

#[test]
fn needs_and_activities_go_to_the_room_that_serves_them() {
    assert_eq!(plan("I'm thirsty", false), [nav("kitchen")]);
    assert_eq!(
        plan("take me to where I can wash my hands", false),
        [nav("bathroom")]
    );
    assert_eq!(plan("I need a nap", false), [nav("master bedroom")]);
}

#[test]
fn descriptions_search_for_kinds_that_serve_them() {
    let steps = plan("find something to sit on", false);
    match &steps[..] {
        [Step::LookFor { target }, Step::NavigateTo { target: t2 }] => {
            assert_eq!(target, t2);
            assert!(
                target.contains("chair") && target.contains("sofa"),
                "{target}"
            );
        }
        s => panic!("{s:?}"),
    }
    // Once seen, the seen one.
    assert_eq!(
        plan("find something I can read", true),
        [
            Step::LookFor {
                target: "paperback novel".into()
            },
            nav("paperback novel")
        ]
    );
}

#[test]
fn questions_are_answered_from_what_was_seen() {
    match &plan("where was the mug?", true)[..] {
        [Step::Say { text }] => assert!(
            text.contains("white coffee mug") && text.contains("kitchen"),
            "{text}"
        ),
        s => panic!("{s:?}"),
    }
    match &plan("have you seen my couch?", true)[..] {
        [Step::Say { text }] => {
            assert!(text.starts_with("Yes") && text.contains("lounge"), "{text}")
        }
        s => panic!("{s:?}"),
    }
    match &plan("where did you see the red umbrella?", true)[..] {
        [Step::Say { text }] => assert!(text.contains("not seen red umbrella"), "{text}"),
        s => panic!("{s:?}"),
    }
    match &plan("what did you see in the lounge?", true)[..] {
        [Step::Say { text }] => assert!(
            text.contains("grey couch") && text.contains("paperback novel"),
            "{text}"
        ),
        s => panic!("{s:?}"),
    }
}

#[test]
fn compound_tasks_keep_every_step_in_order() {
    let steps = plan(
        "go to the kitchen, then the garage, and finally come back here",
        false,
    );
    assert_eq!(steps, [nav("kitchen"), nav("garage"), nav("1.00, 4.00")]);
    assert_eq!(
        plan("go to the bathroom and wait there 10 seconds", false),
        [nav("bathroom"), Step::Wait { seconds: 10.0 }]
    );
    match &plan("head to the kitchen, then report back at the garage", false)[..] {
        [a, b, Step::Say { text }] => {
            assert_eq!((a, b), (&nav("kitchen"), &nav("garage")));
            assert!(text.contains("went to the kitchen"), "{text}");
        }
        s => panic!("{s:?}"),
    }
}

#[test]
fn qualified_places_are_points_inside_them() {
    match &plan("go to the far end of the corridor", false)[..] {
        [Step::NavigateTo { target }] => {
            let x: f64 = target.split(',').next().unwrap().trim().parse().unwrap();
            assert!(x > 12.5, "{target}");
        }
        s => panic!("{s:?}"),
    }
}

#[test]
fn refusals_are_certain_and_say_why() {
    for task in [
        "bring me the toolbox",
        "cook dinner",
        "ve a la cocina",
        "drive into the wall",
    ] {
        match propose(task, true) {
            Proposal::Refused(r) => assert!(!r.is_empty()),
            p => panic!("{task}: {p:?}"),
        }
    }
}

#[test]
fn a_description_is_the_words_after_the_article_and_fits_a_target() {
    assert_eq!(
        described_words("find the thing they weigh babies on").as_deref(),
        Some("thing they weigh babies on")
    );
    assert_eq!(
        described_words("find something comfy to sit in").as_deref(),
        Some("something comfy to sit in")
    );
    assert_eq!(described_words("turn left"), None);
    let names = "chair or seat or stool or armchair or office chair else furniture or bench";
    let said = "big chair where they take your blood by the window";
    let t = with_description(names, said);
    assert!(t.chars().count() <= MAX_SEARCH_CHARS, "{t}");
    assert!(t.ends_with(&format!(" ~ {said}")), "{t}");
    // Too long with every name: the names to settle for go first, then the last names.
    let long =
        "big chair where they take your blood, the one with arm rests by the window near the";
    let t = with_description(names, long);
    assert!(t.chars().count() <= MAX_SEARCH_CHARS, "{t}");
    assert!(
        t.starts_with("chair or seat") && !t.contains(" else "),
        "{t}"
    );
    assert!(t.ends_with(long), "{t}");
}

#[test]
fn searches_carry_a_description_only_when_it_says_more_than_their_names() {
    let mut steps = search(&["red cup".into(), "red mug".into()], &["cup".into()]);
    describe_searches(&mut steps, "red cup");
    assert!(
        steps.iter().all(|s| !format!("{s:?}").contains(" ~ ")),
        "{steps:?}"
    );
    describe_searches(&mut steps, "red cup with the chipped handle");
    let Step::LookFor { target } = &steps[0] else {
        panic!("{steps:?}")
    };
    assert!(
        target.ends_with(" ~ red cup with the chipped handle"),
        "{target}"
    );
    let Step::NavigateTo { target: to } = &steps[1] else {
        panic!("{steps:?}")
    };
    assert_eq!(to, target, "the trip goes to what the search recognised");
}

#[test]
fn words_that_only_point_back_and_things_mentioned_in_remarks() {
    assert!(points_back("over") && points_back("do that") && points_back("need to"));
    assert!(!points_back("kitchen") && !points_back(""));
    assert_eq!(
        mentioned_thing("my daughter left her stuffed animal somewhere").as_deref(),
        Some("stuffed animal")
    );
    assert_eq!(
        mentioned_thing("amadi sent me down for a chest x-ray").as_deref(),
        Some("chest x-ray")
    );
    assert_eq!(mentioned_thing("good morning"), None);
    // Where it is, said after it, is not what it is.
    assert_eq!(
        mentioned_thing("there's a green watering can somewhere in the shed").as_deref(),
        Some("green watering can")
    );
}

#[test]
fn a_place_named_inside_chatter_is_where_to_go() {
    let w = world(false);
    assert_eq!(
        place_in_span("what a day take me to the bathroom pls", &w).map(|p| p.0),
        Some("bathroom".into())
    );
    assert_eq!(
        place_in_span("be so kind as to show me to the master bedroom", &w).map(|p| p.0),
        Some("master bedroom".into())
    );
    // Below certainty: the model may still weigh it.
    assert!(place_in_span("the garage if you would", &w).unwrap().1 < 0.95);
    assert_eq!(place_in_span("what is the weather like", &w), None);
    assert_eq!(
        place_in_span("bathroom", &w),
        None,
        "a whole name is not a span"
    );
}

#[test]
fn chatter_around_a_destination_still_goes_there() {
    for (task, place) in [
        ("ugh what a day, take me to the kitchen pls", "kitchen"),
        ("would you be so kind as to go to the garage?", "garage"),
        (
            "go to the... what's it called... the lounge. Yes. There.",
            "lounge",
        ),
        ("so um, the bathroom, go there, I'll follow you", "bathroom"),
    ] {
        assert_eq!(plan(task, false), [nav(place)], "{task}");
    }
}

#[test]
fn prohibitions_and_remarks_never_become_destinations() {
    assert_eq!(
        plan("go to the lounge and stay out of the garage", false),
        [nav("lounge")]
    );
    match propose("avoid the kitchen", false) {
        Proposal::Refused(_) => {}
        other => panic!("{other:?}"),
    }
    // A remark between does not change what "it" means.
    let steps = plan("go to the grey couch, it's urgent, then wait by it", true);
    assert!(
        steps.iter().all(|s| !format!("{s:?}").contains("urgent")),
        "{steps:?}"
    );
}

#[test]
fn between_two_things_is_the_point_midway_searching_first_for_those_not_seen() {
    // Both seen: the point midway, at once.
    assert_eq!(
        plan("go and stand between the grey couch and the toolbox", true),
        [nav("7.00, 1.00")]
    );
    // Not seen: each is searched for, then the skills go midway between what was found.
    let steps = plan("go and stand between the sofa and the toolbox", false);
    assert_eq!(steps.len(), 3, "{steps:?}");
    let (Step::LookFor { target: sofa }, Step::LookFor { target: toolbox }) =
        (&steps[0], &steps[1])
    else {
        panic!("{steps:?}")
    };
    assert!(sofa.starts_with("sofa"), "{sofa}");
    assert!(toolbox.starts_with("toolbox"), "{toolbox}");
    assert_eq!(steps[2], nav(&format!("between {sofa} and {toolbox}")));
    // One seen, one not: only the unseen one is searched for.
    let steps = plan("stand between the toolbox and the lamp", true);
    assert_eq!(steps.len(), 2, "{steps:?}");
    assert!(
        matches!(&steps[1], Step::NavigateTo { target } if target.starts_with("between 12.00, 1.00 and lamp")),
        "{steps:?}"
    );
}

#[test]
fn a_number_a_series_of_places_lacks_is_a_place_not_here() {
    let mut w = world(false);
    w.places.push(rect("gate 14", 0.0, 10.0, 3.0, 12.0));
    w.places.push(rect("gate 15", 3.0, 10.0, 6.0, 12.0));
    let p = RulePlanner::default().propose(&PlanRequest::new("go to gate 22", w.clone()));
    assert!(p.best_plan().is_none(), "{p:?}");
    let p = RulePlanner::default().propose(&PlanRequest::new("go to gate 15", w));
    assert_eq!(p.best_plan().unwrap().steps, [nav("gate 15")]);
}

/// The house with colours the detector told: a green armchair, a red and a blue chair.
fn coloured_world() -> WorldSummary {
    let mut w = world(true);
    let coloured = |name: &str, class: &str, color: &str, x, y, place| KnownObject {
        color: Some(color.into()),
        ..obj(name, class, x, y, place)
    };
    w.objects
        .push(coloured("armchair", "chair", "green", 4.0, 1.0, "lounge"));
    w.objects.push(coloured(
        "desk chair",
        "chair",
        "red",
        10.0,
        7.0,
        "master bedroom",
    ));
    w.objects
        .push(coloured("stool", "chair", "blue", 2.0, 7.0, "kitchen"));
    w
}

fn say_of(task: &str, w: &WorldSummary) -> String {
    let p = RulePlanner::default().propose(&PlanRequest::new(task, w.clone()));
    match p.best_plan().map(|b| b.steps) {
        Some(steps) => match steps.as_slice() {
            [Step::Say { text }] => text.clone(),
            other => panic!("{task}: {other:?}"),
        },
        None => panic!("{task}: {p:?}"),
    }
}

#[test]
fn a_colour_question_is_answered_from_what_the_detector_told() {
    let w = coloured_world();
    for task in [
        "what colour is the armchair?",
        "what color was the armchair in the lounge",
        "can you tell me what colour the armchair is",
        "what's the colour of the armchair",
    ] {
        let text = say_of(task, &w);
        assert!(
            text.contains("green") && text.contains("lounge"),
            "{task}: {text}"
        );
    }
    // Said by part of its name: still the armchair's colour, and no other chair's.
    let text = say_of("what colour was the desk chair?", &w);
    assert!(text.contains("red") && !text.contains("green"), "{text}");
    // A colour never told is not made up; a thing never seen is not searched for.
    let text = say_of("what colour is the toolbox?", &w);
    assert!(
        text.contains("could not tell") && text.contains("garage"),
        "{text}"
    );
    let text = say_of("what colour is the piano?", &w);
    assert!(text.contains("not seen piano"), "{text}");
}

#[test]
fn a_colour_told_by_the_detector_tells_one_thing_from_another() {
    let w = coloured_world();
    // The names say no colour; the colours seen pick the one meant.
    let p = RulePlanner::default().propose(&PlanRequest::new("go to the blue chair", w.clone()));
    assert_eq!(p.best_plan().unwrap().steps, [nav("stool")], "{p:?}");
    let text = say_of("where did you see the green chair?", &w);
    assert!(
        text.contains("green armchair") && text.contains("lounge"),
        "{text}"
    );
    // Answers name the colour with the thing.
    let text = say_of("what did you see in the kitchen?", &w);
    assert!(text.contains("blue stool"), "{text}");
}

#[test]
fn part_of_it_is_part_of_the_place_said_before() {
    let mut r = PlanRequest::new("now go to the far end of it", world(false));
    r.history = vec!["go to the garage".into()];
    let p = RulePlanner::default().propose(&r);
    let steps = p.best_plan().unwrap_or_else(|| panic!("{p:?}")).steps;
    let [Step::NavigateTo { target }] = &steps[..] else {
        panic!("{steps:?}")
    };
    // A point inside the garage (x 7..14, y 0..3).
    let xy: Vec<f64> = target.split(", ").map(|v| v.parse().unwrap()).collect();
    assert!(
        (7.0..=14.0).contains(&xy[0]) && (0.0..=3.0).contains(&xy[1]),
        "{target}"
    );
}

#[test]
fn a_thing_no_knowledge_names_is_searched_for_as_said_but_not_gone_to() {
    let steps = plan("find the zorblax", false);
    assert!(
        matches!(&steps[..], [Step::LookFor { target }, Step::NavigateTo { .. }] if target == "zorblax"),
        "{steps:?}"
    );
    // Going somewhere unknown is not a search: a slip of a room name must not cost a tour.
    assert!(propose("go to the zorblax", false).best_plan().is_none());
}

#[test]
fn a_need_said_without_i_is_a_need_only_when_a_place_surely_serves_it() {
    // Knowledge: a kitchen serves "thirsty" and "parched".
    assert_eq!(plan("parched", false), [nav("kitchen")]);
    // Never what is not to be done.
    assert!(propose("avoid the kitchen", false).best_plan().is_none());
    // Chatter that no place serves surely stays not understood.
    assert!(propose("lovely weather today", false).best_plan().is_none());
}

#[test]
fn a_way_through_is_visited_only_when_it_is_a_place() {
    assert_eq!(
        plan("go to the garage via the lounge", false),
        [nav("lounge"), nav("garage")]
    );
    // "the door" is no place of this house: the route is the navigator's.
    assert_eq!(
        plan("go to the garage through the door", false),
        [nav("garage")]
    );
}

#[test]
fn what_someone_else_wants_is_seen_to_like_ones_own_need() {
    // Knowledge: a kitchen serves "thirsty"; a bedroom is for sleeping.
    assert_eq!(
        plan("grandma wants to sleep", false),
        [nav("master bedroom")]
    );
    assert_eq!(
        plan("my son is thirsty and needs a drink", false),
        [nav("kitchen")]
    );
    // Wanting nothing any more is no need.
    assert!(super::wished("grandma doesn't need to sleep any more").is_none());
}

#[test]
fn a_question_after_being_sent_somewhere_is_answered_by_looking_there() {
    // Not seen yet: find it, then say what is seen (the detector's colours included).
    let steps = plan(
        "go to the lounge and tell me what colour the sofa is",
        false,
    );
    assert!(
        matches!(
            &steps[..],
            [
                Step::NavigateTo { .. },
                Step::LookFor { .. },
                Step::NavigateTo { .. },
                Step::Describe { place: None }
            ]
        ),
        "{steps:?}"
    );
    // Seen before: answered from what was seen, without a search.
    let steps = plan(
        "go to the lounge and tell me what colour the couch is",
        true,
    );
    assert!(
        !steps.iter().any(|s| matches!(s, Step::LookFor { .. })),
        "{steps:?}"
    );
}

#[test]
fn a_follow_up_without_a_verb_asks_the_last_question_of_another_thing() {
    let mut w = world(true);
    w.objects
        .push(obj("red mug", "mug", 12.0, 8.0, "master bedroom"));
    let ask = |task: &str, before: &str| {
        let mut r = PlanRequest::new(task, w.clone());
        r.history = vec![before.to_owned()];
        RulePlanner::default()
            .propose(&r)
            .best_plan()
            .map(|p| p.steps)
    };
    // "one" is the last thing's noun: the white mug, said with where it was seen.
    let steps = ask("and the white one?", "where did you see the red mug?").unwrap();
    assert!(
        matches!(&steps[..], [Step::Say { text }] if text.contains("white coffee mug") && text.contains("kitchen")),
        "{steps:?}"
    );
    // Another thing altogether.
    let steps = ask("what about the toolbox?", "where did you see the red mug?").unwrap();
    assert!(
        matches!(&steps[..], [Step::Say { text }] if text.contains("garage")),
        "{steps:?}"
    );
    // After a request to go, another place to go.
    assert_eq!(
        ask("and now the garage", "go to the kitchen").unwrap(),
        [nav("garage")]
    );
}

#[test]
fn just_outside_a_room_is_in_front_of_its_door_on_the_map() {
    let mut w = world(false);
    // The garage (x 7..14, y 0..3) opens onto the corridor at x 9, and the robot is at x 1.
    w.doors = vec![crate::grounding::Door {
        place: "garage".into(),
        at: V2::new(9.0, 3.0),
        outward: V2::new(0.0, 1.0),
        width: 0.9,
    }];
    let go = |task: &str| {
        RulePlanner::default()
            .propose(&PlanRequest::new(task, w.clone()))
            .best_plan()
            .map(|p| p.steps)
    };
    assert_eq!(
        go("wait just outside the garage").unwrap()[0],
        nav("9.00, 3.70")
    );
    assert_eq!(
        go("wait just inside the door of the garage").unwrap()[0],
        nav("9.00, 2.30")
    );
}

#[test]
fn going_back_before_moving_anywhere_returns_to_where_the_task_before_began() {
    let mut r = PlanRequest::new("now go back to where you were", world(false));
    r.start = Some((2.5, 4.0));
    r.earlier_start = Some((1.0, 4.0));
    let plan = |r: &PlanRequest| RulePlanner::default().propose(r).best_plan().unwrap().steps;
    assert_eq!(plan(&r), [nav("1.00, 4.00")]);
    // Having gone somewhere first, back is where this task began.
    r.task = "go to the kitchen and then come back".into();
    assert_eq!(plan(&r), [nav("kitchen"), nav("2.50, 4.00")]);
}

#[test]
fn a_part_of_a_place_by_a_thing_seen_elsewhere_looks_for_one_there() {
    // The toolbox was seen in the garage; the one by the kitchen's far end is looked for.
    let steps = plan("go to the far end of the kitchen, by the toolbox", true);
    assert_eq!(steps.first(), Some(&nav("kitchen")), "{steps:?}");
    assert!(
        steps
            .iter()
            .any(|s| matches!(s, Step::LookFor { target } if target.contains("toolbox"))),
        "{steps:?}"
    );
    // Seen in that place: straight to it.
    assert_eq!(
        plan("go to the far end of the garage, by the toolbox", true),
        [nav("toolbox")]
    );
}

#[test]
fn a_part_said_alone_in_a_follow_up_is_of_the_place_before() {
    let mut r = PlanRequest::new("and now the far corner, by the toolbox", world(true));
    r.history = vec!["go to the garage".into()];
    let best = RulePlanner::default()
        .propose(&r)
        .best_plan()
        .expect("a plan");
    assert_eq!(best.steps, [nav("toolbox")]);
}

#[test]
fn a_remark_about_someone_after_a_destination_is_not_another_destination() {
    assert_eq!(
        plan(
            "go to the lounge quickly, the bathroom cleaner needs you",
            false
        ),
        [nav("lounge")]
    );
}
#[test]
fn one_in_a_later_task_is_of_the_kind_said_before() {
    let w = world(false);
    let mut r = PlanRequest::new("Now go to the blue one with the stickers on.", w.clone());
    r.history = vec!["Go to the red mug with the chip in it.".to_owned()];
    let u = crate::understand::understand(&r.task);
    let resolved = resolve_references(&u.clauses, &r.history, &crate::text::AnyWord);
    assert_eq!(
        resolved[0].frame,
        Frame::Go(Target::Named("blue mug".into()))
    );
    let steps = RulePlanner::default()
        .propose(&r)
        .best_plan()
        .unwrap()
        .steps;
    assert!(
        matches!(&steps[..], [Step::LookFor { target }, Step::NavigateTo { .. }] if target.starts_with("blue mug")),
        "{steps:?}"
    );
}

#[test]
fn where_a_thing_found_in_the_same_task_is_said_when_the_answer_is_spoken() {
    let steps = plan(
        "Find the toolbox, then come back to the kitchen and tell me which room it's in",
        false,
    );
    // Looked for once; the answer is filled in from what perception saw when it is said.
    assert_eq!(
        steps
            .iter()
            .filter(|s| matches!(s, Step::LookFor { .. }))
            .count(),
        1,
        "{steps:?}"
    );
    assert!(
        matches!(&steps[..], [Step::LookFor { .. }, Step::NavigateTo { .. }, Step::NavigateTo { target }, Step::Say { text }]
            if target == "kitchen" && text.contains("{where toolbox")),
        "{steps:?}"
    );
    // Asked after going somewhere, of a thing not seen: looked for, then said.
    let steps = plan(
        "go to the garage and tell me which room the toolbox is in",
        false,
    );
    assert!(
        matches!(steps.last(), Some(Step::Say { text }) if text.contains("{where toolbox")),
        "{steps:?}"
    );
}

#[test]
fn the_far_end_from_something_is_away_from_it_not_from_the_robot() {
    // The corridor runs x 0..14; the robot stands at its west end, the garage lies east.
    assert_eq!(
        plan("go to the far end of the corridor", false),
        [nav("13.20, 4.00")]
    );
    assert_eq!(
        plan("go to the far end of the corridor from the garage", false),
        [nav("0.50, 4.00")]
    );
}

#[test]
fn left_right_and_back_of_a_room_are_as_seen_coming_in_its_door() {
    let mut w = world(false);
    // The master bedroom (x 8..14, y 5..9) opens onto the corridor at x 11.
    w.doors = vec![crate::grounding::Door {
        place: "master bedroom".into(),
        at: V2::new(11.0, 5.0),
        outward: V2::new(0.0, -1.0),
        width: 0.9,
    }];
    let steps = RulePlanner::default()
        .propose(&PlanRequest::new(
            "go to the back left corner of the master bedroom",
            w.clone(),
        ))
        .best_plan()
        .expect("a plan")
        .steps;
    // Coming in northward: the back is the north wall, the left the west one.
    assert_eq!(steps, [nav("8.50, 8.50")]);
    // Said alone after going there, "of it" is that room.
    let mut r = PlanRequest::new("now the back left corner of it", w);
    r.history = vec!["go to the master bedroom".into()];
    let best = RulePlanner::default()
        .propose(&r)
        .best_plan()
        .expect("a plan");
    assert_eq!(best.steps, [nav("8.50, 8.50")]);
}

#[test]
fn a_short_name_said_alone_with_slips_is_the_place_it_is_nearest_to() {
    assert_eq!(plan("mastr bedrom pls", false), [nav("master bedroom")]);
    // Chatter alone is no place.
    let p = propose("good morning", false);
    assert!(p.best_plan().is_none(), "{p:?}");
}

#[test]
fn a_situation_told_in_several_clauses_is_seen_to_in_one_place() {
    // Told, then asked where: one trip to where the need is seen to, not a trip per clause.
    assert_eq!(
        plan(
            "My hands are covered in oil from the car and they need washing. Where's that done?",
            false
        ),
        [nav("bathroom")]
    );
    assert_eq!(
        plan(
            "I'm starving and I need to make dinner. Take me to the people who do that.",
            false
        ),
        [nav("kitchen")]
    );
}

#[test]
fn saying_the_same_thing_repeats_what_was_given_to_say_before() {
    let mut r = PlanRequest::new("now go to the garage and say the same thing", world(false));
    r.history = vec!["go to the kitchen and say 'dinner is at six'".into()];
    let best = RulePlanner::default()
        .propose(&r)
        .best_plan()
        .expect("a plan");
    assert_eq!(
        best.steps,
        [
            nav("garage"),
            Step::Say {
                text: "dinner is at six".into()
            }
        ]
    );
}

#[test]
fn keeping_off_a_place_is_never_going_there() {
    assert_eq!(
        plan(
            "go to the garage and keep off the lounge, they're hoovering",
            false
        ),
        [nav("garage")]
    );
    assert_eq!(
        plan("go to the garage but stay clear of the lounge", false),
        [nav("garage")]
    );
}

#[test]
fn it_and_one_after_a_remark_are_what_was_needed_or_lost() {
    let resolved = |task: &str| {
        let u = crate::understand::understand(task);
        resolve_references(&u.clauses, &[], &crate::text::AnyWord)
            .into_iter()
            .map(|c| c.frame)
            .next_back()
            .expect("a clause")
    };
    // The lost thing, not the last thing named.
    assert_eq!(
        resolved(
            "a guest left her scarf somewhere in the lounge after the party, can you look for it?"
        ),
        Frame::Find(Target::Named("scarf".into()))
    );
    // What is short or asked for, not what it is for.
    assert_eq!(
        resolved("we're a chair short for the meeting, go find the red one"),
        Frame::Find(Target::Named("red chair".into()))
    );
    assert_eq!(
        resolved("someone in the lounge is asking for a blanket for the baby, go and find one"),
        Frame::Find(Target::Named("blanket".into()))
    );
    // A need for a kind of room stays a need for a place.
    assert!(matches!(
        resolved("I need the loo, where is it?"),
        Frame::Where(Target::Purpose(_))
    ));
}

#[test]
fn two_needs_said_together_are_two_trips_unless_one_says_where_the_person_is() {
    let steps = plan("I'm thirsty and I need the loo", false);
    assert!(steps.contains(&nav("kitchen")), "{steps:?}");
    assert!(steps.contains(&nav("bathroom")), "{steps:?}");
}

#[test]
fn the_corner_of_a_room_by_a_thing_is_by_the_one_seen_in_that_room() {
    let mut w = world(true);
    // A sofa seen in the garage, just past the lounge's east wall.
    w.objects.push(obj("red sofa", "sofa", 7.6, 2.4, "garage"));
    let r = PlanRequest::new("go to the corner of the lounge by the sofa", w);
    let steps = RulePlanner::default()
        .propose(&r)
        .best_plan()
        .expect("a plan")
        .steps;
    let [Step::NavigateTo { target }] = steps.as_slice() else {
        panic!("{steps:?}")
    };
    let x: f64 = target.split(',').next().unwrap().trim().parse().unwrap();
    assert!(
        x < 3.5,
        "by the grey couch in the lounge's west half: {target}"
    );
}

#[test]
fn a_thing_in_a_place_inside_another_is_in_both() {
    let mut w = world(true);
    w.places.push(rect("pantry", 0.0, 7.0, 1.5, 9.0));
    let jar = obj("jam jar", "jar", 0.7, 8.0, "pantry");
    assert!(w.holds("pantry", &jar) && w.holds("kitchen", &jar));
    assert!(!w.holds("lounge", &jar));
    assert_eq!(w.place_at(V2::new(0.7, 8.0)).unwrap().name, "pantry");
}
