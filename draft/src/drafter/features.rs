//! What the learned models see of a unit: its words and word stems, the speaker's role, its
//! place in the meeting and in the turn, the neighbouring turns (the worker's question
//! before an answer), word classes from the language data (wishes, plans, courtesy, …,
//! the same feature in every language) and the template's section cues.
use super::corrections::{values, Kind};
use super::speakers::Role;
use super::text::{stem, words, Phrases, Text};
use super::units::{Conversation, Unit};
use crate::language::LanguageData;
use crate::template::{Role as SectionRole, Template};
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// A named feature and its value.
pub type Feature = (String, f32);

/// Whether a feature names words of one meeting's text (words and stems) rather
/// than something every meeting has (role, place, word classes, specificity). Relevance
/// learns only from the latter: measured leave-one-meeting-out, the words of seventeen
/// meetings tell what matters in an eighteenth worse than the general features alone.
pub fn lexical(name: &str) -> bool {
    ["w:", "s:", "q:w:", "q:s:"]
        .iter()
        .any(|p| name.starts_with(p))
}

/// Number of cue features per (unit, section).
pub const CUES: usize = 5;

/// Cues of each template section, compiled.
pub struct SectionCues {
    cues: Vec<Phrases>,
}

impl SectionCues {
    pub fn new(template: &Template) -> SectionCues {
        SectionCues {
            cues: template
                .sections
                .iter()
                .map(|s| Phrases::new(&s.cues))
                .collect(),
        }
    }

    fn count(&self, section: usize, t: &Text) -> f32 {
        self.cues[section].count(t) as f32
    }
}

/// The class key of a section shared across templates: its roles ("facts",
/// "actions+decisions+planning").
pub fn role_key(roles: &[SectionRole]) -> String {
    let mut names: Vec<&str> = roles
        .iter()
        .map(|r| match r {
            SectionRole::Reason => "reason",
            SectionRole::Facts => "facts",
            SectionRole::Area => "area",
            SectionRole::View => "view",
            SectionRole::Actions => "actions",
            SectionRole::Decisions => "decisions",
            SectionRole::Planning => "planning",
        })
        .collect();
    names.sort_unstable();
    format!("role:{}", names.join("+"))
}

/// The class key of one section of one template.
pub fn section_key(template: &Template, section: usize) -> String {
    format!("sec:{}/{}", template.id, template.sections[section].id)
}

fn length_bin(n: usize) -> &'static str {
    match n {
        0..=3 => "0-3",
        4..=7 => "4-7",
        8..=15 => "8-15",
        _ => "16+",
    }
}

/// Words and five-letter stems (which carry across inflections and compounds). Character
/// 4-grams were measured too: leave-one-meeting-out they did not change section accuracy
/// (0.647 with, 0.642 without) and tripled the weights file, so they are left out.
fn add_words(out: &mut Vec<Feature>, prefix: &str, text: &str) {
    for w in words(text) {
        if w.chars().any(|c| c.is_ascii_digit()) {
            out.push((format!("{prefix}w:#"), 1.0));
            continue;
        }
        if w.chars().count() > 5 {
            out.push((format!("{prefix}s:{}", stem(&w)), 1.0));
        }
        out.push((format!("{prefix}w:{w}"), 1.0));
    }
}

fn add_classes(
    out: &mut Vec<Feature>,
    prefix: &str,
    t: &Text,
    lang: &LanguageData,
) -> Vec<&'static str> {
    let mut found = Vec::new();
    for (name, p) in &lang.compiled.classes {
        if p.any(t) {
            out.push((format!("{prefix}c:{name}"), 1.0));
            found.push(*name);
        }
    }
    found
}

/// Features of segment `seg` that do not depend on who said it: for estimating the
/// speaker when the transcript has no labels.
pub fn speaker_features(
    conv: &Conversation,
    seg: usize,
    segs: usize,
    lang: &LanguageData,
) -> Vec<Feature> {
    let mut out: Vec<Feature> = vec![("b".into(), 1.0)];
    let text = conv.seg_text(seg);
    let t = Text::new(&text);
    add_words(&mut out, "", &text);
    add_classes(&mut out, "", &t, lang);
    let units = conv.seg_units(seg);
    if units.iter().any(|u| u.sentence.question) {
        out.push(("q".into(), 1.0));
    }
    if units.iter().any(|u| u.sentence.polarity.is_some()) {
        out.push(("pol".into(), 1.0));
    }
    out.push((format!("len:{}", length_bin(words(&text).len())), 1.0));
    out.push((format!("pos:{}", position(seg, segs)), 1.0));
    if seg > 0 && conv.seg_units(seg - 1).iter().any(|u| u.sentence.question) {
        out.push(("prevq".into(), 1.0));
    }
    out
}

fn position(seg: usize, segs: usize) -> usize {
    (seg * 10 / segs.max(1)).min(9)
}

/// Everything about a unit that the relevance and section models use.
pub struct UnitFeatures {
    pub features: Vec<Feature>,
    /// Cue counts for each section of the template (see [`CUES`]).
    pub cues: Vec<[f32; CUES]>,
}

/// Context of the whole conversation computed once.
pub struct Context<'a> {
    pub conv: &'a Conversation,
    pub lang: &'a LanguageData,
    pub template: &'a Template,
    pub cues: SectionCues,
    /// Index of the segment where business starts (the worker's purpose or the caller's reason).
    pub business: usize,
    seg_texts: Vec<Text>,
    /// Cue counts of every section in every segment and every unit, counted once.
    seg_cues: Vec<Vec<f32>>,
    unit_cues: Vec<Vec<f32>>,
    /// Each segment's content words (four letters or more).
    seg_words: Vec<HashSet<String>>,
    /// In how many segments each content word occurs.
    spread: HashMap<String, usize>,
}

/// Content words of a text: four letters or more, numbers aside.
fn content_words(text: &str) -> HashSet<String> {
    words(text)
        .into_iter()
        .filter(|w| w.chars().count() >= 4 && !w.chars().any(|c| c.is_ascii_digit()))
        .collect()
}

impl<'a> Context<'a> {
    pub fn new(
        conv: &'a Conversation,
        lang: &'a LanguageData,
        template: &'a Template,
    ) -> Context<'a> {
        let seg_texts: Vec<Text> = (0..conv.by_seg.len())
            .map(|s| Text::new(&conv.seg_text(s)))
            .collect();
        let purpose = lang.class("purpose");
        let caller = lang.class("caller_purpose");
        let business = seg_texts
            .iter()
            .enumerate()
            .position(|(s, t)| purpose.any(t) || (conv.roles[s] != Role::Worker && caller.any(t)))
            .unwrap_or(0);
        let seg_words: Vec<HashSet<String>> = (0..conv.by_seg.len())
            .map(|s| content_words(&conv.seg_text(s)))
            .collect();
        let mut spread: HashMap<String, usize> = HashMap::new();
        for ws in &seg_words {
            for w in ws {
                *spread.entry(w.clone()).or_default() += 1;
            }
        }
        let cues = SectionCues::new(template);
        let sections = template.sections.len();
        let seg_cues = seg_texts
            .iter()
            .map(|t| (0..sections).map(|k| cues.count(k, t)).collect())
            .collect();
        let unit_cues = conv
            .units
            .iter()
            .map(|u| {
                let t = Text::new(&u.sentence.text);
                (0..sections).map(|k| cues.count(k, &t)).collect()
            })
            .collect();
        Context {
            conv,
            lang,
            template,
            cues,
            business,
            seg_texts,
            seg_cues,
            unit_cues,
            seg_words,
            spread,
        }
    }

    /// Whether the worker answers segment `seg` by saying it will not be written down
    /// ("I won't record that."): the worker has decided, so it never goes in the note.
    pub fn unrecorded(&self, seg: usize) -> bool {
        let next = seg + 1;
        next < self.seg_texts.len()
            && self.conv.roles[seg] != Role::Worker
            && self.conv.roles[next] == Role::Worker
            && self.lang.class("unrecorded").any(&self.seg_texts[next])
    }

    /// Whether the speaker of unit `u` asks, later in the same turn, that it is not written
    /// down ("… Nå, det skal du ikke skrive."): the draft leaves it out; the worker may still
    /// add it, knowing the citizen asked.
    pub fn off_record(&self, u: usize) -> bool {
        let conv = self.conv;
        let unit = &conv.units[u];
        let asks = self.lang.class("off_record");
        conv.role(unit) != Role::Worker
            && conv.by_seg[unit.seg]
                .clone()
                .filter(|&k| k >= u)
                .any(|k| asks.any(&Text::new(&conv.units[k].raw)))
    }

    /// Features of unit `u`.
    pub fn unit(&self, u: usize) -> UnitFeatures {
        let conv = self.conv;
        let unit: &Unit = &conv.units[u];
        let lang = self.lang;
        let segs = conv.by_seg.len();
        let role = conv.role(unit).voice();
        let r = role.name();
        let s = &unit.sentence;
        let t = Text::new(&s.text);
        let mut f: Vec<Feature> = vec![("b".into(), 1.0), (format!("r:{r}"), 1.0)];
        add_words(&mut f, "", &s.text);
        let classes = add_classes(&mut f, "", &t, lang);
        for c in &classes {
            f.push((format!("r:{r}&c:{c}"), 1.0));
        }
        let n = words(&s.text).len();
        f.push((format!("len:{}", length_bin(n)), 1.0));
        // How specific and how topical the sentence is, in any language.
        let own = content_words(&s.text);
        let long = own.iter().filter(|w| w.chars().count() >= 7).count();
        f.push(("spec:long".into(), (long as f32).min(4.0) / 2.0));
        let caps = s
            .text
            .split_whitespace()
            .skip(1)
            .filter(|w| {
                w.chars().next().is_some_and(char::is_uppercase)
                    && !lang.grammar.first_subject.contains(&w.to_lowercase())
            })
            .count();
        f.push(("spec:caps".into(), (caps as f32).min(3.0)));
        let topical = own
            .iter()
            .filter(|w| self.spread.get(*w).copied().unwrap_or(0) >= 3)
            .count();
        f.push(("topical".into(), (topical as f32).min(4.0) / 2.0));
        // Someone else picks up its words in the next turn (the worker repeats what matters).
        if let Some(next) = (unit.seg + 1 < segs).then_some(unit.seg + 1) {
            if conv.roles[next] != conv.role(unit) {
                let echo = own
                    .iter()
                    .filter(|w| self.seg_words[next].contains(*w))
                    .count();
                f.push((format!("r:{r}&echo"), (echo as f32).min(3.0)));
            }
        }
        if let Some(q) = conv.question_before(unit.seg) {
            let asked = own
                .iter()
                .filter(|w| content_words(&q.sentence.text).contains(*w))
                .count();
            f.push(("asked".into(), (asked as f32).min(3.0)));
        }
        let in_seg = conv.by_seg[unit.seg].len();
        f.push((format!("idx:{}", unit.idx.min(3)), 1.0));
        if unit.idx + 1 == in_seg {
            f.push(("last".into(), 1.0));
        }
        f.push((
            format!(
                "seglen:{}",
                length_bin(self.seg_texts[unit.seg].word_list().len() / 3)
            ),
            1.0,
        ));
        f.push((format!("pos:{}", position(unit.seg, segs)), 1.0));
        f.push((format!("r:{r}&pos:{}", position(unit.seg, segs) / 4), 1.0));
        if unit.seg < self.business {
            f.push(("before_business".into(), 1.0));
        }
        if s.question {
            f.push((format!("r:{r}&q"), 1.0));
        }
        if s.fragment {
            f.push((format!("r:{r}&frag"), 1.0));
        }
        if s.text.is_empty() {
            f.push(("empty".into(), 1.0));
        }
        if let Some(p) = s.polarity {
            f.push((format!("r:{r}&pol:{p}"), 1.0));
        }
        if unit.idx == 0 {
            f.push(("first".into(), 1.0));
        }
        for v in values(&unit.raw, lang) {
            let k = match v.kind {
                Kind::Number => "num",
                Kind::Ordinal => "ord",
                Kind::Weekday => "wd",
            };
            f.push((format!("v:{k}"), 1.0));
        }
        if lang.compiled.months.any(&t) {
            f.push(("v:month".into(), 1.0));
        }
        // The turn before: who spoke and what the worker asked.
        if let Some(prev) = unit.seg.checked_sub(1) {
            f.push((
                format!("r:{r}&prev:{}", conv.roles[prev].voice().name()),
                1.0,
            ));
            if let Some(q) = conv.question_before(unit.seg) {
                f.push(("answer".into(), 1.0));
                add_words(&mut f, "q:", &q.sentence.text);
                let qt = Text::new(&q.sentence.text);
                for c in add_classes(&mut Vec::new(), "", &qt, lang) {
                    f.push((format!("q:c:{c}"), 1.0));
                }
            }
            let pt = &self.seg_texts[prev];
            if lang.class("small_talk").any(pt) || lang.class("courtesy").any(pt) {
                f.push(("prev_small_talk".into(), 1.0));
            }
        }
        // The turns after: a redirect means this was a digression.
        let after = (unit.seg + 1..(unit.seg + 3).min(segs))
            .any(|k| lang.class("redirects").any(&self.seg_texts[k]));
        if after {
            f.push(("redirect_next".into(), 1.0));
        }
        if let Some(next) = (unit.seg + 1 < segs).then_some(unit.seg + 1) {
            f.push((
                format!("r:{r}&next:{}", conv.roles[next].voice().name()),
                1.0,
            ));
        }
        let cues = self.cue_features(u);
        let any_cue: f32 = cues.iter().map(|c| c[0]).sum();
        f.push(("cue".into(), any_cue.min(3.0)));
        f.push((format!("r:{r}&cue"), any_cue.min(3.0)));
        UnitFeatures { features: f, cues }
    }

    /// Features of the boundary between the exchange of segments `prev` and the one the
    /// worker opens at segment `start`: does the worker follow up or move on? A short
    /// question, an "and", a pronoun for something said before, words of the answer
    /// picked up, the same section's cues on both sides all speak for following up.
    pub fn boundary(&self, prev: Range<usize>, start: usize) -> Vec<Feature> {
        let conv = self.conv;
        let lang = self.lang;
        let segs = conv.by_seg.len();
        let units = conv.seg_units(start);
        let mut f: Vec<Feature> = vec![("b".into(), 1.0)];
        let turn = self.seg_texts[start].word_list().len();
        f.push((format!("j:turn:{}", length_bin(turn)), 1.0));
        let question = units.iter().position(|u| u.sentence.question);
        match question {
            Some(q) => {
                let qt = &units[q].sentence.text;
                f.push((format!("j:q:{}", length_bin(words(qt).len())), 1.0));
                if q > 0 {
                    f.push(("j:said_first".into(), 1.0));
                }
                let lw = words(qt);
                if lw
                    .first()
                    .is_some_and(|w| lang.compiled.question_words.has_word(w))
                {
                    f.push(("j:wh".into(), 1.0));
                }
                if lang.compiled.requests.prefix_len(&lw).is_some() {
                    f.push(("j:request".into(), 1.0));
                }
            }
            None => f.push(("j:statement".into(), 1.0)),
        }
        if let Some(first) = units.first() {
            let raw = words(&first.raw);
            if raw
                .first()
                .is_some_and(|w| lang.compiled.leading_conjunctions.has_word(w))
            {
                f.push(("j:and".into(), 1.0));
            }
            // The worker repeats the answer before going on ("Thirteen. And how …").
            let own = content_words(&first.sentence.text);
            if !first.sentence.question
                && !own.is_empty()
                && start > 0
                && own.iter().all(|w| self.seg_words[start - 1].contains(w))
            {
                f.push(("j:echo".into(), 1.0));
            }
        }
        let t = &self.seg_texts[start];
        for (name, p) in &lang.compiled.classes {
            if p.any(t) {
                f.push((format!("j:c:{name}"), 1.0));
            }
        }
        let before: HashSet<&String> = prev.clone().flat_map(|s| &self.seg_words[s]).collect();
        let overlap = self.seg_words[start]
            .iter()
            .filter(|w| before.contains(w))
            .count();
        f.push(("j:overlap".into(), (overlap as f32).min(3.0)));
        if overlap == 0 {
            f.push(("j:overlap0".into(), 1.0));
        }
        let n = prev.len();
        f.push((format!("j:prev:{}", n.min(4)), 1.0));
        if let Some(last) = prev.clone().next_back() {
            if self.seg_texts[last].word_list().len() <= 3 {
                f.push(("j:prev_short".into(), 1.0));
            }
        }
        for s in prev.clone() {
            for name in ["small_talk", "courtesy"] {
                if lang.class(name).any(&self.seg_texts[s]) {
                    f.push((format!("j:prev:c:{name}"), 1.0));
                }
            }
        }
        // The section the cues point to on each side.
        let top = |range: Range<usize>| {
            let k = self.template.sections.len();
            let mut sum = vec![0.0f32; k];
            for s in range {
                for (a, b) in sum.iter_mut().zip(&self.seg_cues[s]) {
                    *a += b;
                }
            }
            (0..k)
                .filter(|&i| sum[i] > 0.0)
                .max_by(|&a, &b| sum[a].total_cmp(&sum[b]))
        };
        let next = start..(start + 2).min(segs);
        match (top(prev), top(next)) {
            (Some(a), Some(b)) if a == b => f.push(("j:cue_same".into(), 1.0)),
            (Some(_), Some(_)) => f.push(("j:cue_diff".into(), 1.0)),
            _ => f.push(("j:cue_none".into(), 1.0)),
        }
        f.push((format!("j:pos:{}", position(start, segs)), 1.0));
        f
    }

    /// Whether unit `u` has a cue of any section.
    pub fn cues_any(&self, u: usize) -> bool {
        self.unit_cues[u].iter().any(|c| *c > 0.0)
    }

    /// For each section: cues in the sentence, in the question before, in the whole
    /// segment, in the two segments on each side, and whether any is present.
    fn cue_features(&self, u: usize) -> Vec<[f32; CUES]> {
        let conv = self.conv;
        let unit = &conv.units[u];
        let q = conv.question_index(unit.seg);
        let lo = unit.seg.saturating_sub(2);
        let hi = (unit.seg + 3).min(conv.by_seg.len());
        (0..self.template.sections.len())
            .map(|k| {
                let own = self.unit_cues[u][k];
                let ctx: f32 = (lo..hi)
                    .filter(|&s| s != unit.seg)
                    .map(|s| self.seg_cues[s][k])
                    .sum();
                [
                    own.min(3.0),
                    q.map(|q| self.unit_cues[q][k]).unwrap_or(0.0).min(3.0),
                    self.seg_cues[unit.seg][k].min(3.0),
                    (ctx / 2.0).min(3.0),
                    (own > 0.0) as u8 as f32,
                ]
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drafter::units::Conversation;
    use crate::language::{Language, Languages};
    use crate::template::Templates;
    use crate::transcript::{Segment, Transcript};

    #[test]
    fn features_name_role_classes_question_and_cues_in_every_language() {
        let all = Languages::builtin();
        let templates = Templates::builtin();
        let seg = |id: u32, who: &str, text: &str| Segment {
            id,
            start: id as f64,
            end: id as f64 + 1.0,
            text: text.into(),
            confidence: 1.0,
            words: vec![],
            speaker: Some(who.into()),
        };
        let t = Transcript {
            language: "da".into(),
            segments: vec![
                seg(1, "worker", "Hvordan går det med at sove?"),
                seg(
                    2,
                    "citizen",
                    "Jeg sover dårligt, og jeg vil gerne have hjælp.",
                ),
            ],
        };
        let lang = all.get(Language::Da);
        let template = templates.get("da-fsiii").unwrap();
        let conv = Conversation::build(&t, lang);
        let ctx = Context::new(&conv, lang, template);
        let f = ctx.unit(1);
        let names: Vec<&str> = f.features.iter().map(|(n, _)| n.as_str()).collect();
        for expected in [
            "r:citizen",
            "c:wishes",
            "answer",
            "q:w:sove",
            "w:sover",
            "r:citizen&prev:worker",
        ] {
            assert!(names.contains(&expected), "{expected} in {names:?}");
        }
        let soevn = template
            .sections
            .iter()
            .position(|s| s.id == "soevn_hvile")
            .unwrap();
        assert!(
            f.cues[soevn][0] > 0.0 && f.cues[soevn][1] > 0.0,
            "{:?}",
            f.cues[soevn]
        );
        assert!(lexical("w:sover") && lexical("q:s:hjælp") && !lexical("c:wishes"));
    }
}
