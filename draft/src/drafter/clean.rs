//! Turning spoken text into written text: false starts, repetitions, fillers and
//! discourse openers go; self-corrections keep only the corrected statement.
use super::lexicon::Lexicon;

/// Lower-case words of `text` (letters, digits, inner hyphens), for matching.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty() && *w != "-")
        .map(|w| w.to_lowercase())
        .collect()
}

/// Text prepared for phrase matching: lower-case words joined by single spaces, padded.
#[derive(Debug, Clone)]
pub struct Text(String);

impl Text {
    pub fn new(text: &str) -> Text {
        Text(format!(" {} ", words(text).join(" ")))
    }

    /// Whether `phrase` occurs starting at a word boundary (a stem matches longer words;
    /// a trailing space in the phrase demands a whole word).
    pub fn has(&self, phrase: &str) -> bool {
        let whole = phrase.ends_with(' ');
        let p = phrase.trim();
        let simple = p
            .chars()
            .all(|c| c == ' ' || c == '-' || (c.is_alphanumeric() && !c.is_uppercase()));
        if simple {
            self.find(p, whole)
        } else {
            self.find(&words(p).join(" "), whole)
        }
    }

    /// `p` (already normalised) at a word start, and a word end when `whole`.
    fn find(&self, p: &str, whole: bool) -> bool {
        if p.is_empty() {
            return false;
        }
        let bytes = self.0.as_bytes();
        self.0.match_indices(p).any(|(at, _)| {
            at > 0 && bytes[at - 1] == b' ' && (!whole || bytes.get(at + p.len()) == Some(&b' '))
        })
    }

    /// The padded, normalised text (" word word ").
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The words, in order.
    pub fn word_list(&self) -> Vec<&str> {
        self.0.split(' ').filter(|w| !w.is_empty()).collect()
    }

    pub fn count(&self, phrases: &[String]) -> usize {
        phrases.iter().filter(|p| self.has(p)).count()
    }

    pub fn any(&self, phrases: &[&str]) -> bool {
        phrases.iter().any(|p| self.has(p))
    }
}

/// Replaces hesitation marks with spaces and removes a trailing cut-off dash, so that
/// repeated words around a false start become adjacent and can be removed.
fn soften(text: &str) -> String {
    let t = text.replace("...", " ").replace('…', " ");
    let t = t.trim_end().trim_end_matches(['—', '–']).to_string();
    t.replace(" — ", " ").replace('—', " ")
}

/// Splits into sentences at `.`, `!` or `?` followed by whitespace or the end.
pub fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        cur.push(*c);
        let end =
            matches!(c, '.' | '!' | '?') && chars.get(i + 1).is_none_or(|n| n.is_whitespace());
        // "13." in Danish dates and "kl." are not sentence ends.
        let abbrev = *c == '.' && {
            let w: String = cur
                .trim_end_matches('.')
                .chars()
                .rev()
                .take_while(|c| c.is_alphanumeric())
                .collect();
            w.chars().all(|c| c.is_ascii_digit())
                && !w.is_empty()
                && chars.get(i + 2).is_some_and(|n| n.is_lowercase())
                || w == "lk"
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

/// Word tokens of a sentence with the punctuation that follows each word.
fn tokens(sentence: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut word = String::new();
    for c in sentence.chars() {
        if c.is_alphanumeric() || (c == '-' && !word.is_empty()) || (c == '\'' && !word.is_empty())
        {
            word.push(c);
        } else {
            if !word.is_empty() {
                out.push((std::mem::take(&mut word), String::new()));
            }
            if let Some((_, p)) = out.last_mut() {
                p.push(c);
            }
        }
    }
    if !word.is_empty() {
        out.push((word, String::new()));
    }
    out
}

fn join(tokens: &[(String, String)]) -> String {
    let mut s = String::new();
    for (w, p) in tokens {
        s.push_str(w);
        s.push_str(p);
    }
    s.trim().to_string()
}

/// Removes immediately repeated words or phrases of up to four words ("jag har aldrig
/// jag har aldrig sökt" → "jag har aldrig sökt", "sätt dig, sätt dig" → "sätt dig").
fn drop_repetitions(mut toks: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut n = 4;
    while n >= 1 {
        let mut i = 0;
        while i + 2 * n <= toks.len() {
            let same =
                (0..n).all(|k| toks[i + k].0.to_lowercase() == toks[i + n + k].0.to_lowercase());
            if same {
                // keep the second copy's punctuation, drop the first copy
                toks.drain(i..i + n);
            } else {
                i += 1;
            }
        }
        n -= 1;
    }
    toks
}

/// Removes fillers anywhere and openers / tags at the edges of a sentence.
fn drop_fillers(mut toks: Vec<(String, String)>, lex: &Lexicon) -> Vec<(String, String)> {
    let lower = |t: &(String, String)| t.0.to_lowercase();
    // Openers at the start, repeatedly ("Ja, alltså, nej men ...").
    loop {
        let mut removed = false;
        for opener in lex.openers {
            let ow = words(opener);
            if toks.len() > ow.len() && toks.iter().take(ow.len()).map(lower).eq(ow.iter().cloned())
            {
                toks.drain(..ow.len());
                removed = true;
                break;
            }
            if toks.len() == ow.len() && toks.iter().map(lower).eq(ow.iter().cloned()) {
                toks.clear();
                removed = true;
                break;
            }
        }
        if !removed || toks.is_empty() {
            break;
        }
    }
    // Fillers anywhere; punctuation of a dropped filler moves to the previous word only
    // when it ends the sentence.
    let mut out: Vec<(String, String)> = Vec::new();
    for t in toks {
        if lex.fillers.contains(&lower(&t).as_str()) {
            let end: String =
                t.1.chars()
                    .filter(|c| matches!(c, '.' | '?' | '!'))
                    .collect();
            if !end.is_empty() {
                if let Some(last) = out.last_mut() {
                    last.1 = end;
                }
            }
            continue;
        }
        out.push(t);
    }
    // Tags at the end ("..., va?", "..., ikke?").
    while out.len() > 1 {
        let last = lower(out.last().expect("len > 1"));
        if lex.tags.contains(&last.as_str()) {
            let end = out.pop().expect("len > 1").1;
            if let Some(prev) = out.last_mut() {
                prev.1 = end.trim_start_matches([',', ' ']).to_string();
            }
        } else {
            break;
        }
    }
    out
}

/// Cleans one sentence: repetitions, fillers, openers; tidies punctuation and capitalises.
/// Returns an empty string when nothing of substance is left.
pub fn clean_sentence(sentence: &str, lex: &Lexicon) -> String {
    let toks = tokens(&soften(sentence));
    let toks = drop_repetitions(toks);
    let toks = drop_fillers(toks, lex);
    let toks = drop_repetitions(toks);
    let mut s = join(&toks);
    s = s.trim_start_matches([',', ';', ':', ' ', '.']).to_string();
    while s.contains(",,") || s.contains(", ,") {
        s = s.replace(",,", ",").replace(", ,", ",");
    }
    let s = s.trim_end_matches([',', ';', ':', ' ']).to_string();
    if s.chars().filter(|c| c.is_alphanumeric()).count() == 0 {
        return String::new();
    }
    let mut s = capitalise(&s);
    if !s.ends_with(['.', '?', '!']) {
        s.push('.');
    }
    s
}

pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

pub fn decapitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        // Keep capitals of names and acronyms: only lower a capital followed by a lower-case letter.
        Some(f) if f.is_uppercase() && s.chars().nth(1).is_some_and(|n| n.is_lowercase()) => {
            f.to_lowercase().collect::<String>() + c.as_str()
        }
        _ => s.to_string(),
    }
}

/// Result of applying self-corrections to one segment's text.
pub struct Corrected {
    pub text: String,
    /// Content words of the superseded statement that the correction did not repeat.
    pub superseded_terms: Vec<String>,
    pub corrected: bool,
    /// The correction opens the segment, so it corrects what was said just before.
    pub corrects_previous: bool,
    /// The superseded statements: never output, but they tell what the correction is about.
    pub superseded_text: String,
}

const APOLOGIES: &[&str] = &["förlåt", "ursäkta", "undskyld", "sorry"];

/// Applies "X. Nej förlåt, Y" corrections: X is dropped, Y kept without its justification
/// ("…, för det var en torsdag, jag minns att …").
pub fn apply_self_corrections(text: &str, lex: &Lexicon) -> Corrected {
    let softened = soften(text);
    let mut sents = sentences(&softened);
    let mut superseded_terms = Vec::new();
    let mut corrected = false;
    let mut corrects_previous = false;
    let mut superseded_text = String::new();
    let mut i = 0;
    while i < sents.len() {
        let s = sents[i].clone();
        let lw = words(&s);
        // Find a marker in this sentence at word position p.
        let mut found: Option<(usize, usize)> = None;
        for m in lex.self_corrections {
            let mw = words(m);
            if mw.is_empty() {
                continue;
            }
            if let Some(p) =
                (0..lw.len().saturating_sub(mw.len() - 1)).find(|&p| lw[p..p + mw.len()] == mw[..])
            {
                if found.is_none_or(|(fp, _)| p < fp) {
                    found = Some((p, mw.len()));
                }
            }
        }
        let Some((p, mlen)) = found else {
            i += 1;
            continue;
        };
        corrected = true;
        let before_words: Vec<String> = lw[..p].to_vec();
        // The corrected statement: words after the marker, in original text form.
        let after = text_after_words(&s, p + mlen);
        let after = cut_justification(&after, lex);
        // What is superseded: the part of this sentence before the marker, or when the
        // marker opens the sentence (or only a stutter precedes it), the previous sentence.
        let stutter = before_words
            .iter()
            .all(|w| lex.openers.contains(&w.as_str()) || APOLOGIES.contains(&w.as_str()));
        let old = if stutter {
            if i > 0 {
                let prev = sents.remove(i - 1);
                i -= 1;
                prev
            } else {
                corrects_previous = true;
                String::new()
            }
        } else {
            text_before_words(&s, p)
        };
        superseded_text.push_str(&old);
        superseded_text.push(' ');
        let after =
            substitute(&old, after.trim_start_matches([',', ':', ' ']), lex).unwrap_or(after);
        let new_words = words(&after);
        for w in words(&old) {
            if w.chars().count() >= 4
                && !new_words.contains(&w)
                && !superseded_terms.contains(&w)
                && !lex.months.contains(&w.as_str())
            {
                superseded_terms.push(w);
            }
        }
        let new = after.trim_start_matches([',', ':', ' ']).to_string();
        if new.trim().is_empty() {
            sents.remove(i);
        } else {
            sents[i] = capitalise(new.trim());
            i += 1;
        }
        // A justification in the next sentence ("För på fredagen var jag där …") goes too.
        if let Some(next) = sents.get(i) {
            let first = words(next).into_iter().next().unwrap_or_default();
            if lex.justifications.contains(&first.as_str()) {
                sents.remove(i);
            }
        }
    }
    Corrected {
        text: sents.join(" "),
        superseded_terms,
        corrected,
        corrects_previous,
        superseded_text,
    }
}

/// "Jag blev uppsagd den tionde mars. Nej förlåt, det var den tolfte mars." The correction
/// only gives the new value ("det var X"): put it into the old statement when X replaces the
/// old statement's tail exactly (a month may be left implied), so the statement survives.
fn substitute(old: &str, new: &str, lex: &Lexicon) -> Option<String> {
    const COPULAS: &[&[&str]] = &[
        &["det", "var"],
        &["det", "är"],
        &["det", "er"],
        &["it", "was"],
    ];
    let nw = words(new);
    let copula = COPULAS.iter().find(|c| {
        nw.len() > c.len()
            && nw[..c.len()] == c.iter().map(|w| w.to_string()).collect::<Vec<_>>()[..]
    })?;
    let value = &nw[copula.len()..];
    let ow = words(old);
    let p = ow.iter().position(|w| *w == value[0])?;
    if p == 0 || ow.len() - p < value.len() {
        return None;
    }
    let extra = &ow[p + value.len()..];
    if !extra.iter().all(|w| lex.months.contains(&w.as_str())) {
        return None;
    }
    let value_text = text_after_words(new, copula.len());
    let value_text = value_text.trim_end_matches(['.', '!', ' ']);
    let mut out = format!("{} {value_text}", text_before_words(old, p));
    for m in extra {
        out.push(' ');
        out.push_str(m);
    }
    out.push('.');
    Some(capitalise(&out))
}

/// Drops a justification clause from a corrected statement, up to the sentence end.
fn cut_justification(text: &str, lex: &Lexicon) -> String {
    let lower = text.to_lowercase();
    let mut cut = text.len();
    for j in lex.justifications {
        let needle = format!(", {j} ");
        if let Some(at) = lower.find(&needle) {
            cut = cut.min(at);
        }
    }
    let mut s = text[..cut].trim_end_matches([',', ' ']).to_string();
    if cut < text.len() && !s.ends_with(['.', '!', '?']) {
        s.push('.');
    }
    s
}

/// Text of `s` from word index `n` on.
fn text_after_words(s: &str, n: usize) -> String {
    let mut count = 0;
    let mut in_word = false;
    for (at, c) in s.char_indices() {
        let w = c.is_alphanumeric() || c == '-';
        if w && !in_word {
            if count == n {
                return s[at..].to_string();
            }
            count += 1;
        }
        in_word = w;
    }
    String::new()
}

/// Text of `s` before word index `n`.
fn text_before_words(s: &str, n: usize) -> String {
    let mut count = 0;
    let mut in_word = false;
    for (at, c) in s.char_indices() {
        let w = c.is_alphanumeric() || c == '-';
        if w && !in_word {
            if count == n {
                return s[..at].trim_end_matches([',', ' ', '.']).to_string();
            }
            count += 1;
        }
        in_word = w;
    }
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drafter::lexicon::{DA, SV};

    #[test]
    fn corrections_keep_the_later_statement() {
        let c = apply_self_corrections(
            "Det var den tredje februari. Nej vänta, det var den femte, för det var en torsdag.",
            &SV,
        );
        assert_eq!(c.text, "Det var den femte februari.");
        assert!(c.superseded_terms.contains(&"tredje".to_string()));
        let c = apply_self_corrections(
            "Jag blev uppsagd den tionde mars. Nej förlåt, det var den tolfte mars.",
            &SV,
        );
        assert_eq!(c.text, "Jag blev uppsagd den tolfte mars.");
        assert!(c.superseded_terms.contains(&"tionde".to_string()));
        let c = apply_self_corrections(
            "Det var mandag. Nej, vent, det var tirsdag, den syttende, for mandag var jeg der.",
            &DA,
        );
        assert_eq!(c.text, "Det var tirsdag, den syttende.");
    }

    #[test]
    fn fillers_and_false_starts_go() {
        assert_eq!(
            clean_sentence(
                "Ja, alltså, jag har aldrig... jag har aldrig sökt sånt här förut, liksom.",
                &SV
            ),
            "Jag har aldrig sökt sånt här förut."
        );
        assert_eq!(clean_sentence("Mm.", &SV), "");
        assert_eq!(clean_sentence("Øh, tre gange, ikke?", &DA), "Tre gange?");
    }
}
