//! The encrypted spool: chunks of at most a second, shredded as soon as they are
//! transcribed, nothing left at the end, and a crash recovered without losing sealed audio.
use crate::common;

use samtal_core::recorder::{RecordError, Recorder};
use samtal_store::spool;
use samtal_store::SessionState;
use samtal_store::{ConsentDecision, InformedBy, SessionId, Store, StoreError};

fn consented(store: &Store) -> SessionId {
    let id = store.create_session().unwrap();
    store
        .record_consent(
            &id,
            ConsentDecision::Given,
            InformedBy::Verbal,
            "en",
            "worker-1",
        )
        .unwrap();
    id
}

fn spool_files(store: &Store, id: &SessionId) -> usize {
    common::files_under(&store.spool_dir().join(id.as_str())).len()
}

#[test]
fn chunks_are_short_encrypted_and_shredded_once_transcribed() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _v, _c) = common::open_store(dir.path());
    let id = consented(&store);
    let mut f = common::ScriptedFactory::new(&["one", "two", "three"]);
    f.lag = 1.5;
    let mut rec = Recorder::start(store.clone(), id.clone(), &f, 8000).unwrap();
    let audio = common::tone(0, common::SECOND * 4 + 3000);
    // Feed in odd-sized buffers as a microphone would.
    for part in audio.chunks(1234) {
        rec.push(part).unwrap();
        for c in spool::chunks(&store, &id).unwrap() {
            assert!(c.n_samples as usize <= spool::MAX_CHUNK_SAMPLES);
        }
        // Every chunk still on disk ends after what the transcriber has finished.
        let info = store.session(&id).unwrap();
        for c in spool::chunks(&store, &id).unwrap() {
            assert!(c.end_sample() as f64 / common::SECOND as f64 > info.transcribed_until);
        }
        assert_eq!(
            spool::chunks(&store, &id).unwrap().len(),
            spool_files(&store, &id)
        );
    }
    let info = store.session(&id).unwrap();
    assert_eq!(
        info.captured_seconds, 4.0,
        "whole 0.5 s chunks sealed so far"
    );
    assert!(
        info.transcribed_until >= 2.0 && info.spool_chunks <= 4,
        "{info:?}"
    );
    // Sealed audio decrypts back exactly; files hold no plain samples.
    let first = spool::chunks(&store, &id).unwrap()[0];
    let back = spool::open(&store, &id, &first).unwrap();
    let start = first.start_sample as usize;
    assert_eq!(back, audio[start..start + first.n_samples as usize]);
    assert!(
        common::files_containing(dir.path(), &common::audio_needles(&audio[start..])).is_empty()
    );

    rec.stop().unwrap();
    let info = store.session(&id).unwrap();
    assert_eq!(info.state, SessionState::Transcribed);
    assert_eq!(info.spool_chunks, 0);
    assert!(
        !store.spool_dir().join(id.as_str()).exists(),
        "no audio remains"
    );
    assert!((info.captured_seconds - audio.len() as f64 / common::SECOND as f64).abs() < 1e-9);
    let t = store.segments(&id).unwrap();
    let ids: Vec<u32> = t.iter().map(|s| s.id).collect();
    assert_eq!(ids, (1..=5).collect::<Vec<_>>());
    // The transcriber received exactly the recorded audio.
    assert_eq!(*f.pushed.lock().unwrap(), audio);
}

#[test]
fn pause_and_resume_keep_one_recording() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _v, _c) = common::open_store(dir.path());
    let id = consented(&store);
    let f = common::ScriptedFactory::new(&["a"]);
    let mut rec = Recorder::start(store.clone(), id.clone(), &f, common::SECOND).unwrap();
    rec.push(&common::tone(0, 10_000)).unwrap();
    rec.pause().unwrap();
    assert_eq!(store.session_state(&id).unwrap(), SessionState::Paused);
    assert_eq!(
        store.session(&id).unwrap().captured_seconds,
        10_000.0 / common::SECOND as f64
    );
    assert!(matches!(
        rec.push(&[0.1; 10]),
        Err(RecordError::Store(StoreError::NotRecording { .. }))
    ));
    rec.resume().unwrap();
    rec.push(&common::tone(10_000, 30_000)).unwrap();
    rec.stop().unwrap();
    assert_eq!(f.pushed.lock().unwrap().len(), 40_000);
    assert!(
        Recorder::start(store.clone(), id, &f, common::SECOND).is_err(),
        "cannot record twice"
    );
    assert!(Recorder::start(store, consented_dummy(), &f, 16_001).is_err());
}

fn consented_dummy() -> SessionId {
    "0123456789abcdef0123456789abcdef".parse().unwrap()
}

#[test]
fn a_crash_is_recovered_and_sealed_audio_is_not_lost() {
    let dir = tempfile::tempdir().unwrap();
    let (store, vault, clock) = common::open_store(dir.path());
    let id = consented(&store);
    let mut f = common::ScriptedFactory::new(&["before", "after"]);
    f.lag = 2.0;
    let audio = common::tone(0, common::SECOND * 6);
    let mut rec = Recorder::start(store.clone(), id.clone(), &f, 8000).unwrap();
    rec.push(&audio[..common::SECOND * 5 + 4000]).unwrap();
    // Crash: nothing is flushed or stopped; the unsealed 0.25 s is lost.
    drop(rec);
    let before = store.session(&id).unwrap();
    assert_eq!(before.captured_seconds, 5.0);
    drop(store);
    // Leftovers of a write that never got its key, and a torn chunk file.
    let sdir = dir.path().join("spool").join(id.as_str());
    std::fs::write(sdir.join("0000000099.tmp"), b"partial").unwrap();

    let store = std::sync::Arc::new(
        Store::open_with_clock(dir.path(), vault.as_ref(), clock.clone()).unwrap(),
    );
    assert_eq!(store.session_state(&id).unwrap(), SessionState::Recording);
    let f2 = common::ScriptedFactory::new(&["recovered"]);
    let mut rec = Recorder::recover(store.clone(), id.clone(), &f2, 8000).unwrap();
    assert_eq!(store.session_state(&id).unwrap(), SessionState::Paused);
    assert!(!sdir.join("0000000099.tmp").exists());
    // The spool held everything after what was already transcribed.
    let transcribed = before.transcribed_until;
    let refed = f2.pushed.lock().unwrap().clone();
    let from = (transcribed * common::SECOND as f64) as usize;
    assert_eq!(refed, audio[from..common::SECOND * 5]);
    // Resume and finish.
    rec.resume().unwrap();
    rec.push(&audio[common::SECOND * 5..]).unwrap();
    rec.stop().unwrap();
    let info = store.session(&id).unwrap();
    assert_eq!(info.state, SessionState::Transcribed);
    assert_eq!(info.captured_seconds, 6.0);
    assert!(!sdir.exists());
    let t = store.segments(&id).unwrap();
    let ids: Vec<u32> = t.iter().map(|s| s.id).collect();
    assert_eq!(ids, (1..=ids.len() as u32).collect::<Vec<_>>());
    assert!(
        t.windows(2).all(|w| w[0].end <= w[1].start + 1e-9),
        "no overlap"
    );
    assert!((t.last().unwrap().end - 6.0).abs() < 1e-9);
    assert!(store.verify_audit().is_ok());
}

#[test]
fn a_damaged_chunk_is_reported_and_dropped_on_recovery() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _v, _c) = common::open_store(dir.path());
    let id = consented(&store);
    let mut f = common::ScriptedFactory::new(&["x"]);
    f.lag = 10.0;
    let mut rec = Recorder::start(store.clone(), id.clone(), &f, 8000).unwrap();
    rec.push(&common::tone(0, common::SECOND * 2)).unwrap();
    drop(rec);
    let chunks = spool::chunks(&store, &id).unwrap();
    assert_eq!(chunks.len(), 4);
    let path = store
        .spool_dir()
        .join(id.as_str())
        .join(format!("{:010}.chunk", chunks[3].seq));
    let mut data = std::fs::read(&path).unwrap();
    data[40] ^= 1;
    std::fs::write(&path, &data).unwrap();
    assert!(matches!(
        spool::open(&store, &id, &chunks[3]),
        Err(StoreError::ChunkCorrupt { .. })
    ));
    let report = spool::recover(&store, &id).unwrap();
    assert_eq!((report.chunks.len(), report.dropped), (3, 1));
    assert!(!path.exists());
}

#[test]
fn resuming_after_everything_was_transcribed_keeps_the_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _v, _c) = common::open_store(dir.path());
    let id = consented(&store);
    let mut f = common::ScriptedFactory::new(&["first", "second", "third"]);
    f.lag = 0.0;
    let mut rec = Recorder::start(store.clone(), id.clone(), &f, 8000).unwrap();
    rec.push(&common::tone(0, 32_000)).unwrap();
    drop(rec);
    assert_eq!(store.session(&id).unwrap().spool_chunks, 0);
    let mut rec = Recorder::recover(store.clone(), id.clone(), &f, 8000).unwrap();
    rec.resume().unwrap();
    rec.push(&common::tone(32_000, common::SECOND)).unwrap();
    rec.stop().unwrap();
    let t = store.segments(&id).unwrap();
    let spans: Vec<(f64, f64)> = t.iter().map(|s| (s.start, s.end)).collect();
    assert_eq!(spans, [(0.0, 1.0), (1.0, 2.0), (2.0, 3.0)]);
}
