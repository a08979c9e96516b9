//! Turns onto recognised segments. The recogniser cuts windows at pauses, not at changes
//! of speaker, so one segment can hold the end of one speaker and the start of the next;
//! it is split between the words where the voice changes (the words' own timestamps say
//! which turn each falls in).
use crate::{Attribution, Role, Turn};
use samtal_draft::transcript::{Segment, Word};
use serde::{Deserialize, Serialize};

/// A segment with its speaker (`segment.speaker` is set to the role's label) and how
/// sure the attribution is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelledSegment {
    pub segment: Segment,
    pub role: Role,
    pub voice: u32,
    pub confidence: f32,
    pub low_confidence: bool,
}

/// The turn that overlaps `start..end` most, or else the nearest in time.
fn turn_for(turns: &[Turn], start: f64, end: f64) -> Option<&Turn> {
    let overlap = |t: &Turn| (end.min(t.end) - start.max(t.start)).max(0.0);
    let gap = |t: &Turn| (t.start - end).max(start - t.end).max(0.0);
    turns.iter().max_by(|a, b| {
        overlap(a)
            .total_cmp(&overlap(b))
            .then(gap(b).total_cmp(&gap(a)))
    })
}

/// Labels `segments` with the speaker of their words, splitting a segment where the voice
/// changes between two words. Segment ids are renumbered 1.. in order; segments without
/// word timings are labelled whole. With no turns at all, nothing is labelled.
pub fn label_segments(segments: &[Segment], attribution: &Attribution) -> Vec<LabelledSegment> {
    let turns = &attribution.turns;
    if turns.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<LabelledSegment> = Vec::new();
    for segment in segments {
        let groups: Vec<(&Turn, Vec<Word>)> = if segment.words.is_empty() {
            turn_for(turns, segment.start, segment.end)
                .map(|t| vec![(t, Vec::new())])
                .unwrap_or_default()
        } else {
            let mut groups: Vec<(&Turn, Vec<Word>)> = Vec::new();
            for word in &segment.words {
                let Some(turn) = turn_for(turns, word.start, word.end) else {
                    continue;
                };
                match groups.last_mut() {
                    Some((t, words)) if t.voice == turn.voice => words.push(word.clone()),
                    _ => groups.push((turn, vec![word.clone()])),
                }
            }
            groups
        };
        let last = groups.len().saturating_sub(1);
        for (i, (turn, words)) in groups.into_iter().enumerate() {
            let mut piece = segment.clone();
            if !words.is_empty() && last > 0 {
                piece.start = if i == 0 {
                    segment.start
                } else {
                    words[0].start
                };
                piece.end = if i == last {
                    segment.end
                } else {
                    words[words.len() - 1].end
                };
                piece.text = words
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                piece.confidence =
                    words.iter().map(|w| w.confidence).sum::<f32>() / words.len() as f32;
                piece.words = words;
            }
            piece.speaker = Some(turn.role.as_str().to_string());
            out.push(LabelledSegment {
                segment: piece,
                role: turn.role,
                voice: turn.voice,
                confidence: turn.confidence,
                low_confidence: turn.low_confidence,
            });
        }
    }
    for (i, labelled) in out.iter_mut().enumerate() {
        labelled.segment.id = i as u32 + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Voice;

    fn turn(start: f64, end: f64, role: Role, voice: u32, confidence: f32) -> Turn {
        Turn {
            start,
            end,
            role,
            voice,
            confidence,
            low_confidence: confidence < 0.15,
        }
    }

    fn attribution() -> Attribution {
        Attribution {
            turns: vec![
                turn(0.0, 4.1, Role::Worker, 0, 0.8),
                turn(4.1, 9.0, Role::Citizen, 1, 0.1),
            ],
            voices: vec![
                Voice {
                    id: 0,
                    role: Role::Worker,
                    seconds: 4.0,
                },
                Voice {
                    id: 1,
                    role: Role::Citizen,
                    seconds: 5.0,
                },
            ],
        }
    }

    fn word(text: &str, start: f64, end: f64, confidence: f32) -> Word {
        Word {
            text: text.into(),
            start,
            end,
            confidence,
        }
    }

    fn segment(id: u32, words: Vec<Word>) -> Segment {
        Segment {
            id,
            start: words[0].start,
            end: words[words.len() - 1].end,
            text: words
                .iter()
                .map(|w| w.text.clone())
                .collect::<Vec<_>>()
                .join(" "),
            confidence: 0.9,
            words,
            speaker: None,
        }
    }

    #[test]
    fn a_segment_spanning_a_change_is_split_on_its_words() {
        let segments = vec![
            segment(
                1,
                vec![
                    word("Hello,", 0.2, 0.6, 0.9),
                    word("welcome.", 0.7, 1.2, 0.9),
                ],
            ),
            segment(
                2,
                vec![
                    word("Shall", 2.0, 2.3, 0.9),
                    word("we", 2.3, 2.5, 0.8),
                    word("start?", 2.5, 4.0, 0.7),
                    word("Yes,", 4.2, 4.5, 0.6),
                    word("please.", 4.6, 5.0, 0.5),
                ],
            ),
            segment(3, vec![word("Thanks.", 6.0, 6.5, 1.0)]),
        ];
        let out = label_segments(&segments, &attribution());
        let got: Vec<(u32, &str, &str)> = out
            .iter()
            .map(|l| (l.segment.id, l.segment.text.as_str(), l.role.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (1, "Hello, welcome.", "worker"),
                (2, "Shall we start?", "worker"),
                (3, "Yes, please.", "citizen"),
                (4, "Thanks.", "citizen"),
            ]
        );
        assert_eq!((out[1].segment.start, out[1].segment.end), (2.0, 4.0));
        assert_eq!((out[2].segment.start, out[2].segment.end), (4.2, 5.0));
        assert!((out[2].segment.confidence - 0.55).abs() < 1e-6);
        assert_eq!(out[2].segment.speaker.as_deref(), Some("citizen"));
        assert!(out[2].low_confidence && !out[1].low_confidence);
        assert_eq!(out[0].segment, {
            let mut s = segments[0].clone();
            s.speaker = Some("worker".into());
            s
        });
    }

    #[test]
    fn segments_without_words_or_outside_every_turn_take_the_nearest_turn() {
        let mut typed = segment(7, vec![word("Okay.", 8.5, 9.5, 1.0)]);
        typed.words.clear();
        let late = segment(8, vec![word("Bye.", 12.0, 12.4, 1.0)]);
        let out = label_segments(&[typed.clone(), late], &attribution());
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].segment.text, typed.text);
        assert!(out.iter().all(|l| l.role == Role::Citizen));
        assert!(label_segments(
            &[typed],
            &Attribution {
                turns: vec![],
                voices: vec![]
            }
        )
        .is_empty());
    }
}
