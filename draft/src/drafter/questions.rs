//! Stage 6b, reading questions: what a worker's (or anyone's) question asks, so that an
//! answer can be reported with it ("Asked what they eat, …") or a yes or no turned into a
//! statement ("Have you had any falls?" – "No." → "Harold has not had any falls.").
use super::text::{bare, words};
use crate::language::{Grammar, LanguageData};

/// A question turned around: the words of a question as a statement about the person.
#[derive(Debug, PartialEq)]
pub(super) enum Question {
    /// "Have you had any falls?" → finite verb and the rest (subject first).
    YesNo { verb: String, rest: String },
    /// "What are you eating?" → "what you are eating".
    Open { clause: String },
    /// "Tell me about the stairs.", "And the bath?" → what it is about.
    About { topic: String },
    /// "The bathroom and the toilet are both upstairs?": a statement asked, kept as it is,
    /// with the word index of its finite verb (where a "no" puts its negation).
    Statement { clause: String, verb: usize },
}

/// The words of a question without its opening ("And, so …") and its tag ("…, do you think").
fn question_words(q: &str, lang: &LanguageData) -> Vec<String> {
    let c = &lang.compiled;
    let mut body = q.trim().trim_end_matches(['?', '.', '!']).to_string();
    if let Some((head, tail)) = body.rsplit_once(',') {
        let tw = words(tail);
        // "…, do you think", or a name called at the end ("Hur gammal är du, Birgit?").
        let called = tail.split_whitespace().count() == 1
            && tail.trim().chars().next().is_some_and(char::is_uppercase);
        if !tw.is_empty() && (c.question_tags.prefix_len(&tw) == Some(tw.len()) || called) {
            body = head.to_string();
        }
    }
    let mut ws: Vec<String> = body
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-' && c != ',')
                .to_string()
        })
        .filter(|w| !w.is_empty() && w != ",")
        .collect();
    loop {
        let lw: Vec<String> = ws.iter().map(|w| bare(w)).collect();
        let n = [&c.leading_conjunctions, &c.openers]
            .iter()
            .filter_map(|p| p.prefix_len(&lw))
            .max();
        match n {
            Some(n) if n < ws.len() => {
                ws.drain(..n);
            }
            _ => break,
        }
    }
    // "what's" is "what is": the question word and its verb; so is "old's" right after
    // one ("How old's the sister?").
    let is = lang
        .grammar
        .contractions
        .get("'s")
        .cloned()
        .unwrap_or_default();
    let asks = |w: &str| c.question_words.has_word(&w.to_lowercase());
    let at = (0..2.min(ws.len())).find(|&k| {
        ws[k]
            .strip_suffix("'s")
            .is_some_and(|base| asks(if k == 0 { base } else { &ws[0] }))
    });
    if let Some(k) = at.filter(|_| !is.is_empty()) {
        let base = ws[k].strip_suffix("'s").expect("found above").to_string();
        ws.splice(k..k + 1, [base, is]);
    }
    ws
}

/// How many of `ws` (a clause from its subject on) the subject is: a possessive and its noun
/// are one ("Kommer din ersättning innan dess?" → "din ersättning"), else one word.
pub(super) fn subject_words<S: AsRef<str>>(ws: &[S], lang: &LanguageData) -> usize {
    if ws.len() > 2 && lang.is_possessive(&bare(ws[0].as_ref())) {
        2
    } else {
        1
    }
}

/// Whether a question only turns the one before it to someone else: "Och du, Sven-Erik?",
/// "And you?" (the second person, names called and nothing else).
pub fn asks_again(q: &str, lang: &LanguageData) -> bool {
    let g = &lang.grammar;
    let c = &lang.compiled;
    let said: Vec<&str> = q
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut second = false;
    let rest_is_calls = said.iter().all(|w| {
        let b = bare(w);
        let you = g.second_subject.contains(&b);
        second |= you;
        you || c.leading_conjunctions.has_word(&b)
            || c.openers.has_word(&b)
            || w.chars().next().is_some_and(char::is_uppercase)
    });
    second && rest_is_calls
}

/// Whether the worker's question asks yes or no about something a bare "ja" can confirm
/// ("Är det okej att jag ringer skolan?", "Og agrafferne, er de fjernet?"), so that a yes
/// or no alone answers it. Whether a name is called before it does not matter here: the
/// question asks yes or no either way.
pub fn asks_yes_no(q: &str, lang: &LanguageData) -> bool {
    matches!(
        read_question(q, lang, |_| false),
        Some(Question::YesNo { .. } | Question::Statement { .. })
    )
}

/// Whether a question is a tag alone ("Er det rigtigt?", "Is that right?"): it asks whether
/// what was just said is right and names nothing a yes could turn into a statement, nor
/// anything an answer leans on.
pub fn only_tag(q: &str, lang: &LanguageData) -> bool {
    let ws: Vec<String> = words(q);
    !ws.is_empty() && lang.compiled.question_tags.prefix_len(&ws) == Some(ws.len())
}

/// Reads a worker's question; None for questions that ask permission or inform. A topic
/// put before it goes back into it (see [`topic_back`]); `name` tells a name called before
/// the comma from such a topic.
pub(super) fn read_question(
    q: &str,
    lang: &LanguageData,
    name: impl Fn(&str) -> bool,
) -> Option<Question> {
    topic_back(q, lang, name).or_else(|| read_question_of(q, lang, true))
}

/// Whether `w` is a person as a subject pronoun: "du"/"you", "jag"/"I", or someone's own
/// pronoun ("hon", "he").
fn personal(w: &str, g: &Grammar) -> bool {
    g.second_subject.iter().any(|x| x == w)
        || g.first_subject.iter().any(|x| x == w)
        || g.pronouns
            .values()
            .any(|p| p.first().is_some_and(|s| s == w))
}

/// A topic put before a worker's question, which a pronoun in the question stands for, goes
/// back in its place: "Og agrafferne, er de fjernet?" asks whether the staples are out
/// ("agrafferne er fjernet"), "Och bostadstillägg, får du det?" whether you get housing
/// allowance. None when the question has no such topic, or when what comes before the
/// comma calls someone (`name`: "Karin, kan du ringa dem?"), is a word of four letters or
/// fewer ("Hej, är det Linus?") or opens a clause ("Om vi går tillbaka till Snickeriet, är
/// det något …?").
fn topic_back(q: &str, lang: &LanguageData, name: impl Fn(&str) -> bool) -> Option<Question> {
    let c = &lang.compiled;
    let g = &lang.grammar;
    let body = q.trim().strip_suffix('?')?;
    let (head, tail) = body.split_once(", ")?;
    let mut topic: Vec<&str> = head.split_whitespace().collect();
    while topic.len() > 1 && c.leading_conjunctions.has_word(&words(topic[0]).join(" ")) {
        topic.remove(0);
    }
    let lower: Vec<String> = topic.iter().map(|w| bare(w)).collect();
    let topical = !topic.is_empty()
        && topic.len() <= 4
        && !(topic.len() == 1 && (name(topic[0]) || lower[0].chars().count() <= 4))
        && !g.clause_openers.contains(&lower[0])
        && !lower.iter().any(|w| c.question_words.has_word(w));
    if !topical {
        return None;
    }
    let tw: Vec<&str> = tail.split_whitespace().collect();
    let tl: Vec<String> = tw.iter().map(|w| bare(w)).collect();
    if tl.is_empty() {
        return None;
    }
    let topic = topic.join(" ");
    let topic = if name(&topic) {
        topic
    } else {
        super::text::decapitalise(&topic)
    };
    if c.question_words.has_word(&tl[0]) {
        return topic_into_open(tail, &tl, &topic, lang);
    }
    let pronoun = (1..tl.len()).find(|&j| g.topic_pronouns.contains(&tl[j]))?;
    // The topic as the object of a question to "du"/"you" or about someone named by a
    // pronoun the report can shift ("kender I det?" has a subject it cannot).
    if pronoun > 1 && !personal(&tl[1], g) {
        return None;
    }
    if pronoun == 1 {
        // The topic is the subject: statement order ("agrafferne er fjernet").
        let clause = std::iter::once(topic.as_str())
            .chain(std::iter::once(tw[0]))
            .chain(tw[2..].iter().copied())
            .collect::<Vec<_>>()
            .join(" ");
        return Some(Question::Statement {
            clause: clause.trim_end_matches(',').to_string(),
            verb: topic.split_whitespace().count(),
        });
    }
    let mut back: Vec<&str> = tw.clone();
    back[pronoun] = &topic;
    read_question_of(&format!("{}?", back.join(" ")), lang, true)
}

/// A question word after the topic: the question is read as it is and the topic takes the
/// place of its pronoun ("Och barnen, hur gamla är de nu?" → "hur gamla barnen är nu"). The
/// dummy subject ("det" in "hur är det med den?") stands for nothing.
fn topic_into_open(
    tail: &str,
    tl: &[String],
    topic: &str,
    lang: &LanguageData,
) -> Option<Question> {
    let g = &lang.grammar;
    let dummy = g.impersonal.first();
    let pronoun = tl[1..]
        .iter()
        .find(|w| g.topic_pronouns.contains(w) && Some(*w) != dummy)?;
    let read = read_with_subject(&format!("{tail}?"), lang, true, Some(pronoun.as_str()));
    let Some(Question::Open { clause }) = read else {
        return None;
    };
    let mut ws: Vec<&str> = clause.split_whitespace().collect();
    let at = ws.iter().position(|w| bare(w) == *pronoun)?;
    ws[at] = topic;
    Some(Question::Open {
        clause: ws.join(" "),
    })
}

/// Reads a question; a worker's "May I …?" asks nothing about the person, a citizen's does.
pub(super) fn read_question_of(q: &str, lang: &LanguageData, worker: bool) -> Option<Question> {
    read_with_subject(q, lang, worker, None)
}

/// [`read_question_of`], with one more word known to be a subject pronoun: the one that
/// stands for a topic put before the question ("de" in "Och barnen, hur har de det?"; in
/// "Hur funkar de helgerna?" it is an article).
fn read_with_subject(
    q: &str,
    lang: &LanguageData,
    worker: bool,
    subject: Option<&str>,
) -> Option<Question> {
    let c = &lang.compiled;
    let g = &lang.grammar;
    let english = !g.singular_agreement.is_empty();
    let mut ws = question_words(q, lang);
    let plain = |ws: &[String]| {
        ws.iter()
            .map(|w| w.trim_end_matches(','))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let lw: Vec<String> = ws.iter().map(|w| bare(w)).collect();
    if lw.is_empty() || c.informing_question.prefix_len(&lw).is_some() || only_tag(q, lang) {
        return None;
    }
    // "Og vægten?" asks about the weight (cleaning has taken its "Og"); a question word
    // or a person alone ("Hvorfor?", "Och du?") names no topic.
    if let [w] = lw.as_slice() {
        return (!c.question_words.has_word(w) && !personal(w, g))
            .then(|| Question::About { topic: plain(&ws) });
    }
    if worker && g.permission_verbs.contains(&lw[0]) && g.first_subject.contains(&lw[1]) {
        return None;
    }
    // "Tell me about the stairs, how do you manage?", "What about a rail, would that
    // help?": the topic runs to the first comma.
    if let Some(n) = c.requests.prefix_len(&lw) {
        let cut = (n..ws.len())
            .find(|&k| ws[k].ends_with(','))
            .map_or(ws.len(), |k| k + 1);
        let topic = plain(&ws[n..cut]);
        if lw.get(n).is_some_and(|w| c.question_words.has_word(w)) {
            // "Kan du berätta hur det är på Snickeriet?" asks how it is there.
            return Some(Question::Open { clause: topic });
        }
        return (!topic.is_empty() && words(&topic).len() <= 10)
            .then_some(Question::About { topic });
    }
    if let Some(n) = c.embedded_question.prefix_len(&lw) {
        let clause = plain(&ws[n..]);
        return (words(&clause).len() >= 2).then_some(Question::Open { clause });
    }
    // "And food, what are you eating?": a topic before the question word goes.
    // "Hur länge sen var det …?" opens with its question word: nothing goes.
    let opens = c.question_words.has_word(&lw[0]);
    // "You came home when?" asks with its question word last, after a statement: "when you
    // came home".
    let last = lw.len() - 1;
    if !opens
        && last >= 2
        && c.question_words.has_word(&lw[last])
        && (g.subjects.contains(&lw[0]) || personal(&lw[0], g))
        && !ws[..last].iter().any(|w| w.ends_with(','))
    {
        let mut parts = vec![lw[last].clone(), lw[0].clone()];
        parts.extend(ws[1..last].iter().cloned());
        return Some(Question::Open {
            clause: plain(&parts),
        });
    }
    // "Om allt gick bra, vad vill du då?": a subordinate clause before the question word
    // goes too ("Vil du vise mig, hvor du stikker?" asks yes or no).
    let after_clause = |k: usize| {
        g.clause_openers.contains(&lw[0])
            && ws[k - 1].ends_with(',')
            && c.question_words.has_word(&lw[k])
    };
    if let Some(k) = (1..ws.len())
        .find(|&k| !opens && (k < 4 && c.question_words.has_word(&lw[k]) || after_clause(k)))
    {
        ws.drain(..k);
    }
    // "Hur länge sen var det du diskade?" asks when you washed up: the cleft's "var det"
    // goes ("hur länge sen hen diskade").
    let lw: Vec<String> = ws.iter().map(|w| bare(w)).collect();
    if opens {
        if let Some(k) = (1..lw.len().saturating_sub(2)).find(|&k| {
            g.auxiliaries.contains(&lw[k])
                && g.impersonal.contains(&lw[k + 1])
                && personal(&lw[k + 2], g)
        }) {
            ws.drain(k..k + 2);
            ws[0] = lw[0].clone();
            return Some(Question::Open { clause: plain(&ws) });
        }
    }
    let lw: Vec<String> = ws.iter().map(|w| bare(w)).collect();
    // English also asks about "anyone", "that", "there" ("Has anyone spoken to …?"); in
    // Swedish and Danish "det"/"der" after the verb is most often not what is asked about.
    let is_subject = |w: &str| {
        (english && g.subjects.iter().any(|x| x == w)) || personal(w, g) || Some(w) == subject
    };
    if c.question_words.has_word(&lw[0]) {
        // The subject pronoun, and the finite verb just before it, in the question's own
        // clause: "Hvordan går det, når du skal rejse dig?" has no subject before "når".
        let clause_end = (1..lw.len())
            .find(|&k| ws[k - 1].ends_with(',') && g.clause_openers.contains(&lw[k]))
            .unwrap_or(lw.len());
        // "det"/"der" right after the verb is the subject too ("Hvad er der sket?").
        let Some(s) = (1..clause_end)
            .find(|&k| is_subject(&lw[k]) || (k == 2 && g.impersonal.contains(&lw[k])))
            .filter(|&s| s >= 2)
        else {
            // "Vem handlar åt dig?" has its question word for subject: "vem som handlar åt
            // dig" ("Who does your shopping?" → "who does your shopping").
            if let Some(opening) = g.subject_questions.get(&lw[0]) {
                return Some(Question::Open {
                    clause: format!("{opening} {}", plain(&ws[1..])),
                });
            }
            // "Hvordan er appetitten?" → "hvordan appetitten er": a short noun after the verb.
            // It ends before an object pronoun, a preposition or a sentence adverb, which
            // stay after the verb ("Hur har barnen det?" → "hur barnen har det").
            let v = (1..3.min(lw.len())).find(|&k| g.auxiliaries.contains(&lw[k]))?;
            let stays = |w: &String| {
                g.impersonal.contains(w)
                    || g.prepositions.contains(w)
                    || g.clause_adverbs.contains(w)
            };
            if !(v + 2..=v + 5).contains(&ws.len()) {
                return None;
            }
            let end = (v + 2..ws.len())
                .find(|&k| stays(&lw[k]))
                .unwrap_or(ws.len());
            let noun = &ws[v + 1..end];
            let mut parts: Vec<String> = lw[..v].to_vec();
            parts.extend(noun.iter().cloned());
            parts.push(lw[v].clone());
            parts.extend(ws[end..].iter().cloned());
            return Some(Question::Open {
                clause: plain(&parts),
            });
        };
        if english && !g.auxiliaries.contains(&lw[s - 1]) {
            // "Who lives with you?": the question word is the subject, "you" an object.
            return g
                .subject_questions
                .get(&lw[0])
                .map(|opening| Question::Open {
                    clause: format!("{opening} {}", plain(&ws[1..])),
                });
        }
        // English do-support carries no meaning in the statement.
        let verb = if english && matches!(lw[s - 1].as_str(), "do" | "does") {
            None
        } else {
            Some(lw[s - 1].clone())
        };
        let mut parts: Vec<String> = lw[..s - 1].to_vec();
        parts.push(ws[s].clone());
        parts.extend(verb);
        parts.extend(ws[s + 1..].iter().cloned());
        return Some(Question::Open {
            clause: plain(&parts),
        });
    }
    // "Vet du om hon har gjort någon utredning?" loses "vet du" in cleaning: a question
    // that opens with "om" already has statement order ("hon har gjort …"), and so does one
    // that opens with "att" ("Att han kan se var du är?").
    let whether = words(&lang.report.whether);
    let that = words(&lang.report.that);
    let opens_clause = |w: &String| {
        (whether.len() == 1 && *w == whether[0]) || that.last().is_some_and(|t| t == w)
    };
    if lw.len() >= 3 && opens_clause(&lw[0]) && is_subject(&lw[1]) {
        let mut rest = vec![ws[1].clone()];
        rest.extend(ws[3..].iter().cloned());
        return Some(Question::YesNo {
            verb: lw[2].clone(),
            rest: plain(&rest),
        });
    }
    // A topic before a yes/no question that no pronoun takes up ("Og huden, må jeg lige
    // kigge på din ryg?"): the question is read without it; a word before a comma is no verb.
    if ws[0].ends_with(',') {
        let rest = &lw[1..];
        let asks = rest.len() >= 3
            && is_subject(&rest[1])
            && !rest.iter().any(|w| g.topic_pronouns.contains(w));
        if asks {
            return read_with_subject(&format!("{}?", ws[1..].join(" ")), lang, worker, subject);
        }
    }
    // Verb first, subject second (a pronoun or a name: "Använder Robin alkohol?"); here
    // "det"/"der" is the subject ("Har det hänt tidigare?" → "om det har hänt tidigare"),
    // but not "vi": "Om vi börjar med …?" proposes, it asks nothing.
    let named = ws[1].chars().next().is_some_and(char::is_uppercase);
    let impersonal = g.subjects.contains(&lw[1]) && !g.first_plural.contains_key(&lw[1]);
    let possessed = subject_words(&lw[1..], lang) == 2;
    let subject = is_subject(&lw[1]) || impersonal || named || possessed;
    if subject && !ws[0].ends_with(',') && (!english || g.auxiliaries.contains(&lw[0])) {
        return Some(Question::YesNo {
            verb: lw[0].clone(),
            rest: plain(&ws[1..]),
        });
    }
    // A statement said as a question has its finite verb after a subject of a few words
    // and no comma before it ("The bathroom and the toilet are both upstairs?"); "If you
    // had a fall you could press it?" opens with a clause, which a "no" cannot negate. Only
    // English reports it otherwise than a topic ("asked whether", not "asked about");
    // Swedish and Danish say "om" for both.
    let statement = (1..6.min(lw.len())).find(|&k| g.auxiliaries.contains(&lw[k]));
    if let Some(verb) = statement.filter(|&k| {
        english
            && k + 1 < ws.len()
            && !g.prepositions.contains(&lw[0])
            && !g.clause_openers.contains(&lw[0])
            && !g.auxiliaries.contains(&lw[0])
            && !ws[..k].iter().any(|w| w.ends_with(','))
    }) {
        return Some(Question::Statement {
            clause: plain(&ws),
            verb,
        });
    }
    // Swedish and Danish ask yes or no with the verb first; one that opens with its subject
    // pronoun has statement order, its verb second ("De bor här hos dig hela tiden?").
    if g.verb_second.unwrap_or(false)
        && lw.len() >= 3
        && g.subjects.contains(&lw[0])
        && !ws[0].ends_with(',')
    {
        return Some(Question::Statement {
            clause: plain(&ws),
            verb: 1,
        });
    }
    // Anything else is about its first phrase ("Og agrafferne, er de fjernet?").
    let cut = ws
        .iter()
        .take(4)
        .position(|w| w.ends_with(','))
        .map(|k| k + 1)
        .unwrap_or(ws.len());
    // "For the rent?" asks about the rent.
    let from = usize::from(cut > 1 && g.prepositions.contains(&lw[0]));
    let topic = plain(&ws[from..cut]);
    // "Och du, Sven-Erik?" asks the last question again, of someone else: about nothing.
    if lw[from..cut].iter().all(|w| personal(w, g)) {
        return None;
    }
    (words(&topic).len() <= 8).then_some(Question::About { topic })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::{Language, Languages};

    #[test]
    fn what_a_question_asks_in_each_language() {
        let all = Languages::builtin();
        let read = |lang: Language, q: &str| read_question_of(q, all.get(lang), true);
        let yes_no = |verb: &str, rest: &str| {
            Some(Question::YesNo {
                verb: verb.into(),
                rest: rest.into(),
            })
        };
        assert_eq!(
            read(Language::En, "Have you had any falls?"),
            yes_no("have", "you had any falls")
        );
        assert_eq!(
            read(Language::Sv, "Har det hänt tidigare?"),
            yes_no("har", "det hänt tidigare")
        );
        assert_eq!(
            read(Language::Sv, "Om hon har gjort någon minnesutredning?"),
            yes_no("har", "hon gjort någon minnesutredning"),
            "\"vet du\" lost in cleaning"
        );
        assert_eq!(
            read(Language::Da, "Hvordan er appetitten?"),
            Some(Question::Open {
                clause: "hvordan appetitten er".into()
            })
        );
        assert_eq!(
            read(Language::Sv, "Hur har barnen det?"),
            Some(Question::Open {
                clause: "hur barnen har det".into()
            }),
            "an object pronoun stays after the verb"
        );
        assert_eq!(
            read(Language::Sv, "Hur är läget med ekonomin?"),
            Some(Question::Open {
                clause: "hur läget är med ekonomin".into()
            }),
        );
        assert_eq!(
            read(Language::En, "And the bath?"),
            Some(Question::About {
                topic: "the bath".into()
            })
        );
        assert_eq!(
            read(Language::Sv, "Hur länge sen var det du diskade, ungefär?"),
            Some(Question::Open {
                clause: "hur länge sen du diskade ungefär".into()
            }),
            "a cleft's \"var det\" goes"
        );
        assert_eq!(
            read(Language::Da, "Vægten?"),
            Some(Question::About {
                topic: "Vægten".into()
            })
        );
        assert_eq!(
            read(Language::Da, "Hvorfor?"),
            None,
            "a question word alone"
        );
        assert_eq!(read(Language::En, "May I ask about your income?"), None);
        assert_eq!(
            read(
                Language::En,
                "So the bathroom and the toilet are both upstairs?"
            ),
            Some(Question::Statement {
                clause: "the bathroom and the toilet are both upstairs".into(),
                verb: 5
            }),
            "a statement asked"
        );
        assert_eq!(
            read(Language::Sv, "De bor här hos dig hela tiden?"),
            Some(Question::Statement {
                clause: "De bor här hos dig hela tiden".into(),
                verb: 1
            }),
            "subject first, verb second: a statement asked"
        );
        assert!(
            !matches!(
                read(Language::Da, "Du, har du talt med lægen?"),
                Some(Question::Statement { .. })
            ),
            "a call before the question is no subject"
        );
        assert_eq!(
            read(Language::Da, "Og agrafferne, er de fjernet?"),
            Some(Question::About {
                topic: "agrafferne".into()
            }),
        );
        assert_eq!(
            read(
                Language::En,
                "What about a rail on the other side of the stairs, would that help, do you think?"
            ),
            Some(Question::About {
                topic: "a rail on the other side of the stairs".into()
            }),
        );
        assert_eq!(
            read(Language::Da, "Hvad med trapperne, kan du klare dem?"),
            Some(Question::About {
                topic: "trapperne".into()
            }),
        );
        let back = |lang: Language, q: &str| {
            let all = crate::language::Languages::builtin();
            read_question(q, all.get(lang), |w| w == "Karin")
        };
        assert_eq!(
            back(Language::Da, "Og agrafferne, er de fjernet?"),
            Some(Question::Statement {
                clause: "agrafferne er fjernet".into(),
                verb: 1
            }),
            "the topic is the subject"
        );
        assert_eq!(
            back(
                Language::En,
                "And the rent, has it been going to the landlord?"
            ),
            Some(Question::Statement {
                clause: "the rent has been going to the landlord".into(),
                verb: 2
            }),
        );
        assert_eq!(
            back(Language::Sv, "Och bostadstillägg, får du det?"),
            yes_no("får", "du bostadstillägg"),
            "the topic is the object"
        );
        let open = |clause: &str| {
            Some(Question::Open {
                clause: clause.into(),
            })
        };
        // The topic in a question word's question takes its pronoun's place.
        for (lang, q, clause) in [
            (
                Language::Sv,
                "Och barnen, hur har de det?",
                "hur barnen har det",
            ),
            (
                Language::Sv,
                "Och barnen, hur gamla är de nu?",
                "hur gamla barnen är nu",
            ),
            (
                Language::Sv,
                "Och hyran här, vad ligger den på?",
                "vad hyran här ligger på",
            ),
            (
                Language::Da,
                "Og vejrtrækningen, hvordan er den for tiden?",
                "hvordan vejrtrækningen er for tiden",
            ),
            (
                Language::En,
                "And the rent, how much is it?",
                "how much the rent is",
            ),
        ] {
            assert_eq!(back(lang, q), open(clause), "{q}");
        }
        assert_eq!(
            back(
                Language::Da,
                "Og badet, hvordan går det med at komme i bad?"
            ),
            read(
                Language::Da,
                "Og badet, hvordan går det med at komme i bad?"
            ),
            "the dummy subject stands for nothing"
        );
        // What stays as read without the topic rule.
        for (lang, q, why) in [
            (Language::Sv, "Karin, kan du ringa dem?", "a name called"),
            (Language::Sv, "Hej, är det Linus?", "a greeting"),
            (
                Language::Sv,
                "Men om vi går tillbaka till Snickeriet, är det något du vill ändra på där?",
                "a clause",
            ),
            (
                Language::Da,
                "Og langtidsblodsukkeret, kender I det?",
                "a subject the report cannot shift",
            ),
            (
                Language::Sv,
                "Och utomhus, går du ut något?",
                "nothing stands for the topic",
            ),
        ] {
            assert_eq!(back(lang, q), read(lang, q), "{why}");
        }
        assert_eq!(
            read(Language::En, "For the rent?"),
            Some(Question::About {
                topic: "the rent".into()
            }),
            "a preposition opening the topic goes"
        );
        assert_eq!(
            read(Language::Sv, "Hur gammal är du, Birgit?"),
            Some(Question::Open {
                clause: "hur gammal du är".into()
            }),
            "a name called at the end"
        );
        let sv = all.get(Language::Sv);
        assert!(asks_again("Och du, Sven-Erik?", sv));
        assert!(asks_again("Du?", sv));
        assert!(!asks_again("Och du, hur mår du?", sv));
        assert!(!asks_again("Sven-Erik?", sv), "a call asks nothing again");
        assert_eq!(
            read(Language::En, "Who lives with you?"),
            Some(Question::Open {
                clause: "who lives with you".into()
            }),
            "the question word as subject, \"you\" as object"
        );
        assert_eq!(
            read(Language::En, "You came home when?"),
            Some(Question::Open {
                clause: "when you came home".into()
            }),
            "the question word last"
        );
        assert_eq!(
            read(Language::Sv, "Du kom hem när?"),
            Some(Question::Open {
                clause: "när du kom hem".into()
            }),
        );
        assert_eq!(
            read(Language::Da, "Og maden, laver du selv mad?"),
            yes_no("laver", "du selv mad"),
            "a topic no pronoun takes up goes"
        );
        assert_eq!(
            read(
                Language::Da,
                "Og huden, Knud, må jeg lige kigge på din ryg?"
            ),
            Some(Question::About {
                topic: "huden".into()
            }),
            "a word before a comma is no verb"
        );
        assert_eq!(
            read(Language::Sv, "Kan du berätta hur det är på Snickeriet?"),
            Some(Question::Open {
                clause: "hur det är på Snickeriet".into()
            }),
            "a request to tell how it is asks how it is"
        );
        assert_eq!(
            read(Language::Sv, "Och du, Sven-Erik?"),
            None,
            "the question before, asked again of someone else"
        );
        assert_eq!(
            read(Language::Sv, "Att han kan se var du är?"),
            yes_no("kan", "han se var du är"),
            "\"att\" opens a clause in statement order"
        );
        assert_eq!(
            read(Language::Sv, "Om allt gick bra, vad vill du då?"),
            Some(Question::Open {
                clause: "vad du vill då".into()
            }),
            "the clause before the question word goes"
        );
        assert!(
            matches!(
                read(Language::Da, "Vil du vise mig, hvor du stikker?"),
                Some(Question::YesNo { .. })
            ),
            "a main clause before the question word asks yes or no"
        );
        assert_eq!(
            read(
                Language::Sv,
                "Hur många gånger i veckan vill du duscha, tänker du?"
            ),
            open("hur många gånger i veckan du vill duscha"),
            "a tag asking for an opinion goes"
        );
        assert_eq!(
            read(Language::En, "And who does your shopping?"),
            open("who does your shopping"),
            "the question word is the subject"
        );
        assert_eq!(
            read(Language::Sv, "Vem handlar åt dig?"),
            open("vem som handlar åt dig")
        );
        assert_eq!(
            read(Language::Da, "Hvem hjælper dig med indkøb?"),
            open("hvem der hjælper dig med indkøb")
        );
        assert_eq!(
            read(Language::Sv, "Vem bor du med?"),
            open("vem du bor med"),
            "a subject of its own: the question word is not it"
        );
        assert!(asks_yes_no(
            "Har jag ditt samtycke att kontakta hyresvärden?",
            all.get(Language::Sv)
        ));
        assert!(!asks_yes_no("Vad heter din sambo?", all.get(Language::Sv)));
    }
}
