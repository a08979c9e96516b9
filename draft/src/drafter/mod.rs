//! The grounded drafter: turns transcript segments into a draft journal note in a
//! template. A pipeline of named stages, each its own module:
//!
//! 1. [`sentences`] and [`corrections`]: sentence splitting and cleaning (fillers, false
//!    starts, repetitions), and only the later statement of a correction kept;
//! 2. [`speakers`]: who is speaking (labels, or estimated) and about whom;
//! 3. [`relevance`]: keep, or leave out (small talk, courtesy, details about others);
//! 4. [`sections`]: which template section a kept sentence belongs in;
//! 5. [`condense`]: sentences grouped into short items of one fact or a few;
//! 6. [`reported`]: grammatical reported speech in the template's language;
//! 7. [`numbers`]: numbers, amounts, dates and times written as a worker writes them.
//!
//! Relevance, sections and speakers are learned ([`model`], over [`features`]) from the
//! gold of the development meetings; the language knowledge is data
//! ([`crate::language`]). The drafter only proposes: every item cites the segments it
//! rests on, words the recogniser was unsure of flag their item, and a decision is
//! recorded only where one was stated.
pub mod condense;
pub mod corrections;
pub mod features;
pub mod model;
pub mod numbers;
pub mod person;
pub mod private;
pub mod questions;
pub mod relevance;
pub mod reported;
pub mod sections;
pub mod sentences;
pub mod speakers;
pub mod text;
pub mod topics;
pub mod units;

use crate::language::{Language, LanguageData, Languages};
use crate::review::document::{Citation, DraftDocument, Header};
use crate::template::{Role as SectionRole, Template};
use crate::transcript::{Segment, Transcript};
use features::Context;
use model::Model;
use reported::{Part, Phrasing};
use serde::{Deserialize, Serialize};
use speakers::People;
use std::collections::HashSet;
use std::sync::OnceLock;
use units::Conversation;

/// Below this mean segment confidence, or word confidence, items are flagged.
pub const LOW_CONFIDENCE: f32 = 0.6;
const LOW_WORD_CONFIDENCE: f32 = 0.5;

/// The shipped weights, trained on the development meetings by `samtal eval train-drafter`.
const WEIGHTS: &str = include_str!("../../model/drafter.tsv");

/// Who took part, as known from the session (names are optional).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Participant {
    /// Speaker label used in the transcript (`worker`, `citizen`, `relative`, `interpreter`).
    pub speaker: String,
    #[serde(default)]
    pub name: Option<String>,
    /// Description ("dotter", "79, widower"); its first part is shown with the name.
    #[serde(default)]
    pub description: Option<String>,
    /// Pronoun the person uses ("hon", "han", "hen", "hun", …); neutral when unknown.
    #[serde(default)]
    pub pronoun: Option<String>,
}

impl Participant {
    /// Parses "Name Surname – description, more (label)" as used in evaluation sets.
    pub fn parse(line: &str) -> Option<Participant> {
        let open = line.rfind('(')?;
        let close = line.rfind(')')?;
        if close <= open {
            return None;
        }
        let speaker = line[open + 1..close].trim().to_string();
        let head = line[..open].trim();
        // A dash with spaces around it separates; "Sven-Erik" is one name.
        let split = head
            .split_once(" – ")
            .or_else(|| head.split_once(" - "))
            .or_else(|| head.split_once('–'));
        let (name, description) = match split {
            Some((n, d)) => (n.trim(), Some(d.trim())),
            None => (head, None),
        };
        Some(Participant {
            speaker,
            name: Some(name.to_string()).filter(|n| !n.is_empty()),
            description: description.map(str::to_string).filter(|d| !d.is_empty()),
            pronoun: None,
        })
    }

    /// The description's first part ("79" of "79, widower").
    pub fn short_description(&self) -> Option<String> {
        self.description
            .as_deref()
            .map(|d| d.split(',').next().unwrap_or(d).trim().to_string())
            .filter(|d| !d.is_empty())
    }
}

/// What the drafter knows about the meeting besides the transcript.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DraftContext {
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub time: Option<String>,
    #[serde(default)]
    pub contact_kind: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub participants: Vec<Participant>,
}

/// The drafter: language data and learned weights.
#[derive(Debug, Clone)]
pub struct Drafter {
    languages: Languages,
    model: Model,
}

impl Drafter {
    pub fn new(languages: Languages, model: Model) -> Drafter {
        Drafter { languages, model }
    }

    /// The built-in language data and the shipped weights.
    pub fn builtin() -> &'static Drafter {
        static DRAFTER: OnceLock<Drafter> = OnceLock::new();
        DRAFTER.get_or_init(|| {
            Drafter::new(
                Languages::builtin(),
                Model::parse("draft/model/drafter.tsv", WEIGHTS)
                    .expect("shipped weights are valid"),
            )
        })
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    pub fn languages(&self) -> &Languages {
        &self.languages
    }

    /// The language to draft in: the transcript's, else the template's.
    fn language(&self, transcript: &Transcript, template: &Template) -> &LanguageData {
        let lang = Language::from_code(&transcript.language)
            .or_else(|| Language::from_code(&template.language))
            .unwrap_or(Language::Sv);
        self.languages.get(lang)
    }

    /// Stages 1–2: the conversation with every segment's role.
    pub fn conversation(
        &self,
        transcript: &Transcript,
        template: &Template,
        ctx: &DraftContext,
    ) -> Conversation {
        let lang = self.language(transcript, template);
        let mut conv = Conversation::build(transcript, lang);
        if conv.labelled.iter().all(|l| *l) {
            return conv;
        }
        let segs = transcript.segments.len();
        let p: Vec<f32> = (0..segs)
            .map(|s| {
                let f = features::speaker_features(&conv, s, segs, lang);
                self.model.worker(&self.model.encode(&f))
            })
            .collect();
        let roles = speakers::roles(&transcript.segments, ctx, |i| p[i]);
        conv.set_roles(roles);
        conv
    }

    /// Drafts a note for `transcript` in `template`.
    pub fn draft(
        &self,
        transcript: &Transcript,
        template: &Template,
        ctx: &DraftContext,
    ) -> DraftDocument {
        self.draft_traced(transcript, template, ctx).0
    }

    /// Drafts a note and tells how: what every stage decided (for explaining a draft
    /// against gold facts).
    pub fn draft_traced(
        &self,
        transcript: &Transcript,
        template: &Template,
        ctx: &DraftContext,
    ) -> (DraftDocument, Trace) {
        let lang = self.language(transcript, template);
        let mut conv = self.conversation(transcript, template, ctx);
        let people = People::new(ctx, lang);
        let private = private::leave_out(&mut conv, lang, &people);
        let fctx = Context::new(&conv, lang, template);
        let n = conv.units.len();
        let feats: Vec<features::UnitFeatures> = (0..n).map(|u| fctx.unit(u)).collect();
        let xs: Vec<model::Vector> = feats
            .iter()
            .map(|f| self.model.encode(&f.features))
            .collect();
        let mut eligible: Vec<bool> = (0..n).map(|u| relevance::eligible(&fctx, u)).collect();
        for u in 0..n {
            if eligible[u] && relevance::repeats(&conv, lang, &eligible, u) {
                eligible[u] = false;
            }
        }
        let worker: Vec<bool> = conv
            .roles
            .iter()
            .map(|r| *r == speakers::Role::Worker)
            .collect();
        let asks: Vec<bool> = (0..conv.by_seg.len())
            .map(|s| conv.seg_units(s).iter().any(|u| u.sentence.question))
            .collect();
        let exchange = topics::exchanges(&worker, &asks);
        let unit_exchange: Vec<usize> = conv.units.iter().map(|u| exchange[u.seg]).collect();
        let mut own: Vec<f32> = xs.iter().map(|x| self.model.relevance(x)).collect();
        let mut p = relevance::in_context(&own, &eligible, &unit_exchange);
        relevance::lend_to_yes_no_answers(&conv, lang, &mut eligible, &mut own, &mut p);
        // What the worker said at once would not be written down, what the speaker asked to
        // keep out, other people's private matters and the worker's reactions ("Perfekt.")
        // stay out. It still counts in how relevant its exchange is, and the models still
        // learn from it: it is a decision of the people in the meeting, or of what a journal
        // may not hold, not a pattern to score.
        for (u, unit) in conv.units.iter().enumerate() {
            if fctx.unrecorded(unit.seg)
                || fctx.off_record(u)
                || private[u]
                || relevance::reaction(&fctx, u)
            {
                eligible[u] = false;
            }
        }
        let unit_words: Vec<usize> = conv
            .units
            .iter()
            .map(|u| text::word_count(&u.sentence.text) + 1)
            .collect();
        let total_words: usize = transcript
            .segments
            .iter()
            .map(|s| text::word_count(&s.text))
            .sum();
        let mut keep = relevance::select(
            &eligible,
            &own,
            &p,
            &unit_words,
            total_words,
            relevance::FLOOR,
        );
        let keys = sections::keys(&fctx);
        let section: Vec<Vec<f32>> = (0..n)
            .map(|u| {
                if keep[u] {
                    sections::probabilities(&fctx, &self.model, &keys, u, &xs[u], &feats[u])
                } else {
                    Vec::new()
                }
            })
            .collect();
        let starts = topics::starts(&exchange);
        let blocks = topics::join(&exchange, |b| {
            let f = fctx.boundary(starts[b - 1]..starts[b], starts[b]);
            self.model.joins(&self.model.encode(&f))
        });
        let vocabulary = || transcript.segments.iter().map(|s| s.text.as_str());
        let views: Vec<bool> = template
            .sections
            .iter()
            .map(|s| s.roles.contains(&SectionRole::View))
            .collect();
        // The note keeps within its budget as written (with the questions that go along):
        // while it is too long, the least relevant sentences go.
        let budget = (total_words as f32 * relevance::BUDGET) as usize;
        let items = loop {
            let phrasing = Phrasing::new(lang, &people).with_vocabulary(vocabulary());
            let items = self.items(
                &conv,
                &phrasing,
                &keep,
                &section,
                &blocks,
                &views,
                sections::decisions_only(template),
                &unit_words,
            );
            let written: usize = items.iter().map(|i| text::word_count(&i.1)).sum();
            let kept: Vec<usize> = (0..n).filter(|&u| keep[u]).collect();
            if total_words < relevance::BUDGET_FROM || written <= budget || kept.len() <= 1 {
                break items;
            }
            let mut excess = written - budget;
            let mut order = kept;
            order.sort_by(|&a, &b| {
                relevance::value(p[a], unit_words[a])
                    .total_cmp(&relevance::value(p[b], unit_words[b]))
            });
            for u in order.into_iter().take(n.max(1)) {
                keep[u] = false;
                excess = excess.saturating_sub(unit_words[u]);
                if excess == 0 {
                    break;
                }
            }
        };
        let mut doc = DraftDocument::new(template, header(ctx, &people));
        let mut trace = Trace {
            eligible,
            relevance: p,
            kept: keep,
            topics: blocks,
            items: Vec::new(),
            conv: Conversation::default(),
        };
        let vocabulary: HashSet<String> = if lang.grammar.compounds.unwrap_or(false) {
            transcript
                .segments
                .iter()
                .flat_map(|s| text::words(&s.text))
                .collect()
        } else {
            HashSet::new()
        };
        let g = &lang.grammar;
        let function = |w: &str| {
            [
                &g.prepositions,
                &g.clause_openers,
                &g.subjects,
                &g.leading_conjunctions,
            ]
            .iter()
            .any(|list| list.iter().any(|x| x == w))
        };
        for (k, text, cited, units) in items {
            let text =
                text::join_compounds(&numbers::normalize(&text, lang), &vocabulary, function);
            let citations = cited
                .iter()
                .map(|&s| {
                    let seg = &transcript.segments[s];
                    Citation {
                        segment: seg.id,
                        start: seg.start,
                        end: seg.end,
                    }
                })
                .collect();
            let low = units.iter().any(|&u| {
                let unit = &conv.units[u];
                unit.segments()
                    .any(|s| low_confidence(&transcript.segments[s], &unit.raw))
            });
            // Sections come from the template, so this cannot fail.
            if doc
                .push_drafted(&template.sections[k].id, text, citations, low)
                .is_ok()
            {
                trace.items.push(units);
            }
        }
        trace.conv = conv;
        (doc, trace)
    }

    /// Stages 5–6 for the kept units: items as (section, text, cited segments, units).
    /// An item's section is the one its sentences together score highest.
    #[allow(clippy::too_many_arguments)]
    fn items(
        &self,
        conv: &Conversation,
        phrasing: &Phrasing,
        keep: &[bool],
        section: &[Vec<f32>],
        blocks: &[usize],
        views: &[bool],
        decisions: Option<usize>,
        unit_words: &[usize],
    ) -> Vec<(usize, String, Vec<usize>, Vec<usize>)> {
        let n = conv.units.len();
        // The first kept sentence of a turn goes with the worker's question before it.
        let first: Vec<bool> = (0..n)
            .map(|u| {
                keep[u]
                    && conv.by_seg[conv.units[u].seg]
                        .clone()
                        .take_while(|&x| x < u)
                        .all(|x| !keep[x])
            })
            .collect();
        let kept: Vec<condense::Kept> = (0..n)
            .filter(|&u| keep[u])
            .map(|u| condense::Kept {
                unit: u,
                seg: conv.units[u].seg,
                block: blocks[conv.units[u].seg],
                words: unit_words[u],
            })
            .collect();
        // Within a topic, a sentence that clearly belongs elsewhere starts its own item.
        let best = |u: usize| {
            let p = &section[u];
            (0..p.len())
                .max_by(|&a, &b| p[a].total_cmp(&p[b]))
                .map(|k| (k, p[k]))
        };
        let groups: Vec<Vec<usize>> = condense::group(&kept)
            .into_iter()
            .flat_map(|item| {
                let mut parts: Vec<Vec<usize>> = Vec::new();
                for k in item {
                    let split = match (parts.last(), best(kept[k].unit)) {
                        (Some(_), _) if condense::continues(conv, kept[k].unit, keep) => false,
                        (Some(part), Some((s, p))) => {
                            let units: Vec<&[f32]> = part
                                .iter()
                                .map(|&k| section[kept[k].unit].as_slice())
                                .collect();
                            p >= sections::CLEAR && sections::of_item(&units, decisions) != s
                        }
                        _ => true,
                    };
                    if split {
                        parts.push(vec![k]);
                    } else {
                        parts.last_mut().expect("checked").push(k);
                    }
                }
                parts
            })
            .collect();
        let placed: Vec<condense::Placed> = groups
            .into_iter()
            .map(|item| {
                let units: Vec<usize> = item.iter().map(|&k| kept[k].unit).collect();
                condense::Placed {
                    section: sections::of_item(
                        &units
                            .iter()
                            .map(|&u| section[u].as_slice())
                            .collect::<Vec<_>>(),
                        decisions,
                    ),
                    first_seg: kept[item[0]].seg,
                    last_seg: kept[*item.last().expect("items are never empty")].seg,
                    words: item.iter().map(|&k| kept[k].words).sum(),
                    units,
                }
            })
            .collect();
        // Phrased in the order the note is read (sections in the template's order), so a
        // person is introduced ("Lone (datter til Aksel)", "Zehra (via tolk)") where the
        // reader first meets them.
        let mut merged = condense::merge(placed);
        merged.sort_by_key(|item| item.section);
        merged
            .into_iter()
            .filter_map(|item| {
                let k = item.section;
                let (text, cited) = self.phrase(conv, phrasing, &item.units, &first, views[k]);
                (!text.trim().is_empty()).then_some((k, text, cited, item.units))
            })
            .collect()
    }

    /// Text of one item and the segments it cites (its sentences' and the questions
    /// they answer).
    fn phrase(
        &self,
        conv: &Conversation,
        phrasing: &Phrasing,
        units: &[usize],
        first: &[bool],
        view: bool,
    ) -> (String, Vec<usize>) {
        let mut cited: Vec<usize> = Vec::new();
        let mut parts: Vec<Part> = Vec::new();
        for &u in units {
            let unit = &conv.units[u];
            let question = if first[u] {
                conv.question_index(unit.seg)
                    .map(|q| &conv.units[asked(conv, q, phrasing.lang)])
            } else {
                None
            };
            // A bare yes or no said just before this sentence carries its polarity.
            let polar = conv
                .seg_units(unit.seg)
                .iter()
                .take_while(|x| x.idx < unit.idx)
                .all(|x| x.sentence.text.is_empty());
            let sentence = if polar && unit.sentence.polarity.is_none() {
                conv.seg_units(unit.seg)
                    .first()
                    .map(|x| &x.sentence)
                    .filter(|s| s.text.is_empty())
            } else {
                None
            };
            if let Some(q) = question {
                cited.extend(q.segments());
            }
            if let Some(yes_no) = sentence.filter(|_| question.is_some()) {
                parts.push(Part {
                    sentence: yes_no,
                    role: conv.role(unit),
                    question: question.map(|q| &q.sentence),
                });
                parts.push(Part {
                    sentence: &unit.sentence,
                    role: conv.role(unit),
                    question: None,
                });
            } else {
                parts.push(Part {
                    sentence: &unit.sentence,
                    role: conv.role(unit),
                    question: question.map(|q| &q.sentence),
                });
            }
            cited.extend(unit.segments());
        }
        cited.sort_unstable();
        cited.dedup();
        (phrasing.item(&parts, view), cited)
    }
}

/// The question unit `q` answers with: the one before it when `q` only turns that question
/// to someone else ("Hur gammal är du, Birgit?" … "Och du, Sven-Erik?").
fn asked(conv: &Conversation, q: usize, lang: &LanguageData) -> usize {
    if !questions::asks_again(&conv.units[q].sentence.text, lang) {
        return q;
    }
    (q.saturating_sub(ASKED_AGAIN_WITHIN)..q)
        .rev()
        .find(|&v| {
            let unit = &conv.units[v];
            unit.sentence.question
                && conv.role(unit) == speakers::Role::Worker
                && !questions::asks_again(&unit.sentence.text, lang)
        })
        .unwrap_or(q)
}

/// How many sentences back the question that "Och du?" asks again is looked for.
const ASKED_AGAIN_WITHIN: usize = 8;

/// What the stages decided for one draft.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    /// The units (cleaned sentences) and who said them.
    pub conv: Conversation,
    /// Whether each unit may be kept at all.
    pub eligible: Vec<bool>,
    /// The relevance model's probability for each unit.
    pub relevance: Vec<f32>,
    /// Whether each unit is in the note.
    pub kept: Vec<bool>,
    /// The topic of each segment.
    pub topics: Vec<usize>,
    /// The units of each item of the document, in the document's order.
    pub items: Vec<Vec<usize>>,
}

/// Drafts a note for `transcript` in `template` with the built-in drafter.
pub fn draft(transcript: &Transcript, template: &Template, ctx: &DraftContext) -> DraftDocument {
    Drafter::builtin().draft(transcript, template, ctx)
}

/// The note's header. A participant without a description is named with their part in
/// the meeting's language ("Ruth (the client)", "Anna (handläggaren)"), never with the
/// transcript's label ("citizen").
fn header(ctx: &DraftContext, people: &People) -> Header {
    // The noun the note uses for each part; an interpreter and a label the drafter does not
    // know have none.
    let part = |speaker: &str| match speakers::Role::from_label(speaker) {
        speakers::Role::Interpreter => None,
        speakers::Role::Other if speaker != "other" => None,
        role => Some(&people.of(role).noun),
    };
    Header {
        date: ctx.date.clone(),
        time: ctx.time.clone(),
        contact_kind: ctx.contact_kind.clone(),
        participants: ctx
            .participants
            .iter()
            .map(|p| match (&p.name, p.short_description()) {
                (Some(n), Some(d)) => format!("{n} ({d})"),
                (Some(n), None) => match part(&p.speaker) {
                    Some(l) => format!("{n} ({})", text::decapitalise(l)),
                    None => n.clone(),
                },
                (None, Some(d)) => d,
                (None, None) => part(&p.speaker)
                    .cloned()
                    .unwrap_or_else(|| p.speaker.clone()),
            })
            .collect(),
        author: ctx.author.clone(),
    }
}

fn low_confidence(seg: &Segment, text: &str) -> bool {
    if seg.confidence < LOW_CONFIDENCE {
        return true;
    }
    let w = text::words(text);
    seg.words.iter().any(|word| {
        word.confidence < LOW_WORD_CONFIDENCE
            && text::words(&word.text).iter().any(|x| w.contains(x))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn participants_parse_with_name_description_and_label() {
        let p = Participant::parse("Harold Notreal – 79, widower, recently discharged (citizen)")
            .unwrap();
        assert_eq!(p.speaker, "citizen");
        assert_eq!(p.name.as_deref(), Some("Harold Notreal"));
        assert_eq!(p.short_description().as_deref(), Some("79"));
        assert!(p.description.unwrap().contains("widower"));
        assert!(Participant::parse("no label here").is_none());
        let p = Participant::parse("Sven-Erik Fiktivsberg – make (relative)").unwrap();
        assert_eq!(p.name.as_deref(), Some("Sven-Erik Fiktivsberg"), "one name");
        assert_eq!(p.description.as_deref(), Some("make"));
        let p = Participant::parse("Anna-Lena Prov - sjuksköterska (worker)").unwrap();
        assert_eq!(p.name.as_deref(), Some("Anna-Lena Prov"));
    }

    #[test]
    fn the_header_names_a_part_in_the_notes_language_never_a_label() {
        let person = |speaker: &str, name: Option<&str>| Participant {
            speaker: speaker.into(),
            name: name.map(str::to_string),
            ..Participant::default()
        };
        let ctx = DraftContext {
            participants: vec![
                person("worker", Some("Anna")),
                person("citizen", Some("Ruth")),
                person("relative", None),
            ],
            ..DraftContext::default()
        };
        let langs = crate::language::Languages::builtin();
        let of = |l| header(&ctx, &People::new(&ctx, langs.get(l))).participants;
        let sv = of(crate::language::Language::Sv);
        assert_eq!(
            sv,
            ["Anna (handläggaren)", "Ruth (den enskilde)", "Anhörig"]
        );
        let en = of(crate::language::Language::En);
        assert_eq!(
            en,
            ["Anna (the worker)", "Ruth (the client)", "The relative"]
        );
    }
}
