//! SentencePiece-style tokenization as llama.cpp does it for `tokenizer.ggml.model = llama`
//! (Llama 2, Phi-3, Mistral): special tokens split out first, a space before text that
//! follows a special token (or starts the input), spaces written as `▁`, then the adjacent
//! pair whose merged text is the best-scoring token merged until none is left; what is not
//! a token falls back to `<0xXX>` byte tokens.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

/// The space marker of SentencePiece vocabularies.
pub(crate) const SPACE: &str = "\u{2581}";

/// A special token as the input splitter sees it.
#[derive(Debug, Clone)]
pub(crate) struct Special {
    pub id: u32,
    pub text: String,
    /// Whitespace before it is dropped.
    pub lstrip: bool,
    /// Whitespace after it is dropped.
    pub rstrip: bool,
}

/// A SentencePiece vocabulary: token texts with their scores.
#[derive(Debug, Clone)]
pub(crate) struct Spm {
    ids: HashMap<String, u32>,
    scores: Vec<f32>,
    /// Longest first (llama.cpp's order of splitting).
    specials: Vec<Special>,
    bytes: [Option<u32>; 256],
    add_space_prefix: bool,
}

enum Fragment<'a> {
    Text(&'a str),
    Token(u32),
}

/// A pair of neighbouring symbols whose merged text is a token.
#[derive(PartialEq)]
struct Bigram {
    score: f32,
    left: usize,
    right: usize,
    size: usize,
}

impl Eq for Bigram {}

impl Ord for Bigram {
    fn cmp(&self, other: &Self) -> Ordering {
        // Highest score first; on a tie, the leftmost.
        self.score
            .total_cmp(&other.score)
            .then(other.left.cmp(&self.left))
    }
}

impl PartialOrd for Bigram {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Clone, Copy)]
struct Symbol {
    start: usize,
    len: usize,
    prev: Option<usize>,
    next: Option<usize>,
}

impl Spm {
    pub(crate) fn new(
        tokens: &[String],
        scores: Vec<f32>,
        mut specials: Vec<Special>,
        add_space_prefix: bool,
    ) -> Self {
        let ids: HashMap<String, u32> = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i as u32))
            .collect();
        let bytes = std::array::from_fn(|b| {
            ids.get(&format!("<0x{b:02X}>"))
                .or_else(|| {
                    u8::try_from(b)
                        .ok()
                        .filter(u8::is_ascii)
                        .and_then(|b| ids.get(&(b as char).to_string()))
                })
                .copied()
        });
        specials.sort_by(|a, b| b.text.len().cmp(&a.text.len()).then(a.id.cmp(&b.id)));
        Self {
            ids,
            scores,
            specials,
            bytes,
            add_space_prefix,
        }
    }

    /// Token ids of `text`, special-token spellings included as special tokens; `start`:
    /// the text begins a sequence (so gets SentencePiece's space prefix).
    pub(crate) fn encode(&self, text: &str, start: bool) -> Vec<u32> {
        let mut out = Vec::new();
        let mut prev_special = start;
        for fragment in self.split_specials(text) {
            match fragment {
                Fragment::Token(id) => {
                    out.push(id);
                    prev_special = true;
                }
                Fragment::Text(t) => {
                    let mut s = String::with_capacity(t.len() + 4);
                    if self.add_space_prefix && prev_special {
                        s.push(' ');
                    }
                    s.push_str(t);
                    self.merge(&s.replace(' ', SPACE), &mut out);
                    prev_special = false;
                }
            }
        }
        out
    }

    /// llama.cpp's `tokenizer_st_partition`: each special token in turn, longest first,
    /// is cut out of every text fragment left.
    fn split_specials<'a>(&self, text: &'a str) -> Vec<Fragment<'a>> {
        let mut fragments = vec![Fragment::Text(text)];
        if text.is_empty() {
            return Vec::new();
        }
        for sp in &self.specials {
            let mut next = Vec::with_capacity(fragments.len());
            for f in fragments {
                let Fragment::Text(mut rest) = f else {
                    next.push(f);
                    continue;
                };
                while let Some(at) = rest.find(sp.text.as_str()) {
                    let mut left = &rest[..at];
                    if sp.lstrip {
                        left = left.trim_end_matches(is_c_space);
                    }
                    if !left.is_empty() {
                        next.push(Fragment::Text(left));
                    }
                    next.push(Fragment::Token(sp.id));
                    rest = &rest[at + sp.text.len()..];
                    if sp.rstrip {
                        rest = rest.trim_start_matches(is_c_space);
                    }
                }
                if !rest.is_empty() {
                    next.push(Fragment::Text(rest));
                }
            }
            fragments = next;
        }
        fragments
    }

    fn token(&self, text: &str) -> Option<u32> {
        self.ids.get(text).copied()
    }

    /// llama.cpp's `llm_tokenizer_spm_session::tokenize` on escaped text.
    fn merge(&self, text: &str, out: &mut Vec<u32>) {
        let mut symbols: Vec<Symbol> = Vec::with_capacity(text.len());
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        for (i, &(start, c)) in chars.iter().enumerate() {
            symbols.push(Symbol {
                start,
                len: c.len_utf8(),
                prev: i.checked_sub(1),
                next: (i + 1 < chars.len()).then_some(i + 1),
            });
        }
        let mut queue = BinaryHeap::new();
        let bigram = |symbols: &[Symbol], left: Option<usize>, right: Option<usize>| {
            let (l, r) = (left?, right?);
            let (a, b) = (symbols[l], symbols[r]);
            let merged = &text[a.start..a.start + a.len + b.len];
            let id = self.token(merged)?;
            Some(Bigram {
                score: self.scores.get(id as usize).copied().unwrap_or(0.0),
                left: l,
                right: r,
                size: merged.len(),
            })
        };
        for i in 1..symbols.len() {
            queue.extend(bigram(&symbols, Some(i - 1), Some(i)));
        }
        while let Some(b) = queue.pop() {
            let (l, r) = (symbols[b.left], symbols[b.right]);
            // One side was merged into something else since.
            if l.len == 0 || r.len == 0 || l.len + r.len != b.size {
                continue;
            }
            symbols[b.left].len += r.len;
            symbols[b.right].len = 0;
            symbols[b.left].next = r.next;
            if let Some(n) = r.next {
                symbols[n].prev = Some(b.left);
            }
            queue.extend(bigram(&symbols, symbols[b.left].prev, Some(b.left)));
            queue.extend(bigram(&symbols, Some(b.left), symbols[b.left].next));
        }
        let mut at = (!symbols.is_empty()).then_some(0);
        while let Some(i) = at {
            let s = symbols[i];
            let piece = &text[s.start..s.start + s.len];
            match self.token(piece) {
                Some(id) => out.push(id),
                None => out.extend(piece.bytes().filter_map(|b| self.bytes[b as usize])),
            }
            at = s.next;
        }
    }
}

/// C's `isspace` in the "C" locale.
fn is_c_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0B' | '\x0C' | '\r')
}

/// The byte a `<0xXX>` token stands for.
pub(crate) fn byte_token(text: &str) -> Option<u8> {
    let hex = text.strip_prefix("<0x")?.strip_suffix('>')?;
    (hex.len() == 2).then(|| u8::from_str_radix(hex, 16).ok())?
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy vocabulary: id = position.
    fn vocab(rstrip: bool) -> Spm {
        let tokens: Vec<String> = [
            "<unk>",
            "<s>",
            "<|end|>",
            "<0x21>",
            "\u{2581}",
            "a",
            "b",
            "c",
            "ab",
            "bc",
            "\u{2581}a",
        ]
        .map(String::from)
        .to_vec();
        let scores = vec![0.0, 0.0, 0.0, 0.0, -1.0, -1.0, -1.0, -1.0, -2.0, -1.5, -3.0];
        let specials = vec![Special {
            id: 2,
            text: "<|end|>".into(),
            lstrip: false,
            rstrip,
        }];
        Spm::new(&tokens, scores, specials, true)
    }

    #[test]
    fn the_best_scoring_pair_merges_first_and_unknown_bytes_fall_back() {
        let v = vocab(false);
        // "▁abc": ▁a (-3), ab (-2), bc (-1.5): bc first, then ▁a; "!" is a byte token; "?"
        // has none and is dropped, as llama.cpp would fail on it.
        assert_eq!(v.encode("abc", true), vec![10, 9]);
        assert_eq!(v.encode("abc", false), vec![5, 9]);
        assert_eq!(v.encode("ab!", false), vec![8, 3]);
        assert_eq!(v.encode("a?", false), vec![5]);
    }

    #[test]
    fn special_tokens_split_the_text_and_may_eat_the_space_after_them() {
        // After a special token the text gets the space prefix again.
        assert_eq!(vocab(false).encode("a<|end|>a", true), vec![10, 2, 10]);
        assert_eq!(vocab(false).encode("a<|end|> a", true), vec![10, 2, 4, 10]);
        assert_eq!(vocab(true).encode("a<|end|> a", true), vec![10, 2, 10]);
        assert_eq!(vocab(true).encode("<|end|>", true), vec![2]);
    }

    #[test]
    fn byte_tokens_are_read_back() {
        assert_eq!(byte_token("<0x0A>"), Some(b'\n'));
        assert_eq!(byte_token("<0xff>"), Some(0xFF));
        assert_eq!(byte_token("<0x1>"), None);
        assert_eq!(byte_token("a"), None);
    }
}
