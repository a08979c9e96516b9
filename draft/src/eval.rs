//! Scoring drafts against an evaluation set of synthetic meetings with gold facts
//! (the format of `eval/dev/`): fact recall, section accuracy, must-not-include
//! violations, citation validity, note length and time taken; with the shipped weights or
//! leave-one-meeting-out (weights retrained without the meeting that is scored).
use crate::drafter::text::word_count;
use crate::drafter::{DraftContext, Drafter, Participant};
use crate::explain::{explain, Miss};
use crate::files::{read_bounded, FileError};
use crate::language::{Language, Languages};
use crate::review::document::DraftDocument;
use crate::template::{Role, Templates};
use crate::transcript::{Segment, Transcript};
use serde::Deserialize;
use std::path::Path;
use std::time::{Duration, Instant};

/// A meeting file larger than this is refused (the development meetings are about 27 kB;
/// a three-hour meeting with word timings stays far below).
pub const MAX_MEETING_BYTES: u64 = 8 << 20;
/// A meeting with more segments than this (about a working day of speech) is refused.
pub const MAX_SEGMENTS: usize = 20_000;

#[derive(Debug, Clone, Deserialize)]
pub struct Meeting {
    pub id: String,
    pub language: String,
    pub template: String,
    #[serde(default)]
    pub meeting: MeetingInfo,
    pub segments: Vec<Segment>,
    pub gold: Gold,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MeetingInfo {
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub participants: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Gold {
    pub facts: Vec<GoldFact>,
    #[serde(default)]
    pub must_not_include: Vec<Forbidden>,
    #[serde(default)]
    pub decisions_stated: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldFact {
    pub id: String,
    /// The fact as journal text (third person, the meeting's language).
    #[serde(default)]
    pub statement: String,
    pub section: String,
    pub evidence_segments: Vec<u32>,
    pub key_terms: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Forbidden {
    pub id: String,
    pub key_terms: Vec<String>,
}

impl Meeting {
    /// Words spoken in the meeting.
    pub fn words(&self) -> usize {
        self.segments.iter().map(|s| word_count(&s.text)).sum()
    }

    pub fn transcript(&self) -> Transcript {
        Transcript {
            language: self.language.clone(),
            segments: self.segments.clone(),
        }
    }

    pub fn context(&self) -> DraftContext {
        DraftContext {
            date: self.meeting.date.clone(),
            contact_kind: self.meeting.kind.clone(),
            participants: self
                .meeting
                .participants
                .iter()
                .filter_map(|p| Participant::parse(p))
                .collect(),
            ..DraftContext::default()
        }
    }
}

/// Scores of one meeting.
#[derive(Debug, Clone)]
pub struct MeetingScore {
    pub id: String,
    pub language: String,
    pub facts: usize,
    /// Facts covered by an item in the right section citing an evidence segment.
    pub recalled: usize,
    /// Facts covered by some item (any section) citing an evidence segment.
    pub found: usize,
    /// Of the found facts, those in the right section.
    pub right_section: usize,
    /// Ids of missed facts.
    pub missed: Vec<String>,
    /// Ids of must-not-include items that appear in the note.
    pub violations: Vec<String>,
    pub items: usize,
    pub items_valid_citations: usize,
    /// Items in a decisions section although no decision was stated.
    pub invented_decisions: usize,
    /// Words of the note's items and of the transcript.
    pub note_words: usize,
    pub transcript_words: usize,
    /// Length of each item in words.
    pub item_words: Vec<usize>,
    pub elapsed: Duration,
}

fn contains_alt(text: &str, term: &str) -> bool {
    term.split('|')
        .any(|alt| text.contains(&alt.to_lowercase()))
}

/// Scores one drafted document against the gold of `meeting`.
pub fn score(meeting: &Meeting, doc: &DraftDocument, elapsed: Duration) -> MeetingScore {
    let lower: Vec<String> = doc.items.iter().map(|i| i.text.to_lowercase()).collect();
    let item_words: Vec<usize> = doc.items.iter().map(|i| word_count(&i.text)).collect();
    let mut s = MeetingScore {
        id: meeting.id.clone(),
        language: meeting.language.clone(),
        facts: meeting.gold.facts.len(),
        recalled: 0,
        found: 0,
        right_section: 0,
        missed: Vec::new(),
        violations: Vec::new(),
        items: doc.items.len(),
        items_valid_citations: 0,
        invented_decisions: 0,
        note_words: item_words.iter().sum(),
        transcript_words: meeting.words(),
        item_words,
        elapsed,
    };
    for fact in &meeting.gold.facts {
        let covers = |k: usize| {
            let item = &doc.items[k];
            fact.key_terms.iter().all(|t| contains_alt(&lower[k], t))
                && item
                    .citations
                    .iter()
                    .any(|c| fact.evidence_segments.contains(&c.segment))
        };
        let matching: Vec<usize> = (0..doc.items.len()).filter(|&k| covers(k)).collect();
        let right = matching
            .iter()
            .any(|&k| doc.items[k].section == fact.section);
        if !matching.is_empty() {
            s.found += 1;
            if right {
                s.right_section += 1;
            }
        }
        if right {
            s.recalled += 1;
        } else {
            s.missed.push(fact.id.clone());
        }
    }
    let all = lower.join("\n");
    for x in &meeting.gold.must_not_include {
        if x.key_terms.iter().any(|t| contains_alt(&all, t)) {
            s.violations.push(x.id.clone());
        }
    }
    for item in &doc.items {
        let valid = !item.citations.is_empty()
            && item.citations.iter().all(|c| {
                meeting
                    .segments
                    .iter()
                    .any(|seg| seg.id == c.segment && seg.start == c.start && seg.end == c.end)
            });
        if valid {
            s.items_valid_citations += 1;
        }
    }
    if !meeting.gold.decisions_stated {
        s.invented_decisions = doc
            .items
            .iter()
            .filter(|i| {
                doc.sections.iter().any(|sec| sec.id == i.section)
                    && is_decision_section(&doc.template, &i.section)
            })
            .count();
    }
    s
}

fn is_decision_section(template: &str, section: &str) -> bool {
    Templates::builtin()
        .get(template)
        .ok()
        .and_then(|t| t.section(section).map(|s| s.roles == [Role::Decisions]))
        .unwrap_or(false)
}

/// Errors reading an evaluation set; names files, never their content.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("cannot read evaluation set {0}: {1}")]
    Io(String, String),
    #[error(transparent)]
    File(#[from] FileError),
    #[error("evaluation file {0} is not a valid meeting: {1}")]
    Format(String, String),
    #[error("evaluation file {0}: {1}")]
    Template(String, crate::template::TemplateError),
    #[error("evaluation file {0} has {1} segments, more than {MAX_SEGMENTS}; split the meeting or check the file")]
    TooLong(String, usize),
    #[error("evaluation set {0} has no meeting files (*.json)")]
    Empty(String),
    #[error("leave-one-meeting-out needs at least three meetings; {0} has {1}")]
    TooFew(String, usize),
}

/// The `*.json` files of a set, sorted by name, with their contents (bounded reads).
pub fn read_set(dir: &Path) -> Result<Vec<(String, String)>, EvalError> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| EvalError::Io(dir.display().to_string(), e.kind().to_string()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            Ok((name, read_bounded(p, MAX_MEETING_BYTES)?))
        })
        .collect()
}

/// Parses one meeting file; `name` is only used in errors.
pub fn parse_meeting(name: &str, src: &str) -> Result<Meeting, EvalError> {
    // serde's message names the line and column, not the content.
    let m: Meeting = serde_json::from_str(src).map_err(|e| {
        EvalError::Format(
            name.to_string(),
            format!("line {} column {}", e.line(), e.column()),
        )
    })?;
    if m.segments.len() > MAX_SEGMENTS {
        return Err(EvalError::TooLong(name.to_string(), m.segments.len()));
    }
    Ok(m)
}

/// Loads every `*.json` meeting in `dir`, sorted by file name.
pub fn load_set(dir: &Path) -> Result<Vec<Meeting>, EvalError> {
    let files = read_set(dir)?;
    if files.is_empty() {
        return Err(EvalError::Empty(dir.display().to_string()));
    }
    files.iter().map(|(n, s)| parse_meeting(n, s)).collect()
}

/// One meeting drafted and scored, with why each missed fact was missed.
#[derive(Debug, Clone)]
pub struct Drafted {
    pub score: MeetingScore,
    pub doc: DraftDocument,
    pub misses: Vec<Miss>,
}

fn draft_scored(
    drafter: &Drafter,
    m: &Meeting,
    templates: &Templates,
) -> Result<Drafted, EvalError> {
    let template = templates
        .get(&m.template)
        .map_err(|e| EvalError::Template(m.id.clone(), e))?;
    let transcript = m.transcript();
    let ctx = m.context();
    let t0 = Instant::now();
    let (doc, trace) = drafter.draft_traced(&transcript, template, &ctx);
    let elapsed = t0.elapsed();
    let lang = Language::from_code(&m.language)
        .or_else(|| Language::from_code(&template.language))
        .unwrap_or(Language::Sv);
    let misses = explain(m, &doc, &trace, drafter.languages().get(lang));
    Ok(Drafted {
        score: score(m, &doc, elapsed),
        doc,
        misses,
    })
}

/// Drafts and scores every meeting of `meetings` with `drafter` (the shipped weights).
pub fn run_meetings(
    meetings: &[Meeting],
    templates: &Templates,
    drafter: &Drafter,
) -> Result<Vec<Drafted>, EvalError> {
    meetings
        .iter()
        .map(|m| draft_scored(drafter, m, templates))
        .collect()
}

/// Leave-one-meeting-out: each meeting drafted with weights trained on all the others, in
/// training order `seed`.
pub fn run_loo(
    meetings: &[Meeting],
    templates: &Templates,
    languages: &Languages,
    seed: u64,
) -> Result<Vec<Drafted>, EvalError> {
    if meetings.len() < 3 {
        return Err(EvalError::TooFew("the set".into(), meetings.len()));
    }
    let raws: Vec<crate::learn::Raw> = meetings
        .iter()
        .map(|m| crate::learn::examples(m, templates, languages))
        .collect::<Result<_, _>>()?;
    meetings
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let others: Vec<&crate::learn::Raw> = raws
                .iter()
                .enumerate()
                .filter(|(k, _)| *k != i)
                .map(|(_, r)| r)
                .collect();
            let model = crate::learn::train_examples(&others, None, seed);
            let drafter = Drafter::new(languages.clone(), model);
            draft_scored(&drafter, m, templates)
        })
        .collect()
}

/// Totals over a set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub meetings: usize,
    pub fact_recall: f64,
    pub section_accuracy: f64,
    pub violations: usize,
    pub citation_validity: f64,
    pub invented_decisions: usize,
    /// Note words over transcript words.
    pub note_ratio: f64,
    /// Median item length in words.
    pub median_item_words: f64,
    pub elapsed: Duration,
}

pub fn summarize(scores: &[MeetingScore]) -> Summary {
    let facts: usize = scores.iter().map(|s| s.facts).sum();
    let recalled: usize = scores.iter().map(|s| s.recalled).sum();
    let found: usize = scores.iter().map(|s| s.found).sum();
    let right: usize = scores.iter().map(|s| s.right_section).sum();
    let items: usize = scores.iter().map(|s| s.items).sum();
    let valid: usize = scores.iter().map(|s| s.items_valid_citations).sum();
    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let mut lengths: Vec<usize> = scores
        .iter()
        .flat_map(|s| s.item_words.iter().copied())
        .collect();
    lengths.sort_unstable();
    let median = match lengths.len() {
        0 => 0.0,
        n if n % 2 == 1 => lengths[n / 2] as f64,
        n => (lengths[n / 2 - 1] + lengths[n / 2]) as f64 / 2.0,
    };
    Summary {
        meetings: scores.len(),
        fact_recall: ratio(recalled, facts),
        section_accuracy: ratio(right, found),
        violations: scores.iter().map(|s| s.violations.len()).sum(),
        citation_validity: ratio(valid, items),
        invented_decisions: scores.iter().map(|s| s.invented_decisions).sum(),
        note_ratio: ratio(
            scores.iter().map(|s| s.note_words).sum(),
            scores.iter().map(|s| s.transcript_words).sum(),
        ),
        median_item_words: median,
        elapsed: scores.iter().map(|s| s.elapsed).sum(),
    }
}

/// Summaries per language, in the order sv, da, en (languages without meetings left out).
pub fn by_language(scores: &[MeetingScore]) -> Vec<(String, Summary)> {
    crate::language::Language::ALL
        .iter()
        .map(|l| l.code())
        .filter_map(|code| {
            let part: Vec<MeetingScore> = scores
                .iter()
                .filter(|s| s.language == code)
                .cloned()
                .collect();
            (!part.is_empty()).then(|| (code.to_string(), summarize(&part)))
        })
        .collect()
}

/// Leave-one-meeting-out in each of the training orders `seeds`: one run's scores per order.
pub fn loo_over_orders(
    meetings: &[Meeting],
    templates: &Templates,
    languages: &Languages,
    seeds: impl Iterator<Item = u64>,
) -> Result<Vec<Vec<MeetingScore>>, EvalError> {
    seeds
        .map(|seed| {
            let run = run_loo(meetings, templates, languages, seed)?;
            Ok(run.into_iter().map(|d| d.score).collect())
        })
        .collect()
}

/// A figure over several training orders: its mean and its range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub mean: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    fn of(values: &[f64]) -> Spread {
        Spread {
            mean: values.iter().sum::<f64>() / values.len().max(1) as f64,
            min: values.iter().copied().fold(f64::INFINITY, f64::min),
            max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        }
    }
}

/// Leave-one-meeting-out figures of one language (or "all") over training orders.
#[derive(Debug, Clone, PartialEq)]
pub struct OverOrders {
    pub language: String,
    pub recall: Spread,
    pub section: Spread,
    pub violations: Spread,
}

/// Recall, section accuracy and must-not hits per language and overall, over `runs` (the
/// scores of one leave-one-meeting-out run per training order). Weights trained in another
/// order put different sentences at the word budget's edge, so one run's figure moves by
/// a fact or two; the mean over orders is what a change should be judged by.
pub fn over_orders(runs: &[Vec<MeetingScore>]) -> Vec<OverOrders> {
    let per_run: Vec<Vec<(String, Summary)>> = runs
        .iter()
        .map(|scores| {
            let mut rows = by_language(scores);
            rows.push(("all".into(), summarize(scores)));
            rows
        })
        .collect();
    let Some(first) = per_run.first() else {
        return Vec::new();
    };
    first
        .iter()
        .map(|(language, _)| {
            let rows: Vec<&Summary> = per_run
                .iter()
                .filter_map(|rows| rows.iter().find(|(l, _)| l == language).map(|(_, s)| s))
                .collect();
            let values =
                |f: fn(&Summary) -> f64| Spread::of(&rows.iter().map(|s| f(s)).collect::<Vec<_>>());
            OverOrders {
                language: language.clone(),
                recall: values(|s| s.fact_recall),
                section: values(|s| s.section_accuracy),
                violations: values(|s| s.violations as f64),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(language: &str, recalled: usize, violations: usize) -> MeetingScore {
        MeetingScore {
            id: "m".into(),
            language: language.into(),
            facts: 10,
            recalled,
            found: 10,
            right_section: recalled,
            missed: Vec::new(),
            violations: vec!["x".into(); violations],
            items: 1,
            items_valid_citations: 1,
            invented_decisions: 0,
            note_words: 10,
            transcript_words: 100,
            item_words: vec![10],
            elapsed: Duration::ZERO,
        }
    }

    #[test]
    fn figures_over_training_orders_give_their_mean_and_range() {
        let runs = vec![
            vec![score("sv", 4, 1), score("da", 2, 0)],
            vec![score("sv", 6, 3), score("da", 2, 0)],
        ];
        let rows = over_orders(&runs);
        let names: Vec<&str> = rows.iter().map(|r| r.language.as_str()).collect();
        assert_eq!(names, ["sv", "da", "all"]);
        let sv = &rows[0];
        assert!((sv.recall.mean - 0.5).abs() < 1e-9);
        assert_eq!((sv.recall.min, sv.recall.max), (0.4, 0.6));
        assert_eq!((sv.violations.min, sv.violations.max), (1.0, 3.0));
        let all = &rows[2];
        assert!((all.recall.mean - 0.35).abs() < 1e-9);
        assert_eq!(all.violations.mean, 2.0);
    }
}
