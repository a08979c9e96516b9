//! Stage 3, relevance: which sentences belong in the note. The learned model scores each
//! sentence; a few things are never kept on their own whatever the score: courtesy and
//! greetings, the worker's questions (they go in with the answer they got), a bare yes or
//! no, and sentences before the conversation gets to business that carry no section cue.
//! The note stays within a word budget: when it would grow past it, the least relevant
//! sentences go first.
use super::features::Context;
use super::speakers::Role;
use super::text::Text;

/// Share of the transcript's words a note may use at most: a journal note is a summary,
/// not the conversation re-voiced (the gold facts of the development meetings use about
/// 30 %; the ceiling is 40 %).
pub const BUDGET: f32 = 0.39;
/// Sentences the model gives less than this are never kept, budget or not.
pub const FLOOR: f32 = 0.25;
/// Below this many transcript words (about two minutes of speech) there is no budget: a
/// short exchange or dictation is kept whole.
pub const BUDGET_FROM: usize = 300;

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
    let t = Text::new(&s.text);
    let courtesy = ctx.lang.class("courtesy").any(&t);
    let cue = ctx.cues_any(u);
    !courtesy || cue
}

/// The units to keep: eligible, scored at least `threshold`, the most relevant first
/// within the word budget. `p[u]` is the model's relevance, `words[u]` the length of the
/// unit as it will be written.
pub fn select(
    eligible: &[bool],
    p: &[f32],
    words: &[usize],
    total_words: usize,
    threshold: f32,
) -> Vec<bool> {
    let mut keep: Vec<bool> = (0..p.len())
        .map(|u| eligible[u] && p[u] >= threshold)
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
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
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
    fn the_budget_drops_the_least_relevant_first() {
        let eligible = [true; 4];
        let p = [0.9, 0.6, 0.55, 0.2];
        let words = [50, 50, 50, 50];
        let keep = select(&eligible, &p, &words, 320, 0.5);
        assert_eq!(keep, [true, true, false, false], "budget 124 words");
        let keep = select(&eligible, &p, &words, 100, 0.5);
        assert_eq!(keep, [true, true, true, false], "no budget for short texts");
        let keep = select(
            &[false, true, true, true],
            &[0.9, 0.1, 0.3, 0.2],
            &words,
            100,
            0.5,
        );
        assert_eq!(
            keep,
            [false, false, true, false],
            "at least the best eligible unit"
        );
    }
}
