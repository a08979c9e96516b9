//! Stage 1, sentence splitting and cleaning: spoken text becomes written sentences. False
//! starts, repetitions, fillers, hedges, discourse openers and tags go; a leading or trailing
//! yes/no is kept aside as the answer's polarity; what is left is marked as a question, a
//! full clause or a fragment ("Last Wednesday.") so later stages know how to report it.
use super::text::{capitalise, words};
use crate::language::LanguageData;

/// One cleaned sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    /// Written form: capitalised, ending in `.`, `?` or `!`; empty when nothing is left.
    pub text: String,
    /// A yes (true) or no (false) that opened or closed the sentence.
    pub polarity: Option<bool>,
    pub question: bool,
    /// No subject and at most six words ("Two in the morning.", "A wash at the sink.").
    pub fragment: bool,
    /// A fragment once numbers are written as digits: reported as an answer, never with
    /// "says that".
    pub short_answer: bool,
    /// The sentence as the note writes it when that differs from `text` (the models learned
    /// from `text`): "Och så bröt jag handleden" is `text` "Bröt jag handleden." but is
    /// written "Jag bröt handleden."
    pub written: Option<String>,
    /// It opens its segment in lower case: its start was said in another segment ("much do
    /// you owe at the moment?" after "Of course, how" heard as someone else's). Set when the
    /// conversation is built.
    pub cut_start: bool,
}

impl Sentence {
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The sentence as the note writes it.
    pub fn written(&self) -> &str {
        self.written.as_deref().unwrap_or(&self.text)
    }
}

/// Replaces hesitation marks with spaces and removes a cut-off dash, so repeated words
/// around a false start become adjacent and can be removed.
pub fn soften(text: &str) -> String {
    let t = text.replace("...", " ").replace('…', " ");
    let t = t.trim_end().trim_end_matches(['—', '–']).to_string();
    t.replace(" — ", ", ")
        .replace("— ", ", ")
        .replace(" – ", ", ")
        .replace('—', " ")
}

/// "I söndags, han... nej. Nej, det var i måndags.": a clause broken off and taken back
/// with "no" as a sentence of its own goes, from the comma before it (the whole sentence
/// when there is none). Works on a segment's text before [`soften`] drops the break.
pub fn take_back(text: &str, lang: &LanguageData) -> String {
    let mut out = text.replace('…', "...");
    let mut from = 0;
    while let Some(k) = out[from..].find("...").map(|k| k + from) {
        let after = &out[k + 3..];
        let rest = after.trim_start();
        let word: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
        let closes = rest[word.len()..].starts_with(['.', '!']);
        if word.is_empty()
            || !closes
            || !lang.clean.no.iter().any(|n| n.eq_ignore_ascii_case(&word))
        {
            from = k + 3;
            continue;
        }
        let end = k + 3 + (after.len() - rest.len()) + word.len();
        let sentence_start = out[..k].rfind(['.', '!', '?']).map_or(0, |p| p + 1);
        let start = match out[sentence_start..k].rfind(',') {
            Some(c) => sentence_start + c,
            None => sentence_start,
        };
        out.replace_range(start..end, "");
        if start == sentence_start {
            // The whole sentence went: so does its full stop.
            let stop = out[start..]
                .find(|c: char| !c.is_whitespace())
                .map_or(0, |n| n + 1);
            out.replace_range(start..(start + stop).min(out.len()), "");
        }
        from = start;
    }
    out
}

/// A clause broken off at a hesitation mark is this short at most, without its last
/// words, when it is dropped for the one started again; a longer one said something.
const RESTART_WORDS: usize = 3;

/// "Det går... nogle gange glemmer jeg dem.", "Det är... jag skäms lite.": a clause broken
/// off after a verb, a pronoun, a conjunction or a particle ("Det låter ju...") and started
/// again with a subject goes.
/// What it named before its verb stays as the new clause's topic ("Sista passet var... det
/// var i början av januari." → "Sista passet, det var i början av januari."). A clause that
/// opens with "när", "if" is a condition of what follows, not broken off. Works on a
/// segment's text before [`soften`] drops the mark.
pub fn restart(text: &str, lang: &LanguageData) -> String {
    let g = &lang.grammar;
    let c = &lang.compiled;
    let subject = |w: &str| c.subjects.has_word(w);
    let unfinished = |w: &str| {
        subject(w)
            || g.auxiliaries.iter().any(|x| x == w)
            || g.clause_openers.iter().any(|x| x == w)
            || c.leading_conjunctions.has_word(w)
            || c.particles.has_word(w)
    };
    let mut out = text.to_string();
    let mut from = 0;
    while let Some(k) = out[from..].find("...").map(|k| k + from) {
        from = k + 3;
        let start = out[..k].rfind(['.', '!', '?', ',']).map_or(0, |p| p + 1);
        let broken: Vec<String> = words(&out[start..k]);
        let end = out[k + 3..]
            .find(['.', '!', '?'])
            .map_or(out.len(), |e| k + 3 + e);
        let again: Vec<String> = words(&out[k + 3..end]);
        let opens = again
            .iter()
            .take_while(|w| c.openers.has_word(w) || c.fillers.has_word(w))
            .count();
        let restarted = again.iter().skip(opens).take(4).any(|w| subject(w));
        let first = broken.iter().find(|w| !c.leading_conjunctions.has_word(w));
        let condition = first.is_some_and(|w| g.clause_openers.contains(w));
        if !restarted || condition || !broken.last().is_some_and(|w| unfinished(w)) {
            continue;
        }
        let kept = broken.len() - broken.iter().rev().take_while(|w| unfinished(w)).count();
        let head = &broken[..kept];
        let replacement = if head.iter().any(|w| subject(w)) {
            if head.len() > RESTART_WORDS {
                continue;
            }
            String::new()
        } else if head.is_empty() {
            String::new()
        } else {
            // The topic as it was said: up to the end of its last word.
            let said = &out[start..k];
            format!("{},", &said[..super::corrections::words_end(said, kept)])
        };
        let lead = if start > 0 { " " } else { "" };
        let replacement = format!("{lead}{}", replacement.trim());
        out.replace_range(start..k + 3, &replacement);
        from = start + replacement.len();
    }
    out
}

/// Splits into sentences at `.`, `!` or `?` followed by whitespace or the end; "13." in a
/// Danish date and "kl." are not sentence ends.
pub fn split(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        cur.push(*c);
        let end =
            matches!(c, '.' | '!' | '?') && chars.get(i + 1).is_none_or(|n| n.is_whitespace());
        let abbrev = *c == '.' && {
            let w: String = cur
                .trim_end_matches('.')
                .chars()
                .rev()
                .take_while(|c| c.is_alphanumeric())
                .collect();
            (!w.is_empty()
                && w.chars().all(|c| c.is_ascii_digit())
                && chars.get(i + 2).is_some_and(|n| n.is_lowercase()))
                || w.to_lowercase() == "lk"
        };
        if end && !abbrev {
            let s = cur.trim().to_string();
            if !s.is_empty() {
                out.push(s);
            }
            cur.clear();
        }
    }
    let s = cur.trim().to_string();
    if !s.is_empty() {
        out.push(s);
    }
    out
}

/// A word and the punctuation that follows it.
type Token = (String, String);

fn tokens(sentence: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut word = String::new();
    let chars: Vec<char> = sentence.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let inner = (c == '-' || c == '\'' || c == '’' || c == '.' || c == ',')
            && !word.is_empty()
            && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric())
            && (c != '.' && c != ',' || word.chars().all(|w| w.is_ascii_digit()));
        if c.is_alphanumeric() || inner || (c == '£' && word.is_empty()) {
            word.push(c);
        } else {
            if !word.is_empty() {
                out.push((std::mem::take(&mut word), String::new()));
            }
            match out.last_mut() {
                Some((_, p)) => p.push(c),
                None if !c.is_whitespace() && !matches!(c, ',' | '.' | ';' | ':') => word.push(c),
                None => {}
            }
        }
    }
    if !word.is_empty() {
        out.push((word, String::new()));
    }
    out
}

fn join(tokens: &[Token]) -> String {
    let mut s = String::new();
    for (w, p) in tokens {
        s.push_str(w);
        s.push_str(p);
    }
    s.trim().to_string()
}

fn lower(t: &Token) -> String {
    t.0.to_lowercase().replace('’', "'")
}

/// Removes immediately repeated words or phrases of up to four words ("jag har aldrig
/// jag har aldrig sökt" → "jag har aldrig sökt"); numbers repeat on purpose ("ett ett två").
fn drop_repetitions(mut toks: Vec<Token>, lang: &LanguageData) -> Vec<Token> {
    // "one one one" and "el ess ess" say each word on purpose.
    let number = |w: &str| {
        w.chars().all(|c| c.is_ascii_digit())
            || super::numbers::number_word(w, &lang.numbers).is_some()
            || (lang.clean.letters.contains_key(w)
                && !lang.clean.letter_words.iter().any(|x| x == w))
    };
    // "Gör det, det är jättebra": a word that ends a clause and one that opens the next are
    // no stutter; "Och jag, jag vet inte" is one.
    let ends_clause = |toks: &[Token], i: usize| {
        i > 0
            && toks[i].1.contains(',')
            && toks[i - 1].1.trim().is_empty()
            && !lang
                .compiled
                .leading_conjunctions
                .has_word(&lower(&toks[i - 1]))
    };
    for n in (1..=4).rev() {
        let mut i = 0;
        while i + 2 * n <= toks.len() {
            let same = (0..n).all(|k| lower(&toks[i + k]) == lower(&toks[i + n + k]));
            if same && !number(&lower(&toks[i])) && !(n == 1 && ends_clause(&toks, i)) {
                toks.drain(i..i + n);
            } else {
                i += 1;
            }
        }
    }
    toks
}

/// Whether the opener of `n` words that starts `toks` is what the sentence says, not a way
/// into it: one word runs on into the last ("Good idea."), or all that follows is "I think"
/// with its verb first, which puts the opener inside the clause ("Bra, tror jag."). A
/// conjunction is never that.
fn says_it(toks: &[Token], n: usize, lang: &LanguageData) -> bool {
    let lw = lower_words(toks);
    let rest = &lw[n.min(lw.len())..];
    let conjunction = lw[..n]
        .iter()
        .any(|w| lang.compiled.leading_conjunctions.has_word(w));
    let runs_on = n == 1 && rest.len() == 1 && toks[0].1.trim().is_empty();
    let i_think = lang.grammar.verb_second.unwrap_or(false)
        && rest.len() == 2
        && lang.grammar.first_subject.contains(&rest[1])
        && !toks[n].1.contains(',');
    !conjunction && (runs_on || i_think)
}

fn lower_words(toks: &[Token]) -> Vec<String> {
    toks.iter().map(lower).collect()
}

/// Removes every occurrence of the phrases in `list` (whole words); the punctuation of a
/// removed phrase moves to the word before it when it ends a sentence or clause.
fn drop_phrases(
    toks: Vec<Token>,
    list: &super::text::Phrases,
    subjects: &super::text::Phrases,
) -> Vec<Token> {
    drop_phrases_unless_after(toks, list, &[], &super::text::Phrases::default(), subjects)
}

/// Drops the phrases of `list`, except right after one of the words `kept_after`: "let you
/// know" tells, where "you know" alone only hedges.
fn drop_phrases_unless_after(
    toks: Vec<Token>,
    list: &super::text::Phrases,
    kept_after: &[String],
    conjunctions: &super::text::Phrases,
    subjects: &super::text::Phrases,
) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let lw = lower_words(&toks);
    let mut i = 0;
    while i < toks.len() {
        let governed = i > 0 && toks[i - 1].1.trim().is_empty() && kept_after.contains(&lw[i - 1]);
        // "…and that." closes a clause; "…some help and that I'd be ringing you" joins two.
        let joins = |n: &usize| {
            conjunctions.has_word(&lw[i])
                && i + n < toks.len()
                && toks[i + n - 1].1.trim().is_empty()
        };
        match list.prefix_len(&lw[i..]).filter(|n| !governed && !joins(n)) {
            Some(n) => {
                let p = &toks[i + n - 1].1;
                let end: String = p.chars().filter(|c| matches!(c, '.' | '?' | '!')).collect();
                // Set off by commas on both sides ("du taler, øh, lidt dansk"), the phrase
                // goes with them: "du taler lidt dansk"; not before a subject, where a
                // clause starts again ("She was, um, she got quite tearful").
                let between =
                    p.trim() == "," && i + n < toks.len() && !subjects.has_word(&lw[i + n]);
                if let Some(last) = out.last_mut() {
                    if !end.is_empty() {
                        last.1 = end;
                    } else if between && last.1.trim() == "," {
                        last.1 = " ".to_string();
                    }
                }
                i += n;
            }
            None => {
                out.push(toks[i].clone());
                i += 1;
            }
        }
    }
    out
}

/// Drops the particles of `list` after a sentence's first word ("Det finns ju jobb där." →
/// "Det finns jobb där."); a sentence that opens with one keeps it ("Ju förr, desto bättre").
fn drop_particles(
    toks: Vec<Token>,
    list: &super::text::Phrases,
    subjects: &super::text::Phrases,
) -> Vec<Token> {
    let mut toks = toks.into_iter();
    let first = toks.next();
    first
        .into_iter()
        .chain(drop_phrases(toks.collect(), list, subjects))
        .collect()
}

/// Cleans one sentence.
pub fn clean(sentence: &str, lang: &LanguageData) -> Sentence {
    let c = &lang.compiled;
    let mut question = sentence.trim_end().ends_with('?');
    let mut toks = drop_phrases(
        drop_repetitions(tokens(&soften(sentence)), lang),
        &c.fillers,
        &c.subjects,
    );
    let mut polarity = None;
    let mut opened = false;
    let mut last_opener: Option<String> = None;
    // Openers at the start, again and again; a yes or no among them is the polarity.
    loop {
        let lw = lower_words(&toks);
        let yes = c.yes.prefix_len(&lw);
        let no = c.no.prefix_len(&lw);
        // "That is fine, I want to …": an agreement set off by a comma opens too, but not
        // one that what follows goes on from ("Det går bra, men det går långsamt", "Det er
        // godt, at du drikker én om dagen").
        let agrees = c.acknowledgements.prefix_len(&lw).filter(|&n| {
            n > 0
                && n < toks.len()
                && toks[n - 1].1.contains(',')
                && !c.leading_conjunctions.has_word(&lw[n])
                && !lang.grammar.clause_openers.contains(&lw[n])
        });
        let opener = c.openers.prefix_len(&lw).max(agrees);
        let n = match (yes, no) {
            (Some(y), _) if y >= no.unwrap_or(0) => {
                polarity.get_or_insert(true);
                Some(y.max(opener.unwrap_or(0)))
            }
            (_, Some(n)) => {
                polarity.get_or_insert(false);
                Some(n.max(opener.unwrap_or(0)))
            }
            _ => opener,
        };
        match n {
            // A "no" that negates what follows ("Aldrig varit där") is not an opener.
            Some(n) if n < toks.len() || toks.len() == n => {
                let negation_word = polarity == Some(false)
                    && n == 1
                    && toks[0].1.trim().is_empty()
                    && toks.len() > 1;
                if negation_word || (yes.is_none() && no.is_none() && says_it(&toks, n, lang)) {
                    break;
                }
                opened |= n > 0 && n < toks.len();
                if n > 0 {
                    last_opener = Some(toks[n - 1].0.clone());
                }
                toks.drain(..n);
            }
            _ => break,
        }
        if toks.is_empty() {
            break;
        }
    }
    let toks = drop_phrases_unless_after(
        toks,
        &c.hedges,
        &lang.clean.hedges_kept_after,
        &c.leading_conjunctions,
        &c.subjects,
    );
    let mut toks = drop_phrases(toks, &c.fillers, &c.subjects);

    // Tags at the end ("…, va?", "…, ikke?"); a closing "no" or "yes" is the polarity.
    while toks.len() > 1 {
        let lw = lower_words(&toks);
        let tail = |list: &super::text::Phrases| {
            (1..=3.min(lw.len() - 1))
                .rev()
                .find(|&k| list.prefix_len(&lw[lw.len() - k..]) == Some(k))
        };
        let (k, pol) = if let Some(k) = tail(&c.no) {
            (k, Some(false))
        } else if let Some(k) = tail(&c.yes) {
            (k, Some(true))
        } else if let Some(k) = tail(&c.tags) {
            (k, None)
        } else {
            break;
        };
        // Only when set off by a comma: "…, ikke?" but not "Jeg kan ikke."
        let before = &toks[toks.len() - k - 1].1;
        if !before.contains(',') {
            break;
        }
        if let Some(p) = pol {
            polarity.get_or_insert(p);
        }
        // "Jeg sover dårligt, ikke?" asks for agreement, not for information.
        question = false;
        let end = toks.split_off(toks.len() - k).pop().expect("k >= 1").1;
        if let Some(prev) = toks.last_mut() {
            prev.1 = end.trim_start_matches([',', ' ']).to_string();
        }
    }
    // "…so I can pay half of it, and": cut off after a conjunction, which then goes.
    while toks.len() > 1
        && toks[toks.len() - 2].1.contains(',')
        && c.leading_conjunctions
            .has_word(&lower(&toks[toks.len() - 1]))
    {
        toks.pop();
    }
    let toks = drop_repetitions(toks, lang);
    let text = tidy(&join(&toks), question);
    // How the note writes it, when that differs from what the models learned from.
    let mut out = spelled_out(
        drop_particles(
            drop_phrases(
                restart_after_interjection(toks.clone(), lang),
                &c.swearing,
                &c.subjects,
            ),
            &c.particles,
            &c.subjects,
        ),
        lang,
    );
    if opened && !question && !statement_order(&mut out, lang) {
        keep_fronted_opener(&mut out, last_opener.as_deref(), lang);
    }
    let written = Some(tidy(&join(&out), question)).filter(|w| *w != text);
    let n = words(&text).len();
    // An amount counts as one word: "A hundred and twelve pounds fifty." is a short answer.
    let normal = words(&super::numbers::normalize(&text, lang));
    let ws = words(&text);
    let has_subject = !adjective_phrase(&ws, lang)
        && ws
            .iter()
            .enumerate()
            .any(|(k, w)| c.subjects.has_word(w) && !after_preposition(&ws, k, lang));
    // "Tisdag den femte, klockan nio." names a day: "den" before a number is no subject.
    let says_who = normal.iter().enumerate().any(|(k, w)| {
        let date = lang.grammar.date_articles.contains(w)
            && normal
                .get(k + 1)
                .is_some_and(|next| next.starts_with(|ch: char| ch.is_ascii_digit()));
        c.subjects.has_word(w) && !date && !after_preposition(&normal, k, lang)
    }) && !adjective_phrase(&ws, lang);
    Sentence {
        cut_start: false,
        fragment: !text.is_empty() && !has_subject && n <= 6,
        short_answer: !text.is_empty() && !says_who && normal.len() <= 6,
        text,
        polarity,
        question,
        written,
    }
}

/// Letters said one by one are the abbreviation they spell ("ce er a" → "CRA", "gee pe
/// ess" → "GPS"): two or more letter names in a row, no punctuation between them, at least
/// one of which is no word of the language (`clean.letters`, `clean.letter_words`).
fn spelled_out(toks: Vec<Token>, lang: &LanguageData) -> Vec<Token> {
    let letters = &lang.clean.letters;
    let words = &lang.clean.letter_words;
    let mut out: Vec<Token> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let mut end = i;
        while end < toks.len()
            && letters.contains_key(&lower(&toks[end]))
            && (end == i || toks[end - 1].1.trim().is_empty())
        {
            end += 1;
        }
        let run = &toks[i..end];
        if run.len() >= 2 && run.iter().any(|t| !words.contains(&lower(t))) {
            let spelled: String = run.iter().map(|t| letters[&lower(t)].as_str()).collect();
            out.push((spelled, run[run.len() - 1].1.clone()));
            i = end;
        } else {
            out.push(toks[i].clone());
            i += 1;
        }
    }
    out
}

/// "Det är ja, det är faktiskt elen": a start said again after a "ja" or "nej" is said once
/// ("Det är faktiskt elen"). Only for starts of two words or more, so "nej, nej" is left to
/// the repetition and polarity rules.
fn restart_after_interjection(toks: Vec<Token>, lang: &LanguageData) -> Vec<Token> {
    let c = &lang.compiled;
    let lw = lower_words(&toks);
    let between = |w: &str| {
        let one = [w.to_string()];
        [&c.yes, &c.no]
            .iter()
            .any(|list| list.prefix_len(&one) == Some(1))
    };
    for n in (2..=3).rev() {
        for i in 0..lw.len() {
            let j = i + n + 1;
            if j + n <= lw.len() && between(&lw[i + n]) && lw[i..i + n] == lw[j..j + n] {
                let mut out = toks[..i].to_vec();
                let mut rest = toks[j..].to_vec();
                if i == 0 {
                    if let Some(first) = rest.first_mut() {
                        first.0 = capitalise(&first.0);
                    }
                }
                out.append(&mut rest);
                return out;
            }
        }
    }
    toks
}

/// "Och så bröt jag handleden" loses "och så" as an opener and would read "Bröt jag
/// handleden", a question's word order: the verb goes back after its subject ("Jag bröt
/// handleden"). The first word is taken for the verb when a subject follows it and it is
/// no subject, conjunction, question word or sentence adverb itself.
fn statement_order(toks: &mut [Token], lang: &LanguageData) -> bool {
    let g = &lang.grammar;
    if !g.verb_second.unwrap_or(false) || toks.len() < 3 || !toks[0].1.trim().is_empty() {
        return false;
    }
    let first = lower(&toks[0]);
    let second = lower(&toks[1]);
    let not_verb = lang.compiled.subjects.has_word(&first)
        || [
            &g.clause_openers,
            &g.question_words,
            &g.clause_adverbs,
            &g.leading_conjunctions,
            &g.prepositions,
        ]
        .iter()
        .any(|list| list.contains(&first))
        || first.chars().any(|ch| ch.is_ascii_digit());
    let name = toks[1].0.chars().next().is_some_and(char::is_uppercase);
    // "Med det Nadia skrev": "det" after a preposition is no subject, so only a person.
    let person = lang.compiled.subjects.has_word(&second) && !g.impersonal.contains(&second);
    // "Så kommer der en fra hjemmeplejen": "der" is never an object ("Der kommer en …").
    let subject = person || name || g.expletives.contains(&second);
    if not_verb || !subject {
        return false;
    }
    let verb = std::mem::take(&mut toks[0].0).to_lowercase();
    toks[0].0 = std::mem::replace(&mut toks[1].0, verb);
    true
}

/// "Och så är hissen så trång" loses "och så" as an opener and would read "Är hissen så
/// trång", a question's word order, where its subject is no pronoun to put first: an
/// opener that stands first in a verb-second clause (`grammar.verb_after`: "så") is
/// written again before an auxiliary or modal verb ("Så är hissen så trång").
fn keep_fronted_opener(toks: &mut Vec<Token>, opener: Option<&str>, lang: &LanguageData) {
    let g = &lang.grammar;
    let Some(opener) = opener.filter(|o| g.verb_after.contains(&o.to_lowercase())) else {
        return;
    };
    let first = toks.first().map(lower).unwrap_or_default();
    if toks.len() < 2 || !g.takes_bare_verb(&first) {
        return;
    }
    toks[0].0 = first;
    toks.insert(0, (opener.to_string(), " ".to_string()));
}

/// Whether word `k` follows a preposition, as its object ("kun i den ene side"), not as
/// the subject of a clause: a word that also opens clauses ("om det går") does not count.
/// At most this many words make a phrase of an article and adjectives ("De gamle brune.").
const ADJECTIVE_PHRASE: usize = 4;

/// Whether `ws` is an article and adjectives, no clause ("Den langsomme.", "De gamla."):
/// its "den" is no subject. A past tense ending ("De købte.") or a verb the grammar knows
/// makes it a clause.
fn adjective_phrase(ws: &[String], lang: &LanguageData) -> bool {
    let g = &lang.grammar;
    let adjective = |w: &String| {
        g.adjective_endings.iter().any(|e| w.ends_with(e.as_str()))
            && !g.past_endings.iter().any(|e| w.ends_with(e.as_str()))
            && !g.takes_bare_verb(w)
            && !g.pro_verbs.contains(w)
    };
    ws.len() >= 2
        && ws.len() <= ADJECTIVE_PHRASE
        && g.adjective_articles.contains(&ws[0])
        && ws[1..].iter().all(adjective)
}

fn after_preposition(ws: &[String], k: usize, lang: &LanguageData) -> bool {
    let g = &lang.grammar;
    k.checked_sub(1)
        .map(|p| &ws[p])
        .is_some_and(|p| g.prepositions.contains(p) && !g.clause_openers.contains(p))
}

/// Punctuation tidied, capitalised, ending in a full stop or question mark.
fn tidy(s: &str, question: bool) -> String {
    let mut s = s
        .trim_start_matches([',', ';', ':', ' ', '.', '-'])
        .to_string();
    while s.contains(",,") || s.contains(", ,") || s.contains(",.") {
        s = s.replace(",,", ",").replace(", ,", ",").replace(",.", ".");
    }
    let s = s.trim_end_matches([',', ';', ':', ' ', '-']);
    // A hesitation mark that became a space leaves two ("lige...  fjorten").
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().filter(|c| c.is_alphanumeric()).count() == 0 {
        return String::new();
    }
    let mut s = capitalise(&s);
    let s_end = s.trim_end_matches(['.', '?', '!']).len();
    s.truncate(s_end);
    s.push(if question { '?' } else { '.' });
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::{Language, Languages};

    fn check(lang: Language, table: &[(&str, &str, Option<bool>)]) {
        let all = Languages::builtin();
        let data = all.get(lang);
        for (input, text, polarity) in table {
            let s = clean(input, data);
            assert_eq!(
                (s.text.as_str(), s.polarity),
                (*text, *polarity),
                "{lang}: {input}"
            );
        }
    }

    #[test]
    fn letters_said_one_by_one_are_written_as_the_abbreviation() {
        let all = Languages::builtin();
        let s = clean(
            "En metod som heter ce er a, gee pe ess larm och el ess ess.",
            all.get(Language::Sv),
        );
        assert_eq!(s.written(), "En metod som heter CRA, GPS larm och LSS.");
        assert_eq!(
            s.text, "En metod som heter ce er a, gee pe ess larm och el ess ess.",
            "the models learn from the sentence as said"
        );
        let s = clean("Det er i de andre.", all.get(Language::Da));
        assert_eq!(s.written(), "Det er i de andre.", "words, not letters");
        let s = clean("Han fik en em em es e.", all.get(Language::Da));
        assert_eq!(s.written(), "Han fik en MMSE.");
    }

    #[test]
    fn modal_particles_are_left_out_of_the_note_inside_a_sentence() {
        let all = Languages::builtin();
        for (lang, said, written) in [
            (
                Language::Sv,
                "Det finns ju jobb där.",
                "Det finns jobb där.",
            ),
            (
                Language::Sv,
                "Han har ju varit pensionär i 30 år.",
                "Han har varit pensionär i 30 år.",
            ),
            (Language::Sv, "Det är det ju.", "Det är det."),
            (
                Language::Sv,
                "Ju förr, desto bättre.",
                "Ju förr, desto bättre.",
            ),
            (
                Language::Da,
                "Han sidder jo op hele natten.",
                "Han sidder op hele natten.",
            ),
            (Language::Da, "Jo, det gør jeg.", "Det gør jeg."),
        ] {
            let s = clean(said, all.get(lang));
            assert_eq!(s.written(), written, "{lang}: {said}");
            assert_eq!(
                s.text.contains(" ju") || s.text.contains(" jo"),
                said.contains(" ju") || said.contains(" jo"),
                "the models learn from the sentence as said: {said}"
            );
        }
    }

    #[test]
    fn swedish_ugly_inputs() {
        check(
            Language::Sv,
            &[
                (
                    "Ja, alltså, jag har aldrig... jag har aldrig sökt sånt här förut, liksom.",
                    "Jag har aldrig sökt sånt här förut.",
                    Some(true),
                ),
                ("Mm.", "", None),
                ("Ja.", "", Some(true)),
                ("Nej, det har hon inte.", "Det har hon inte.", Some(false)),
                ("Eh, vi, vi bor i en trea, va?", "Vi bor i en trea.", None),
                ("Och hyran, vad är hyran?", "Hyran, vad är hyran?", None),
                (
                    "Nej men, du vet, det är tungt.",
                    "Det är tungt.",
                    Some(false),
                ),
                ("Aldrig varit där.", "Aldrig varit där.", Some(false)),
                (
                    "Jag jobbar, eh, på ett lager —",
                    "Jag jobbar på ett lager.",
                    None,
                ),
                (
                    "Hon frågar om du vet var pappren är.",
                    "Hon frågar om du vet var pappren är.",
                    None,
                ),
                (
                    "Ja, gärna, den där köksstolen är livsfarlig.",
                    "Den där köksstolen är livsfarlig.",
                    Some(true),
                ),
                (
                    "Det går bra, men det går långsamt.",
                    "Det går bra, men det går långsamt.",
                    None,
                ),
                (
                    "Gör det, det är jättebra.",
                    "Gör det, det är jättebra.",
                    None,
                ),
                ("Och jag, jag vet inte.", "Jag vet inte.", None),
                ("Bra, tror jag.", "Bra, tror jag.", None),
                ("Okej, jag ringer.", "Jag ringer.", None),
                ("Och Susan.", "Susan.", None),
            ],
        );
    }

    #[test]
    fn danish_ugly_inputs() {
        check(
            Language::Da,
            &[
                ("Øh, tre gange, ikke?", "Tre gange.", None),
                ("Hun taler, øh, lidt dansk.", "Hun taler lidt dansk.", None),
                (
                    "Ja ja, altså, jeg klarer mig.",
                    "Jeg klarer mig.",
                    Some(true),
                ),
                ("Nej, det gør jeg ikke.", "Det gør jeg ikke.", Some(false)),
                ("Jeg kan ikke.", "Jeg kan ikke.", None),
                ("Fireogtyve—", "Fireogtyve.", None),
                (
                    "Jamen, øh, jeg sover dårligt, ved du.",
                    "Jeg sover dårligt.",
                    None,
                ),
                (
                    "Ring, hvis du ved noget nyt.",
                    "Ring, hvis du ved noget nyt.",
                    None,
                ),
                ("Det er fint, jeg er her.", "Jeg er her.", None),
                (
                    "Men det er godt, at du drikker én om dagen.",
                    "Det er godt, at du drikker én om dagen.",
                    None,
                ),
                ("Det er fint.", "Det er fint.", None),
                ("Godt, synes jeg.", "Godt, synes jeg.", None),
            ],
        );
    }

    #[test]
    fn english_ugly_inputs() {
        check(
            Language::En,
            &[
                (
                    "She was, um, she got quite tearful.",
                    "She was, she got quite tearful.",
                    None,
                ),
                (
                    "I've got the stick, yes.",
                    "I've got the stick.",
                    Some(true),
                ),
                ("Not a fall, no.", "Not a fall.", Some(false)),
                (
                    "And I, you know, I hold onto the furniture.",
                    "I hold onto the furniture.",
                    None,
                ),
                ("Um, yeah.", "", Some(true)),
                ("Well, that's the thing.", "That's the thing.", None),
                (
                    "I would like help with cleaning.",
                    "I would like help with cleaning.",
                    None,
                ),
                ("Fifty-one years, mind.", "Fifty-one years.", None),
                (
                    "I'll ring you to let you know where we've got to.",
                    "I'll ring you to let you know where we've got to.",
                    None,
                ),
                (
                    "It's sort of, you know, a kind of bench.",
                    "It's a bench.",
                    None,
                ),
                (
                    "Just so you know, we're off from the 22nd.",
                    "We're off from the 22nd.",
                    None,
                ),
                (
                    "Yes, that is fine, I want to talk about my rent.",
                    "I want to talk about my rent.",
                    Some(true),
                ),
                ("That's fine.", "That's fine.", None),
                ("Good idea.", "Good idea.", None),
                ("Haha, that's it.", "That's it.", None),
                ("We had tea and that.", "We had tea.", None),
                (
                    "They dropped me at the door and that was that.",
                    "They dropped me at the door and that was that.",
                    None,
                ),
                ("Okay, I'll ring.", "I'll ring.", None),
                ("And Susan.", "Susan.", None),
            ],
        );
    }

    #[test]
    fn fragments_and_clauses() {
        let all = Languages::builtin();
        let en = all.get(Language::En);
        assert!(clean("Last Wednesday.", en).fragment);
        assert!(clean("Two in the morning.", en).fragment);
        assert!(!clean("They dropped me at the door.", en).fragment);
        let sv = all.get(Language::Sv);
        assert!(clean("Starköl.", sv).fragment);
        assert!(clean("Tisdag den femte, klockan nio.", sv).short_answer);
        assert!(!clean("Den är trasig.", sv).short_answer);
        assert!(!clean("There's thirteen stairs.", en).short_answer);
        let said = clean("Och så bröt jag handleden.", sv);
        assert_eq!(
            said.text, "Bröt jag handleden.",
            "what the models learned from"
        );
        assert_eq!(said.written(), "Jag bröt handleden.");
        for kept in [
            "Och med det Nadia skrev.",
            "Och hos Elin kan jag inte bo kvar.",
            "Så nu bor jag här.",
            "Bröt jag handleden?",
        ] {
            assert_eq!(clean(kept, sv).written, None, "{kept}");
        }
        let da = all.get(Language::Da);
        assert_eq!(
            clean("Og så kommer der en fra hjemmeplejen.", da).written(),
            "Der kommer en fra hjemmeplejen.",
            "\"der\" is never an object (`grammar.expletives`)"
        );
        assert_eq!(
            clean("Och så är hissen så trång med rullatorn.", sv).written(),
            "Så är hissen så trång med rullatorn.",
            "\"så\" is written again before a verb whose subject is a noun"
        );
        assert_eq!(
            clean("Ja, og så bliver insulinen optaget dårligere.", da).written(),
            "Så bliver insulinen optaget dårligere."
        );
        assert_eq!(clean("Och hissen är trång.", sv).written, None);
        assert_eq!(
            clean("Och så bröt jag handleden.", sv).written(),
            "Jag bröt handleden.",
            "a pronoun subject goes first instead"
        );
        assert_eq!(
            clean("Og skriver det i bogen.", da).written,
            None,
            "\"det\" can be an object"
        );
        assert_eq!(
            clean("Så spiser Erik noget bagefter.", da).written(),
            "Erik spiser noget bagefter."
        );
        assert_eq!(
            clean("Det är ja, det är faktiskt elen som är problemet.", sv).written(),
            "Det är faktiskt elen som är problemet."
        );
        assert_eq!(clean("Nej, nej, det stämmer inte.", sv).written, None);
        assert!(!clean("Jag dricker starköl.", sv).fragment);
        assert!(
            clean("Not all of it.", en).fragment,
            "\"it\" is the object of \"of\""
        );
        assert_eq!(
            take_back("I söndags, han... nej. Nej, det var i måndags.", sv),
            "I söndags. Nej, det var i måndags."
        );
        assert_eq!(
            take_back("Ja. Han... nej. Jag vet inte.", sv),
            "Ja. Jag vet inte."
        );
        let kept = "Jag vet inte... nej, det gör jag inte.";
        assert_eq!(take_back(kept, sv), kept, "\"nej\" opens the next clause");
        assert!(
            clean("Kun i den ene side.", da).fragment,
            "\"den\" is the side's"
        );
        // An article and adjectives name a thing; they say nobody did anything.
        assert!(clean("Den langsomme.", da).fragment);
        assert!(clean("De gamle brune.", da).short_answer);
        assert!(clean("Den högra.", sv).fragment);
        assert!(
            !clean("De købte.", da).fragment,
            "a past tense makes a clause"
        );
        assert!(!clean("Det vill jag.", sv).fragment);
        assert!(
            !clean("Om det går, så.", sv).short_answer,
            "\"om\" opens a clause"
        );
    }

    #[test]
    fn a_clause_broken_off_and_started_again_goes() {
        let all = Languages::builtin();
        let (sv, da, en) = (
            all.get(Language::Sv),
            all.get(Language::Da),
            all.get(Language::En),
        );
        let cases = [
            (sv, "Det är... jag skäms lite.", " jag skäms lite."),
            (
                sv,
                "Jag tänkte att jag... ja, det var dumt.",
                " ja, det var dumt.",
            ),
            (
                sv,
                "Nej, sista passet var... det var i början av januari.",
                "Nej, sista passet, det var i början av januari.",
            ),
            (
                da,
                "Det går... nogle gange glemmer jeg dem.",
                " nogle gange glemmer jeg dem.",
            ),
            (
                sv,
                "Det låter ju... alltså, det låter mycket.",
                " alltså, det låter mycket.",
            ),
            // What stays: a condition, a longer clause, no new subject, a finished clause.
            (
                da,
                "Når jeg går... så er det nok en seks, syv.",
                "Når jeg går... så er det nok en seks, syv.",
            ),
            (
                sv,
                "Men det var läkaren på vårdcentralen som... jag var där i mars.",
                "Men det var läkaren på vårdcentralen som... jag var där i mars.",
            ),
            (sv, "Hyran är... 7 850.", "Hyran är... 7 850."),
            (
                sv,
                "Jag vet inte... nej, det gör jag inte.",
                "Jag vet inte... nej, det gör jag inte.",
            ),
            (
                en,
                "If court comes... what do I do?",
                "If court comes... what do I do?",
            ),
        ];
        for (lang, said, kept) in cases {
            assert_eq!(restart(said, lang), kept, "{said}");
        }
        assert_eq!(
            clean(&soften(&restart("Det är... jag skäms lite.", sv)), sv).text,
            "Jag skäms lite."
        );
    }

    #[test]
    fn a_conjunction_left_hanging_by_an_interruption_goes() {
        let all = Languages::builtin();
        let (en, sv) = (all.get(Language::En), all.get(Language::Sv));
        assert_eq!(
            clean("so I can pay half of it, and", en).text,
            "I can pay half of it."
        );
        assert_eq!(
            clean("jag orkar inte städa, men", sv).text,
            "Jag orkar inte städa."
        );
        assert_eq!(clean("I think so.", en).text, "I think so.");
    }

    #[test]
    fn a_hesitation_mark_leaves_one_space() {
        let all = Languages::builtin();
        let da = all.get(Language::Da);
        assert_eq!(
            clean("Det ved jeg ikke lige... fjorten komma otte", da).text,
            "Det ved jeg ikke lige fjorten komma otte."
        );
    }

    #[test]
    fn splitting_keeps_dates_and_abbreviations() {
        assert_eq!(
            split("Det var den 13. april. Kl. 10 kommer hun. Ja?"),
            ["Det var den 13. april.", "Kl. 10 kommer hun.", "Ja?"]
        );
    }
}
