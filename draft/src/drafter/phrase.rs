//! Journal language: what someone said becomes reported speech about them
//! ("jag har alltid klarat mig själv" → "Nadia berättar att hen har alltid klarat sig själv"),
//! and the worker's "du" becomes the person addressed.

/// Personal pronouns for a third person in one language.
#[derive(Debug, Clone, PartialEq)]
pub struct Pronouns {
    pub subject: String,
    pub object: String,
    pub possessive: String,
}

impl Pronouns {
    /// Pronouns for a declared pronoun ("hon", "han", "hun", "she", …) or the neutral form.
    pub fn for_person(lang: &str, declared: Option<&str>) -> Pronouns {
        let p = |s: &str, o: &str, g: &str| Pronouns {
            subject: s.into(),
            object: o.into(),
            possessive: g.into(),
        };
        match (lang, declared.map(str::to_lowercase).as_deref()) {
            ("sv", Some("hon")) => p("hon", "henne", "hennes"),
            ("sv", Some("han")) => p("han", "honom", "hans"),
            ("da", Some("hun")) => p("hun", "hende", "hendes"),
            ("da", Some("han")) => p("han", "ham", "hans"),
            ("en", Some("she")) => p("she", "her", "her"),
            ("en", Some("he")) => p("he", "him", "his"),
            ("da", _) => p("vedkommende", "vedkommende", "vedkommendes"),
            ("en", _) => p("they", "them", "their"),
            _ => p("hen", "hen", "hens"),
        }
    }
}

/// How a person is referred to in the note.
#[derive(Debug, Clone)]
pub struct Referent {
    /// First name when known.
    pub name: Option<String>,
    /// Neutral noun when no name is known ("Den enskilde", "Borgeren").
    pub noun: String,
    /// Short description for relatives ("dotter").
    pub description: Option<String>,
    pub pronouns: Pronouns,
}

impl Referent {
    /// The subject form at the start of a statement: "Karin (dotter)", "Nadia", "Den enskilde".
    pub fn label(&self) -> String {
        match (&self.name, &self.description) {
            (Some(n), Some(d)) => format!("{n} ({d})"),
            (Some(n), None) => n.clone(),
            (None, Some(d)) => format!("{} ({d})", self.noun),
            (None, None) => self.noun.clone(),
        }
    }

    /// The short form inside a sentence: the first name, or the noun in lower case.
    pub fn short(&self) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| self.noun.to_lowercase())
    }

    fn genitive(&self) -> String {
        let base = self.short();
        if base.ends_with('s') {
            base
        } else {
            format!("{base}s")
        }
    }
}

struct Words {
    first_subject: &'static [&'static str],
    first_object: &'static [&'static str],
    first_possessive: &'static [(&'static str, &'static str)],
    plural: &'static [(&'static str, &'static str)],
    second_subject: &'static [&'static str],
    second_object: &'static [&'static str],
    second_possessive: &'static [&'static str],
    reflexive: &'static str,
    self_word: &'static str,
    reflexive_verbs: &'static [&'static str],
}

static SV: Words = Words {
    first_subject: &["jag"],
    first_object: &["mig", "mej"],
    first_possessive: &[("min", "sin"), ("mitt", "sitt"), ("mina", "sina")],
    plural: &[
        ("vi", "de"),
        ("oss", "dem"),
        ("vår", "deras"),
        ("vårt", "deras"),
        ("våra", "deras"),
    ],
    second_subject: &["du"],
    second_object: &["dig", "dej"],
    second_possessive: &["din", "ditt", "dina"],
    reflexive: "sig",
    self_word: "själv",
    reflexive_verbs: &[
        "klarar", "klara", "klarat", "klarade", "känner", "kände", "sätter", "satte", "lägger",
        "reser", "resa", "tvättar", "tvätta", "tar", "ta", "skyndar", "bryr", "oroar", "lär",
    ],
};

static DA: Words = Words {
    first_subject: &["jeg"],
    first_object: &["mig"],
    first_possessive: &[("min", "sin"), ("mit", "sit"), ("mine", "sine")],
    plural: &[("vi", "de"), ("os", "dem"), ("vores", "deres")],
    second_subject: &["du"],
    second_object: &["dig"],
    second_possessive: &["din", "dit", "dine"],
    reflexive: "sig",
    self_word: "selv",
    reflexive_verbs: &[
        "klarer", "klare", "klaret", "føler", "sætter", "satte", "lægger", "rejser", "rejse",
        "vasker", "vaske", "slog", "slå", "tager", "bekymrer", "lærer", "skynder",
    ],
};

static EN: Words = Words {
    first_subject: &["i"],
    first_object: &["me"],
    first_possessive: &[("my", "their"), ("mine", "theirs")],
    plural: &[("we", "they"), ("us", "them"), ("our", "their")],
    second_subject: &["you"],
    second_object: &[],
    second_possessive: &["your"],
    reflexive: "themselves",
    self_word: "",
    reflexive_verbs: &[],
};

fn words_for(lang: &str) -> &'static Words {
    match lang {
        "da" => &DA,
        "en" => &EN,
        _ => &SV,
    }
}

/// Rewrites one sentence: the speaker's first person becomes `speaker`'s third person and,
/// when given, the second person becomes `addressee`.
/// With `name_speaker` (the worker), the speaker's first "jag" becomes their name.
pub fn third_person(
    sentence: &str,
    lang: &str,
    speaker: &Referent,
    addressee: Option<&Referent>,
    name_speaker: bool,
) -> String {
    let w = words_for(lang);
    let mut out = String::new();
    let mut tokens: Vec<(bool, String)> = Vec::new();
    for c in sentence.chars() {
        let is_word = c.is_alphanumeric() || c == '\'';
        match tokens.last_mut() {
            Some((wd, t)) if *wd == is_word => t.push(c),
            _ => tokens.push((is_word, c.to_string())),
        }
    }
    let lower: Vec<String> = tokens.iter().map(|(_, t)| t.to_lowercase()).collect();
    let prev_word = |i: usize| -> Option<&str> {
        (0..i)
            .rev()
            .find(|&k| tokens[k].0)
            .map(|k| lower[k].as_str())
    };
    let next_word = |i: usize| -> Option<&str> {
        (i + 1..tokens.len())
            .find(|&k| tokens[k].0)
            .map(|k| lower[k].as_str())
    };
    let mut named_addressee = false;
    let mut named_speaker = false;
    for (i, (is_word, tok)) in tokens.iter().enumerate() {
        if !is_word {
            out.push_str(tok);
            continue;
        }
        let l = lower[i].as_str();
        let replacement: Option<String> = if w.first_subject.contains(&l) {
            if name_speaker && !named_speaker {
                named_speaker = true;
                Some(speaker.short())
            } else {
                Some(speaker.pronouns.subject.clone())
            }
        } else if w.first_object.contains(&l) {
            // "klarar mig", and with the subject after the verb: "vasker jeg mig".
            let before = (0..i)
                .rev()
                .filter(|&k| tokens[k].0)
                .take(2)
                .map(|k| lower[k].as_str())
                .collect::<Vec<_>>();
            let reflexive = next_word(i) == Some(w.self_word)
                || before
                    .first()
                    .is_some_and(|p| w.reflexive_verbs.contains(p))
                || (before.first().is_some_and(|p| w.first_subject.contains(p))
                    && before.get(1).is_some_and(|p| w.reflexive_verbs.contains(p)));
            Some(if reflexive {
                w.reflexive.to_string()
            } else {
                speaker.pronouns.object.clone()
            })
        } else if let Some((_, r)) = w.first_possessive.iter().find(|(f, _)| *f == l) {
            Some(r.to_string())
        } else if let Some((_, r)) = w.plural.iter().find(|(f, _)| *f == l && !name_speaker) {
            Some(r.to_string())
        } else if let Some(a) = addressee {
            if w.second_subject.contains(&l) || w.second_object.contains(&l) {
                let reflexive = w.second_object.contains(&l)
                    && (next_word(i) == Some(w.self_word)
                        || prev_word(i).is_some_and(|p| w.reflexive_verbs.contains(&p)));
                Some(if reflexive {
                    w.reflexive.to_string()
                } else if !named_addressee {
                    named_addressee = true;
                    a.short()
                } else if w.second_subject.contains(&l) {
                    a.pronouns.subject.clone()
                } else {
                    a.pronouns.object.clone()
                })
            } else if w.second_possessive.contains(&l) {
                Some(if !named_addressee {
                    named_addressee = true;
                    a.genitive()
                } else {
                    a.pronouns.possessive.clone()
                })
            } else {
                None
            }
        } else {
            None
        };
        match replacement {
            Some(r) => {
                let capital =
                    tok.chars().next().is_some_and(char::is_uppercase) && i == first_word(&tokens);
                if capital {
                    out.push_str(&super::clean::capitalise(&r));
                } else {
                    out.push_str(&r);
                }
            }
            None => out.push_str(tok),
        }
    }
    out
}

fn first_word(tokens: &[(bool, String)]) -> usize {
    tokens.iter().position(|(w, _)| *w).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nadia() -> Referent {
        Referent {
            name: Some("Nadia".into()),
            noun: "Den enskilde".into(),
            description: None,
            pronouns: Pronouns::for_person("sv", None),
        }
    }

    #[test]
    fn first_person_becomes_third() {
        assert_eq!(
            third_person(
                "Jag har alltid klarat mig själv.",
                "sv",
                &nadia(),
                None,
                false
            ),
            "Hen har alltid klarat sig själv."
        );
        let lotta = Referent {
            name: Some("Lotta".into()),
            noun: "Handläggaren".into(),
            description: None,
            pronouns: Pronouns::for_person("sv", None),
        };
        assert_eq!(
            third_person(
                "Jag mejlar intyget till dig i eftermiddag.",
                "sv",
                &lotta,
                Some(&nadia()),
                true
            ),
            "Lotta mejlar intyget till Nadia i eftermiddag."
        );
    }
}
