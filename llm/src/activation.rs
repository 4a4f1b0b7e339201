//! SiLU-and-multiply (the gated feed-forward's activation) on plain vectors, and the
//! vectorized `exp` it and the attention's softmax share.

/// `silu(gate) * up` for each row of `gate_up` (`[t, 2 * ff]`: the gate then the up part).
pub(crate) fn silu_gate(gate_up: &[f32], ff: usize) -> Vec<f32> {
    let rows = gate_up.len() / (2 * ff).max(1);
    let mut out = vec![0f32; rows * ff];
    for (row, o) in gate_up.chunks_exact(2 * ff).zip(out.chunks_exact_mut(ff)) {
        let (gate, up) = row.split_at(ff);
        #[cfg(target_arch = "x86_64")]
        if x86::has_avx2() {
            x86::silu_gate_row(gate, up, o);
            continue;
        }
        for ((o, &g), &u) in o.iter_mut().zip(gate).zip(up) {
            *o = g / (1.0 + (-g).exp()) * u;
        }
    }
    out
}

#[cfg(target_arch = "x86_64")]
pub(crate) use x86::exp8;

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod x86 {
    use std::arch::x86_64::*;

    pub(super) fn has_avx2() -> bool {
        is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")
    }

    /// [`super::silu_gate`] for one row, eight values at a time.
    pub(super) fn silu_gate_row(gate: &[f32], up: &[f32], out: &mut [f32]) {
        #[target_feature(enable = "avx2,fma")]
        fn run(gate: &[f32], up: &[f32], out: &mut [f32]) {
            let (g8, g_rest) = gate.as_chunks::<8>();
            let (u8s, u_rest) = up.as_chunks::<8>();
            let (o8, o_rest) = out.as_chunks_mut::<8>();
            let one = _mm256_set1_ps(1.0);
            for ((o, g), u) in o8.iter_mut().zip(g8).zip(u8s) {
                let g: __m256 = pulp::cast(*g);
                let e = exp8(_mm256_sub_ps(_mm256_setzero_ps(), g));
                let silu = _mm256_div_ps(g, _mm256_add_ps(one, e));
                *o = pulp::cast(_mm256_mul_ps(silu, pulp::cast::<_, __m256>(*u)));
            }
            for ((o, &g), &u) in o_rest.iter_mut().zip(g_rest).zip(u_rest) {
                *o = g / (1.0 + (-g).exp()) * u;
            }
        }
        // SAFETY: only called after `has_avx2()`.
        unsafe { run(gate, up, out) }
    }

    /// `e^x` of eight lanes: Cephes' `expf` (range reduction by ln 2 in two parts, a
    /// degree-5 polynomial, the exponent put in by integer add; relative error about 1e-7).
    #[target_feature(enable = "avx2,fma")]
    pub(crate) fn exp8(x: __m256) -> __m256 {
        let x = _mm256_max_ps(
            _mm256_min_ps(x, _mm256_set1_ps(88.376_26)),
            _mm256_set1_ps(-88.376_26),
        );
        let fx = _mm256_floor_ps(_mm256_fmadd_ps(
            x,
            _mm256_set1_ps(std::f32::consts::LOG2_E),
            _mm256_set1_ps(0.5),
        ));
        let x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693_359_4), x);
        let x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.121_944_4e-4), x);
        let mut y = _mm256_set1_ps(1.987_569_1e-4);
        for c in [
            1.398_199_9e-3,
            8.333_452e-3,
            4.166_579_6e-2,
            0.166_666_65,
            0.5,
        ] {
            y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(c));
        }
        y = _mm256_fmadd_ps(y, _mm256_mul_ps(x, x), x);
        y = _mm256_add_ps(y, _mm256_set1_ps(1.0));
        let n = _mm256_slli_epi32::<23>(_mm256_add_epi32(
            _mm256_cvttps_epi32(fx),
            _mm256_set1_epi32(127),
        ));
        _mm256_mul_ps(y, _mm256_castsi256_ps(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silu_gate_is_silu_of_the_gate_times_the_up_part() {
        let ff = 21;
        let gate_up: Vec<f32> = (0..3 * 2 * ff)
            .map(|i| (i as f32 * 0.61).sin() * 9.0)
            .collect();
        let got = silu_gate(&gate_up, ff);
        assert_eq!(got.len(), 3 * ff);
        for t in 0..3 {
            for i in 0..ff {
                let g = gate_up[t * 2 * ff + i] as f64;
                let u = gate_up[t * 2 * ff + ff + i] as f64;
                let want = g / (1.0 + (-g).exp()) * u;
                let have = got[t * ff + i] as f64;
                assert!(
                    (have - want).abs() <= 1e-6 * want.abs().max(1.0),
                    "{have} vs {want}"
                );
            }
        }
    }
}
