//! Learning the drafter's weights from meetings with gold facts (the format of
//! `eval/dev/`). A sentence of a meeting is relevant when it lies in a fact's evidence
//! segments and says one of the fact's key terms; its section is that fact's section. A
//! sentence with a must-not-include term is a strong example of what to leave out.
//! Features seen in fewer than two training meetings get no weight: what only one meeting
//! says cannot be told apart from that meeting's style.
use crate::drafter::features::{self, Context, Feature};
use crate::drafter::model::{Binary, Choice, Meta, Model, SHIPPED_ORDER};
use crate::drafter::numbers::normalize;
use crate::drafter::relevance;
use crate::drafter::sections;
use crate::drafter::speakers::Role;
use crate::drafter::topics;
use crate::drafter::units::Conversation;
use crate::eval::{EvalError, Meeting};
use crate::language::{Language, Languages};
use crate::template::Templates;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

/// A feature must occur in this many training meetings to get a weight.
const MIN_MEETINGS: usize = 2;

/// What the gold says about one sentence.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Label {
    pub relevant: bool,
    /// Sections of the facts it supports.
    pub sections: Vec<String>,
    /// Says a must-not-include term.
    pub forbidden: bool,
    /// Lies in some fact's evidence.
    pub evidence: bool,
    /// Indices of the facts whose key terms it says in their evidence.
    pub facts: Vec<usize>,
}

fn says(text: &str, term: &str) -> bool {
    term.split('|')
        .any(|alt| !alt.trim().is_empty() && text.contains(&alt.to_lowercase()))
}

/// Gold labels of every unit of `conv` (built from `meeting`). A key term in the worker's
/// question makes the first sentence of the answer relevant too: the question goes into the
/// note with its answer.
pub fn labels(meeting: &Meeting, conv: &Conversation, langs: &Languages) -> Vec<Label> {
    let lang = Language::from_code(&meeting.language).map(|l| langs.get(l));
    let mut labels: Vec<Label> = conv
        .units
        .iter()
        .map(|u| {
            let id = meeting.segments[u.seg].id;
            let mut text = format!(
                "{}\n{}",
                u.raw.to_lowercase(),
                u.sentence.text.to_lowercase()
            );
            if let Some(l) = lang {
                text.push('\n');
                text.push_str(&normalize(&u.sentence.text, l).to_lowercase());
            }
            let mut label = Label::default();
            for (i, f) in meeting.gold.facts.iter().enumerate() {
                if !f.evidence_segments.contains(&id) {
                    continue;
                }
                label.evidence = true;
                if f.key_terms.iter().any(|t| says(&text, t)) {
                    label.relevant = true;
                    label.facts.push(i);
                    if !label.sections.contains(&f.section) {
                        label.sections.push(f.section.clone());
                    }
                }
            }
            label.forbidden = meeting
                .gold
                .must_not_include
                .iter()
                .any(|x| x.key_terms.iter().any(|t| says(&text, t)));
            if label.forbidden {
                label.relevant = false;
                label.sections.clear();
                label.facts.clear();
            }
            label
        })
        .collect();
    for seg in 1..conv.by_seg.len() {
        let Some(qi) = conv.question_index(seg) else {
            continue;
        };
        let Some(a) = conv.by_seg[seg]
            .clone()
            .find(|&u| !conv.units[u].sentence.text.is_empty())
        else {
            continue;
        };
        if labels[qi].relevant && !labels[a].relevant && !labels[a].forbidden {
            let sections = labels[qi].sections.clone();
            let facts = labels[qi].facts.clone();
            labels[a].relevant = true;
            labels[a].evidence = true;
            labels[a].sections = sections;
            labels[a].facts = facts;
        }
    }
    labels
}

/// A section example: features, cue features per section, the sections' class keys, the
/// right section and the example's weight.
type SectionExample = (
    Vec<Feature>,
    Vec<[f32; features::CUES]>,
    Vec<[String; 2]>,
    usize,
    f32,
);

/// One meeting's examples before the feature index exists (computed once, reused by
/// every leave-one-out fold).
pub struct Raw {
    relevance: Vec<(Vec<Feature>, bool, f32)>,
    speaker: Vec<(Vec<Feature>, bool)>,
    topics: Vec<(Vec<Feature>, bool)>,
    sections: Vec<SectionExample>,
}

/// A fact told over more exchanges than this is a summary of the meeting, not one topic:
/// it teaches nothing about where topics end.
const TOPIC_SPAN: usize = 3;

/// Topic examples: for every boundary between two exchanges, its features and whether a
/// fact is told on both sides of it.
pub fn topic_examples(ctx: &Context, gold: &[Label]) -> Vec<(Vec<Feature>, bool)> {
    let conv = ctx.conv;
    let segs = conv.by_seg.len();
    let worker: Vec<bool> = conv.roles.iter().map(|r| *r == Role::Worker).collect();
    let asks: Vec<bool> = (0..segs)
        .map(|s| conv.seg_units(s).iter().any(|u| u.sentence.question))
        .collect();
    let exchange = topics::exchanges(&worker, &asks);
    let starts = topics::starts(&exchange);
    let mut span: HashMap<usize, (usize, usize)> = HashMap::new();
    for (u, label) in gold.iter().enumerate() {
        let e = exchange[conv.units[u].seg];
        for &f in &label.facts {
            let s = span.entry(f).or_insert((e, e));
            s.0 = s.0.min(e);
            s.1 = s.1.max(e);
        }
    }
    (1..starts.len())
        .map(|b| {
            let joined = span
                .values()
                .any(|&(lo, hi)| lo < b && b <= hi && hi - lo <= TOPIC_SPAN);
            (ctx.boundary(starts[b - 1]..starts[b], starts[b]), joined)
        })
        .collect()
}

pub fn examples(
    meeting: &Meeting,
    templates: &Templates,
    langs: &Languages,
) -> Result<Raw, EvalError> {
    let template = templates
        .get(&meeting.template)
        .map_err(|e| EvalError::Template(meeting.id.clone(), e))?;
    let lang = Language::from_code(&meeting.language)
        .or_else(|| Language::from_code(&template.language))
        .unwrap_or(Language::Sv);
    let data = langs.get(lang);
    let transcript = meeting.transcript();
    let conv = Conversation::build(&transcript, data);
    let gold = labels(meeting, &conv, langs);
    let ctx = Context::new(&conv, data, template);
    let keys = sections::keys(&ctx);
    let mut raw = Raw {
        relevance: Vec::new(),
        speaker: Vec::new(),
        topics: topic_examples(&ctx, &gold),
        sections: Vec::new(),
    };
    let segs = transcript.segments.len();
    for s in 0..segs {
        raw.speaker.push((
            features::speaker_features(&conv, s, segs, data),
            conv.roles[s] == Role::Worker,
        ));
    }
    for (u, label) in gold.iter().enumerate() {
        if !relevance::eligible(&ctx, u) {
            continue;
        }
        let f = ctx.unit(u);
        let weight = if label.forbidden {
            2.0
        } else if label.evidence && !label.relevant {
            0.5
        } else {
            1.0
        };
        let targets: Vec<usize> = label
            .sections
            .iter()
            .filter_map(|id| template.sections.iter().position(|s| &s.id == id))
            .collect();
        for &t in &targets {
            raw.sections.push((
                f.features.clone(),
                f.cues.clone(),
                keys.clone(),
                t,
                1.0 / targets.len() as f32,
            ));
        }
        let general: Vec<Feature> = f
            .features
            .into_iter()
            .filter(|(n, _)| !features::lexical(n))
            .collect();
        raw.relevance.push((general, label.relevant, weight));
    }
    Ok(raw)
}

/// Trains the drafter's weights on `meetings`. `meta` records what they were trained on.
pub fn train(
    meetings: &[&Meeting],
    templates: &Templates,
    langs: &Languages,
    meta: Option<Meta>,
) -> Result<Model, EvalError> {
    let raws: Vec<Raw> = meetings
        .iter()
        .map(|m| examples(m, templates, langs))
        .collect::<Result<_, _>>()?;
    let refs: Vec<&Raw> = raws.iter().collect();
    Ok(train_examples(&refs, meta, SHIPPED_ORDER))
}

/// Trains the weights on the examples of some meetings, in training order `seed`.
pub fn train_examples(raws: &[&Raw], meta: Option<Meta>, seed: u64) -> Model {
    // Features seen in at least MIN_MEETINGS meetings.
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for r in raws {
        let mut names: HashSet<&str> = HashSet::new();
        for (f, _, _) in &r.relevance {
            names.extend(f.iter().map(|(n, _)| n.as_str()));
        }
        for (f, _) in r.speaker.iter().chain(&r.topics) {
            names.extend(f.iter().map(|(n, _)| n.as_str()));
        }
        for n in names {
            *seen.entry(n).or_default() += 1;
        }
    }
    let mut names: Vec<String> = seen
        .into_iter()
        .filter(|(_, c)| *c >= MIN_MEETINGS)
        .map(|(n, _)| n.to_string())
        .collect();
    names.sort();
    let index: HashMap<&str, u32> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i as u32))
        .collect();
    let encode = |f: &[Feature]| -> Vec<(u32, f32)> {
        let mut x: Vec<(u32, f32)> = f
            .iter()
            .filter_map(|(n, v)| index.get(n.as_str()).map(|&j| (j, *v)))
            .collect();
        x.sort_unstable_by_key(|e| e.0);
        x.dedup_by(|a, b| {
            if a.0 == b.0 {
                b.1 += a.1;
                true
            } else {
                false
            }
        });
        x
    };
    let mut rel = Vec::new();
    let mut spk = Vec::new();
    let mut top = Vec::new();
    let mut sec = Vec::new();
    for r in raws {
        for (f, y, w) in &r.relevance {
            rel.push(Binary {
                x: encode(f),
                y: *y,
                weight: *w,
            });
        }
        for (f, y) in &r.speaker {
            spk.push(Binary {
                x: encode(f),
                y: *y,
                weight: 1.0,
            });
        }
        for (f, y) in &r.topics {
            top.push(Binary {
                x: encode(f),
                y: *y,
                weight: 1.0,
            });
        }
        for (f, cues, keys, target, w) in &r.sections {
            sec.push(Choice {
                x: encode(f),
                cues: cues.clone(),
                keys: keys.clone(),
                target: *target,
                weight: *w,
            });
        }
    }
    Model::train(names, &rel, &spk, &top, &sec, meta, seed)
}

/// SHA-256 over the meeting files of a set: each file's name and content, by name.
pub fn training_set_sha256(files: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut h = Sha256::new();
    for (name, content) in sorted {
        h.update(name.as_bytes());
        h.update([0]);
        h.update(content.as_bytes());
        h.update([0]);
    }
    hex::encode(h.finalize())
}
