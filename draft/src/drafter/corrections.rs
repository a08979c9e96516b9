//! Stage 1b, corrections: when someone corrects what was said ("det var den tredje
//! februari. Nej vänta, det var den femte"), only the later statement is kept. A correction
//! that gives a new value (a number, a day of the month, a weekday) puts it into the
//! corrected sentence, so the statement survives with the right value; one that restates
//! the whole thing replaces it. Corrections by someone else count when they are put as a
//! "no" with a new value, or when the first speaker agrees. Superseded values are also
//! kept out of what the speaker says right after ("The hundred and twenty was the old
//! place").
use super::numbers::number_word;
use super::sentences::{restart, soften, split, take_back};
use super::text::words;
use crate::language::LanguageData;

/// What kind of value a correction changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Number,
    Ordinal,
    Weekday,
}

/// A value in a sentence: its kind and byte range.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

struct Word {
    start: usize,
    end: usize,
    lower: String,
}

fn word_spans(s: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    for (n, &(at, c)) in chars.iter().enumerate() {
        let next_alnum = chars.get(n + 1).is_some_and(|(_, d)| d.is_alphanumeric());
        let inner = matches!(c, '-' | '\'' | '’' | '.' | ',')
            && start.is_some()
            && next_alnum
            && (!matches!(c, '.' | ',')
                || s[start.unwrap_or(at)..at]
                    .chars()
                    .all(|d| d.is_ascii_digit()));
        if c.is_alphanumeric() || inner {
            start.get_or_insert(at);
        } else if let Some(b) = start.take() {
            out.push(Word {
                start: b,
                end: at,
                lower: s[b..at].to_lowercase(),
            });
        }
    }
    if let Some(b) = start {
        out.push(Word {
            start: b,
            end: s.len(),
            lower: s[b..].to_lowercase(),
        });
    }
    out
}

/// The values in `s`: numbers in words or digits, days of the month, weekdays.
pub fn values(s: &str, lang: &LanguageData) -> Vec<Value> {
    let n = &lang.numbers;
    let ws = word_spans(s);
    let kind_of = |k: usize| -> Option<Kind> {
        let w = &ws[k].lower;
        if w.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        {
            let suffix_dot = n.ordinal_suffix.as_deref() == Some(".")
                && s[ws[k].end..].starts_with('.')
                && ws.get(k + 1).is_some_and(|m| n.months.contains(&m.lower));
            return Some(if suffix_dot {
                Kind::Ordinal
            } else {
                Kind::Number
            });
        }
        let digits = w.trim_end_matches(|c: char| c.is_alphabetic());
        if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
            return Some(Kind::Ordinal);
        }
        if n.weekdays.iter().any(|d| w.starts_with(d.as_str())) {
            return Some(Kind::Weekday);
        }
        let multiplier_next = ws
            .get(k + 1)
            .is_some_and(|m| n.hundred.contains(&m.lower) || n.thousand.contains(&m.lower));
        if n.articles.contains(w) && !n.cardinals.contains_key(w) {
            return multiplier_next.then_some(Kind::Number);
        }
        // "en" and "ett" are articles unless a number word follows.
        match number_word(w, n) {
            Some(true) => Some(Kind::Ordinal),
            Some(false) => Some(Kind::Number),
            None => None,
        }
    };
    let mut out: Vec<Value> = Vec::new();
    let mut k = 0;
    while k < ws.len() {
        let Some(kind) = kind_of(k) else {
            k += 1;
            continue;
        };
        let mut end = ws[k].end;
        let mut j = k + 1;
        // One number may run over several words ("a hundred and twelve fifty").
        if kind == Kind::Number {
            while j < ws.len() && s[end..ws[j].start].trim().is_empty() {
                let joiner = n.joiners.contains(&ws[j].lower)
                    && j + 1 < ws.len()
                    && kind_of(j + 1) == Some(Kind::Number);
                if joiner || kind_of(j) == Some(Kind::Number) {
                    end = ws[j].end;
                    j += 1;
                } else {
                    break;
                }
            }
        }
        let mut start = ws[k].start;
        // "kvart över åtta", "half past ten": the clock words belong to the value.
        if kind == Kind::Number {
            let before: Vec<String> = ws[..k].iter().map(|w| w.lower.clone()).collect();
            for take in (1..=2.min(before.len())).rev() {
                let tail = &before[before.len() - take..];
                if lang.compiled.clock_parts.prefix_len(tail) == Some(take) {
                    start = ws[k - take].start;
                    break;
                }
            }
        }
        // "the hundred and twenty": an article and a lone number are the same value.
        out.push(Value { kind, start, end });
        k = j;
    }
    out
}

/// A correction marker found in a sentence.
struct Marker {
    /// Word index where it starts, and its length in words.
    at: usize,
    len: usize,
    /// Only a value is corrected ("nej, det var i måndags").
    value_only: bool,
}

fn find_marker(s: &str, lang: &LanguageData) -> Option<Marker> {
    let lw = words(s);
    let c = &lang.compiled;
    (0..lw.len()).find_map(|p| {
        if let Some(len) = c.self_corrections.prefix_len(&lw[p..]) {
            return Some(Marker {
                at: p,
                len,
                value_only: false,
            });
        }
        c.value_corrections.prefix_len(&lw[p..]).map(|len| Marker {
            at: p,
            len,
            value_only: true,
        })
    })
}

/// Byte offset where word `n` of `s` starts (the length of `s` past the end).
pub(super) fn word_offset(s: &str, n: usize) -> usize {
    word_spans(s).get(n).map(|w| w.start).unwrap_or(s.len())
}

/// Byte offset where the first `n` words of `s` end (the length of `s` past the end).
pub(super) fn words_end(s: &str, n: usize) -> usize {
    n.checked_sub(1)
        .and_then(|k| word_spans(s).get(k).map(|w| w.end))
        .unwrap_or(s.len())
}

/// Drops a justification from a corrected statement ("…, för det var en torsdag").
fn cut_justification(text: &str, lang: &LanguageData) -> String {
    let lower = text.to_lowercase();
    let cut = lang
        .corrections
        .justifications
        .iter()
        .filter_map(|j| lower.find(&format!(", {j} ")))
        .min()
        .unwrap_or(text.len());
    let s = text[..cut].trim_end_matches([',', ' ']).to_string();
    if cut < text.len() && !s.ends_with(['.', '!', '?']) {
        s + "."
    } else {
        s
    }
}

/// Leading punctuation, apologies, openers and yes/no words removed.
fn strip_lead(text: &str, lang: &LanguageData) -> String {
    let c = &lang.compiled;
    let mut t = text
        .trim_start_matches([',', ':', ';', ' ', '.'])
        .to_string();
    loop {
        let lw = words(&t);
        let n = [&c.apologies, &c.openers, &c.yes, &c.no]
            .iter()
            .filter_map(|p| p.prefix_len(&lw))
            .max();
        match n {
            Some(n) if n > 0 && n < lw.len() => {
                t = t[word_offset(&t, n)..].to_string();
            }
            _ => break,
        }
    }
    t.trim().to_string()
}

/// Whether `text` says nothing but openers, apologies and yes/no words.
pub(super) fn only_lead(text: &str, lang: &LanguageData) -> bool {
    let c = &lang.compiled;
    words(text).iter().all(|w| {
        let one = [w.clone()];
        [&c.apologies, &c.openers, &c.yes, &c.no]
            .iter()
            .any(|p| p.prefix_len(&one) == Some(1))
    })
}

/// `old` with each value of a kind that `new` gives replaced by `new`'s value, when every
/// kind in `new` has a counterpart in `old` (with `partial`, the kinds they share). Returns
/// the new text and the replaced values.
fn substitute(
    old: &str,
    new: &str,
    partial: bool,
    lang: &LanguageData,
) -> Option<(String, Vec<String>)> {
    let ov = values(old, lang);
    let nv = values(new, lang);
    let shared = |v: &Value| ov.iter().any(|o| o.kind == v.kind);
    if nv.is_empty() || (!partial && !nv.iter().all(shared)) || !nv.iter().any(shared) {
        return None;
    }
    let mut out = old.to_string();
    let mut replaced = Vec::new();
    let mut kinds: Vec<Kind> = nv.iter().filter(|v| shared(v)).map(|v| v.kind).collect();
    kinds.dedup();
    // Replace from the end so earlier byte ranges stay valid.
    let mut edits: Vec<(usize, usize, String, Kind)> = kinds
        .iter()
        .filter_map(|kind| {
            let o = ov.iter().rev().find(|o| o.kind == *kind)?;
            let v = nv.iter().find(|v| v.kind == *kind)?;
            Some((o.start, o.end, new[v.start..v.end].to_string(), *kind))
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    for (start, end, text, kind) in edits {
        let was = out[start..end].to_lowercase();
        if was != text.to_lowercase() {
            // "den fjortonde februari, på alla hjärtans dag" said what the wrong day was: the
            // phrase goes with it.
            if matches!(kind, Kind::Ordinal | Kind::Weekday) {
                if let Some(r) = apposition(&out[end..], lang) {
                    out.replace_range(end + r.start..end + r.end, "");
                }
            }
            // "the hundred and twenty" repeats "a hundred and twenty": compare without articles.
            let ws = words(&was);
            let skip = ws
                .iter()
                .take_while(|w| {
                    lang.numbers.articles.contains(w) && !lang.numbers.cardinals.contains_key(*w)
                })
                .count();
            replaced.push(ws[skip..].join(" "));
        }
        // The old value's capital stays ("Fireogtyve" → "Toogtyve", "klockan nio" → "klockan kvart över åtta").
        let text = if out[start..].starts_with(char::is_uppercase) {
            super::text::capitalise(&text)
        } else {
            super::text::decapitalise(&text)
        };
        out.replace_range(start..end, &text);
    }
    (!replaced.is_empty()).then_some((out, replaced))
}

/// The phrase set off by a comma that names the day just before it (`rest` follows the
/// day, a month name at most between): ", på alla hjärtans dag" in "den fjortonde februari,
/// på alla hjärtans dag.". A preposition and at most four more words.
fn apposition(rest: &str, lang: &LanguageData) -> Option<std::ops::Range<usize>> {
    let comma = rest.find(',')?;
    if words(&rest[..comma]).len() > 1 || rest[..comma].contains(['.', '!', '?']) {
        return None;
    }
    let end = rest[comma + 1..]
        .find([',', '.', '!', '?', ';'])
        .map_or(rest.len(), |k| comma + 1 + k);
    let phrase = words(&rest[comma + 1..end]);
    (phrase.len() >= 2 && phrase.len() <= 5 && lang.grammar.prepositions.contains(&phrase[0]))
        .then_some(comma..end)
}

/// How a correction resolves.
enum Outcome {
    /// The corrected sentence, and the values it no longer has.
    Corrected(String, Vec<String>),
    /// Both the old statement and the correction go (the correction says nothing by itself).
    DropBoth,
    Nothing,
}

fn resolve(old: &str, new: &str, value_only: bool, lang: &LanguageData) -> Outcome {
    if let Some((text, replaced)) = substitute(old, new, value_only, lang) {
        return Outcome::Corrected(text, replaced);
    }
    if value_only {
        return Outcome::Nothing;
    }
    let ov: Vec<String> = values(old, lang)
        .iter()
        .map(|v| old[v.start..v.end].to_lowercase())
        .filter(|v| !new.to_lowercase().contains(v.as_str()))
        .collect();
    if words(new).len() >= 3 {
        Outcome::Corrected(super::text::capitalise(new), ov)
    } else {
        Outcome::DropBoth
    }
}

/// Applies corrections to the segments of a conversation; `speaker[i]` identifies who said
/// segment `i` (equal values: the same person). Returns each segment's sentences.
pub fn apply<S: PartialEq>(texts: &[&str], speaker: &[S], lang: &LanguageData) -> Vec<Vec<String>> {
    let mut segs: Vec<Vec<String>> = texts
        .iter()
        .map(|t| split(&soften(&restart(&take_back(t, lang), lang))))
        .collect();
    for i in 0..segs.len() {
        own_corrections(&mut segs, i, speaker, lang);
        others_corrections(&mut segs, i, speaker, lang);
        denials(&mut segs, i, speaker, lang);
    }
    segs
}

/// Whether `text` says a number.
fn says_amount(text: &str, lang: &LanguageData) -> bool {
    values(text, lang).iter().any(|v| v.kind == Kind::Number)
}

/// How many segments back a denial reaches for the statement it takes back.
const DENIAL_REACH: usize = 10;

/// "… fyra, fem burkar kanske." and later "… så är det inte fyra fem burkar. Det är nog mer
/// sex sju.": a speaker who says "not" before an amount they said earlier (a number and at
/// least one more word) takes that statement back. It goes. The denial goes too, unless it
/// goes on to say the amount instead ("It's not two hundred pounds, it's three hundred." →
/// "It's three hundred.").
fn denials<S: PartialEq>(segs: &mut [Vec<String>], i: usize, speaker: &[S], lang: &LanguageData) {
    let Some(negation) = lang.grammar.negation.as_deref() else {
        return;
    };
    let mut k = 0;
    while k < segs[i].len() {
        let s = segs[i][k].clone();
        let spans = word_spans(&s);
        // The longest amount after "not" (within its clause) that they said before.
        let says = |t: &str, phrase: &[String]| words(t).windows(phrase.len()).any(|w| w == phrase);
        let found = (0..spans.len())
            .filter(|&n| spans[n].lower == negation)
            .flat_map(|n| (2..=4).rev().map(move |m| (n, m)))
            .find_map(|(n, m)| {
                let phrase = spans.get(n + 1..n + 1 + m)?;
                let text = &s[phrase[0].start..phrase[m - 1].end];
                if !says_amount(text, lang) || text.contains(',') {
                    return None;
                }
                let ws = words(text);
                (i.saturating_sub(DENIAL_REACH)..=i)
                    .rev()
                    .filter(|&p| speaker[p] == speaker[i])
                    .find_map(|p| {
                        let upto = if p == i { k } else { segs[p].len() };
                        (0..upto)
                            .rev()
                            .find(|&t| says(&segs[p][t], &ws))
                            .map(|t| (p, t))
                    })
                    .map(|(p, t)| (p, t, phrase[m - 1].end))
            });
        let Some((p, t, end)) = found else {
            k += 1;
            continue;
        };
        segs[p].remove(t);
        if p == i {
            k -= 1;
        }
        let instead = s[end..]
            .find(',')
            .map(|c| s[end + c + 1..].trim())
            .filter(|rest| says_amount(rest, lang));
        match instead {
            Some(rest) => {
                segs[i][k] = super::text::capitalise(rest);
                k += 1;
            }
            None => {
                segs[i].remove(k);
            }
        }
    }
}

/// Corrections by the speaker of segment `i`.
fn own_corrections<S: PartialEq>(
    segs: &mut [Vec<String>],
    i: usize,
    speaker: &[S],
    lang: &LanguageData,
) {
    let mut k = 0;
    while k < segs[i].len() {
        let s = segs[i][k].clone();
        let Some(m) = find_marker(&s, lang) else {
            k += 1;
            continue;
        };
        let before = s[..word_offset(&s, m.at)]
            .trim_end_matches([',', ' ', ';', ':', '—', '–', '-'])
            .trim()
            .to_string();
        let before = if before.is_empty() || before.ends_with(['.', '!', '?']) {
            before
        } else {
            format!("{before}.")
        };
        let mut new =
            cut_justification(&strip_lead(&s[word_offset(&s, m.at + m.len)..], lang), lang);
        if only_lead(&new, lang) {
            new.clear();
        }
        // "Nej, förlåt, jag tittade på fel rad. Kvart över åtta.": the value follows.
        let mut consumed = None;
        if values(&new, lang).is_empty() {
            if let Some((n, next)) = segs[i]
                .iter()
                .enumerate()
                .skip(k + 1)
                .take(2)
                .find(|(_, t)| !values(t, lang).is_empty() && words(t).len() <= 6)
            {
                new = strip_lead(next, lang);
                consumed = Some(n);
            }
        }
        let mid_sentence = !before.is_empty() && !only_lead(&before, lang);
        // Which sentence is corrected: the words before the marker, the previous sentence,
        // or the speaker's last statement before this segment.
        let target: Option<(usize, usize, String)> = if mid_sentence {
            Some((i, k, before))
        } else if k > 0 {
            Some((i, k - 1, segs[i][k - 1].clone()))
        } else {
            previous_statement(segs, i, speaker, &new, lang)
        };
        let Some((ti, tk, old)) = target else {
            k += 1;
            continue;
        };
        let outcome = resolve(&old, &new, m.value_only, lang);
        let (keep, superseded) = match outcome {
            Outcome::Nothing => {
                k += 1;
                continue;
            }
            Outcome::Corrected(text, superseded) => (Some(text), superseded),
            Outcome::DropBoth => (None, Vec::new()),
        };
        if let Some(n) = consumed {
            segs[i].remove(n);
        }
        if mid_sentence {
            match keep {
                Some(t) => segs[i][k] = t,
                None => {
                    segs[i].remove(k);
                }
            }
        } else {
            segs[i].remove(k);
            match keep {
                Some(t) => segs[ti][tk] = t,
                None => {
                    segs[ti].remove(tk);
                }
            }
            if ti == i {
                k -= 1;
            }
        }
        // What follows a correction repeats neither its justification nor the old value; a
        // sentence that says the new value again loses the justification it goes on with
        // ("Den ottende marts, for det var kvindernes kampdag, …").
        let from = if ti == i { k + 1 } else { k };
        let old_values = super::text::Phrases::whole(&superseded);
        let new_values: Vec<String> = values(&new, lang)
            .iter()
            .map(|v| new[v.start..v.end].to_lowercase())
            .collect();
        let mut j = from;
        while j < segs[i].len() {
            let t = &segs[i][j];
            let first = words(t).into_iter().next().unwrap_or_default();
            let justification = j == from && lang.corrections.justifications.contains(&first);
            if justification || old_values.any(&super::text::Text::new(t)) {
                segs[i].remove(j);
                continue;
            }
            let lower = t.to_lowercase();
            if j == from && new_values.iter().any(|v| lower.contains(v.as_str())) {
                segs[i][j] = cut_justification(t, lang);
            }
            j += 1;
        }
        k = from;
    }
}

/// The statement a correction at the start of segment `i` refers to: in the speaker's
/// previous segment (at most two back), the last sentence with a value of the kind the
/// correction gives, else that segment's last sentence.
fn previous_statement<S: PartialEq>(
    segs: &[Vec<String>],
    i: usize,
    speaker: &[S],
    new: &str,
    lang: &LanguageData,
) -> Option<(usize, usize, String)> {
    let kinds: Vec<Kind> = values(new, lang).iter().map(|v| v.kind).collect();
    let p = (i.saturating_sub(2)..i)
        .rev()
        .find(|&p| speaker[p] == speaker[i] && !segs[p].is_empty())?;
    let k = segs[p]
        .iter()
        .rposition(|s| values(s, lang).iter().any(|v| kinds.contains(&v.kind)))
        .or_else(|| kinds.is_empty().then(|| segs[p].len() - 1))?;
    Some((p, k, segs[p][k].clone()))
}

/// Corrections by someone else: "A: 24. B: Nej, det er 22." and "A: 9 100. B: Det står
/// 9 450? A: Ja, förlåt. 9 450." put the new value into A's statement; "A: X. B: Nej men …
/// A: Just det." drops X.
fn others_corrections<S: PartialEq>(
    segs: &mut [Vec<String>],
    i: usize,
    speaker: &[S],
    lang: &LanguageData,
) {
    let c = &lang.compiled;
    let starts_no = |s: &str| {
        let lw = words(s);
        c.no.prefix_len(&lw).is_some() || c.other_corrections.prefix_len(&lw).is_some()
    };
    let last_with_kind = |seg: &Vec<String>, new: &str| {
        let kinds: Vec<Kind> = values(new, lang).iter().map(|v| v.kind).collect();
        seg.iter()
            .rposition(|s| values(s, lang).iter().any(|v| kinds.contains(&v.kind)))
    };
    // "A: 24. B: Nej, det er 22."
    if i >= 1 && speaker[i] != speaker[i - 1] {
        if let Some(first) = segs[i].first().cloned() {
            let numeric = values(&first, lang)
                .iter()
                .any(|v| matches!(v.kind, Kind::Number | Kind::Ordinal));
            if starts_no(&first) && numeric {
                if let Some(k) = last_with_kind(&segs[i - 1], &first) {
                    if let Some((text, _)) = substitute(&segs[i - 1][k], &first, true, lang) {
                        segs[i - 1][k] = text;
                        return;
                    }
                }
            }
        }
    }
    if i < 2 || speaker[i] != speaker[i - 2] || speaker[i] == speaker[i - 1] {
        return;
    }
    let this = segs[i].join(" ");
    let t = super::text::Text::new(&this);
    let agrees = c.confirmations.any(&t) || c.apologies.any(&t);
    if !agrees {
        return;
    }
    // "A: 9 100. B: … 9 450? A: Ja, förlåt. 9 450."
    let asked = segs[i - 1].join(" ").to_lowercase();
    let repeated: Vec<String> = values(&this, lang)
        .iter()
        .filter(|v| matches!(v.kind, Kind::Number | Kind::Ordinal))
        .map(|v| this[v.start..v.end].to_string())
        .filter(|v| asked.contains(&v.to_lowercase()))
        .collect();
    for v in repeated {
        if let Some(k) = last_with_kind(&segs[i - 2], &v) {
            if let Some((text, _)) = substitute(&segs[i - 2][k], &v, true, lang) {
                segs[i - 2][k] = text;
                return;
            }
        }
    }
    // "A: X. B: Nej men … A: Just det."
    let objection = segs[i - 1]
        .first()
        .is_some_and(|s| c.other_corrections.prefix_len(&words(s)).is_some());
    let stated = !segs[i - 2].iter().any(|s| s.ends_with('?'));
    if objection && stated && c.confirmations.any(&t) {
        segs[i - 2].clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::{Language, Languages};

    fn run(lang: Language, turns: &[(u8, &str)]) -> Vec<String> {
        let all = Languages::builtin();
        let texts: Vec<&str> = turns.iter().map(|t| t.1).collect();
        let who: Vec<u8> = turns.iter().map(|t| t.0).collect();
        apply(&texts, &who, all.get(lang))
            .into_iter()
            .map(|s| s.join(" "))
            .collect()
    }

    #[test]
    fn a_corrected_value_goes_into_the_statement() {
        assert_eq!(
            run(
                Language::Sv,
                &[(1, "Det var den tredje februari. Nej vänta, det var den femte, för det var en torsdag.")]
            ),
            ["Det var den femte februari."]
        );
        assert_eq!(
            run(
                Language::Sv,
                &[(1, "Det var i fredags kväll, den trettonde. Nej förlåt, det var i lördags, den fjortonde. För på fredagen var jag där själv.")]
            ),
            ["Det var i lördags kväll, den fjortonde."]
        );
        assert_eq!(
            run(
                Language::Sv,
                &[(1, "Måndag den tjugonde april klockan nio. Nej, förlåt, jag tittade på fel rad. Kvart över åtta. Behandlaren heter Mikael.")]
            ),
            ["Måndag den tjugonde april klockan kvart över åtta. Behandlaren heter Mikael."]
        );
        assert_eq!(
            run(
                Language::En,
                &[(1, "I did. I caught her at pick-up on Monday— sorry, no, Tuesday. Monday was the bank holiday, wasn't it. Tuesday, same day I weighed him.")]
            ),
            ["I did. I caught her at pick-up on Tuesday. Tuesday, same day I weighed him."]
        );
        assert_eq!(
            run(
                Language::Da,
                &[(1, "Det var den niende. Nej, vent, det var den ottende. Den ottende marts, for det var kvindernes kampdag, og min veninde ringede. Hun ringer hvert år.")]
            ),
            ["Det var den ottende. Den ottende marts. Hun ringer hvert år."],
            "the justification goes with the value said again"
        );
        assert_eq!(
            run(
                Language::En,
                &[(1, "It was the ninth. No, sorry, the eighth. I was in hospital a week, because I broke my hip.")]
            ),
            ["It was the eighth. I was in hospital a week, because I broke my hip."],
            "a sentence that does not say the value again keeps its reason"
        );
    }

    #[test]
    fn an_amount_denied_later_is_taken_back() {
        let out = run(
            Language::Sv,
            &[
                (1, "En vanlig dag... fyra, fem burkar kanske. Starköl."),
                (2, "Och på helgerna?"),
                (1, "Mer. Och whisky."),
                (2, "Hur mycket blir det i veckan?"),
                (1, "Nej, om jag ska vara ärlig så är det inte fyra fem burkar. Det är nog mer sex sju."),
            ],
        );
        assert_eq!(out[0], "Starköl.");
        assert_eq!(out[4], "Det är nog mer sex sju.");
        let out = run(
            Language::En,
            &[
                (1, "Two hundred pounds a month. For the flat."),
                (2, "And that's every month?"),
                (1, "Well, it's not two hundred pounds, it's three hundred."),
            ],
        );
        assert_eq!(
            out,
            [
                "For the flat.",
                "And that's every month?",
                "It's three hundred."
            ]
        );
        let out = run(
            Language::En,
            &[
                (1, "I've got two cats."),
                (2, "And the rent?"),
                (1, "Not two hundred, it's three hundred a month."),
            ],
        );
        assert_eq!(out[0], "I've got two cats.", "an amount they never said");
    }

    #[test]
    fn what_named_the_wrong_day_goes_with_it() {
        assert_eq!(
            run(
                Language::Sv,
                &[(1, "Jag ramlade i hallen. Det var den fjortonde februari, på alla hjärtans dag. Nej vänta, det var den tolfte.")]
            ),
            ["Jag ramlade i hallen. Det var den tolfte februari."]
        );
        assert_eq!(
            run(
                Language::Sv,
                &[(1, "Han fick fyra burkar, i veckan. Nej förlåt, sex.")]
            ),
            ["Han fick sex burkar, i veckan."],
            "only a day's name goes"
        );
    }

    #[test]
    fn a_value_correction_keeps_what_it_shares() {
        assert_eq!(
            run(
                Language::Sv,
                &[(1, "Den sista gången var den fjärde mars... nej, det var fredagen, den sjätte mars. Polisen hittade henne.")]
            ),
            ["Den sista gången var den sjätte mars. Polisen hittade henne."]
        );
    }

    #[test]
    fn a_correction_in_the_next_turn_reaches_back() {
        assert_eq!(
            run(
                Language::En,
                &[
                    (1, "There's fourteen stairs. Steep ones."),
                    (1, "No, hang on, thirteen. I count them every night."),
                ]
            ),
            [
                "There's thirteen stairs. Steep ones.",
                "I count them every night."
            ]
        );
        assert_eq!(
            run(
                Language::En,
                &[
                    (1, "A hundred and twenty a week."),
                    (2, "The notice says—"),
                    (1, "Oh, no, sorry. Yeah. A hundred and twelve fifty. The hundred and twenty was the old place, before we moved."),
                ]
            )[0],
            "A hundred and twelve fifty a week."
        );
        assert_eq!(
            run(
                Language::Da,
                &[
                    (1, "Den langsomme. Om aftenen. Fireogtyve—"),
                    (
                        2,
                        "Nej, far, det er toogtyve. Lægen satte den ned i februar."
                    ),
                ]
            )[0],
            "Den langsomme. Om aftenen. Toogtyve"
        );
    }

    #[test]
    fn corrections_by_others_confirmed() {
        let out = run(
            Language::Sv,
            &[
                (1, "Nio tusen etthundra."),
                (
                    2,
                    "Här står det nio tusen fyrahundrafemtio. Kan det stämma?",
                ),
                (1, "Ja, förlåt. Det är rätt. Nio tusen fyrahundrafemtio."),
            ],
        );
        assert_eq!(out[0], "Nio tusen fyrahundrafemtio.");
        let out = run(
            Language::Sv,
            &[
                (1, "Jag jobbar måndag till torsdag."),
                (2, "Nej men Oskar, onsdagarna är du ju ledig nu."),
                (1, "Ja just det. Onsdag är jag ledig."),
            ],
        );
        assert_eq!(out[0], "");
    }

    #[test]
    fn no_correction_without_a_marker_or_a_value() {
        let out = run(
            Language::Sv,
            &[(1, "Nej, det var inte så farligt. Jag klarade mig.")],
        );
        assert_eq!(out, ["Nej, det var inte så farligt. Jag klarade mig."]);
        let out = run(Language::En, &[(1, "I mean, it's hard. I manage.")]);
        assert_eq!(out, ["I mean, it's hard. I manage."]);
    }
}
