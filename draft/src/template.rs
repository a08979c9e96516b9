//! Journal templates as data. A municipality describes its note layout in a TOML file
//! (sections, labels, what belongs where, vocabulary cues) and drops it next to the
//! built-in ones; no code change is needed. Errors name the file and line so the person
//! editing the file can fix it.
use crate::files::{read_bounded, FileError, MAX_DATA_FILE};
use crate::language::Language;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// What kind of statement a section takes; the drafter routes statements by role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Why the contact took place.
    Reason,
    /// Facts and events of significance (catch-all for facts without a better home).
    Facts,
    /// A life or nursing area (IBIC, Fælles Sprog III): facts with matching cues.
    Area,
    /// The individual's own view and wishes.
    View,
    /// What is done and by whom, including information given.
    Actions,
    /// Decisions actually stated in the meeting.
    Decisions,
    /// Next steps and follow-up.
    Planning,
}

/// One section of a template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub roles: Vec<Role>,
    /// Labels by language code (`sv`, `da`, `en`).
    pub label: BTreeMap<String, String>,
    pub description: String,
    /// Lower-case word stems or phrases that point to this section.
    #[serde(default)]
    pub cues: Vec<String>,
}

impl Section {
    /// The label in `lang`, falling back to English, then the id.
    pub fn label_in(&self, lang: &str) -> &str {
        self.label
            .get(lang)
            .or_else(|| self.label.get("en"))
            .map(String::as_str)
            .unwrap_or(&self.id)
    }
}

/// A journal template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub id: String,
    /// ISO 639-1 code of the note language.
    pub language: String,
    pub name: BTreeMap<String, String>,
    /// Header fields shown above the sections (date, time, contact_kind, participants, author).
    pub header: Vec<String>,
    #[serde(rename = "section")]
    pub sections: Vec<Section>,
}

/// Header fields a template may ask for.
pub const HEADER_FIELDS: &[&str] = &["date", "time", "contact_kind", "participants", "author"];
/// Languages a template may be written in.
pub const LANGUAGES: &[&str] = &["sv", "da", "en"];

impl Template {
    /// The note language (validated when the template was loaded).
    pub fn lang(&self) -> Language {
        Language::from_code(&self.language).unwrap_or(Language::Sv)
    }
}

/// Why a template could not be loaded. Messages name the file and line, never note content.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TemplateError {
    #[error("template {file}, line {line}: {message}")]
    Syntax {
        file: String,
        line: usize,
        message: String,
    },
    #[error("template {file}, line {line}: {message}")]
    Invalid {
        file: String,
        line: usize,
        message: String,
    },
    #[error("cannot read template file {file}: {message}")]
    Io { file: String, message: String },
    #[error("unknown template id '{0}'; available: {1}")]
    Unknown(String, String),
    #[error("template id '{id}' is defined twice ({file})")]
    Duplicate { id: String, file: String },
}

const BUILTIN: &[(&str, &str)] = &[
    (
        "sv-socialtjanst-journal.toml",
        include_str!("../templates/sv-socialtjanst-journal.toml"),
    ),
    ("sv-ibic.toml", include_str!("../templates/sv-ibic.toml")),
    ("da-fsiii.toml", include_str!("../templates/da-fsiii.toml")),
    (
        "en-casenote.toml",
        include_str!("../templates/en-casenote.toml"),
    ),
];

impl Template {
    /// Parses and validates one template file; `file` is only used in error messages.
    pub fn parse(file: &str, source: &str) -> Result<Template, TemplateError> {
        let template: Template = toml::from_str(source).map_err(|e| TemplateError::Syntax {
            file: file.to_string(),
            line: e.span().map(|s| line_of(source, s.start)).unwrap_or(1),
            message: e.message().to_string(),
        })?;
        template.validate(file, source)?;
        Ok(template)
    }

    /// The section with this id.
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    fn validate(&self, file: &str, source: &str) -> Result<(), TemplateError> {
        let invalid = |needle: &str, message: String| TemplateError::Invalid {
            file: file.to_string(),
            line: source
                .find(needle)
                .map(|at| line_of(source, at))
                .unwrap_or(1),
            message,
        };
        if self.id.is_empty()
            || !self
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(invalid(
                "id",
                "template id must be non-empty ASCII letters, digits and '-'".into(),
            ));
        }
        if Language::from_code(&self.language).is_none() {
            return Err(invalid(
                "language",
                format!("language must be one of {}", LANGUAGES.join(", ")),
            ));
        }
        for field in &self.header {
            if !HEADER_FIELDS.contains(&field.as_str()) {
                return Err(invalid(
                    "header",
                    format!(
                        "unknown header field '{field}'; allowed: {}",
                        HEADER_FIELDS.join(", ")
                    ),
                ));
            }
        }
        if self.sections.is_empty() {
            return Err(invalid(
                "id",
                "a template needs at least one [[section]]".into(),
            ));
        }
        let mut seen = Vec::new();
        for section in &self.sections {
            let here = format!("id = \"{}\"", section.id);
            if section.id.is_empty()
                || !section
                    .id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return Err(invalid(
                    &here,
                    "section id must be lower-case ASCII letters, digits and '_'".into(),
                ));
            }
            if seen.contains(&section.id) {
                let line = source
                    .match_indices(&here)
                    .nth(1)
                    .map(|(at, _)| line_of(source, at))
                    .unwrap_or(1);
                return Err(TemplateError::Invalid {
                    file: file.to_string(),
                    line,
                    message: format!("section id '{}' is used twice", section.id),
                });
            }
            seen.push(section.id.clone());
            if section.roles.is_empty() {
                return Err(invalid(
                    &here,
                    format!("section '{}' needs at least one role", section.id),
                ));
            }
            if !section.label.contains_key(&self.language) {
                return Err(invalid(
                    &here,
                    format!(
                        "section '{}' has no label in the template language '{}'",
                        section.id, self.language
                    ),
                ));
            }
            if let Some(cue) = section
                .cues
                .iter()
                .find(|c| c.trim().is_empty() || c.to_lowercase() != **c)
            {
                return Err(invalid(
                    &here,
                    format!(
                        "section '{}': cues must be non-empty lower-case text (found '{cue}')",
                        section.id
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// 1-based line number of byte offset `at`.
fn line_of(source: &str, at: usize) -> usize {
    source[..at.min(source.len())].matches('\n').count() + 1
}

/// The templates available on this device: built-ins plus any files a municipality added.
#[derive(Debug, Clone)]
pub struct Templates {
    templates: Vec<Template>,
}

impl Templates {
    /// The templates shipped with Samtal.
    pub fn builtin() -> Templates {
        let templates = BUILTIN
            .iter()
            .map(|(file, src)| Template::parse(file, src).expect("built-in templates are valid"))
            .collect();
        Templates { templates }
    }

    /// Built-ins plus every `*.toml` in `dir`; a file may replace a built-in with the same id.
    pub fn with_dir(dir: &Path) -> Result<Templates, TemplateError> {
        let mut all = Templates::builtin();
        let io = |e: std::io::Error| TemplateError::Io {
            file: dir.display().to_string(),
            message: e.kind().to_string(),
        };
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        let mut added: Vec<String> = Vec::new();
        for path in paths {
            let file = path.display().to_string();
            // Only regular files of bounded size: a FIFO or a device named *.toml fails at once.
            let src = read_bounded(&path, MAX_DATA_FILE).map_err(|e| TemplateError::Io {
                file: file.clone(),
                message: match e {
                    FileError::NotRegular { .. } => "not a regular file".into(),
                    FileError::TooLarge { limit, .. } => format!("larger than {limit} bytes"),
                    FileError::NotText { .. } => "not UTF-8 text".into(),
                    FileError::Io { message, .. } => message,
                },
            })?;
            let template = Template::parse(&file, &src)?;
            if added.contains(&template.id) {
                return Err(TemplateError::Duplicate {
                    id: template.id,
                    file,
                });
            }
            added.push(template.id.clone());
            all.templates.retain(|t| t.id != template.id);
            all.templates.push(template);
        }
        Ok(all)
    }

    /// The template with this id.
    pub fn get(&self, id: &str) -> Result<&Template, TemplateError> {
        self.templates
            .iter()
            .find(|t| t.id == id)
            .ok_or_else(|| TemplateError::Unknown(id.to_string(), self.ids().join(", ")))
    }

    /// Ids of all templates, in load order.
    pub fn ids(&self) -> Vec<String> {
        self.templates.iter().map(|t| t.id.clone()).collect()
    }
}
