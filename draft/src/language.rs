//! Language knowledge as data: one TOML file per language beside the templates
//! (`draft/lang/sv.toml`, `da.toml`, `en.toml`) says how speech is cleaned, how corrections
//! are said, which words point to what, how reported speech is formed and how numbers are
//! spoken. Files are loaded and validated the way templates are: a malformed file is refused
//! with its name and line. A municipality adds words with a file of the same shape in
//! `<templates dir>/lang/<code>.toml`: its lists are added to the built-in ones and its
//! texts replace them.
use crate::drafter::text::Phrases;
use crate::files::{read_bounded, MAX_DATA_FILE};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// A spoken language Samtal has templates, language data and recognition settings for, named
/// by its ISO 639-1 code. "Detect it" is `Option::None` wherever a language is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Sv,
    Da,
    En,
}

impl Language {
    pub const ALL: [Language; 3] = [Language::Sv, Language::Da, Language::En];

    /// ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Language::Sv => "sv",
            Language::Da => "da",
            Language::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.code() == code)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A code other than `sv`, `da` or `en`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?}: use sv, da or en")]
pub struct UnknownLanguage(pub String);

impl std::str::FromStr for Language {
    type Err = UnknownLanguage;
    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Language::from_code(code).ok_or_else(|| UnknownLanguage(code.to_string()))
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Cleaning spoken text into written sentences (whole words and phrases).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clean {
    #[serde(default)]
    pub fillers: Vec<String>,
    #[serde(default)]
    pub hedges: Vec<String>,
    /// Words after which a hedge's words say what they say ("let you know", "om du vet").
    #[serde(default)]
    pub hedges_kept_after: Vec<String>,
    #[serde(default)]
    pub openers: Vec<String>,
    /// A clause that only agrees to what was just said ("that is fine", "det går bra"): left
    /// out when it opens a sentence and a comma sets it off from what follows.
    #[serde(default)]
    pub acknowledgements: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub yes: Vec<String>,
    #[serde(default)]
    pub no: Vec<String>,
    /// Swearing used for emphasis ("så jävla arg"): the note leaves it out.
    #[serde(default)]
    pub swearing: Vec<String>,
    /// Modal particles of speech ("Det finns ju jobb där"): the note leaves them out inside
    /// a sentence; a sentence's first word stays ("Ju förr, desto bättre").
    #[serde(default)]
    pub particles: Vec<String>,
    /// Letter names and the letters they say, for abbreviations spelt out ("ce er a").
    #[serde(default)]
    pub letters: BTreeMap<String, String>,
    /// Letter names that are words too ("i", "de"): a run of only these spells nothing.
    #[serde(default)]
    pub letter_words: Vec<String>,
}

/// How corrections are said (whole words and phrases).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Corrections {
    #[serde(default, rename = "self")]
    pub own: Vec<String>,
    #[serde(default)]
    pub others: Vec<String>,
    #[serde(default)]
    pub confirmations: Vec<String>,
    #[serde(default)]
    pub justifications: Vec<String>,
    #[serde(default)]
    pub apologies: Vec<String>,
    #[serde(default)]
    pub value: Vec<String>,
    #[serde(default)]
    pub clock_parts: Vec<String>,
}

/// Word classes: stems and phrases that point to what a sentence does or is about.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Classes {
    #[serde(default)]
    pub courtesy: Vec<String>,
    #[serde(default)]
    pub small_talk: Vec<String>,
    #[serde(default)]
    pub sensitive: Vec<String>,
    #[serde(default)]
    pub third_parties: Vec<String>,
    /// People around the citizen who are no party to the case (a neighbour, a colleague,
    /// a friend, a sibling): their private matters (`sensitive`) stay out of the note.
    #[serde(default)]
    pub outsiders: Vec<String>,
    #[serde(default)]
    pub redirects: Vec<String>,
    /// The worker saying that what was just said will not be written down.
    #[serde(default)]
    pub unrecorded: Vec<String>,
    /// Someone asking that what they just said is not written down ("skriv inte det").
    #[serde(default)]
    pub off_record: Vec<String>,
    #[serde(default)]
    pub purpose: Vec<String>,
    #[serde(default)]
    pub caller_purpose: Vec<String>,
    #[serde(default)]
    pub wishes: Vec<String>,
    #[serde(default)]
    pub decisions: Vec<String>,
    #[serde(default)]
    pub negations: Vec<String>,
    #[serde(default)]
    pub planning: Vec<String>,
    #[serde(default)]
    pub actions: Vec<String>,
    #[serde(default)]
    pub information: Vec<String>,
    #[serde(default)]
    pub near_future: Vec<String>,
    #[serde(default)]
    pub first_person: Vec<String>,
    #[serde(default)]
    pub second_person: Vec<String>,
    #[serde(default)]
    pub third_person: Vec<String>,
    #[serde(default)]
    pub case_matters: Vec<String>,
}

/// Grammar for reported speech and for turning questions into statements.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grammar {
    #[serde(default)]
    pub subjects: Vec<String>,
    #[serde(default)]
    pub first_subject: Vec<String>,
    #[serde(default)]
    pub first_object: Vec<String>,
    #[serde(default)]
    pub first_possessive: BTreeMap<String, String>,
    #[serde(default)]
    pub first_plural: BTreeMap<String, String>,
    /// A question word that can be the question's subject, and how an embedded question
    /// opens with it ("Vem handlar åt dig?" → "vem som handlar åt hen").
    #[serde(default)]
    pub subject_questions: BTreeMap<String, String>,
    /// The worker's instructions: an imperative and its infinitive ("ta" = "ta", "ring" =
    /// "ringa"), so that "Ta med legitimation." is written "Jasmina ska ta med legitimation.".
    #[serde(default)]
    pub imperatives: BTreeMap<String, String>,
    /// A negation said before the imperative ("don't").
    #[serde(default)]
    pub imperative_negations: Vec<String>,
    /// Verbs whose object comes before a bare verb ("let you know", "help you fill"): the
    /// pronoun after them is no subject.
    #[serde(default)]
    pub object_then_verb: Vec<String>,
    #[serde(default)]
    pub second_subject: Vec<String>,
    #[serde(default)]
    pub second_object: Vec<String>,
    #[serde(default)]
    pub second_possessive: Vec<String>,
    /// The reflexive of a second-person possessive, used where "you" is its clause's
    /// subject ("du skrev i din besked" → "Lone skrev i sin besked"); a language without
    /// one (English "your") leaves it empty.
    #[serde(default)]
    pub second_reflexive: BTreeMap<String, String>,
    pub reflexive: Option<String>,
    pub self_word: Option<String>,
    #[serde(default)]
    pub reflexive_verbs: Vec<String>,
    #[serde(default)]
    pub reflexive_words: Vec<String>,
    #[serde(default)]
    pub question_words: Vec<String>,
    #[serde(default)]
    pub leading_conjunctions: Vec<String>,
    #[serde(default)]
    pub clause_openers: Vec<String>,
    #[serde(default)]
    pub permission_verbs: Vec<String>,
    #[serde(default)]
    pub embedded_question: Vec<String>,
    #[serde(default)]
    pub informing_question: Vec<String>,
    #[serde(default)]
    pub requests: Vec<String>,
    #[serde(default)]
    pub question_tags: Vec<String>,
    pub negation: Option<String>,
    pub verb_second: Option<bool>,
    /// Compounds are written as one word (sv, da): "hyres avtalet" is "hyresavtalet".
    pub compounds: Option<bool>,
    /// The neutral pronoun is stilted when it opens sentence after sentence (da
    /// "vedkommende"): a sentence of its own that would open with it opens with the name.
    pub name_for_neutral: Option<bool>,
    #[serde(default)]
    pub clause_adverbs: Vec<String>,
    /// Words that are a subject elsewhere but an article before a day's number ("den 5").
    #[serde(default)]
    pub date_articles: Vec<String>,
    /// Subjects that are no person ("det", "der"): also objects and articles.
    #[serde(default)]
    pub impersonal: Vec<String>,
    /// Openers that stand first in a verb-second clause ("så"): when cleaning drops one and
    /// leaves the verb first before a subject that is no pronoun, the note writes it again
    /// ("Och så är hissen trång" → "Så är hissen trång", not "Är hissen trång").
    #[serde(default)]
    pub verb_after: Vec<String>,
    /// Modal verbs besides the auxiliaries, which a bare verb follows ("vill", "måste"):
    /// "det vill hon göra" → "att hon vill göra det".
    #[serde(default)]
    pub modals: Vec<String>,
    /// The verb that stands for the one asked about ("Ja, det gjorde jag." to "Har du
    /// skrivit in dig?"): such an answer says only yes.
    #[serde(default)]
    pub pro_verbs: Vec<String>,
    /// Articles before an adjective used as a noun ("den" in "Den langsomme."), and the
    /// endings of such adjectives, and the past tense endings that tell a verb from them:
    /// a short sentence of those is a fragment, not a clause with "den" for subject.
    /// Adverbs that are sentence adverbs only between a modal and its bare verb (Danish
    /// "godt": "han kan godt varme noget" → "at han godt kan varme noget"; "det går godt"
    /// stays).
    #[serde(default)]
    pub modal_adverbs: Vec<String>,
    /// Verbs of a reporting tag ("…, siger han"): the sentence before it quotes someone.
    #[serde(default)]
    pub reporting_verbs: Vec<String>,
    /// Verbs of meeting each other ("ses", "träffas"): with them the worker's "we" is the
    /// worker and the one they talk with.
    #[serde(default)]
    pub reciprocal_verbs: Vec<String>,
    #[serde(default)]
    pub adjective_articles: Vec<String>,
    #[serde(default)]
    pub adjective_endings: Vec<String>,
    #[serde(default)]
    pub past_endings: Vec<String>,
    /// Subjects that are never an object (Danish "der"): after a verb that opens a sentence
    /// they are its subject ("Så kommer der en" → "Der kommer en").
    #[serde(default)]
    pub expletives: Vec<String>,
    /// Pronouns that can stand for a topic put before a question ("Og agrafferne, er de
    /// fjernet?", "And the rent, has it …?").
    #[serde(default)]
    pub topic_pronouns: Vec<String>,
    /// Prepositions: a sentence opening with one has no verb first ("Hos Elin kan jag …").
    #[serde(default)]
    pub prepositions: Vec<String>,
    #[serde(default)]
    pub auxiliaries: Vec<String>,
    #[serde(default)]
    pub singular_agreement: BTreeMap<String, String>,
    #[serde(default)]
    pub plural_agreement: BTreeMap<String, String>,
    #[serde(default)]
    pub present_verbs: Vec<String>,
    #[serde(default)]
    pub contractions: BTreeMap<String, String>,
    #[serde(default)]
    pub perfect_contractions: BTreeMap<String, String>,
    #[serde(default)]
    pub participles: Vec<String>,
    #[serde(default)]
    pub plural_pronouns: Vec<String>,
    #[serde(default)]
    pub pronouns: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub gendered: BTreeMap<String, Vec<String>>,
}

/// Journal phrases: reporting verbs and neutral references.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportFile {
    pub tells: Option<String>,
    pub says: Option<String>,
    pub informs: Option<String>,
    pub that: Option<String>,
    pub asked_whether: Option<String>,
    pub asked: Option<String>,
    pub asked_about: Option<String>,
    pub answers: Option<String>,
    pub asks: Option<String>,
    pub whether: Option<String>,
    pub citizen: Option<String>,
    pub relative: Option<String>,
    pub worker: Option<String>,
    pub other: Option<String>,
    pub via_interpreter: Option<String>,
    /// What someone is to do: "ska", "skal", "should".
    pub should: Option<String>,
    /// Joins two people: "Lotta och Nadia".
    pub and: Option<String>,
    /// Marks around a question quoted as it was asked: ”…”, »…«, “…”.
    pub quote_open: Option<String>,
    pub quote_close: Option<String>,
}

/// How numbers, dates and times are spoken and written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumbersFile {
    #[serde(default)]
    pub cardinals: BTreeMap<String, u64>,
    #[serde(default)]
    pub ordinals: BTreeMap<String, u64>,
    #[serde(default)]
    pub hundred: Vec<String>,
    #[serde(default)]
    pub thousand: Vec<String>,
    #[serde(default)]
    pub joiners: Vec<String>,
    #[serde(default)]
    pub months: Vec<String>,
    #[serde(default)]
    pub weekdays: Vec<String>,
    #[serde(default)]
    pub units: BTreeMap<String, String>,
    #[serde(default)]
    pub clock: Vec<String>,
    pub clock_out: Option<String>,
    pub half: Option<String>,
    #[serde(default)]
    pub articles: Vec<String>,
    pub ordinal_suffix: Option<String>,
    /// Written after a day's number when no month follows ("on the twenty-second" → "on
    /// the 22nd"), by how the number ends ("1" → "st", "11" → "th"; "*" for the rest).
    #[serde(default)]
    pub day_suffixes: BTreeMap<String, String>,
    /// How "@" and "." are said in an e-mail address spelt out ("snabel a", "punktum").
    #[serde(default)]
    pub email_at: Vec<String>,
    #[serde(default)]
    pub email_dot: Vec<String>,
    pub thousands_separator: Option<String>,
    pub decimal_word: Option<String>,
    pub decimal_mark: Option<String>,
    #[serde(default)]
    pub date_article: Vec<String>,
    #[serde(default)]
    pub date_of: Vec<String>,
    #[serde(default)]
    pub night: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct LanguageFile {
    language: String,
    #[serde(default)]
    clean: Clean,
    #[serde(default)]
    corrections: Corrections,
    #[serde(default)]
    classes: Classes,
    #[serde(default)]
    grammar: Grammar,
    #[serde(default)]
    report: ReportFile,
    #[serde(default)]
    numbers: NumbersFile,
}

/// Why a language file could not be used. Names the file and line, never note content.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LanguageError {
    #[error("language file {file}, line {line}: {message}")]
    Syntax {
        file: String,
        line: usize,
        message: String,
    },
    #[error("language file {file}, line {line}: {message}")]
    Invalid {
        file: String,
        line: usize,
        message: String,
    },
    #[error(transparent)]
    File(#[from] crate::files::FileError),
}

/// Journal phrases of one language, all present.
#[derive(Debug, Clone)]
pub struct Report {
    pub tells: String,
    pub says: String,
    pub informs: String,
    pub that: String,
    pub asked_whether: String,
    pub asked: String,
    pub asked_about: String,
    pub answers: String,
    pub asks: String,
    pub whether: String,
    pub citizen: String,
    pub relative: String,
    pub worker: String,
    pub other: String,
    pub via_interpreter: String,
    pub should: String,
    pub and: String,
    pub quote_open: String,
    pub quote_close: String,
}

/// Word lists compiled for matching.
#[derive(Debug, Clone, Default)]
pub struct Compiled {
    pub fillers: Phrases,
    pub hedges: Phrases,
    pub openers: Phrases,
    pub acknowledgements: Phrases,
    pub tags: Phrases,
    pub yes: Phrases,
    pub no: Phrases,
    pub swearing: Phrases,
    pub particles: Phrases,
    pub self_corrections: Phrases,
    pub other_corrections: Phrases,
    pub confirmations: Phrases,
    pub justifications: Phrases,
    pub apologies: Phrases,
    pub value_corrections: Phrases,
    pub clock_parts: Phrases,
    pub subjects: Phrases,
    pub question_words: Phrases,
    pub leading_conjunctions: Phrases,
    pub embedded_question: Phrases,
    pub informing_question: Phrases,
    pub requests: Phrases,
    pub question_tags: Phrases,
    pub months: Phrases,
    pub weekdays: Phrases,
    /// Every word class by name, in a fixed order (features use the names).
    pub classes: Vec<(&'static str, Phrases)>,
}

/// Everything the drafter knows about one language.
#[derive(Debug, Clone)]
pub struct LanguageData {
    pub language: Language,
    pub clean: Clean,
    pub corrections: Corrections,
    pub classes: Classes,
    pub grammar: Grammar,
    pub report: Report,
    pub numbers: NumbersFile,
    pub compiled: Compiled,
}

impl Grammar {
    /// Whether a finite verb takes a bare verb after it: an auxiliary or a modal ("har
    /// sagt", "vill göra").
    pub fn takes_bare_verb(&self, w: &str) -> bool {
        self.auxiliaries.iter().chain(&self.modals).any(|x| x == w)
    }
}

impl LanguageData {
    /// The compiled word class `name` (see [`Classes`]); empty when unknown.
    pub fn class(&self, name: &str) -> &Phrases {
        static EMPTY: std::sync::OnceLock<Phrases> = std::sync::OnceLock::new();
        self.compiled
            .classes
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, p)| p)
            .unwrap_or_else(|| EMPTY.get_or_init(Phrases::default))
    }

    /// Whether `w` (lower case) is a possessive pronoun of any person ("din", "my", "hens"):
    /// with the noun after it, the subject of a question asked verb first ("Kommer din
    /// ersättning innan dess?").
    pub fn is_possessive(&self, w: &str) -> bool {
        let g = &self.grammar;
        g.second_possessive.iter().any(|p| p == w)
            || g.first_possessive.contains_key(w)
            || g.pronouns
                .values()
                .any(|p| p.get(2).is_some_and(|p| p == w))
    }

    /// Third-person pronouns (subject, object, possessive, reflexive) for a declared
    /// pronoun, or the neutral ones.
    pub fn pronouns(&self, declared: Option<&str>) -> [String; 4] {
        let key = declared.map(str::to_lowercase);
        let p = key
            .as_deref()
            .and_then(|k| self.grammar.pronouns.get(k))
            .or_else(|| self.grammar.pronouns.get("neutral"))
            .cloned()
            .unwrap_or_default();
        let get = |i: usize| p.get(i).cloned().unwrap_or_default();
        let reflexive = p
            .get(3)
            .cloned()
            .unwrap_or_else(|| self.grammar.reflexive.clone().unwrap_or_default());
        [get(0), get(1), get(2), reflexive]
    }

    /// The pronoun a description implies ("mamma till …" → "hon"), if any.
    pub fn pronoun_of_description(&self, description: &str) -> Option<String> {
        let ws = crate::drafter::text::words(description);
        self.grammar
            .gendered
            .iter()
            .find(|(_, nouns)| nouns.iter().any(|n| ws.contains(n)))
            .map(|(p, _)| p.clone())
    }
}

const BUILTIN: [(&str, &str); 3] = [
    ("sv.toml", include_str!("../lang/sv.toml")),
    ("da.toml", include_str!("../lang/da.toml")),
    ("en.toml", include_str!("../lang/en.toml")),
];

/// Language data for every language: built-ins plus a municipality's additions.
#[derive(Debug, Clone)]
pub struct Languages {
    data: Vec<LanguageData>,
}

impl Languages {
    /// The language data shipped with Samtal.
    pub fn builtin() -> Languages {
        let mut data: Vec<LanguageData> = BUILTIN
            .iter()
            .map(|(file, src)| {
                let f = parse(file, src).expect("built-in language files are valid");
                complete(file, src, f).expect("built-in language files are complete")
            })
            .collect();
        data.sort_by_key(|d| d.language.index());
        Languages { data }
    }

    /// Built-ins plus every `<code>.toml` in `dir` (a municipality's additions).
    pub fn with_dir(dir: &Path) -> Result<Languages, LanguageError> {
        let mut all = Languages::builtin();
        for lang in Language::ALL {
            let path = dir.join(format!("{}.toml", lang.code()));
            if !path.exists() {
                continue;
            }
            let file = path.display().to_string();
            let src = read_bounded(&path, MAX_DATA_FILE)?;
            let add = parse(&file, &src)?;
            if add.language != lang.code() {
                return Err(invalid(
                    &file,
                    &src,
                    "language",
                    format!(
                        "the file is named {}.toml but says language = \"{}\"",
                        lang.code(),
                        add.language
                    ),
                ));
            }
            let base = &mut all.data[lang.index()];
            merge(base, add);
            base.compiled = compile(base);
        }
        Ok(all)
    }

    pub fn get(&self, language: Language) -> &LanguageData {
        &self.data[language.index()]
    }
}

fn line_of(source: &str, at: usize) -> usize {
    source[..at.min(source.len())].matches('\n').count() + 1
}

fn invalid(file: &str, source: &str, needle: &str, message: String) -> LanguageError {
    LanguageError::Invalid {
        file: file.to_string(),
        line: source
            .find(needle)
            .map(|at| line_of(source, at))
            .unwrap_or(1),
        message,
    }
}

/// Parses one file and checks its entries (lower case, not empty, known language).
fn parse(file: &str, source: &str) -> Result<LanguageFile, LanguageError> {
    let f: LanguageFile = toml::from_str(source).map_err(|e| LanguageError::Syntax {
        file: file.to_string(),
        line: e.span().map(|s| line_of(source, s.start)).unwrap_or(1),
        message: e.message().to_string(),
    })?;
    if Language::from_code(&f.language).is_none() {
        return Err(invalid(
            file,
            source,
            "language",
            format!(
                "language must be one of {}",
                Language::ALL.map(Language::code).join(", ")
            ),
        ));
    }
    let lists = all_lists(&f);
    for (name, list) in lists {
        for entry in list {
            if entry.trim().is_empty() || entry.to_lowercase() != *entry {
                return Err(invalid(
                    file,
                    source,
                    &format!("\"{entry}\""),
                    format!("{name}: entries must be non-empty lower-case text (found '{entry}')"),
                ));
            }
        }
    }
    for (key, p) in &f.grammar.pronouns {
        if !(3..=4).contains(&p.len()) {
            return Err(invalid(
                file,
                source,
                key,
                format!("pronouns.{key}: give subject, object and possessive (and optionally the reflexive)"),
            ));
        }
    }
    Ok(f)
}

/// Every word list of a file with its name, for validation.
fn all_lists(f: &LanguageFile) -> Vec<(&'static str, Vec<&String>)> {
    let c = &f.classes;
    let g = &f.grammar;
    let n = &f.numbers;
    fn l(v: &[String]) -> Vec<&String> {
        v.iter().collect()
    }
    vec![
        ("clean.fillers", l(&f.clean.fillers)),
        ("clean.swearing", l(&f.clean.swearing)),
        ("clean.particles", l(&f.clean.particles)),
        ("clean.hedges", l(&f.clean.hedges)),
        ("clean.hedges_kept_after", l(&f.clean.hedges_kept_after)),
        ("clean.letter_words", l(&f.clean.letter_words)),
        ("clean.openers", l(&f.clean.openers)),
        ("clean.acknowledgements", l(&f.clean.acknowledgements)),
        ("clean.tags", l(&f.clean.tags)),
        ("clean.yes", l(&f.clean.yes)),
        ("clean.no", l(&f.clean.no)),
        ("corrections.self", l(&f.corrections.own)),
        ("corrections.others", l(&f.corrections.others)),
        ("corrections.confirmations", l(&f.corrections.confirmations)),
        (
            "corrections.justifications",
            l(&f.corrections.justifications),
        ),
        ("corrections.apologies", l(&f.corrections.apologies)),
        ("corrections.value", l(&f.corrections.value)),
        ("corrections.clock_parts", l(&f.corrections.clock_parts)),
        ("classes.courtesy", l(&c.courtesy)),
        ("classes.small_talk", l(&c.small_talk)),
        ("classes.sensitive", l(&c.sensitive)),
        ("classes.third_parties", l(&c.third_parties)),
        ("classes.outsiders", l(&c.outsiders)),
        ("classes.redirects", l(&c.redirects)),
        ("classes.unrecorded", l(&c.unrecorded)),
        ("classes.off_record", l(&c.off_record)),
        ("classes.purpose", l(&c.purpose)),
        ("classes.caller_purpose", l(&c.caller_purpose)),
        ("classes.wishes", l(&c.wishes)),
        ("classes.decisions", l(&c.decisions)),
        ("classes.negations", l(&c.negations)),
        ("classes.planning", l(&c.planning)),
        ("classes.actions", l(&c.actions)),
        ("classes.information", l(&c.information)),
        ("classes.near_future", l(&c.near_future)),
        ("classes.first_person", l(&c.first_person)),
        ("classes.second_person", l(&c.second_person)),
        ("classes.third_person", l(&c.third_person)),
        ("classes.case_matters", l(&c.case_matters)),
        ("grammar.subjects", l(&g.subjects)),
        ("grammar.first_subject", l(&g.first_subject)),
        ("grammar.first_object", l(&g.first_object)),
        ("grammar.second_subject", l(&g.second_subject)),
        ("grammar.second_object", l(&g.second_object)),
        ("grammar.second_possessive", l(&g.second_possessive)),
        ("grammar.reflexive_verbs", l(&g.reflexive_verbs)),
        ("grammar.reflexive_words", l(&g.reflexive_words)),
        ("grammar.question_words", l(&g.question_words)),
        ("grammar.leading_conjunctions", l(&g.leading_conjunctions)),
        ("grammar.clause_openers", l(&g.clause_openers)),
        ("grammar.permission_verbs", l(&g.permission_verbs)),
        ("grammar.embedded_question", l(&g.embedded_question)),
        ("grammar.informing_question", l(&g.informing_question)),
        ("grammar.requests", l(&g.requests)),
        ("grammar.question_tags", l(&g.question_tags)),
        ("grammar.clause_adverbs", l(&g.clause_adverbs)),
        ("grammar.date_articles", l(&g.date_articles)),
        ("grammar.impersonal", l(&g.impersonal)),
        ("grammar.expletives", l(&g.expletives)),
        ("grammar.modals", l(&g.modals)),
        ("grammar.pro_verbs", l(&g.pro_verbs)),
        ("grammar.modal_adverbs", l(&g.modal_adverbs)),
        ("grammar.reporting_verbs", l(&g.reporting_verbs)),
        ("grammar.reciprocal_verbs", l(&g.reciprocal_verbs)),
        ("grammar.adjective_articles", l(&g.adjective_articles)),
        ("grammar.adjective_endings", l(&g.adjective_endings)),
        ("grammar.past_endings", l(&g.past_endings)),
        ("grammar.verb_after", l(&g.verb_after)),
        ("grammar.topic_pronouns", l(&g.topic_pronouns)),
        ("grammar.imperative_negations", l(&g.imperative_negations)),
        ("grammar.object_then_verb", l(&g.object_then_verb)),
        ("grammar.prepositions", l(&g.prepositions)),
        ("grammar.auxiliaries", l(&g.auxiliaries)),
        ("grammar.present_verbs", l(&g.present_verbs)),
        ("grammar.participles", l(&g.participles)),
        ("grammar.plural_pronouns", l(&g.plural_pronouns)),
        ("numbers.hundred", l(&n.hundred)),
        ("numbers.thousand", l(&n.thousand)),
        ("numbers.joiners", l(&n.joiners)),
        ("numbers.months", l(&n.months)),
        ("numbers.weekdays", l(&n.weekdays)),
        ("numbers.clock", l(&n.clock)),
        ("numbers.articles", l(&n.articles)),
        ("numbers.date_article", l(&n.date_article)),
        ("numbers.date_of", l(&n.date_of)),
        ("numbers.night", l(&n.night)),
        ("numbers.email_at", l(&n.email_at)),
        ("numbers.email_dot", l(&n.email_dot)),
    ]
}

/// A built-in file must give every journal phrase and the number words.
fn complete(file: &str, source: &str, f: LanguageFile) -> Result<LanguageData, LanguageError> {
    let r = &f.report;
    let need = |v: &Option<String>, key: &str| {
        v.clone()
            .ok_or_else(|| invalid(file, source, "[report]", format!("report.{key} is missing")))
    };
    let report = Report {
        tells: need(&r.tells, "tells")?,
        says: need(&r.says, "says")?,
        informs: need(&r.informs, "informs")?,
        that: need(&r.that, "that")?,
        asked_whether: need(&r.asked_whether, "asked_whether")?,
        asked: need(&r.asked, "asked")?,
        asked_about: need(&r.asked_about, "asked_about")?,
        answers: need(&r.answers, "answers")?,
        asks: need(&r.asks, "asks")?,
        whether: need(&r.whether, "whether")?,
        citizen: need(&r.citizen, "citizen")?,
        relative: need(&r.relative, "relative")?,
        worker: need(&r.worker, "worker")?,
        other: need(&r.other, "other")?,
        via_interpreter: need(&r.via_interpreter, "via_interpreter")?,
        should: need(&r.should, "should")?,
        and: need(&r.and, "and")?,
        quote_open: need(&r.quote_open, "quote_open")?,
        quote_close: need(&r.quote_close, "quote_close")?,
    };
    if f.numbers.cardinals.is_empty() || f.numbers.months.len() != 12 {
        return Err(invalid(
            file,
            source,
            "[numbers]",
            "numbers needs the cardinals and the twelve months".into(),
        ));
    }
    if !f.grammar.pronouns.contains_key("neutral") {
        return Err(invalid(
            file,
            source,
            "[grammar.pronouns]",
            "grammar.pronouns needs a `neutral` entry".into(),
        ));
    }
    let language = Language::from_code(&f.language).expect("checked by parse");
    let mut data = LanguageData {
        language,
        clean: f.clean,
        corrections: f.corrections,
        classes: f.classes,
        grammar: f.grammar,
        report,
        numbers: f.numbers,
        compiled: Compiled::default(),
    };
    data.compiled = compile(&data);
    Ok(data)
}

fn extend(a: &mut Vec<String>, b: Vec<String>) {
    for x in b {
        if !a.contains(&x) {
            a.push(x);
        }
    }
}

fn replace(a: &mut String, b: Option<String>) {
    if let Some(b) = b {
        *a = b;
    }
}

fn replace_opt<T>(a: &mut Option<T>, b: Option<T>) {
    if b.is_some() {
        *a = b;
    }
}

macro_rules! extend_all {
    ($a:expr, $b:expr; $($f:ident),* $(,)?) => { $( extend(&mut $a.$f, $b.$f); )* };
}

/// Adds a municipality's file to the built-in data.
fn merge(base: &mut LanguageData, add: LanguageFile) {
    extend_all!(base.clean, add.clean; fillers, hedges, hedges_kept_after, openers, acknowledgements, tags, yes, no,
        swearing, particles, letter_words);
    base.clean.letters.extend(add.clean.letters);
    extend_all!(base.corrections, add.corrections; own, others, confirmations, justifications,
        apologies, value, clock_parts);
    extend_all!(base.classes, add.classes; courtesy, small_talk, sensitive, third_parties, outsiders,
        redirects, unrecorded, off_record, purpose, caller_purpose, wishes, decisions, negations, planning, actions,
        information, near_future, first_person, second_person, third_person, case_matters);
    let g = add.grammar;
    extend_all!(base.grammar, g; subjects, first_subject, first_object, second_subject,
        second_object, second_possessive, reflexive_verbs, reflexive_words, question_words,
        leading_conjunctions, clause_openers, permission_verbs, embedded_question, informing_question,
        requests, question_tags, clause_adverbs, date_articles, impersonal, expletives, modals, pro_verbs, modal_adverbs, reporting_verbs, reciprocal_verbs, adjective_articles, adjective_endings, past_endings, verb_after, topic_pronouns, prepositions, auxiliaries, present_verbs, participles,
        plural_pronouns, imperative_negations, object_then_verb);
    base.grammar.contractions.extend(g.contractions);
    base.grammar
        .perfect_contractions
        .extend(g.perfect_contractions);
    base.grammar.first_possessive.extend(g.first_possessive);
    base.grammar.second_reflexive.extend(g.second_reflexive);
    base.grammar.first_plural.extend(g.first_plural);
    base.grammar.subject_questions.extend(g.subject_questions);
    base.grammar.imperatives.extend(g.imperatives);
    base.grammar.singular_agreement.extend(g.singular_agreement);
    base.grammar.plural_agreement.extend(g.plural_agreement);
    base.grammar.pronouns.extend(g.pronouns);
    for (k, v) in g.gendered {
        extend(base.grammar.gendered.entry(k).or_default(), v);
    }
    replace_opt(&mut base.grammar.reflexive, g.reflexive);
    replace_opt(&mut base.grammar.self_word, g.self_word);
    replace_opt(&mut base.grammar.negation, g.negation);
    replace_opt(&mut base.grammar.verb_second, g.verb_second);
    replace_opt(&mut base.grammar.compounds, g.compounds);
    replace_opt(&mut base.grammar.name_for_neutral, g.name_for_neutral);
    let r = add.report;
    let b = &mut base.report;
    replace(&mut b.tells, r.tells);
    replace(&mut b.says, r.says);
    replace(&mut b.informs, r.informs);
    replace(&mut b.that, r.that);
    replace(&mut b.asked_whether, r.asked_whether);
    replace(&mut b.asked, r.asked);
    replace(&mut b.asked_about, r.asked_about);
    replace(&mut b.answers, r.answers);
    replace(&mut b.asks, r.asks);
    replace(&mut b.whether, r.whether);
    replace(&mut b.citizen, r.citizen);
    replace(&mut b.relative, r.relative);
    replace(&mut b.worker, r.worker);
    replace(&mut b.other, r.other);
    replace(&mut b.via_interpreter, r.via_interpreter);
    replace(&mut b.should, r.should);
    replace(&mut b.and, r.and);
    replace(&mut b.quote_open, r.quote_open);
    replace(&mut b.quote_close, r.quote_close);
    let n = add.numbers;
    base.numbers.cardinals.extend(n.cardinals);
    base.numbers.ordinals.extend(n.ordinals);
    base.numbers.units.extend(n.units);
    extend_all!(base.numbers, n; hundred, thousand, joiners, weekdays, clock, articles,
        date_article, date_of, night, email_at, email_dot);
}

fn compile(d: &LanguageData) -> Compiled {
    let c = &d.classes;
    let classes = vec![
        ("courtesy", Phrases::new(&c.courtesy)),
        ("small_talk", Phrases::new(&c.small_talk)),
        ("sensitive", Phrases::new(&c.sensitive)),
        ("third_parties", Phrases::new(&c.third_parties)),
        ("outsiders", Phrases::new(&c.outsiders)),
        ("redirects", Phrases::new(&c.redirects)),
        ("unrecorded", Phrases::new(&c.unrecorded)),
        ("off_record", Phrases::new(&c.off_record)),
        ("purpose", Phrases::new(&c.purpose)),
        ("caller_purpose", Phrases::new(&c.caller_purpose)),
        ("wishes", Phrases::new(&c.wishes)),
        ("decisions", Phrases::new(&c.decisions)),
        ("negations", Phrases::new(&c.negations)),
        ("planning", Phrases::new(&c.planning)),
        ("actions", Phrases::new(&c.actions)),
        ("information", Phrases::new(&c.information)),
        ("near_future", Phrases::new(&c.near_future)),
        ("first_person", Phrases::new(&c.first_person)),
        ("second_person", Phrases::new(&c.second_person)),
        ("third_person", Phrases::new(&c.third_person)),
        ("case_matters", Phrases::new(&c.case_matters)),
    ];
    Compiled {
        fillers: Phrases::whole(&d.clean.fillers),
        hedges: Phrases::whole(&d.clean.hedges),
        openers: Phrases::whole(&d.clean.openers),
        acknowledgements: Phrases::whole(&d.clean.acknowledgements),
        tags: Phrases::whole(&d.clean.tags),
        yes: Phrases::whole(&d.clean.yes),
        no: Phrases::whole(&d.clean.no),
        swearing: Phrases::whole(&d.clean.swearing),
        particles: Phrases::whole(&d.clean.particles),
        self_corrections: Phrases::whole(&d.corrections.own),
        other_corrections: Phrases::whole(&d.corrections.others),
        confirmations: Phrases::whole(&d.corrections.confirmations),
        justifications: Phrases::whole(&d.corrections.justifications),
        apologies: Phrases::whole(&d.corrections.apologies),
        value_corrections: Phrases::whole(&d.corrections.value),
        clock_parts: Phrases::whole(&d.corrections.clock_parts),
        subjects: Phrases::whole(&d.grammar.subjects),
        question_words: Phrases::whole(&d.grammar.question_words),
        leading_conjunctions: Phrases::whole(&d.grammar.leading_conjunctions),
        embedded_question: Phrases::whole(&d.grammar.embedded_question),
        informing_question: Phrases::whole(&d.grammar.informing_question),
        requests: Phrases::whole(&d.grammar.requests),
        question_tags: Phrases::whole(&d.grammar.question_tags),
        months: Phrases::whole(&d.numbers.months),
        // "fredags", "onsdagarna": weekdays match as stems.
        weekdays: Phrases::new(&d.numbers.weekdays),
        classes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_files_load_for_every_language() {
        let all = Languages::builtin();
        for lang in Language::ALL {
            let d = all.get(lang);
            assert_eq!(d.language, lang);
            assert!(!d.clean.fillers.is_empty());
            assert_eq!(d.numbers.months.len(), 12);
            assert!(!d
                .class("wishes")
                .found(&crate::drafter::text::Text::new("x"))
                .any(|_| true));
        }
        assert_eq!(Language::from_code("da"), Some(Language::Da));
        assert_eq!(Language::from_code("de"), None);
        assert_eq!("sv".parse::<Language>(), Ok(Language::Sv));
        assert!("auto".parse::<Language>().is_err());
        assert_eq!(Language::Da.to_string(), "da");
    }

    #[test]
    fn a_municipality_adds_words_and_bad_files_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("sv.toml"),
            "language = \"sv\"\n[classes]\nsmall_talk = [\"allsvenskan\"]\n",
        )
        .unwrap();
        let all = Languages::with_dir(dir.path()).unwrap();
        let t = crate::drafter::text::Text::new("Såg du Allsvenskan i går?");
        assert!(all.get(Language::Sv).class("small_talk").any(&t));
        assert!(!Languages::builtin()
            .get(Language::Sv)
            .class("small_talk")
            .any(&t));

        std::fs::write(
            dir.path().join("sv.toml"),
            "language = \"sv\"\n[classes]\nsmall_talk = [\"ok\"]\nwishes = [\"Vill\"]\n",
        )
        .unwrap();
        match Languages::with_dir(dir.path()).unwrap_err() {
            LanguageError::Invalid { line, message, .. } => {
                assert_eq!(line, 4);
                assert!(message.contains("lower-case"), "{message}");
            }
            e => panic!("{e}"),
        }
        std::fs::write(
            dir.path().join("sv.toml"),
            "language = \"sv\"\n[classes]\nno_such_class = [\"x\"]\n",
        )
        .unwrap();
        assert!(matches!(
            Languages::with_dir(dir.path()).unwrap_err(),
            LanguageError::Syntax { line: 3, .. }
        ));
        std::fs::write(dir.path().join("sv.toml"), "language = \"da\"\n").unwrap();
        assert!(matches!(
            Languages::with_dir(dir.path()).unwrap_err(),
            LanguageError::Invalid { line: 1, .. }
        ));
    }
}
