//! Beam search under the grammar, scored by the model's own log-likelihood of the whole
//! output (forced tokens and the end of turn included). Greedy decoding commits to its first
//! token; a small model is often nearly undecided there ("go" or "find"), and the sequence
//! it would rank highest as a whole is a different one (SayCan-style scoring of grounded
//! candidates, with the grammar supplying the candidates).

use std::time::Instant;

use llguidance::Matcher;

use crate::model::{Feed, Logits};
use crate::{GrammarSpec, KvCache, Llm, LlmError, PrefixCache};

/// Context-aware scoring: the prompt without its key part, and how hard to contrast.
#[derive(Debug, Clone, Copy)]
pub struct Contrast<'a> {
    /// The same prompt with the part that should matter left out.
    pub null_prompt: &'a str,
    /// Strength (0 = plain likelihood).
    pub alpha: f32,
}

/// One finished (or cut-off) output and its score.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The text.
    pub text: String,
    /// Its tokens.
    pub tokens: Vec<u32>,
    /// Sum of the log-probabilities of every token, end of turn included.
    pub logprob: f64,
    /// Whether the grammar and the model ended it (not the length limit).
    pub finished: bool,
}

/// What a beam search produced, best first, with its costs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BeamResult {
    /// Candidates, best first.
    pub candidates: Vec<Candidate>,
    /// Prompt tokens taken from the prefix cache.
    pub cached_prompt_tokens: usize,
    /// Prompt tokens run.
    pub prefill_tokens: usize,
    /// Seconds spent on the prompt.
    pub prefill_s: f64,
    /// Forward passes while searching (each runs every beam's next tokens, with and
    /// without the task, as one batch).
    pub forward_passes: usize,
    /// Seconds spent searching.
    pub search_s: f64,
}

struct Beam {
    cache: KvCache,
    null_cache: Option<KvCache>,
    matcher: Matcher,
    tokens: Vec<u32>,
    logprob: f64,
    next: Vec<f32>,
    finished: bool,
}

/// Log-probabilities of the next token, context-aware when a null prompt's logits are given:
/// `log_softmax((1 + alpha) * task - alpha * null)` (Shi et al. 2023), else `log_softmax(task)`.
pub(crate) fn contrastive(task: &[f32], null: Option<&[f32]>, alpha: f32) -> Vec<f32> {
    match null {
        Some(n) => log_softmax(
            &task
                .iter()
                .zip(n)
                .map(|(t, n)| (1.0 + alpha) * t - alpha * n)
                .collect::<Vec<_>>(),
        ),
        None => log_softmax(task),
    }
}

fn log_softmax(logits: &[f32]) -> Vec<f32> {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let sum: f32 = logits.iter().map(|l| (l - max).exp()).sum();
    let lse = max + sum.ln();
    logits.iter().map(|l| l - lse).collect()
}

impl Llm {
    /// Searches the outputs the grammar allows with `width` beams; best first.
    ///
    /// With `contrast`, scores are context-aware (Shi et al. 2023): each token's logit is
    /// `(1 + alpha) * l(prompt) - alpha * l(null prompt)`, where the null prompt is the same
    /// conversation without the part that matters (the task). This takes away what the model
    /// would write anyway and amplifies what the task itself asks for.
    #[allow(clippy::too_many_arguments)]
    pub fn beam_search(
        &self,
        prompt: &str,
        prefix: Option<&PrefixCache>,
        grammar: &GrammarSpec,
        width: usize,
        max_tokens: usize,
        contrast: Option<Contrast<'_>>,
        cancelled: &dyn Fn() -> bool,
    ) -> Result<BeamResult, LlmError> {
        let _span = tracing::debug_span!("beam_search", width).entered();
        let width = width.max(1);
        let all = self.tokenizer().encode(prompt);
        let (mut cache, rest) = self.start_cache(&all, prefix);
        let mut out = BeamResult {
            cached_prompt_tokens: all.len() - rest.len(),
            prefill_tokens: rest.len(),
            ..BeamResult::default()
        };
        let Some(matcher) = self.grammars()?.matcher(grammar)? else {
            return Err(LlmError::Grammar("beam search needs a grammar".into()));
        };
        if cancelled() {
            return Err(LlmError::Cancelled(0));
        }
        let t = Instant::now();
        let alpha = contrast.as_ref().map(|c| c.alpha).unwrap_or(0.0);
        // The task and the null prompt go through in one pass.
        let null_all = contrast
            .as_ref()
            .map(|c| self.tokenizer().encode(c.null_prompt));
        let mut null_start = null_all.as_ref().map(|all| self.start_cache(all, prefix));
        let mut feeds = vec![Feed {
            tokens: rest,
            cache: &mut cache,
        }];
        if let Some((nc, null_rest)) = null_start.as_mut() {
            out.prefill_tokens += null_rest.len();
            feeds.push(Feed {
                tokens: null_rest,
                cache: nc,
            });
        }
        let mut firsts = self.decoder().forward_batch(&mut feeds, Logits::Last)?;
        let logits: Vec<f32> = firsts.remove(0).to_vec1()?;
        let null_logits: Option<Vec<f32>> = match firsts.pop() {
            Some(l) => Some(l.to_vec1()?),
            None => None,
        };
        let null_cache = null_start.map(|(nc, _)| nc);
        out.prefill_s = t.elapsed().as_secs_f64();
        let combine = |task: &[f32], null: Option<&[f32]>| contrastive(task, null, alpha);
        let t = Instant::now();
        let eot = self.end_of_turn();
        let eos = self.tokenizer().eos();
        let mut beams = vec![Beam {
            next: combine(&logits, null_logits.as_deref()),
            cache,
            null_cache,
            matcher,
            tokens: Vec::new(),
            logprob: 0.0,
            finished: false,
        }];
        while beams.iter().any(|b| !b.finished) {
            // (beam index, token or None to finish, score)
            let mut options: Vec<(usize, Option<u32>, f64)> = Vec::new();
            for (i, b) in beams.iter_mut().enumerate() {
                if b.finished {
                    options.push((i, None, b.logprob));
                    continue;
                }
                if b.tokens.len() >= max_tokens {
                    b.finished = true;
                    options.push((i, None, b.logprob));
                    continue;
                }
                let mask = b
                    .matcher
                    .compute_mask()
                    .map_err(|e| LlmError::Grammar(e.to_string()))?;
                let mut allowed: Vec<(u32, f32)> = Vec::new();
                mask.iter_set_entries(|id| {
                    if let Some(lp) = b.next.get(id) {
                        allowed.push((id as u32, *lp));
                    }
                });
                allowed.sort_by(|a, b| b.1.total_cmp(&a.1));
                for (tok, lp) in allowed.into_iter().take(width) {
                    let score = b.logprob + lp as f64;
                    if tok == eot || tok == eos {
                        options.push((i, None, score));
                    } else {
                        options.push((i, Some(tok), score));
                    }
                }
            }
            options.sort_by(|a, b| b.2.total_cmp(&a.2));
            options.truncate(width);
            let mut next_beams = Vec::with_capacity(width);
            // Every surviving expansion's tokens, with and without the task, run as one
            // batch: the weights are read once per step, not once per beam.
            struct Pending {
                score: f64,
                matcher: Matcher,
                feed: Vec<u32>,
                forced: Vec<u32>,
                tokens: Vec<u32>,
                cache: KvCache,
                null_cache: Option<KvCache>,
            }
            let mut pending = Vec::new();
            for (i, tok, score) in options {
                let b = &beams[i];
                let Some(tok) = tok else {
                    next_beams.push(Beam {
                        cache: b.cache.clone(),
                        null_cache: None,
                        matcher: b.matcher.deep_clone(),
                        tokens: b.tokens.clone(),
                        logprob: score,
                        next: Vec::new(),
                        finished: true,
                    });
                    continue;
                };
                let mut matcher = b.matcher.deep_clone();
                matcher
                    .consume_token(tok)
                    .map_err(|e| LlmError::Grammar(e.to_string()))?;
                let forced = matcher.consume_ff_tokens();
                let mut feed = vec![tok];
                feed.extend(&forced);
                pending.push(Pending {
                    score,
                    matcher,
                    feed,
                    forced,
                    tokens: b.tokens.clone(),
                    cache: b.cache.clone(),
                    null_cache: b.null_cache.clone(),
                });
            }
            if !pending.is_empty() {
                if cancelled() {
                    return Err(LlmError::Cancelled(pending[0].tokens.len()));
                }
                let mut feeds = Vec::with_capacity(2 * pending.len());
                for p in pending.iter_mut() {
                    feeds.push(Feed {
                        tokens: &p.feed,
                        cache: &mut p.cache,
                    });
                    if let Some(nc) = p.null_cache.as_mut() {
                        feeds.push(Feed {
                            tokens: &p.feed,
                            cache: nc,
                        });
                    }
                }
                let mut results = self
                    .decoder()
                    .forward_batch(&mut feeds, Logits::All)?
                    .into_iter();
                drop(feeds);
                out.forward_passes += 1;
                for p in pending {
                    let rows: Vec<Vec<f32>> =
                        results.next().expect("one result per feed").to_vec2()?;
                    let null_rows: Option<Vec<Vec<f32>>> = match p.null_cache {
                        Some(_) => Some(results.next().expect("one result per feed").to_vec2()?),
                        None => None,
                    };
                    let dists: Vec<Vec<f32>> = rows
                        .iter()
                        .enumerate()
                        .map(|(i, r)| combine(r, null_rows.as_ref().map(|n| n[i].as_slice())))
                        .collect();
                    let mut logprob = p.score;
                    for (dist, f) in dists.iter().zip(&p.forced) {
                        logprob += dist[*f as usize] as f64;
                    }
                    let next = dists.last().expect("at least one row").clone();
                    let mut tokens = p.tokens;
                    tokens.extend(&p.feed);
                    let stopped = p.matcher.is_stopped();
                    if stopped {
                        // The grammar is complete: the model must also end its turn here.
                        logprob += next[eot as usize] as f64;
                    }
                    next_beams.push(Beam {
                        cache: p.cache,
                        null_cache: p.null_cache,
                        matcher: p.matcher,
                        tokens,
                        logprob,
                        next,
                        finished: stopped,
                    });
                }
            }
            beams = next_beams;
        }
        out.search_s = t.elapsed().as_secs_f64();
        let mut candidates: Vec<Candidate> = beams
            .into_iter()
            .map(|b| Candidate {
                text: self.tokenizer().decode(&b.tokens),
                finished: b.tokens.len() < max_tokens,
                tokens: b.tokens,
                logprob: b.logprob,
            })
            .collect();
        candidates.sort_by(|a, b| b.logprob.total_cmp(&a.logprob));
        candidates.dedup_by(|a, b| a.tokens == b.tokens);
        out.candidates = candidates;
        Ok(out)
    }
}
