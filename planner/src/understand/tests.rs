//! How tasks are read: clauses in order, frames, targets. Phrasings here are this module's
//! own specification, not taken from any held-out set.

use super::*;

fn frames(task: &str) -> Vec<Frame> {
    understand(task)
        .clauses
        .into_iter()
        .map(|c| c.frame)
        .collect()
}

fn named(s: &str) -> Target {
    Target::Named(s.into())
}

#[test]
fn plain_requests() {
    assert_eq!(frames("go to the kitchen"), [Frame::Go(named("kitchen"))]);
    assert_eq!(
        frames("Please head over to the study."),
        [Frame::Go(named("study"))]
    );
    assert_eq!(frames("find the red cup"), [Frame::Find(named("red cup"))]);
    assert_eq!(
        frames("could you look for my keys?"),
        [Frame::Find(named("my keys"))]
    );
    assert_eq!(
        frames("I can't find my glasses"),
        [Frame::Find(named("my glasses"))]
    );
    assert_eq!(frames("stop"), [Frame::Stop]);
    assert_eq!(frames("kitchen please"), [Frame::Bare("kitchen".into())]);
}

#[test]
fn modifiers_change_nothing() {
    for t in [
        "go to the kitchen quickly!",
        "hey robot, go to the kitchen asap, thanks",
        "when you have a moment, could you please go to the kitchen",
        "go to the kitchen right away 🙂",
        "ok so um go to the kitchen as fast as you can",
    ] {
        assert_eq!(frames(t), [Frame::Go(named("kitchen"))], "{t}");
    }
}

#[test]
fn clauses_come_in_the_order_to_do_them() {
    assert_eq!(
        frames("go to the lab, then the hallway, and finally come back here"),
        [
            Frame::Go(named("lab")),
            Frame::Go(named("hallway")),
            Frame::ComeBack
        ]
    );
    assert_eq!(
        frames("drive to the office and then to the dock"),
        [Frame::Go(named("office")), Frame::Go(named("dock"))]
    );
    assert_eq!(
        frames("before going to the kitchen, check the hallway"),
        [Frame::Go(named("hallway")), Frame::Go(named("kitchen"))]
    );
    assert_eq!(
        frames("go to the kitchen, but before that stop by the study"),
        [
            Frame::Go(Target::Near("study".into())),
            Frame::Go(named("kitchen"))
        ]
    );
    assert_eq!(
        frames("go to the garage after you visit the office"),
        [Frame::Go(named("office")), Frame::Go(named("garage"))]
    );
    assert_eq!(
        frames("go to the lab and wait there for 10 seconds"),
        [Frame::Go(named("lab")), Frame::Wait(10.0)]
    );
    assert_eq!(
        frames("go to the lab and say hello when you get there"),
        [Frame::Go(named("lab")), Frame::Say("hello".into())]
    );
    assert_eq!(
        frames("head to the kitchen, then report back at the desk"),
        [
            Frame::Go(named("kitchen")),
            Frame::Report(Some(named("desk")))
        ]
    );
    assert_eq!(
        frames("visit the lab, the hallway and the garage"),
        [Frame::Go(Target::Several(vec![
            named("lab"),
            named("hallway"),
            named("garage")
        ]))]
    );
}

#[test]
fn quoted_words_are_said_as_they_are() {
    assert_eq!(
        frames("go to the hall and say \"Dinner, then dessert!\""),
        [
            Frame::Go(named("hall")),
            Frame::Say("Dinner, then dessert!".into())
        ]
    );
    assert_eq!(
        frames("tell everyone that lunch is ready"),
        [Frame::Say("lunch is ready".into())]
    );
}

#[test]
fn questions_are_questions() {
    assert_eq!(frames("where was the mug?"), [Frame::Where(named("mug"))]);
    assert_eq!(
        frames("where did you last see my keys"),
        [Frame::Where(named("my keys"))]
    );
    assert_eq!(
        frames("do you know where the remote is?"),
        [Frame::Where(named("remote"))]
    );
    assert_eq!(
        frames("have you seen my phone anywhere?"),
        [Frame::Seen(named("my phone"))]
    );
    // Asked of a fleet: the same questions, answered from every robot's sightings.
    assert_eq!(
        frames("where did anyone see the red cup?"),
        [Frame::Where(named("red cup"))]
    );
    assert_eq!(
        frames("has any robot seen the teddy bear?"),
        [Frame::Seen(named("teddy bear"))]
    );
    assert_eq!(
        frames("what did you see in the study?"),
        [Frame::Describe {
            place: Some(named("study")),
            now: false
        }]
    );
    assert_eq!(
        frames("what's in the kitchen"),
        [Frame::Describe {
            place: Some(named("kitchen")),
            now: true
        }]
    );
    assert_eq!(
        frames("look around and tell me what you see"),
        [Frame::Describe {
            place: None,
            now: true
        }]
    );
    assert_eq!(
        frames("where can I wash my hands?"),
        [Frame::Where(Target::Purpose("wash my hands".into()))]
    );
}

#[test]
fn descriptions_needs_and_qualified_places() {
    let thing = |p: &str, q: &[&str]| Target::Thing {
        purpose: p.into(),
        qualifiers: q.iter().map(|s| s.to_string()).collect(),
    };
    assert_eq!(
        frames("find something to sit on"),
        [Frame::Find(thing("sit on", &[]))]
    );
    assert_eq!(
        frames("find me something I can read"),
        [Frame::Find(thing("read", &[]))]
    );
    assert_eq!(
        frames("go to the red thing that puts out fires"),
        [Frame::Go(thing("puts out fires", &["red"]))]
    );
    assert_eq!(
        frames("find the thing in the kitchen that keeps the milk cold"),
        [Frame::Find(Target::In(
            Box::new(thing("keeps the milk cold", &[])),
            "kitchen".into()
        ))]
    );
    assert_eq!(
        frames("go to where we keep the spare stock"),
        [Frame::Go(Target::Purpose("keep the spare stock".into()))]
    );
    assert_eq!(
        frames("check the lab on your way to the store"),
        [Frame::Go(named("lab")), Frame::Go(named("store"))]
    );
    assert_eq!(
        frames("drive straight across the skylight to the picnic table, it's shorter"),
        [
            Frame::Go(named("picnic table")),
            Frame::Bare("it's shorter".into())
        ]
    );
    assert_eq!(
        frames("take me to where I can wash my hands"),
        [Frame::Go(Target::Purpose("wash my hands".into()))]
    );
    assert_eq!(
        frames("go to the room with the bed"),
        [Frame::Go(Target::With("the bed".into()))]
    );
    assert_eq!(
        frames("take me to the room where the towels are kept"),
        [Frame::Go(Target::With("the towels".into()))]
    );
    assert_eq!(frames("I'm thirsty"), [Frame::Need("thirsty".into())]);
    assert_eq!(
        frames("I need to print something"),
        [Frame::Need("print something".into())]
    );
    assert_eq!(
        frames("go to the far end of the corridor"),
        [Frame::Go(Target::Part(
            Part::End(Side::Far),
            "corridor".into()
        ))]
    );
    assert_eq!(
        frames("go to the left side of the lab"),
        [Frame::Go(Target::Part(
            Part::Side(Side::Left),
            "lab".into()
        ))]
    );
    assert_eq!(
        frames("go to the corner of the kitchen by the fridge"),
        [Frame::Go(Target::Part(
            Part::Corner {
                near: Some("fridge".into()),
                sides: None
            },
            "kitchen".into()
        ))]
    );
    assert_eq!(
        frames("go next to the sofa"),
        [Frame::Go(Target::Near("sofa".into()))]
    );
    assert_eq!(
        frames("go to 2.5, -1"),
        [Frame::Go(Target::Point(2.5, -1.0))]
    );
}

#[test]
fn motions_in_everyday_words() {
    assert_eq!(frames("turn left 90 degrees"), [Frame::Turn(90.0)]);
    assert_eq!(
        frames("rotate 45 degrees to the right"),
        [Frame::Turn(-45.0)]
    );
    assert_eq!(frames("turn around"), [Frame::Turn(180.0)]);
    assert_eq!(frames("do a full spin"), [Frame::Turn(360.0)]);
    assert_eq!(
        frames("spin clockwise a quarter turn"),
        [Frame::Turn(-90.0)]
    );
    assert_eq!(frames("move forward 2 metres"), [Frame::Move(2.0)]);
    assert_eq!(frames("back up 50 cm"), [Frame::Move(-0.5)]);
    assert_eq!(frames("scoot back a bit"), [Frame::Move(-0.3)]);
    assert_eq!(
        frames("go forward one and a half metres"),
        [Frame::Move(1.5)]
    );
    assert_eq!(frames("wait 10 seconds"), [Frame::Wait(10.0)]);
    assert_eq!(frames("hang on for half a minute"), [Frame::Wait(30.0)]);
    assert_eq!(frames("give me a minute"), [Frame::Wait(60.0)]);
    assert_eq!(frames("give me a 180"), [Frame::Turn(180.0)]);
    assert_eq!(frames("turn to face the other way"), [Frame::Turn(180.0)]);
    assert_eq!(frames("now forward 50"), [Frame::Move(0.5)]);
    assert_eq!(frames("hang a left"), [Frame::Turn(90.0)]);
}

#[test]
fn prohibitions_and_remarks_are_not_steps() {
    assert_eq!(
        frames("go to the lab - don't go in the office, the doctor's with someone"),
        [
            Frame::Go(named("lab")),
            Frame::Bare("don't go in the office".into()),
            Frame::Bare("the doctor's with someone".into())
        ]
    );
}

#[test]
fn it_and_there_point_back() {
    assert_eq!(frames("where was it?"), [Frame::Where(Target::Previous)]);
    assert_eq!(
        frames("which room is it in?"),
        [Frame::Where(Target::Previous)]
    );
    assert_eq!(
        frames("wheres the farmacy, take me there"),
        [Frame::Where(named("farmacy")), Frame::Go(Target::Previous)]
    );
}

#[test]
fn chatter_is_marked_as_bare_words() {
    assert_eq!(
        frames(
            "Good morning robot! Lovely day isn't it. Could you pop over to the supply room for me? Cheers."
        ),
        [
            Frame::Bare("day isn't it".into()),
            Frame::Go(named("supply room"))
        ]
    );
    assert_eq!(
        frames("hey buddy 😊 can u find the blue book for me, no rush"),
        [Frame::Find(named("blue book"))]
    );
    assert_eq!(
        frames("Hi! 👋 Find the fruit bowl please, thank youuu"),
        [Frame::Find(named("fruit bowl"))]
    );
}

#[test]
fn refusals() {
    assert!(matches!(
        frames("bring me the remote")[..],
        [Frame::Refuse(Refusal::Carry(_))]
    ));
    assert!(matches!(
        frames("make me a coffee")[..],
        [Frame::Refuse(Refusal::Cannot(_))]
    ));
    assert!(matches!(
        frames("turn on the lights")[..],
        [Frame::Refuse(Refusal::Cannot(_))]
    ));
    assert!(matches!(
        frames("drive into the wall at full speed")[..],
        [Frame::Refuse(Refusal::Unsafe(_))]
    ));
    assert_eq!(
        frames("find the crash cart"),
        [Frame::Find(named("crash cart"))]
    );
    assert!(matches!(
        frames("ve a la cocina por favor")[..],
        [Frame::Refuse(Refusal::Language)]
    ));
    assert!(matches!(
        frames("geh bitte in die Küche")[..],
        [Frame::Refuse(Refusal::Language)]
    ));
    assert!(matches!(
        frames("キッチンに行って")[..],
        [Frame::Refuse(Refusal::Language)]
    ));
    assert_eq!(
        frames("bring me to the kitchen"),
        [Frame::Go(named("kitchen"))]
    );
    assert!(!is_foreign("go to the café"));
}

#[test]
fn taking_a_thing_somewhere_is_carrying_it() {
    for t in [
        "take this blood sample down to the lab for me",
        "take these boxes to the dock",
    ] {
        let u = understand(t);
        assert!(
            matches!(u.clauses[0].frame, Frame::Refuse(Refusal::Carry(_))),
            "{t}: {u:?}"
        );
    }
    // Taking a person is an escort, not carrying.
    for t in [
        "take me to the lab",
        "take her to the waiting room",
        "take my mum to radiology",
    ] {
        assert!(
            !matches!(understand(t).clauses[0].frame, Frame::Refuse(_)),
            "{t}: {:?}",
            understand(t)
        );
    }
}

#[test]
fn a_slip_is_mended_where_a_task_word_can_stand_never_inside_a_name() {
    /// Knows the words of a small dictionary; the rest may be slips.
    struct Dictionary;
    impl crate::text::Lexicon for Dictionary {
        fn is_word(&self, w: &str) -> bool {
            ["cup", "tea", "stand", "by", "over", "i'm", "desperate"].contains(&w)
        }
    }
    let read = |t: &str| -> Vec<Frame> {
        understand_with(t, &Dictionary)
            .clauses
            .into_iter()
            .map(|c| c.frame)
            .collect()
    };
    assert_eq!(read("fnd the cup"), [Frame::Find(named("cup"))]);
    assert_eq!(read("please fnd the cup"), [Frame::Find(named("cup"))]);
    let urn = read("go over by the tea urn");
    assert!(
        format!("{urn:?}").contains("urn"),
        "a word after another inside a name is part of it: {urn:?}"
    );
    let loo = read("take me to the loo");
    assert_eq!(
        loo,
        [Frame::Go(named("loo"))],
        "a word after 'the' is a name"
    );
}

#[test]
fn being_somewhere_said_by_a_preposition_is_going_there() {
    assert_eq!(
        frames("stand between the sofa and the tv"),
        [Frame::Go(Target::Between("sofa".into(), "tv".into()))]
    );
    assert_eq!(
        frames("go and wait in between the bench and the lockers"),
        [Frame::Go(Target::Between("bench".into(), "lockers".into()))]
    );
    assert_eq!(
        frames("position yourself behind the counter"),
        [Frame::Go(Target::Near("counter".into()))]
    );
    // A wait with a duration is still a wait.
    assert_eq!(frames("wait 10 seconds"), [Frame::Wait(10.0)]);
}

#[test]
fn another_is_one_more() {
    assert_eq!(
        frames("now turn right and go another metre"),
        [Frame::Turn(-90.0), Frame::Move(1.0)]
    );
    assert_eq!(frames("go forward another 2 metres"), [Frame::Move(2.0)]);
}

#[test]
fn a_correction_replaces_what_it_corrects() {
    assert_eq!(
        frames("go to the bedroom, sorry, I mean the study"),
        [Frame::Go(named("study"))]
    );
    assert_eq!(
        frames("go to the dorm... actually no, make that the gym"),
        [Frame::Go(named("gym"))]
    );
}

#[test]
fn questions_about_a_colour() {
    assert_eq!(
        frames("what colour is the armchair?"),
        [Frame::Colour(named("armchair"))]
    );
    assert_eq!(
        frames("do you remember what color the umbrella was"),
        [Frame::Colour(named("umbrella"))]
    );
    assert_eq!(
        frames("what was the colour of the van when you saw it"),
        [Frame::Colour(named("van"))]
    );
    assert_eq!(
        frames("what colour was it?"),
        [Frame::Colour(Target::Previous)]
    );
}
#[test]
fn a_place_asked_for_by_its_kind_is_a_where_question() {
    // Whatever the building calls its places: platform, shelf, bay.
    assert_eq!(
        frames("which platform were the flowers on?"),
        [Frame::Where(named("flowers"))]
    );
    assert_eq!(
        frames("what shelf is the bleach kept on"),
        [Frame::Where(named("bleach"))]
    );
    assert_eq!(
        frames("which loading bay has the forklift"),
        [Frame::Where(named("forklift"))]
    );
    // Not a place: left alone.
    assert!(!matches!(
        frames("which one is yours")[..],
        [Frame::Where(_)]
    ));
}

#[test]
fn asking_whether_a_thing_is_somewhere_is_a_where_question() {
    assert_eq!(
        frames("is the birthday balloon in the dining room or in the bar?"),
        [Frame::Where(named("birthday balloon"))]
    );
    assert_eq!(
        frames("was my coat on the rack"),
        [Frame::Where(named("my coat"))]
    );
    // "is there", "are you": other questions.
    assert!(!matches!(
        frames("are you in the kitchen")[..],
        [Frame::Where(_)]
    ));
}

#[test]
fn a_question_after_a_remark_points_back_to_what_the_remark_mentions() {
    let f = frames("a kid's rucksack got handed in, what colour was it");
    assert_eq!(f.last(), Some(&Frame::Colour(Target::Previous)), "{f:?}");
}

#[test]
fn where_to_go_asks_for_a_place_for_the_purpose_or_the_situation_told() {
    assert_eq!(
        frames("where do i go to get help"),
        [Frame::Where(Target::Purpose("get help".into()))]
    );
    // The situation told before is what the need is.
    assert_eq!(
        frames("i left my bag on a train yesterday, where do i go"),
        [Frame::Need(
            "i left my bag on a train yesterday, where do i go".into()
        )]
    );
    // A place where something happens is not a question.
    let f = frames("go to the little room where the coats go");
    assert!(matches!(f[..], [Frame::Go(_)]), "{f:?}");
}
#[test]
fn half_after_a_unit_and_comparisons_left_by_a_manner() {
    assert_eq!(frames("go forward a metre and a half"), [Frame::Move(1.5)]);
    assert_eq!(
        frames("back up two feet and a half"),
        [Frame::Move(-2.5 * 0.3048)]
    );
    let f = frames("quick as you can to the west fire exit");
    assert!(
        matches!(&f[..], [Frame::Bare(t) | Frame::Go(Target::Named(t))] if t.ends_with("west fire exit") && !t.contains("as you")),
        "{f:?}"
    );
}

#[test]
fn what_lies_between_two_things_is_said_by_the_two_things() {
    for t in [
        "go halfway between the west fire exit and the information point",
        "wait in the corridor between the shop and the café",
        "stand midway between the west fire exit and the information point",
    ] {
        let f = frames(t);
        assert!(
            f.iter().any(|f| matches!(f, Frame::Go(Target::Between(a, _)) if a.contains("fire exit") || a == "shop")),
            "{t}: {f:?}"
        );
    }
}

#[test]
fn a_tag_asking_to_remember_is_not_part_of_the_question() {
    assert_eq!(
        frames("What colour is the armchair in the lounge, do you remember?"),
        [Frame::Colour(Target::In(
            Box::new(named("armchair")),
            "lounge".into()
        ))]
    );
    // Remembering asked for itself is left alone.
    let f = frames("tell me what you remember");
    assert!(!f.is_empty());
}

#[test]
fn a_remark_after_a_destination_is_no_other_destination() {
    for t in [
        "go to the kitchen, someone is mopping",
        "go to the kitchen, the floor is wet",
    ] {
        let f = frames(t);
        assert_eq!(f[0], Frame::Go(named("kitchen")), "{t}");
        assert!(
            f[1..].iter().all(|f| matches!(f, Frame::Bare(_))),
            "{t}: {f:?}"
        );
    }
    // A list of places still is one.
    assert_eq!(
        frames("go to the kitchen, the hallway and the study"),
        [Frame::Go(Target::Several(vec![
            named("kitchen"),
            named("hallway"),
            named("study")
        ]))]
    );
}

#[test]
fn places_to_pass_on_the_way_come_before_the_destination() {
    let via = |s: &str| Frame::Via(named(s));
    assert_eq!(
        frames("go to the garage via the lounge"),
        [via("lounge"), Frame::Go(named("garage"))]
    );
    assert_eq!(
        frames("head to the study by way of the hall and the landing"),
        [via("hall"), via("landing"), Frame::Go(named("study"))]
    );
    assert_eq!(
        frames("go via the porch to the shed"),
        [via("porch"), Frame::Go(named("shed"))]
    );
    // Said after the destination, as a clause of its own, with a reason.
    assert_eq!(
        frames("go to the shed, but go via the porch so you can check the lock"),
        [via("porch"), Frame::Go(named("shed"))]
    );
    // A later leg's route stays in that leg.
    assert_eq!(
        frames("go to the kitchen, then go via the hall to the office"),
        [
            Frame::Go(named("kitchen")),
            via("hall"),
            Frame::Go(named("office"))
        ]
    );
    assert_eq!(
        frames("go to the lab avoiding going through the cafe"),
        [Frame::Go(named("lab"))]
    );
    // A way not to go is no waypoint.
    assert_eq!(
        frames("go to the shed without passing through the porch"),
        [Frame::Go(named("shed"))]
    );
    assert_eq!(
        frames("go to bay 3 without cutting across bay 1 or bay 2"),
        [Frame::Go(named("bay 3"))]
    );
    assert_eq!(
        frames("go to bay 3 without cutting across bay 1 and then wait 5 seconds"),
        [Frame::Go(named("bay 3")), Frame::Wait(5.0)]
    );
    // A route that names no way through still keeps the destination.
    assert_eq!(
        frames("go through the door to the shed")[1..],
        [Frame::Go(named("shed"))]
    );
}

#[test]
fn a_remark_after_a_comma_is_not_part_of_the_thing_to_find() {
    assert_eq!(
        frames("find the blue scarf, shes been after it all day"),
        [Frame::Find(named("blue scarf"))]
    );
    assert_eq!(
        frames("can you find the mug, think i left it somewhere"),
        [Frame::Find(named("mug"))]
    );
    // A colour said of it after the comma is kept with it.
    assert_eq!(
        frames("find the armchair, the green one by the window"),
        [Frame::Find(named("green armchair"))]
    );
    // A list stays a list, however long.
    assert!(matches!(
        &frames("find the scissors, the sticky tape and the glue")[..],
        [Frame::Find(Target::Several(v))] if v.len() == 3
    ));
    assert_eq!(
        frames("find the salt, pepper and oil"),
        [Frame::Find(Target::Several(vec![
            named("salt"),
            named("pepper"),
            named("oil")
        ]))]
    );
}

#[test]
fn a_part_said_after_a_comma_is_of_the_place_before_it() {
    let toward = |thing: &str, place: &str| {
        Frame::Go(Target::Part(Part::Toward(thing.into()), place.into()))
    };
    assert_eq!(
        frames("go to the hall, the end nearest the porch"),
        [toward("porch", "hall")]
    );
    assert_eq!(
        frames("wait in the shed, in the corner where the mower is")[0],
        toward("mower", "shed")
    );
    // Without a place of its own: the place said before ("there").
    assert_eq!(
        frames("go down the far end, by the log pile"),
        [toward("log pile", "there")]
    );
}

#[test]
fn sitting_by_something_is_going_next_to_it() {
    assert_eq!(
        frames("sit yourself by the fire"),
        [Frame::Go(Target::Near("fire".into()))]
    );
}

#[test]
fn a_door_of_a_place_is_a_part_of_it() {
    let door =
        |side: DoorSide, place: &str| Frame::Go(Target::Part(Part::Door(side), place.into()));
    assert_eq!(
        frames("wait just outside room 4")[0],
        door(DoorSide::Outside, "room 4")
    );
    assert_eq!(
        frames("go to the door of the ward"),
        [door(DoorSide::At, "ward")]
    );
    assert_eq!(
        frames("go into the shop but stay just inside the door")[1],
        door(DoorSide::Inside, "there")
    );
    // Outside with no place, or where it is, is where it stands.
    assert_eq!(
        frames("wait outside for five minutes"),
        [Frame::Wait(300.0)]
    );
    assert_eq!(
        frames("wait where you are for 5 minutes"),
        [Frame::Wait(300.0)]
    );
    assert_eq!(
        frames("wait for me where we eat")[0],
        Frame::Go(Target::Purpose("eat".into()))
    );
    // A place's number is not a time to wait.
    assert_eq!(frames("wait just outside room 8")[1], Frame::Wait(5.0));
}

#[test]
fn acting_on_things_and_people_is_refused() {
    for t in [
        "sell me a ticket for the next boat",
        "hold the cat still while I check her ears",
        "drive the forklift out of the bay",
        "weigh the parcel for me",
    ] {
        assert!(
            matches!(frames(t)[..], [Frame::Refuse(Refusal::Cannot(_))]),
            "{t}: {:?}",
            frames(t)
        );
    }
    // Holding on is waiting; driving to a place is going.
    assert!(matches!(frames("hold on a second")[..], [Frame::Wait(_)]));
    assert!(matches!(
        frames("drive to the loading bay")[..],
        [Frame::Go(_)]
    ));
}

#[test]
fn a_remark_or_reason_after_a_destination_is_not_part_of_it() {
    // "keep off" is what not to do: a clause of its own, never part of where to go.
    assert_eq!(
        frames("go near the boiler, but keep off the hot side"),
        [
            Frame::Go(Target::Near("boiler".into())),
            Frame::Bare("keep off the hot side".into())
        ]
    );
    assert_eq!(
        frames("go to the kitchen, the bit by the fridge"),
        [Frame::Go(Target::Part(
            Part::Toward("fridge".into()),
            "kitchen".into()
        ))]
    );
}

#[test]
fn a_place_said_as_where_someone_would_do_that_is_the_place_for_what_was_said_before() {
    assert_eq!(
        frames("The printer is jammed again, go to where we'd fix that"),
        [Frame::Go(Target::Purpose(
            "the printer is jammed, fix".into()
        ))]
    );
    assert_eq!(
        frames("Grandad wants to lie down for a bit. Go to wherever he'd sleep."),
        [Frame::Go(Target::Purpose(
            "grandad wants to lie down for a bit, sleep".into()
        ))]
    );
    assert_eq!(
        frames("I'm on nights and it's my break, go where we take it"),
        [Frame::Go(Target::Purpose(
            "on nights, it's my break, take".into()
        ))]
    );
    assert_eq!(
        frames("I've got to iron my shirt, go where I'd do it"),
        [Frame::Go(Target::Purpose("iron my shirt".into()))]
    );
    // Said alone, the purpose stands as it is.
    assert_eq!(
        frames("The bin is full. Go to where I can wash my hands."),
        [
            Frame::Bare("the bin is full".into()),
            Frame::Go(Target::Purpose("wash my hands".into()))
        ]
    );
}

#[test]
fn a_number_word_with_no_unit_or_direction_is_no_distance() {
    assert!(
        !frames("I want a bath, can you go where I'd have one?")
            .iter()
            .any(|f| matches!(f, Frame::Move(_)))
    );
    assert_eq!(frames("go forward one"), [Frame::Move(1.0)]);
    assert_eq!(frames("move 2"), [Frame::Move(2.0)]);
}

#[test]
fn why_said_after_a_target_is_not_part_of_it() {
    assert_eq!(
        frames("wait by the kettle so I can spot you"),
        frames("wait by the kettle")
    );
    assert_eq!(
        frames("go to the loading bay in case the van turns up"),
        frames("go to the loading bay")
    );
}

#[test]
fn a_thing_said_after_an_end_or_a_side_says_where_there() {
    assert_eq!(
        frames("go to the far end of the gym, over by the climbing wall"),
        [Frame::Go(Target::Part(
            Part::Toward("climbing wall".into()),
            "gym".into()
        ))]
    );
    assert_eq!(
        frames("head to the opposite corner, down by the piano"),
        [Frame::Go(Target::Part(
            Part::Toward("piano".into()),
            "there".into()
        ))]
    );
}

#[test]
fn coming_back_a_distance_is_a_move_back_or_ahead_after_turning_around() {
    assert_eq!(frames("come back 1 metre"), [Frame::Move(-1.0)]);
    assert_eq!(
        frames("Turn around and come back two metres"),
        [Frame::Turn(180.0), Frame::Move(2.0)]
    );
    assert_eq!(
        frames("come back to the kitchen"),
        [Frame::Go(named("kitchen"))]
    );
    assert_eq!(frames("come back here"), [Frame::ComeBack]);
}

#[test]
fn which_place_a_thing_is_in_is_asked_in_every_word_order() {
    let cases = [
        ("which room were they in?", Target::Previous),
        (
            "tell me which bay the wheelchair was in",
            named("wheelchair"),
        ),
        ("which part of the garage it's in", Target::Previous),
        (
            "which part of the yard is the trailer parked in",
            named("trailer"),
        ),
        ("which studio the boom mic is in", named("boom mic")),
    ];
    for (task, want) in cases {
        assert_eq!(frames(task), [Frame::Where(want)], "{task}");
    }
}

#[test]
fn moving_a_vehicle_or_a_thing_on_wheels_is_refused_going_by_it_is_not() {
    for (task, verb) in [
        (
            "drive the silver hatchback round to the wash bay",
            "drive the silver hatchback",
        ),
        ("wheel the bed into bay a", "wheel the bed"),
        ("push my trolley over to the lifts", "push the trolley"),
    ] {
        assert_eq!(
            frames(task),
            [Frame::Refuse(Refusal::Cannot(verb.into()))],
            "{task}"
        );
    }
    assert_eq!(frames("drive to the lab"), [Frame::Go(named("lab"))]);
    assert!(
        !matches!(
            frames("drive the long way round to the lab")[..],
            [Frame::Refuse(_)]
        ),
        "a way along is not a thing moved"
    );
}
#[test]
fn where_something_is_after_a_comma_says_where_not_a_remark() {
    assert!(!says_something_is("where the telly is"));
    assert!(says_something_is("the nurse needs you"));
    assert!(
        !matches!(
            &frames("wait in the corner of the day room by the window, where the telly is")[..],
            [Frame::Go(Target::Part(crate::understand::Part::Corner { near: Some(n), .. }, _))] if n == "window"
        ),
        "the telly says which corner"
    );
}

#[test]
fn a_place_beyond_the_building_is_refused() {
    assert!(matches!(
        &frames("pop out to the petrol station across the road")[..],
        [Frame::Refuse(Refusal::Cannot(_))]
    ));
    assert!(matches!(
        &frames("nip into town and see if the bakery is open")[..],
        [Frame::Refuse(Refusal::Cannot(_)), ..]
    ));
}
#[test]
fn a_need_said_with_a_destination_is_why_not_another_destination() {
    assert_eq!(
        frames("Hurry to the resus trolley in the corridor, we've got a crash call!")[0],
        Frame::Go(Target::In(
            Box::new(named("resus trolley")),
            "corridor".into()
        ))
    );
    assert!(matches!(
        &frames("go to the kitchen, I'm thirsty")[..],
        [Frame::Go(_), Frame::Bare(_)]
    ));
    // Said after it, it is a destination of its own.
    assert!(matches!(
        &frames("go to the kitchen, then I need the toilet")[..],
        [Frame::Go(_), Frame::Need(_)]
    ));
}
#[test]
fn a_question_asked_for_with_tell_me_is_the_question() {
    assert!(matches!(
        &frames("go and have a look in the colour bar and tell me what's in there")[..],
        [Frame::Go(_), Frame::Describe { now: true, .. }]
    ));
}

#[test]
fn doors_ends_and_manners_said_after_a_place() {
    assert_eq!(
        read_target("just inside the staff room door"),
        Target::Part(Part::Door(DoorSide::Inside), "staff room".into())
    );
    assert_eq!(
        read_target("the corridor just outside its door"),
        Target::Part(Part::Door(DoorSide::Outside), "there".into())
    );
    assert_eq!(
        read_target("just inside the door, out of the way of the machines"),
        Target::Part(Part::Door(DoorSide::Inside), "there".into())
    );
    assert_eq!(
        read_target("the end of the styling floor nearest the backwash"),
        Target::Part(Part::Toward("backwash".into()), "styling floor".into())
    );
}

#[test]
fn a_part_away_from_something_and_a_door_said_with_inside() {
    assert_eq!(
        read_target("the far end of the hall from the lifts"),
        Target::Part(Part::Away("lifts".into()), "hall".into())
    );
    assert_eq!(
        read_target("the other end of the yard from gate 3"),
        Target::Part(Part::Away("gate 3".into()), "yard".into())
    );
    // Places are said without an article.
    assert_eq!(
        read_target("the end of the platform nearest bay 4"),
        Target::Part(Part::Toward("bay 4".into()), "platform".into())
    );
    assert_eq!(
        read_target("the far corner of the yard, right by the skip"),
        Target::Part(
            Part::Corner {
                near: Some("skip".into()),
                sides: None
            },
            "yard".into()
        )
    );
    assert_eq!(
        frames("go just inside the lab doors"),
        [Frame::Go(Target::Part(
            Part::Door(DoorSide::Inside),
            "lab".into()
        ))]
    );
    assert_eq!(
        frames("wait inside the office door for 20 seconds"),
        [
            Frame::Go(Target::Part(Part::Door(DoorSide::Inside), "office".into())),
            Frame::Wait(20.0)
        ]
    );
    // Inside a place, with no door said, is the place.
    assert_eq!(
        frames("go inside the kitchen"),
        [Frame::Go(Target::Named("kitchen".into()))]
    );
}

#[test]
fn colours_of_a_kind_seen_and_what_was_spotted_are_questions() {
    assert_eq!(
        frames("what colour umbrellas have you seen?"),
        [Frame::Colour(Target::Named("umbrellas".into()))]
    );
    assert_eq!(
        frames("which colours of towel have you come across today?"),
        [Frame::Colour(Target::Named("towel".into()))]
    );
    assert!(matches!(
        frames("what colour is the mug?").as_slice(),
        [Frame::Colour(Target::Named(m))] if m == "mug"
    ));
    assert!(matches!(
        frames("what have you spotted so far today?").as_slice(),
        [Frame::Describe {
            now: false,
            place: None
        }]
    ));
    assert!(matches!(
        frames("what have you seen lately?").as_slice(),
        [Frame::Describe {
            now: false,
            place: None
        }]
    ));
}

#[test]
fn a_need_said_before_a_destination_of_its_own_is_why_not_where() {
    let f = frames("we need the forklift charged, go to where the drivers park it");
    assert!(
        matches!(&f[0], Frame::Bare(b) if b.contains("forklift")),
        "{f:?}"
    );
    assert!(matches!(&f[1], Frame::Go(Target::With(_))), "{f:?}");
    let f = frames("I'm dying for a tea, go where the kettle lives");
    assert!(matches!(&f[0], Frame::Bare(_)), "{f:?}");
    assert!(matches!(&f[1], Frame::Go(_)), "{f:?}");
    // Pointing back, the need still says where.
    let f = frames("this ferret needs its claws clipped, go to where we'd do that");
    assert!(
        matches!(f.as_slice(), [Frame::Go(Target::Purpose(p))] if p.contains("claws")),
        "{f:?}"
    );
}

#[test]
fn the_back_of_a_place_by_a_thing_is_where_the_thing_is() {
    assert_eq!(
        frames("go to the back of the workshop by the lathe"),
        [Frame::Go(Target::Part(
            Part::Toward("lathe".into()),
            "workshop".into()
        ))]
    );
    assert_eq!(
        frames("go to the back of the workshop"),
        [Frame::Go(Target::Part(
            Part::Side(Side::Far),
            "workshop".into()
        ))]
    );
    assert_eq!(
        frames("go to the front of the workshop by the window"),
        [Frame::Go(Target::Part(
            Part::Side(Side::Near),
            "workshop".into()
        ))]
    );
}

#[test]
fn without_doing_something_on_the_way_is_how_to_go_not_where() {
    assert_eq!(
        frames("gently go to the print room without knocking anything over"),
        [Frame::Go(Target::Named("print room".into()))]
    );
}

#[test]
fn cooking_is_refused_and_things_left_somewhere_are_the_things() {
    assert_eq!(
        frames("grill a cheese toastie in the staff kitchen"),
        [Frame::Refuse(Refusal::Cannot("grill".into()))]
    );
    assert_eq!(
        frames("what colour was the scarf left there?"),
        [Frame::Colour(Target::Named("scarf".into()))]
    );
}

#[test]
fn a_room_full_of_things_is_the_room_with_them() {
    assert_eq!(
        frames("go to the room full of racks of old costumes"),
        [Frame::Go(Target::With("racks of old costumes".into()))]
    );
}
