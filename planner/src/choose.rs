//! The default planner: the rules when they are certain (a millisecond), else the
//! on-device model deciding among the rules' grounded alternatives — by scoring them
//! (SayCan-style: the model's likelihood of each candidate plan given the task, plus the
//! grounding score) or by writing the plan under a grammar. A decorator over two planners,
//! so "the rules alone" and "the model alone" stay measurable beside it.

use embodia_actuation::{Plan, Step};
use serde::Serialize;

use crate::llm::{LlmPlanner, language::command_text};
use crate::rules::{ClausePlan, Proposal, RulePlanner};
use crate::{PlanRequest, Planner, PlannerError};

/// Candidate plans the model scores at most.
pub const MAX_CANDIDATES: usize = 12;
/// Weight of the grounding score (its logarithm, summed over clauses) beside the model's
/// log-likelihood.
pub const DEFAULT_PRIOR_WEIGHT: f64 = 5.0;
/// The model chooses only among candidates whose grounding is at least this share of the
/// best one's: it breaks near-ties of grounding, it does not overrule clear grounding. On the
/// development set a 135M model that could overrule grounding within 75% changed 3 of 18
/// decisions, none for the better (it preferred "go to loading dock" for "go top yourself
/// up").
pub const CONTENDER_SHARE: f64 = 0.9;

/// How the model decides what the rules are unsure of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChoiceMode {
    /// Score the rules' alternatives (SayCan-style).
    Score,
    /// Write the plan under the grammar.
    Write,
}

/// Who made a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Maker {
    /// The rules, certain.
    Rules,
    /// The rules' best guess (no model, or the model failed).
    RulesGuess,
    /// The model scored the alternatives.
    ModelScored,
    /// The model wrote it.
    ModelWritten,
}

/// A decision with how it was made.
#[derive(Debug, Clone)]
pub struct Decision {
    /// The plan, or why none.
    pub plan: Result<Plan, PlannerError>,
    /// Who made it.
    pub maker: Maker,
    /// The candidates the model scored (command text, prior, model log-likelihood).
    pub scored: Vec<(String, f64, f64)>,
    /// Seconds the model took.
    pub model_s: f64,
    /// What the rules' grounding made of the task ([`crate::rules::Proposal::grounding`]).
    pub grounding: serde_json::Value,
}

/// Rules first, then the model.
#[derive(Clone)]
pub struct DefaultPlanner {
    rules: RulePlanner,
    model: Option<LlmPlanner>,
    mode: ChoiceMode,
    prior_weight: f64,
}

impl std::fmt::Debug for DefaultPlanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DefaultPlanner")
            .field("model", &self.model.is_some())
            .field("mode", &self.mode)
            .finish()
    }
}

/// One candidate plan: the steps, its command text, and the product of its clauses'
/// grounding scores.
struct Candidate {
    steps: Vec<Step>,
    text: String,
    prior: f64,
}

/// How steps read for the model to score: the command language, a search by the first of its
/// names ("find sofa", not every other name of sofas).
fn label(steps: &[Step]) -> String {
    let first = |t: &str| {
        t.split(" else ")
            .next()
            .unwrap_or(t)
            .split(" or ")
            .next()
            .unwrap_or(t)
            .to_owned()
    };
    let short: Vec<Step> = steps
        .iter()
        .map(|s| match s {
            Step::LookFor { target } => Step::LookFor {
                target: first(target),
            },
            Step::NavigateTo { target } => Step::NavigateTo {
                target: first(target),
            },
            other => other.clone(),
        })
        .collect();
    command_text(&short)
}

fn candidates(clauses: &[ClausePlan]) -> Vec<Candidate> {
    let mut partial: Vec<(Vec<Step>, Vec<String>, f64)> = vec![(Vec::new(), Vec::new(), 1.0)];
    for c in clauses {
        let alts: Vec<_> = if c.certain() {
            c.alternatives.iter().take(1).collect()
        } else {
            c.alternatives.iter().collect()
        };
        let mut next = Vec::new();
        for (steps, texts, prior) in &partial {
            for a in &alts {
                let mut s = steps.clone();
                s.extend(a.steps.iter().cloned());
                let mut t = texts.clone();
                t.push(a.label.clone().unwrap_or_else(|| label(&a.steps)));
                next.push((s, t, prior * f64::from(a.score.max(1e-3))));
            }
        }
        next.sort_by(|a, b| b.2.total_cmp(&a.2));
        next.truncate(MAX_CANDIDATES);
        partial = next;
    }
    let best = partial.iter().map(|p| p.2).fold(0.0, f64::max);
    partial
        .into_iter()
        .filter(|(s, _, prior)| !s.is_empty() && *prior >= CONTENDER_SHARE * best)
        .map(|(steps, texts, prior)| Candidate {
            steps: crate::rules::without_repeated_trips(steps),
            text: texts.join("; "),
            prior,
        })
        .collect()
}

impl DefaultPlanner {
    /// The rules, and the model when there is one.
    pub fn new(rules: RulePlanner, model: Option<LlmPlanner>) -> Self {
        Self {
            rules,
            model,
            mode: ChoiceMode::Score,
            prior_weight: DEFAULT_PRIOR_WEIGHT,
        }
    }

    /// How the model decides.
    pub fn with_mode(mut self, mode: ChoiceMode) -> Self {
        self.mode = mode;
        self
    }

    /// Weight of the grounding score beside the model's likelihood.
    pub fn with_prior_weight(mut self, w: f64) -> Self {
        self.prior_weight = w.max(0.0);
        self
    }

    /// The rules.
    pub fn rules(&self) -> &RulePlanner {
        &self.rules
    }

    /// Plans `request`, saying who made the plan.
    pub fn decide(&self, request: &PlanRequest) -> Decision {
        let proposal = self.rules.propose(request);
        Decision {
            grounding: proposal.grounding(),
            ..self.choose(request, &proposal)
        }
    }

    /// Takes the rules' plan when they are certain, else lets the model choose.
    fn choose(&self, request: &PlanRequest, proposal: &Proposal) -> Decision {
        let rules_plan = |maker| Decision {
            plan: match proposal {
                Proposal::Refused(reason) => Err(PlannerError::NotUnderstood(reason.clone())),
                p => p.best_plan().ok_or_else(|| {
                    PlannerError::NotUnderstood("the task says nothing to do".into())
                }),
            },
            maker,
            scored: Vec::new(),
            model_s: 0.0,
            grounding: serde_json::Value::Null,
        };
        if proposal.certain() {
            return rules_plan(Maker::Rules);
        }
        let Proposal::Clauses(clauses) = proposal else {
            return rules_plan(Maker::Rules);
        };
        let Some(model) = &self.model else {
            return rules_plan(Maker::RulesGuess);
        };
        match self.mode {
            ChoiceMode::Score => {
                let cands = candidates(clauses);
                if cands.len() == 1 {
                    return rules_plan(Maker::RulesGuess);
                }
                let texts: Vec<String> = cands.iter().map(|c| c.text.clone()).collect();
                match model.score_candidates(request, &texts) {
                    Ok((scores, secs)) => {
                        let total =
                            |i: usize| scores.logprobs[i] + self.prior_weight * cands[i].prior.ln();
                        let best = (0..cands.len())
                            .max_by(|a, b| total(*a).total_cmp(&total(*b)))
                            .unwrap_or(0);
                        let scored = cands
                            .iter()
                            .zip(&scores.logprobs)
                            .map(|(c, lp)| (c.text.clone(), c.prior, *lp))
                            .collect();
                        tracing::debug!(chosen = %cands[best].text, "model scored the alternatives");
                        Decision {
                            plan: Ok(Plan::new(cands[best].steps.clone())),
                            maker: Maker::ModelScored,
                            scored,
                            model_s: secs,
                            grounding: serde_json::Value::Null,
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "the model could not score; taking the rules' best guess");
                        rules_plan(Maker::RulesGuess)
                    }
                }
            }
            ChoiceMode::Write => {
                let started = std::time::Instant::now();
                let cancel = request.cancel.clone();
                match model.attempt(request, &move || cancel.is_cancelled()) {
                    Ok(a) if a.plan.is_ok() => Decision {
                        plan: a.plan,
                        maker: Maker::ModelWritten,
                        scored: Vec::new(),
                        model_s: started.elapsed().as_secs_f64(),
                        grounding: serde_json::Value::Null,
                    },
                    _ => rules_plan(Maker::RulesGuess),
                }
            }
        }
    }
}

impl Planner for DefaultPlanner {
    fn name(&self) -> &str {
        match (&self.model, self.mode) {
            (None, _) => "rules",
            (Some(_), ChoiceMode::Score) => "default",
            (Some(_), ChoiceMode::Write) => "default-write",
        }
    }

    fn plan(&self, request: &PlanRequest) -> Result<Plan, PlannerError> {
        self.decide(request).plan
    }

    fn plan_explained(
        &self,
        request: &PlanRequest,
    ) -> (Result<Plan, PlannerError>, serde_json::Value) {
        let d = self.decide(request);
        let how = serde_json::json!({
            "by": d.maker,
            "model_s": d.model_s,
            "candidates": d.scored.iter().map(|(text, prior, lp)| serde_json::json!({"plan": text, "grounding": prior, "model_logprob": lp})).collect::<Vec<_>>(),
            "grounding": d.grounding,
        });
        (d.plan, how)
    }
}
