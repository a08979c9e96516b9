//! Who takes part in a session, as the worker enters it at consent: each person's role
//! and, optionally, first name, a short description ("dotter") and pronoun. Kept in the
//! encrypted store and wiped with the transcript; [`App::draft`] hands it to the drafter,
//! so the note says "Anna berättar att hon …" where it would say "den enskilde … hen".
use samtal_draft::language::{LanguageData, Languages};
use samtal_draft::{DraftContext, Language, Participant};
use samtal_speaker::Role;
use samtal_store::SessionId;

use super::{App, AppError, Result};

/// More people than this is not a meeting the drafter can tell apart.
const MAX_PEOPLE: usize = 8;
/// Characters in a name or description: a first name or "dotter", not a paragraph.
const MAX_CHARS: usize = 60;

impl App {
    /// Stores who takes part in `session` (replacing what was stored). Every field but the
    /// role is optional, and a person with none of them is not stored; a pronoun must be
    /// one of [`pronoun_choices`] for the consent's language. Errors never quote what was
    /// entered.
    pub fn set_participants(
        &self,
        session: &SessionId,
        participants: &[Participant],
    ) -> Result<()> {
        if participants.len() > MAX_PEOPLE {
            return Err(AppError::InvalidParticipant(format!(
                "at most {MAX_PEOPLE} people"
            )));
        }
        let language = self
            .store
            .session(session)?
            .consent
            .map(|c| c.language)
            .unwrap_or_default();
        let mut checked = participants
            .iter()
            .map(|p| checked(p, &language))
            .collect::<Result<Vec<_>>>()?;
        // A role alone says nothing consent's `present` does not.
        checked.retain(|p| p.name.is_some() || p.description.is_some() || p.pronoun.is_some());
        Ok(self.store.save_participants(session, &checked)?)
    }

    /// Who takes part in `session` as stored; empty when nobody was entered.
    pub fn participants(&self, session: &SessionId) -> Result<Vec<Participant>> {
        Ok(self.store.load_participants(session)?.unwrap_or_default())
    }

    /// The context a draft of `session` is made with: `given`, with who took part and who
    /// wrote the note filled from the session where the caller left them out. The author
    /// is the worker's name when one was entered, else the staff id that obtained consent.
    pub(super) fn draft_context(
        &self,
        session: &SessionId,
        given: &DraftContext,
    ) -> Result<DraftContext> {
        let mut ctx = given.clone();
        if ctx.participants.is_empty() {
            ctx.participants = self.participants(session)?;
        }
        if ctx.author.is_none() {
            ctx.author = ctx
                .participants
                .iter()
                .find(|p| Role::parse(&p.speaker) == Some(Role::Worker))
                .and_then(|p| p.name.clone())
                .or_else(|| {
                    self.store
                        .session(session)
                        .ok()
                        .and_then(|s| s.consent)
                        .map(|c| c.obtained_by)
                });
        }
        Ok(ctx)
    }
}

/// The pronouns a person can be given in `language` (`sv`, `da`, `en`), as their subject
/// form ("hon", "han", "hen"), the neutral one last. Empty for a language without data.
pub fn pronoun_choices(language: &str) -> Vec<String> {
    Language::from_code(language).map_or_else(Vec::new, |l| choices(Languages::builtin().get(l)))
}

fn choices(lang: &LanguageData) -> Vec<String> {
    let pronouns = &lang.grammar.pronouns;
    let subject = |forms: &Vec<String>| forms.first().cloned();
    pronouns
        .iter()
        .filter(|(key, _)| key.as_str() != "neutral")
        .filter_map(|(_, forms)| subject(forms))
        .chain(pronouns.get("neutral").and_then(subject))
        .collect()
}

/// `p` trimmed, empty fields as none, checked; the pronoun in lower case.
fn checked(p: &Participant, language: &str) -> Result<Participant> {
    if Role::parse(p.speaker.trim()).is_none() {
        return Err(AppError::UnknownParticipant);
    }
    let text = |field: &'static str, value: &Option<String>| -> Result<Option<String>> {
        let value = value.as_deref().map(str::trim).filter(|v| !v.is_empty());
        match value {
            Some(v) if v.chars().count() > MAX_CHARS => Err(AppError::InvalidParticipant(format!(
                "a {field} is at most {MAX_CHARS} characters"
            ))),
            Some(v) if v.chars().any(char::is_control) => Err(AppError::InvalidParticipant(
                format!("a {field} is one line of text"),
            )),
            v => Ok(v.map(str::to_string)),
        }
    };
    let pronoun = p
        .pronoun
        .as_deref()
        .map(|v| v.trim().to_lowercase())
        .filter(|v| !v.is_empty());
    if let Some(given) = &pronoun {
        let allowed = match Language::from_code(language) {
            Some(_) => pronoun_choices(language),
            None => Language::ALL.into_iter().fold(Vec::new(), |mut all, l| {
                for p in pronoun_choices(l.code()) {
                    if !all.contains(&p) {
                        all.push(p);
                    }
                }
                all
            }),
        };
        if !allowed.contains(given) {
            return Err(AppError::InvalidParticipant(format!(
                "unknown pronoun: use {} or leave it empty",
                allowed.join(", ")
            )));
        }
    }
    Ok(Participant {
        speaker: p.speaker.trim().to_string(),
        name: text("name", &p.name)?,
        description: text("description", &p.description)?,
        pronoun,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_are_each_languages_subject_pronouns_neutral_last() {
        assert_eq!(pronoun_choices("sv"), ["han", "hon", "hen"]);
        assert_eq!(pronoun_choices("da"), ["han", "hun", "vedkommende"]);
        assert_eq!(pronoun_choices("en"), ["he", "she", "they"]);
        assert!(pronoun_choices("fi").is_empty());
    }

    #[test]
    fn fields_are_trimmed_and_checked_without_quoting_them() {
        let p = Participant {
            speaker: "relative".into(),
            name: Some("  Stina ".into()),
            description: Some(" ".into()),
            pronoun: Some("Hon".into()),
        };
        let c = checked(&p, "sv").unwrap();
        assert_eq!(
            (c.name.as_deref(), c.description, c.pronoun.as_deref()),
            (Some("Stina"), None, Some("hon"))
        );
        let wrong = Participant {
            pronoun: Some("hun".into()),
            ..p.clone()
        };
        let err = checked(&wrong, "sv").unwrap_err().to_string();
        assert!(
            err.contains("han, hon, hen") && !err.contains("hun"),
            "{err}"
        );
        let long = Participant {
            name: Some("Påhittsson".repeat(7)),
            ..p.clone()
        };
        let err = checked(&long, "sv").unwrap_err().to_string();
        assert!(!err.contains("Påhittsson"), "{err}");
        let worker = Participant {
            speaker: "nurse".into(),
            ..p
        };
        assert!(matches!(
            checked(&worker, "sv"),
            Err(AppError::UnknownParticipant)
        ));
    }
}
