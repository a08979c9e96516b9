//! Scoring drafts against an evaluation set of synthetic meetings with gold facts
//! (the format of `eval/dev/`): fact recall, section accuracy, must-not-include
//! violations, citation validity and time taken.
use crate::drafter::{draft, DraftContext, Participant};
use crate::review::document::DraftDocument;
use crate::template::{Role, Templates};
use crate::transcript::{Segment, Transcript};
use serde::Deserialize;
use std::path::Path;
use std::time::{Duration, Instant};

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
    pub elapsed: Duration,
}

fn contains_alt(text: &str, term: &str) -> bool {
    term.split('|')
        .any(|alt| text.contains(&alt.to_lowercase()))
}

/// Scores one drafted document against the gold of `meeting`.
pub fn score(meeting: &Meeting, doc: &DraftDocument, elapsed: Duration) -> MeetingScore {
    let lower: Vec<String> = doc.items.iter().map(|i| i.text.to_lowercase()).collect();
    let mut s = MeetingScore {
        id: meeting.id.clone(),
        facts: meeting.gold.facts.len(),
        recalled: 0,
        found: 0,
        right_section: 0,
        missed: Vec::new(),
        violations: Vec::new(),
        items: doc.items.len(),
        items_valid_citations: 0,
        invented_decisions: 0,
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
    #[error("evaluation file {0} is not a valid meeting: {1}")]
    Format(String, String),
    #[error("evaluation file {0}: {1}")]
    Template(String, crate::template::TemplateError),
}

/// Loads every `*.json` meeting in `dir`, sorted by file name.
pub fn load_set(dir: &Path) -> Result<Vec<Meeting>, EvalError> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| EvalError::Io(dir.display().to_string(), e.kind().to_string()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let name = p.display().to_string();
            let src = std::fs::read_to_string(p)
                .map_err(|e| EvalError::Io(name.clone(), e.kind().to_string()))?;
            // serde's message names the line and column, not the content.
            serde_json::from_str(&src).map_err(|e| {
                EvalError::Format(name, format!("line {} column {}", e.line(), e.column()))
            })
        })
        .collect()
}

/// Drafts and scores every meeting in `dir`.
pub fn run_set(
    dir: &Path,
    templates: &Templates,
) -> Result<Vec<(MeetingScore, DraftDocument)>, EvalError> {
    let meetings = load_set(dir)?;
    let mut out = Vec::new();
    for m in &meetings {
        let template = templates
            .get(&m.template)
            .map_err(|e| EvalError::Template(m.id.clone(), e))?;
        let transcript = m.transcript();
        let ctx = m.context();
        let t0 = Instant::now();
        let doc = draft(&transcript, template, &ctx);
        let elapsed = t0.elapsed();
        out.push((score(m, &doc, elapsed), doc));
    }
    Ok(out)
}

/// Totals over a set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub fact_recall: f64,
    pub section_accuracy: f64,
    pub violations: usize,
    pub citation_validity: f64,
    pub invented_decisions: usize,
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
    Summary {
        fact_recall: ratio(recalled, facts),
        section_accuracy: ratio(right, found),
        violations: scores.iter().map(|s| s.violations.len()).sum(),
        citation_validity: ratio(valid, items),
        invented_decisions: scores.iter().map(|s| s.invented_decisions).sum(),
        elapsed: scores.iter().map(|s| s.elapsed).sum(),
    }
}
