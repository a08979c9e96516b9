//! Words and phrase matching shared by every stage: lower-case word lists, text padded for
//! matching at word boundaries, and compiled phrase lists from the language data.

/// Lower-case words of `text` (letters, digits, inner hyphens and apostrophes).
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\'' || c == '’'))
        .map(|w| w.trim_matches(|c| c == '-' || c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().replace('’', "'"))
        .collect()
}

/// A word's first five letters, which its inflections and compounds share ("fredag",
/// "fredags"; "individuella", "individuellt").
pub fn stem(w: &str) -> String {
    w.chars().take(5).collect()
}

/// A token as a bare lower-case word ("Elin," → "elin").
pub fn bare(w: &str) -> String {
    words(w).join(" ")
}

/// Joins two neighbouring words into one where the joined word is in `vocabulary`
/// (lower case): speech recognition splits compounds ("hyres avtalet", "kort tids") that
/// the same transcript elsewhere has whole ("hyresavtalet"). Only words the meeting itself
/// used are made, so nothing new is put in anyone's mouth; short words and the words
/// `function` names ("og så" is not "også", "under tiden" not "undertiden") are never parts.
pub fn join_compounds(
    text: &str,
    vocabulary: &std::collections::HashSet<String>,
    function: impl Fn(&str) -> bool,
) -> String {
    let parts: Vec<&str> = text.split(' ').collect();
    let mut out: Vec<String> = Vec::with_capacity(parts.len());
    let mut i = 0;
    while i < parts.len() {
        let first = parts[i];
        let joined = parts.get(i + 1).and_then(|second| {
            let part = |w: &str| {
                w.chars().count() >= 4
                    && w.chars().all(char::is_alphabetic)
                    && !function(&w.to_lowercase())
            };
            let tail = second.trim_end_matches(|c: char| !c.is_alphanumeric());
            let word = format!("{first}{tail}");
            (part(first) && part(tail) && vocabulary.contains(&word.to_lowercase()))
                .then(|| format!("{word}{}", &second[tail.len()..]))
        });
        match joined {
            Some(w) => {
                out.push(w);
                i += 2;
            }
            None => {
                out.push(first.to_string());
                i += 1;
            }
        }
    }
    out.join(" ")
}

/// Text prepared for phrase matching: lower-case words joined by single spaces, padded.
#[derive(Debug, Clone, PartialEq)]
pub struct Text(String);

impl Text {
    pub fn new(text: &str) -> Text {
        Text(format!(" {} ", words(text).join(" ")))
    }

    /// The padded, normalised text (" word word ").
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The words, in order.
    pub fn word_list(&self) -> Vec<&str> {
        self.0.split(' ').filter(|w| !w.is_empty()).collect()
    }

    /// Whether the normalised phrase `p` starts at a word start (and ends at a word end
    /// when `whole`).
    fn find(&self, p: &str, whole: bool) -> bool {
        if p.is_empty() {
            return false;
        }
        let bytes = self.0.as_bytes();
        self.0.match_indices(p).any(|(at, _)| {
            at > 0 && bytes[at - 1] == b' ' && (!whole || bytes.get(at + p.len()) == Some(&b' '))
        })
    }
}

/// One entry of a word list: normalised words, and whether it must end at a word end.
#[derive(Debug, Clone, PartialEq)]
struct Phrase {
    text: String,
    whole: bool,
}

/// A compiled list of stems and phrases. An entry matches at a word start; an entry
/// ending in a space (in the data file) matches whole words only.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Phrases(Vec<Phrase>);

impl Phrases {
    pub fn new<S: AsRef<str>>(entries: &[S]) -> Phrases {
        Phrases(
            entries
                .iter()
                .filter_map(|e| {
                    let e = e.as_ref();
                    let text = words(e).join(" ");
                    (!text.is_empty()).then(|| Phrase {
                        text,
                        whole: e.ends_with(' '),
                    })
                })
                .collect(),
        )
    }

    /// Like [`Phrases::new`], but every entry matches whole words only.
    pub fn whole<S: AsRef<str>>(entries: &[S]) -> Phrases {
        let mut p = Phrases::new(entries);
        for e in &mut p.0 {
            e.whole = true;
        }
        p
    }

    pub fn any(&self, t: &Text) -> bool {
        self.0.iter().any(|p| t.find(&p.text, p.whole))
    }

    /// How many entries occur.
    pub fn count(&self, t: &Text) -> usize {
        self.0.iter().filter(|p| t.find(&p.text, p.whole)).count()
    }

    /// The entries that occur, as normalised text.
    pub fn found<'a>(&'a self, t: &'a Text) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(|p| t.find(&p.text, p.whole))
            .map(|p| p.text.as_str())
    }

    /// Length in words of the longest entry that `ws` starts with (whole words).
    pub fn prefix_len(&self, ws: &[String]) -> Option<usize> {
        self.0
            .iter()
            .filter_map(|p| {
                let pw: Vec<&str> = p.text.split(' ').collect();
                (ws.len() >= pw.len() && ws.iter().zip(&pw).all(|(a, b)| a == b))
                    .then_some(pw.len())
            })
            .max()
    }

    /// Whether a whole-word entry equals `word`.
    pub fn has_word(&self, word: &str) -> bool {
        self.0.iter().any(|p| p.text == word)
    }
}

pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Lower-cases the first letter unless it starts a name or an acronym (a capital followed
/// by a capital, or a word that is capitalised in the middle of a sentence elsewhere).
pub fn decapitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f)
            if f.is_uppercase()
                && s.chars()
                    .nth(1)
                    .is_some_and(|n| n.is_lowercase() || n == ' ') =>
        {
            f.to_lowercase().collect::<String>() + c.as_str()
        }
        _ => s.to_string(),
    }
}

/// Number of words, as a reader counts them.
pub fn word_count(s: &str) -> usize {
    s.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn stems_match_at_word_starts_and_spaces_demand_whole_words() {
        let t = Text::new("Hyran är sju tusen, och jag bor i Borås.");
        let p = Phrases::new(&["hyr", "bor ", "tusen och"]);
        assert_eq!(p.count(&t), 3);
        assert!(!Phrases::new(&["yran"]).any(&t));
        assert!(!Phrases::new(&["bo "]).any(&t));
        assert_eq!(
            Phrases::whole(&["nej men", "nej"]).prefix_len(&words("Nej men hej")),
            Some(2)
        );
    }

    #[test]
    fn words_keep_apostrophes_and_hyphens_inside() {
        assert_eq!(words("I'm fifty-one — ok?"), ["i'm", "fifty-one", "ok"]);
        assert_eq!(word_count("Hen har 3 000 kr."), 5);
    }

    #[test]
    fn a_split_compound_is_joined_when_the_meeting_has_it_whole() {
        let vocabulary: std::collections::HashSet<String> =
            ["hyresavtalet", "korttids", "etttag", "undertiden", "också"]
                .iter()
                .map(|w| w.to_string())
                .collect();
        let function = |w: &str| w == "under";
        assert_eq!(
            join_compounds(
                "Hyres avtalet har hen, och hon var på kort tids.",
                &vocabulary,
                function
            ),
            "Hyresavtalet har hen, och hon var på korttids."
        );
        assert_eq!(
            join_compounds(
                "Det tar ett tag. Och så under tiden.",
                &vocabulary,
                function
            ),
            "Det tar ett tag. Och så under tiden.",
            "short words and function words are never parts"
        );
        assert_eq!(
            join_compounds("Det är post hus.", &vocabulary, function),
            "Det är post hus.",
            "only words the meeting has whole"
        );
    }
}
