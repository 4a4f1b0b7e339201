//! `cargo run -p embodia-llm --example generate -- MODEL.gguf "question" [lark-grammar-file]`
use std::path::PathBuf;

use embodia_llm::{ChatMessage, Decoding, GrammarSpec, Llm, LoadOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let path = PathBuf::from(&args[1]);
    let prefill = match std::env::var("PREFILL").as_deref() {
        Ok("f16") => Some(embodia_llm::PrefillWeights::F16),
        Ok("none") => Some(embodia_llm::PrefillWeights::None),
        Ok("f32") => Some(embodia_llm::PrefillWeights::F32),
        _ => None,
    };
    let llm = Llm::load(
        &path,
        LoadOptions {
            prefill,
            ..LoadOptions::default()
        },
    )?;
    eprintln!(
        "loaded in {:.2} s: {:?}",
        llm.timings().load_s,
        llm.decoder().config()
    );
    let prompt = llm.chat_prompt(
        &[
            ChatMessage::new(
                "system",
                "You are a helpful AI assistant named SmolLM, trained by Hugging Face",
            ),
            ChatMessage::new(
                "user",
                args.get(2)
                    .cloned()
                    .unwrap_or("What is the capital of France?".into()),
            ),
        ],
        true,
    )?;
    let grammar = match args.get(3) {
        Some(f) => GrammarSpec::Lark(std::fs::read_to_string(f)?),
        None => GrammarSpec::Unconstrained,
    };
    let g = llm.generate(&prompt, None, &grammar, Decoding::Greedy, 64, &|| false)?;
    println!("{}", g.text);
    eprintln!(
        "prefill {} tok in {:.3} s ({:.1} tok/s); decode {} steps in {:.3} s ({:.1} tok/s), forced {}",
        g.prefill_tokens,
        g.prefill_s,
        g.prefill_tokens as f64 / g.prefill_s,
        g.decode_steps,
        g.decode_s,
        g.decode_steps as f64 / g.decode_s,
        g.forced_tokens
    );
    Ok(())
}
