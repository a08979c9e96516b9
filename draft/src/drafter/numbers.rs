//! Numbers, amounts, dates and times spoken as words become the written forms a case
//! worker expects ("tre tusen kronor" → "3 000 kr", "den trettende april" → "den 13. april",
//! "fifty-one years" → "51 years", "sixteen thousand pounds" → "£16,000"). Small numbers
//! stay words unless a unit follows, ordinals become digits only next to a month, and a run
//! that is not one well-formed number ("one-one-one", "nineteen seventy-something") is left
//! as it was said. The number words come from the language data.
use crate::language::{LanguageData, NumbersFile};

/// One part of a spoken number.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Part {
    Value(u64),
    Hundred,
    Thousand,
    Ordinal(u64),
    Joiner,
}

/// Whether `word` is a spoken number: Some(true) for an ordinal, Some(false) for a cardinal
/// or a part of one ("hundred", "tusen").
pub(crate) fn number_word(word: &str, n: &NumbersFile) -> Option<bool> {
    if n.hundred.iter().chain(&n.thousand).any(|w| w == word) {
        return Some(false);
    }
    let parts = split_word(word, n)?;
    Some(matches!(parts.last(), Some(Part::Ordinal(_))))
}

/// Splits one word into number parts ("åttahundrafemtio" → 8, ×100, 50), or None.
fn split_word(word: &str, n: &NumbersFile) -> Option<Vec<Part>> {
    if word.contains('-') {
        return split_hyphenated(word, n);
    }
    let mut parts = Vec::new();
    let mut rest = word;
    while !rest.is_empty() {
        let mut best: Option<(usize, Part)> = None;
        let mut consider = |len: usize, part: Part| {
            if best.is_none_or(|(l, _)| len > l) {
                best = Some((len, part));
            }
        };
        for (w, v) in &n.cardinals {
            if rest.starts_with(w.as_str()) {
                consider(w.len(), Part::Value(*v));
            }
        }
        for w in &n.hundred {
            if rest.starts_with(w.as_str()) {
                consider(w.len(), Part::Hundred);
            }
        }
        for w in &n.thousand {
            if rest.starts_with(w.as_str()) {
                consider(w.len(), Part::Thousand);
            }
        }
        for (w, v) in &n.ordinals {
            if rest.starts_with(w.as_str()) {
                consider(w.len(), Part::Ordinal(*v));
            }
        }
        for w in &n.joiners {
            if rest.starts_with(w.as_str()) && !parts.is_empty() {
                consider(w.len(), Part::Joiner);
            }
        }
        let (len, part) = best?;
        parts.push(part);
        rest = &rest[len..];
    }
    if matches!(parts.last(), Some(Part::Joiner)) {
        return None;
    }
    well_formed(&parts).then_some(parts)
}

/// "fifty-one", "twenty-third": tens and a unit joined by a hyphen; anything else with a
/// hyphen ("one-one-one", "nineteen-thirties") is not one number.
fn split_hyphenated(word: &str, n: &NumbersFile) -> Option<Vec<Part>> {
    let (tens, unit) = word.split_once('-')?;
    let t = n.cardinals.get(tens).copied()?;
    if !(20..=90).contains(&t) || t % 10 != 0 {
        return None;
    }
    match (n.cardinals.get(unit), n.ordinals.get(unit)) {
        (Some(&u), _) if (1..=9).contains(&u) => Some(vec![Part::Value(t), Part::Value(u)]),
        (_, Some(&u)) if (1..=9).contains(&u) => Some(vec![Part::Value(t), Part::Ordinal(u)]),
        _ => None,
    }
}

/// Values follow each other only as tens then units ("twenty one", Danish "en og tyve").
fn well_formed(parts: &[Part]) -> bool {
    let mut prev: Option<u64> = None;
    let mut joined = false;
    for p in parts {
        match *p {
            Part::Value(v) | Part::Ordinal(v) => {
                if let Some(a) = prev {
                    let tens_units = a >= 20 && a % 10 == 0 && (1..=9).contains(&v);
                    let units_tens = joined && (1..=9).contains(&a) && v >= 20 && v % 10 == 0;
                    if !(tens_units || units_tens) {
                        return false;
                    }
                }
                prev = Some(v);
                joined = false;
            }
            Part::Joiner => joined = true,
            Part::Hundred | Part::Thousand => {
                prev = None;
                joined = false;
            }
        }
    }
    true
}

/// How a day's number is written without its month, by how it ends (the language's
/// `day_suffixes`; None where the language has none).
fn day_suffix(n: &NumbersFile, value: u64) -> Option<&str> {
    let digits = value.to_string();
    [2, 1]
        .into_iter()
        .filter(|&len| digits.len() >= len)
        .find_map(|len| n.day_suffixes.get(&digits[digits.len() - len..]))
        .or_else(|| n.day_suffixes.get("*"))
        .map(String::as_str)
}

/// Value of a sequence of parts, and whether it ended in an ordinal.
fn value_of(parts: &[Part]) -> (u64, bool) {
    let (mut total, mut current, mut ordinal) = (0u64, 0u64, false);
    for p in parts {
        match *p {
            Part::Value(v) => current += v,
            Part::Ordinal(v) => {
                current += v;
                ordinal = true;
            }
            Part::Hundred => current = current.max(1) * 100,
            Part::Thousand => {
                total += current.max(1) * 1000;
                current = 0;
            }
            Part::Joiner => {}
        }
    }
    (total + current, ordinal)
}

/// Digits with the language's thousands separator ("7 850", "16,000", "2.500").
fn grouped(n: u64, separator: &str) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(c);
    }
    out
}

/// A token of text: a word (letters, digits, hyphens between letters) or what lies between.
#[derive(Debug, Clone)]
struct Token {
    text: String,
    word: bool,
}

fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<Token> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        let inner_hyphen = c == '-'
            && i > 0
            && chars[i - 1].is_alphabetic()
            && chars.get(i + 1).is_some_and(|n| n.is_alphabetic());
        let is_word = c.is_alphanumeric() || inner_hyphen;
        match out.last_mut() {
            Some(t) if t.word == is_word => t.text.push(c),
            _ => out.push(Token {
                text: c.to_string(),
                word: is_word,
            }),
        }
    }
    out
}

/// Rewrites spoken numbers, amounts, dates and clock times in `text`.
pub fn normalize(text: &str, lang: &LanguageData) -> String {
    let n = &lang.numbers;
    let sep = n.thousands_separator.as_deref().unwrap_or(" ");
    let tokens = tokenize(text);
    let lower: Vec<String> = tokens.iter().map(|t| t.text.to_lowercase()).collect();
    // The next word token after i, when only a single space lies between.
    let next_word = |i: usize| -> Option<usize> {
        (i + 2 < tokens.len() && tokens[i + 1].text == " " && tokens[i + 2].word).then_some(i + 2)
    };
    let is_month = |w: Option<&str>| w.is_some_and(|w| n.months.iter().any(|m| m == w));
    let mut out = String::new();
    let mut i = 0;
    while i < tokens.len() {
        if !tokens[i].word {
            out.push_str(&tokens[i].text);
            i += 1;
            continue;
        }
        if let Some((written, next)) = clock_time(&lower, i, n, &next_word) {
            // "Klockan två." opening a sentence stays capitalised: "Kl. 14."
            if tokens[i].text.starts_with(char::is_uppercase) {
                out.push_str(&super::text::capitalise(&written));
            } else {
                out.push_str(&written);
            }
            i = next;
            continue;
        }
        // "a hundred", "a thousand": the article counts as one before a multiplier.
        let article_one = n.articles.contains(&lower[i])
            && !n.cardinals.contains_key(&lower[i])
            && next_word(i)
                .is_some_and(|k| n.hundred.contains(&lower[k]) || n.thousand.contains(&lower[k]));
        let first = if article_one {
            Some(vec![Part::Value(1)])
        } else {
            split_word(&lower[i], n)
        };
        let Some(mut parts) = first else {
            // "hösten tjugotjugotre": century and year in one word is a year wherever it is.
            match spoken_year(&lower[i], n) {
                Some(year) => out.push_str(&year.to_string()),
                None => out.push_str(&tokens[i].text),
            }
            i += 1;
            continue;
        };
        // A run of number words separated by single spaces.
        let mut run = vec![i];
        let mut j = i;
        while let Some(k) = next_word(j) {
            if matches!(parts.last(), Some(Part::Ordinal(_))) {
                break;
            }
            let joiner = n.joiners.contains(&lower[k]);
            let Some(p) = (if joiner {
                Some(vec![Part::Joiner])
            } else {
                split_word(&lower[k], n)
            }) else {
                break;
            };
            // "one more thing" ends the number, "one thousand one hundred" goes on.
            let multiplier_next = next_word(k)
                .is_some_and(|m| n.hundred.contains(&lower[m]) || n.thousand.contains(&lower[m]));
            if n.articles.contains(&lower[k]) && !joiner && !multiplier_next {
                break;
            }
            let mut candidate = parts.clone();
            candidate.extend(p);
            if !well_formed(&candidate) {
                break;
            }
            parts = candidate;
            run.push(k);
            j = k;
        }
        // A trailing joiner ("sixteen and") is not part of the number.
        while run.len() > 1 && n.joiners.contains(&lower[*run.last().expect("non-empty")]) {
            run.pop();
            parts.pop();
        }
        let last = *run.last().expect("non-empty");
        // "seventy-something", "nineteen-thirties": a number that goes on in words.
        let continues = next_word(last).is_some_and(|k| lower[k].contains('-'));
        let (value, ordinal) = value_of(&parts);
        let after_k = next_word(last);
        let after = after_k.map(|k| lower[k].as_str());
        // "the twelfth of May".
        let of_month = after_k
            .filter(|_| n.date_of.contains(&after.unwrap_or_default().to_string()))
            .and_then(next_word)
            .filter(|&m| is_month(Some(&lower[m])));
        let has_multiplier = parts
            .iter()
            .any(|p| matches!(p, Part::Hundred | Part::Thousand));
        let single_article = run.len() == 1 && n.articles.contains(&lower[i]);
        let unit = after.and_then(|w| n.units.get(w));
        // "since twenty twenty-three.", "nineteen eighty": a year spoken as two numbers, at
        // the end of a clause ("twenty twenty-five minutes" is an estimate, not a year).
        let two_digit = |k: usize| {
            let parts = split_word(&lower[k], n)?;
            let (v, ord) = value_of(&parts);
            let multiplier_next = next_word(k)
                .is_some_and(|m| n.hundred.contains(&lower[m]) || n.thousand.contains(&lower[m]));
            (!ord && (10..100).contains(&v) && !multiplier_next).then_some(v)
        };
        if run.len() == 1 && !ordinal && (value == 19 || value == 20) {
            // After a month ("in October twenty twenty-four when …") it is a year wherever
            // the clause goes on.
            let after_month = (0..i)
                .rev()
                .find(|&k| tokens[k].word)
                .is_some_and(|k| is_month(Some(&lower[k])));
            let year = after_k
                .filter(|&k| after_month || next_word(k).is_none())
                .and_then(|k| two_digit(k).map(|v| (k, v)));
            if let Some((k, v)) = year {
                out.push_str(&format!("{}", value * 100 + v));
                i = k + 1;
                continue;
            }
        }
        if continues {
            push_run(&mut out, &tokens, &run);
            i = last + 1;
            continue;
        }
        if ordinal {
            let date_article = i >= 2 && n.date_article.contains(&lower[i - 2]);
            let month_follows = is_month(after) || of_month.is_some();
            if (1..=31).contains(&value) && (month_follows || (date_article && after.is_none())) {
                let suffix = if month_follows {
                    n.ordinal_suffix.as_deref().unwrap_or("")
                } else {
                    day_suffix(n, value).unwrap_or(n.ordinal_suffix.as_deref().unwrap_or(""))
                };
                let mut r = format!("{value}{suffix}");
                // "den 17." at a sentence end keeps one full stop.
                if tokens
                    .get(last + 1)
                    .is_some_and(|t| t.text.starts_with('.'))
                {
                    r = r.trim_end_matches('.').to_string();
                }
                // "the twelfth of May" → "12 May".
                if of_month.is_some() && date_article {
                    let article = format!("{} ", tokens[i - 2].text);
                    if out.ends_with(&article) {
                        out.truncate(out.len() - article.len());
                    }
                }
                out.push_str(&r);
                i = last + 1;
                if let Some(m) = of_month {
                    out.push(' ');
                    out.push_str(&tokens[m].text);
                    i = m + 1;
                } else if is_month(after) {
                    let m = after_k.expect("month follows");
                    out.push(' ');
                    out.push_str(&tokens[m].text);
                    i = m + 1;
                    if let Some(y) =
                        next_word(m).and_then(|y| spoken_year(&lower[y], n).map(|v| (y, v)))
                    {
                        out.push_str(&format!(" {}", y.1));
                        i = y.0 + 1;
                    }
                }
            } else {
                push_run(&mut out, &tokens, &run);
                i = last + 1;
            }
            continue;
        }
        let decimal_follows = n
            .decimal_word
            .as_ref()
            .is_some_and(|d| after == Some(d.as_str()));
        if single_article && unit.is_none() && !decimal_follows {
            push_run(&mut out, &tokens, &run);
            i = last + 1;
            continue;
        }
        // Decimals: "elleve komma to" → "11,2", "twenty-four point two" → "24.2".
        let mut written = if parts.contains(&Part::Thousand) || value >= 10_000 {
            grouped(value, sep)
        } else {
            value.to_string()
        };
        let mut end = last;
        let mut decimal = false;
        if let (Some(dw), Some(k)) = (&n.decimal_word, after_k) {
            if lower[k] == *dw {
                let mut digits = String::new();
                let mut m = k;
                while let Some(d) = next_word(m) {
                    match n.cardinals.get(&lower[d]) {
                        Some(v) if *v <= 9 => {
                            digits.push_str(&v.to_string());
                            m = d;
                        }
                        _ => break,
                    }
                }
                if !digits.is_empty() {
                    written = format!(
                        "{written}{}{digits}",
                        n.decimal_mark.as_deref().unwrap_or(".")
                    );
                    end = m;
                    decimal = true;
                }
            }
        }
        // "a hundred and twelve fifty": a second number that cannot go on the first is the
        // part after the decimal mark, as an amount is said.
        if !decimal && has_multiplier && (100..1000).contains(&value) {
            if let Some((m, v)) = next_word(end).and_then(|k| two_digit(k).map(|v| (k, v))) {
                written = format!(
                    "{written}{}{v:02}",
                    n.decimal_mark.as_deref().unwrap_or(".")
                );
                end = m;
                decimal = true;
            }
        }
        let unit = next_word(end).and_then(|k| n.units.get(&lower[k]).map(|u| (k, u)));
        if let Some((k, abbr)) = unit {
            let prefix = !abbr.chars().any(char::is_alphanumeric) && abbr != "%";
            if prefix {
                // "a hundred and twelve pounds fifty" → "£112.50".
                let pence = next_word(k).and_then(|m| {
                    let parts = split_word(&lower[m], n)?;
                    let (v, ord) = value_of(&parts);
                    (!ord && (1..100).contains(&v)).then_some((m, v))
                });
                if let Some((m, v)) = pence {
                    let mark = n.decimal_mark.as_deref().unwrap_or(".");
                    out.push_str(&format!("{abbr}{written}{mark}{v:02}"));
                    i = m + 1;
                    continue;
                }
                out.push_str(&format!("{abbr}{written}"));
            } else if abbr == "%" {
                out.push_str(&format!("{written} %"));
            } else {
                out.push_str(&format!("{written} {abbr}"));
            }
            i = k + 1;
            continue;
        }
        if decimal || value >= 13 || has_multiplier {
            out.push_str(&written);
            i = end + 1;
        } else {
            push_run(&mut out, &tokens, &run);
            i = last + 1;
        }
    }
    email(&out, n)
}

/// An e-mail address spelt out ("lone punktum findesikke, snabel a, eksempel punktum dk")
/// as it is written ("lone.findesikke@eksempel.dk"), with the language's words for "@" and
/// "." (`numbers.email_at`, `numbers.email_dot`). The domain needs a dot.
fn email(text: &str, n: &NumbersFile) -> String {
    let toks: Vec<&str> = text.split(' ').collect();
    let bare = |t: &str| {
        t.trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
            .to_lowercase()
    };
    let lower: Vec<String> = toks.iter().map(|t| bare(t)).collect();
    let at = n.email_at.iter().find_map(|phrase| {
        let p: Vec<&str> = phrase.split(' ').collect();
        (0..(lower.len() + 1).saturating_sub(p.len()))
            .find(|&k| lower[k..k + p.len()].iter().zip(&p).all(|(a, b)| a == b))
            .map(|k| (k, k + p.len()))
    });
    let Some((at, after)) = at else {
        return text.to_string();
    };
    let dot = |w: &str| n.email_dot.iter().any(|d| d == w);
    let word = |k: usize| !lower[k].is_empty() && !dot(&lower[k]);
    // Before "@": word (dot word)*; after it: word (dot word)+.
    let mut start = at;
    if at > 0 && word(at - 1) {
        start = at - 1;
        while start >= 2 && dot(&lower[start - 1]) && word(start - 2) {
            start -= 2;
        }
    }
    let mut end = after;
    if after < lower.len() && word(after) {
        end = after + 1;
        while end + 1 < lower.len() && dot(&lower[end]) && word(end + 1) {
            end += 2;
        }
    }
    let dots = (after..end).filter(|&k| dot(&lower[k])).count();
    if start == at || end == after || dots == 0 {
        return text.to_string();
    }
    let join = |range: std::ops::Range<usize>| {
        range
            .filter(|&k| !dot(&lower[k]))
            .map(|k| lower[k].clone())
            .collect::<Vec<_>>()
            .join(".")
    };
    let last = toks[end - 1];
    let tail = &last[last.trim_end_matches(|c: char| !c.is_alphanumeric()).len()..];
    let address = format!("{}@{}{tail}", join(start..at), join(after..end));
    let mut out: Vec<&str> = toks[..start].to_vec();
    out.push(&address);
    out.extend(&toks[end..]);
    out.join(" ")
}

fn push_run(out: &mut String, tokens: &[Token], run: &[usize]) {
    for (k, t) in run.iter().enumerate() {
        if k > 0 {
            out.push(' ');
        }
        out.push_str(&tokens[*t].text);
    }
}

/// "klockan tio" → "kl. 10", "klockan halv två" → "kl. 13.30" (daytime hours).
fn clock_time(
    lower: &[String],
    i: usize,
    n: &NumbersFile,
    next_word: &dyn Fn(usize) -> Option<usize>,
) -> Option<(String, usize)> {
    if !n.clock.contains(&lower[i]) {
        return None;
    }
    let j = next_word(i)?;
    let half = n.half.as_deref().is_some_and(|h| lower[j] == h);
    let k = if half { next_word(j)? } else { j };
    let (h, ord) = value_of(&split_word(&lower[k], n)?);
    if ord || !(1..=12).contains(&h) {
        return None;
    }
    let mut hour = if half { h - 1 } else { h };
    // "klockan ett på natten" is 1, "klockan två" (in a working day) 14.
    if hour < 7 && !at_night(lower, i, n) {
        hour += 12;
    }
    let out = n.clock_out.as_deref().unwrap_or("");
    Some((
        if half {
            format!("{out} {hour}.30")
        } else {
            format!("{out} {hour}")
        },
        k + 1,
    ))
}

/// Whether the sentence of token `i`, or the one before it, speaks of the night ("Nätterna.
/// Hon vaknar klockan tre", "klokken tre, fire om natten"): then an early hour is not moved
/// into the afternoon.
fn at_night(lower: &[String], i: usize, n: &NumbersFile) -> bool {
    let ends = |t: &String| t.contains(['.', '!', '?']) && !t.chars().any(char::is_alphanumeric);
    let mut start = i;
    let mut ends_seen = 0;
    while start > 0 {
        if ends(&lower[start - 1]) {
            ends_seen += 1;
            if ends_seen == 2 {
                break;
            }
        }
        start -= 1;
    }
    let end = (i..lower.len())
        .find(|&k| ends(&lower[k]))
        .unwrap_or(lower.len());
    let words: Vec<&str> = lower[start..end]
        .iter()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(String::as_str)
        .collect();
    n.night.iter().any(|p| {
        let pw: Vec<&str> = p.split(' ').collect();
        words.windows(pw.len()).any(|w| w == pw.as_slice())
    })
}

/// "tjugotjugosex" → 2026, "totusindeogseksogtyve" → 2026; None when not a plausible year.
fn spoken_year(word: &str, n: &NumbersFile) -> Option<u64> {
    let parts = split_word(word, n).or_else(|| {
        // "tjugo" + "tjugosex": century and year spoken as two numbers in one word.
        let (c, rest) = n
            .cardinals
            .iter()
            .filter(|(_, v)| **v == 20)
            .find_map(|(w, _)| word.strip_prefix(w.as_str()))
            .map(|rest| (20u64, rest))?;
        let mut p = vec![Part::Value(c * 100)];
        p.extend(split_word(rest, n)?);
        Some(p)
    })?;
    let (value, ordinal) = value_of(&parts);
    (!ordinal && (1900..=2100).contains(&value)).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::{Language, Languages};

    fn norm(text: &str, lang: Language) -> String {
        normalize(text, Languages::builtin().get(lang))
    }

    #[test]
    fn swedish_amounts_dates_and_times() {
        assert_eq!(
            norm("Vi träffas idag. Klockan två, här.", Language::Sv),
            "Vi träffas idag. Kl. 14, här."
        );
        let sv = Language::Sv;
        assert_eq!(
            norm("Hyran är sju tusen åttahundrafemtio i månaden.", sv),
            "Hyran är 7 850 i månaden."
        );
        assert_eq!(norm("tre tusen kronor", sv), "3 000 kr");
        assert_eq!(
            norm("De kostar ettusen åttahundra.", sv),
            "De kostar 1 800.",
            "\"ett\" and \"tusen\" share their t"
        );
        assert_eq!(
            norm("Hon fick diagnosen hösten tjugotjugotre.", sv),
            "Hon fick diagnosen hösten 2023.",
            "century and year in one word are a year without a month too"
        );
        assert_eq!(norm("två tusen trehundrafyrtio kronor", sv), "2 340 kr");
        assert_eq!(
            norm("Det var den femte februari.", sv),
            "Det var den 5 februari."
        );
        assert_eq!(
            norm("den sjuttonde mars klockan tio", sv),
            "den 17 mars kl. 10"
        );
        assert_eq!(norm("klockan halv två", sv), "kl. 13.30");
        assert_eq!(norm("klockan ett på natten", sv), "kl. 1 på natten");
        assert_eq!(
            norm("Nätterna. Hon vaknar klockan tre och klär på sig.", sv),
            "Nätterna. Hon vaknar kl. 3 och klär på sig."
        );
        assert_eq!(
            norm("Han ringer klokken tre, fire om natten.", Language::Da),
            "Han ringer kl. 3, fire om natten."
        );
        assert_eq!(
            norm(
                "Jag sov dåligt i natt. Det var kallt. Vi ses klockan två.",
                sv
            ),
            "Jag sov dåligt i natt. Det var kallt. Vi ses kl. 14.",
            "only the sentence and the one before it count"
        );
        assert_eq!(
            norm("den trettioförsta december tjugotjugosex", sv),
            "den 31 december 2026"
        );
        assert_eq!(norm("ett komma två promille", sv), "1,2 promille");
        assert_eq!(norm("trettio procent", sv), "30 %");
    }

    #[test]
    fn swedish_words_that_are_not_numbers_stay() {
        let sv = Language::Sv;
        for s in [
            "en gång i veckan",
            "den femte, för",
            "den andra handläggaren",
            "hon är elva år och en gång i veckan",
            "sex sju burkar",
        ] {
            assert_eq!(norm(s, sv), s.replace("den femte, för", "den 5, för"));
        }
    }

    #[test]
    fn danish_amounts_and_dates() {
        let da = Language::Da;
        assert_eq!(norm("den trettende april", da), "den 13. april");
        assert_eq!(norm("han vejede enogtres kilo", da), "han vejede 61 kg");
        assert_eq!(norm("to tusind fem hundrede kroner", da), "2.500 kr.");
        assert_eq!(norm("klokken syv", da), "kl. 7");
        assert_eq!(norm("hver anden uge", da), "hver anden uge");
        assert_eq!(norm("Tirsdag den syttende.", da), "Tirsdag den 17.");
        assert_eq!(norm("toogtyve enheder", da), "22 enheder");
        assert_eq!(norm("elleve komma to", da), "11,2");
        assert_eq!(norm("tre hundrede meter", da), "300 m");
    }

    #[test]
    fn english_hyphens_thousands_and_dates() {
        let en = Language::En;
        assert_eq!(norm("fifty-one years", en), "51 years");
        assert_eq!(
            norm(
                "It was closed in October twenty twenty-four when they moved.",
                en
            ),
            "It was closed in October 2024 when they moved."
        );
        assert_eq!(
            norm("It takes twenty twenty-five minutes by bus.", en),
            "It takes twenty 25 minutes by bus.",
            "not after a month, not at a clause end: no year"
        );
        assert_eq!(
            norm("We've been there since twenty twenty-three.", en),
            "We've been there since 2023."
        );
        assert!(!norm("twenty twenty-five minutes", en).contains("2025"));
        assert_eq!(
            norm("A hundred and twelve fifty a week.", en),
            "112.50 a week."
        );
        assert_eq!(norm("a hundred and twelve pounds fifty", en), "£112.50");
        assert_eq!(
            norm("Forty-four years I've been here.", en),
            "44 years I've been here."
        );
        assert_eq!(norm("about sixteen thousand", en), "about 16,000");
        assert_eq!(norm("sixteen thousand pounds", en), "£16,000");
        assert_eq!(norm("that's the twelfth of May", en), "that's 12 May");
        assert_eq!(
            norm("I'm off from the twenty-second.", en),
            "I'm off from the 22nd."
        );
        assert_eq!(norm("on the eleventh.", en), "on the 11th.");
        assert_eq!(norm("on the first.", en), "on the 1st.");
        let da = Language::Da;
        assert_eq!(
            norm(
                "Lone punktum findesikke, snabel a, eksempel punktum dk. Fint.",
                da
            ),
            "lone.findesikke@eksempel.dk. Fint."
        );
        assert_eq!(
            norm("Det er a, snabel a, b.", da),
            "Det er a, snabel a, b.",
            "no domain"
        );
        assert_eq!(norm("twenty-four point two", en), "24.2");
        assert_eq!(norm("a hundred and twenty a week", en), "120 a week");
        assert_eq!(norm("one thousand six hundred and forty-two", en), "1,642");
        assert_eq!(
            norm("One thousand one hundred and thirty-two pounds forty.", en),
            "£1,132.40."
        );
        assert_eq!(norm("a hundred and twelve pounds fifty", en), "£112.50");
        assert_eq!(norm("There's thirteen stairs.", en), "There's 13 stairs.");
        for s in [
            "ring one-one-one out of hours",
            "since nineteen seventy-something",
            "a nineteen-thirties house",
            "one more thing",
            "two in the morning",
        ] {
            assert_eq!(norm(s, en), s);
        }
    }
}
