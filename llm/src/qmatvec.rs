//! Block-quantized weights multiplied as they are stored, for decode steps (1-4 tokens).
//!
//! A decode step of a small model is bound by memory bandwidth, so bytes read per token set
//! the speed. candle 0.11 has no fast CPU kernel for Q4_1, and decoding used to requantize it
//! to Q8_0 — 1.7x the bytes. Here Q4_1 stays as stored (20 bytes per 32 weights) and Q8_0
//! too (34), split into arrays of f16 scales (and Q4_1 minimums) and quants. Each activation
//! row is quantized per 32 values to 8 bits, with the scaled sum of its quantized values for
//! the Q4_1 offset (llama.cpp's Q8_1). The AVX2 path (runtime detection through `pulp`, so no
//! `unsafe` here) takes eight blocks at a time: one `maddubs` per block, a horizontal-add tree
//! into one vector of eight block sums, one multiply-add with the eight scales. Rows are
//! split over rayon's threads. Other CPUs get the same arithmetic in plain Rust.

use rayon::prelude::*;

/// Values per block (GGUF's Q4_1 and Q8_0, and our activation blocks).
pub(crate) const BLOCK: usize = 32;

/// The quants of a matrix, by format; `d` (in [`QuantMatrix`]) holds the block scales.
#[derive(Debug, Clone)]
enum Quants {
    /// Value `i` of block `b` is `d * q + m[b]`, `q` the low nibble of `qs[b][i]` for
    /// `i < 16`, else the high nibble of `qs[b][i - 16]` (GGUF's layout); `m` as f16 bits.
    Q4_1 { m: Vec<u16>, qs: Vec<[u8; 16]> },
    /// Value `i` of block `b` is `d * qs[b][i]`.
    Q8_0 { qs: Vec<[i8; 32]> },
}

/// A `[rows, cols]` matrix of quantized blocks, row-major.
#[derive(Debug, Clone)]
pub(crate) struct QuantMatrix {
    rows: usize,
    cols: usize,
    /// Block scales as f16 bits.
    d: Vec<u16>,
    quants: Quants,
}

/// One activation row: value `i` of block `b` is about `d[b] * qs[b][i]`; `sum[b]` is
/// `d[b]` times the sum of the block's `qs`.
#[derive(Debug, Clone)]
struct Q8Row {
    d: Vec<f32>,
    sum: Vec<f32>,
    qs: Vec<[i8; 32]>,
}

/// Blocks `span` of a matrix.
#[derive(Clone, Copy)]
enum Rows<'a> {
    Q4_1 {
        d: &'a [u16],
        m: &'a [u16],
        qs: &'a [[u8; 16]],
    },
    Q8_0 {
        d: &'a [u16],
        qs: &'a [[i8; 32]],
    },
}

impl<'a> Rows<'a> {
    fn blocks(&self) -> usize {
        match self {
            Rows::Q4_1 { d, .. } | Rows::Q8_0 { d, .. } => d.len(),
        }
    }

    fn span(&self, span: std::ops::Range<usize>) -> Rows<'a> {
        match *self {
            Rows::Q4_1 { d, m, qs } => Rows::Q4_1 {
                d: &d[span.clone()],
                m: &m[span.clone()],
                qs: &qs[span],
            },
            Rows::Q8_0 { d, qs } => Rows::Q8_0 {
                d: &d[span.clone()],
                qs: &qs[span],
            },
        }
    }
}

fn f16(bits: u16) -> f32 {
    half::f16::from_bits(bits).to_f32()
}

impl QuantMatrix {
    /// From GGUF Q4_1 bytes of a `[rows, cols]` tensor; `None` when the sizes do not fit.
    pub(crate) fn from_q4_1_bytes(bytes: &[u8], rows: usize, cols: usize) -> Option<Self> {
        let blocks = Self::blocks_of(bytes, rows, cols, 20)?;
        let mut d = Vec::with_capacity(blocks.len());
        let mut m = Vec::with_capacity(blocks.len());
        let mut qs = Vec::with_capacity(blocks.len());
        for b in blocks {
            d.push(u16::from_le_bytes([b[0], b[1]]));
            m.push(u16::from_le_bytes([b[2], b[3]]));
            qs.push(b[4..20].try_into().ok()?);
        }
        Some(Self {
            rows,
            cols,
            d,
            quants: Quants::Q4_1 { m, qs },
        })
    }

    /// From GGUF Q8_0 bytes of a `[rows, cols]` tensor; `None` when the sizes do not fit.
    pub(crate) fn from_q8_0_bytes(bytes: &[u8], rows: usize, cols: usize) -> Option<Self> {
        let blocks = Self::blocks_of(bytes, rows, cols, 34)?;
        let mut d = Vec::with_capacity(blocks.len());
        let mut qs = Vec::with_capacity(blocks.len());
        for b in blocks {
            d.push(u16::from_le_bytes([b[0], b[1]]));
            qs.push(std::array::from_fn(|i| b[2 + i] as i8));
        }
        Some(Self {
            rows,
            cols,
            d,
            quants: Quants::Q8_0 { qs },
        })
    }

    fn blocks_of(
        bytes: &[u8],
        rows: usize,
        cols: usize,
        block_bytes: usize,
    ) -> Option<std::slice::ChunksExact<'_, u8>> {
        if cols == 0 || !cols.is_multiple_of(BLOCK) {
            return None;
        }
        let n = rows.checked_mul(cols / BLOCK)?;
        (bytes.len() == n.checked_mul(block_bytes)?).then(|| bytes.chunks_exact(block_bytes))
    }

    /// Stacks matrices of one format and width (q, k, v -> qkv).
    pub(crate) fn stack(parts: &[QuantMatrix]) -> Option<Self> {
        let first = parts.first()?;
        if parts.iter().any(|p| p.cols != first.cols) {
            return None;
        }
        let quants = match &first.quants {
            Quants::Q4_1 { .. } => {
                let (mut m, mut qs) = (Vec::new(), Vec::new());
                for p in parts {
                    let Quants::Q4_1 { m: pm, qs: pq } = &p.quants else {
                        return None;
                    };
                    m.extend_from_slice(pm);
                    qs.extend_from_slice(pq);
                }
                Quants::Q4_1 { m, qs }
            }
            Quants::Q8_0 { .. } => {
                let mut qs = Vec::new();
                for p in parts {
                    let Quants::Q8_0 { qs: pq } = &p.quants else {
                        return None;
                    };
                    qs.extend_from_slice(pq);
                }
                Quants::Q8_0 { qs }
            }
        };
        Some(Self {
            rows: parts.iter().map(|p| p.rows).sum(),
            cols: first.cols,
            d: parts.iter().flat_map(|p| p.d.iter().copied()).collect(),
            quants,
        })
    }

    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    fn all(&self) -> Rows<'_> {
        match &self.quants {
            Quants::Q4_1 { m, qs } => Rows::Q4_1 { d: &self.d, m, qs },
            Quants::Q8_0 { qs } => Rows::Q8_0 { d: &self.d, qs },
        }
    }

    /// `x` is `[t, cols]` row-major; returns `[t, rows]` = `x * W^T`.
    pub(crate) fn matmul(&self, x: &[f32]) -> Vec<f32> {
        let t = x.len() / self.cols;
        debug_assert_eq!(t * self.cols, x.len());
        let acts: Vec<Q8Row> = x.chunks_exact(self.cols).map(quantize_row).collect();
        let per_row = self.cols / BLOCK;
        let threads = rayon::current_num_threads().max(1);
        let chunk_rows = self.rows.div_ceil(threads * 2).max(16);
        let chunks = self.rows.div_ceil(chunk_rows);
        let all = self.all();
        let parts: Vec<Vec<f32>> = (0..chunks)
            .into_par_iter()
            .map(|c| {
                let (r0, r1) = (c * chunk_rows, ((c + 1) * chunk_rows).min(self.rows));
                let mut out = vec![0f32; t * (r1 - r0)];
                dot_rows(
                    all.span(r0 * per_row..r1 * per_row),
                    per_row,
                    &acts,
                    &mut out,
                );
                out
            })
            .collect();
        let mut y = vec![0f32; t * self.rows];
        let mut row0 = 0;
        for part in parts {
            let n = part.len() / t;
            for (ti, chunk) in part.chunks_exact(n).enumerate() {
                y[ti * self.rows + row0..ti * self.rows + row0 + n].copy_from_slice(chunk);
            }
            row0 += n;
        }
        y
    }
}

fn quantize_row(x: &[f32]) -> Q8Row {
    let n = x.len() / BLOCK;
    let mut row = Q8Row {
        d: Vec::with_capacity(n),
        sum: Vec::with_capacity(n),
        qs: Vec::with_capacity(n),
    };
    for v in x.chunks_exact(BLOCK) {
        let amax = v.iter().fold(0f32, |a, &x| a.max(x.abs()));
        let d = amax / 127.0;
        let inv = if d > 0.0 { 1.0 / d } else { 0.0 };
        let mut qs = [0i8; 32];
        for (q, &x) in qs.iter_mut().zip(v) {
            *q = (x * inv).round() as i8;
        }
        row.d.push(d);
        // The sum of the quantized values, not of the exact ones: then the block's product
        // is exactly that of the dequantized weights and activations, and the rounding of
        // the activations meets the weights `d * q + m` (mixed signs, errors cancel), not
        // the nonnegative `d * q` alone (measured: half the logit error on a tiny model).
        row.sum
            .push(d * qs.iter().map(|&q| q as i32).sum::<i32>() as f32);
        row.qs.push(qs);
    }
    row
}

/// `out[ti * n + r]` = row `r` of `rows` (each `per_row` blocks) dotted with `acts[ti]`.
fn dot_rows(rows: Rows<'_>, per_row: usize, acts: &[Q8Row], out: &mut [f32]) {
    let n = rows.blocks() / per_row;
    let row = |r: usize| rows.span(r * per_row..(r + 1) * per_row);
    #[cfg(target_arch = "x86_64")]
    if let Some(simd) = pulp::x86::V3::try_new() {
        return simd.vectorize(
            #[inline(always)]
            || {
                for r in 0..n {
                    let w = row(r);
                    for (ti, a) in acts.iter().enumerate() {
                        out[ti * n + r] = avx2::dot(simd, w, a);
                    }
                }
            },
        );
    }
    for r in 0..n {
        let w = row(r);
        for (ti, a) in acts.iter().enumerate() {
            out[ti * n + r] = dot_scalar(w, a);
        }
    }
}

/// The reference arithmetic: per block `d_w * d_x * sum(q_w * q_x)`, plus `m_w * sum_x`
/// for Q4_1.
fn dot_scalar(w: Rows<'_>, a: &Q8Row) -> f32 {
    let mut total = 0f32;
    for b in 0..w.blocks() {
        let (d, offset, s) = match w {
            Rows::Q4_1 { d, m, qs } => {
                let (x_lo, x_hi) = a.qs[b].split_at(16);
                let mut s = 0i32;
                for ((&q, &lo), &hi) in qs[b].iter().zip(x_lo).zip(x_hi) {
                    s += (q & 0x0F) as i32 * lo as i32 + (q >> 4) as i32 * hi as i32;
                }
                (d[b], f16(m[b]) * a.sum[b], s)
            }
            Rows::Q8_0 { d, qs } => {
                let s = (0..32).map(|i| qs[b][i] as i32 * a.qs[b][i] as i32).sum();
                (d[b], 0.0, s)
            }
        };
        total += f16(d) * a.d[b] * s as f32 + offset;
    }
    total
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{Q8Row, Rows};
    use pulp::x86::V3;
    use std::arch::x86_64::{__m128i, __m256, __m256i};

    /// Eight f16 bit patterns to f32 with integer operations (V3 has no F16C): the exponent
    /// and mantissa shifted into place, rebiased by a multiply by 2^112 (exact for normal and
    /// subnormal halves; scales are finite).
    #[inline(always)]
    fn f16x8(simd: V3, h: [u16; 8]) -> __m256 {
        let x = simd.avx2._mm256_cvtepu16_epi32(pulp::cast::<_, __m128i>(h));
        let sign = simd.avx2._mm256_slli_epi32::<16>(
            simd.avx2
                ._mm256_and_si256(x, simd.avx._mm256_set1_epi32(0x8000)),
        );
        let mag = simd.avx2._mm256_slli_epi32::<13>(
            simd.avx2
                ._mm256_and_si256(x, simd.avx._mm256_set1_epi32(0x7fff)),
        );
        let f = simd.avx._mm256_mul_ps(
            simd.avx._mm256_castsi256_ps(mag),
            simd.avx._mm256_set1_ps(f32::from_bits(0x7780_0000)),
        );
        simd.avx._mm256_castsi256_ps(
            simd.avx2
                ._mm256_or_si256(simd.avx._mm256_castps_si256(f), sign),
        )
    }

    /// The same sum as [`super::dot_scalar`].
    #[inline(always)]
    pub(super) fn dot(simd: V3, w: Rows<'_>, a: &Q8Row) -> f32 {
        let ones = simd.avx._mm256_set1_epi16(1);
        match w {
            Rows::Q4_1 { d, m, qs } => {
                let nibble = simd.sse2._mm_set1_epi8(0x0F);
                let ints = |b: usize| -> __m256i {
                    let packed: __m128i = pulp::cast(qs[b]);
                    let lo = simd.sse2._mm_and_si128(packed, nibble);
                    let hi = simd
                        .sse2
                        ._mm_and_si128(simd.sse2._mm_srli_epi16::<4>(packed), nibble);
                    let q = simd.avx._mm256_set_m128i(hi, lo);
                    let x: __m256i = pulp::cast(a.qs[b]);
                    // u8 (0..=15) x i8 pairs summed into i16 cannot overflow.
                    simd.avx2
                        ._mm256_madd_epi16(simd.avx2._mm256_maddubs_epi16(q, x), ones)
                };
                dot_blocks(simd, d, Some(m), a, ints)
            }
            Rows::Q8_0 { d, qs } => {
                let ints = |b: usize| -> __m256i {
                    let q: __m256i = pulp::cast(qs[b]);
                    let x: __m256i = pulp::cast(a.qs[b]);
                    // |q| as u8 times x carrying q's sign; activations lie in -127..=127,
                    // so pairs stay within i16 (2 * 128 * 127 < 2^15).
                    let pairs = simd.avx2._mm256_maddubs_epi16(
                        simd.avx2._mm256_sign_epi8(q, q),
                        simd.avx2._mm256_sign_epi8(x, q),
                    );
                    simd.avx2._mm256_madd_epi16(pairs, ones)
                };
                dot_blocks(simd, d, None, a, ints)
            }
        }
    }

    /// `ints(b)`: eight i32 lanes whose sum is block `b`'s integer dot product.
    #[inline(always)]
    fn dot_blocks(
        simd: V3,
        d: &[u16],
        m: Option<&[u16]>,
        a: &Q8Row,
        ints: impl Fn(usize) -> __m256i,
    ) -> f32 {
        let mut acc = simd.avx._mm256_setzero_ps();
        let mut offsets = simd.avx._mm256_setzero_ps();
        let groups = d.len() / 8;
        let (wd, _) = d.as_chunks::<8>();
        let (ad, _) = a.d.as_chunks::<8>();
        let (asum, _) = a.sum.as_chunks::<8>();
        for g in 0..groups {
            let b = g * 8;
            let v = [
                ints(b),
                ints(b + 1),
                ints(b + 2),
                ints(b + 3),
                ints(b + 4),
                ints(b + 5),
                ints(b + 6),
                ints(b + 7),
            ];
            let h01 = simd.avx2._mm256_hadd_epi32(v[0], v[1]);
            let h23 = simd.avx2._mm256_hadd_epi32(v[2], v[3]);
            let h45 = simd.avx2._mm256_hadd_epi32(v[4], v[5]);
            let h67 = simd.avx2._mm256_hadd_epi32(v[6], v[7]);
            let h0123 = simd.avx2._mm256_hadd_epi32(h01, h23);
            let h4567 = simd.avx2._mm256_hadd_epi32(h45, h67);
            // Lane k: block b + k's integer sum.
            let sums = simd.avx2._mm256_add_epi32(
                simd.avx2._mm256_permute2x128_si256::<0x20>(h0123, h4567),
                simd.avx2._mm256_permute2x128_si256::<0x31>(h0123, h4567),
            );
            let scale = simd
                .avx
                ._mm256_mul_ps(f16x8(simd, wd[g]), pulp::cast::<_, __m256>(ad[g]));
            acc = simd
                .fma
                ._mm256_fmadd_ps(simd.avx._mm256_cvtepi32_ps(sums), scale, acc);
            if let Some(m) = m {
                let (wm, _) = m.as_chunks::<8>();
                offsets = simd.fma._mm256_fmadd_ps(
                    f16x8(simd, wm[g]),
                    pulp::cast::<_, __m256>(asum[g]),
                    offsets,
                );
            }
        }
        let mut tail = 0f32;
        for b in groups * 8..d.len() {
            let s = simd.avx._mm256_cvtepi32_ps(ints(b));
            acc = simd.fma._mm256_fmadd_ps(
                s,
                simd.avx._mm256_set1_ps(super::f16(d[b]) * a.d[b]),
                acc,
            );
            if let Some(m) = m {
                tail += super::f16(m[b]) * a.sum[b];
            }
        }
        let acc = simd.avx._mm256_add_ps(acc, offsets);
        let half = simd.sse._mm_add_ps(
            simd.avx._mm256_castps256_ps128(acc),
            simd.avx._mm256_extractf128_ps::<1>(acc),
        );
        let pair = simd.sse3._mm_hadd_ps(half, half);
        let one = simd.sse3._mm_hadd_ps(pair, pair);
        simd.sse._mm_cvtss_f32(one) + tail
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// GGUF bytes and the dense values of a random `[rows, cols]` matrix.
    fn random(q4_1: bool, rows: usize, cols: usize, seed: u64) -> (Vec<u8>, Vec<f32>) {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut bytes = Vec::new();
        let mut dense = Vec::new();
        for _ in 0..rows * cols / BLOCK {
            let d = half::f16::from_f32(rng.random_range(0.001..0.05));
            bytes.extend(d.to_le_bytes());
            if q4_1 {
                let m = half::f16::from_f32(rng.random_range(-0.4..0.0));
                bytes.extend(m.to_le_bytes());
                let qs: Vec<u8> = (0..16).map(|_| rng.random()).collect();
                let mut block = [0f32; 32];
                for (i, &q) in qs.iter().enumerate() {
                    block[i] = d.to_f32() * (q & 0x0F) as f32 + m.to_f32();
                    block[i + 16] = d.to_f32() * (q >> 4) as f32 + m.to_f32();
                }
                dense.extend(block);
                bytes.extend(qs);
            } else {
                // -128 included: the sign trick must survive it.
                let qs: Vec<i8> = (0..32).map(|_| rng.random()).collect();
                dense.extend(qs.iter().map(|&q| d.to_f32() * q as f32));
                bytes.extend(qs.iter().map(|&q| q as u8));
            }
        }
        (bytes, dense)
    }

    fn matrix(q4_1: bool, bytes: &[u8], rows: usize, cols: usize) -> Option<QuantMatrix> {
        if q4_1 {
            QuantMatrix::from_q4_1_bytes(bytes, rows, cols)
        } else {
            QuantMatrix::from_q8_0_bytes(bytes, rows, cols)
        }
    }

    fn reference(dense: &[f32], rows: usize, cols: usize, x: &[f32]) -> Vec<f32> {
        let t = x.len() / cols;
        let mut y = vec![0f32; t * rows];
        for ti in 0..t {
            for r in 0..rows {
                y[ti * rows + r] = (0..cols)
                    .map(|c| dense[r * cols + c] as f64 * x[ti * cols + c] as f64)
                    .sum::<f64>() as f32;
            }
        }
        y
    }

    #[test]
    fn products_match_the_dequantized_weights_for_one_to_four_tokens() {
        for q4_1 in [true, false] {
            let (rows, cols) = (200, 576);
            let (bytes, dense) = random(q4_1, rows, cols, 7);
            let w = matrix(q4_1, &bytes, rows, cols).unwrap();
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
            for t in 1..=4 {
                let x: Vec<f32> = (0..t * cols).map(|_| rng.random_range(-2.0..2.0)).collect();
                let got = w.matmul(&x);
                let want = reference(&dense, rows, cols, &x);
                let scale = want.iter().fold(0f32, |a, v| a.max(v.abs()));
                for (g, e) in got.iter().zip(&want) {
                    // 8-bit activations: error well under 1% of the largest output.
                    assert!(
                        (g - e).abs() <= 0.01 * scale,
                        "{g} vs {e} (t = {t}, q4_1 {q4_1})"
                    );
                }
            }
        }
    }

    #[test]
    fn the_simd_path_computes_the_scalar_sums() {
        for q4_1 in [true, false] {
            // Widths with and without a remainder of fewer than eight blocks.
            for cols in [64, 96, 256, 576, 1536] {
                let rows = 64;
                let (bytes, _) = random(q4_1, rows, cols, 11);
                let w = matrix(q4_1, &bytes, rows, cols).unwrap();
                let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
                let x: Vec<f32> = (0..cols).map(|_| rng.random_range(-3.0..3.0)).collect();
                let acts = vec![quantize_row(&x)];
                let per_row = cols / BLOCK;
                let mut fast = vec![0f32; rows];
                dot_rows(w.all(), per_row, &acts, &mut fast);
                for (r, f) in fast.iter().enumerate() {
                    let s = dot_scalar(w.all().span(r * per_row..(r + 1) * per_row), &acts[0]);
                    assert!(
                        (f - s).abs() <= 1e-4 * s.abs().max(1.0),
                        "row {r} of {cols} columns (q4_1 {q4_1}): {f} vs {s}"
                    );
                }
            }
        }
    }

    #[test]
    fn sizes_that_do_not_fit_are_refused() {
        for q4_1 in [true, false] {
            let (bytes, _) = random(q4_1, 4, 64, 1);
            assert!(matrix(q4_1, &bytes, 4, 64).is_some());
            assert!(matrix(q4_1, &bytes, 5, 64).is_none());
            assert!(matrix(q4_1, &bytes, 8, 48).is_none());
            assert!(matrix(q4_1, &bytes[..bytes.len() - 1], 4, 64).is_none());
            assert!(matrix(q4_1, &bytes, 0, 0).is_none());
        }
    }

    #[test]
    fn stacking_keeps_each_part_s_rows() {
        let (a, _) = random(true, 3, 64, 1);
        let (b, _) = random(true, 5, 64, 2);
        let a = QuantMatrix::from_q4_1_bytes(&a, 3, 64).unwrap();
        let b = QuantMatrix::from_q4_1_bytes(&b, 5, 64).unwrap();
        let s = QuantMatrix::stack(&[a.clone(), b.clone()]).unwrap();
        assert_eq!((s.rows(), s.cols), (8, 64));
        let x: Vec<f32> = (0..64).map(|i| (i as f32 * 0.37).sin()).collect();
        let mut want = a.matmul(&x);
        want.extend(b.matmul(&x));
        assert_eq!(s.matmul(&x), want);
        let (c, _) = random(false, 2, 64, 3);
        let c = QuantMatrix::from_q8_0_bytes(&c, 2, 64).unwrap();
        assert!(QuantMatrix::stack(&[a, c]).is_none(), "formats never mix");
    }
}
