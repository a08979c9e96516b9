//! Stage 5, condensing to facts: kept sentences become items. An item is one fact or a
//! few tightly related ones: the kept sentences of one topic of the conversation — a
//! question of the worker and the answer to it, or a turn in which the worker says what
//! happens next — up to about [`MAX_WORDS`] words. Its section is decided for the item as a
//! whole (stage 4 scores every sentence), so a fact told in three sentences stays in one
//! place. Short items of one section close together are then joined.
use super::speakers::Role;
use super::units::Conversation;

/// Whether unit `u` is a worker's fragment that goes on from the kept sentence before it in
/// the same turn ("Då vill jag träffa Viggo. Torsdag den 23 april, på förmiddagen."): it
/// says nothing without that sentence, so the two stay in one item, whatever their sections.
pub fn continues(conv: &Conversation, u: usize, keep: &[bool]) -> bool {
    let unit = &conv.units[u];
    u > 0
        && keep[u - 1]
        && conv.units[u - 1].seg == unit.seg
        && !conv.units[u - 1].sentence.question
        && conv.role(unit) == Role::Worker
        && unit.sentence.short_answer
        && !unit.sentence.question
}

/// An item holds at most about this many words (one turn may run a little longer).
pub const MAX_WORDS: usize = 40;
const TURN_MAX_WORDS: usize = 55;
/// Two short items of one section this close are one topic told in two turns.
const MERGE_GAP: usize = 6;

/// A kept sentence on its way into an item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Kept {
    pub unit: usize,
    pub seg: usize,
    /// The topic of its segment (see [`super::topics`]).
    pub block: usize,
    /// Its length as it will be written.
    pub words: usize,
}

/// Groups kept sentences (in conversation order) into items: lists of indices into `kept`.
pub fn group(kept: &[Kept]) -> Vec<Vec<usize>> {
    let mut items: Vec<Vec<usize>> = Vec::new();
    let mut words = 0;
    for (k, s) in kept.iter().enumerate() {
        let open = items
            .last()
            .map(|it| kept[*it.last().expect("items are never empty")]);
        let fits = open.is_some_and(|last| {
            last.block == s.block
                && if last.seg == s.seg {
                    words + s.words <= TURN_MAX_WORDS
                } else {
                    words + s.words <= MAX_WORDS
                }
        });
        if fits {
            items.last_mut().expect("checked").push(k);
            words += s.words;
        } else {
            items.push(vec![k]);
            words = s.words;
        }
    }
    items
}

/// An item with its section, for joining.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub section: usize,
    pub units: Vec<usize>,
    pub first_seg: usize,
    pub last_seg: usize,
    pub words: usize,
}

/// Joins an item to the previous item of its section when they are close and short.
pub fn merge(items: Vec<Placed>) -> Vec<Placed> {
    let mut out: Vec<Placed> = Vec::new();
    for item in items {
        let prev = out
            .iter()
            .rposition(|p| p.section == item.section)
            .filter(|&i| {
                item.first_seg.saturating_sub(out[i].last_seg) <= MERGE_GAP
                    && out[i].words + item.words <= MAX_WORDS
            });
        match prev {
            Some(i) => {
                let p = &mut out[i];
                p.units.extend(item.units);
                p.last_seg = p.last_seg.max(item.last_seg);
                p.words += item.words;
            }
            None => out.push(item),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(unit: usize, seg: usize, block: usize, words: usize) -> Kept {
        Kept {
            unit,
            seg,
            block,
            words,
        }
    }

    #[test]
    fn a_workers_fragment_goes_on_from_the_sentence_before_it() {
        use crate::language::{Language, Languages};
        use crate::transcript::Transcript;
        let t = Transcript::of_turns(
            "sv",
            &[
                (
                    "worker",
                    "Då vill jag träffa Viggo. Torsdag den tjugotredje april, på förmiddagen. \
                     Går det? Tisdag.",
                ),
                ("citizen", "Jag jobbar natt. Söndag och måndag."),
            ],
        );
        let all = Languages::builtin();
        let conv = Conversation::build(&t, all.get(Language::Sv));
        let text = |u: usize| conv.units[u].sentence.text.as_str();
        let keep = vec![true; conv.units.len()];
        let going_on: Vec<&str> = (0..conv.units.len())
            .filter(|&u| continues(&conv, u, &keep))
            .map(text)
            .collect();
        assert_eq!(
            going_on,
            ["Torsdag den tjugotredje april, på förmiddagen."],
            "not after a question, not the citizen's"
        );
        let mut keep = keep;
        keep[0] = false;
        assert!(!continues(&conv, 1, &keep), "only from a kept sentence");
    }

    #[test]
    fn one_topic_makes_one_item_and_items_stay_short() {
        let kept = [
            k(0, 1, 0, 10),
            k(1, 1, 0, 10),
            k(2, 2, 0, 10),
            k(3, 4, 1, 10),
        ];
        assert_eq!(group(&kept), [vec![0, 1, 2], vec![3]]);
        let kept: Vec<Kept> = (0..5).map(|i| k(i, i, 0, 15)).collect();
        assert_eq!(group(&kept), [vec![0, 1], vec![2, 3], vec![4]]);
    }

    #[test]
    fn close_short_items_of_a_section_join() {
        let p = |section, units: Vec<usize>, first_seg, last_seg, words| Placed {
            section,
            units,
            first_seg,
            last_seg,
            words,
        };
        let merged = merge(vec![
            p(0, vec![0], 1, 2, 10),
            p(1, vec![1], 3, 3, 10),
            p(0, vec![2], 5, 5, 10),
            p(0, vec![3], 20, 20, 10),
        ]);
        assert_eq!(merged.len(), 3);
        assert_eq!(merged[0].units, [0, 2]);
    }
}
