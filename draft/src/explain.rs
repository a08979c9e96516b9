//! Why a draft misses gold facts: every missed fact is put down to the stage that lost it,
//! so work goes where the facts are lost (`samtal eval drafts --explain`).
use crate::drafter::numbers::normalize;
use crate::drafter::{relevance, Trace};
use crate::eval::{GoldFact, Meeting};
use crate::language::LanguageData;
use crate::review::document::DraftDocument;
use std::fmt;

/// The stage that lost a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Loss {
    /// A key term is said only in words that cleaning or a correction removed.
    Cleaning,
    /// The sentences with a key term may never be kept (a worker's question, courtesy).
    NotEligible,
    /// The sentences with a key term scored below the relevance floor.
    Relevance,
    /// The sentences with a key term were relevant enough but cut by the word budget.
    Budget,
    /// A sentence with a key term is in the note, but its phrasing lost the term.
    Phrasing,
    /// Every key term is in the note, but spread over items of different topics.
    Topics,
    /// Every key term is in the note, spread over items of one topic (cut by length or
    /// by a sentence's clear section).
    Split,
    /// One item has every key term, in the wrong section.
    Section,
    /// One item has every key term but cites no evidence segment of the fact.
    Citation,
}

impl Loss {
    pub const ALL: [Loss; 9] = [
        Loss::Cleaning,
        Loss::NotEligible,
        Loss::Relevance,
        Loss::Budget,
        Loss::Phrasing,
        Loss::Topics,
        Loss::Split,
        Loss::Section,
        Loss::Citation,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Loss::Cleaning => "cleaning",
            Loss::NotEligible => "never eligible",
            Loss::Relevance => "relevance",
            Loss::Budget => "budget",
            Loss::Phrasing => "phrasing",
            Loss::Topics => "topics",
            Loss::Split => "split",
            Loss::Section => "section",
            Loss::Citation => "citation",
        }
    }
}

impl fmt::Display for Loss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One missed fact and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Miss {
    pub fact: String,
    pub loss: Loss,
    /// The key term the loss is about (the first one missing from the note).
    pub term: String,
}

fn has(text: &str, term: &str) -> bool {
    term.split('|')
        .any(|alt| !alt.trim().is_empty() && text.contains(&alt.to_lowercase()))
}

/// Why each fact the draft misses was lost. `doc` and `trace` come from
/// [`crate::Drafter::draft_traced`] on `meeting`.
pub fn explain(
    meeting: &Meeting,
    doc: &DraftDocument,
    trace: &Trace,
    lang: &LanguageData,
) -> Vec<Miss> {
    let items: Vec<String> = doc.items.iter().map(|i| i.text.to_lowercase()).collect();
    let conv = &trace.conv;
    let unit_text: Vec<String> = conv
        .units
        .iter()
        .map(|u| {
            format!(
                "{}\n{}\n{}",
                u.raw,
                u.sentence.text,
                normalize(&u.sentence.text, lang)
            )
            .to_lowercase()
        })
        .collect();
    let mut out = Vec::new();
    for fact in &meeting.gold.facts {
        let cites = |k: usize| {
            doc.items[k]
                .citations
                .iter()
                .any(|c| fact.evidence_segments.contains(&c.segment))
        };
        let whole: Vec<usize> = (0..items.len())
            .filter(|&k| fact.key_terms.iter().all(|t| has(&items[k], t)))
            .collect();
        let right = |k: &usize| doc.items[*k].section == fact.section;
        if whole.iter().any(|k| cites(*k) && right(k)) {
            continue;
        }
        let miss = |loss: Loss, term: &str| Miss {
            fact: fact.id.clone(),
            loss,
            term: term.to_string(),
        };
        if whole.iter().any(|&k| cites(k)) {
            out.push(miss(Loss::Section, ""));
            continue;
        }
        if !whole.is_empty() {
            out.push(miss(Loss::Citation, ""));
            continue;
        }
        let absent = fact
            .key_terms
            .iter()
            .find(|t| !items.iter().any(|i| has(i, t)));
        let Some(term) = absent else {
            out.push(miss(split(meeting, fact, trace, &unit_text), ""));
            continue;
        };
        out.push(miss(
            lost_term(meeting, fact, term, trace, &unit_text),
            term,
        ));
    }
    out
}

/// Whether the kept sentences that say a fact's key terms in its evidence lie in different
/// topics ([`Loss::Topics`]) or in one ([`Loss::Split`]).
fn split(meeting: &Meeting, fact: &GoldFact, trace: &Trace, unit_text: &[String]) -> Loss {
    let conv = &trace.conv;
    let topics: std::collections::HashSet<usize> = (0..conv.units.len())
        .filter(|&u| {
            trace.kept[u]
                && fact
                    .evidence_segments
                    .contains(&meeting.segments[conv.units[u].seg].id)
                && fact.key_terms.iter().any(|t| has(&unit_text[u], t))
        })
        .map(|u| trace.topics[conv.units[u].seg])
        .collect();
    if topics.len() > 1 {
        Loss::Topics
    } else {
        Loss::Split
    }
}

/// Where a key term that is in no item was lost.
fn lost_term(
    meeting: &Meeting,
    fact: &GoldFact,
    term: &str,
    trace: &Trace,
    unit_text: &[String],
) -> Loss {
    let conv = &trace.conv;
    let evidence = |u: usize| {
        fact.evidence_segments
            .contains(&meeting.segments[conv.units[u].seg].id)
    };
    let with: Vec<usize> = (0..conv.units.len())
        .filter(|&u| evidence(u) && has(&unit_text[u], term))
        .collect();
    if with.is_empty() {
        Loss::Cleaning
    } else if with.iter().any(|&u| trace.kept[u]) {
        Loss::Phrasing
    } else if with
        .iter()
        .any(|&u| trace.eligible[u] && trace.relevance[u] >= relevance::FLOOR)
    {
        Loss::Budget
    } else if with.iter().any(|&u| trace.eligible[u]) {
        Loss::Relevance
    } else {
        Loss::NotEligible
    }
}
