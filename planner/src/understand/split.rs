//! A task cut into clauses in the order to do them: sentences, "then"-like connectors,
//! "before"/"after"/"on the way", and "and" or commas where a new clause starts.

use super::*;

/// Sentences: split at the ends [`normalize`] marked (. ! ? ; and new lines; a decimal point
/// is not an end).
pub(super) fn sentences(text: &str) -> Vec<String> {
    text.split(';')
        .map(|s| s.trim().trim_matches(',').trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A sentence's parts in the order to do them: split at "then"-like connectors, with
/// "before"/"after" read for order.
pub(super) fn ordered_parts(sentence: &str) -> Vec<String> {
    let mut parts = vec![sentence.to_owned()];
    // "X, but before that, Y" / "X, but first, Y": Y comes first.
    for marker in [
        ", but before that,",
        ", but before that",
        " but before that,",
        " but before that",
        ", before that,",
        ", before that",
        " before that,",
        " before that",
        ", but first,",
        ", but first",
        " but first,",
        " but first",
    ] {
        if let Some((a, b)) = sentence.split_once(marker) {
            let mut out = ordered_parts(b.trim());
            out.extend(ordered_parts(a.trim()));
            return out;
        }
    }
    // "check the lab on your way to the supply room": the lab, then the supply room.
    for marker in [
        " on your way back to ",
        " on the way back to ",
        " on your way to ",
        " on the way to ",
        " en route to ",
    ] {
        if let Some((a, b)) = sentence.split_once(marker) {
            let mut out = ordered_parts(a.trim());
            out.extend(ordered_parts(&format!("go to {}", b.trim())));
            return out;
        }
    }
    for sep in THEN {
        parts = parts
            .iter()
            .flat_map(|p| {
                p.split(sep)
                    .map(|s| s.trim().trim_matches(',').trim().to_owned())
                    .collect::<Vec<_>>()
            })
            .filter(|s| !s.is_empty())
            .collect();
    }
    parts.into_iter().flat_map(|p| before_after(&p)).collect()
}

/// "before X, Y" -> Y, X; "X before Y" -> X, Y; "after X, Y" -> X, Y; "Y after X" -> X, Y.
pub(super) fn before_after(part: &str) -> Vec<String> {
    for (lead, first_is_lead) in [("before", false), ("after", true)] {
        if let Some(rest) = after(part, lead)
            && !rest.starts_with("that")
            && let Some((a, b)) = rest.split_once(", ")
        {
            let a = gerund_clause(a);
            return if first_is_lead {
                vec![a, b.trim().to_owned()]
            } else {
                vec![b.trim().to_owned(), a]
            };
        }
    }
    for (mid, keep_order) in [(" before ", true), (" after ", false)] {
        if let Some((a, b)) = part.split_once(mid) {
            let b = gerund_clause(b);
            if clause_starts(&b) || intent_of(&strip_openings(&b)).is_some() {
                let a = a.trim().trim_matches(',').to_owned();
                return if keep_order { vec![a, b] } else { vec![b, a] };
            }
        }
    }
    vec![part.to_owned()]
}

/// "going to the kitchen" -> "go to the kitchen"; "you go to ..." -> "go to ...".
pub(super) fn gerund_clause(text: &str) -> String {
    let mut t = text.trim().trim_matches(',').trim().to_owned();
    for p in [
        "you've been to",
        "you have been to",
        "you've",
        "you have",
        "you are",
        "you're",
        "you",
        "we",
        "i",
    ] {
        if let Some(r) = after(&t, p) {
            t = r.to_owned();
            break;
        }
    }
    const BASES: &[&str] = &[
        "go", "head", "check", "look", "visit", "find", "search", "turn", "wait", "say", "drive",
        "move", "walk", "come", "leave", "take", "make", "stop", "return", "enter", "get", "pass",
        "swing", "stand", "park", "bring", "fetch", "inspect", "locate", "reach", "travel",
    ];
    let mut ws: Vec<String> = t.split(' ').map(str::to_owned).collect();
    if let Some(first) = ws.first_mut()
        && first.len() >= 5
        && let Some(root) = first.strip_suffix("ing")
    {
        let undoubled = root
            .chars()
            .last()
            .filter(|c| root.len() > 2 && root.ends_with(&format!("{c}{c}")))
            .map(|_| &root[..root.len() - 1]);
        let with_e = format!("{root}e");
        let base = [Some(root), undoubled, Some(with_e.as_str())]
            .into_iter()
            .flatten()
            .find(|b| BASES.contains(b))
            .map(str::to_owned)
            .unwrap_or_else(|| crate::text::stem(first));
        *first = base;
    }
    ws.join(" ")
}

/// Phrases that begin a new clause after "and" or a comma.
pub(super) fn starter_lists() -> [&'static [&'static str]; 17] {
    [
        go_phrases(),
        FIND,
        WHERE,
        SEEN,
        COLOUR,
        DESCRIBE_PAST,
        DESCRIBE_NOW,
        TURN,
        WAIT,
        SAY,
        STOP,
        COME_BACK,
        REPORT,
        CARRY,
        CANNOT,
        LOST,
        NEED,
    ]
}

/// Whether a clause starts with a verb of some intent (after an opening like "please").
pub(super) fn clause_starts(text: &str) -> bool {
    let mut lead = text.trim();
    loop {
        match longest(lead, MODIFIERS).or_else(|| longest(lead, OPENINGS)) {
            Some((_, rest)) if rest.len() < lead.len() => lead = rest,
            _ => break,
        }
    }
    let t = lead.to_owned();
    if t.starts_with(QUOTE_MARK) {
        return false;
    }
    if starter_lists().iter().any(|l| {
        longest(&t, l).is_some_and(|(p, _)| {
            !matches!(
                p,
                "go" | "head"
                    | "where"
                    | "seen"
                    | "look"
                    | "face"
                    | "make"
                    | "do a"
                    | "state"
                    | "repeat"
                    | "any"
                    | "meet"
                    | "get"
                    | "come"
                    | "run"
                    | "step"
                    | "move"
                    | "pop"
                    | "hop"
                    | "slide"
                    | "shoot"
                    | "return"
                    | "reach"
                    | "check"
                    | "tour"
                    | "race"
                    | "continue"
                    | "enter"
                    | "visit"
            )
        })
    }) {
        return true;
    }
    // "where" asks only with a question's verb after it ("..., where do I go"); "the room
    // where the coats go" goes on.
    let ws: Vec<&str> = t.split(' ').collect();
    if ws.first() == Some(&"where")
        && ws.get(1).is_some_and(|w| {
            matches!(
                *w,
                "do" | "does"
                    | "should"
                    | "can"
                    | "could"
                    | "would"
                    | "will"
                    | "shall"
                    | "must"
                    | "might"
                    | "is"
                    | "are"
                    | "was"
                    | "were"
            )
        })
    {
        return true;
    }
    // "go"/"head" only with a direction or destination after them; a move with a number.
    matches!(
        ws.first(),
        Some(&("go" | "head" | "move" | "drive" | "back" | "reverse" | "roll" | "scoot" | "step"))
    ) && ws.len() > 1
        || ON_ARRIVAL.iter().any(|p| after(&t, p).is_some())
        || is_aside(&t)
}

/// Whether a clause is a remark or a prohibition, not a step.
pub(super) fn is_aside(text: &str) -> bool {
    ASIDES
        .iter()
        .chain(PROHIBITIONS)
        .any(|p| after(text, p).is_some())
}

/// Openings of what not to do ("don't go in", "stay out of the lab"): kept out of the plan's
/// steps (the places they name are routed around, see `crate::avoid`; the keep-out zones
/// always hold).
pub(super) const PROHIBITIONS: &[&str] = &[
    "don't",
    "dont",
    "do not",
    "never",
    "avoid",
    "stay out of",
    "keep out of",
    "keep away from",
    "stay away from",
    "steer clear of",
    "keep clear of",
    "stay clear of",
    "keep off",
    "stay off",
    "no need to",
    "you don't need to",
    "you do not need to",
    "without",
];

/// Openings of a remark beside the task ("it's shorter", "there are people walking around",
/// "Maria's on a call"): a clause of its own, left out unless it says where to go.
pub(super) const ASIDES: &[&str] = &[
    "it's",
    "it is",
    "it was",
    "that's",
    "that is",
    "there's",
    "there is",
    "there are",
    "there were",
    "this is",
    "they're",
    "they are",
    "he's",
    "she's",
    "he is",
    "she is",
    "you're",
    "you are",
    "i know",
    "i think",
    "i guess",
    "i hope",
    "because",
    "since",
    "so that",
    "as it's",
    "as",
    "we're",
    "it'll",
    "that'll",
    "hope",
    "people are",
    "someone's",
    "somebody's",
    "the doctor's",
    "we have",
    "we've",
];

/// Intent phrases that contain "and" ("go and find", "look around and tell me"): never split.
pub(super) fn phrases_with_and() -> Vec<&'static str> {
    starter_lists()
        .iter()
        .flat_map(|l| l.iter())
        .filter(|p| p.contains(" and "))
        .copied()
        .collect()
}

/// Splits at " and " and ", " where a new clause starts.
pub(super) fn split_on_starters(part: &str) -> Vec<String> {
    let joined = phrases_with_and();
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let tokens: Vec<&str> = part.split(' ').collect();
    let mut i = 0;
    while i < tokens.len() {
        let tok = tokens[i];
        // "wait by the door so I can see you", "in case the van comes": why, not another
        // thing to do; the rest of the part is left out.
        if !current.trim().is_empty() && says_why(&tokens[i..]) {
            break;
        }
        // "go to bay 3 without cutting across bay 1": what not to go through is a clause of
        // its own (left out of the steps; `crate::avoid` routes around it).
        if !current.trim().is_empty() && crate::avoid::route_prohibition_len(&tokens[i..]).is_some()
        {
            out.push(current.trim().to_owned());
            current = String::new();
            // Left out up to the next clause ("..., then wait there").
            while i < tokens.len() {
                let tok = tokens[i];
                i += 1;
                if tok.ends_with(',') {
                    break;
                }
                if matches!(tokens.get(i), Some(&("and" | "then")))
                    && clause_starts(&tokens[i + 1..].join(" "))
                {
                    break;
                }
            }
            continue;
        }
        let (sep_len, rest_start) = if tok == "and" || tok == "but" || tok == "so" {
            (1, i + 1)
        } else if tok.ends_with(',') {
            (0, i + 1)
        } else {
            (usize::MAX, 0)
        };
        let inside_phrase = sep_len == 1 && {
            let whole = format!("{} {}", current.trim(), tokens[i..].join(" "));
            longest(whole.trim(), &joined).is_some_and(|(p, _)| p.len() > current.trim().len())
        };
        if sep_len != usize::MAX && !current.is_empty() && !inside_phrase {
            let rest = tokens[rest_start..].join(" ");
            let rest = rest
                .trim_start_matches("and ")
                .trim_start_matches("but ")
                .to_owned();
            if clause_starts(&rest) {
                let head = if sep_len == 0 {
                    tok.trim_end_matches(',')
                } else {
                    ""
                };
                if !head.is_empty() {
                    current.push(' ');
                    current.push_str(head);
                }
                out.push(current.trim().to_owned());
                current = String::new();
                i = rest_start;
                if matches!(tokens.get(i), Some(&("and" | "but"))) {
                    i += 1;
                }
                continue;
            }
        }
        current.push(' ');
        current.push_str(tok);
        i += 1;
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_owned());
    }
    out
}

/// Whether words start a reason ("so I can find it", "so that", "in case it rains").
fn says_why(tokens: &[&str]) -> bool {
    let first = tokens.first().map(|t| t.trim_end_matches(','));
    let second = tokens.get(1).copied().unwrap_or("");
    let third = tokens.get(2).copied().unwrap_or("");
    match first {
        Some("so") => {
            second == "that"
                || (matches!(second, "i" | "we" | "you" | "they" | "he" | "she")
                    && matches!(third, "can" | "could" | "will" | "don't" | "won't"))
                || matches!(
                    second,
                    "i'll" | "we'll" | "you'll" | "they'll" | "i'm" | "we're"
                )
        }
        Some("in") => second == "case",
        _ => false,
    }
}

/// Removes openings ("could you please") at the start.
pub(super) fn strip_openings(text: &str) -> String {
    let mut t = text.trim().trim_matches(',').trim().to_owned();
    loop {
        match longest(&t, OPENINGS) {
            Some((_, rest)) if rest.len() < t.len() => t = rest.trim_matches(',').trim().to_owned(),
            _ => return t,
        }
    }
}

/// A clause without modifiers, openings, "when you get there" and stray commas. What is to
/// be said keeps its words ("say hello, thanks" says "hello thanks").
pub(super) fn clean(piece: &str) -> String {
    let t = piece.replace(',', " , ");
    let t = remove_phrases(&t, ON_ARRIVAL);
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    // Leading modifiers and openings, in any mix ("ok robot, could you please ...").
    let mut lead = t.as_str();
    loop {
        match longest(lead, MODIFIERS).or_else(|| longest(lead, OPENINGS)) {
            Some((_, rest)) if rest.len() < lead.len() => lead = rest,
            _ => break,
        }
    }
    let tidy = |t: &str| {
        t.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace(" ,", ",")
            .trim_matches([',', ' '])
            .to_owned()
    };
    if let Some((p, rest)) = longest(lead, SAY)
        && !rest.is_empty()
        && p != "tell"
    {
        return tidy(&format!("{p} {rest}"));
    }
    let t = remove_phrases(&t, MODIFIERS);
    // What a removed modifier leaves behind ("quick as you can", "as fast as possible").
    let t = remove_phrases(&t, DANGLING_COMPARISONS);
    let t = strip_openings(&tidy(&t));
    let t = tidy(&t);
    // A tag asking for the listener's memory or assent ("..., do you remember?").
    let t = super::clause::strip_tail(&t, TAG_QUESTIONS);
    tidy(t)
}

/// Tags at the end of a clause that ask the listener to remember or agree: not part of what
/// is asked.
const TAG_QUESTIONS: &[&str] = &[
    "do you remember",
    "can you remember",
    "if you remember",
    "do you recall",
    "if you recall",
    "can you recall",
];

/// The comparison that follows a manner said as "X as you can": meaningless once the
/// modifier is gone, and never part of a destination.
const DANGLING_COMPARISONS: &[&str] = &[
    "as as you can",
    "as as possible",
    "as you can",
    "as you possibly can",
    "as you safely can",
    "as you are able",
    "as you're able",
    "as possible",
];
