//! Stage 6a, person shift: a sentence said in the speaker's first person, and the worker's
//! "du"/"you", rewritten in the third person ("jag har alltid klarat mig själv" → "hen har
//! alltid klarat sig själv", "I'll ring you" → "Priya will ring Harold"), with English verbs
//! agreeing with their new subject ("I have" → "Harold has").
use super::speakers::Referent;
use super::text::capitalise;
use crate::language::LanguageData;

/// Tokens: words (with inner apostrophes and hyphens) and what lies between them.
fn tokens(s: &str) -> Vec<(bool, String)> {
    let chars: Vec<char> = s.chars().collect();
    let mut out: Vec<(bool, String)> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        let inner = matches!(c, '\'' | '’' | '-')
            && i > 0
            && chars[i - 1].is_alphanumeric()
            && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
        let is_word = c.is_alphanumeric() || inner;
        let c = if c == '’' { '\'' } else { c };
        match out.last_mut() {
            Some((w, t)) if *w == is_word => t.push(c),
            _ => out.push((is_word, c.to_string())),
        }
    }
    out
}

/// English -s for a present-tense verb ("want" → "wants", "watch" → "watches").
fn third_singular(verb: &str) -> String {
    if verb == "have" {
        "has".into()
    } else if verb.ends_with(['s', 'x', 'o']) || verb.ends_with("sh") || verb.ends_with("ch") {
        format!("{verb}es")
    } else if verb.ends_with('y')
        && !verb.ends_with("ay")
        && !verb.ends_with("ey")
        && !verb.ends_with("oy")
    {
        format!("{}ies", &verb[..verb.len() - 1])
    } else {
        format!("{verb}s")
    }
}

/// Who is being rewritten, and how.
pub struct Shift<'a> {
    pub speaker: &'a Referent,
    pub addressee: Option<&'a Referent>,
    /// The speaker's first "I" becomes their name (the worker's own actions).
    pub name_speaker: bool,
    /// The addressee's first mention is their name (not in a question put before a label).
    pub name_addressee: bool,
    /// "we" becomes "they" (not for the worker: the worker's "we" is the service).
    pub plural: bool,
}

/// Rewrites one sentence into the third person.
pub fn third_person(sentence: &str, lang: &LanguageData, shift: &Shift) -> String {
    let g = &lang.grammar;
    let english = !g.singular_agreement.is_empty();
    let mut toks = tokens(sentence);
    let lower: Vec<String> = toks.iter().map(|(_, t)| t.to_lowercase()).collect();
    let word_at = |i: usize| toks[i].0;
    let next_word = |i: usize| (i + 1..toks.len()).find(|&k| word_at(k));
    let prev_word = |i: usize| (0..i).rev().find(|&k| word_at(k));
    let first_word = (0..toks.len()).find(|&k| word_at(k));
    // Whether a word of `list` is the subject earlier in the clause of token `i` (then an
    // object pronoun for the same person is reflexive in Swedish and Danish: "du har
    // skrivit in dig" → "hen har skrivit in sig").
    let has_self = g.self_word.as_deref().is_some_and(|w| !w.is_empty());
    let subject_before = |i: usize, list: &[String]| {
        has_self
            && (0..i)
                .rev()
                .take_while(|&k| {
                    if word_at(k) {
                        !g.clause_openers.contains(&lower[k])
                    } else {
                        !toks[k].1.contains([',', '.', ';', ':', '?', '!'])
                    }
                })
                .any(|k| word_at(k) && list.contains(&lower[k]))
    };
    let mut named_speaker = false;
    let mut named_addressee = !shift.name_addressee;
    // Replacements by token index; agreement edits for the following verb.
    let mut out: Vec<Option<String>> = vec![None; toks.len()];
    let is_in = |list: &[String], w: &str| list.iter().any(|x| x == w);
    for i in 0..toks.len() {
        if !word_at(i) {
            continue;
        }
        let l = lower[i].as_str();
        let (base, suffix) = match l.split_once('\'') {
            Some((b, s)) => (b, Some(format!("'{s}"))),
            None => (l, None),
        };
        let subject_of = |who: &Referent, name: bool| {
            if name {
                who.short()
            } else {
                who.pronouns[0].clone()
            }
        };
        let mut subject: Option<(String, bool)> = None;
        let replacement: Option<String> = if is_in(&g.first_subject, base) {
            let name = shift.name_speaker && !named_speaker;
            named_speaker |= name;
            let s = subject_of(shift.speaker, name);
            subject = Some((s.clone(), name || shift.speaker.singular()));
            Some(s)
        } else if suffix.is_none() && is_in(&g.first_object, l) {
            let before: Vec<&str> = (0..i)
                .rev()
                .filter(|&k| word_at(k))
                .take(2)
                .map(|k| lower[k].as_str())
                .collect();
            // "det, der bekymrer mig" has its own subject: "bekymrer" alone makes no reflexive.
            let reflexive = next_word(i)
                .is_some_and(|k| Some(lower[k].as_str()) == g.self_word.as_deref())
                || (before.first().is_some_and(|p| is_in(&g.reflexive_verbs, p))
                    && !before
                        .get(1)
                        .is_some_and(|p| is_in(&g.subjects, p) && !is_in(&g.first_subject, p)))
                || (before.first().is_some_and(|p| is_in(&g.first_subject, p))
                    && before.get(1).is_some_and(|p| is_in(&g.reflexive_verbs, p)))
                || subject_before(i, &g.first_subject);
            Some(if reflexive {
                shift.speaker.pronouns[3].clone()
            } else if before.is_empty() {
                // "Me, Kayleigh, my partner." names who lives there: the person, by name.
                named_speaker = true;
                shift.speaker.short()
            } else if shift.name_speaker && !named_speaker {
                // "You told me" → "The client told the worker": named before a pronoun.
                named_speaker = true;
                shift.speaker.short()
            } else {
                shift.speaker.pronouns[1].clone()
            })
        } else if suffix.is_none() && is_in(&g.reflexive_words, l) {
            let who = if l.starts_with("my") {
                shift.speaker
            } else {
                shift.addressee.unwrap_or(shift.speaker)
            };
            Some(who.pronouns[3].clone())
        } else if let Some(p) = g.first_possessive.get(l) {
            // "min" → "sin" only where the speaker is the clause's subject ("jag ringer min
            // dotter" → "hon ringer sin dotter"); else the possessive ("min lillebror sover här"
            // → "hennes lillebror sover här").
            // A speaker not yet named is named here ("My name is …" → "The worker's name
            // is …"), as with "me".
            let own_subject = if has_self {
                subject_before(i, &g.first_subject)
            } else {
                lower.iter().any(|w| is_in(&g.first_subject, w))
            };
            Some(if p == "{possessive}" || !own_subject {
                if shift.name_speaker && !named_speaker {
                    named_speaker = true;
                    shift.speaker.genitive(english)
                } else {
                    shift.speaker.pronouns[2].clone()
                }
            } else {
                p.clone()
            })
        } else if let Some(p) = g.first_plural.get(base).filter(|_| shift.plural) {
            Some(format!("{p}{}", suffix.clone().unwrap_or_default()))
        } else if let Some(a) = shift.addressee {
            if is_in(&g.second_subject, base) || (suffix.is_none() && is_in(&g.second_object, l)) {
                let reflexive = suffix.is_none()
                    && is_in(&g.second_object, l)
                    && (next_word(i)
                        .is_some_and(|k| Some(lower[k].as_str()) == g.self_word.as_deref())
                        || prev_word(i).is_some_and(|k| is_in(&g.reflexive_verbs, &lower[k]))
                        || subject_before(i, &g.second_subject));
                // English "you" is subject and object: at the start of a clause, after an
                // auxiliary or before a verb it is the subject, unless a verb before it
                // takes it as its object ("let you know").
                let as_subject = is_in(&g.second_subject, base)
                    && !prev_word(i).is_some_and(|k| is_in(&g.object_then_verb, &lower[k]))
                    && (!english
                        || suffix.is_some()
                        || Some(i) == first_word
                        || prev_word(i).is_some_and(|k| {
                            is_in(&g.clause_openers, &lower[k]) || is_in(&g.auxiliaries, &lower[k])
                        })
                        || next_word(i).is_some_and(|k| {
                            is_in(&g.auxiliaries, &lower[k])
                                || is_in(&g.present_verbs, &lower[k])
                                || g.singular_agreement.contains_key(&lower[k])
                        }));
                if reflexive {
                    Some(a.pronouns[3].clone())
                } else if !named_addressee {
                    named_addressee = true;
                    if as_subject {
                        subject = Some((a.short(), true));
                    }
                    Some(a.short())
                } else if as_subject {
                    subject = Some((a.pronouns[0].clone(), a.singular()));
                    Some(a.pronouns[0].clone())
                } else {
                    Some(a.pronouns[1].clone())
                }
            } else if is_in(&g.second_possessive, l) {
                let reflexive = g
                    .second_reflexive
                    .get(l)
                    .filter(|_| subject_before(i, &g.second_subject));
                Some(if let Some(own) = reflexive {
                    own.clone()
                } else if !named_addressee {
                    named_addressee = true;
                    a.genitive(english)
                } else {
                    a.pronouns[2].clone()
                })
            } else {
                None
            }
        } else {
            None
        };
        let Some(mut r) = replacement else { continue };
        // English agreement: the contraction or the next verb follows the new subject.
        if let Some((subj, singular)) = subject {
            let map = if singular {
                &g.singular_agreement
            } else {
                &g.plural_agreement
            };
            if let Some(suf) = &suffix {
                let is_name = subj.chars().next().is_some_and(char::is_uppercase);
                let agreed = map.get(suf).cloned().unwrap_or_else(|| suf.clone());
                let perfect = next_word(i).is_some_and(|k| is_in(&g.participles, &lower[k]));
                let full = perfect
                    .then(|| g.perfect_contractions.get(suf))
                    .flatten()
                    .or_else(|| g.contractions.get(suf));
                r = if let Some(full) = full.filter(|_| is_name) {
                    // "I've been" → "Priya has been".
                    format!("{subj} {}", map.get(full).unwrap_or(full))
                } else {
                    format!("{subj}{agreed}")
                };
            } else if english {
                if let Some(k) = next_word(i) {
                    if let Some(a) = map.get(&lower[k]) {
                        out[k] = Some(a.clone());
                    } else if singular && is_in(&g.present_verbs, &lower[k]) {
                        out[k] = Some(third_singular(&lower[k]));
                    }
                }
            }
        }
        let capital =
            toks[i].1.chars().next().is_some_and(char::is_uppercase) && Some(i) == first_word;
        out[i] = Some(if capital { capitalise(&r) } else { r });
    }
    for (i, r) in out.into_iter().enumerate() {
        if let Some(r) = r {
            toks[i].1 = r;
        }
    }
    toks.into_iter().map(|(_, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::{Language, Languages};

    fn referent(name: &str, pronouns: [&str; 4], plural: bool) -> Referent {
        Referent {
            name: Some(name.to_string()),
            noun: String::new(),
            description: None,
            pronouns: pronouns.map(str::to_string),
            plural,
        }
    }

    /// The worker speaking to `addressee`, both named where they are first mentioned.
    fn to<'a>(speaker: &'a Referent, addressee: &'a Referent) -> Shift<'a> {
        Shift {
            speaker,
            addressee: Some(addressee),
            name_speaker: true,
            name_addressee: true,
            plural: false,
        }
    }

    /// Someone other than the worker speaking of themselves.
    fn own_words(speaker: &Referent) -> Shift<'_> {
        Shift {
            speaker,
            addressee: None,
            name_speaker: false,
            name_addressee: false,
            plural: true,
        }
    }

    #[test]
    fn the_speakers_first_person_and_the_workers_second_become_third() {
        let all = Languages::builtin();
        let (en, sv, da) = (
            all.get(Language::En),
            all.get(Language::Sv),
            all.get(Language::Da),
        );
        let harold = referent("Harold", ["he", "him", "his", "himself"], false);
        let priya = referent("Priya", ["they", "them", "their", "themselves"], true);
        let nadia = referent("Nadia", ["hen", "hen", "hens", "sig"], false);
        let lone = referent("Lone", ["hun", "hende", "hendes", "sig"], false);
        let mona = referent("Mona", ["hun", "hende", "hendes", "sig"], false);
        let (citizen, worker) = (own_words(&harold), to(&priya, &harold));
        let (nadias, lones, to_lone) = (own_words(&nadia), own_words(&lone), to(&mona, &lone));
        let cases = [
            (
                en,
                &citizen,
                "I have to stop twice on the stairs.",
                "He has to stop twice on the stairs.",
                "",
            ),
            (
                en,
                &citizen,
                "Me, my daughter and the cat.",
                "Harold, his daughter and the cat.",
                "\"me\" opening a list is the person",
            ),
            (
                en,
                &citizen,
                "She told me to rest.",
                "She told him to rest.",
                "",
            ),
            (
                en,
                &worker,
                "I'll ring you on Tuesday.",
                "Priya will ring Harold on Tuesday.",
                "",
            ),
            (
                sv,
                &nadias,
                "Jag har alltid klarat mig själv.",
                "Hen har alltid klarat sig själv.",
                "",
            ),
            (
                da,
                &lones,
                "Det, der bekymrer mig mest, er maden.",
                "Det, der bekymrer hende mest, er maden.",
                "the clause has its own subject",
            ),
            (
                da,
                &lones,
                "Jeg bekymrer mig om ham.",
                "Hun bekymrer sig om ham.",
                "",
            ),
            (
                da,
                &to_lone,
                "Du skrev i din besked, at han var væk.",
                "Lone skrev i sin besked, at han var væk.",
                "\"du\" is the subject of its clause: the reflexive",
            ),
            (
                da,
                &to_lone,
                "Din far ringede i går.",
                "Lones far ringede i går.",
                "",
            ),
        ];
        for (lang, shift, said, written, why) in cases {
            assert_eq!(third_person(said, lang, shift), written, "{why}");
        }
    }
}
