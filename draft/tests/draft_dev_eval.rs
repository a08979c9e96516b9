//! The drafter on the development evaluation set (`../shared/eval/dev` next to the
//! repository), measured leave-one-meeting-out: every meeting is drafted with weights
//! trained on the other seventeen, so the numbers say how the drafter does on a meeting it
//! has never seen. The set is not part of the repository (`SAMTAL_DEV_SET` names another
//! place for it): the tests print a note and pass when it is absent.
//!
//! The bars asserted here are what the drafter reaches today (a regression gate), as the
//! mean over eight training orders of the weights (see `ORDERS`). Of the floors,
//! note words ≤ 40 %, median item ≤ 35 words, no invented decision and every item citing are
//! reached in every order and asserted as floors; must-not-include ≤ 9 holds in the shipped
//! order and on average (5.5, 4–7 over the orders, 5 in the shipped one; asserted ≤ 6 on
//! average and ≤ 6 in the shipped order, a fact's margin, so that what leaving other people's
//! private matters out gained is kept); section accuracy ≥ 0.85 is reached on average, only
//! just (0.851; 0.824–0.869 over the orders, 0.842 in the shipped one), and asserted at that
//! floor. Recall
//! (≥ 0.75 overall, ≥ 0.65 per language) is not reached: the asserted bars are the means of
//! round 9 (recall 0.460 — sv 0.486, da 0.361, en 0.537; today 0.456 — sv 0.484, da 0.356, en
//! 0.531) less about 0.01, which is how far such a mean moves when a rule changes one sentence
//! the models learn from, and the floors are printed next to them.
use samtal_draft::drafter::model::SHIPPED_ORDER;
use samtal_draft::drafter::speakers::Role;
use samtal_draft::eval::{by_language, load_set, loo_over_orders, over_orders, summarize, Meeting};
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

/// Training orders the gate averages over: one order's figures move by a fact or two with
/// any change to what the models learn from (0.430–0.453 overall recall over eight orders),
/// so the bars hold the mean of eight.
const ORDERS: u64 = 8;

#[test]
fn leave_one_meeting_out_on_the_whole_set() {
    let Some(meetings) = dev_set() else { return };
    let runs = loo_over_orders(
        &meetings,
        &Templates::builtin(),
        &Languages::builtin(),
        SHIPPED_ORDER..SHIPPED_ORDER + ORDERS,
    )
    .unwrap();
    let scores = &runs[0];
    for s in scores {
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
    for (lang, s) in &by_language(scores) {
        eprintln!("{lang}: {s:?}");
    }
    let sum = summarize(scores);
    eprintln!(
        "all {} meetings, leave-one-meeting-out, shipped training order: {sum:?}",
        sum.meetings
    );
    let orders = over_orders(&runs);
    for row in &orders {
        eprintln!("over {ORDERS} training orders: {row:?}");
    }
    let all = orders.iter().find(|r| r.language == "all").unwrap();
    eprintln!(
        "issue floors: recall >= 0.75 (now {:.3}), section >= 0.85 (now {:.3}), must-not <= 9 (now {:.1})",
        all.recall.mean, all.section.mean, all.violations.mean
    );
    assert_eq!(sum.meetings, 18, "all eighteen development meetings");
    let bars = [("all", 0.45), ("sv", 0.476), ("da", 0.351), ("en", 0.527)];
    for row in &orders {
        let bar = bars
            .iter()
            .find(|(l, _)| *l == row.language)
            .map_or(0.0, |(_, b)| *b);
        assert!(
            row.recall.mean >= bar,
            "{}: fact recall {:?} (bar {bar})",
            row.language,
            row.recall
        );
    }
    assert!(
        all.section.mean >= 0.85,
        "section accuracy {:?}",
        all.section
    );
    assert!(
        all.violations.mean <= 6.0,
        "must-not-include hits {:?}",
        all.violations
    );
    assert!(
        sum.violations <= 6,
        "must-not-include hits, shipped order {}",
        sum.violations
    );
    for scores in &runs {
        let sum = summarize(scores);
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
        let drafter = Drafter::new(
            languages.clone(),
            learn::train_examples(&others, None, SHIPPED_ORDER),
        );
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
