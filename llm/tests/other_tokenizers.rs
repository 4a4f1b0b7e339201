//! Tokenizers of other model families rebuilt from their GGUF metadata: Qwen2 (`pre=qwen2`)
//! and Llama 3 (`pre=llama-bpe`), from the vocabulary-only GGUFs llama.cpp ships for its own
//! tests (fetched from the `llama-cpp-python==0.3.36` sdist on first use). Ids must equal
//! llama.cpp's on the same 22 texts as SmolLM2's fixtures (`fixtures/make_tokenizer_fixtures.py`
//! made both files).

use embodia_llm::GgufTokenizer;

mod common;

fn check(vocab: &str, fixture_name: &str) {
    let dir = embodia_models::LLAMA_CPP_VOCABS
        .ensure(&embodia_models::home())
        .expect("fetch llama.cpp's vocabulary GGUFs (llama-cpp-python 0.3.36 sdist)");
    let tok = GgufTokenizer::open(&dir.join(vocab)).unwrap_or_else(|e| panic!("{vocab}: {e}"));
    common::assert_token_fixture(&tok, fixture_name, vocab);
}

#[test]
fn qwen2_token_ids_equal_llama_cpps() {
    check("ggml-vocab-qwen2.gguf", "qwen2_tokens.json");
}

#[test]
fn llama3_token_ids_equal_llama_cpps() {
    check("ggml-vocab-llama-bpe.gguf", "llama_bpe_tokens.json");
}
