//! The rule planner: a task read into clauses ([`crate::understand`]), each clause's referents
//! grounded ([`crate::grounding`]), and the steps they say composed in order. Every clause
//! yields ranked alternatives with a score; the plan is certain when every clause was read
//! and its best alternative is confident and clear of the next. An uncertain plan carries
//! its alternatives, so a model can score them ([`crate::choose::ModelChooser`]); a referent
//! nothing grounds fails the task with the closest known names — never a blind search.

use embodia_actuation::{Plan, Step};
use embodia_world::V2;
use serde::Serialize;

use crate::answer;
use crate::grounding::{
    CONFIDENT, Grounder, Meaning, PLAUSIBLE, Qualifier, Ranked, Side, point_in,
};
use crate::request::{PlanRequest, WorldSummary};
use crate::understand::{Clause, Frame, Part, Refusal, Target, Understanding};
use crate::{Planner, PlannerError};

/// Alternatives kept per clause for a model to choose among.
pub const ALTERNATIVES: usize = 4;
/// The best alternative must lead the next (of another meaning) by this much to be certain.
pub const CLEAR_MARGIN: f32 = 0.05;

/// One way to carry out a clause.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alternative {
    /// The steps.
    pub steps: Vec<Step>,
    /// How well the grounding supports it, 0..1.
    pub score: f32,
    /// How it reads in the command language, when not simply its steps (an answer reads
    /// "tell where red cup", not the sentence it says).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// One clause, with the ways to carry it out, best first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClausePlan {
    /// The clause's words.
    pub text: String,
    /// Alternatives, best first (never empty).
    pub alternatives: Vec<Alternative>,
    /// Whether the clause was read (not unknown).
    pub understood: bool,
}

impl ClausePlan {
    /// Whether the best alternative is confident and clear of the next.
    pub fn certain(&self) -> bool {
        let Some(best) = self.alternatives.first() else {
            return false;
        };
        let next = self.alternatives.get(1).map_or(0.0, |a| a.score);
        self.understood && best.score >= CONFIDENT && best.score - next >= CLEAR_MARGIN
    }
}

/// What the rules make of a task.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Proposal {
    /// Clauses in order, each with alternatives.
    Clauses(Vec<ClausePlan>),
    /// The task is refused or cannot be done, for this reason (certain).
    Refused(String),
}

impl Proposal {
    /// The plan of every clause's best alternative, if any.
    pub fn best_plan(&self) -> Option<Plan> {
        match self {
            Proposal::Clauses(cs) => {
                let steps: Vec<Step> = cs
                    .iter()
                    .flat_map(|c| {
                        c.alternatives
                            .first()
                            .map(|a| a.steps.clone())
                            .unwrap_or_default()
                    })
                    .collect();
                let steps = without_repeated_trips(steps);
                (!steps.is_empty()).then(|| Plan::new(steps))
            }
            Proposal::Refused(_) => None,
        }
    }

    /// What the grounding made of the task, for a recording: every clause with its ways to
    /// carry it out (the referents resolved, as steps) and their scores, best first, and
    /// whether the clause is certain; or why the task was refused.
    pub fn grounding(&self) -> serde_json::Value {
        match self {
            Proposal::Clauses(cs) => serde_json::json!({
                "clauses": cs
                    .iter()
                    .map(|c| serde_json::json!({
                        "text": c.text,
                        "understood": c.understood,
                        "certain": c.certain(),
                        "alternatives": c.alternatives,
                    }))
                    .collect::<Vec<_>>(),
            }),
            Proposal::Refused(reason) => serde_json::json!({ "refused": reason }),
        }
    }

    /// Whether the rules are sure: a refusal, or every clause certain.
    pub fn certain(&self) -> bool {
        match self {
            Proposal::Clauses(cs) => !cs.is_empty() && cs.iter().all(ClausePlan::certain),
            Proposal::Refused(_) => true,
        }
    }
}

/// The rule planner.
#[derive(Debug, Clone, Default)]
pub struct RulePlanner {
    grounder: Grounder,
}

/// A clause's steps, or why it cannot be done.
type Composed = Result<Vec<Alternative>, String>;

fn alt(steps: Vec<Step>, score: f32) -> Alternative {
    Alternative {
        steps,
        score,
        label: None,
    }
}

fn nav(target: impl Into<String>) -> Step {
    Step::NavigateTo {
        target: target.into(),
    }
}

/// Longest search target written (alternatives beyond it are left out).
const MAX_SEARCH_CHARS: usize = 150;
/// Longest search target for each side of "between A and B" (both fit in one target).
const BETWEEN_SIDE_CHARS: usize = 70;

/// A search and the trip to what it finds: "a or b" for the names that are what was said,
/// then " else c or d" for names to settle for when the whole search finds none of those.
fn search(exact: &[String], loose: &[String]) -> Vec<Step> {
    let target = search_target(exact, loose, MAX_SEARCH_CHARS);
    vec![
        Step::LookFor {
            target: target.clone(),
        },
        nav(target),
    ]
}

/// The target text searching for `exact` names, then settling for `loose` ones, in at most
/// `budget` characters (names that do not fit are left out, the first always kept).
fn search_target(exact: &[String], loose: &[String], budget: usize) -> String {
    let join = |names: &[String], budget: usize| {
        let mut out = String::new();
        for n in names {
            let more = if out.is_empty() {
                n.clone()
            } else {
                format!("{out} or {n}")
            };
            if more.chars().count() > budget && !out.is_empty() {
                break;
            }
            out = more;
        }
        out
    };
    let loose: Vec<String> = loose
        .iter()
        .filter(|n| !exact.contains(n))
        .cloned()
        .collect();
    // The names to settle for keep room of their own.
    let exact_budget = if loose.is_empty() {
        budget
    } else {
        budget * 3 / 5
    };
    let mut target = join(exact, exact_budget);
    let room = budget.saturating_sub(target.chars().count() + 6);
    if !loose.is_empty() && room > 8 {
        let tail = join(&loose, room);
        if tail.chars().count() <= room {
            target = format!("{target} else {tail}");
        }
    }
    target
}

/// Whether a clause's verb came without anything it applies to ("go to the... what's it
/// called... the sick bay": the first clause is only "go to the").
fn says_nothing(f: &Frame) -> bool {
    match f {
        Frame::Go(Target::Named(t)) | Frame::Find(Target::Named(t)) => {
            crate::grounding::content_words(t).is_empty()
        }
        _ => false,
    }
}

/// Longest span of a phrase tried as a place's name.
const SPAN_WORDS: usize = 4;

/// The place a longer phrase names somewhere inside it ("what a day take me to the
/// bathroom", "be kind as to show me to the bar"): the best place named by a span of up to
/// [`SPAN_WORDS`] of its words, by spelling alone (a span is too short for a sentence model
/// to judge), when one names it with confidence; a later span wins a tie, as destinations
/// follow the chatter. Its score is kept below certainty.
fn place_in_span(text: &str, w: &WorldSummary) -> Option<(String, f32)> {
    let words = crate::grounding::content_words(text);
    if words.len() < 2 {
        return None;
    }
    let lexical = Grounder::lexical();
    let mut best: Option<(String, f32)> = None;
    for start in 0..words.len() {
        for len in 1..=SPAN_WORDS.min(words.len() - start) {
            if len == words.len() {
                continue;
            }
            let span = words[start..start + len].join(" ");
            // A place's own name or alias, not a kind of room a word suggests ("suite").
            let Some(r) = lexical.places_by_name(&span, w).into_iter().next() else {
                continue;
            };
            let Meaning::Place(name) = r.meaning else {
                continue;
            };
            if r.score >= CONFIDENT && best.as_ref().is_none_or(|b| r.score >= b.1) {
                best = Some((name, r.score));
            }
        }
    }
    best.map(|(n, s)| (n, s * 0.9))
}

/// Words that refer to a thing without naming its kind.
const THING_WORDS: &[&str] = &["thing", "something", "stuff", "object", "item", "gadget"];
/// Longest description carried into a search target.
const DESCRIPTION_CHARS: usize = 70;
/// Words that start the part of a clause that describes its thing.
const DESCRIPTION_START: &[&str] = &["the", "a", "an", "some", "any", "my", "our", "that", "this"];

/// The person's words for what a clause wants: what follows its first article or possessive
/// ("find the thing they weigh babies on" -> "thing they weigh babies on"), cut at a word
/// boundary to [`DESCRIPTION_CHARS`]; none when nothing follows one.
fn described_words(clause: &str) -> Option<String> {
    let words: Vec<&str> = clause.split_whitespace().collect();
    // "something comfy to sit in" keeps its "something"; "the thing ..." drops its article.
    let start = words
        .iter()
        .position(|w| DESCRIPTION_START.contains(w) || matches!(*w, "something" | "anything"))?;
    let skip = usize::from(DESCRIPTION_START.contains(&words[start]));
    let mut out = String::new();
    for w in &words[start + skip..] {
        let w: String = w
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '\''))
            .collect();
        if w.is_empty() {
            continue;
        }
        if out.chars().count() + w.chars().count() + 1 > DESCRIPTION_CHARS {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&w);
    }
    (!out.is_empty()).then_some(out)
}

/// Carries `description` into the searches of `steps` (and the trips to what they find) when
/// it says more than the names searched for.
fn describe_searches(steps: &mut [Step], description: &str) {
    let searched: Vec<String> = steps
        .iter()
        .filter_map(|s| match s {
            Step::LookFor { target } => Some(target.clone()),
            _ => None,
        })
        .collect();
    for target in searched {
        if target.contains(" ~ ") || target.starts_with("~ ") {
            continue;
        }
        let named: Vec<String> = embodia_actuation::skills::targets::alternatives(&target)
            .flat_map(str::split_whitespace)
            .map(crate::text::stem)
            .collect();
        let says_more = crate::grounding::content_words(description)
            .iter()
            .map(|w| crate::text::stem(w))
            .any(|w| !named.contains(&w) && !THING_WORDS.contains(&w.as_str()));
        // A bare phrase no kind grounds ("stuffed animal") is recognised by its words too.
        let literal = !target.contains(" or ") && !target.contains(" else ");
        if !says_more && !literal {
            continue;
        }
        let with = with_description(&target, description);
        for s in steps.iter_mut() {
            match s {
                Step::LookFor { target: t } | Step::NavigateTo { target: t } if *t == target => {
                    *t = with.clone();
                }
                _ => {}
            }
        }
    }
}

/// `target ~ description` within the longest target a plan may hold ([`MAX_SEARCH_CHARS`]):
/// names to settle for go first, then the last alternatives, until it fits.
fn with_description(target: &str, description: &str) -> String {
    let (exact, loose) = embodia_actuation::skills::targets::tiers(target);
    let mut exact: Vec<&str> = exact.split(" or ").map(str::trim).collect();
    let mut loose: Vec<&str> = loose
        .map(|l| l.split(" or ").map(str::trim).collect())
        .unwrap_or_default();
    loop {
        let mut names = exact.join(" or ");
        if !loose.is_empty() {
            names = format!("{names} else {}", loose.join(" or "));
        }
        let whole = format!("{names} ~ {description}");
        if whole.chars().count() <= MAX_SEARCH_CHARS || exact.len() <= 1 && loose.is_empty() {
            return if whole.chars().count() <= MAX_SEARCH_CHARS {
                whole
            } else {
                format!("~ {description}")
            };
        }
        if loose.pop().is_none() {
            exact.pop();
        }
    }
}

/// Kinds as search alternatives: the few best kinds' names together (at most eight),
/// colours said with them kept, with the best kind's score.
fn packed_kinds(
    mut kinds: Vec<Ranked>,
    qualifiers: &[String],
) -> Vec<(Vec<String>, Vec<String>, f32)> {
    kinds.sort_by(|a, b| b.score.total_cmp(&a.score));
    let good: Vec<&Ranked> = kinds
        .iter()
        .filter(|k| k.score >= PLAUSIBLE)
        .take(3)
        .collect();
    let Some(best) = good.first() else {
        return Vec::new();
    };
    let prefix: String = qualifiers
        .iter()
        .filter(|q| DISTINGUISHING.contains(&q.as_str()))
        .map(|q| format!("{q} "))
        .collect();
    let mut names: Vec<String> = Vec::new();
    let mut loose: Vec<String> = Vec::new();
    for k in &good {
        if let Meaning::Kinds(ns, _) = &k.meaning {
            for n in ns.iter().take(4) {
                let q = format!("{prefix}{n}");
                if !names.contains(&q) && names.len() < 8 {
                    names.push(q);
                }
                if !prefix.is_empty() && !loose.contains(n) && loose.len() < 8 {
                    loose.push(n.clone());
                }
            }
        }
    }
    vec![(names, loose, best.score)]
}

fn point_text(p: V2) -> String {
    format!("{:.2}, {:.2}", p.x, p.y)
}

/// Keeps the best alternative per distinct step list, best first, at most [`ALTERNATIVES`].
fn rank(mut v: Vec<Alternative>) -> Vec<Alternative> {
    v.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut out: Vec<Alternative> = Vec::new();
    for a in v {
        if a.score > 0.0 && !out.iter().any(|o| o.steps == a.steps) {
            out.push(a);
        }
    }
    out.truncate(ALTERNATIVES);
    out
}

fn weighted(r: &[Ranked], w: f32) -> impl Iterator<Item = (&Meaning, f32)> {
    r.iter().map(move |x| (&x.meaning, x.score * w))
}

impl RulePlanner {
    /// Alternatives for a thing in a place: seen ones there keep their score, seen ones
    /// elsewhere count little, searches start by going to the place.
    fn within_place(
        &self,
        inner: Composed,
        place: &(String, f32),
        w: &WorldSummary,
    ) -> Vec<Alternative> {
        let Ok(inner) = inner else {
            return Vec::new();
        };
        inner
            .into_iter()
            .map(|mut a| {
                let target = a.steps.iter().find_map(|s| match s {
                    Step::NavigateTo { target } => Some(target.clone()),
                    _ => None,
                });
                let seen_here = target
                    .as_deref()
                    .and_then(|t| w.objects.iter().find(|o| o.name == t))
                    .map(|o| w.holds(&place.0, o));
                match seen_here {
                    Some(true) => {}
                    Some(false) => a.score *= 0.5,
                    None if matches!(a.steps.first(), Some(Step::LookFor { .. })) => {
                        a.steps.insert(0, nav(place.0.clone()));
                    }
                    None => {}
                }
                a.score *= place.1.min(1.0);
                a
            })
            .collect()
    }

    /// Whether a kind to search for is food or drink.
    fn consumable(&self, m: &Meaning) -> bool {
        let Meaning::Kinds(names, _) = m else {
            return false;
        };
        names.iter().any(|n| {
            self.grounder
                .knowledge()
                .kinds_called(n)
                .iter()
                .any(|k| k.is.iter().any(|i| i == "food" || i == "drink"))
        })
    }

    /// Things that serve a purpose: seen ones (a colour or material said with it must be
    /// theirs), reached with `to_steps`, and kinds to search for (several may serve: "sit on"
    /// is chairs, sofas, benches), weighted by `kind_weight`.
    fn things_serving(
        &self,
        purpose: &str,
        qualifiers: &[String],
        w: &WorldSummary,
        to_steps: fn(&Meaning, &str) -> Vec<Step>,
        kind_weight: f32,
    ) -> Vec<Alternative> {
        let mut alts: Vec<Alternative> = self
            .grounder
            .objects_for(purpose, w)
            .into_iter()
            .map(|x| qualified_object(x, qualifiers, w))
            .map(|x| alt(to_steps(&x.meaning, purpose), x.score))
            .collect();
        for (exact, loose, s) in self.kinds_serving(purpose, qualifiers) {
            alts.push(alt(search(&exact, &loose), s * kind_weight));
        }
        alts
    }

    /// Kinds of things that serve a purpose, as search alternatives: the few best kinds'
    /// names together (at most eight), colours said with it kept, with the best kind's score.
    fn kinds_serving(
        &self,
        purpose: &str,
        qualifiers: &[String],
    ) -> Vec<(Vec<String>, Vec<String>, f32)> {
        let mut kinds = self.grounder.kinds_for(purpose);
        // Said words that are a kind's own name ("the orange hi-vis thing people wear") pick
        // that kind among those that serve.
        for k in &mut kinds {
            if let Meaning::Kinds(names, _) = &k.meaning
                && qualifiers.iter().any(|q| {
                    names.iter().any(|n| {
                        n.split(' ')
                            .any(|w| crate::text::stem(w) == crate::text::stem(q))
                    })
                })
            {
                k.score = (k.score + 0.2).min(1.0);
            }
        }
        packed_kinds(kinds, qualifiers)
    }

    /// Rules over this grounder.
    pub fn new(grounder: Grounder) -> Self {
        Self { grounder }
    }

    /// The grounder.
    pub fn grounder(&self) -> &Grounder {
        &self.grounder
    }

    /// What the rules make of the request.
    pub fn propose(&self, request: &PlanRequest) -> Proposal {
        let lexicon = WorldWords {
            grounder: &self.grounder,
            names: request
                .world
                .places
                .iter()
                .flat_map(|p| std::iter::once(&p.name).chain(&p.aliases))
                .chain(request.world.objects.iter().map(|o| &o.name))
                .flat_map(|n| crate::grounding::content_words(n))
                .collect(),
        };
        let u = crate::understand::understand_with(&request.task, &lexicon);
        let u = asked_again(&request.task, &request.history, &lexicon).unwrap_or(u);
        self.propose_understood(&u, request)
    }

    /// What the rules make of an already read task.
    pub fn propose_understood(&self, u: &Understanding, request: &PlanRequest) -> Proposal {
        let _span = tracing::debug_span!("rules").entered();
        if let Some(f) = &request.previous_failure
            && !f.failure.retryable
        {
            return Proposal::Refused(f.failure.reason.clone());
        }
        if u.clauses.is_empty() {
            return Proposal::Refused("the task says nothing to do".into());
        }
        // A refusal anywhere refuses the task: doing the rest would not be what was asked.
        for c in &u.clauses {
            if let Frame::Refuse(r) = &c.frame {
                return Proposal::Refused(refusal_reason(r));
            }
        }
        let clauses = resolve_references(&u.clauses, &request.history, &self.grounder);
        // "Now go back to where you were": a task that returns before it moves anywhere
        // returns to where the task before it began; its own start is where it stands.
        let returning_first = clauses
            .iter()
            .find(|c| moves_away(&c.frame) || returns(&c.frame))
            .is_some_and(|c| returns(&c.frame));
        let earlier;
        let request = match request.earlier_start {
            Some(s) if returning_first => {
                earlier = PlanRequest {
                    start: Some(s),
                    ..request.clone()
                };
                &earlier
            }
            _ => request,
        };
        // Clauses that together tell one situation ("I'm counsel in court 2 and I need my
        // wig and gown on before we're called"; "... my bag has to be checked - where's that
        // done?"; "... needs it stitched up. Take me to the people who fix that"): one place
        // that serves it, the whole told and its parts weighed, not a trip per clause.
        if one_situation(&clauses)
            && let Ok(alts) = self.situation(&request.task.to_lowercase(), request)
        {
            return Proposal::Clauses(vec![ClausePlan {
                text: request.task.clone(),
                alternatives: alts,
                understood: true,
            }]);
        }
        let mut out = Vec::new();
        let mut left_out: Vec<String> = Vec::new();
        for (i, c) in clauses.iter().enumerate() {
            // Words with no verb ("good morning", "we need you there") and clauses nothing
            // grounds are chatter when other clauses say what to do: they are left out, not
            // allowed to sink the task.
            let optional = c.implied
                || matches!(c.frame, Frame::Via(_))
                || (matches!(c.frame, Frame::Need(_)) && clauses.len() > 1)
                || says_nothing(&c.frame)
                || matches!(c.frame, Frame::Bare(_) | Frame::Unknown(_));
            let composed = match self.look_then_answer(&c.frame, &clauses[..i], request) {
                Some(looked) => looked,
                None => self.compose(&c.frame, request),
            };
            let composed = match (&c.frame, composed) {
                // A person saying how they are, alone and in words no phrase of need covers
                // ("I could murder a chip butty"): where that is seen to.
                (Frame::Bare(text), Err(e))
                    if clauses.len() == 1 && (speaks_of_self(text) || wished(text).is_some()) =>
                {
                    wished(text)
                        .map_or_else(|| self.need(text, request), |w| self.need(&w, request))
                        .or_else(|_| self.need(text, request))
                        .map_err(|_| e)
                }
                // Said without "I" ("bursting for a wee"): a need only when a place serves
                // it surely.
                (Frame::Bare(text), Err(e))
                    if clauses.len() == 1 && !crate::understand::is_aside(text) =>
                {
                    match self.need(text, request) {
                        Ok(alts) if alts.first().is_some_and(|a| a.score >= CONFIDENT) => Ok(alts),
                        _ => Err(e),
                    }
                }
                (_, composed) => composed,
            };
            match self.described(c, composed, &request.world) {
                Ok(alts) if !alts.is_empty() => out.push(ClausePlan {
                    text: c.text.clone(),
                    alternatives: alts,
                    understood: !optional,
                }),
                Ok(_) if optional => left_out.push(format!("I do not understand {:?}", c.text)),
                Ok(_) => {
                    return Proposal::Refused(format!("I do not understand {:?}", c.text));
                }
                Err(reason) if optional => left_out.push(reason),
                Err(reason) => return Proposal::Refused(reason),
            }
        }
        // Nothing to do in any clause, but the whole says what someone wants or is going
        // through ("the lorry has backed in, someone needs to check the delivery note"):
        // where that is seen to.
        if out.is_empty()
            && clauses.len() > 1
            && (speaks_of_self(&request.task) || wished(&request.task).is_some())
            && let Ok(alts) = wished(&request.task)
                .map_or_else(
                    || self.need(&request.task.to_lowercase(), request),
                    |w| self.need(&w, request),
                )
                .or_else(|_| self.need(&request.task.to_lowercase(), request))
        {
            out.push(ClausePlan {
                text: request.task.clone(),
                alternatives: alts,
                understood: true,
            });
        }
        if out.is_empty() {
            return Proposal::Refused(
                left_out
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| "the task says nothing to do".into()),
            );
        }
        // "report back": what was done, said at the end.
        let done: Vec<String> = out
            .iter()
            .filter_map(|c| c.alternatives.first())
            .flat_map(|a| a.steps.iter().filter_map(past_tense))
            .collect();
        for c in &mut out {
            for a in &mut c.alternatives {
                for s in &mut a.steps {
                    if let Step::Say { text } = s
                        && text == REPORT_PLACEHOLDER
                    {
                        *text = if done.is_empty() {
                            "I am back.".to_owned()
                        } else {
                            format!("I am back. I {}.", join_and(&done))
                        };
                    }
                }
            }
        }
        Proposal::Clauses(out)
    }

    /// A clause that wants a thing, with the person's description of it carried into its
    /// searches: a search for kinds ("chair or seat") also recognises on sight what the
    /// person described ("the big chair where they take your blood" is the phlebotomy chair);
    /// a thing nothing grounds before it is seen ("the tall metal stand they hang the drip
    /// bags on") is searched for by its description alone — never a place name nothing
    /// grounds, never chatter, and only with a sentence embedder to recognise it.
    fn described(&self, c: &Clause, composed: Composed, w: &WorldSummary) -> Composed {
        let (Frame::Go(t) | Frame::Find(t)) = &c.frame else {
            return composed;
        };
        let wanted = match t {
            Target::In(inner, _) => inner.as_ref(),
            t => t,
        };
        if !matches!(wanted, Target::Named(_) | Target::Thing { .. }) {
            return composed;
        }
        // The clause's own words, unless they only point back ("take me to it"): then the
        // words of what they point to.
        let Some(description) = described_words(&c.text)
            .filter(|d| !crate::grounding::content_words(d).is_empty())
            .or_else(|| match wanted {
                Target::Named(n) => Some(n.clone()),
                Target::Thing {
                    purpose,
                    qualifiers,
                } => Some(
                    format!("{} thing {purpose}", qualifiers.join(" "))
                        .trim()
                        .to_owned(),
                ),
                _ => None,
            })
        else {
            return composed;
        };
        let can_recognise = self.grounder.semantic().is_some();
        match composed {
            Ok(mut alts) => {
                if can_recognise {
                    if let Some(a) = self.searched_as_described(&description, alts.first()) {
                        alts.insert(0, a);
                    }
                    for a in &mut alts {
                        describe_searches(&mut a.steps, &description);
                    }
                }
                Ok(alts)
            }
            Err(reason)
                if can_recognise
                    && self.reads_as_thing(wanted)
                    && !matches!(wanted, Target::Named(n) if self.number_not_in_series(n, w)) =>
            {
                // A kind the description says by what the thing is for or is ("the big cold
                // appliance where the milk is kept": a fridge) is searched for, recognised by
                // the description too; else the description alone.
                let said: Vec<String> = crate::grounding::content_words(&description);
                // Only a description whose head says no more than "thing" or a broad kind
                // ("machine"), and whose rest says something of it, may be another kind:
                // "the inspection pit and check the exhaust" is a pit.
                let (head, rest) = crate::grounding::description_head(&description);
                let of_the_thing = !["and ", "so ", "if "].iter().any(|m| rest.starts_with(m));
                let open_head = |names: &[String]| {
                    of_the_thing
                        && head.as_ref().is_none_or(|h| {
                            self.grounder.is_broad_kind_word(h) || self.kind_says(names, h)
                        })
                };
                if let Some((exact, loose, score)) = self
                    .kinds_said_by(&description, &description, &said)
                    .find(|k| k.2 >= PLAUSIBLE && open_head(&k.0))
                {
                    tracing::debug!(%description, %reason, "searching for the kind a description says");
                    let mut steps = search(&exact, &loose);
                    describe_searches(&mut steps, &description);
                    return Ok(vec![alt(steps, score.min(CONFIDENT - 0.05))]);
                }
                tracing::debug!(%description, %reason, "searching by description");
                let target = format!("~ {description}");
                Ok(vec![alt(
                    vec![
                        Step::LookFor {
                            target: target.clone(),
                        },
                        nav(target),
                    ],
                    PLAUSIBLE,
                )])
            }
            Err(reason) => Err(reason),
        }
    }

    /// A search for a thing said by a broad word and what it does ("the machine in bay 1 that
    /// spins tubes really fast"), as a search for the kinds the description says first, the
    /// broad word's kinds after them: `best` with its search's names put behind those.
    fn searched_as_described(
        &self,
        description: &str,
        best: Option<&Alternative>,
    ) -> Option<Alternative> {
        let best = best?;
        let (head, rest) = crate::grounding::description_head(description);
        let head = head?;
        // What follows must say what the thing does or is for ("that spins tubes", "you'd
        // grab"), not where it is or what is with it ("with my laptop", "for the lights").
        let of_the_thing = [
            "that ",
            "which ",
            "who ",
            "you ",
            "we ",
            "they ",
            "people ",
            "i ",
            "you'd ",
            "we'd ",
            "they'd ",
            "someone ",
            "everyone ",
            "staff ",
            "used ",
            "when ",
        ]
        .iter()
        .any(|m| rest.starts_with(m));
        if !of_the_thing || !self.grounder.is_broad_kind_word(&head) {
            return None;
        }
        let searched = best.steps.iter().find_map(|s| match s {
            Step::LookFor { target } if !target.contains('~') => Some(target.clone()),
            _ => None,
        })?;
        let said = crate::grounding::content_words(description);
        let (exact, _, _) = self
            .kinds_said_by(&rest, description, &said)
            .find(|k| k.2 >= PLAUSIBLE)?;
        let (before, _) = embodia_actuation::skills::targets::tiers(&searched);
        let target = format!("{} else {before}", exact.join(" or "));
        let mut steps = best.steps.clone();
        for s in &mut steps {
            match s {
                Step::LookFor { target: t } | Step::NavigateTo { target: t } if *t == searched => {
                    *t = target.clone();
                }
                _ => {}
            }
        }
        Some(alt(steps, (best.score + 0.01).min(1.0)))
    }

    /// Kinds a description says, as search names: those serving what it says the thing does
    /// (`purpose`), then those the whole `description` is nearest to among all kinds — the
    /// latter embedded only if the former give nothing taken.
    fn kinds_said_by<'a>(
        &'a self,
        purpose: &'a str,
        description: &'a str,
        said: &'a [String],
    ) -> impl Iterator<Item = (Vec<String>, Vec<String>, f32)> + 'a {
        self.kinds_serving(purpose, said).into_iter().chain(
            std::iter::once_with(move || {
                packed_kinds(self.grounder.kinds_described(description), said)
            })
            .flatten(),
        )
    }

    /// Whether a kind searched by `names` has `word` in its names or in what it is for
    /// ("frame" in "the frame you walk through at security" of a security arch).
    fn kind_says(&self, names: &[String], word: &str) -> bool {
        let w = crate::text::stem(word);
        let has = |p: &str| p.split_whitespace().any(|x| crate::text::stem(x) == w);
        names.iter().any(|n| {
            has(n)
                || self
                    .grounder
                    .knowledge()
                    .kinds_called(n)
                    .iter()
                    .any(|k| k.names().any(has) || k.uses.iter().any(|u| has(u)))
        })
    }

    /// Whether a target reads as a thing: a described one ("something to sit on"), or a name
    /// that is not a place's and has a word for things (a kind's name, "thing", "stand").
    fn reads_as_thing(&self, t: &Target) -> bool {
        match t {
            Target::Thing { .. } => true,
            Target::Named(text) if !names_a_place(text) => {
                let words = crate::grounding::content_words(text);
                let knowledge = self.grounder.knowledge();
                // A kind of place said by another name ("the lower level", "the cellar") is a
                // place that is not here, not a thing to recognise.
                // A word some kind of thing also ends in ("unit": a shelving unit, a prison's
                // unit) leaves it open.
                let joined = format!(" {} ", words.join(" "));
                let thing_head = |n: &str| {
                    !n.contains(' ')
                        && knowledge.objects.iter().any(|k| {
                            k.names()
                                .filter_map(|x| x.split_whitespace().last())
                                .any(|x| x.eq_ignore_ascii_case(n))
                        })
                };
                if knowledge
                    .rooms
                    .iter()
                    .flat_map(|r| r.names())
                    .any(|n| joined.contains(&format!(" {n} ")) && !thing_head(n))
                {
                    return false;
                }
                // A word for things, or the head noun of a kind's name ("stand" of "iv stand";
                // not "call" of "call button").
                words.iter().any(|w| {
                    let w = crate::text::stem(w);
                    THING_WORDS.contains(&w.as_str())
                        // A broader kind of thing ("appliance", "machine").
                        || knowledge.objects.iter().any(|k| {
                            k.is.iter()
                                .filter_map(|n| n.split_whitespace().last())
                                .any(|n| crate::text::stem(n) == w)
                        })
                        || knowledge.objects.iter().any(|k| {
                            k.names()
                                .filter_map(|n| n.split_whitespace().last())
                                .any(|n| crate::text::stem(n) == w)
                        })
                })
            }
            _ => false,
        }
    }

    fn unknown(&self, what: &str, world: &WorldSummary) -> String {
        let close = self.grounder.closest(what, world, 6);
        let what = what.trim();
        if close.is_empty() {
            format!("I do not know what {what:?} is")
        } else {
            format!("I do not know {what:?} here; I know: {}", close.join(", "))
        }
    }

    fn compose(&self, frame: &Frame, r: &PlanRequest) -> Composed {
        let w = &r.world;
        match frame {
            Frame::Go(t) => self.go(t, r),
            // Only a place is a way through; anything else ("through the door") is a detail
            // of the route the navigator chooses.
            Frame::Via(t) => Ok(best_place(&self.grounder, &target_text(t), w)
                .filter(|(_, s)| *s >= PLAUSIBLE)
                .filter(|(place, _)| {
                    !crate::avoid::places_to_avoid(&r.task, &w.places).contains(place)
                })
                .map(|(place, s)| vec![alt(vec![nav(place)], s)])
                .unwrap_or_default()),
            Frame::Find(t) => self.find(t, r),
            Frame::Where(t) => self.where_is(t, r, false),
            Frame::Seen(t) => self.where_is(t, r, true),
            Frame::Colour(t) => self.colour_of(t, r),
            Frame::Describe { place, now } => self.describe(place.as_ref(), *now, r),
            Frame::Need(text) => self.need(text, r),
            Frame::Turn(d) => Ok(vec![alt(vec![Step::Rotate { degrees: *d }], 1.0)]),
            Frame::Move(m) => Ok(vec![alt(vec![Step::Move { metres: *m }], 1.0)]),
            Frame::Wait(s) => Ok(vec![alt(vec![Step::Wait { seconds: *s }], 1.0)]),
            Frame::Say(text) => Ok(vec![alt(vec![Step::Say { text: text.clone() }], 1.0)]),
            Frame::Stop => Ok(vec![alt(vec![Step::Stop], 1.0)]),
            Frame::ComeBack => match origin(r) {
                Some(p) => Ok(vec![alt(vec![nav(point_text(p))], 1.0)]),
                None => Err("I do not know where I started".into()),
            },
            Frame::Report(at) => {
                let mut steps = match at {
                    Some(t) => self
                        .go(t, r)?
                        .into_iter()
                        .next()
                        .map(|a| a.steps)
                        .unwrap_or_default(),
                    None => match origin(r) {
                        Some(p) => vec![nav(point_text(p))],
                        None => vec![],
                    },
                };
                steps.push(Step::Say {
                    text: REPORT_PLACEHOLDER.into(),
                });
                Ok(vec![alt(steps, 1.0)])
            }
            Frame::Refuse(reason) => Err(refusal_reason(reason)),
            Frame::Bare(text) if crate::understand::is_prohibition(text) => Err(format!(
                "{text:?} says where not to go, not where to go; keep-out zones are what the robot never enters"
            )),
            // "..., the nurse needs you": a remark about someone, never where to go.
            Frame::Bare(text) if crate::understand::says_something_is(text) => {
                Err(format!("I do not understand {text:?}"))
            }
            Frame::Bare(text) => {
                // A bare name is where to go ("kitchen please"), and so is a place with a part
                // or a thing by it ("the study, over by the desk"); anything else is chatter.
                let target = crate::understand::read_target(text);
                let named = matches!(target, Target::Named(_));
                let alts: Vec<Alternative> = self
                    .go(&target, r)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|a| {
                        !named || a.steps.iter().all(|s| matches!(s, Step::NavigateTo { .. }))
                    })
                    .collect();
                // A short name with slips ("sceen dok") is plausibly the place it is
                // nearest to; anything longer must name it surely.
                let whole_task = crate::grounding::content_words(text)
                    == crate::grounding::content_words(&r.task);
                let negated = matches!(
                    text.split_whitespace().next(),
                    Some("not" | "no" | "except" | "anywhere")
                );
                let short_place = |a: &Alternative| {
                    whole_task
                        && !negated
                        && crate::grounding::content_words(text).len() <= 3
                        && matches!(a.steps.as_slice(), [Step::NavigateTo { target }] if w.place(target).is_some())
                };
                if alts.first().is_some_and(|a| {
                    a.score
                        >= if named && !short_place(a) {
                            CONFIDENT
                        } else {
                            PLAUSIBLE
                        }
                }) {
                    Ok(alts)
                } else if let Some((place, score)) = (!crate::understand::is_prohibition(text)
                    && (!crate::understand::is_aside(text) || crate::understand::asks_to_go(text)))
                .then(|| place_in_span(text, w))
                .flatten()
                {
                    // A destination inside chatter ("be so kind as to go to the art room").
                    Ok(vec![alt(vec![nav(place)], score)])
                } else {
                    Err(format!("I do not understand {text:?}"))
                }
            }
            Frame::Unknown(text) => {
                // Not read: offer what its words ground to, for a model to choose among.
                let mut alts = Vec::new();
                if let Ok(a) = self.go(&Target::Named(text.clone()), r) {
                    alts.extend(a.into_iter().map(|a| Alternative {
                        score: a.score * 0.6,
                        ..a
                    }));
                }
                if let Ok(a) = self.need(text, r) {
                    alts.extend(a.into_iter().map(|a| Alternative {
                        score: a.score * 0.6,
                        ..a
                    }));
                }
                let alts = rank(alts);
                if alts.is_empty() {
                    Err(format!(
                        "I do not understand {text:?}; I can go to places, find things, answer what I have seen, turn, move, wait and speak. {}",
                        known_places(w)
                    ))
                } else {
                    Ok(alts)
                }
            }
        }
    }

    /// Where a target is as a point: a place's centre, a seen object, a point; a phrase with
    /// a verb at its end ("the engineers sit") is tried without it.
    fn position_of(&self, what: &str, r: &PlanRequest) -> Option<V2> {
        self.position_of_exactly(what, r).or_else(|| {
            let ws: Vec<&str> = what.split(' ').collect();
            (ws.len() > 1)
                .then(|| self.position_of_exactly(&ws[..ws.len() - 1].join(" "), r))
                .flatten()
        })
    }

    /// Where a thing said with a place is ("the end with the medicine cabinet"): a seen object,
    /// or a place only when named outright (a thing is not the room it is usually in).
    fn thing_position(&self, what: &str, r: &PlanRequest) -> Option<V2> {
        let w = &r.world;
        let o = self.grounder.objects_named(what, w, &r.memory);
        if let Some(best) = o.first().filter(|x| x.score >= PLAUSIBLE) {
            return object_position(&best.meaning, w);
        }
        let p = self.grounder.places_named(what, w);
        p.first()
            .filter(|x| x.score >= CONFIDENT && x.how == crate::grounding::How::Name)
            .and_then(|x| place_center(&x.meaning, w))
    }

    /// Whether `what` is a thing seen in `place`, or a place: what a part of `place` can be
    /// said to be by without looking ("the back of the cat ward, by the kennels" is not by
    /// the kennels seen in the dog ward).
    fn seen_in_or_a_place(&self, what: &str, place: &str, r: &PlanRequest) -> bool {
        let w = &r.world;
        let seen_there = self
            .grounder
            .objects_named(what, w, &r.memory)
            .iter()
            .any(|x| x.score >= PLAUSIBLE && object_in(&x.meaning, place, w));
        seen_there
            || self
                .grounder
                .places_named(what, w)
                .first()
                .is_some_and(|x| x.score >= CONFIDENT && x.how == crate::grounding::How::Name)
    }

    fn position_of_exactly(&self, what: &str, r: &PlanRequest) -> Option<V2> {
        let w = &r.world;
        let o = self.grounder.objects_named(what, w, &r.memory);
        let p = self.grounder.places_named(what, w);
        let best_o = o.first().filter(|x| x.score >= PLAUSIBLE);
        let best_p = p.first().filter(|x| x.score >= PLAUSIBLE);
        match (best_o, best_p) {
            (Some(o), Some(p)) if p.score > o.score => place_center(&p.meaning, w),
            (Some(o), _) => object_position(&o.meaning, w),
            (None, Some(p)) => place_center(&p.meaning, w),
            _ => None,
        }
    }

    /// Midway between two things not both seen yet: each unseen one is searched for by its
    /// kind, then the robot goes to the point between where they turned out to be (the
    /// skills resolve `between A and B` when the searches have ended).
    fn between_unseen(&self, a: &str, b: &str, r: &PlanRequest) -> Result<Alternative, String> {
        let mut steps = Vec::new();
        let mut sides = Vec::new();
        let mut score = 0.85f32;
        for side in [a, b] {
            if let Some(p) = self.position_of(side, r) {
                sides.push(point_text(p));
                continue;
            }
            // A thing by its kind's names, or else by the words said (midway between two
            // things, each side is a thing; a place would have been known by name).
            let kinds = self.grounder.kinds_named(side);
            let (exact, loose, s) = match kinds.first().filter(|k| k.score >= PLAUSIBLE) {
                Some(Ranked {
                    meaning: Meaning::Kinds(exact, loose),
                    score,
                    ..
                }) => (exact.clone(), loose.clone(), *score),
                _ => {
                    let words = crate::grounding::content_words(side).join(" ");
                    if words.is_empty() || names_a_place(side) {
                        return Err(self.unknown(side, &r.world));
                    }
                    (vec![words], Vec::new(), PLAUSIBLE)
                }
            };
            let target = search_target(&exact, &loose, BETWEEN_SIDE_CHARS);
            steps.push(Step::LookFor {
                target: target.clone(),
            });
            sides.push(target);
            score = score.min(s * 0.85);
        }
        steps.push(nav(format!("between {} and {}", sides[0], sides[1])));
        Ok(alt(steps, score))
    }

    /// Whether `text` names a numbered place of a series this world has, by a number it does
    /// not have ("gate 22" where there are gates 14 to 16): a place that is not here.
    fn number_not_in_series(&self, text: &str, w: &WorldSummary) -> bool {
        let (numbers, rest) =
            crate::grounding::numbers_and_words(&crate::grounding::content_words(text));
        if numbers.is_empty() || rest.is_empty() {
            return false;
        }
        let series: Vec<Vec<String>> = w
            .places
            .iter()
            .map(|p| crate::grounding::numbers_and_words(&crate::grounding::content_words(&p.name)))
            .filter(|(n, words)| {
                !n.is_empty() && crate::text::phrase_similarity(&rest, words) >= CONFIDENT
            })
            .map(|(n, _)| n)
            .collect();
        !series.is_empty() && series.iter().all(|n| *n != numbers)
    }

    fn go(&self, t: &Target, r: &PlanRequest) -> Composed {
        let g = &self.grounder;
        let w = &r.world;
        let m = &r.memory;
        let mut alts = Vec::new();
        match t {
            Target::Named(text) if self.number_not_in_series(text, w) => {
                return Err(self.unknown(text, w));
            }
            Target::Named(text) => {
                let places = g.places_named(text, w);
                let objects = g.objects_named(text, w, m);
                // A name whose head is a kind of place ("the server room") is never searched
                // for as a thing: if no such place is known, it is not here.
                let kinds = if names_a_place(text) || g.names_a_room_kind(text) {
                    Vec::new()
                } else {
                    g.kinds_named(text)
                };
                // A verb phrase names a place by what is done there ("top yourself up"), with
                // the rest of the task as context ("your battery is low, go top yourself up").
                let mut purposes = Vec::new();
                // A thing's name ("the big silver flask of liquid nitrogen") is no purpose:
                // the room where such things are kept is not what was asked.
                let thing_named = kinds.first().is_some_and(|k| k.score >= CONFIDENT);
                if !names_a_place(text) && !thing_named {
                    purposes = g.places_for(text, w);
                    if r.task.len() > text.len() + 3 {
                        purposes.extend(g.places_for(&r.task, w).into_iter().map(|mut x| {
                            x.score *= 0.85;
                            x
                        }));
                    }
                }
                for (meaning, s) in weighted(&places, 1.0)
                    .chain(weighted(&objects, 0.97))
                    .chain(weighted(&kinds, 0.85))
                    .chain(weighted(&purposes, 0.8))
                {
                    alts.push(alt(steps_to(meaning, text), s));
                }
                // Chatter read as part of the name ("what a day take me to the bathroom"):
                // a place named inside it.
                if alts.iter().all(|a| a.score < PLAUSIBLE)
                    && !crate::understand::is_prohibition(text)
                    && let Some((place, score)) = place_in_span(text, w)
                {
                    alts.push(alt(vec![nav(place)], score));
                }
            }
            Target::Thing {
                purpose,
                qualifiers,
            } => {
                // Wanted is a thing: seen ones that serve the purpose, else kinds to search.
                alts.extend(self.things_serving(purpose, qualifiers, w, steps_to, 0.9));
                for (meaning, s) in weighted(&g.places_for(purpose, w), 0.6) {
                    alts.push(alt(steps_to(meaning, purpose), s));
                }
            }
            Target::Previous => return Err("I do not know what \"it\" refers to".into()),
            Target::Near(text) => {
                let objects = g.objects_named(text, w, m);
                let places = g.places_named(text, w);
                let kinds = g.kinds_named(text);
                for (meaning, s) in weighted(&objects, 1.0)
                    .chain(weighted(&places, 0.95))
                    .chain(weighted(&kinds, 0.85))
                {
                    alts.push(alt(steps_to(meaning, text), s));
                }
            }
            Target::Purpose(p) => {
                let mut places = g.places_for_need(p, w);
                if r.task.len() > p.len() + 3 {
                    places.extend(g.places_for(&r.task, w).into_iter().map(|mut x| {
                        x.score *= 0.85;
                        x
                    }));
                }
                let objects = g.objects_for(p, w);
                let kinds = g.kinds_for(p);
                for (meaning, s) in weighted(&places, 1.0)
                    .chain(weighted(&objects, 0.9))
                    .chain(weighted(&kinds, 0.75))
                {
                    alts.push(alt(steps_to(meaning, p), s));
                }
                // A seen thing that serves the purpose inside the best place is the more
                // precise destination ("where can I get a drink? take me to it").
                let best_place = places.iter().max_by(|a, b| a.score.total_cmp(&b.score));
                if let Some(bp) = best_place
                    && let Meaning::Place(pn) = &bp.meaning
                    && let Some(o) = objects
                        .iter()
                        .find(|o| o.score >= 0.75 * bp.score && object_in(&o.meaning, pn, w))
                {
                    alts.push(alt(steps_to(&o.meaning, p), bp.score + 0.01));
                }
            }
            Target::With(thing) => {
                // Where the thing is known or usually kept, or what it is for ("the drinks").
                for (meaning, s) in weighted(&g.places_with(thing, w, m), 1.0)
                    .chain(weighted(&g.places_for_need(thing, w), 0.85))
                {
                    alts.push(alt(steps_to(meaning, thing), s));
                }
            }
            Target::In(inner, place) => {
                let Some(pl) = best_place(g, place, w) else {
                    // "the mug in the kitchen" may also be one name ("fridge in the corner").
                    let whole = match inner.as_ref() {
                        Target::Named(n) => format!("{n} in {place}"),
                        _ => place.clone(),
                    };
                    return self.go(&Target::Named(whole), r);
                };
                alts.extend(self.within_place(self.go(inner, r), &pl, w));
                if alts.is_empty() {
                    // A thing nothing names yet, said to be there: looked for there (by the
                    // words said, which carry the description when it can be recognised).
                    match inner.as_ref() {
                        Target::Named(n)
                            if g.semantic().is_some()
                                && self.reads_as_thing(inner)
                                && !starts_with_a_subject(n) =>
                        {
                            let mut steps = vec![nav(pl.0.clone())];
                            let words = crate::grounding::content_words(n).join(" ");
                            steps.extend(search(&[words], &[]));
                            alts.push(alt(steps, pl.1 * 0.75));
                        }
                        _ => alts.push(alt(vec![nav(pl.0.clone())], pl.1 * 0.7)),
                    }
                }
            }
            Target::Part(part, place) => {
                let Some((name, score)) = best_place(g, place, w) else {
                    // "the corridor right outside exam room 2" where the corridor has no name:
                    // just outside the named place, on the robot's side.
                    if let Part::Toward(thing) = part
                        && let Some((b, bs)) = best_place(g, thing, w)
                        && let Some(p) = w.place(&b).and_then(|kp| {
                            crate::grounding::point_outside(kp, &w.doors, w.position())
                        })
                    {
                        return Ok(vec![alt(vec![nav(point_text(p))], bs * 0.9)]);
                    }
                    return Err(self.unknown(place, w));
                };
                let Some(kp) = w.place(&name) else {
                    return Err(self.unknown(place, w));
                };
                let from = w.position();
                // Part of the place by a thing: where the thing is, if it was seen; else it
                // is searched for from the place.
                let by_thing = match part {
                    Part::Toward(n) => Some(n),
                    Part::Corner { near: Some(n), .. } => Some(n),
                    _ => None,
                };
                if let Some(n) = by_thing
                    && !self.seen_in_or_a_place(n, &name, r)
                {
                    // Not seen yet: go there, look around, and go to it (what it settles for
                    // among its kind, as it is in that place).
                    let kinds = g.kinds_named(n);
                    let (exact, loose) = match kinds.first().map(|k| &k.meaning) {
                        Some(Meaning::Kinds(exact, loose)) => (exact.clone(), loose.clone()),
                        _ => (
                            vec![crate::grounding::content_words(n).join(" ")],
                            Vec::new(),
                        ),
                    };
                    // Not seen yet: searched for from the place (the search looks there first).
                    let mut steps = vec![nav(name.clone())];
                    steps.extend(search(&exact, &loose));
                    alts.push(alt(steps, score * 0.9));
                    return Ok(rank(alts));
                }
                let q = match part {
                    Part::Door(side) => {
                        let p = door_point(kp, *side, &w.doors, from);
                        alts.push(match p {
                            Some(p) => alt(vec![nav(point_text(p))], score),
                            None => alt(vec![nav(name)], score * 0.7),
                        });
                        return Ok(rank(alts));
                    }
                    // Away from a thing or place: its far end as seen from there.
                    Part::Away(n) => match self.thing_position(n, r) {
                        Some(p) => {
                            if let Some(p) = point_in(kp, Qualifier::End(Side::Far), Some(p)) {
                                alts.push(alt(vec![nav(point_text(p))], score));
                                return Ok(rank(alts));
                            }
                            Qualifier::End(Side::Far)
                        }
                        None => Qualifier::End(Side::Far),
                    },
                    Part::End(s) => Qualifier::End(*s),
                    Part::Side(s) => Qualifier::Side(*s),
                    Part::Middle => Qualifier::Middle,
                    Part::Corner { near, sides } => {
                        // The thing seen in that place ("the green room's sofa", not the
                        // lobby's), else wherever it is.
                        let near_at = near.as_deref().and_then(|n| {
                            g.objects_named(n, w, &r.memory)
                                .into_iter()
                                .filter(|x| x.score >= PLAUSIBLE)
                                .filter_map(|x| object_position(&x.meaning, w))
                                .find(|p| kp.region.contains(*p))
                                .or_else(|| self.position_of(n, r))
                        });
                        Qualifier::Corner(near_at, *sides)
                    }
                    Part::Toward(n) => {
                        // A seen thing in the place: go up to it (the end "with the cabinet" is
                        // where the cabinet is).
                        let seen = g
                            .objects_named(n, w, &r.memory)
                            .into_iter()
                            .find(|x| x.score >= PLAUSIBLE && object_in(&x.meaning, &name, w));
                        if let Some(Meaning::Object(o)) = seen.map(|x| x.meaning) {
                            alts.push(alt(vec![nav(o)], score));
                            return Ok(rank(alts));
                        }
                        match self.thing_position(n, r) {
                            Some(p) => Qualifier::Toward(p),
                            None => Qualifier::Middle,
                        }
                    }
                };
                // Left, right, back and front are as seen coming in through the door ("the
                // back left corner, as you come in"), wherever the robot stands now.
                // "The other side" said from inside is the side away from the robot.
                let outside = from.is_none_or(|p| !kp.region.contains(p));
                let view = match q {
                    Qualifier::Side(Side::Left | Side::Right)
                    | Qualifier::Corner(None, Some(_)) => {
                        entering_view(kp, &w.doors, from).or(from)
                    }
                    Qualifier::Side(Side::Far | Side::Near) if outside => {
                        entering_view(kp, &w.doors, from).or(from)
                    }
                    _ => from,
                };
                match point_in(kp, q, view) {
                    Some(p) => alts.push(alt(vec![nav(point_text(p))], score)),
                    None => alts.push(alt(vec![nav(name)], score * 0.7)),
                }
            }
            Target::Between(a, b) => match (self.position_of(a, r), self.position_of(b, r)) {
                (Some(pa), Some(pb)) => alts.push(alt(vec![nav(point_text((pa + pb) * 0.5))], 0.9)),
                _ => alts.push(self.between_unseen(a, b, r)?),
            },
            Target::Point(x, y) => alts.push(alt(vec![nav(point_text(V2::new(*x, *y)))], 1.0)),
            Target::Origin => match origin(r) {
                Some(p) => alts.push(alt(vec![nav(point_text(p))], 1.0)),
                None => return Err("I do not know where I started".into()),
            },
            Target::Several(ts) => {
                // Parts that name nothing ("everest, meeting starts in 2 min") are remarks when
                // others name somewhere.
                let mut steps = Vec::new();
                let mut score = 1.0f32;
                let mut first_err = None;
                for t in ts {
                    match self.go(t, r).map(|b| b.into_iter().next()) {
                        Ok(Some(b)) => {
                            score = score.min(b.score);
                            steps.extend(b.steps);
                        }
                        Ok(None) => {}
                        Err(e) => {
                            first_err.get_or_insert(e);
                        }
                    }
                }
                if steps.is_empty() {
                    return Err(first_err.unwrap_or_else(|| self.unknown(&target_text(t), w)));
                }
                alts.push(alt(steps, score));
                // The whole as one name ("salt and pepper shaker").
                if let Ok(whole) = self.go(&Target::Named(target_text(t)), r) {
                    alts.extend(whole.into_iter().filter(|a| a.score >= CONFIDENT));
                }
            }
        }
        let alts = rank(alts);
        match alts.first() {
            Some(a) if a.score >= PLAUSIBLE => Ok(alts),
            _ => Err(self.unknown(&target_text(t), w)),
        }
    }

    fn find(&self, t: &Target, r: &PlanRequest) -> Composed {
        let g = &self.grounder;
        let w = &r.world;
        let m = &r.memory;
        let mut alts = Vec::new();
        match t {
            Target::Named(text) | Target::Near(text) => {
                let objects = g.objects_named(text, w, m);
                let kinds = g.kinds_named(text);
                let places = g.places_named(text, w);
                for (meaning, s) in weighted(&objects, 1.0)
                    .chain(weighted(&kinds, 0.95))
                    .chain(weighted(&places, 0.9))
                {
                    alts.push(alt(search_steps(meaning, text), s));
                }
            }
            Target::Purpose(p) | Target::Thing { purpose: p, .. } => {
                let no_qualifiers = Vec::new();
                let qualifiers = match t {
                    Target::Thing { qualifiers, .. } => qualifiers,
                    _ => &no_qualifiers,
                };
                alts.extend(self.things_serving(p, qualifiers, w, search_steps, 0.95));
            }
            Target::In(inner, place) => {
                let inner_text = target_text(inner);
                match best_place(g, place, w) {
                    Some(pl) => alts.extend(self.within_place(self.find(inner, r), &pl, w)),
                    None => {
                        let whole = format!("{inner_text} in {place}");
                        return self.find(&Target::Named(whole), r);
                    }
                }
            }
            Target::Several(ts) => {
                let mut steps = Vec::new();
                let mut score = 1.0f32;
                for t in ts {
                    let b = self
                        .find(t, r)?
                        .into_iter()
                        .next()
                        .ok_or_else(|| self.unknown(&target_text(t), w))?;
                    score = score.min(b.score);
                    steps.extend(b.steps);
                }
                alts.push(alt(steps, score));
            }
            other => return self.go(other, r),
        }
        let alts = rank(alts);
        match alts.first() {
            Some(a) if a.score >= PLAUSIBLE => Ok(alts),
            _ => Err(self.unknown(&target_text(t), w)),
        }
    }

    fn where_is(&self, t: &Target, r: &PlanRequest, yes_no: bool) -> Composed {
        let g = &self.grounder;
        let w = &r.world;
        let label = format!(
            "tell where {}",
            crate::grounding::content_words(&target_text(t)).join(" ")
        );
        let say = |text: String, s: f32| Alternative {
            label: Some(label.clone()),
            ..alt(vec![Step::Say { text }], s)
        };
        let mut alts = Vec::new();
        let (text, place_filter) = match t {
            Target::In(inner, place) => (target_text(inner), best_place(g, place, w).map(|p| p.0)),
            Target::Purpose(p) => {
                for x in g.places_for_need(p, w) {
                    if let Meaning::Place(name) = &x.meaning {
                        alts.push(say(
                            format!("In the {name}. {}", answer::place_location(name, w)),
                            x.score,
                        ));
                    }
                }
                let alts = rank(alts);
                return match alts.first() {
                    Some(a) if a.score >= PLAUSIBLE => Ok(alts),
                    _ => Err(self.unknown(p, w)),
                };
            }
            Target::Between(a, b) => {
                if let (Some(pa), Some(pb)) = (self.position_of(a, r), self.position_of(b, r))
                    && let Some(p) = w.place_at((pa + pb) * 0.5)
                {
                    alts.push(say(
                        format!("The {} is between the {a} and the {b}.", p.name),
                        0.9,
                    ));
                    return Ok(alts);
                }
                return Err(self.unknown(&target_text(t), w));
            }
            Target::Thing {
                purpose,
                qualifiers,
            } => {
                let objects: Vec<Ranked> = g
                    .objects_for(purpose, w)
                    .into_iter()
                    .map(|x| qualified_object(x, qualifiers, w))
                    .filter(|x| x.score >= PLAUSIBLE)
                    .collect();
                let seen: Vec<&crate::request::KnownObject> = objects
                    .iter()
                    .take(3)
                    .filter_map(|o| match &o.meaning {
                        Meaning::Object(n) => w.objects.iter().find(|k| &k.name == n),
                        _ => None,
                    })
                    .collect();
                if let Some(best) = objects.first() {
                    let text = if yes_no {
                        answer::seen_yes(&seen)
                    } else {
                        answer::where_seen(&seen)
                    };
                    alts.push(say(text, best.score));
                } else {
                    alts.push(say(
                        answer::not_seen(&format!("anything to {purpose}")),
                        0.8,
                    ));
                }
                return Ok(rank(alts));
            }
            other => (target_text(other), None),
        };
        let (seen, best) = self.seen_named(&text, place_filter.as_deref(), r);
        if !seen.is_empty() {
            let text = if yes_no {
                answer::seen_yes(&seen)
            } else {
                answer::where_seen(&seen)
            };
            alts.push(say(text, best));
        }
        // A place asked for by name: where it is.
        let places = g.places_named(&text, w);
        if let Some(p) = places.first()
            && let Meaning::Place(name) = &p.meaning
            && !yes_no
        {
            alts.push(say(answer::place_location(name, w), p.score));
        }
        // Not seen: say so, naming the thing as asked — never search on a question.
        let plausible_thing = g
            .kinds_named(&text)
            .first()
            .map_or(0.0, |k| k.score)
            .max(0.8);
        let what = crate::grounding::content_words(&text).join(" ");
        let not_seen = match &place_filter {
            Some(p) => format!("I have not seen {what} in the {p}."),
            None => answer::not_seen(&what),
        };
        alts.push(say(
            if yes_no {
                format!("No. {not_seen}")
            } else {
                not_seen
            },
            if seen.is_empty() {
                plausible_thing
            } else {
                0.3
            },
        ));
        Ok(rank(alts))
    }

    /// The seen objects `text` names (in `place` when given) and the best one's score: the
    /// best named, or every one seen when the name is plural ("where are the fridges").
    fn seen_named<'w>(
        &self,
        text: &str,
        place: Option<&str>,
        r: &'w PlanRequest,
    ) -> (Vec<&'w crate::request::KnownObject>, f32) {
        let w = &r.world;
        let objects = self.grounder.objects_named(text, w, &r.memory);
        let best = objects.first().map_or(0.0, |b| b.score);
        let plural = crate::grounding::content_words(text)
            .last()
            .is_some_and(|h| h.ends_with('s') && crate::text::stem(h) != *h);
        let window = if plural { 0.3 } else { 0.05 };
        let seen = objects
            .iter()
            .filter(|o| o.score >= PLAUSIBLE && o.score >= best - window)
            .filter(|o| place.is_none_or(|pf| object_in(&o.meaning, pf, w)))
            .filter_map(|o| match &o.meaning {
                Meaning::Object(n) => w.objects.iter().find(|k| &k.name == n),
                _ => None,
            })
            .collect();
        (seen, best)
    }

    /// "Go to room 8 and tell me what colour the slippers are": a question about a thing not
    /// yet seen, asked after sending the robot somewhere, is answered by looking there — find
    /// it, then say what is seen — not from what was seen before.
    fn look_then_answer(
        &self,
        frame: &Frame,
        before: &[Clause],
        r: &PlanRequest,
    ) -> Option<Composed> {
        let (Frame::Colour(t) | Frame::Seen(t) | Frame::Where(t)) = frame else {
            return None;
        };
        let sent = before.iter().any(|c| {
            matches!(
                c.frame,
                Frame::Go(_) | Frame::Describe { now: true, .. } | Frame::Find(_)
            )
        });
        let thing = match t {
            Target::In(inner, _) => target_text(inner),
            other => target_text(other),
        };
        // A place is said where it is, from the map; a thing seen before, from memory.
        let a_place =
            best_place(&self.grounder, &thing, &r.world).is_some_and(|(_, s)| s >= PLAUSIBLE);
        if !sent || a_place || !self.seen_named(&thing, None, r).0.is_empty() {
            return None;
        }
        let looked = self.find(t, r).ok()?;
        // Where it is: said when the step runs, from where perception saw it.
        let where_said = |steps: &[Step]| {
            steps.iter().find_map(|s| match s {
                Step::LookFor { target } => Some(Step::Say {
                    text: format!(
                        "I found the {}{{where {target}}}.",
                        first_searched_name(target).unwrap_or(&thing)
                    ),
                }),
                _ => None,
            })
        };
        // Looked for already in this task ("find the scanner, then come back and tell me
        // which room it's in"): not looked for again.
        let found_before = before
            .iter()
            .any(|c| matches!(&c.frame, Frame::Find(f) if target_text(f) == target_text(t)));
        let asks_where = matches!(frame, Frame::Where(_) | Frame::Seen(_));
        Some(Ok(looked
            .into_iter()
            .filter_map(|mut a| {
                if asks_where {
                    let say = where_said(&a.steps)?;
                    if found_before {
                        a.steps.clear();
                    }
                    a.steps.push(say);
                } else {
                    a.steps.push(Step::Describe { place: None });
                }
                Some(a)
            })
            .collect()))
    }

    /// "What colour is the armchair?": the colour the detector told, for each seen thing the
    /// words name; never a guess, never a search.
    fn colour_of(&self, t: &Target, r: &PlanRequest) -> Composed {
        let w = &r.world;
        let (text, place) = match t {
            Target::In(inner, place) => (
                target_text(inner),
                best_place(&self.grounder, place, w).map(|p| p.0),
            ),
            other => (target_text(other), None),
        };
        let what = crate::grounding::content_words(&text).join(" ");
        let (seen, best) = self.seen_named(&text, place.as_deref(), r);
        let label = format!("tell the colour of {what}");
        let say = |text: String, s: f32| Alternative {
            label: Some(label.clone()),
            ..alt(vec![Step::Say { text }], s)
        };
        if seen.is_empty() {
            return Ok(vec![say(answer::colour_not_seen(&what), 0.8)]);
        }
        Ok(vec![say(answer::colours(&seen), best)])
    }

    fn describe(&self, place: Option<&Target>, now: bool, r: &PlanRequest) -> Composed {
        let g = &self.grounder;
        let w = &r.world;
        let Some(t) = place else {
            return Ok(vec![if now {
                alt(vec![Step::Describe { place: None }], 1.0)
            } else {
                alt(
                    vec![Step::Say {
                        text: answer::seen_anywhere(w),
                    }],
                    1.0,
                )
            }]);
        };
        let text = target_text(t);
        let Some((name, score)) = best_place(g, &text, w) else {
            return Err(self.unknown(&text, w));
        };
        let known_there = w.objects.iter().any(|o| w.holds(&name, o));
        let here = w.place.as_deref() == Some(name.as_str())
            || w.pose
                .zip(w.place(&name))
                .is_some_and(|((x, y, _), p)| p.region.contains(V2::new(x, y)));
        let steps = if !now || (known_there && !here) {
            vec![Step::Say {
                text: answer::seen_in(&name, w),
            }]
        } else if here {
            vec![Step::Describe {
                place: Some(name.clone()),
            }]
        } else {
            vec![
                nav(name.clone()),
                Step::Describe {
                    place: Some(name.clone()),
                },
            ]
        };
        Ok(vec![alt(steps, score)])
    }

    /// Where a situation told in several clauses is seen to: by what the whole and its parts
    /// need; places it names count less, as they often say where the person is or is going
    /// next, not where they want to go now.
    fn situation(&self, text: &str, r: &PlanRequest) -> Composed {
        let g = &self.grounder;
        let w = &r.world;
        let mut alts = Vec::new();
        // What is said to be needed counts most ("... I need to get my wig and gown on before
        // we're called": the wig and gown).
        let wish = wished(text)
            .map(|x| g.places_for_need(&x, w))
            .unwrap_or_default();
        // Never a place the person said to keep out of.
        let avoided = crate::avoid::places_to_avoid(&r.task, &w.places);
        for (meaning, s) in weighted(&wish, 1.0)
            .chain(weighted(&g.places_for_need(text, w), 0.9))
            .chain(weighted(&g.places_named(text, w), 0.7))
            .chain(weighted(&g.objects_for(text, w), 0.8))
        {
            if matches!(meaning, Meaning::Place(p) if avoided.contains(p)) {
                continue;
            }
            alts.push(alt(steps_to(meaning, text), s));
        }
        plausible_for(alts, text, w)
    }

    fn need(&self, text: &str, r: &PlanRequest) -> Composed {
        let g = &self.grounder;
        let w = &r.world;
        let m = &r.memory;
        let mut alts = Vec::new();
        // The rest of the task says what the need is about ("these samples need testing, show me
        // where they get processed").
        let whole = if r.task.len() > text.len() + 3 {
            g.places_for(&r.task, w)
        } else {
            Vec::new()
        };
        for (meaning, s) in weighted(&g.places_for_need(text, w), 1.0)
            .chain(weighted(&whole, 0.85))
            .chain(weighted(&g.places_named(text, w), 0.95))
            .chain(weighted(&g.objects_named(text, w, m), 0.95))
            .chain(weighted(&g.objects_for(text, w), 0.85))
        {
            alts.push(alt(steps_to(meaning, text), s));
        }
        for (meaning, s) in
            weighted(&g.kinds_named(text), 0.9).chain(weighted(&g.kinds_for(text), 0.75))
        {
            // Food and drink ("I need a coffee") are had where they are made or kept, not
            // searched for as things.
            let s = if self.consumable(meaning) { s * 0.6 } else { s };
            alts.push(alt(search_steps(meaning, text), s));
        }
        plausible_for(alts, text, w)
    }
}

/// Alternatives for a need, best first, if the best is plausible; else why not, with the
/// places known.
fn plausible_for(alts: Vec<Alternative>, text: &str, w: &WorldSummary) -> Composed {
    let alts = rank(alts);
    match alts.first() {
        Some(a) if a.score >= PLAUSIBLE => Ok(alts),
        _ => Err(format!(
            "I do not know where to go for {text:?}. {}",
            known_places(w)
        )),
    }
}

/// The words of the language and of this world's names: a word one slip from a word of a
/// place's or a seen thing's name ("gaet" of "gate 15") is left for grounding to read, not
/// mended into a word of the task language ("get").
struct WorldWords<'a> {
    grounder: &'a Grounder,
    names: Vec<String>,
}

impl crate::text::Lexicon for WorldWords<'_> {
    fn is_word(&self, word: &str) -> bool {
        self.grounder.is_word(word)
            || self
                .names
                .iter()
                .any(|n| n.chars().count() >= 3 && crate::text::edit_distance(n, word) <= 1)
            || self
                .names
                .iter()
                .any(|n| crate::text::word_similarity(word, n) > 0.0)
    }
    fn has_words(&self) -> bool {
        self.grounder.has_words()
    }
}

/// Whether words start with someone doing something ("someone's knocked a display over"):
/// a sentence, not the name of a thing.
fn starts_with_a_subject(text: &str) -> bool {
    text.split_whitespace().next().is_some_and(|w| {
        matches!(
            w,
            "someone's"
                | "someone"
                | "somebody"
                | "somebody's"
                | "they"
                | "they've"
                | "they're"
                | "we"
                | "we've"
                | "i"
                | "i've"
                | "he"
                | "she"
                | "he's"
                | "she's"
                | "there's"
                | "it's"
                | "you"
                | "you've"
        )
    })
}

/// Whether a sentence is a person speaking of themselves ("i'd", "my phone's", "we").
fn speaks_of_self(text: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .any(|w| {
            matches!(
                w,
                "i" | "i'd"
                    | "i'm"
                    | "im"
                    | "i've"
                    | "i'll"
                    | "me"
                    | "my"
                    | "we"
                    | "we're"
                    | "we'd"
                    | "our"
                    | "us"
            )
        })
}

/// Whether a clause takes the robot away from where it stands.
fn moves_away(f: &Frame) -> bool {
    matches!(
        f,
        Frame::Go(_) | Frame::Via(_) | Frame::Find(_) | Frame::Move(_) | Frame::Need(_)
    ) && !returns(f)
}

/// Whether a clause takes the robot back to where it started.
fn returns(f: &Frame) -> bool {
    matches!(f, Frame::ComeBack | Frame::Go(Target::Origin))
}

/// Openings of a follow-up that asks the last request again of another thing.
const FOLLOW_UPS: &[&str] = &[
    "and what about",
    "and how about",
    "what about",
    "how about",
    "and also",
    "and",
    "also",
    "same for",
    "same with",
    "now",
];

/// "And the white one?", "what about the kettle?": a follow-up with no verb of its own asks
/// the last question (or request) again, of another thing; "one" stands for the last thing's
/// noun ("the red cardigan" then "the white one": the white cardigan).
fn asked_again(
    task: &str,
    history: &[String],
    lex: &dyn crate::text::Lexicon,
) -> Option<Understanding> {
    let text = crate::text::words(task).join(" ");
    let rest = FOLLOW_UPS
        .iter()
        .filter_map(|f| {
            text.strip_prefix(f)
                .and_then(|r| r.strip_prefix(' '))
                .map(|r| (f.len(), r))
        })
        .max_by_key(|(n, _)| *n)
        .map(|(_, r)| r)?;
    let ws: Vec<&str> = rest.split(' ').collect();
    // Short, and without a verb of its own: "the white one", "the kettle in the kitchen".
    if ws.is_empty() || ws.len() > 6 {
        return None;
    }
    let own = crate::understand::understand_with(rest, lex);
    if own.clauses.len() != 1 || !matches!(own.clauses[0].frame, Frame::Bare(_) | Frame::Unknown(_))
    {
        return None;
    }
    let last = history.last()?;
    let before = crate::understand::understand_with(last, lex);
    let (frame, previous) = before.clauses.iter().rev().find_map(|c| match &c.frame {
        Frame::Where(t) | Frame::Seen(t) | Frame::Colour(t) | Frame::Find(t) | Frame::Go(t) => {
            Some((c.frame.clone(), t.clone()))
        }
        _ => None,
    })?;
    let head = kind_of(&previous)
        .or_else(|| crate::grounding::content_words(&target_text(&previous)).pop())?;
    let said: Vec<String> = ws
        .iter()
        .filter(|w| !matches!(**w, "the" | "a" | "an" | "that" | "this"))
        .map(|w| match *w {
            "one" => head.clone(),
            "ones" => format!("{head}s"),
            other => other.to_owned(),
        })
        .collect();
    if said.is_empty() {
        return None;
    }
    let target = crate::understand::read_target(&said.join(" "));
    let frame = match frame {
        Frame::Where(_) => Frame::Where(target),
        Frame::Seen(_) => Frame::Seen(target),
        Frame::Colour(_) => Frame::Colour(target),
        Frame::Find(_) => Frame::Find(target),
        _ => Frame::Go(target),
    };
    Some(Understanding {
        clauses: vec![Clause {
            text: said.join(" "),
            frame,
            implied: true,
        }],
        question: before.question,
    })
}

/// What a sentence says someone wants, needs or likes ("Doris wants her hair set": "her hair
/// set"; "a visitor needs to sign in first": "sign in first"): a need said of another person,
/// to be seen to like one's own.
fn wished(text: &str) -> Option<String> {
    const WISHES: &[&str] = &[
        "wants",
        "want",
        "needs",
        "need",
        "would like",
        "likes",
        "loves",
        "fancies",
        "prefers",
        "is after",
        "are after",
        "asking for",
        "asked for",
        "is looking for",
        "are looking for",
        "has to",
        "have to",
        "is desperate for",
        "is dying for",
        "is gasping for",
    ];
    let ws = crate::text::words(text);
    (0..ws.len()).find_map(|i| {
        WISHES.iter().find_map(|w| {
            let wish: Vec<&str> = w.split(' ').collect();
            // "doesn't need the toilet any more" wants nothing.
            let denied = ws[i.saturating_sub(2)..i].iter().any(|w| {
                matches!(
                    w.as_str(),
                    "doesn't" | "don't" | "not" | "never" | "longer" | "didn't" | "dont" | "doesnt"
                )
            });
            let hit = !denied
                && ws.len() > i + wish.len()
                && ws[i..i + wish.len()].iter().zip(&wish).all(|(a, b)| a == b);
            hit.then(|| {
                let rest = &ws[i + wish.len()..];
                let rest = rest.strip_prefix(&["to".to_owned()]).unwrap_or(rest);
                rest.join(" ")
            })
            .filter(|r| !r.is_empty())
        })
    })
}

pub use crate::understand::lexicon::DISTINGUISHING;

/// A seen object's score, lowered when a colour or material said with it is not its own.
fn qualified_object(mut r: Ranked, qualifiers: &[String], w: &WorldSummary) -> Ranked {
    if let Meaning::Object(n) = &r.meaning
        && let Some(o) = w.objects.iter().find(|o| &o.name == n)
    {
        let own = format!("{} {}", o.described(), o.class).to_lowercase();
        let missing = qualifiers
            .iter()
            .filter(|q| {
                DISTINGUISHING.contains(&q.as_str()) && !own.split(' ').any(|w| w == q.as_str())
            })
            .count();
        r.score *= 0.4f32.powi(missing as i32);
    }
    r
}

/// Whether clauses only tell a situation and ask where it is seen to: needs, remarks, "where's
/// that done?", "take me to the people who fix that" — and at least one need or such ask.
fn one_situation(clauses: &[Clause]) -> bool {
    const VAGUE: &[&str] = &[
        "done", "happen", "happens", "go", "it", "that", "this", "there", "sorted",
    ];
    const PEOPLE: &[&str] = &[
        "people", "someone", "somebody", "whoever", "anyone", "person", "staff", "folks", "team",
    ];
    let vague = |t: &Target| match t {
        Target::Previous => true,
        Target::Named(n) => VAGUE.contains(&n.as_str()),
        _ => false,
    };
    // "the people who fix that", "someone at the front desk" — not "the staff room".
    let people = |t: &Target| match t {
        Target::Named(n) => {
            let ws = crate::text::words(n);
            let ws: Vec<&str> = ws
                .iter()
                .map(String::as_str)
                .skip_while(|w| matches!(*w, "the" | "a" | "an" | "some"))
                .collect();
            ws.first().is_some_and(|w| PEOPLE.contains(w))
                && ws.get(1).is_none_or(|w| {
                    matches!(
                        *w,
                        "who" | "that" | "at" | "in" | "on" | "from" | "to" | "there"
                    )
                })
        }
        _ => false,
    };
    let asks = clauses.iter().any(|c| match &c.frame {
        Frame::Where(t) => vague(t),
        Frame::Go(t) => people(t) || matches!(t, Target::Previous),
        _ => false,
    });
    let needs = clauses
        .iter()
        .filter(|c| matches!(c.frame, Frame::Need(_)))
        .count();
    // Needs alone are one situation only when one says where the person is ("I'm counsel in
    // court 2 this morning and I need my wig and gown on"); "I'm thirsty and I need the
    // toilet" is two.
    let placed = clauses.iter().any(|c| {
        matches!(&c.frame, Frame::Need(n) if n.contains(" in ") || n.chars().any(|ch| ch.is_ascii_digit()))
    });
    clauses.len() >= 2
        && (asks || (needs >= 2 && placed))
        && (needs >= 1
            || clauses
                .iter()
                .any(|c| matches!(&c.frame, Frame::Bare(t) if speaks_of_self(t)))
            || asks)
        && clauses.iter().all(|c| match &c.frame {
            Frame::Need(_) => true,
            Frame::Bare(t) => !crate::understand::is_prohibition(t),
            Frame::Where(t) => vague(t),
            Frame::Go(t) => people(t) || matches!(t, Target::Previous),
            _ => false,
        })
}

/// Whether words are a kind of room's name ("the loo"): a need for it is a need for a place.
fn names_a_kind_of_room(text: &str) -> bool {
    let said = crate::grounding::content_words(text).join(" ");
    crate::knowledge::Knowledge::shipped()
        .rooms
        .iter()
        .flat_map(|r| r.names())
        .any(|n| n.eq_ignore_ascii_case(&said))
}

/// Whether a phrase names a kind of place by its head word ("the server room", "the x-ray
/// area") rather than a thing.
fn names_a_place(text: &str) -> bool {
    let ws = crate::grounding::content_words(text);
    let Some(head) = ws.last() else { return false };
    crate::understand::lexicon::PLACE_NOUNS.contains(&head.as_str())
        && !matches!(head.as_str(), "side" | "end" | "corner" | "part")
}

/// Whether words to say only ask to say again what was said before.
fn says_it_again(text: &str) -> bool {
    let t = text.trim().trim_end_matches(['.', '!']).trim();
    let t = t.strip_suffix(" again").unwrap_or(t).trim();
    matches!(
        t,
        "the same thing"
            | "the same"
            | "the same message"
            | "the same words"
            | "that"
            | "it"
            | "same thing"
            | "the same announcement"
    )
}

/// Clauses with "it", "there", "that one" replaced by what they point back to: the last
/// referent of an earlier clause, else of the latest earlier task that had one.
fn resolve_references(
    clauses: &[Clause],
    history: &[String],
    lex: &dyn crate::text::Lexicon,
) -> Vec<Clause> {
    fn referent(f: &Frame) -> Option<Target> {
        match f {
            Frame::Go(t) | Frame::Find(t) | Frame::Where(t) | Frame::Seen(t) | Frame::Colour(t) => {
                Some(t.clone())
            }
            Frame::Describe { place: Some(t), .. } => Some(t.clone()),
            // A need for a thing ("we need the defib", "we're a trolley short") is of that
            // thing; a need for nothing named ("thirsty") is the purpose.
            Frame::Need(n) => Some(
                Some(n)
                    .filter(|n| {
                        // A thing said ("the defib", "a trolley short"), not a doing ("charge
                        // my phone") nor a situation ("a box of samples that have to go to
                        // minus eighty": where that is seen to).
                        (crate::grounding::content_words(n).len() <= 4 || n.contains(" short"))
                            && matches!(
                                n.split_whitespace().next(),
                                Some(
                                    "the"
                                        | "a"
                                        | "an"
                                        | "some"
                                        | "my"
                                        | "our"
                                        | "her"
                                        | "his"
                                        | "their"
                                        | "your"
                                )
                            )
                    })
                    .and_then(|n| mentioned_thing(n))
                    .filter(|t| !names_a_kind_of_room(t))
                    .map(Target::Named)
                    .unwrap_or_else(|| Target::Purpose(n.clone())),
            ),
            // Chatter can introduce what a later "it" means ("my daughter left her stuffed
            // animal somewhere, can you look for it?").
            // A remark beside the task too ("there's a purple case nobody is watching, find
            // it"), but never what is not to be done.
            Frame::Bare(text) | Frame::Unknown(text)
                if !crate::understand::is_prohibition(text) =>
            {
                mentioned_thing(text)
                    .or_else(|| {
                        // A short remark is itself what it mentions ("periodicals, go go go").
                        let ws = crate::grounding::content_words(text);
                        (!ws.is_empty() && ws.len() <= 3 && !points_back(text))
                            .then(|| ws.join(" "))
                    })
                    .map(Target::Named)
            }
            _ => None,
        }
    }
    fn usable(t: &Target) -> Option<Target> {
        match t {
            Target::Previous | Target::Origin | Target::Point(..) => None,
            Target::Several(ts) => ts.last().and_then(usable),
            Target::In(inner, _) => usable(inner),
            other => Some(other.clone()),
        }
    }
    let mut last: Option<Target> = history.iter().rev().find_map(|h| {
        crate::understand::understand_with(h, lex)
            .clauses
            .iter()
            .rev()
            .find_map(|c| referent(&c.frame).as_ref().and_then(usable))
    });
    let mut last_place: Option<String> = None;
    let mut last_looked_for: Option<Target> = None;
    // "say the same thing": what was last given to say, in this task or an earlier one.
    let mut last_said: Option<String> = history.iter().rev().find_map(|h| {
        crate::understand::understand_with(h, lex)
            .clauses
            .iter()
            .rev()
            .find_map(|c| match &c.frame {
                Frame::Say(t) if !says_it_again(t) => Some(t.clone()),
                _ => None,
            })
    });
    let mut out = Vec::with_capacity(clauses.len());
    for c in clauses {
        let mut c = c.clone();
        if let Frame::Say(t) = &mut c.frame {
            if says_it_again(t) {
                if let Some(said) = &last_said {
                    *t = said.clone();
                }
            } else {
                last_said = Some(t.clone());
            }
        }
        fn fill(t: &mut Target, last: &Option<Target>, last_place: &Option<String>) {
            match t {
                Target::Several(ts) => {
                    for t in ts {
                        fill(t, last, last_place);
                    }
                }
                other => fill_one(other, last, last_place),
            }
        }
        fn fill_one(t: &mut Target, last: &Option<Target>, last_place: &Option<String>) {
            match t {
                Target::Previous => {
                    if let Some(l) = last {
                        *t = l.clone();
                    }
                }
                // "find one for them": one of what was said before.
                Target::Thing { purpose, .. }
                    if matches!(purpose.as_str(), "them" | "him" | "her" | "us" | "me") =>
                {
                    if let Some(l) = last {
                        *t = l.clone();
                    }
                }
                // Words that only point back ("walk me over", "where I can do that").
                Target::Named(words) | Target::Purpose(words) if points_back(words) => {
                    if let Some(l) = last {
                        *t = l.clone();
                    }
                }
                // "the blue one": of the kind said before.
                Target::Named(words) | Target::Thing { purpose: words, .. }
                    if let Some(noun) = last.as_ref().and_then(kind_of)
                        && let Some(said) = crate::understand::one::one_said_for(words, &noun) =>
                {
                    *words = said;
                }
                Target::In(_, place) | Target::Part(_, place)
                    if matches!(
                        place.as_str(),
                        "there" | "it" | "that" | "this" | "that one"
                    ) =>
                {
                    if let Some(p) = last_place
                        .clone()
                        .or_else(|| last.as_ref().map(target_text))
                    {
                        *place = p;
                    }
                }
                // "the white one in the next bay".
                Target::In(inner, _)
                    if matches!(**inner, Target::Named(_) | Target::Thing { .. }) =>
                {
                    fill_one(inner, last, last_place)
                }
                _ => {}
            }
        }
        // "the opposite corner, down by the fridge" said alone: a part of the place before.
        if let Frame::Bare(text) = &c.frame
            && (last_place.is_some() || last.is_some())
            && !crate::understand::says_something_is(text)
        {
            let t = crate::understand::read_target(text);
            if matches!(&t, Target::Part(_, p) | Target::In(_, p)
                if matches!(p.as_str(), "there" | "it" | "that" | "this"))
            {
                c.frame = Frame::Go(t);
            }
        }
        match &mut c.frame {
            // "find the toolbox, go to the kitchen and tell me which room it's in": asked
            // where, "it" is the thing looked for, not the place gone to since.
            Frame::Where(t) | Frame::Seen(t) | Frame::Colour(t)
                if matches!(t, Target::Previous) && last_looked_for.is_some() =>
            {
                fill(t, &last_looked_for, &last_place)
            }
            Frame::Go(t) | Frame::Find(t) | Frame::Where(t) | Frame::Seen(t) | Frame::Colour(t) => {
                fill(t, &last, &last_place)
            }
            Frame::Describe { place: Some(t), .. } => fill(t, &last, &last_place),
            _ => {}
        }
        // A remark's mention only stands in when nothing else was referred to.
        let remark = matches!(c.frame, Frame::Bare(_) | Frame::Unknown(_));
        if let Some(t) = referent(&c.frame)
            .as_ref()
            .and_then(usable)
            .filter(|_| !remark || last.is_none())
        {
            if matches!(c.frame, Frame::Go(_) | Frame::Describe { .. }) {
                last_place = Some(target_text(&t));
            }
            if matches!(c.frame, Frame::Find(_)) {
                last_looked_for = Some(t.clone());
            }
            last = Some(t);
        }
        out.push(c);
    }
    out
}

/// The kind of thing a target names, for a later "one" to stand for ("the red trolley" ->
/// "trolley"); a description's kind only when it is said before what it is for ("the machine
/// that dries towels").
fn kind_of(t: &Target) -> Option<String> {
    use crate::understand::one::head_noun;
    match t {
        Target::Named(s) => head_noun(s),
        Target::In(inner, _) => kind_of(inner),
        Target::Thing { purpose, .. } => {
            let ws = crate::text::words(purpose);
            let said_first = ws
                .iter()
                .skip(1)
                .take(3)
                .any(|w| matches!(w.as_str(), "that" | "which" | "we" | "you" | "they"));
            said_first.then(|| head_noun(purpose)).flatten()
        }
        _ => None,
    }
}

/// Whether a target's words only point back to something said before ("over", "do that",
/// "need to"): none of them names or describes anything.
fn points_back(words: &str) -> bool {
    const POINTERS: &[&str] = &[
        "over", "there", "here", "that", "this", "it", "them", "those", "these", "do", "go",
        "need", "to", "one", "so", "then", "me", "us", "i", "can", "should", "must", "have",
    ];
    let ws: Vec<&str> = words.split_whitespace().collect();
    !ws.is_empty() && ws.iter().all(|w| POINTERS.contains(w))
}

/// The thing a remark mentions: the words after its first article or possessive, up to
/// where the noun phrase ends ("she left her stuffed animal somewhere" -> "stuffed animal").
fn mentioned_thing(text: &str) -> Option<String> {
    const OPENS: &[&str] = &[
        "the", "a", "an", "my", "her", "his", "our", "their", "your", "this", "that",
    ];
    const ENDS: &[&str] = &[
        "somewhere",
        "here",
        "there",
        "around",
        "again",
        "in",
        "on",
        "at",
        "by",
        "and",
        "but",
        "so",
        "which",
        "that",
        "who",
        "yesterday",
        "today",
        "earlier",
        "behind",
        "lying",
        "is",
        "was",
        "for",
        "to",
        "from",
        "with",
        // A new subject starts a clause about the thing ("a purple case nobody is watching").
        "nobody",
        "no",
        "someone",
        "somebody",
        "anyone",
        "everyone",
        "i",
        "we",
        "you",
        "he",
        "she",
        "they",
        "it",
    ];
    // Where the thing is ("somewhere in the shop") is not the thing.
    const LOCATING: &[&str] = &[
        "in", "on", "at", "by", "near", "inside", "under", "behind", "from", "into", "onto",
        "beside", "outside",
    ];
    // What is needed, wanted or lost is what the remark is about ("a customer left her
    // handbag somewhere in the auditorium after the matinee": the handbag; "someone is
    // asking for a yoga mat for the stretch class": the mat; "we're a trolley short": the
    // trolley), before the last thing it names.
    const WANTED: &[&str] = &[
        "need",
        "needs",
        "needed",
        "lost",
        "left",
        "want",
        "wants",
        "wanted",
        "misplaced",
        "dropped",
        "forgot",
        "forgotten",
        "for",
    ];
    const AFTER: &[&str] = &[
        "out", "back", "up", "now", "quick", "quickly", "please", "short",
    ];
    let words: Vec<&str> = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-'))
        .filter(|w| !w.is_empty())
        .collect();
    let wanted = words.iter().enumerate().find_map(|(i, w)| {
        // "asking for", "looking for", "out of"-like only after a verb of wanting.
        let hit = WANTED.contains(w)
            && (*w != "for"
                || i > 0 && matches!(words[i - 1], "asking" | "asked" | "looking" | "searching"));
        let rest = &words[i + 1..];
        let rest = match rest.first() {
            Some(o) if OPENS.contains(o) => &rest[1..],
            _ => return None,
        };
        let phrase: Vec<&str> = rest
            .iter()
            .take_while(|w| !ENDS.contains(w) && !AFTER.contains(w) && !LOCATING.contains(w))
            .copied()
            .collect();
        (hit && !phrase.is_empty() && phrase.len() <= 4).then(|| phrase.join(" "))
    });
    // "we're a trolley short"
    let short = words.iter().position(|w| *w == "short").and_then(|i| {
        let open = words[..i].iter().rposition(|w| matches!(*w, "a" | "an"))?;
        let phrase = &words[open + 1..i];
        (!phrase.is_empty() && phrase.len() <= 3).then(|| phrase.join(" "))
    });
    if let Some(p) = wanted.or(short) {
        return Some(p);
    }
    let opens =
        |i: usize| OPENS.contains(&words[i]) && (i == 0 || !LOCATING.contains(&words[i - 1]));
    let start = (0..words.len())
        .rev()
        .find(|i| opens(*i))
        .or_else(|| words.iter().rposition(|w| OPENS.contains(w)))?
        + 1;
    let phrase: Vec<&str> = words[start..]
        .iter()
        .take_while(|w| !ENDS.contains(w))
        .copied()
        .collect();
    (!phrase.is_empty() && phrase.len() <= 4).then(|| phrase.join(" "))
}

/// What a "report back" says, filled in once the whole plan is known.
const REPORT_PLACEHOLDER: &str = "\u{1}report\u{1}";

fn past_tense(step: &Step) -> Option<String> {
    Some(match step {
        // Going to what was just found says nothing new.
        Step::NavigateTo { target }
            if target.contains(" or ") || target.contains(" else ") || target.contains('~') =>
        {
            return None;
        }
        Step::NavigateTo { target } if target.contains(',') => "went where you asked".to_owned(),
        Step::NavigateTo { target } => format!("went to the {target}"),
        Step::LookFor { target } => match first_searched_name(target) {
            Some(first) => format!("found the {first}{{where {target}}}"),
            None => "found what you described".to_owned(),
        },
        Step::Rotate { .. } => "turned".to_owned(),
        Step::Move { .. } => "moved".to_owned(),
        Step::Wait { seconds } => format!("waited {seconds:.0} seconds"),
        Step::Describe { place: Some(p) } => format!("looked around the {p}"),
        Step::Describe { place: None } => "looked around".to_owned(),
        Step::Say { .. } | Step::Stop => return None,
    })
}

/// The name a search target gives first (what the person asked for: "red cup" in "red cup
/// or red mug else cup ~ ..."); none for a search by description alone.
fn first_searched_name(target: &str) -> Option<&str> {
    let names = embodia_actuation::skills::targets::description(target).0;
    let first = names.split(" or ").next()?.split(" else ").next()?.trim();
    (!first.is_empty()).then_some(first)
}

/// Two clauses that name the same destination one after the other ("I'm thirsty, take me to
/// the kitchen") make one trip, not two.
pub fn without_repeated_trips(steps: Vec<Step>) -> Vec<Step> {
    let mut out: Vec<Step> = Vec::with_capacity(steps.len());
    for s in steps {
        if matches!(s, Step::NavigateTo { .. }) && out.last() == Some(&s) {
            continue;
        }
        out.push(s);
    }
    out
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn refusal_reason(r: &Refusal) -> String {
    match r {
        Refusal::Carry(_) => "I cannot carry or hand over things: I have no arm. I can find it and show you where it is".into(),
        Refusal::Cannot(verb) => format!("I cannot {verb}; I can go to places, find things, answer what I have seen, turn, move, wait and speak"),
        Refusal::Unsafe(what) => format!("that would be unsafe ({what}); my safety limits and keep-out zones always hold"),
        Refusal::Language => "I only understand English".into(),
    }
}

/// How far inside or outside a door "just inside" and "just outside" are, m.
const BESIDE_DOOR_M: f64 = 0.7;

/// The point at, just inside or just outside `place`'s door nearest the robot; without a
/// door on the map, the edge of the place nearest the robot (or just beyond it).
fn door_point(
    place: &crate::request::KnownPlace,
    side: crate::understand::DoorSide,
    doors: &[crate::grounding::Door],
    from: Option<V2>,
) -> Option<V2> {
    use crate::understand::DoorSide;
    let toward = from.unwrap_or_else(|| place.region.center());
    let depth = match side {
        DoorSide::At => 0.0,
        DoorSide::Inside => -BESIDE_DOOR_M,
        DoorSide::Outside => BESIDE_DOOR_M,
    };
    let door = doors
        .iter()
        .filter(|d| d.place == place.name)
        .min_by(|a, b| (a.at - toward).norm().total_cmp(&(b.at - toward).norm()));
    match (door, side) {
        (Some(d), _) => Some(d.beyond(depth)),
        (None, DoorSide::Outside) => crate::grounding::point_outside(place, &[], from),
        (None, _) => point_in(place, Qualifier::Toward(toward), from),
    }
}

/// Where someone stands coming into `place`: just outside its door nearest `from`, if the
/// map shows one.
fn entering_view(
    place: &crate::request::KnownPlace,
    doors: &[crate::grounding::Door],
    from: Option<V2>,
) -> Option<V2> {
    let toward = from.unwrap_or_else(|| place.region.center());
    doors
        .iter()
        .filter(|d| d.place == place.name)
        .min_by(|a, b| (a.at - toward).norm().total_cmp(&(b.at - toward).norm()))
        .map(|d| d.beyond(1.0))
}

fn known_places(w: &WorldSummary) -> String {
    if w.places.is_empty() {
        String::new()
    } else {
        format!("I know: {}.", w.place_names().join(", "))
    }
}

/// Where the robot was when the task began.
fn origin(r: &PlanRequest) -> Option<V2> {
    r.start
        .map(|(x, y)| V2::new(x, y))
        .or_else(|| r.world.position())
}

fn best_place(g: &Grounder, text: &str, w: &WorldSummary) -> Option<(String, f32)> {
    g.places_named(text, w)
        .into_iter()
        .find(|x| x.score >= PLAUSIBLE)
        .and_then(|x| match x.meaning {
            Meaning::Place(p) => Some((p, x.score)),
            _ => None,
        })
}

fn place_center(m: &Meaning, w: &WorldSummary) -> Option<V2> {
    match m {
        Meaning::Place(p) => w.place(p).map(|p| p.region.center()),
        _ => None,
    }
}

fn object_position(m: &Meaning, w: &WorldSummary) -> Option<V2> {
    match m {
        Meaning::Object(n) => w
            .objects
            .iter()
            .find(|o| &o.name == n)
            .map(|o| o.position()),
        _ => None,
    }
}

fn object_in(m: &Meaning, place: &str, w: &WorldSummary) -> bool {
    match m {
        Meaning::Object(n) => w
            .objects
            .iter()
            .find(|o| &o.name == n)
            .is_some_and(|o| w.holds(place, o)),
        _ => false,
    }
}

/// Steps that take the robot to what a meaning names.
fn steps_to(m: &Meaning, _said: &str) -> Vec<Step> {
    match m {
        Meaning::Place(p) | Meaning::Object(p) => vec![nav(p.clone())],
        Meaning::Kinds(exact, loose) => search(exact, loose),
    }
}

/// Steps that find what a meaning names (a place is simply gone to).
fn search_steps(m: &Meaning, _said: &str) -> Vec<Step> {
    match m {
        Meaning::Place(p) => vec![nav(p.clone())],
        Meaning::Object(n) => search(std::slice::from_ref(n), &[]),
        Meaning::Kinds(exact, loose) => search(exact, loose),
    }
}

fn target_text(t: &Target) -> String {
    match t {
        Target::Named(s) | Target::Purpose(s) | Target::With(s) | Target::Near(s) => s.clone(),
        Target::Thing {
            purpose,
            qualifiers,
        } => {
            let q: String = qualifiers.iter().map(|q| format!("{q} ")).collect();
            format!("{q}thing to {purpose}")
        }
        Target::Previous => "it".into(),
        Target::In(inner, p) => format!("{} in {p}", target_text(inner)),
        Target::Part(_, p) => p.clone(),
        Target::Between(a, b) => format!("between {a} and {b}"),
        Target::Point(x, y) => format!("{x}, {y}"),
        Target::Origin => "where I started".into(),
        Target::Several(ts) => ts.iter().map(target_text).collect::<Vec<_>>().join(" and "),
    }
}

impl Planner for RulePlanner {
    fn name(&self) -> &str {
        "rules"
    }

    fn plan(&self, request: &PlanRequest) -> Result<Plan, PlannerError> {
        match self.propose(request) {
            Proposal::Refused(reason) => Err(PlannerError::NotUnderstood(reason)),
            p => p
                .best_plan()
                .ok_or_else(|| PlannerError::NotUnderstood("the task says nothing to do".into())),
        }
    }
}

#[cfg(test)]
mod tests;
