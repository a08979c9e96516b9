//! The embedder on the real Gemma 3 270M file (tests marked `ignore` need it installed:
//! `make embed-eval` fetches it and runs them) and on broken files (always).
use samtal_embed::{EmbedError, Embedder};
use samtal_models::ModelError;

fn installed(layers: Option<usize>) -> Embedder {
    Embedder::installed(layers).expect("gemma3-270m installed (samtal models fetch gemma3-270m)")
}

const TEXTS: [&str; 4] = [
    "Hon säger att hyran på 7 500 kronor är för hög och att hon inte sover på nätterna.",
    "Borgeren fortæller, at han får ondt i ryggen, når han går på trapper, og at hans søster hjælper.",
    "She says the rent is too high and she can't sleep at night.",
    "Åsa, Ørjan och Æbelø: ÄÖÅ æøå – 19121212-1212.",
];

#[test]
#[ignore = "needs gemma3-270m: make embed-eval"]
fn the_tokenizer_round_trips_swedish_danish_and_english() {
    let e = installed(Some(1));
    for text in TEXTS {
        let ids = e.tokenizer().encode(text);
        assert!(!ids.is_empty());
        assert_eq!(e.tokenizer().decode(&ids), text);
    }
    // Whole words of the vocabulary stay whole: "kronor" is not spelled letter by letter.
    let ids = e.tokenizer().encode("tusen kronor");
    assert!(ids.len() <= 4, "{} tokens", ids.len());
}

#[test]
#[ignore = "needs gemma3-270m: make embed-eval"]
fn pooled_vectors_have_the_model_width_per_layer_and_are_deterministic() {
    let e = installed(Some(6));
    assert_eq!(e.layers(), 6);
    assert_eq!(e.width(), 640);
    let a = e.embed(TEXTS[0]).unwrap();
    assert_eq!(a.layers.len(), 6);
    assert!(a
        .layers
        .iter()
        .all(|v| v.len() == 640 && v.iter().all(|x| x.is_finite())));
    assert_eq!(a.tokens, e.tokenizer().encode(TEXTS[0]).len());
    assert_eq!(e.embed(TEXTS[0]).unwrap(), a);
    // Running fewer layers gives the same states for those layers.
    let short = installed(Some(2)).embed(TEXTS[0]).unwrap();
    assert_eq!(short.layers[..], a.layers[..2]);
    // Different sentences, different vectors.
    assert_ne!(e.embed(TEXTS[2]).unwrap().layers[5], a.layers[5]);
}

#[test]
#[ignore = "needs gemma3-270m: make embed-eval"]
fn a_layer_count_beyond_the_model_is_refused() {
    let err = Embedder::installed(Some(19)).err().expect("refused");
    assert!(
        matches!(
            err,
            EmbedError::Layers {
                asked: 19,
                blocks: 18
            }
        ),
        "{err}"
    );
}

#[test]
fn a_missing_or_truncated_model_file_is_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("gemma.gguf");
    let err = Embedder::open(&missing, None).err().expect("refused");
    assert!(matches!(err, EmbedError::Io { .. }), "{err}");
    assert!(err.to_string().contains("gemma.gguf"));

    std::fs::write(&missing, b"GGUF\x03\0\0\0 not a whole model").unwrap();
    let err = Embedder::open(&missing, None).err().expect("refused");
    assert!(
        matches!(err, EmbedError::Model(ModelError::Size { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("fetch again"), "{err}");
}
