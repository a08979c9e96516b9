//! Naming voices by what they say, once the transcript exists. The voice with the most
//! talk is taken for the citizen, which is wrong where a relative does the talking (a
//! husband speaking for his wife with dementia, a son for his father). A relative speaks
//! about the citizen: in the third person ("hon lagade mat", "he skips meals") and with
//! kinship words ("min fru", "far", "my dad"); the citizen speaks of themself ("jag",
//! "jeg", "I"). When both a citizen and a relative voice were found and the one named
//! citizen speaks clearly more about someone else than the one named relative, the two
//! names are swapped. A single other voice is never renamed: alone, the cue does not tell
//! a citizen from a relative well enough (see the README).
use crate::{Attribution, Role};

/// Both voices need this many words for the cue to count.
pub const MIN_WORDS: usize = 20;
/// The citizen-named voice must exceed the relative-named voice by this much (share of
/// words) before the names are swapped. Chosen on dev-01..06, where the relative's cue is
/// 0.066–0.144 above the citizen's: half the smallest of those margins.
pub const MARGIN: f64 = 0.03;

/// Words of one language that mark speaking about someone else or about oneself.
struct Cues {
    third: &'static [&'static str],
    kin: &'static [&'static str],
    first: &'static [&'static str],
}

fn cues(language: &str) -> Option<Cues> {
    Some(match language {
        "sv" => Cues {
            third: &["han", "hon", "hans", "hennes", "honom"],
            kin: &[
                "fru",
                "man",
                "pappa",
                "mamma",
                "far",
                "mor",
                "son",
                "dotter",
                "farfar",
                "morfar",
                "farmor",
                "mormor",
                "älskling",
                "gubben",
            ],
            first: &["jag", "mig", "min", "mitt", "mina"],
        },
        "da" => Cues {
            third: &["han", "hun", "hans", "hendes", "ham"],
            kin: &[
                "kone", "mand", "far", "mor", "søn", "datter", "sønnen", "datteren", "skat",
            ],
            first: &["jeg", "mig", "min", "mit", "mine"],
        },
        "en" => Cues {
            third: &["he", "she", "his", "her", "him"],
            kin: &[
                "wife", "husband", "dad", "mum", "mom", "father", "mother", "son", "daughter",
            ],
            first: &["i", "me", "my", "mine", "myself"],
        },
        _ => return None,
    })
}

/// Talk about someone else minus talk about oneself, as a share of the words.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    words: usize,
    other: usize,
    own: usize,
}

impl Tally {
    fn add(&mut self, text: &str, cues: &Cues) {
        for word in text
            .split(|c: char| !c.is_alphanumeric() && c != '\'')
            .filter(|w| !w.is_empty())
        {
            let word = word.to_lowercase();
            self.words += 1;
            let w = word.as_str();
            if cues.third.contains(&w) || cues.kin.contains(&w) {
                self.other += 1;
            }
            if cues.first.contains(&w) {
                self.own += 1;
            }
        }
    }

    fn score(&self) -> f64 {
        (self.other as f64 - self.own as f64) / self.words.max(1) as f64
    }
}

/// Swaps the citizen and relative names when what they said contradicts them. `spans`
/// are the recognised words (or segments) with their times in seconds; each counts for
/// the voice speaking at its middle. Returns whether the names were swapped.
pub fn rename_by_speech(
    attribution: &mut Attribution,
    spans: &[(f64, f64, &str)],
    language: &str,
) -> bool {
    let Some(cues) = cues(language) else {
        return false;
    };
    let voice_of = |role: Role| {
        let mut found = attribution.voices.iter().filter(|v| v.role == role);
        match (found.next(), found.next()) {
            (Some(v), None) => Some(v.id),
            _ => None,
        }
    };
    let (Some(citizen), Some(relative)) = (voice_of(Role::Citizen), voice_of(Role::Relative))
    else {
        return false;
    };
    let (mut as_citizen, mut as_relative) = (Tally::default(), Tally::default());
    for (start, end, text) in spans {
        match attribution.at((start + end) / 2.0).map(|t| t.voice) {
            Some(v) if v == citizen => as_citizen.add(text, &cues),
            Some(v) if v == relative => as_relative.add(text, &cues),
            _ => {}
        }
    }
    let swap = as_citizen.words >= MIN_WORDS
        && as_relative.words >= MIN_WORDS
        && as_citizen.score() > as_relative.score() + MARGIN;
    if swap {
        let rename = |role: &mut Role, voice: u32| {
            if voice == citizen {
                *role = Role::Relative;
            } else if voice == relative {
                *role = Role::Citizen;
            }
        };
        for v in &mut attribution.voices {
            rename(&mut v.role, v.id);
        }
        for t in &mut attribution.turns {
            rename(&mut t.role, t.voice);
        }
    }
    swap
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Turn, Voice};

    fn attribution() -> Attribution {
        let turn = |start: f64, voice: u32, role: Role| Turn {
            start,
            end: start + 10.0,
            role,
            voice,
            confidence: 0.5,
            low_confidence: false,
        };
        Attribution {
            turns: vec![
                turn(0.0, 0, Role::Worker),
                turn(10.0, 1, Role::Citizen),
                turn(20.0, 2, Role::Relative),
            ],
            voices: vec![
                Voice {
                    id: 0,
                    role: Role::Worker,
                    seconds: 10.0,
                },
                Voice {
                    id: 1,
                    role: Role::Citizen,
                    seconds: 10.0,
                },
                Voice {
                    id: 2,
                    role: Role::Relative,
                    seconds: 10.0,
                },
            ],
        }
    }

    const HUSBAND: &str = "Hon lagade mat. Nu gör jag det. Hon vaknar klockan tre och klär på \
        sig, och tror att det är morgon. Min fru var lärare, förstår du, och hon har gått vilse \
        tre gånger. Polisen hittade henne vid bron.";
    const WIFE: &str = "Jag lagar mat. Jag har alltid lagat mat. Köttbullar. Jag klarar mig, \
        jag har alltid klarat mig. Jag vet inte vad det här är för ställe, men jag trivs här.";

    #[test]
    fn a_relative_named_citizen_is_renamed_by_talk_about_someone_else() {
        let mut a = attribution();
        let spans = [(12.0, 13.0, HUSBAND), (22.0, 23.0, WIFE)];
        assert!(rename_by_speech(&mut a, &spans, "sv"));
        assert_eq!(a.voices[1].role, Role::Relative);
        assert_eq!(a.voices[2].role, Role::Citizen);
        assert_eq!(a.at(15.0).unwrap().role, Role::Relative);
        assert_eq!(a.at(25.0).unwrap().role, Role::Citizen);
        assert_eq!(a.at(5.0).unwrap().role, Role::Worker);
    }

    #[test]
    fn names_that_fit_what_was_said_stay() {
        let mut a = attribution();
        let spans = [(12.0, 13.0, WIFE), (22.0, 23.0, HUSBAND)];
        assert!(!rename_by_speech(&mut a, &spans, "sv"));
        assert_eq!(a, attribution());
    }

    #[test]
    fn too_few_words_an_unknown_language_or_one_other_voice_change_nothing() {
        let mut a = attribution();
        assert!(!rename_by_speech(
            &mut a,
            &[(12.0, 13.0, "Hon lagade mat."), (22.0, 23.0, WIFE)],
            "sv"
        ));
        assert!(!rename_by_speech(
            &mut a,
            &[(12.0, 13.0, HUSBAND), (22.0, 23.0, WIFE)],
            "fi"
        ));
        a.voices.pop();
        assert!(!rename_by_speech(
            &mut a,
            &[(12.0, 13.0, HUSBAND), (22.0, 23.0, WIFE)],
            "sv"
        ));
        assert_eq!(a.voices[1].role, Role::Citizen);
    }
}
