//! Helpers shared by the tests that check our tokenizers against llama.cpp's fixtures.

use embodia_llm::GgufTokenizer;
use serde_json::Value;

/// A JSON file from `tests/fixtures`.
pub fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every case of a token fixture (made by `fixtures/make_tokenizer_fixtures.py`) encodes to
/// llama.cpp's ids, and text without control tokens decodes back; `what` names the tokenizer.
pub fn assert_token_fixture(tok: &GgufTokenizer, fixture_name: &str, what: &str) {
    let cases = fixture(fixture_name);
    let cases = cases["cases"].as_array().unwrap();
    assert!(cases.len() >= 20);
    for case in cases {
        let text = case["text"].as_str().unwrap();
        let want: Vec<u32> = case["ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u32)
            .collect();
        assert_eq!(tok.encode(text), want, "{what}: text {text:?}");
        if !text.contains("<|") {
            assert_eq!(tok.decode(&want), text, "{what}: round trip of {text:?}");
        }
    }
}
