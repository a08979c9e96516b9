//! Every stored fuzz input — the seeds and each input that once made a target fail
//! (fuzz/regressions/<target>/) — replayed through the targets' own code (fuzz/harness.rs),
//! so `make test` keeps them fixed without nightly or libFuzzer.

#[path = "../../fuzz/harness.rs"]
mod harness;

use std::path::Path;

#[test]
fn stored_fuzz_inputs_run_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut replayed = 0;
    for (name, target) in harness::TARGETS {
        for kind in ["seeds", "regressions"] {
            let Ok(entries) = std::fs::read_dir(root.join(kind).join(name)) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                let data = std::fs::read(&path).unwrap();
                let outcome = std::panic::catch_unwind(|| target(&data));
                assert!(outcome.is_ok(), "{name}: {} fails", path.display());
                replayed += 1;
            }
        }
    }
    assert!(
        replayed >= harness::TARGETS.len(),
        "only {replayed} inputs found"
    );
}
