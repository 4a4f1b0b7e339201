//! Tokenizers of other model families rebuilt from their GGUF metadata: Qwen2 (`pre=qwen2`),
//! Llama 3 (`pre=llama-bpe`), and the SentencePiece vocabularies of Phi-3 and Llama 2, from the
//! vocabulary-only GGUFs llama.cpp ships for its own tests (fetched from the
//! `llama-cpp-python==0.3.36` sdist on first use). Ids must equal llama.cpp's on the same 22
//! texts as SmolLM2's fixtures (`fixtures/make_tokenizer_fixtures.py` made the files), and for
//! Phi-3 also on llama.cpp's own 46 test texts.

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

#[test]
fn phi3_token_ids_equal_llama_cpps() {
    check("ggml-vocab-phi-3.gguf", "phi3_tokens.json");
}

#[test]
fn llama2_sentencepiece_token_ids_equal_llama_cpps() {
    check("ggml-vocab-llama-spm.gguf", "llama_spm_tokens.json");
}

#[test]
fn phi3_passes_llama_cpps_own_tokenizer_test() {
    let dir = embodia_models::LLAMA_CPP_VOCABS
        .ensure(&embodia_models::home())
        .expect("fetch llama.cpp's vocabulary GGUFs (llama-cpp-python 0.3.36 sdist)");
    let tok = GgufTokenizer::open(&dir.join("ggml-vocab-phi-3.gguf")).unwrap();
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    // The format of llama.cpp's tests/test-tokenizer-0: texts split by a marker line, one
    // line of ids per text.
    let inputs = read("ggml-vocab-phi-3.gguf.inp");
    // Each text is followed by the marker, the last one too.
    let texts: Vec<&str> = inputs
        .strip_suffix("\n__ggml_vocab_test__\n")
        .unwrap_or(&inputs)
        .split("\n__ggml_vocab_test__\n")
        .collect();
    let outputs = read("ggml-vocab-phi-3.gguf.out");
    let expected: Vec<Vec<u32>> = outputs
        .lines()
        .map(|l| l.split_whitespace().map(|n| n.parse().unwrap()).collect())
        .collect();
    assert_eq!(texts.len(), expected.len());
    assert!(texts.len() >= 40);
    for (text, want) in texts.iter().zip(&expected) {
        assert_eq!(&tok.encode(text), want, "text {text:?}");
    }
}
