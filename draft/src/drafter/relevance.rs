//! Stage 3, relevance: which sentences belong in the note. The learned model scores each
//! sentence; a few things are never kept on their own whatever the score: courtesy and
//! greetings, the worker's questions (they go in with the answer they got), a bare yes or
//! no, and sentences before the conversation gets to business that carry no section cue.
//! The note stays within a word budget: when it would grow past it, the least relevant
//! sentences go first.
use super::features::Context;
use super::numbers::number_word;
use super::speakers::Role;
use super::text::{stem, words, Text};
use super::units::Conversation;
use crate::language::LanguageData;
use std::collections::HashSet;

/// Share of the transcript's words a note may use at most: a journal note is a summary,
/// not the conversation re-voiced (the gold facts of the development meetings use about
/// 30 %; the ceiling is 40 %).
pub const BUDGET: f32 = 0.40;
/// Sentences the model gives less than this are never kept, budget or not. Chosen on the
/// development set leave-one-meeting-out, mean of eight training orders (0.1–0.3 tried:
/// recall 0.444 / 0.448 / 0.453 / 0.444 / 0.445 at 0.1 / 0.15 / 0.2 / 0.25 / 0.3).
pub const FLOOR: f32 = 0.2;
/// Weight of the exchange a sentence is said in: a sentence's relevance is its own score
/// mixed with the mean score of the other sentences of its exchange (a worker's question
/// and the answers to it), because facts and small talk both come in runs of turns.
/// Measured leave-one-meeting-out (0.2–0.6 tried; 0.3–0.5 alike).
pub const CONTEXT: f32 = 0.4;
/// How much length counts against a sentence when the budget is tight: the least
/// relevant per word goes first, relevance over length to this power (0 would ignore
/// length, 1 would rank by relevance per word; measured leave-one-meeting-out, 0.3–0.4
/// keep most facts).
pub const LENGTH: f32 = 0.3;
/// Below this many transcript words (about two minutes of speech) there is no budget: a
/// short exchange or dictation is kept whole.
pub const BUDGET_FROM: usize = 300;

/// A sentence this short (after cleaning) is courtesy when what was said is.
const COURTESY_WORDS: usize = 3;

/// Whether unit `u` may be kept at all, whatever the model says.
pub fn eligible(ctx: &Context, u: usize) -> bool {
    let unit = &ctx.conv.units[u];
    let s = &unit.sentence;
    if s.text.is_empty() {
        return false;
    }
    if ctx.conv.role(unit) == Role::Worker && s.question {
        return false;
    }
    // Cleaning takes "good" off "Good morning.": what is left of a short sentence is
    // courtesy when what was said is.
    let courtesy = ctx.lang.class("courtesy").any(&Text::new(&s.text))
        || (words(&s.text).len() <= COURTESY_WORDS
            && ctx.lang.class("courtesy").any(&Text::new(&unit.raw)));
    let cue = ctx.cues_any(u);
    !courtesy || cue
}

/// A worker's sentence this short is a reaction ("Perfekt.", "Vad häftigt.", "Jag
/// förstår.") unless it says a number, a date or a day, or what someone will do ("Jag
/// ringer.").
const REACTION_WORDS: usize = 2;

/// Whether unit `u` is a worker's sentence that only reacts to what was said. Such a
/// sentence is left out of the note, but the models learn from it as from any other.
pub fn reaction(ctx: &Context, u: usize) -> bool {
    let unit = &ctx.conv.units[u];
    let text = &unit.sentence.text;
    let t = Text::new(text);
    ctx.conv.role(unit) == Role::Worker
        && !unit.sentence.question
        && words(text).len() <= REACTION_WORDS
        && super::corrections::values(text, ctx.lang).is_empty()
        && ![
            "actions",
            "planning",
            "near_future",
            "decisions",
            "information",
        ]
        .iter()
        .any(|c| ctx.lang.class(c).any(&t))
}

/// A sentence is compared with the sentences of this many segments before it (and its own)
/// for [`repeats`].
const REPEAT_WINDOW: usize = 2;

/// Whether unit `u` only repeats what a sentence shortly before said (all its words are in
/// that sentence, by their stems: "Tio gånger." after "Natten till torsdag ringde hon tio
/// gånger.", "I fredags." after "Det var i fredag.", "Individuellt." after "Det är
/// individuella samtal."), so it adds nothing to a note. Only sentences that `eligible`
/// allows count as said before: a question is not an answer's repetition. The worker's echo
/// of what was just told may gather its words from several sentences and add an "okej"
/// ("24.2, and 26.8 in September." after "He's 24.2 kg. In September he was 26.8.").
pub fn repeats(conv: &Conversation, lang: &LanguageData, eligible: &[bool], u: usize) -> bool {
    let unit = &conv.units[u];
    // A number is said again only in full ("åttioett" is not "åttiotre").
    let key = |w: &String| {
        if number_word(w, &lang.numbers).is_some() {
            w.clone()
        } else {
            stem(w)
        }
    };
    let stems = |t: &str| -> HashSet<String> { words(t).iter().map(key).collect() };
    let own = stems(&unit.sentence.text);
    if own.is_empty() {
        return false;
    }
    let from = unit.seg.saturating_sub(REPEAT_WINDOW);
    let before: Vec<usize> = (0..u)
        .rev()
        .take_while(|&v| conv.units[v].seg >= from)
        .filter(|&v| eligible[v])
        .collect();
    let said = |v: usize| stems(&conv.units[v].sentence.text);
    if before.iter().any(|&v| own.is_subset(&said(v))) {
        return true;
    }
    if conv.role(unit) != Role::Worker {
        return false;
    }
    let told: HashSet<String> = before
        .iter()
        .filter(|&&v| conv.role(&conv.units[v]) != Role::Worker)
        .flat_map(|&v| said(v))
        .collect();
    let echo: Vec<String> = words(&unit.sentence.text)
        .iter()
        .filter(|w| !lang.compiled.openers.has_word(w))
        .map(key)
        .collect();
    !echo.is_empty() && echo.iter().all(|w| told.contains(w))
}

/// Relevance in context: `p[u]` mixed with the mean of the other eligible units of the same
/// exchange (`exchange[u]`) by [`CONTEXT`].
pub fn in_context(p: &[f32], eligible: &[bool], exchange: &[usize]) -> Vec<f32> {
    let count = exchange.iter().max().map_or(0, |e| e + 1);
    let mut sum = vec![(0.0f32, 0usize); count];
    for u in (0..p.len()).filter(|&u| eligible[u]) {
        sum[exchange[u]].0 += p[u];
        sum[exchange[u]].1 += 1;
    }
    (0..p.len())
        .map(|u| {
            let (mut s, mut n) = sum[exchange[u]];
            if eligible[u] {
                s -= p[u];
                n -= 1;
            }
            if n == 0 {
                p[u]
            } else {
                (1.0 - CONTEXT) * p[u] + CONTEXT * s / n as f32
            }
        })
        .collect()
}

/// A yes or no to a yes/no question says what the question says ("Vill du att jag skickar
/// en förfrågan?" – "Ja, det vill jag."): the short answer that opens the turn is worth at
/// least what the question is (`own` and `p`), and a bare "Ja." may be kept (`eligible`);
/// its phrasing turns the question into the statement.
pub fn lend_to_yes_no_answers(
    conv: &Conversation,
    lang: &LanguageData,
    eligible: &mut [bool],
    own: &mut [f32],
    p: &mut [f32],
) {
    for (s, range) in conv.by_seg.iter().enumerate() {
        let Some(u) = range.clone().next() else {
            continue;
        };
        let first = &conv.units[u].sentence;
        let answers = first.polarity.is_some()
            && words(&first.text).len() <= SHORT_YES_NO
            && conv.roles[s] != Role::Worker;
        let Some(q) = conv.question_index(s).filter(|_| answers) else {
            continue;
        };
        if super::questions::asks_yes_no(&conv.units[q].sentence.text, lang) {
            let bare = range
                .clone()
                .all(|x| conv.units[x].sentence.text.is_empty());
            eligible[u] = eligible[u] || bare;
            own[u] = own[u].max(own[q]);
            p[u] = p[u].max(p[q]);
        }
    }
}

/// A yes or no with at most this many words after it leans on its question.
const SHORT_YES_NO: usize = 5;

/// What a unit of relevance `p` and `words` words is worth to a note on a budget.
pub fn value(p: f32, words: usize) -> f32 {
    p / (words.max(1) as f32).powf(LENGTH)
}

/// The units to keep: eligible, scored at least `threshold` both on their own (`own`, the
/// model's relevance) and in context (`p`, see [`in_context`]) — an exchange can pull a
/// sentence below the floor but not lift one the model rejects — the most relevant in
/// context first within the word budget (by [`value`]). `words[u]` is the length of the
/// unit as written.
pub fn select(
    eligible: &[bool],
    own: &[f32],
    p: &[f32],
    words: &[usize],
    total_words: usize,
    threshold: f32,
) -> Vec<bool> {
    let mut keep: Vec<bool> = (0..p.len())
        .map(|u| eligible[u] && own[u] >= threshold && p[u] >= threshold)
        .collect();
    if keep.iter().all(|k| !k) {
        // A short dictation with one clear statement still gives a note.
        if let Some(best) = (0..p.len())
            .filter(|&u| eligible[u])
            .max_by(|&a, &b| p[a].total_cmp(&p[b]))
        {
            keep[best] = true;
        }
        return keep;
    }
    if total_words < BUDGET_FROM {
        return keep;
    }
    let budget = (total_words as f32 * BUDGET) as usize;
    let mut used: usize = (0..p.len()).filter(|&u| keep[u]).map(|u| words[u]).sum();
    let mut order: Vec<usize> = (0..p.len()).filter(|&u| keep[u]).collect();
    order.sort_by(|&a, &b| value(p[a], words[a]).total_cmp(&value(p[b], words[b])));
    for u in order {
        if used <= budget {
            break;
        }
        keep[u] = false;
        used -= words[u];
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sentence_that_only_repeats_one_before_adds_nothing() {
        use crate::language::{Language, Languages};
        use crate::transcript::Transcript;
        let t = Transcript::of_turns(
            "sv",
            &[
                ("worker", "Hur ofta ringer hon?"),
                (
                    "relative",
                    "Natten till torsdag ringde hon tio gånger. Tio gånger.",
                ),
                ("worker", "Ringer hon ofta?"),
                ("relative", "Hon ringer ofta."),
                (
                    "citizen",
                    "Det var den femte. Jag minns att det var en torsdag.",
                ),
                ("worker", "Den femte, en torsdag, okej. Den femte mars?"),
                ("citizen", "Ja. Mamma ringer ofta."),
                ("citizen", "Hon ringer inte ofta."),
                ("relative", "Det var i fredag. I fredags."),
                ("worker", "Det är individuella samtal, en gång i veckan."),
                ("citizen", "Individuellt. Inte i grupp."),
                ("relative", "Åttioett. Åttiotre."),
            ],
        );
        let all = Languages::builtin();
        let conv = Conversation::build(&t, all.get(Language::Sv));
        let eligible: Vec<bool> = conv.units.iter().map(|u| !u.sentence.question).collect();
        let said: Vec<bool> = (0..conv.units.len())
            .map(|u| repeats(&conv, all.get(Language::Sv), &eligible, u))
            .collect();
        let text = |u: usize| conv.units[u].sentence.text.as_str();
        let repeated: Vec<&str> = (0..said.len()).filter(|&u| said[u]).map(text).collect();
        assert_eq!(
            repeated,
            [
                "Tio gånger.",
                "Den femte, en torsdag, okej.",
                "I fredags.",
                "Individuellt."
            ],
            "a question is not said before; the worker's echo gathers words from sentences \
             before, the citizen's own words do not; a word's inflection says it again"
        );
    }

    #[test]
    fn a_workers_reaction_is_no_fact() {
        use crate::language::{Language, Languages};
        use crate::template::Templates;
        use crate::transcript::Transcript;
        let all = Languages::builtin();
        let lang = all.get(Language::Sv);
        let templates = Templates::builtin();
        let template = templates.get("sv-socialtjanst-journal").unwrap();
        let t = Transcript::of_turns(
            "sv",
            &[
                ("worker", "Perfekt. Vad häftigt. Jag förstår."),
                (
                    "worker",
                    "Jag ringer. Tre veckor. Du får beslutet skriftligt.",
                ),
                ("citizen", "Perfekt."),
            ],
        );
        let conv = Conversation::build(&t, lang);
        let ctx = Context::new(&conv, lang, template);
        let reactions: Vec<&str> = (0..conv.units.len())
            .filter(|&u| reaction(&ctx, u))
            .map(|u| conv.units[u].sentence.text.as_str())
            .collect();
        assert_eq!(reactions, ["Perfekt.", "Vad häftigt.", "Jag förstår."]);
    }

    #[test]
    fn an_exchange_lends_its_sentences_relevance() {
        // Two exchanges: a small-talk answer next to case content, and a lone sentence.
        let p = [0.2, 0.9, 0.8, 0.5];
        let eligible = [true, true, true, true];
        let exchange = [0, 0, 0, 1];
        let q = in_context(&p, &eligible, &exchange);
        assert!(q[0] > p[0] && q[1] < p[1], "{q:?}");
        assert_eq!(q[3], p[3], "alone in its exchange");
        // A sentence that may not be kept lends nothing.
        let q = in_context(&p, &[true, false, false, true], &exchange);
        assert_eq!(q[0], p[0]);
    }

    #[test]
    fn on_a_budget_a_long_sentence_must_be_more_relevant() {
        assert!(value(0.6, 10) > value(0.6, 40));
        assert!(value(0.9, 40) > value(0.5, 10), "relevance counts most");
    }

    #[test]
    fn the_budget_drops_the_least_relevant_first() {
        let eligible = [true; 4];
        let p = [0.9, 0.6, 0.55, 0.2];
        let words = [50, 50, 50, 50];
        let keep = select(&eligible, &p, &p, &words, 320, 0.5);
        assert_eq!(keep, [true, true, false, false], "budget 124 words");
        let keep = select(&eligible, &p, &p, &words, 100, 0.5);
        assert_eq!(keep, [true, true, true, false], "no budget for short texts");
        let low = [0.9, 0.1, 0.3, 0.2];
        let keep = select(&[false, true, true, true], &low, &low, &words, 100, 0.5);
        assert_eq!(
            keep,
            [false, false, true, false],
            "at least the best eligible unit"
        );
        // Both the sentence's own score and its score in context must clear the floor.
        let own = [0.9, 0.6, 0.4, 0.9];
        let keep = select(&eligible, &own, &p, &words, 100, 0.5);
        assert_eq!(keep, [true, true, false, false]);
    }
}
