//! The embedder against an independent NumPy forward pass of the same weights
//! (`fixtures/make_embedding_fixtures.py`): cosine within 1e-3 of 1 for every sentence, in
//! a padded batch and alone. Fetches the pinned model on first use.

use std::sync::{Arc, OnceLock};

use embodia_memory::{EMBEDDING_DIM, Embedder};

fn embedder() -> &'static Embedder {
    static E: OnceLock<Embedder> = OnceLock::new();
    E.get_or_init(|| Embedder::fetch_default().unwrap_or_else(|e| panic!("{e}")))
}

fn reference() -> Vec<(String, Vec<f32>)> {
    let text = include_str!("fixtures/minilm_reference.json");
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let e = r["embedding"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap() as f32)
                .collect();
            (r["text"].as_str().unwrap().to_owned(), e)
        })
        .collect()
}

fn cos(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let n = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (n(a) * n(b))
}

#[test]
fn batched_embeddings_match_the_numpy_reference() {
    let refs = reference();
    let texts: Vec<&str> = refs.iter().map(|(t, _)| t.as_str()).collect();
    let got = embedder().embed(&texts).unwrap();
    for ((text, want), got) in refs.iter().zip(&got) {
        assert_eq!(got.len(), EMBEDDING_DIM);
        let c = cos(got, want);
        assert!(c > 1.0 - 1e-3, "{text:?}: cosine {c} with the reference");
        let norm = got.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4);
    }
}

#[test]
fn single_embeddings_match_the_reference_too() {
    for (text, want) in reference().iter().take(4) {
        let got = embedder().embed_one(text).unwrap();
        assert!(cos(&got, want) > 1.0 - 1e-3, "{text:?}");
    }
}

#[test]
fn identical_texts_are_embedded_once() {
    let e = embedder();
    let a = e
        .embed(&[
            "a unique sentence about a teapot",
            "a unique sentence about a teapot",
        ])
        .unwrap();
    let b = e.embed_one("a unique sentence about a teapot").unwrap();
    assert!(Arc::ptr_eq(&a[0], &a[1]) && Arc::ptr_eq(&a[0], &b));
}

#[test]
fn related_sentences_are_closer_than_unrelated_ones() {
    let v = embedder()
        .embed(&[
            "red cup on the table",
            "a crimson mug on a desk",
            "the robot battery is low",
        ])
        .unwrap();
    assert!(cos(&v[0], &v[1]) > cos(&v[0], &v[2]) + 0.2);
}

#[test]
fn words_and_compounds_read_as_words_and_slips_do_not() {
    let e = embedder();
    for w in ["cup", "teapot", "sacks", "potholders", "Suitcase"] {
        assert!(e.is_word_like(w), "{w}");
    }
    for w in ["sarcofagus", "xqzvbn", "qwrtp", "c4t", ""] {
        assert!(!e.is_word_like(w), "{w}");
    }
}
