//! No plaintext content on disk during or after a session, and none in the logs.
use crate::common;

use samtal_core::recorder::Recorder;
use samtal_store::Action;
use samtal_store::{ConsentDecision, InformedBy};

const LINES: &[&str] = &[
    "Bertil Karlsson berättar att han har svårt att sova",
    "personnummer 19121212-1212 och hyran är obetald",
    "hemtjänsten kommer två gånger om dagen",
];

fn needles(audio: &[f32]) -> Vec<Vec<u8>> {
    let mut n: Vec<Vec<u8>> = LINES.iter().map(|l| l.as_bytes().to_vec()).collect();
    n.extend(["Karlsson", "19121212-1212", "hemtjänsten"].map(|s| s.as_bytes().to_vec()));
    for c in audio.chunks(common::SECOND) {
        n.extend(common::audio_needles(c));
    }
    n
}

#[test]
fn no_plaintext_on_disk_or_in_logs_during_and_after_a_session() {
    let logs = common::logs();
    let dir = tempfile::tempdir().unwrap();
    let audio = common::tone(0, common::SECOND * 5);
    let needles = needles(&audio);
    {
        let (store, _v, _c) = common::open_store(dir.path());
        let id = store.create_session().unwrap();
        store
            .record_consent(
                &id,
                ConsentDecision::Given,
                InformedBy::Verbal,
                "sv",
                "worker-1",
            )
            .unwrap();
        let f = common::ScriptedFactory::new(LINES);
        let mut rec = Recorder::start(store.clone(), id.clone(), &f, 8000).unwrap();
        for (i, part) in audio.chunks(1600).enumerate() {
            rec.push(part).unwrap();
            if i % 5 != 4 {
                continue;
            }
            let found = common::files_containing(dir.path(), &needles);
            assert!(found.is_empty(), "plaintext during recording in {found:?}");
        }
        rec.stop().unwrap();
        let t = store.segments(&id).unwrap();
        assert!(
            t.iter().any(|s| s.text.contains("Karlsson")),
            "the transcript itself is intact"
        );
        store.save_draft(&id, &LINES).unwrap();
        store.transition(&id, Action::Draft).unwrap();
        store.save_note(&id, &t).unwrap();
        let found = common::files_containing(dir.path(), &needles);
        assert!(found.is_empty(), "plaintext after the session in {found:?}");
        // Errors do not quote content either.
        let err = store.load_draft::<Vec<u32>>(&id).unwrap_err().to_string();
        assert!(!err.contains("Karlsson"), "{err}");
        drop(store);
    }
    let found = common::files_containing(dir.path(), &needles);
    assert!(found.is_empty(), "plaintext after closing in {found:?}");
    let logs = logs.text();
    assert!(logs.contains("session state changed"), "logs were captured");
    for n in ["Karlsson", "19121212", "hyran", "hemtjänsten", "sova"] {
        assert!(!logs.contains(n), "log contains content: {n}");
    }
}
