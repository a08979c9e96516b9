//! The conversation as the later stages see it: each segment's sentences after corrections
//! (stage 1b) and cleaning (stage 1), with the role of whoever said them (stage 2). One
//! cleaned sentence is a unit: what relevance, section classification and condensing
//! decide about.
use super::corrections;
use super::sentences::{clean, Sentence};
use super::speakers::Role;
use crate::language::LanguageData;
use crate::transcript::Transcript;
use std::ops::Range;

/// One sentence of one segment.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Index of its segment in the transcript.
    pub seg: usize,
    /// Position among the segment's sentences.
    pub idx: usize,
    /// The sentence after corrections, before cleaning (for matching what was said).
    pub raw: String,
    pub sentence: Sentence,
    /// The next segment, when its opening words finish this sentence (a recognition
    /// window cut the speaker off mid-sentence): the unit cites both.
    pub continued_in: Option<usize>,
}

impl Unit {
    /// The segments the unit's words come from.
    pub fn segments(&self) -> impl Iterator<Item = usize> {
        std::iter::once(self.seg).chain(self.continued_in)
    }
}

/// A transcript split into units.
#[derive(Debug, Clone, Default)]
pub struct Conversation {
    pub units: Vec<Unit>,
    /// The units of each segment.
    pub by_seg: Vec<Range<usize>>,
    /// Who said each segment.
    pub roles: Vec<Role>,
    /// Whether the segment's speaker came from the transcript (not estimated).
    pub labelled: Vec<bool>,
}

impl Conversation {
    /// Corrections, splitting and cleaning. Roles start as the transcript's labels (an
    /// unlabelled segment counts as the citizen until [`Conversation::set_roles`]).
    pub fn build(transcript: &Transcript, lang: &LanguageData) -> Conversation {
        let texts: Vec<&str> = transcript
            .segments
            .iter()
            .map(|s| s.text.as_str())
            .collect();
        let labels: Vec<Option<&str>> = transcript
            .segments
            .iter()
            .map(|s| s.speaker.as_deref())
            .collect();
        let mut sentences = corrections::apply(&texts, &labels, lang);
        let continued = rejoin(transcript, &mut sentences);
        let mut units = Vec::new();
        let mut by_seg = Vec::with_capacity(texts.len());
        for (seg, list) in sentences.into_iter().enumerate() {
            let start = units.len();
            let last = list.len().saturating_sub(1);
            for (idx, raw) in list.into_iter().enumerate() {
                let mut sentence = clean(&raw, lang);
                sentence.cut_start = idx == 0
                    && raw
                        .chars()
                        .find(|c| c.is_alphanumeric())
                        .is_some_and(char::is_lowercase);
                if !sentence.is_empty() || sentence.polarity.is_some() {
                    units.push(Unit {
                        seg,
                        idx,
                        raw,
                        sentence,
                        continued_in: (idx == last && continued[seg]).then_some(seg + 1),
                    });
                }
            }
            by_seg.push(start..units.len());
        }
        let labelled: Vec<bool> = labels
            .iter()
            .map(|l| l.is_some_and(|l| !l.trim().is_empty()))
            .collect();
        let roles = labels
            .iter()
            .map(|l| l.map(Role::from_label).unwrap_or(Role::Citizen))
            .collect();
        Conversation {
            units,
            by_seg,
            roles,
            labelled,
        }
    }

    pub fn set_roles(&mut self, roles: Vec<Role>) {
        self.roles = roles;
    }

    pub fn role(&self, unit: &Unit) -> Role {
        self.roles[unit.seg]
    }

    /// The segment's units.
    pub fn seg_units(&self, seg: usize) -> &[Unit] {
        &self.units[self.by_seg[seg].clone()]
    }

    /// The segment's cleaned text.
    pub fn seg_text(&self, seg: usize) -> String {
        self.seg_units(seg)
            .iter()
            .map(|u| u.sentence.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The question the worker asked just before segment `seg` (its last question
    /// sentence), when someone else speaks in `seg`.
    pub fn question_before(&self, seg: usize) -> Option<&Unit> {
        self.question_index(seg).map(|u| &self.units[u])
    }

    /// Index of the unit [`Conversation::question_before`] gives.
    pub fn question_index(&self, seg: usize) -> Option<usize> {
        let prev = seg.checked_sub(1)?;
        if self.roles[prev] != Role::Worker || self.roles[seg] == Role::Worker {
            return None;
        }
        // A question a window cut in two is the unit of the segment before, continued here.
        let start = self.by_seg[prev].start;
        let joined = start
            .checked_sub(1)
            .filter(|&u| self.units[u].continued_in == Some(prev));
        (joined.unwrap_or(start)..self.by_seg[prev].end)
            .rev()
            .find(|&u| self.units[u].sentence.question)
    }
}

/// Longest silence between two segments of one sentence cut by a recognition window.
const CUT_GAP_SECS: f64 = 1.5;

/// Puts a sentence that a window cut split over two segments back together: when a
/// segment's last sentence has no end mark and the next segment, said by the same speaker
/// right after, opens in lower case, that opening (up to its first sentence end) moves to
/// the first segment. Returns, per segment, whether its last sentence took words from the
/// next one.
fn rejoin(transcript: &Transcript, sentences: &mut [Vec<String>]) -> Vec<bool> {
    let segs = &transcript.segments;
    let mut continued = vec![false; sentences.len()];
    for k in 0..sentences.len().saturating_sub(1) {
        let (a, b) = (&segs[k], &segs[k + 1]);
        let same_speaker =
            a.speaker.as_deref().map(str::trim) == b.speaker.as_deref().map(str::trim);
        let open = sentences[k]
            .last()
            .is_some_and(|s| !s.trim_end().ends_with(['.', '!', '?', '…']));
        let lower = sentences[k + 1]
            .first()
            .and_then(|s| s.trim_start().chars().next())
            .is_some_and(char::is_lowercase);
        if same_speaker && open && lower && b.start - a.end <= CUT_GAP_SECS {
            let rest = sentences[k + 1].remove(0);
            if let Some(last) = sentences[k].last_mut() {
                last.push(' ');
                last.push_str(rest.trim());
            }
            continued[k] = true;
        }
    }
    continued
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::{Language, Languages};
    use crate::transcript::Segment;

    #[test]
    fn segments_become_cleaned_sentences_with_their_questions() {
        let all = Languages::builtin();
        let seg = |id: u32, who: Option<&str>, text: &str| Segment {
            id,
            start: id as f64,
            end: id as f64 + 1.0,
            text: text.into(),
            confidence: 1.0,
            words: vec![],
            speaker: who.map(String::from),
        };
        let t = Transcript {
            language: "en".into(),
            segments: vec![
                seg(
                    1,
                    Some("worker"),
                    "Right. And the stairs, how many are there?",
                ),
                seg(2, Some("citizen"), "Um, fourteen. No, hang on, thirteen."),
                seg(3, None, "Okay."),
            ],
        };
        let conv = Conversation::build(&t, all.get(Language::En));
        assert_eq!(conv.seg_text(1), "Thirteen.");
        assert_eq!(
            conv.question_before(1).map(|u| u.sentence.text.as_str()),
            Some("The stairs, how many are there?")
        );
        assert!(conv.question_before(0).is_none());
        assert_eq!(conv.labelled, [true, true, false]);
        assert_eq!(conv.roles[1], Role::Citizen);
        assert!(conv.seg_units(2).iter().all(|u| u.sentence.text.is_empty()));
    }

    /// An English transcript of (start, speaker, text) segments, each two seconds long.
    fn spoken(segments: &[(f64, &str, &str)]) -> Conversation {
        let t = Transcript {
            language: "en".into(),
            segments: segments
                .iter()
                .zip(1..)
                .map(|(&(start, who, text), id)| Segment {
                    id,
                    start,
                    end: start + 2.0,
                    text: text.into(),
                    confidence: 1.0,
                    words: vec![],
                    speaker: Some(who.into()),
                })
                .collect(),
        };
        Conversation::build(&t, Languages::builtin().get(Language::En))
    }

    #[test]
    fn a_sentence_cut_by_a_window_is_one_unit_citing_both_segments() {
        let conv = spoken(&[
            (0.0, "worker", "Okay. I will call"),
            (
                2.3,
                "worker",
                "your landlord this afternoon. Then we meet again.",
            ),
            (4.5, "citizen", "thank you."),
            (9.0, "citizen", "and the rent"),
            (15.0, "citizen", "is paid now."),
        ]);
        let joined = &conv.seg_units(0).last().unwrap();
        assert_eq!(
            joined.sentence.text,
            "I will call your landlord this afternoon."
        );
        assert_eq!(joined.segments().collect::<Vec<_>>(), [0, 1]);
        assert_eq!(conv.seg_text(1), "Then we meet again.");
        // Another speaker, or a long silence, is not a cut sentence.
        assert_eq!(conv.seg_units(1).last().unwrap().continued_in, None);
        assert!(conv.seg_units(3).iter().all(|u| u.continued_in.is_none()));
        assert!(!conv.seg_text(4).is_empty());
    }

    #[test]
    fn a_question_cut_by_a_window_is_still_the_question_before_the_answer() {
        let conv = spoken(&[
            (0.0, "worker", "Of course, how"),
            (2.2, "worker", "much do you owe at the moment?"),
            (4.5, "citizen", "About 400 pounds."),
        ]);
        assert_eq!(
            conv.question_before(2).map(|u| u.sentence.text.as_str()),
            Some("How much do you owe at the moment?")
        );
    }
}
