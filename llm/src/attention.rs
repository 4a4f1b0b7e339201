//! Attention over a key/value cache kept in plain vectors, one sequence at a time.
//!
//! Beam search runs many short sequences per pass (each beam with and without the task),
//! each after a few hundred cached positions. Through tensor operations that cost about
//! twenty small operations per sequence and layer and a copy of the whole cache to append
//! one token; here the new positions go into a chunk of their own (chunks are shared by
//! clones, so forking a beam copies nothing) and the scores, softmax and weighted sum run
//! in one loop per head.

use std::sync::Arc;

use rayon::prelude::*;

/// Keys and values of one layer: chunks of positions, oldest first.
#[derive(Debug, Clone, Default)]
pub(crate) struct LayerKv {
    chunks: Vec<Arc<Chunk>>,
}

/// Positions `len` of every key/value head: `k[(h * len + j) * head_dim + d]`.
#[derive(Debug)]
struct Chunk {
    len: usize,
    heads: usize,
    k: Vec<f32>,
    v: Vec<f32>,
}

/// Chunks shorter than this are merged with a short neighbour as they come, so one-token
/// steps do not leave a chunk per token (a copy of at most twice this many positions).
const SMALL_CHUNK: usize = 64;

impl LayerKv {
    /// Appends `c`; the last two chunks are merged while both are small.
    fn push(&mut self, c: Chunk) {
        self.chunks.push(Arc::new(c));
        while let [.., a, b] = self.chunks.as_slice()
            && a.len < SMALL_CHUNK
            && b.len < SMALL_CHUNK
        {
            let merged = Arc::new(Chunk::join(a, b));
            self.chunks.truncate(self.chunks.len() - 2);
            self.chunks.push(merged);
        }
    }

    /// The first `n` positions.
    pub(crate) fn narrow(&self, n: usize) -> LayerKv {
        let mut out = LayerKv::default();
        let mut left = n;
        for c in &self.chunks {
            if left == 0 {
                break;
            }
            if c.len <= left {
                out.chunks.push(c.clone());
                left -= c.len;
            } else {
                let hd = c.k.len() / (c.heads * c.len);
                let part = |x: &[f32]| -> Vec<f32> {
                    (0..c.heads)
                        .flat_map(|h| &x[h * c.len * hd..(h * c.len + left) * hd])
                        .copied()
                        .collect()
                };
                out.chunks.push(Arc::new(Chunk {
                    len: left,
                    heads: c.heads,
                    k: part(&c.k),
                    v: part(&c.v),
                }));
                left = 0;
            }
        }
        out
    }
}

impl Chunk {
    /// `a`'s positions then `b`'s, head by head.
    fn join(a: &Chunk, b: &Chunk) -> Chunk {
        let hd = a.k.len() / (a.heads * a.len.max(1));
        let cat = |x: &[f32], y: &[f32]| -> Vec<f32> {
            let mut out = Vec::with_capacity(x.len() + y.len());
            for h in 0..a.heads {
                out.extend_from_slice(&x[h * a.len * hd..(h + 1) * a.len * hd]);
                out.extend_from_slice(&y[h * b.len * hd..(h + 1) * b.len * hd]);
            }
            out
        };
        Chunk {
            len: a.len + b.len,
            heads: a.heads,
            k: cat(&a.k, &b.k),
            v: cat(&a.v, &b.v),
        }
    }
}

/// Head layout and rotary tables of a model.
#[derive(Debug, Clone)]
pub(crate) struct Heads {
    pub n_head: usize,
    pub n_kv_head: usize,
    pub head_dim: usize,
    /// Leading dimensions of each head that are rotated.
    pub rope_dim: usize,
    /// Rotate adjacent pairs (GGUF llama) rather than the two halves (neox style).
    pub interleaved: bool,
    /// `cos[p * rope_dim / 2 + i]`, `sin` alike: angle of pair `i` at position `p`.
    pub cos: Vec<f32>,
    pub sin: Vec<f32>,
}

impl Heads {
    fn rotate(&self, x: &mut [f32], pos: usize) {
        let half = self.rope_dim / 2;
        let cos = &self.cos[pos * half..(pos + 1) * half];
        let sin = &self.sin[pos * half..(pos + 1) * half];
        for i in 0..half {
            let (a, b) = if self.interleaved {
                (2 * i, 2 * i + 1)
            } else {
                (i, i + half)
            };
            let (xa, xb) = (x[a], x[b]);
            x[a] = xa * cos[i] - xb * sin[i];
            x[b] = xa * sin[i] + xb * cos[i];
        }
    }

    /// One sequence's attention output `[s, n_head * head_dim]` for its `s` new positions
    /// after `offset` cached ones: `q` is `[s, n_head * head_dim]`, `k` and `v` are
    /// `[s, n_kv_head * head_dim]` (before rotation); the new keys and values join `cache`.
    pub(crate) fn attend(
        &self,
        cache: &mut LayerKv,
        offset: usize,
        mut q: Vec<f32>,
        mut k: Vec<f32>,
        v: &[f32],
    ) -> Vec<f32> {
        let (hd, nh, nkv) = (self.head_dim, self.n_head, self.n_kv_head);
        let s = q.len() / (nh * hd);
        for i in 0..s {
            for h in 0..nh {
                let at = (i * nh + h) * hd;
                self.rotate(&mut q[at..at + hd], offset + i);
            }
            for h in 0..nkv {
                let at = (i * nkv + h) * hd;
                self.rotate(&mut k[at..at + hd], offset + i);
            }
        }
        let by_head = |x: &[f32]| -> Vec<f32> {
            let mut out = Vec::with_capacity(x.len());
            for h in 0..nkv {
                for i in 0..s {
                    out.extend_from_slice(&x[(i * nkv + h) * hd..(i * nkv + h + 1) * hd]);
                }
            }
            out
        };
        cache.push(Chunk {
            len: s,
            heads: nkv,
            k: by_head(&k),
            v: by_head(v),
        });
        let rep = nh / nkv;
        let scale = 1.0 / (hd as f32).sqrt();
        let head = |h: usize| -> Vec<f32> {
            let mut y = vec![0f32; s * hd];
            for i in 0..s {
                let q = &q[(i * nh + h) * hd..(i * nh + h + 1) * hd];
                kernels::one_query(
                    q,
                    &cache.chunks,
                    h / rep,
                    offset + i + 1,
                    scale,
                    &mut y[i * hd..(i + 1) * hd],
                );
            }
            y
        };
        // Split over heads when there is enough work to pay for it (prompts).
        let heads: Vec<Vec<f32>> = if s * (offset + s) >= 512 {
            (0..nh).into_par_iter().map(head).collect()
        } else {
            (0..nh).map(head).collect()
        };
        let mut y = vec![0f32; s * nh * hd];
        for (h, part) in heads.iter().enumerate() {
            for i in 0..s {
                y[(i * nh + h) * hd..(i * nh + h + 1) * hd]
                    .copy_from_slice(&part[i * hd..(i + 1) * hd]);
            }
        }
        y
    }
}

mod kernels {
    use super::Chunk;
    use std::sync::Arc;

    /// Softmax-weighted sum of the values of key/value head `g`'s first `visible` positions,
    /// weighted by their keys' scaled dot products with `q`, into `y`.
    pub(super) fn one_query(
        q: &[f32],
        chunks: &[Arc<Chunk>],
        g: usize,
        visible: usize,
        scale: f32,
        y: &mut [f32],
    ) {
        #[cfg(target_arch = "x86_64")]
        if x86::has_avx2() {
            return x86::one_query(q, chunks, g, visible, scale, y);
        }
        body(q, chunks, g, visible, scale, y)
    }

    // Plain loops only below: iterator adapters' closures are not inlined into the
    // `#[target_feature]` caller and would call `fmaf` per element.
    #[inline(always)]
    fn dot(a: &[f32], b: &[f32]) -> f32 {
        // Eight independent lanes, so the loop vectorizes without reassociating.
        let mut lanes = [0f32; 8];
        let n = a.len().min(b.len());
        let full = n / 8 * 8;
        let mut i = 0;
        while i < full {
            for l in 0..8 {
                lanes[l] = a[i + l].mul_add(b[i + l], lanes[l]);
            }
            i += 8;
        }
        let mut total = 0f32;
        for l in lanes {
            total += l;
        }
        while i < n {
            total = a[i].mul_add(b[i], total);
            i += 1;
        }
        total
    }

    /// Scores to `exp(score - max)`, returning their sum (the softmax's denominator).
    #[inline(always)]
    fn exp_shifted(scores: &mut [f32]) -> f32 {
        let mut max = f32::NEG_INFINITY;
        for &x in scores.iter() {
            max = max.max(x);
        }
        let mut total = 0f32;
        for x in scores.iter_mut() {
            *x = (*x - max).exp();
            total += *x;
        }
        total
    }

    #[inline(always)]
    pub(super) fn body(
        q: &[f32],
        chunks: &[Arc<Chunk>],
        g: usize,
        visible: usize,
        scale: f32,
        y: &mut [f32],
    ) {
        let hd = q.len();
        let mut scores = Vec::with_capacity(visible);
        let mut left = visible;
        for c in chunks {
            let n = c.len.min(left);
            let keys = &c.k[g * c.len * hd..(g * c.len + n) * hd];
            for j in 0..n {
                scores.push(dot(q, &keys[j * hd..(j + 1) * hd]) * scale);
            }
            left -= n;
            if left == 0 {
                break;
            }
        }
        let total = exp_shifted(&mut scores);
        y.fill(0.0);
        let mut at = 0;
        for c in chunks {
            if at == scores.len() {
                break;
            }
            let n = c.len.min(scores.len() - at);
            let values = &c.v[g * c.len * hd..(g * c.len + n) * hd];
            for j in 0..n {
                let p = scores[at + j];
                let v = &values[j * hd..(j + 1) * hd];
                for d in 0..hd {
                    y[d] = p.mul_add(v[d], y[d]);
                }
            }
            at += n;
        }
        let inv = 1.0 / total;
        for yd in y.iter_mut() {
            *yd *= inv;
        }
    }

    #[cfg(test)]
    pub(super) fn plain_exp_shifted(scores: &mut [f32]) -> f32 {
        exp_shifted(scores)
    }

    #[cfg(all(test, target_arch = "x86_64"))]
    pub(super) fn has_avx2() -> bool {
        x86::has_avx2()
    }

    #[cfg(all(test, target_arch = "x86_64"))]
    #[allow(unsafe_code)]
    pub(super) fn simd_exp_shifted(scores: &mut [f32]) -> f32 {
        assert!(x86::has_avx2());
        // SAFETY: the CPU has AVX2 and FMA (checked above).
        unsafe { x86::exp_shifted(scores) }
    }

    #[cfg(target_arch = "x86_64")]
    #[allow(unsafe_code)]
    mod x86 {
        use super::Chunk;
        use std::arch::x86_64::*;
        use std::sync::Arc;

        pub(super) fn has_avx2() -> bool {
            is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")
        }

        /// [`super::body`] with AVX2 and FMA, for heads of a multiple of eight dimensions.
        pub(super) fn one_query(
            q: &[f32],
            chunks: &[Arc<Chunk>],
            g: usize,
            visible: usize,
            scale: f32,
            y: &mut [f32],
        ) {
            if !q.len().is_multiple_of(8) {
                return super::body(q, chunks, g, visible, scale, y);
            }
            // SAFETY: only called after `has_avx2()`.
            unsafe { run(q, chunks, g, visible, scale, y) }
        }

        /// [`super::exp_shifted`] eight at a time: Cephes' `expf` (range reduction by
        /// ln 2 in two parts, a degree-5 polynomial, the exponent put in by integer add;
        /// relative error about 1e-7), instead of a libm call per score.
        #[target_feature(enable = "avx2,fma")]
        pub(super) fn exp_shifted(scores: &mut [f32]) -> f32 {
            let mut max = f32::NEG_INFINITY;
            for &x in scores.iter() {
                max = max.max(x);
            }
            let (eights, rest) = scores.as_chunks_mut::<8>();
            let shift = _mm256_set1_ps(max);
            let mut sum = _mm256_setzero_ps();
            for e in eights.iter_mut() {
                let x = _mm256_sub_ps(pulp::cast::<_, __m256>(*e), shift);
                let y = crate::activation::exp8(x);
                sum = _mm256_add_ps(sum, y);
                *e = pulp::cast(y);
            }
            let lanes: [f32; 8] = pulp::cast(sum);
            let mut total: f32 = lanes.iter().sum();
            for x in rest.iter_mut() {
                *x = (*x - max).exp();
                total += *x;
            }
            total
        }

        #[target_feature(enable = "avx2,fma")]
        fn run(
            q: &[f32],
            chunks: &[Arc<Chunk>],
            g: usize,
            visible: usize,
            scale: f32,
            y: &mut [f32],
        ) {
            let hd = q.len();
            let (q8, _) = q.as_chunks::<8>();
            let mut scores = Vec::with_capacity(visible);
            let mut left = visible;
            for c in chunks {
                let n = c.len.min(left);
                let (keys, _) = c.k[g * c.len * hd..(g * c.len + n) * hd].as_chunks::<8>();
                for key in keys.chunks_exact(q8.len()) {
                    let mut acc = _mm256_setzero_ps();
                    for (a, b) in q8.iter().zip(key) {
                        acc = _mm256_fmadd_ps(
                            pulp::cast::<_, __m256>(*a),
                            pulp::cast::<_, __m256>(*b),
                            acc,
                        );
                    }
                    let h =
                        _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps::<1>(acc));
                    let h = _mm_add_ps(h, _mm_movehl_ps(h, h));
                    let h = _mm_add_ss(h, _mm_movehdup_ps(h));
                    scores.push(_mm_cvtss_f32(h) * scale);
                }
                left -= n;
                if left == 0 {
                    break;
                }
            }
            let total = exp_shifted(&mut scores);
            let (y8, _) = y.as_chunks_mut::<8>();
            let mut acc = vec![_mm256_setzero_ps(); y8.len()];
            let mut at = 0;
            for c in chunks {
                if at == scores.len() {
                    break;
                }
                let n = c.len.min(scores.len() - at);
                let (values, _) = c.v[g * c.len * hd..(g * c.len + n) * hd].as_chunks::<8>();
                for (p, value) in scores[at..at + n].iter().zip(values.chunks_exact(y8.len())) {
                    let p = _mm256_set1_ps(*p);
                    for (a, v) in acc.iter_mut().zip(value) {
                        *a = _mm256_fmadd_ps(p, pulp::cast::<_, __m256>(*v), *a);
                    }
                }
                at += n;
            }
            let inv = _mm256_set1_ps(1.0 / total);
            for (out, a) in y8.iter_mut().zip(acc) {
                *out = pulp::cast(_mm256_mul_ps(a, inv));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heads(interleaved: bool) -> Heads {
        let (hd, rope_dim, context) = (16, 12, 256);
        let half = rope_dim / 2;
        let angle = |p: usize, i: usize| p as f32 / 10f32.powf(2.0 * i as f32 / rope_dim as f32);
        Heads {
            n_head: 4,
            n_kv_head: 2,
            head_dim: hd,
            rope_dim,
            interleaved,
            cos: (0..context * half)
                .map(|x| angle(x / half, x % half).cos())
                .collect(),
            sin: (0..context * half)
                .map(|x| angle(x / half, x % half).sin())
                .collect(),
        }
    }

    fn values(n: usize, seed: f32) -> Vec<f32> {
        (0..n).map(|i| ((i as f32 + seed) * 0.731).sin()).collect()
    }

    /// Queries, keys and values of `s` positions.
    fn inputs(h: &Heads, s: usize, seed: f32) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
        let (nq, nk) = (h.n_head * h.head_dim, h.n_kv_head * h.head_dim);
        (
            values(s * nq, seed),
            values(s * nk, seed + 1.0),
            values(s * nk, seed + 2.0),
        )
    }

    /// Straight from the definition: rotate, then for each query head softmax over the
    /// visible keys of its key/value head.
    fn reference(h: &Heads, q: &[f32], k: &[f32], v: &[f32]) -> Vec<f32> {
        let (hd, nh, nkv) = (h.head_dim, h.n_head, h.n_kv_head);
        let s = q.len() / (nh * hd);
        let (mut q, mut k) = (q.to_vec(), k.to_vec());
        for i in 0..s {
            for x in 0..nh {
                h.rotate(&mut q[(i * nh + x) * hd..(i * nh + x + 1) * hd], i);
            }
            for x in 0..nkv {
                h.rotate(&mut k[(i * nkv + x) * hd..(i * nkv + x + 1) * hd], i);
            }
        }
        let mut y = vec![0f32; s * nh * hd];
        for i in 0..s {
            for x in 0..nh {
                let g = x / (nh / nkv);
                let qi = &q[(i * nh + x) * hd..(i * nh + x + 1) * hd];
                let scores: Vec<f64> = (0..=i)
                    .map(|j| {
                        let kj = &k[(j * nkv + g) * hd..(j * nkv + g + 1) * hd];
                        qi.iter().zip(kj).map(|(a, b)| (a * b) as f64).sum::<f64>()
                            / (hd as f64).sqrt()
                    })
                    .collect();
                let max = scores.iter().cloned().fold(f64::MIN, f64::max);
                let w: Vec<f64> = scores.iter().map(|s| (s - max).exp()).collect();
                let total: f64 = w.iter().sum();
                for d in 0..hd {
                    y[(i * nh + x) * hd + d] = (0..=i)
                        .map(|j| w[j] * v[(j * nkv + g) * hd + d] as f64)
                        .sum::<f64>() as f32
                        / total as f32;
                }
            }
        }
        y
    }

    #[test]
    fn positions_fed_in_pieces_attend_as_the_definition_says() {
        for interleaved in [true, false] {
            let h = heads(interleaved);
            let s = 11;
            let (nq, nk) = (h.n_head * h.head_dim, h.n_kv_head * h.head_dim);
            let (q, k, v) = inputs(&h, s, 1.0);
            let want = reference(&h, &q, &k, &v);
            // All at once, and in pieces of 4, 1, 6 (chunks of the cache).
            let mut whole = LayerKv::default();
            let all = h.attend(&mut whole, 0, q.clone(), k.clone(), &v);
            let mut pieces = LayerKv::default();
            let mut got = Vec::new();
            for (a, b) in [(0, 4), (4, 5), (5, 11)] {
                got.extend(h.attend(
                    &mut pieces,
                    a,
                    q[a * nq..b * nq].to_vec(),
                    k[a * nk..b * nk].to_vec(),
                    &v[a * nk..b * nk],
                ));
            }
            // Small pieces are merged as they come: one chunk of all 11 positions.
            assert_eq!(pieces.chunks.len(), 1);
            for (x, (a, b)) in want.iter().zip(all.iter().zip(&got)) {
                assert!((x - a).abs() < 1e-5 && (x - b).abs() < 1e-5, "{x} {a} {b}");
            }
            // The cache cut back to 7 positions, then positions 7.. again: the same rows.
            let mut cut = pieces.narrow(7);
            let again = h.attend(
                &mut cut,
                7,
                q[7 * nq..].to_vec(),
                k[7 * nk..].to_vec(),
                &v[7 * nk..],
            );
            assert_eq!(again, got[7 * nq..].to_vec());
        }
    }

    #[test]
    fn the_simd_query_equals_the_plain_one() {
        let h = heads(true);
        let s = 9;
        let mut kv = LayerKv::default();
        let (q, k, v) = inputs(&h, s, 4.0);
        h.attend(&mut kv, 0, q, k, &v);
        let q = values(h.head_dim, 7.0);
        for visible in [1, 5, 9] {
            let mut fast = vec![0f32; h.head_dim];
            let mut plain = vec![0f32; h.head_dim];
            kernels::one_query(&q, &kv.chunks, 1, visible, 0.25, &mut fast);
            kernels::body(&q, &kv.chunks, 1, visible, 0.25, &mut plain);
            for (a, b) in fast.iter().zip(&plain) {
                assert!((a - b).abs() < 1e-6, "{a} vs {b}");
            }
        }
    }

    #[test]
    fn one_position_at_a_time_leaves_few_chunks_and_the_same_answers() {
        let h = heads(false);
        let s = 150;
        let (nq, nk) = (h.n_head * h.head_dim, h.n_kv_head * h.head_dim);
        let (q, k, v) = inputs(&h, s, 8.0);
        let want = reference(&h, &q, &k, &v);
        let mut kv = LayerKv::default();
        let mut got = Vec::new();
        for i in 0..s {
            got.extend(h.attend(
                &mut kv,
                i,
                q[i * nq..(i + 1) * nq].to_vec(),
                k[i * nk..(i + 1) * nk].to_vec(),
                &v[i * nk..(i + 1) * nk],
            ));
        }
        assert!(kv.chunks.len() <= 3, "{} chunks", kv.chunks.len());
        assert_eq!(kv.chunks.iter().map(|c| c.len).sum::<usize>(), s);
        for (x, y) in want.iter().zip(&got) {
            assert!((x - y).abs() < 1e-5, "{x} vs {y}");
        }
    }

    #[test]
    fn the_simd_softmax_exponentials_match_the_library_ones() {
        #[cfg(target_arch = "x86_64")]
        if kernels::has_avx2() {
            let scores: Vec<f32> = (0..203)
                .map(|i| (i as f32 * 0.37).sin() * 40.0 - 20.0)
                .collect();
            let mut fast = scores.clone();
            let mut plain = scores.clone();
            let (tf, tp) = (
                kernels::simd_exp_shifted(&mut fast),
                kernels::plain_exp_shifted(&mut plain),
            );
            for (a, b) in fast.iter().zip(&plain) {
                assert!((a - b).abs() <= 2e-7 * b.max(1e-30), "{a} vs {b}");
            }
            assert!((tf - tp).abs() <= 1e-6 * tp);
        }
    }
}
