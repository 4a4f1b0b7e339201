//! Prefill and decode speed of the default model, as llama.cpp's own bench measures them:
//! the same 37-token chat prompt, then 64 greedy tokens one forward pass at a time.
//! `cargo bench -p embodia-llm --bench llm_speed [-- sizes]` (`sizes`: also one pass of 1 to 275
//! tokens); `scripts/bench-llm.sh` runs llama.cpp
//! (llama-cpp-python) on the same GGUF and thread count beside it.

use std::time::Instant;

use embodia_llm::{ChatMessage, KvCache, Llm, LoadOptions, Logits};

fn argmax(v: &[f32]) -> u32 {
    v.iter()
        .enumerate()
        .fold((0, f32::MIN), |b, (i, &x)| if x > b.1 { (i, x) } else { b })
        .0 as u32
}

fn main() {
    let path = std::env::args()
        .skip(1)
        .find(|a| a.ends_with(".gguf"))
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            embodia_models::SMOLLM2
                .ensure(&embodia_models::home())
                .expect("fetch the model")
                .join(embodia_models::SMOLLM2_GGUF)
        });
    let t = Instant::now();
    let llm = Llm::load(&path, LoadOptions::default()).expect("load");
    let load_s = t.elapsed().as_secs_f64();
    let prompt = llm
        .chat_prompt(
            &[
                ChatMessage::new(
                    "system",
                    "You are a helpful AI assistant named SmolLM, trained by Hugging Face",
                ),
                ChatMessage::new("user", "What is the capital of France?"),
            ],
            true,
        )
        .unwrap();
    let ids = llm.tokenizer().encode(&prompt);
    let mut prefill = Vec::new();
    let mut last = Vec::new();
    for _ in 0..5 {
        let mut cache = KvCache::default();
        let t = Instant::now();
        last = llm
            .decoder()
            .forward(&ids, &mut cache, Logits::Last)
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        prefill.push(t.elapsed().as_secs_f64());
    }
    let mut cache = KvCache::default();
    llm.decoder()
        .forward(&ids, &mut cache, Logits::Last)
        .unwrap();
    let mut next = argmax(&last);
    let steps = 64;
    let t = Instant::now();
    for _ in 0..steps {
        let l = llm
            .decoder()
            .forward(&[next], &mut cache, Logits::Last)
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        next = argmax(&l);
    }
    let decode_s = t.elapsed().as_secs_f64();
    let best = prefill.iter().copied().fold(f64::MAX, f64::min);
    let threads = candle_core::utils::get_num_threads();
    println!(
        "| engine | threads | load s | prompt tokens | prefill tok/s (best of 5) | decode tok/s ({steps} tokens) |"
    );
    println!("|---|---|---|---|---|---|");
    println!(
        "| embodia (own Q4_1/Q8_0 kernel: 8 rows interleaved, VNNI or AVX2; own attention; candle 0.11 for the rest) | {threads} | {load_s:.2} | {} | {:.0} | {:.0} |",
        ids.len(),
        ids.len() as f64 / best,
        steps as f64 / decode_s
    );
    if std::env::args().any(|a| a == "sizes") {
        sizes(&llm);
    }
}

/// One forward pass of n tokens after 200 cached positions: what a beam step (a few
/// tokens), a retrieved-examples prompt (~275) and everything between cost.
fn sizes(llm: &Llm) {
    let context: Vec<u32> = (0..200u32).map(|i| 100 + i * 7).collect();
    let mut base = KvCache::default();
    llm.decoder()
        .forward(&context, &mut base, Logits::Last)
        .unwrap();
    println!("\n| tokens in one pass (200 cached) | ms (best of 5) | tok/s |");
    println!("|---|---|---|");
    for n in [1usize, 2, 4, 8, 16, 32, 64, 128, 275] {
        let tokens: Vec<u32> = (0..n as u32).map(|i| 300 + i * 3).collect();
        let mut best = f64::MAX;
        for _ in 0..5 {
            let mut cache = base.clone();
            let t = Instant::now();
            llm.decoder()
                .forward(&tokens, &mut cache, Logits::Last)
                .unwrap();
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!("| {n} | {:.1} | {:.0} |", best * 1e3, n as f64 / best);
    }
}
