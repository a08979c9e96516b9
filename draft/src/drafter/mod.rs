//! The grounded drafter: turns transcript segments into a draft journal note in a
//! template, without any language model. Every item is built from what was said, in
//! journal language, and cites the segments it rests on. It only leaves things out
//! (small talk, irrelevant sensitive details about others, superseded statements) and never
//! adds facts; decisions appear only when a decision was stated.
pub mod clean;
pub mod lexicon;
pub mod normalize;
pub mod phrase;

use crate::review::document::{Citation, DraftDocument, Header};
use crate::template::{Role as SectionRole, Template};
use crate::transcript::{Segment, Transcript};
use clean::{capitalise, clean_sentence, decapitalise, words, Text};
use lexicon::Lexicon;
use phrase::{third_person, Pronouns, Referent};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Below this mean segment confidence, or word confidence, items are flagged.
pub const LOW_CONFIDENCE: f32 = 0.6;
const LOW_WORD_CONFIDENCE: f32 = 0.5;
/// Sentences of one section at most this many segments apart form one item (one topic).
const ITEM_GAP: usize = 10;
/// An item this long starts a new one at the worker's next question.
const ITEM_SPLIT: usize = 12;
/// How far back a digression reaches before someone steers the conversation back.
const DIGRESSION_REACH: usize = 4;
/// How many segments after a correction the superseded words are kept out.
const SUPERSEDED_REACH: usize = 3;

/// Who took part, as known from the session (names are optional).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Participant {
    /// Speaker label used in the transcript (`worker`, `citizen`, `relative`, `interpreter`).
    pub speaker: String,
    #[serde(default)]
    pub name: Option<String>,
    /// Short description ("dotter", "god man").
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
        let (name, description) = match head.split_once(['–', '-']) {
            Some((n, d)) => (n.trim(), Some(d.trim())),
            None => (head, None),
        };
        let description = description
            .map(|d| d.split(',').next().unwrap_or(d).trim().to_string())
            .filter(|d| !d.is_empty());
        Some(Participant {
            speaker,
            name: Some(name.to_string()).filter(|n| !n.is_empty()),
            description,
            pronoun: None,
        })
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Speaker {
    Worker,
    Citizen,
    Relative,
    Interpreter,
}

impl Speaker {
    fn of(segment: &Segment) -> Speaker {
        match segment.speaker.as_deref() {
            Some("worker") => Speaker::Worker,
            Some("relative") => Speaker::Relative,
            Some("interpreter") => Speaker::Interpreter,
            _ => Speaker::Citizen,
        }
    }
}

/// What a sentence does in the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Reason,
    Fact,
    View,
    Action,
    Inform,
    Decision,
    Planning,
}

/// A kept sentence on its way into an item.
#[derive(Debug, Clone)]
struct Sentence {
    seg: usize,
    speaker: Speaker,
    act: Act,
    text: String,
    /// Segment index of a worker question this answer is read together with.
    question: Option<(usize, String)>,
    low_confidence: bool,
    section: String,
}

/// One segment as the drafter sees it.
struct Seg<'a> {
    seg: &'a Segment,
    speaker: Speaker,
    /// Cleaned-of-corrections sentences (not yet filler-cleaned).
    sentences: Vec<String>,
    drop: bool,
    small_talk: bool,
    text: Text,
    /// What a correction in this segment replaced: used for routing only, never output.
    context: Text,
}

/// Drafts a note for `transcript` in `template`.
pub fn draft(transcript: &Transcript, template: &Template, ctx: &DraftContext) -> DraftDocument {
    let lang = if transcript.language.is_empty() {
        template.language.as_str()
    } else {
        transcript.language.as_str()
    };
    let lex = lexicon::for_language(lang);
    let people = People::new(ctx, lex, &template.language);
    let mut segs = prepare(transcript, lex);
    let cues = Cues::new(template);
    mark_excluded(&mut segs, lex, &cues);
    let sentences = classify(&segs, lex, template, &cues);
    let mut doc = DraftDocument::new(
        template,
        Header {
            date: ctx.date.clone(),
            time: ctx.time.clone(),
            contact_kind: ctx.contact_kind.clone(),
            participants: ctx
                .participants
                .iter()
                .map(|p| match (&p.name, &p.description) {
                    (Some(n), Some(d)) => format!("{n} ({d})"),
                    (Some(n), None) => n.clone(),
                    (None, Some(d)) => d.clone(),
                    (None, None) => p.speaker.clone(),
                })
                .collect(),
            author: ctx.author.clone(),
        },
    );
    let asks: Vec<bool> = segs
        .iter()
        .map(|s| s.speaker == Speaker::Worker && s.seg.text.contains('?'))
        .collect();
    for item in group(sentences, &asks) {
        let text = phrase_item(&item, &segs, lex, &people, &template.language);
        let mut ids: Vec<usize> = item.iter().map(|s| s.seg).collect();
        ids.extend(item.iter().filter_map(|s| s.question.as_ref().map(|q| q.0)));
        ids.sort_unstable();
        ids.dedup();
        let citations = ids
            .iter()
            .map(|&i| Citation {
                segment: segs[i].seg.id,
                start: segs[i].seg.start,
                end: segs[i].seg.end,
            })
            .collect();
        let low = item.iter().any(|s| s.low_confidence);
        // Sections come from the template, so this cannot fail.
        let _ = doc.push_drafted(&item[0].section, text, citations, low);
    }
    doc
}

/// Corrections, sentence splitting and per-segment flags.
fn prepare<'a>(transcript: &'a Transcript, lex: &Lexicon) -> Vec<Seg<'a>> {
    let mut segs: Vec<Seg> = Vec::with_capacity(transcript.segments.len());
    let mut superseded: Vec<(usize, Vec<String>)> = Vec::new();
    for (i, seg) in transcript.segments.iter().enumerate() {
        let speaker = Speaker::of(seg);
        let corrected = clean::apply_self_corrections(&seg.text, lex);
        let mut context = corrected.superseded_text.clone();
        if corrected.corrects_previous {
            if let Some(old) = drop_corrected_sentence(&mut segs, i, &corrected.text, speaker) {
                context.push_str(&old);
            }
        }
        if !corrected.superseded_terms.is_empty() {
            superseded.push((i, corrected.superseded_terms.clone()));
        }
        let mut sentences = clean::sentences(&corrected.text);
        // Superseded words are not repeated by what follows the correction.
        for (at, terms) in &superseded {
            if *at < i && i <= at + SUPERSEDED_REACH {
                sentences.retain(|s| {
                    let w = words(s);
                    !terms.iter().any(|t| w.contains(t))
                });
            }
        }
        let text = Text::new(&corrected.text);
        segs.push(Seg {
            seg,
            speaker,
            sentences,
            drop: false,
            small_talk: false,
            text,
            context: Text::new(&context),
        });
    }
    // Correction by someone else, confirmed by the first speaker:
    // A says X; B: "Nej men …"; A: "Ja just det." → X is superseded.
    for i in 2..segs.len() {
        let (a, b, c) = (&segs[i - 2], &segs[i - 1], &segs[i]);
        let b_first = words(&b.seg.text).into_iter().next().unwrap_or_default();
        if a.speaker == c.speaker
            && b.speaker != a.speaker
            && !a.seg.text.contains('?')
            && (b_first == "nej" || b_first == "no")
            && c.text.any(lex.confirmations)
        {
            segs[i - 2].drop = true;
        }
    }
    segs
}

/// "Tolken rättar: …" / "Nej förlåt …" at the start of a segment corrects the sentence
/// just said: drop the most similar sentence of the previous two segments.
fn drop_corrected_sentence(
    segs: &mut [Seg],
    i: usize,
    corrected: &str,
    speaker: Speaker,
) -> Option<String> {
    // Overlap counts content words only, so a plain "nej, det var …" answer matches nothing.
    const COMMON: &[&str] = &[
        "det", "var", "den", "der", "jag", "jeg", "hon", "hun", "han", "och", "ikke", "inte",
        "for", "för",
    ];
    let new: Vec<String> = words(corrected)
        .into_iter()
        .filter(|w| w.chars().count() >= 3 && !COMMON.contains(&w.as_str()))
        .collect();
    let mut best: Option<(usize, usize, usize)> = None;
    for (k, seg) in segs.iter().enumerate().take(i).skip(i.saturating_sub(2)) {
        if seg.speaker == Speaker::Worker && speaker != Speaker::Worker {
            continue;
        }
        for (n, s) in seg.sentences.iter().enumerate() {
            let overlap = words(s).iter().filter(|w| new.contains(w)).count();
            if overlap >= 2 && best.is_none_or(|(_, _, o)| overlap > o) {
                best = Some((k, n, overlap));
            }
        }
    }
    best.map(|(k, n, _)| segs[k].sentences.remove(n))
}

/// Small talk, irrelevant sensitive content, digressions and the time before business starts.
fn mark_excluded(segs: &mut [Seg], lex: &Lexicon, cues: &Cues) {
    let third: &[&str] = &[
        "han", "hon", "hun", "he", "she", "hans", "hennes", "hendes", "his", "her",
    ];
    let any_cue = |t: &Text| cues.any(t);
    // Business starts with the worker's purpose statement or the caller's reason.
    let start = segs
        .iter()
        .position(|s| {
            s.text.any(lex.purpose)
                || (s.speaker != Speaker::Worker && s.text.any(lex.caller_purpose))
        })
        .unwrap_or(0);
    for s in segs.iter_mut().take(start) {
        s.drop = true;
    }
    let n = segs.len();
    for i in start..n {
        let t = segs[i].text.clone();
        let sensitive = t.any(lex.sensitive);
        if sensitive {
            let about_others = segs[i].speaker == Speaker::Relative
                || segs[i].speaker == Speaker::Worker
                || t.any(lex.third_parties)
                || t.any(third);
            let redirected = (i + 1..(i + 3).min(n)).any(|k| is_redirect(&segs[k], lex));
            if about_others || redirected {
                segs[i].drop = true;
            }
        }
        if is_redirect(&segs[i], lex) {
            segs[i].drop = true;
            let mut k = i;
            while k > start && i - k < DIGRESSION_REACH {
                k -= 1;
                if segs[k].drop {
                    continue;
                }
                if any_cue(&segs[k].text) {
                    break;
                }
                segs[k].drop = true;
            }
        }
        let small = t.any(lex.small_talk) || t.any(lex.courtesy);
        let follows_small = i > start && segs[i - 1].small_talk && !any_cue(&t);
        if small || follows_small {
            segs[i].small_talk = true;
            if follows_small || !any_cue(&t) {
                segs[i].drop = true;
            } else {
                // Keep only the sentences that carry case content.
                segs[i].sentences.retain(|s| {
                    let st = Text::new(s);
                    !st.any(lex.small_talk) && !st.any(lex.courtesy) && any_cue(&st)
                });
            }
        }
    }
}

/// Someone steers away: "det hör väl inte hit", "Mamma…", "om vi går tillbaka till".
fn is_redirect(seg: &Seg, lex: &Lexicon) -> bool {
    if seg.text.any(lex.redirects) {
        return true;
    }
    let raw = seg.seg.text.trim();
    (raw.ends_with("...") || raw.ends_with('…')) && words(raw).len() == 1
}

/// Template cues indexed by their first two characters, so scoring a sentence only
/// tries the cues that can start at each of its words.
struct Cues {
    sections: usize,
    count: usize,
    index: HashMap<String, Vec<Cue>>,
}

struct Cue {
    id: usize,
    section: usize,
    text: String,
    whole: bool,
    weight: usize,
}

impl Cues {
    fn new(template: &Template) -> Cues {
        let mut index: HashMap<String, Vec<Cue>> = HashMap::new();
        let mut id = 0;
        for (section, s) in template.sections.iter().enumerate() {
            for c in &s.cues {
                let text = words(c).join(" ");
                if text.is_empty() {
                    continue;
                }
                let key: String = text.chars().take(2).collect();
                index.entry(key).or_default().push(Cue {
                    id,
                    section,
                    weight: 1 + text.contains(' ') as usize,
                    whole: c.ends_with(' '),
                    text,
                });
                id += 1;
            }
        }
        Cues {
            sections: template.sections.len(),
            count: id,
            index,
        }
    }

    /// Cue score per section; each cue counts once (phrases of several words count double).
    fn scores(&self, text: &Text) -> Vec<usize> {
        let mut out = vec![0; self.sections];
        let s = text.as_str();
        let bytes = s.as_bytes();
        let mut seen = vec![false; self.count];
        for (at, _) in s.match_indices(' ') {
            let rest = &s[at + 1..];
            let key: String = rest.chars().take(2).collect();
            let Some(candidates) = self.index.get(&key) else {
                continue;
            };
            for c in candidates {
                if !seen[c.id]
                    && rest.starts_with(&c.text)
                    && (!c.whole || bytes.get(at + 1 + c.text.len()) == Some(&b' '))
                {
                    seen[c.id] = true;
                    out[c.section] += c.weight;
                }
            }
        }
        out
    }

    fn any(&self, text: &Text) -> bool {
        self.scores(text).iter().any(|v| *v > 0)
    }
}

/// Index of the best-scoring section among those with one of `roles`, if any scores.
fn best_section(sc: &[usize], template: &Template, roles: &[SectionRole]) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (i, s) in template.sections.iter().enumerate() {
        if s.roles.iter().any(|r| roles.contains(r))
            && sc[i] > 0
            && best.is_none_or(|(_, b)| sc[i] > b)
        {
            best = Some((i, sc[i]));
        }
    }
    best.map(|(i, _)| i)
}

fn role_section(template: &Template, order: &[SectionRole]) -> Option<String> {
    order
        .iter()
        .find_map(|r| template.section_with_role(*r))
        .map(|s| s.id.clone())
}

/// Starts with a first-person subject followed closely by a verb of doing.
fn is_commitment(text: &Text, lex: &Lexicon) -> bool {
    let w = text.word_list();
    for (i, word) in w.iter().enumerate() {
        if lex.first_person.contains(word) {
            let window = w[i.saturating_sub(2)..(i + 5).min(w.len())].join(" ");
            let wt = Text::new(&window);
            if lex.action_verbs.iter().any(|v| wt.has(v))
                && !wt.any(&["inte", "ikke", "not", "aldrig", "never"])
            {
                return true;
            }
        }
    }
    false
}

/// Acts and sections for every kept sentence.
fn classify(segs: &[Seg], lex: &Lexicon, template: &Template, cues: &Cues) -> Vec<Sentence> {
    let facts_roles = [SectionRole::Facts, SectionRole::Area];
    let reason_section = role_section(template, &[SectionRole::Reason]);
    let reason_idx = template
        .sections
        .iter()
        .position(|s| s.roles.contains(&SectionRole::Reason));
    let view_idx = template
        .sections
        .iter()
        .position(|s| s.roles.contains(&SectionRole::View));
    let facts_fallback = role_section(template, &[SectionRole::Facts]);
    let n = segs.len();
    let mut out = Vec::new();
    let mut in_reason = false;
    let mut reason_content = false;
    // Whether the other party has told anything in a reason block yet.
    let mut reason_facts = false;
    // Section of the last fact from the other party, for sentences without cues.
    let mut last_fact: Option<(usize, String)> = None;
    // Cue scores of the current topic (the worker's last question and what followed).
    let mut topic: Vec<usize> = vec![0; template.sections.len()];
    for i in 0..n {
        let s = &segs[i];
        let sc = cues.scores(&s.text);
        let words_count = words(&s.seg.text).len();
        if s.speaker == Speaker::Worker {
            let opens = s.text.any(lex.purpose)
                || (words_count <= 5 && i * 5 < n && s.text.any(lex.open_prompts) && !reason_facts);
            if opens && !s.drop {
                in_reason = true;
                reason_content = false;
            } else if in_reason {
                let reason_score = reason_idx.map(|r| sc[r]).unwrap_or(0);
                let other = sc
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| Some(*k) != reason_idx)
                    .map(|(_, v)| *v)
                    .max()
                    .unwrap_or(0);
                if (s.seg.text.contains('?') && reason_score == 0 && reason_content)
                    || other > reason_score
                {
                    in_reason = false;
                }
            }
            if s.seg.text.contains('?') {
                topic = sc.clone();
            }
        } else {
            if s.text.any(lex.caller_purpose) {
                in_reason = true;
            }
            for (k, v) in sc.iter().enumerate() {
                topic[k] += v;
            }
        }
        if s.drop {
            continue;
        }
        let question = polar_question(segs, i, lex);
        let context_sc = cues.scores(&s.context);
        let mut prev_act: Option<Act> = None;
        let mut first_kept = true;
        let mut prev_section: Option<String> = None;
        for raw in s.sentences.iter() {
            // The interpreter relaying a question or describing the room is not the citizen's account.
            if s.speaker == Speaker::Interpreter
                && Text::new(raw).any(&[
                    "hun spørger",
                    "han spørger",
                    "hon frågar",
                    "han frågar",
                    "hun lytter",
                    "hon lyssnar",
                ])
            {
                continue;
            }
            let raw = strip_interpreter(raw, s.speaker, lex);
            let cleaned = clean_sentence(&raw, lex);
            if cleaned.is_empty()
                || words(&cleaned).len() < 2
                    && words(&cleaned).iter().all(|w| w.chars().count() < 5)
            {
                continue;
            }
            // A bare "det stämmer" adds nothing unless it answers a yes/no question.
            let bare_confirmation =
                words(&cleaned).len() <= 3 && Text::new(&cleaned).any(lex.confirmations);
            if bare_confirmation && !(first_kept && question.is_some()) {
                continue;
            }
            let text = normalize::normalize(&cleaned, lex_lang(lex));
            let t = Text::new(&text);
            let is_question = raw.trim_end().ends_with('?')
                && !(s.text.any(lex.caller_purpose) && reason_section.is_some());
            let mut ssc = cues.scores(&t);
            for (k, v) in context_sc.iter().enumerate() {
                ssc[k] += v;
            }
            let act = if s.speaker == Speaker::Worker {
                if is_question {
                    let lw = words(&text);
                    if let Some(skip) = informs_by_asking(&lw) {
                        let rest: Vec<&str> = text.split_whitespace().skip(skip).collect();
                        let rest = capitalise(rest.join(" ").trim_end_matches('?'));
                        if let Some(section) =
                            role_section(template, &[SectionRole::Actions, SectionRole::Planning])
                        {
                            out.push(Sentence {
                                seg: i,
                                speaker: s.speaker,
                                act: Act::Inform,
                                low_confidence: low_confidence(s.seg, &rest),
                                question: None,
                                text: format!("{rest}."),
                                section,
                            });
                            prev_act = Some(Act::Inform);
                        }
                    }
                    continue;
                }
                if raw.contains('!') {
                    continue;
                }
                worker_act(&t, &ssc, segs, i, lex, template).or(prev_act)
            } else {
                if is_question {
                    continue;
                }
                Some(
                    if s.text.any(lex.caller_purpose) && reason_section.is_some() {
                        Act::Reason
                    } else if is_commitment(&t, lex) {
                        Act::Action
                    } else if is_view(&t, s.speaker, lex) {
                        Act::View
                    } else if let Some(prev) =
                        prev_act.filter(|p| matches!(p, Act::View | Act::Action))
                    {
                        let own = role_section(
                            template,
                            if prev == Act::View {
                                &[SectionRole::View]
                            } else {
                                &[SectionRole::Actions, SectionRole::Planning]
                            },
                        )
                        .and_then(|id| template.sections.iter().position(|x| x.id == id))
                        .map(|k| ssc[k])
                        .unwrap_or(0);
                        if ssc.iter().all(|v| *v == 0) || own > 0 {
                            prev
                        } else {
                            Act::Fact
                        }
                    } else {
                        Act::Fact
                    },
                )
            };
            let Some(act) = act else { continue };
            let section = match act {
                Act::Reason => reason_section.clone().or_else(|| {
                    best_section(&ssc, template, &facts_roles)
                        .map(|k| template.sections[k].id.clone())
                }),
                Act::Decision => role_section(
                    template,
                    &[
                        SectionRole::Decisions,
                        SectionRole::Planning,
                        SectionRole::Actions,
                    ],
                ),
                Act::Planning => {
                    role_section(template, &[SectionRole::Planning, SectionRole::Actions])
                }
                Act::Action | Act::Inform => {
                    role_section(template, &[SectionRole::Actions, SectionRole::Planning])
                }
                Act::View => {
                    // The whole turn decides whether a wish is about a life area or a general view.
                    let seg_sc: Vec<usize> = sc.iter().zip(&ssc).map(|(a, b)| *a.max(b)).collect();
                    let area = best_section(&seg_sc, template, &[SectionRole::Area]);
                    let view_score = view_idx.map(|v| seg_sc[v]).unwrap_or(0) + 1;
                    match area {
                        Some(a) if seg_sc[a] > view_score => Some(template.sections[a].id.clone()),
                        _ => role_section(template, &[SectionRole::View]),
                    }
                }
                Act::Fact => {
                    if in_reason && reason_section.is_some() && s.speaker != Speaker::Worker {
                        reason_section.clone()
                    } else {
                        let roles: &[SectionRole] =
                            if matches!(s.speaker, Speaker::Citizen | Speaker::Interpreter) {
                                &[SectionRole::Facts, SectionRole::Area, SectionRole::View]
                            } else {
                                &facts_roles
                            };
                        best_section(&ssc, template, roles)
                            .map(|k| template.sections[k].id.clone())
                            .or_else(|| prev_section.clone())
                            .or_else(|| {
                                best_section(&topic, template, &facts_roles)
                                    .map(|k| template.sections[k].id.clone())
                            })
                            .or_else(|| {
                                last_fact
                                    .as_ref()
                                    .filter(|(at, _)| i - at <= 3)
                                    .map(|(_, sec)| sec.clone())
                            })
                            .or_else(|| facts_fallback.clone())
                    }
                }
            };
            let Some(section) = section else { continue };
            prev_act = Some(act);
            prev_section = Some(section.clone());
            let attach_question = std::mem::take(&mut first_kept);
            if s.speaker != Speaker::Worker && in_reason && act != Act::Reason {
                reason_content = true;
                reason_facts = true;
            }
            if s.speaker != Speaker::Worker && act == Act::Fact {
                last_fact = Some((i, section.clone()));
            }
            out.push(Sentence {
                seg: i,
                speaker: s.speaker,
                act,
                low_confidence: low_confidence(s.seg, &raw),
                question: if attach_question {
                    question.clone()
                } else {
                    None
                },
                text,
                section,
            });
        }
    }
    out
}

fn lex_lang(lex: &Lexicon) -> &'static str {
    if std::ptr::eq(lex, &lexicon::DA) {
        "da"
    } else if std::ptr::eq(lex, &lexicon::EN) {
        "en"
    } else {
        "sv"
    }
}

/// The worker's statements: decisions, plans, actions, information, restatements, observations.
fn worker_act(
    t: &Text,
    sc: &[usize],
    segs: &[Seg],
    i: usize,
    lex: &Lexicon,
    template: &Template,
) -> Option<Act> {
    let negated = t.any(lex.negations);
    if t.any(lex.decisions) && !negated {
        return Some(Act::Decision);
    }
    if t.any(lex.purpose) {
        return template
            .section_with_role(SectionRole::Reason)
            .map(|_| Act::Reason);
    }
    if t.any(lex.planning) || mentions_time(t, lex) {
        return Some(Act::Planning);
    }
    if is_commitment(t, lex) {
        return Some(Act::Action);
    }
    if t.any(lex.information) {
        return Some(Act::Inform);
    }
    // A restatement of what the other party just said, or an observation with case cues.
    let prev_other = i > 0 && segs[i - 1].speaker != Speaker::Worker;
    let first = t.word_list().first().copied().unwrap_or("");
    let addressed = matches!(first, "du" | "ni" | "you");
    let restates = prev_other && (addressed || shares_content(t, &segs[i - 1].text));
    let observes = sc.iter().zip(&template.sections).any(|(v, sec)| {
        *v > 0
            && sec
                .roles
                .iter()
                .any(|r| matches!(r, SectionRole::Area | SectionRole::Facts))
    });
    if restates || observes {
        Some(Act::Fact)
    } else {
        None
    }
}

/// A date, clock time or near-future expression: the worker is planning something.
fn mentions_time(t: &Text, lex: &Lexicon) -> bool {
    let w = t.word_list();
    let dated = w
        .windows(2)
        .any(|p| p[0].chars().all(|c| c.is_ascii_digit()) && lex.months.contains(&p[1]));
    dated || w.contains(&"kl") || t.any(lex.near_future)
}

fn shares_content(a: &Text, b: &Text) -> bool {
    let bw: Vec<&str> = b
        .word_list()
        .into_iter()
        .filter(|w| w.chars().count() >= 5)
        .collect();
    a.word_list()
        .into_iter()
        .filter(|w| w.chars().count() >= 5)
        .any(|w| bw.contains(&w))
}

/// The speaker's own wishes and views (for relatives: the citizen's, as they report them).
fn is_view(t: &Text, speaker: Speaker, lex: &Lexicon) -> bool {
    if !t.any(lex.wishes) {
        return false;
    }
    match speaker {
        Speaker::Relative => t.any(&[
            "hon vill",
            "han vill",
            "hon säger",
            "han säger",
            "hun vil",
            "han vil",
            "hun siger",
            "she wants",
            "he wants",
        ]),
        _ => true,
    }
}

fn strip_interpreter(sentence: &str, speaker: Speaker, _lex: &Lexicon) -> String {
    if speaker != Speaker::Interpreter {
        return sentence.to_string();
    }
    const PREFIXES: &[&str] = &[
        "hun siger, at ",
        "hun siger ",
        "han siger ",
        "hon säger ",
        "han säger ",
        "han siger, at ",
        "hun siger at ",
        "han siger at ",
        "hun siger, ",
        "han siger, ",
        "hon säger att ",
        "han säger att ",
        "hon säger, ",
        "han säger, ",
        "she says that ",
        "he says that ",
        "she says ",
        "he says ",
    ];
    let lower = sentence.to_lowercase();
    for p in PREFIXES {
        if lower.starts_with(p) {
            return capitalise(&sentence[p.len()..]);
        }
    }
    sentence.to_string()
}

/// If segment `i` answers a worker's yes/no question briefly ("Nej, det har hon inte."),
/// the question in statement form ("om hon har gjort någon minnesutredning").
fn polar_question(segs: &[Seg], i: usize, lex: &Lexicon) -> Option<(usize, String)> {
    if i == 0 || segs[i - 1].speaker != Speaker::Worker || segs[i].speaker == Speaker::Worker {
        return None;
    }
    let first = segs[i].sentences.first()?;
    let fw = words(first);
    let polar_word = matches!(
        fw.first().map(String::as_str),
        Some("ja" | "nej" | "jo" | "nä" | "yes" | "no")
    );
    let anaphoric = fw
        .iter()
        .skip(1)
        .take(3)
        .any(|w| matches!(w.as_str(), "det" | "den" | "dem" | "it"));
    if !polar_word || fw.len() > 6 || (fw.len() > 1 && !anaphoric) {
        return None;
    }
    let q = clean::sentences(&segs[i - 1].seg.text)
        .into_iter()
        .filter(|s| s.ends_with('?'))
        .max_by_key(|s| s.len())?;
    let mut qw: Vec<String> = q
        .trim_end_matches('?')
        .split_whitespace()
        .map(|w| w.to_string())
        .collect();
    while qw.first().is_some_and(|w| {
        let l = w.to_lowercase();
        let l = l.trim_matches(|c: char| !c.is_alphanumeric());
        matches!(l, "och" | "men" | "så" | "og" | "and" | "but") || lex.openers.contains(&l)
    }) {
        qw.remove(0);
    }
    if qw.len() < 3 {
        return None;
    }
    let lw: Vec<String> = qw
        .iter()
        .map(|w| {
            w.to_lowercase()
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_string()
        })
        .collect();
    if lex.question_words.contains(&lw[0].as_str()) || informs_by_asking(&lw).is_some() {
        return None;
    }
    // "Må jeg se …?" asks permission, not about the person.
    if matches!(
        (lw[0].as_str(), lw[1].as_str()),
        (
            "må" | "får" | "kan" | "ska" | "skal" | "may" | "can",
            "jeg" | "jag" | "i"
        )
    ) {
        return None;
    }
    let clause = if matches!(
        (lw[0].as_str(), lw[1].as_str(), lw[2].as_str()),
        ("vet", "du", "om") | ("ved", "du", "om")
    ) {
        qw[3..].join(" ")
    } else {
        // Verb-first question: "Har du haft färdtjänst?" → "du har haft färdtjänst".
        let mut v = qw.clone();
        v[0] = v[0].to_lowercase();
        v.swap(0, 1);
        v.join(" ")
    };
    let clause = decapitalise(clause.trim_end_matches(',').trim());
    Some((i - 1, clause))
}

/// "Vet du att vi har en anhörigkonsulent?" informs rather than asks: the number of
/// leading words to skip to get the information.
fn informs_by_asking(lw: &[String]) -> Option<usize> {
    let head: Vec<&str> = lw.iter().take(3).map(String::as_str).collect();
    match head.as_slice() {
        ["vet", "du", "att"]
        | ["ved", "du", "at"]
        | ["visste", "du", "att"]
        | ["vidste", "du", "at"] => Some(3),
        _ => None,
    }
}

fn low_confidence(seg: &Segment, text: &str) -> bool {
    if seg.confidence < LOW_CONFIDENCE {
        return true;
    }
    let w = words(text);
    seg.words.iter().any(|word| {
        word.confidence < LOW_WORD_CONFIDENCE && words(&word.text).iter().any(|x| w.contains(x))
    })
}

/// Sentences of one section close together in the conversation form one item.
/// A long item ends where the worker asks about something new.
fn group(sentences: Vec<Sentence>, asks: &[bool]) -> Vec<Vec<Sentence>> {
    let mut items: Vec<Vec<Sentence>> = Vec::new();
    for s in sentences {
        let open = items.iter_mut().rev().find(|it| it[0].section == s.section);
        match open {
            Some(it) => {
                let last = it.last().map(|l| l.seg).unwrap_or(0);
                let new_topic = it.len() >= ITEM_SPLIT && (last + 1..s.seg).any(|k| asks[k]);
                if s.seg - last <= ITEM_GAP && !new_topic {
                    it.push(s);
                } else {
                    items.push(vec![s]);
                }
            }
            None => items.push(vec![s]),
        }
    }
    items.sort_by_key(|it| it[0].seg);
    items
}

/// How the people in the meeting are referred to.
struct People {
    worker: Referent,
    citizen: Referent,
    relative: Referent,
    /// Whom the worker's "du" means: the citizen, or the relative when the citizen is absent.
    addressee: Referent,
}

impl People {
    fn new(ctx: &DraftContext, lex: &Lexicon, lang: &str) -> People {
        let find = |label: &str| ctx.participants.iter().find(|p| p.speaker == label);
        let make = |p: Option<&Participant>, noun: &str, describe: bool| Referent {
            name: p
                .and_then(|p| p.name.as_ref())
                .map(|n| n.split_whitespace().next().unwrap_or(n).to_string()),
            noun: noun.to_string(),
            description: if describe {
                p.and_then(|p| p.description.clone())
            } else {
                None
            },
            pronouns: Pronouns::for_person(lang, p.and_then(|p| p.pronoun.as_deref())),
        };
        let citizen_p = find("citizen");
        let relative_p = find("relative");
        let worker = make(find("worker"), lex.worker_noun, false);
        let citizen = make(citizen_p, lex.citizen_noun, false);
        let relative = make(relative_p, lex.relative_noun, true);
        let addressee = if citizen_p.is_none() && relative_p.is_some() {
            make(relative_p, lex.relative_noun, false)
        } else {
            citizen.clone()
        };
        People {
            worker,
            citizen,
            relative,
            addressee,
        }
    }

    fn of(&self, speaker: Speaker) -> &Referent {
        match speaker {
            Speaker::Worker => &self.worker,
            Speaker::Relative => &self.relative,
            Speaker::Citizen | Speaker::Interpreter => &self.citizen,
        }
    }
}

/// Journal text for one item: reported speech per speaker run, commitments and the
/// worker's actions with the person named as subject.
fn phrase_item(
    item: &[Sentence],
    segs: &[Seg],
    lex: &Lexicon,
    people: &People,
    lang: &str,
) -> String {
    let _ = segs;
    let mut parts: Vec<String> = Vec::new();
    let mut prev: Option<(Speaker, Act)> = None;
    for s in item {
        let who = people.of(s.speaker);
        let addressee = if s.speaker == Speaker::Worker {
            Some(&people.addressee)
        } else {
            None
        };
        let is_worker = s.speaker == Speaker::Worker;
        let converted = third_person(&s.text, lang, who, addressee, is_worker);
        let reported =
            matches!(s.act, Act::Fact | Act::View | Act::Reason) && s.speaker != Speaker::Worker;
        let same_run = prev == Some((s.speaker, s.act)) && s.question.is_none();
        let sentence = if let Some((_, q)) = &s.question {
            let q = third_person(q, lang, &people.worker, Some(&people.addressee), true);
            let polarity = segs[s.seg]
                .sentences
                .first()
                .and_then(|f| words(f).into_iter().next())
                .unwrap_or_default();
            let answer = decapitalise(converted.trim_end_matches('.'));
            let answer = if words(&answer).first() == Some(&polarity) {
                answer
            } else {
                format!("{polarity}, {answer}")
            };
            format!(
                "{} {q} {} {} {answer}.",
                lex.asked,
                lex.answers,
                who.label()
            )
        } else if same_run {
            converted
        } else if reported {
            let verb = if s.act == Act::View {
                lex.says
            } else {
                lex.tells
            };
            let via = if s.speaker == Speaker::Interpreter {
                format!(" ({})", lex.via_interpreter)
            } else {
                String::new()
            };
            format!("{}{via} {verb} {}", who.label(), decapitalise(&converted))
        } else if s.act == Act::Inform && !starts_with_first_person(&s.text, lex) {
            format!(
                "{} {} {}",
                who.label(),
                lex.informs,
                decapitalise(&converted)
            )
        } else if is_worker {
            converted
        } else {
            name_subject(&converted, who, &s.text, lex)
        };
        parts.push(sentence);
        prev = Some((s.speaker, s.act));
    }
    parts.join(" ")
}

fn starts_with_first_person(text: &str, lex: &Lexicon) -> bool {
    let first = words(text).into_iter().next().unwrap_or_default();
    lex.first_person.first().is_some_and(|fp| *fp == first)
}

/// "Jag ringer dem i morgon" → "Per ringer dem i morgon": a leading first-person subject becomes the name.
fn name_subject(converted: &str, who: &Referent, original: &str, lex: &Lexicon) -> String {
    if starts_with_first_person(original, lex) {
        let rest = converted.split_once(' ').map(|(_, r)| r).unwrap_or("");
        format!("{} {rest}", capitalise(&who.short()))
    } else {
        converted.to_string()
    }
}
