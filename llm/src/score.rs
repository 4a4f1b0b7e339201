//! Scoring given continuations of a prompt (SayCan-style, Ahn et al. 2022): the model's
//! log-likelihood of each candidate answer, end of turn included, optionally context-aware
//! (the same contrast as [`crate::Llm::beam_search`]). The candidates come from the caller —
//! grounded alternatives — so the model ranks what can be done instead of writing freely.

use std::time::Instant;

use crate::beam::contrastive;
use crate::model::{Feed, Logits};
use crate::{Contrast, KvCache, Llm, LlmError, PrefixCache};

/// Each candidate's score, with the costs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scores {
    /// Sum of log-probabilities per candidate (end of turn included), in the given order.
    pub logprobs: Vec<f64>,
    /// Tokens per candidate (its text and the end of turn).
    pub tokens: Vec<usize>,
    /// Prompt tokens run (both prompts with contrast).
    pub prefill_tokens: usize,
    /// Seconds on the prompt.
    pub prefill_s: f64,
    /// Seconds scoring the candidates (one batched pass).
    pub score_s: f64,
}

impl Llm {
    /// Scores `candidates` as the assistant's whole answer after `prompt` (a rendered chat
    /// prompt ending where the answer begins). All candidates run as one batch over shared
    /// prompt caches.
    pub fn score(
        &self,
        prompt: &str,
        prefix: Option<&PrefixCache>,
        candidates: &[&str],
        contrast: Option<Contrast<'_>>,
        cancelled: &dyn Fn() -> bool,
    ) -> Result<Scores, LlmError> {
        let _span = tracing::debug_span!("score", candidates = candidates.len()).entered();
        let mut out = Scores::default();
        if candidates.is_empty() {
            return Ok(out);
        }
        let alpha = contrast.as_ref().map_or(0.0, |c| c.alpha);
        let all = self.tokenizer().encode(prompt);
        let (mut cache, rest) = self.start_cache(&all, prefix);
        let null_all = contrast
            .as_ref()
            .map(|c| self.tokenizer().encode(c.null_prompt));
        let mut null_start = null_all.as_ref().map(|a| self.start_cache(a, prefix));
        if cancelled() {
            return Err(LlmError::Cancelled(0));
        }
        let t = Instant::now();
        out.prefill_tokens = rest.len() + null_start.as_ref().map_or(0, |(_, r)| r.len());
        let mut feeds = vec![Feed {
            tokens: rest,
            cache: &mut cache,
        }];
        if let Some((nc, r)) = null_start.as_mut() {
            feeds.push(Feed {
                tokens: r,
                cache: nc,
            });
        }
        let mut firsts = self.decoder().forward_batch(&mut feeds, Logits::Last)?;
        drop(feeds);
        let first: Vec<f32> = firsts.remove(0).to_vec1()?;
        let null_first: Option<Vec<f32>> = match firsts.pop() {
            Some(l) => Some(l.to_vec1()?),
            None => None,
        };
        let null_cache = null_start.map(|(c, _)| c);
        out.prefill_s = t.elapsed().as_secs_f64();
        let combine = |task: &[f32], null: Option<&[f32]>| contrastive(task, null, alpha);
        let first = combine(&first, null_first.as_deref());
        if cancelled() {
            return Err(LlmError::Cancelled(0));
        }
        let t = Instant::now();
        let tokens: Vec<Vec<u32>> = candidates
            .iter()
            .map(|c| self.tokenizer().encode_continuation(c))
            .collect();
        if let Some(i) = tokens.iter().position(Vec::is_empty) {
            return Err(LlmError::Inference(candle_core::Error::Msg(format!(
                "candidate {i} is empty"
            ))));
        }
        let mut caches: Vec<(KvCache, Option<KvCache>)> = tokens
            .iter()
            .map(|_| (cache.clone(), null_cache.clone()))
            .collect();
        let mut feeds = Vec::new();
        for (toks, (c, n)) in tokens.iter().zip(caches.iter_mut()) {
            feeds.push(Feed {
                tokens: toks,
                cache: c,
            });
            if let Some(n) = n.as_mut() {
                feeds.push(Feed {
                    tokens: toks,
                    cache: n,
                });
            }
        }
        let mut results = self
            .decoder()
            .forward_batch(&mut feeds, Logits::All)?
            .into_iter();
        drop(feeds);
        let eot = self.end_of_turn() as usize;
        for toks in &tokens {
            let rows: Vec<Vec<f32>> = results.next().expect("one result per feed").to_vec2()?;
            let null_rows: Option<Vec<Vec<f32>>> = match &null_cache {
                Some(_) => Some(results.next().expect("one result per feed").to_vec2()?),
                None => None,
            };
            let mut lp = f64::from(first[toks[0] as usize]);
            for (i, row) in rows.iter().enumerate() {
                let dist = combine(row, null_rows.as_ref().map(|n| n[i].as_slice()));
                let next = toks.get(i + 1).map_or(eot, |t| *t as usize);
                lp += f64::from(dist[next]);
            }
            out.logprobs.push(lp);
            out.tokens.push(toks.len() + 1);
        }
        out.score_s = t.elapsed().as_secs_f64();
        Ok(out)
    }
}
