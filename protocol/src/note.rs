//! The envelope of an approved note: the fields the endpoint needs, the rest stays opaque.
//!
//! `content_hash` is the lowercase hex SHA-256 of the canonical JSON of the whole note object
//! without its `content_hash` field, so every approved field (sections, approval, participation)
//! is covered and a changed note can never pass as the same one.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::canonical::to_canonical_string;

/// The approved-note schema version this code understands.
pub const NOTE_SCHEMA_VERSION: u64 = 1;

/// The fields of an approved note that the wire protocol relies on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteEnvelope {
    pub note_id: String,
    pub schema_version: u64,
    pub template_id: String,
    pub content_hash: String,
    pub section_count: usize,
    pub item_count: usize,
}

/// Why a note was rejected. Messages name fields, never their values, so they are safe to log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("the note must be a JSON object")]
    NotAnObject,
    #[error("field `{0}` is missing")]
    Missing(&'static str),
    #[error("field `{field}` is invalid: {why}")]
    Invalid { field: String, why: &'static str },
    #[error("schema_version {0} is not supported (supported: 1)")]
    UnsupportedVersion(u64),
    #[error("content_hash does not match the note content")]
    HashMismatch,
}

/// Hash of the canonical note content (the note without `content_hash`).
pub fn content_hash(note: &Value) -> String {
    let mut copy = note.clone();
    if let Value::Object(map) = &mut copy {
        map.remove("content_hash");
    }
    hex::encode(Sha256::digest(to_canonical_string(&copy).as_bytes()))
}

/// Set `content_hash` on a note object to the hash of its content.
pub fn seal(note: &mut Value) {
    let hash = content_hash(note);
    if let Value::Object(map) = note {
        map.insert("content_hash".into(), Value::String(hash));
    }
}

/// Check the envelope of an approved note and that its hash matches its content.
pub fn validate_note(note: &Value) -> Result<NoteEnvelope, NoteError> {
    let map = note.as_object().ok_or(NoteError::NotAnObject)?;
    let schema_version = map
        .get("schema_version")
        .ok_or(NoteError::Missing("schema_version"))?
        .as_u64()
        .ok_or_else(|| invalid("schema_version", "must be a positive integer"))?;
    if schema_version != NOTE_SCHEMA_VERSION {
        return Err(NoteError::UnsupportedVersion(schema_version));
    }
    let note_id = string_field(map, "note_id")?;
    if !is_uuid(note_id) {
        return Err(invalid("note_id", "must be a UUID"));
    }
    let template_id = string_field(map, "template_id")?;
    if template_id.is_empty()
        || template_id.len() > 100
        || !template_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(invalid(
            "template_id",
            "must be 1-100 characters of letters, digits, '-', '_' or '.'",
        ));
    }
    let content_hash_field = string_field(map, "content_hash")?;
    if content_hash_field.len() != 64
        || !content_hash_field
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    {
        return Err(invalid("content_hash", "must be 64 lowercase hex digits"));
    }
    let sections = map
        .get("sections")
        .ok_or(NoteError::Missing("sections"))?
        .as_array()
        .ok_or_else(|| invalid("sections", "must be an array"))?;
    if sections.is_empty() {
        return Err(invalid("sections", "must not be empty"));
    }
    let mut item_count = 0;
    for (i, section) in sections.iter().enumerate() {
        let section = section
            .as_object()
            .ok_or_else(|| invalid(format!("sections[{i}]"), "must be an object"))?;
        match section.get("id").and_then(Value::as_str) {
            Some(id) if !id.is_empty() => {}
            _ => {
                return Err(invalid(
                    format!("sections[{i}].id"),
                    "must be a non-empty string",
                ))
            }
        }
        let items = section
            .get("items")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid(format!("sections[{i}].items"), "must be an array"))?;
        for (j, item) in items.iter().enumerate() {
            if !item.is_object() {
                return Err(invalid(
                    format!("sections[{i}].items[{j}]"),
                    "must be an object",
                ));
            }
        }
        item_count += items.len();
    }
    if content_hash(note) != content_hash_field {
        return Err(NoteError::HashMismatch);
    }
    Ok(NoteEnvelope {
        note_id: note_id.to_owned(),
        schema_version,
        template_id: template_id.to_owned(),
        content_hash: content_hash_field.to_owned(),
        section_count: sections.len(),
        item_count,
    })
}

fn invalid(field: impl Into<String>, why: &'static str) -> NoteError {
    NoteError::Invalid {
        field: field.into(),
        why,
    }
}

fn string_field<'a>(
    map: &'a Map<String, Value>,
    field: &'static str,
) -> Result<&'a str, NoteError> {
    map.get(field)
        .ok_or(NoteError::Missing(field))?
        .as_str()
        .ok_or_else(|| invalid(field, "must be a string"))
}

/// True for the textual form of a UUID (8-4-4-4-12 hex digits).
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn note() -> Value {
        let mut n = json!({
            "schema_version": 1,
            "note_id": "0b6f3c2e-1d5a-4c8e-9f00-123456789abc",
            "template_id": "sv-socialtjanst-journal",
            "sections": [{"id": "aktuellt", "items": [{"text": "NN berättar att ..."}]}],
            "approval": {"approved_by": "worker-1"}
        });
        seal(&mut n);
        n
    }

    #[test]
    fn sealed_note_validates() {
        let env = validate_note(&note()).unwrap();
        assert_eq!(env.item_count, 1);
        assert_eq!(env.template_id, "sv-socialtjanst-journal");
    }

    #[test]
    fn changed_content_is_a_hash_mismatch() {
        let mut n = note();
        n["sections"][0]["items"][0]["text"] = json!("other");
        assert_eq!(validate_note(&n), Err(NoteError::HashMismatch));
        n["approval"] = json!({"approved_by": "someone else"});
        assert_eq!(validate_note(&n), Err(NoteError::HashMismatch));
    }

    #[test]
    fn errors_name_fields_not_values() {
        let mut n = note();
        n["note_id"] = json!("Anna Andersson 19121212-1212");
        let err = validate_note(&n).unwrap_err().to_string();
        assert!(err.contains("note_id"));
        assert!(!err.contains("Anna") && !err.contains("19121212"));
        n = note();
        n.as_object_mut().unwrap().remove("sections");
        assert_eq!(validate_note(&n), Err(NoteError::Missing("sections")));
        n = note();
        n["schema_version"] = json!(2);
        assert_eq!(validate_note(&n), Err(NoteError::UnsupportedVersion(2)));
    }
}
