//! Stage 2, who is speaking and about whom: the role behind each segment (from the
//! transcript's speaker labels, or estimated when a segment has none), how each person is
//! referred to in the note, and whom the worker's "du"/"you" means.
use super::DraftContext;
use crate::language::LanguageData;
use crate::transcript::Segment;

/// The part someone plays in the meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Worker,
    Citizen,
    Relative,
    Interpreter,
    /// Someone else with something to report (a school nurse calling, a neighbour).
    Other,
}

impl Role {
    /// The role a speaker label names; unknown labels are someone else.
    pub fn from_label(label: &str) -> Role {
        match label.trim().to_lowercase().as_str() {
            "worker" => Role::Worker,
            "citizen" => Role::Citizen,
            "relative" => Role::Relative,
            "interpreter" => Role::Interpreter,
            _ => Role::Other,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Role::Worker => "worker",
            Role::Citizen => "citizen",
            Role::Relative => "relative",
            Role::Interpreter => "interpreter",
            Role::Other => "other",
        }
    }

    /// Whose words these are in the note: an interpreter renders the citizen.
    pub fn voice(self) -> Role {
        match self {
            Role::Interpreter => Role::Citizen,
            r => r,
        }
    }
}

/// The role of each segment: its label when it has one; otherwise the worker when
/// `p_worker(i)` (an estimate from what is said) is at least one half, else the person the
/// worker talks with.
pub fn roles(
    segments: &[Segment],
    ctx: &DraftContext,
    p_worker: impl Fn(usize) -> f32,
) -> Vec<Role> {
    let counterpart = counterpart(ctx);
    segments
        .iter()
        .enumerate()
        .map(|(i, s)| match s.speaker.as_deref() {
            Some(label) if !label.trim().is_empty() => Role::from_label(label),
            _ if p_worker(i) >= 0.5 => Role::Worker,
            _ => counterpart,
        })
        .collect()
}

/// Whom the worker meets: the citizen, or the relative or other person when the citizen
/// is not taking part.
fn counterpart(ctx: &DraftContext) -> Role {
    let has = |r: Role| {
        ctx.participants
            .iter()
            .any(|p| Role::from_label(&p.speaker) == r)
    };
    if has(Role::Citizen) || has(Role::Interpreter) || ctx.participants.is_empty() {
        Role::Citizen
    } else if has(Role::Relative) {
        Role::Relative
    } else if has(Role::Other) {
        Role::Other
    } else {
        Role::Citizen
    }
}

/// How a person is referred to in the note.
#[derive(Debug, Clone, PartialEq)]
pub struct Referent {
    /// First name when known.
    pub name: Option<String>,
    /// Neutral noun when no name is known ("Den enskilde", "Borgeren").
    pub noun: String,
    /// Short description ("dotter", "school nurse").
    pub description: Option<String>,
    /// Subject, object, possessive and reflexive pronouns.
    pub pronouns: [String; 4],
    /// The pronouns take a plural verb (English "they").
    pub plural: bool,
}

impl Referent {
    /// The subject at the start of a statement: "Karin (dotter)", "Nadia", "Den enskilde".
    pub fn label(&self, first_mention: bool) -> String {
        match (&self.name, &self.description, first_mention) {
            (Some(n), Some(d), true) => format!("{n} ({d})"),
            (Some(n), _, _) => n.clone(),
            (None, Some(d), true) => format!("{} ({d})", self.noun),
            (None, _, _) => self.noun.clone(),
        }
    }

    /// The short form inside a sentence: the first name, or the noun in lower case.
    pub fn short(&self) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| super::text::decapitalise(&self.noun))
    }

    /// "Nadias", "Harold's", "Borgerens".
    pub fn genitive(&self, english: bool) -> String {
        let base = self.short();
        if english {
            format!("{base}'s")
        } else if base.ends_with('s') {
            base
        } else {
            format!("{base}s")
        }
    }

    /// Whether the person's pronoun takes a singular verb (he/she, not "they").
    pub fn singular(&self) -> bool {
        !self.plural
    }
}

/// The people of one meeting as the note refers to them.
#[derive(Debug, Clone)]
pub struct People {
    pub worker: Referent,
    pub citizen: Referent,
    pub relative: Referent,
    pub other: Referent,
    /// Whom the worker's second person means.
    pub addressee: Role,
}

impl People {
    pub fn new(ctx: &DraftContext, lang: &LanguageData) -> People {
        let find = |r: Role| {
            ctx.participants
                .iter()
                .find(|p| Role::from_label(&p.speaker) == r)
        };
        let make = |r: Role, noun: &str, describe: bool| {
            let p = find(r);
            let declared = p.and_then(|p| p.pronoun.clone()).or_else(|| {
                p.and_then(|p| p.description.as_deref())
                    .and_then(|d| lang.pronoun_of_description(d))
            });
            let pronouns = lang.pronouns(declared.as_deref());
            Referent {
                plural: lang.grammar.plural_pronouns.contains(&pronouns[0]),
                name: p
                    .and_then(|p| p.name.as_ref())
                    .map(|n| n.split_whitespace().next().unwrap_or(n).to_string()),
                noun: noun.to_string(),
                description: if describe {
                    p.and_then(|p| p.short_description())
                } else {
                    None
                },
                pronouns,
            }
        };
        let r = &lang.report;
        People {
            worker: make(Role::Worker, &r.worker, false),
            citizen: make(Role::Citizen, &r.citizen, false),
            relative: make(Role::Relative, &r.relative, true),
            other: make(Role::Other, &r.other, true),
            addressee: counterpart(ctx),
        }
    }

    /// The referent for whoever speaks in `role` (an interpreter speaks for the citizen).
    pub fn of(&self, role: Role) -> &Referent {
        match role.voice() {
            Role::Worker => &self.worker,
            Role::Relative => &self.relative,
            Role::Other => &self.other,
            _ => &self.citizen,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drafter::Participant;
    use crate::language::{Language, Languages};

    fn ctx(lines: &[&str]) -> DraftContext {
        DraftContext {
            participants: lines.iter().filter_map(|l| Participant::parse(l)).collect(),
            ..DraftContext::default()
        }
    }

    #[test]
    fn labels_names_descriptions_and_pronouns() {
        let all = Languages::builtin();
        let c = ctx(&[
            "Priya Madeup – social worker (worker)",
            "Harold Notreal – 79, widower, recently discharged (citizen)",
        ]);
        let people = People::new(&c, all.get(Language::En));
        assert_eq!(people.citizen.label(true), "Harold");
        assert_eq!(people.citizen.pronouns[0], "he", "a widower");
        let c = ctx(&[
            "Karin Exempelsson – dotter (relative)",
            "Gunnel X – sökande (citizen)",
        ]);
        let people = People::new(&c, all.get(Language::Sv));
        assert_eq!(people.relative.label(true), "Karin (dotter)");
        assert_eq!(people.relative.label(false), "Karin");
        assert_eq!(people.relative.pronouns[0], "hon");
        assert_eq!(people.citizen.pronouns[0], "hen");
    }

    #[test]
    fn the_worker_talks_with_the_relative_when_the_citizen_is_absent() {
        let all = Languages::builtin();
        let c = ctx(&[
            "Annika T – handläggare (worker)",
            "Per L – son till Ingrid (relative)",
        ]);
        let people = People::new(&c, all.get(Language::Sv));
        assert_eq!(people.addressee, Role::Relative);
        let segs = vec![
            Segment {
                id: 1,
                start: 0.0,
                end: 1.0,
                text: "Hej.".into(),
                confidence: 1.0,
                words: vec![],
                speaker: None,
            };
            2
        ];
        let r = roles(&segs, &c, |i| if i == 0 { 0.9 } else { 0.1 });
        assert_eq!(r, [Role::Worker, Role::Relative]);
        assert_eq!(Role::from_label("interpreter").voice(), Role::Citizen);
        assert_eq!(Role::from_label("school nurse"), Role::Other);
    }
}
