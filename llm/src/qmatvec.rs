//! Block-quantized weights multiplied as they are stored, for any number of tokens.
//!
//! A decode step of a small model is bound by memory bandwidth, and a prompt by arithmetic.
//! Both are served by one layout: Q4_1 stays 4-bit and Q8_0 8-bit, with f16 scales, but
//! rows are interleaved eight at a time at load (ggml's "repack" idea): for one block column,
//! vector `j` holds bytes `4j..4j+4` of each of eight rows. A 4-byte piece of the activation
//! block, broadcast, then meets all eight rows in one instruction (`vpdpbusd` where the CPU
//! has AVX-512 VNNI, `maddubs` + `madd` with AVX2), and lane `k` of the sum *is* row `k`'s
//! block product: no horizontal adds, one scale multiply-add per block for eight rows. The
//! weights of a block column are unpacked once and used for up to four tokens. Activations
//! are quantized per 32 values to 8 bits (llama.cpp's Q8_1: scale and scaled sum). Groups
//! of rows are split over rayon's threads; other CPUs get the same integer sums in plain Rust.
//! The SIMD functions are safe `#[target_feature]` functions; the only `unsafe` is calling
//! them, after the features were detected at run time.

use std::sync::OnceLock;

use rayon::prelude::*;

/// Values per block (GGUF's Q4_1 and Q8_0, and our activation blocks).
pub(crate) const BLOCK: usize = 32;
/// Rows interleaved into one group.
const GROUP: usize = 8;
/// Tokens sharing one unpacking of a block column.
const TILE: usize = 4;

/// The quants of a matrix, by format, per (group, block column).
#[derive(Debug, Clone)]
enum Quants {
    /// Row `k`'s value `v` is `d * q + m`; `q` is in byte `(v / 8) * 32 + 4k + v % 4` of the
    /// entry, the low nibble when `(v / 4)` is even, else the high one.
    Q4_1 {
        m: Vec<[u16; GROUP]>,
        qs: Vec<[u8; 128]>,
    },
    /// Row `k`'s value `v` is `d * q`, `q` byte `(v / 4) * 32 + 4k + v % 4` of the entry.
    Q8_0 { qs: Vec<[i8; 256]> },
}

/// The GGUF block formats the kernel runs as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BlockFormat {
    /// f16 scale, f16 minimum, 32 four-bit values.
    Q4_1,
    /// f16 scale, 32 signed bytes.
    Q8_0,
}

impl BlockFormat {
    fn block_bytes(self) -> usize {
        match self {
            Self::Q4_1 => 20,
            Self::Q8_0 => 34,
        }
    }
}

/// A `[rows, cols]` matrix of quantized blocks, eight rows interleaved per group.
#[derive(Debug, Clone)]
pub(crate) struct QuantMatrix {
    rows: usize,
    cols: usize,
    /// Block scales as f16 bits, per (group, block column), one per row of the group.
    d: Vec<[u16; GROUP]>,
    quants: Quants,
}

/// Activation rows: value `i` of block `b` of token `t` is about `d[t * n + b]` times byte
/// `i` of `qs[t * n + b]` (`n` blocks per row, bytes as little-endian words); `sum` is `d`
/// times the sum of the block's quantized values, `isum` that sum itself.
struct Acts {
    d: Vec<f32>,
    sum: Vec<f32>,
    isum: Vec<i32>,
    qs: Vec<[i32; 8]>,
}

/// Which arithmetic runs the products.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kernel {
    Scalar,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    #[cfg(target_arch = "x86_64")]
    Vnni,
}

impl Kernel {
    /// The fastest this CPU runs, found once.
    pub(crate) fn best() -> Kernel {
        static BEST: OnceLock<Kernel> = OnceLock::new();
        *BEST.get_or_init(|| {
            Kernel::all()
                .into_iter()
                .rev()
                .find(|k| k.available())
                .unwrap_or(Kernel::Scalar)
        })
    }

    /// Every kernel this build has, slowest first.
    pub(crate) fn all() -> Vec<Kernel> {
        vec![
            Kernel::Scalar,
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2,
            #[cfg(target_arch = "x86_64")]
            Kernel::Vnni,
        ]
    }

    /// Whether this CPU has the instructions.
    pub(crate) fn available(self) -> bool {
        match self {
            Kernel::Scalar => true,
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => x86::has_avx2(),
            #[cfg(target_arch = "x86_64")]
            Kernel::Vnni => x86::has_vnni(),
        }
    }
}

fn f16(bits: u16) -> f32 {
    half::f16::from_bits(bits).to_f32()
}

impl QuantMatrix {
    /// From GGUF Q4_1 bytes of a `[rows, cols]` tensor; `None` when the sizes do not fit.
    #[cfg(test)]
    pub(crate) fn from_q4_1_bytes(bytes: &[u8], rows: usize, cols: usize) -> Option<Self> {
        Self::from_gguf(BlockFormat::Q4_1, &[(bytes, rows)], cols)
    }

    /// From GGUF Q8_0 bytes of a `[rows, cols]` tensor; `None` when the sizes do not fit.
    #[cfg(test)]
    pub(crate) fn from_q8_0_bytes(bytes: &[u8], rows: usize, cols: usize) -> Option<Self> {
        Self::from_gguf(BlockFormat::Q8_0, &[(bytes, rows)], cols)
    }

    /// Tensors of one format and width (q, k and v; gate and up), given as their GGUF bytes
    /// and row counts, stacked into one matrix, rows in order. `None` when a size does not
    /// fit. Packed straight from the stored bytes: going through unpacked values first made
    /// loading SmolLM2 take half a second.
    pub(crate) fn from_gguf(
        format: BlockFormat,
        parts: &[(&[u8], usize)],
        cols: usize,
    ) -> Option<Self> {
        if cols == 0 || !cols.is_multiple_of(BLOCK) {
            return None;
        }
        let per_row = cols / BLOCK;
        let block_bytes = format.block_bytes();
        let row_bytes = per_row * block_bytes;
        let mut rows: Vec<&[u8]> = Vec::new();
        for &(bytes, n) in parts {
            if bytes.len() != n.checked_mul(row_bytes)? {
                return None;
            }
            rows.extend(bytes.chunks_exact(row_bytes));
        }
        if rows.is_empty() {
            return None;
        }
        let q4_1 = format == BlockFormat::Q4_1;
        let entries = rows.len().div_ceil(GROUP) * per_row;
        let mut d = vec![[0u16; GROUP]; entries];
        let mut m = vec![[0u16; GROUP]; if q4_1 { entries } else { 0 }];
        let mut q4 = vec![[0u8; 128]; if q4_1 { entries } else { 0 }];
        let mut q8 = vec![[0i8; 256]; if q4_1 { 0 } else { entries }];
        for (r, row) in rows.iter().enumerate() {
            let (g, k) = (r / GROUP, r % GROUP);
            for (b, block) in row.chunks_exact(block_bytes).enumerate() {
                let e = g * per_row + b;
                d[e][k] = u16::from_le_bytes([block[0], block[1]]);
                if q4_1 {
                    m[e][k] = u16::from_le_bytes([block[2], block[3]]);
                    // GGUF: value v < 16 is the low nibble of byte v, v >= 16 the high
                    // nibble of byte v - 16. Ours: see `Quants::Q4_1`.
                    let qs = &block[4..20];
                    let nibble = |v: usize| {
                        if v < 16 {
                            qs[v] & 0x0F
                        } else {
                            qs[v - 16] >> 4
                        }
                    };
                    for pair in 0..4 {
                        for c in 0..4 {
                            let (low, high) = (8 * pair + c, 8 * pair + 4 + c);
                            q4[e][pair * 32 + 4 * k + c] = nibble(low) | (nibble(high) << 4);
                        }
                    }
                } else {
                    let qs = &block[2..34];
                    for j in 0..8 {
                        for c in 0..4 {
                            q8[e][j * 32 + 4 * k + c] = qs[4 * j + c] as i8;
                        }
                    }
                }
            }
        }
        Some(Self {
            rows: rows.len(),
            cols,
            d,
            quants: if q4_1 {
                Quants::Q4_1 { m, qs: q4 }
            } else {
                Quants::Q8_0 { qs: q8 }
            },
        })
    }

    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// `x` is `[t, cols]` row-major; returns `[t, rows]` = `x * W^T`.
    pub(crate) fn matmul(&self, x: &[f32]) -> Vec<f32> {
        self.matmul_with(Kernel::best(), x)
    }

    /// [`Self::matmul`] on a given kernel, which must be available.
    pub(crate) fn matmul_with(&self, kernel: Kernel, x: &[f32]) -> Vec<f32> {
        let t = x.len() / self.cols;
        debug_assert_eq!(t * self.cols, x.len());
        let acts = quantize(x);
        let per_row = self.cols / BLOCK;
        let groups = self.rows.div_ceil(GROUP);
        let threads = rayon::current_num_threads().max(1);
        // Several chunks per thread so uneven threads even out; at least 2 groups each.
        let chunk_groups = groups.div_ceil(threads * 4).max(2);
        let chunks = groups.div_ceil(chunk_groups);
        let parts: Vec<Vec<f32>> = (0..chunks)
            .into_par_iter()
            .map(|c| {
                let (g0, g1) = (c * chunk_groups, ((c + 1) * chunk_groups).min(groups));
                let width = (g1 - g0) * GROUP;
                let mut out = vec![0f32; t * width];
                for g in g0..g1 {
                    let mut t0 = 0;
                    while t0 < t {
                        let n = (t - t0).min(TILE);
                        let tile = run_tile(kernel, self, g, per_row, &acts, t0, n);
                        for (i, lanes) in tile.iter().take(n).enumerate() {
                            let at = (t0 + i) * width + (g - g0) * GROUP;
                            out[at..at + GROUP].copy_from_slice(lanes);
                        }
                        t0 += n;
                    }
                }
                out
            })
            .collect();
        let mut y = vec![0f32; t * self.rows];
        let width = chunk_groups * GROUP;
        let merge = |(ti, out): (usize, &mut [f32])| {
            for (c, part) in parts.iter().enumerate() {
                let w = part.len() / t;
                let row0 = c * width;
                let real = w.min(self.rows - row0);
                out[row0..row0 + real].copy_from_slice(&part[ti * w..ti * w + real]);
            }
        };
        if t >= 16 {
            y.par_chunks_mut(self.rows.max(1))
                .enumerate()
                .for_each(merge);
        } else {
            y.chunks_mut(self.rows.max(1)).enumerate().for_each(merge);
        }
        y
    }
}

/// Quantizes `[t, cols]` activations per block of 32.
fn quantize(x: &[f32]) -> Acts {
    let n = x.len() / BLOCK;
    let block = |v: &[f32]| {
        #[cfg(target_arch = "x86_64")]
        if x86::has_avx2() {
            return x86::quantize_block(v);
        }
        quantize_block(v)
    };
    let blocks: Vec<(f32, i32, [i32; 8])> = if n >= 256 {
        x.par_chunks_exact(BLOCK).map(block).collect()
    } else {
        x.chunks_exact(BLOCK).map(block).collect()
    };
    let mut a = Acts {
        d: Vec::with_capacity(n),
        sum: Vec::with_capacity(n),
        isum: Vec::with_capacity(n),
        qs: Vec::with_capacity(n),
    };
    for (d, isum, words) in blocks {
        a.d.push(d);
        // The sum of the quantized values, not of the exact ones: then the block's product
        // is exactly that of the dequantized weights and activations, and the rounding of
        // the activations meets the weights `d * q + m` (mixed signs, errors cancel), not
        // the nonnegative `d * q` alone (measured: half the logit error on a tiny model).
        a.sum.push(d * isum as f32);
        a.isum.push(isum);
        a.qs.push(words);
    }
    a
}

/// One block: its scale, the integer sum of its values, the values as words.
#[inline(always)]
fn quantize_block(v: &[f32]) -> (f32, i32, [i32; 8]) {
    {
        let amax = v.iter().fold(0f32, |a, &x| a.max(x.abs()));
        let d = amax / 127.0;
        let inv = if d > 0.0 { 1.0 / d } else { 0.0 };
        let mut qs = [0i8; 32];
        for (q, &x) in qs.iter_mut().zip(v) {
            // Ties to even, as llama.cpp's SIMD quantizer (one instruction, unlike `round`).
            *q = (x * inv).round_ties_even() as i8;
        }
        let isum = qs.iter().map(|&q| q as i32).sum::<i32>();
        let words: [i32; 8] = std::array::from_fn(|j| {
            i32::from_le_bytes([
                qs[4 * j] as u8,
                qs[4 * j + 1] as u8,
                qs[4 * j + 2] as u8,
                qs[4 * j + 3] as u8,
            ])
        });
        (d, isum, words)
    }
}

/// Group `g`'s eight outputs for tokens `t0..t0 + n` (`n <= TILE`; rows past `n` unused).
fn run_tile(
    kernel: Kernel,
    w: &QuantMatrix,
    g: usize,
    per_row: usize,
    a: &Acts,
    t0: usize,
    n: usize,
) -> [[f32; GROUP]; TILE] {
    match kernel {
        Kernel::Scalar => scalar_tile(w, g, per_row, a, t0, n),
        #[cfg(target_arch = "x86_64")]
        Kernel::Avx2 | Kernel::Vnni => x86::tile(kernel, w, g, per_row, a, t0, n),
    }
}

/// The reference arithmetic: per block `d_w * d_x * sum(q_w * q_x)`, plus `m_w * sum_x`
/// for Q4_1.
fn scalar_tile(
    w: &QuantMatrix,
    g: usize,
    per_row: usize,
    a: &Acts,
    t0: usize,
    n: usize,
) -> [[f32; GROUP]; TILE] {
    let mut out = [[0f32; GROUP]; TILE];
    // The SIMD kernels' layout, in plain arrays (loops the compiler vectorizes): vector `j`
    // holds bytes `4j..4j+4` of each of the eight rows.
    let mut v = [[0i8; 32]; 8];
    for b in 0..per_row {
        let e = g * per_row + b;
        match &w.quants {
            Quants::Q4_1 { qs, .. } => {
                for i in 0..4 {
                    for p in 0..32 {
                        let byte = qs[e][i * 32 + p];
                        v[2 * i][p] = (byte & 0x0F) as i8;
                        v[2 * i + 1][p] = (byte >> 4) as i8;
                    }
                }
            }
            Quants::Q8_0 { qs } => {
                for (j, vj) in v.iter_mut().enumerate() {
                    vj.copy_from_slice(&qs[e][j * 32..(j + 1) * 32]);
                }
            }
        }
        let dw = w.d[e].map(f16);
        let mw = match &w.quants {
            Quants::Q4_1 { m, .. } => m[e].map(f16),
            Quants::Q8_0 { .. } => [0.0; GROUP],
        };
        for (i, lanes) in out.iter_mut().enumerate().take(n) {
            let ai = (t0 + i) * per_row + b;
            let mut acc = [0i32; 32];
            for (vj, word) in v.iter().zip(a.qs[ai]) {
                // The activation word's four bytes under each row's four.
                let x = word.to_le_bytes().map(|b| b as i8);
                for p in 0..32 {
                    acc[p] += vj[p] as i32 * x[p % 4] as i32;
                }
            }
            for (k, lane) in lanes.iter_mut().enumerate() {
                let s = acc[4 * k] + acc[4 * k + 1] + acc[4 * k + 2] + acc[4 * k + 3];
                *lane += dw[k] * a.d[ai] * s as f32 + mw[k] * a.sum[ai];
            }
        }
    }
    out
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod x86 {
    //! The SIMD tiles. Every function here is a safe `#[target_feature]` function; calling
    //! one from code compiled without those features is `unsafe`, and [`tile`] does so only
    //! after [`has_avx2`] / [`has_vnni`] said the CPU has them.

    use std::arch::x86_64::*;

    use super::{Acts, GROUP, Kernel, QuantMatrix, Quants, TILE};

    pub(super) fn has_avx2() -> bool {
        is_x86_feature_detected!("avx2")
            && is_x86_feature_detected!("fma")
            && is_x86_feature_detected!("f16c")
    }

    pub(super) fn has_vnni() -> bool {
        has_avx2()
            && is_x86_feature_detected!("avx512f")
            && is_x86_feature_detected!("avx512vl")
            && is_x86_feature_detected!("avx512vnni")
    }

    /// [`super::run_tile`] for the SIMD kernels; falls back to plain Rust should a kernel
    /// be asked for that this CPU lacks.
    pub(super) fn tile(
        kernel: Kernel,
        w: &QuantMatrix,
        g: usize,
        per_row: usize,
        a: &Acts,
        t0: usize,
        n: usize,
    ) -> [[f32; GROUP]; TILE] {
        macro_rules! by_width {
            ($f:ident) => {
                // SAFETY: the features `$f` is compiled with were detected on this CPU
                // (`Kernel::available` checks them, and the match arm below does again).
                match n {
                    1 => unsafe { $f::<1>(w, g, per_row, a, t0) },
                    2 => unsafe { $f::<2>(w, g, per_row, a, t0) },
                    3 => unsafe { $f::<3>(w, g, per_row, a, t0) },
                    _ => unsafe { $f::<4>(w, g, per_row, a, t0) },
                }
            };
        }
        match kernel {
            Kernel::Vnni if has_vnni() => by_width!(tile_vnni),
            Kernel::Avx2 | Kernel::Vnni if has_avx2() => by_width!(tile_avx2),
            _ => super::scalar_tile(w, g, per_row, a, t0, n),
        }
    }

    /// [`super::quantize_block`] compiled for AVX2 (rounding in one instruction).
    pub(super) fn quantize_block(v: &[f32]) -> (f32, i32, [i32; 8]) {
        #[target_feature(enable = "avx2,fma,f16c")]
        fn run(v: &[f32]) -> (f32, i32, [i32; 8]) {
            super::quantize_block(v)
        }
        // SAFETY: only called after `has_avx2()`.
        unsafe { run(v) }
    }

    /// Eight f16 scales to f32.
    #[target_feature(enable = "avx2,fma,f16c")]
    #[inline]
    fn scales(h: [u16; GROUP]) -> __m256 {
        _mm256_cvtph_ps(pulp::cast::<_, __m128i>(h))
    }

    /// Block column `e`'s eight vectors (vector `j`: bytes `4j..4j+4` of each row), as u8
    /// for Q4_1 (0..=15) and as i8 for Q8_0.
    #[target_feature(enable = "avx2,fma,f16c")]
    #[inline]
    fn unpack(w: &QuantMatrix, e: usize) -> [__m256i; 8] {
        match &w.quants {
            Quants::Q4_1 { qs, .. } => {
                let nibble = _mm256_set1_epi8(0x0F);
                let (p, _) = qs[e].as_chunks::<32>();
                let mut v = [_mm256_setzero_si256(); 8];
                for i in 0..4 {
                    let packed: __m256i = pulp::cast(p[i]);
                    v[2 * i] = _mm256_and_si256(packed, nibble);
                    v[2 * i + 1] = _mm256_and_si256(_mm256_srli_epi16::<4>(packed), nibble);
                }
                v
            }
            Quants::Q8_0 { qs } => {
                let (p, _) = qs[e].as_chunks::<32>();
                std::array::from_fn(|j| pulp::cast(p[j]))
            }
        }
    }

    /// Adds block `b`'s scaled sums (`s[i]`: eight rows' integer products with token
    /// `t0 + i`) into `acc`.
    #[target_feature(enable = "avx2,fma,f16c")]
    #[inline]
    fn accumulate<const T: usize>(
        w: &QuantMatrix,
        e: usize,
        a: &Acts,
        ai: impl Fn(usize) -> usize,
        s: [__m256i; T],
        acc: &mut [__m256; T],
    ) {
        let dw = scales(w.d[e]);
        let mw = match &w.quants {
            Quants::Q4_1 { m, .. } => Some(scales(m[e])),
            Quants::Q8_0 { .. } => None,
        };
        for i in 0..T {
            let k = ai(i);
            let scale = _mm256_mul_ps(dw, _mm256_set1_ps(a.d[k]));
            acc[i] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s[i]), scale, acc[i]);
            if let Some(mw) = mw {
                acc[i] = _mm256_fmadd_ps(mw, _mm256_set1_ps(a.sum[k]), acc[i]);
            }
        }
    }

    #[target_feature(enable = "avx2,fma,f16c")]
    fn tile_avx2<const T: usize>(
        w: &QuantMatrix,
        g: usize,
        per_row: usize,
        a: &Acts,
        t0: usize,
    ) -> [[f32; GROUP]; TILE] {
        let ones = _mm256_set1_epi16(1);
        let q8 = matches!(w.quants, Quants::Q8_0 { .. });
        let mut acc = [_mm256_setzero_ps(); T];
        for b in 0..per_row {
            let e = g * per_row + b;
            let v = unpack(w, e);
            // Q8_0: |q| as u8 against x carrying q's sign (pairs stay within i16).
            let abs: [__m256i; 8] = std::array::from_fn(|j| _mm256_sign_epi8(v[j], v[j]));
            let ai = |i: usize| (t0 + i) * per_row + b;
            let mut s = [_mm256_setzero_si256(); T];
            for (i, si) in s.iter_mut().enumerate() {
                let x = &a.qs[ai(i)];
                for j in 0..8 {
                    let xj = _mm256_set1_epi32(x[j]);
                    let pairs = if q8 {
                        _mm256_maddubs_epi16(abs[j], _mm256_sign_epi8(xj, v[j]))
                    } else {
                        // u8 (0..=15) x i8 pairs summed into i16 cannot overflow.
                        _mm256_maddubs_epi16(v[j], xj)
                    };
                    *si = _mm256_add_epi32(*si, _mm256_madd_epi16(pairs, ones));
                }
            }
            accumulate(w, e, a, ai, s, &mut acc);
        }
        lanes(acc)
    }

    #[target_feature(enable = "avx2,fma,f16c,avx512f,avx512vl,avx512vnni")]
    fn tile_vnni<const T: usize>(
        w: &QuantMatrix,
        g: usize,
        per_row: usize,
        a: &Acts,
        t0: usize,
    ) -> [[f32; GROUP]; TILE] {
        let q8 = matches!(w.quants, Quants::Q8_0 { .. });
        let flip = _mm256_set1_epi8(-128);
        let mut acc = [_mm256_setzero_ps(); T];
        for b in 0..per_row {
            let e = g * per_row + b;
            let mut v = unpack(w, e);
            if q8 {
                // vpdpbusd takes u8 x i8: q + 128 as u8, and 128 * sum(x) taken off below.
                for vj in &mut v {
                    *vj = _mm256_xor_si256(*vj, flip);
                }
            }
            let ai = |i: usize| (t0 + i) * per_row + b;
            let mut s = [_mm256_setzero_si256(); T];
            for (i, si) in s.iter_mut().enumerate() {
                let x = &a.qs[ai(i)];
                // Two chains, so consecutive vpdpbusd do not wait on each other.
                let mut even = _mm256_setzero_si256();
                let mut odd = _mm256_setzero_si256();
                for j in (0..8).step_by(2) {
                    even = _mm256_dpbusd_epi32(even, v[j], _mm256_set1_epi32(x[j]));
                    odd = _mm256_dpbusd_epi32(odd, v[j + 1], _mm256_set1_epi32(x[j + 1]));
                }
                *si = _mm256_add_epi32(even, odd);
                if q8 {
                    *si = _mm256_sub_epi32(*si, _mm256_set1_epi32(128 * a.isum[ai(i)]));
                }
            }
            accumulate(w, e, a, ai, s, &mut acc);
        }
        lanes(acc)
    }

    #[target_feature(enable = "avx2,fma,f16c")]
    #[inline]
    fn lanes<const T: usize>(acc: [__m256; T]) -> [[f32; GROUP]; TILE] {
        let mut out = [[0f32; GROUP]; TILE];
        for (o, v) in out.iter_mut().zip(acc) {
            *o = pulp::cast(v);
        }
        out
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
    fn products_match_the_dequantized_weights_for_any_number_of_tokens() {
        for kernel in Kernel::all().into_iter().filter(|k| k.available()) {
            for q4_1 in [true, false] {
                // 203 rows: the last group of eight is padded.
                let (rows, cols) = (203, 576);
                let (bytes, dense) = random(q4_1, rows, cols, 7);
                let w = matrix(q4_1, &bytes, rows, cols).unwrap();
                let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
                for t in [1, 2, 3, 4, 5, 9, 17] {
                    let x: Vec<f32> = (0..t * cols).map(|_| rng.random_range(-2.0..2.0)).collect();
                    let got = w.matmul_with(kernel, &x);
                    let want = reference(&dense, rows, cols, &x);
                    assert_eq!(got.len(), want.len());
                    let scale = want.iter().fold(0f32, |a, v| a.max(v.abs()));
                    for (g, e) in got.iter().zip(&want) {
                        // 8-bit activations: error well under 1% of the largest output.
                        assert!(
                            (g - e).abs() <= 0.01 * scale,
                            "{g} vs {e} (t = {t}, q4_1 {q4_1}, {kernel:?})"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_simd_kernels_compute_the_scalar_sums() {
        let kernels: Vec<Kernel> = Kernel::all()
            .into_iter()
            .filter(|k| k.available())
            .collect();
        println!("kernels on this CPU: {kernels:?}");
        for q4_1 in [true, false] {
            for cols in [32, 96, 576, 1536] {
                let rows = 24;
                let (bytes, _) = random(q4_1, rows, cols, 11);
                let w = matrix(q4_1, &bytes, rows, cols).unwrap();
                let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
                for t in 1..=6 {
                    let x: Vec<f32> = (0..t * cols).map(|_| rng.random_range(-3.0..3.0)).collect();
                    let want = w.matmul_with(Kernel::Scalar, &x);
                    for &k in &kernels {
                        for (i, (f, s)) in w.matmul_with(k, &x).iter().zip(&want).enumerate() {
                            assert!(
                                (f - s).abs() <= 1e-4 * s.abs().max(1.0),
                                "output {i} of {t} tokens x {cols} columns (q4_1 {q4_1}, \
                                 {k:?}): {f} vs {s}"
                            );
                        }
                    }
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
        // Neither part fills its last group of eight.
        let (a, _) = random(true, 3, 64, 1);
        let (b, _) = random(true, 13, 64, 2);
        let s = QuantMatrix::from_gguf(BlockFormat::Q4_1, &[(&a, 3), (&b, 13)], 64).unwrap();
        let a = QuantMatrix::from_q4_1_bytes(&a, 3, 64).unwrap();
        let b = QuantMatrix::from_q4_1_bytes(&b, 13, 64).unwrap();
        assert_eq!((s.rows(), s.cols), (16, 64));
        let x: Vec<f32> = (0..64).map(|i| (i as f32 * 0.37).sin()).collect();
        let mut want = a.matmul(&x);
        want.extend(b.matmul(&x));
        assert_eq!(s.matmul(&x), want);
        let (c, _) = random(false, 2, 64, 3);
        assert!(
            QuantMatrix::from_gguf(BlockFormat::Q4_1, &[(&c, 2)], 64).is_none(),
            "Q8_0 bytes are not Q4_1 rows"
        );
    }
}
