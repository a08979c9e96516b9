//! Stage 3b, other people's private matters: a clause that tells the health, addiction,
//! crime, pregnancy or marriage (`classes.sensitive`) of someone who is no party to the case
//! stays out of the citizen's journal. Such a person is a neighbour, a colleague, a friend
//! or a sibling (`classes.outsiders`), or a name the meeting says only in passing; a
//! pronoun is theirs when they are the last person its segment named. "Hos Elin kan jag
//! inte bo. Hon har precis gjort abort och mår dåligt, och hon har bara ett rum." keeps
//! "Hon har bara ett rum."; a sentence that names them and is about them goes whole. The
//! worker's words and clauses with "I" or "you" in them stay: they are about the people
//! in the meeting. The models still see what was said; only the note leaves it out.
use super::speakers::{People, Role};
use super::text::{capitalise, words, Text};
use super::units::Conversation;
use crate::language::LanguageData;
use std::collections::{HashMap, HashSet};

/// A name said in at most this many segments is someone the meeting mentions in passing;
/// a party to the case is talked about throughout. Fixed before measuring.
const IN_PASSING: usize = 3;

/// What is left of a sentence with fewer words than this, once a clause went, is no
/// sentence of its own.
const REMNANT: usize = 3;

/// Who a clause names: someone outside the case, or a party to it (a person in the
/// meeting, someone named throughout, close family).
#[derive(Clone, Copy, PartialEq)]
enum Named {
    Outsider,
    Party,
}

/// Leaves other people's private matters out of the written sentences of `conv`. Returns,
/// per unit, whether nothing of it is left.
pub fn leave_out(conv: &mut Conversation, lang: &LanguageData, people: &People) -> Vec<bool> {
    let names = Names::new(conv, people, lang);
    let mut gone = vec![false; conv.units.len()];
    for seg in 0..conv.by_seg.len() {
        if conv.roles[seg] == Role::Worker {
            continue;
        }
        let mut last: Option<Named> = None;
        for u in conv.by_seg[seg].clone() {
            let written = conv.units[u].sentence.written().to_string();
            match without(&written, lang, &names, &mut last) {
                Some(left) if left.is_empty() => gone[u] = true,
                Some(left) => conv.units[u].sentence.written = Some(left),
                None => {}
            }
        }
    }
    gone
}

/// The transcript's names: those of the people in the meeting are parties; a word written
/// with a capital inside a sentence and never in lower case, said in at most
/// [`IN_PASSING`] segments, is someone mentioned in passing.
struct Names {
    passing: HashSet<String>,
    parties: HashSet<String>,
    /// Words for the citizen's close family ("min mand", "her husband"): the name said in
    /// passing next to one is a husband's, not a neighbour's (`grammar.gendered`).
    family: HashSet<String>,
}

impl Names {
    fn new(conv: &Conversation, people: &People, lang: &LanguageData) -> Names {
        // "Alzheimer" is written with a capital, and is no one.
        let sensitive = lang.class("sensitive");
        let mut lower: HashSet<String> = HashSet::new();
        let mut inside: HashSet<String> = HashSet::new();
        let mut capital: HashMap<String, HashSet<usize>> = HashMap::new();
        for unit in &conv.units {
            let mut starts = true;
            for token in unit.raw.split_whitespace() {
                let w = token.trim_matches(|c: char| !c.is_alphanumeric());
                match w.chars().next() {
                    Some(c) if c.is_uppercase() => {
                        if !starts {
                            inside.insert(w.to_lowercase());
                        }
                        capital
                            .entry(w.to_lowercase())
                            .or_default()
                            .insert(unit.seg);
                    }
                    Some(_) => {
                        lower.insert(w.to_string());
                    }
                    None => {}
                }
                starts = token.ends_with(['.', '?', '!', ':']);
            }
        }
        let parties: HashSet<String> = [Role::Worker, Role::Citizen, Role::Relative, Role::Other]
            .iter()
            .filter_map(|r| people.of(*r).name.as_deref())
            .map(str::to_lowercase)
            .collect();
        let (passing, named): (Vec<_>, Vec<_>) = capital
            .into_iter()
            .filter(|(w, _)| {
                !lower.contains(w)
                    && inside.contains(w)
                    && w.chars().count() > 1
                    && !sensitive.any(&Text::new(w))
            })
            .partition(|(w, segs)| segs.len() <= IN_PASSING && !parties.contains(w));
        Names {
            family: lang.grammar.gendered.values().flatten().cloned().collect(),
            passing: passing.into_iter().map(|(w, _)| w).collect(),
            parties: parties
                .into_iter()
                .chain(named.into_iter().map(|(w, _)| w))
                .collect(),
        }
    }

    /// Who `clause` names, if anyone: an outsider wins over a party.
    fn in_clause(&self, clause: &str, lang: &LanguageData) -> Option<Named> {
        let ws = words(clause);
        let capitalised = |w: &&str| w.chars().next().is_some_and(char::is_uppercase);
        let names: Vec<String> = clause
            .split_whitespace()
            .map(|t| t.trim_matches(|c: char| !c.is_alphanumeric()))
            .filter(capitalised)
            .map(str::to_lowercase)
            .collect();
        if lang.class("outsiders").any(&Text::new(clause))
            || names.iter().any(|w| self.passing.contains(w))
        {
            Some(Named::Outsider)
        } else if ws
            .iter()
            .any(|w| self.parties.contains(w) || self.family.contains(w))
        {
            Some(Named::Party)
        } else {
            None
        }
    }
}

/// `sentence` without the clauses that tell an outsider's private matters: None when it
/// has none, "" when nothing is left of it. `last` is who the segment named last.
fn without(
    sentence: &str,
    lang: &LanguageData,
    names: &Names,
    last: &mut Option<Named>,
) -> Option<String> {
    let g = &lang.grammar;
    let sensitive = lang.class("sensitive");
    let third = lang.class("third_person");
    let end = sentence
        .chars()
        .last()
        .filter(|c| matches!(c, '.' | '?' | '!'))
        .unwrap_or('.');
    let clauses: Vec<&str> = sentence
        .trim_end_matches(['.', '?', '!'])
        .split(", ")
        .collect();
    let ws: Vec<Vec<String>> = clauses.iter().map(|c| words(c)).collect();
    let has = |k: usize, list: &[String]| ws[k].iter().any(|w| list.contains(w));
    // "Gunvor på tredje våningen, hon har …": the clauses before the first with a subject
    // put the person first, and go with what is said about them.
    let lead = (0..clauses.len())
        .take_while(|&k| {
            !has(k, &g.subjects) && !has(k, &g.first_subject) && !has(k, &g.second_subject)
        })
        .count();
    let mut keep = vec![true; clauses.len()];
    let mut topic = false;
    let mut gone_subject: Option<&String> = None;
    for (k, clause) in clauses.iter().enumerate() {
        let t = Text::new(clause);
        let named = names.in_clause(clause, lang);
        topic |= k < lead && named == Some(Named::Outsider);
        let own = has(k, &g.first_subject) || has(k, &g.second_subject);
        let subject = ws[k]
            .iter()
            .find(|w| !lang.compiled.leading_conjunctions.has_word(w));
        // A pronoun is the outsider's when they were the last person named.
        let theirs = third.any(&t) && named.is_none() && *last == Some(Named::Outsider);
        let private = sensitive.any(&t) && !own && (named == Some(Named::Outsider) || theirs);
        if private {
            keep[k] = false;
            if k == lead && topic {
                keep[..lead].fill(false);
            }
            if subject.is_some_and(|s| third.any(&Text::new(s))) {
                gone_subject = subject;
            }
        } else if topic && subject.is_some() && subject == gone_subject {
            // In a sentence about them, what goes on about them goes too ("…, hon har
            // Alzheimer, och hon var helt borta på slutet").
            keep[k] = false;
        }
        if named.is_some() {
            *last = named;
        }
    }
    if keep.iter().all(|k| *k) {
        return None;
    }
    let left: Vec<&str> = clauses
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(c, _)| *c)
        .collect();
    let mut text = left.join(", ");
    if words(&text)
        .first()
        .is_some_and(|w| lang.compiled.leading_conjunctions.has_word(w))
    {
        text = text
            .split_once(' ')
            .map_or(String::new(), |(_, r)| r.to_string());
    }
    if words(&text).len() < REMNANT {
        return Some(String::new());
    }
    Some(format!("{}{end}", capitalise(text.trim_end_matches(','))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drafter::{DraftContext, Participant};
    use crate::language::{Language, Languages};
    use crate::transcript::Transcript;

    /// The written sentences of a meeting after [`leave_out`], those left out as "–".
    fn written(lang: Language, people: &[&str], turns: &[(&str, &str)]) -> Vec<String> {
        let t = Transcript::of_turns(lang.code(), turns);
        let all = Languages::builtin();
        let data = all.get(lang);
        let ctx = DraftContext {
            participants: people
                .iter()
                .filter_map(|l| Participant::parse(l))
                .collect(),
            ..DraftContext::default()
        };
        let mut conv = Conversation::build(&t, data);
        let gone = leave_out(&mut conv, data, &People::new(&ctx, data));
        conv.units
            .iter()
            .zip(gone)
            .map(|(u, g)| {
                if g {
                    "–".to_string()
                } else {
                    u.sentence.written().to_string()
                }
            })
            .collect()
    }

    #[test]
    fn an_outsiders_private_matters_leave_the_sentence_and_the_rest_stays() {
        let sv: &[&str] = &[
            "Karolina L – socialsekreterare (worker)",
            "Jasmina K – sökande (citizen)",
        ];
        let en: &[&str] = &[
            "Priya M – social worker (worker)",
            "Jordan K – tenant (citizen)",
        ];
        let da: &[&str] = &[
            "Rasmus H – sygeplejerske (worker)",
            "Inger J – borger (citizen)",
        ];
        let cases: [(Language, &str, &str, &[&str], &str); 5] = [
            (
                Language::Sv,
                "citizen",
                "Hos Elin kan jag inte bo kvar. Hon har precis gjort abort och mår dåligt själv, och hon har bara ett rum.",
                &["Hos Elin kan jag inte bo kvar.", "Hon har bara ett rum."],
                "a pronoun for someone named in passing",
            ),
            (
                Language::Sv,
                "citizen",
                "Min kusin Roger, han satt inne för rattfylla i två år, så jag har ju sett hur det kan gå.",
                &["Jag har sett hur det kan gå."],
                "the person put first goes with what is said about them",
            ),
            (
                Language::Sv,
                "relative",
                "Och Gunvor på tredje våningen, hon har också Alzheimer, hon fick flytta till ett demens boende, och hon var helt borta på slutet. Jag är rädd att det blir så med Jasmina.",
                &["–", "Jag är rädd att det blir så med Jasmina."],
                "a sentence about them goes whole",
            ),
            (
                Language::En,
                "citizen",
                "My brother got sectioned last month, and she's been up the hospital every day.",
                &["She's been up the hospital every day."],
                "a neighbour, a sibling, a friend",
            ),
            (
                Language::Da,
                "citizen",
                "Han er ellers sød, naboen, men han har lige mistet kørekortet for spritkørsel.",
                &["Han er ellers sød, naboen."],
                "a neighbour named after the pronoun",
            ),
        ];
        for (lang, who, text, left, why) in cases {
            let people = match lang {
                Language::Sv => sv,
                Language::Da => da,
                Language::En => en,
            };
            assert_eq!(written(lang, people, &[(who, text)]), left, "{why}");
        }
    }

    #[test]
    fn the_citizens_own_matters_the_family_and_the_workers_words_stay() {
        let sv = [
            "Amira T – biståndshandläggare (worker)",
            "Birgit F – sökande (citizen)",
            "Sven-Erik F – make (relative)",
        ];
        let same = |lang, people: &[&str], who, text: &str| {
            let out = written(lang, people, &[(who, text)]);
            assert_eq!(out.join(" "), text, "{text}");
        };
        same(
            Language::Sv,
            &sv,
            "relative",
            "Birgit fick diagnosen Alzheimer på minnesmottagningen hösten tjugotjugotre.",
        );
        same(
            Language::Sv,
            &sv,
            "citizen",
            "Min granne ringde, jag har haft en depression i två år.",
        );
        same(
            Language::Sv,
            &sv,
            "worker",
            "Grannen sa att hon har cancer, det tar vi inte upp.",
        );
        let da = [
            "Rasmus H – sygeplejerske (worker)",
            "Inger J – borger (citizen)",
        ];
        same(
            Language::Da,
            &da,
            "citizen",
            "Det værste, det er Ove. Min mand. Han bor på plejehjemmet, han har demens.",
        );
    }
}
