//! The drafter on the development evaluation set (`../shared/eval/dev` next to the
//! repository), when it is present: it is not part of the repository, so the test prints
//! a note and passes when the set is absent.
use samtal_core::draft::eval::{run_set, summarize};
use samtal_core::template::Templates;
use std::path::PathBuf;

#[test]
fn dev_set_meets_the_quality_bar() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/eval/dev");
    if !dir.is_dir() {
        eprintln!("skipping: evaluation set {} not present", dir.display());
        return;
    }
    let results = run_set(&dir, &Templates::builtin()).unwrap();
    let scores: Vec<_> = results.into_iter().map(|(s, _)| s).collect();
    for s in &scores {
        eprintln!(
            "{}: recall {}/{} missed {:?} violations {:?}",
            s.id, s.recalled, s.facts, s.missed, s.violations
        );
    }
    let sum = summarize(&scores);
    eprintln!("{sum:?}");
    assert!(sum.fact_recall >= 0.85, "fact recall {}", sum.fact_recall);
    assert!(
        sum.section_accuracy >= 0.85,
        "section accuracy {}",
        sum.section_accuracy
    );
    assert_eq!(sum.violations, 0);
    assert_eq!(sum.citation_validity, 1.0);
    assert_eq!(sum.invented_decisions, 0);
}
