//! Canonical JSON: object keys sorted by their UTF-8 bytes, no insignificant whitespace.
//!
//! Hashes and signatures are computed over this form so that key order or formatting chosen by
//! a serializer never changes a note's identity. The endpoint accepts notes only in this form
//! ([`parse_canonical`]), so the bytes it stores and delivers are the bytes the hash covers:
//! a duplicate key, whose hidden first value a parser would drop, is refused, not resolved.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Serialize `value` canonically.
pub fn to_canonical_string(value: &Value) -> String {
    let mut out = String::new();
    write_value(value, &mut out);
    out
}

fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_value(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// Why bytes are not canonical JSON. Messages give positions, never content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CanonicalError {
    /// Not JSON at all (or a duplicate key: the parser refuses it with its position).
    #[error("the body is not valid JSON ({0})")]
    Syntax(String),
    /// An object names the same key twice.
    #[error("the body repeats a key in one object ({0}); send each key once")]
    DuplicateKey(String),
    /// Valid JSON, but not in the one canonical form.
    #[error(
        "the body is not canonical JSON (first difference at byte {0}): keys sorted by their \
         UTF-8 bytes, no whitespace, numbers and strings as serde_json writes them"
    )]
    NotCanonical(usize),
}

const DUPLICATE: &str = "duplicate key";

/// Parse `bytes` as JSON that must already be in canonical form, with no duplicate keys.
pub fn parse_canonical(bytes: &[u8]) -> Result<Value, CanonicalError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = StrictValue
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| {
            let at = format!("line {} column {}", e.line(), e.column());
            if e.to_string().starts_with(DUPLICATE) {
                CanonicalError::DuplicateKey(at)
            } else {
                CanonicalError::Syntax(format!("{:?} error at {at}", e.classify()))
            }
        })?;
    let canonical = to_canonical_string(&value);
    if canonical.as_bytes() != bytes {
        let at = canonical
            .bytes()
            .zip(bytes)
            .position(|(a, b)| a != *b)
            .unwrap_or(canonical.len().min(bytes.len()));
        return Err(CanonicalError::NotCanonical(at));
    }
    Ok(value)
}

/// Builds a [`Value`] like serde_json does, but refuses an object with a repeated key.
struct StrictValue;

impl<'de> DeserializeSeed<'de> for StrictValue {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(StrictValue)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            if map.contains_key(&key) {
                return Err(de::Error::custom(DUPLICATE));
            }
            let value = access.next_value_seed(StrictValue)?;
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_order_and_whitespace_do_not_matter() {
        let a: Value = serde_json::from_str(r#"{ "b": [1, {"y":2,"x":"å"}], "a": null }"#).unwrap();
        let b = json!({"a": null, "b": [1, {"x": "å", "y": 2}]});
        assert_eq!(to_canonical_string(&a), to_canonical_string(&b));
        assert_eq!(
            to_canonical_string(&a),
            r#"{"a":null,"b":[1,{"x":"å","y":2}]}"#
        );
    }

    #[test]
    fn only_the_canonical_form_parses() {
        let canonical = r#"{"a":null,"b":[1,-2,0.5,1e+300,{"x":"å\n","y":true}]}"#;
        let value = parse_canonical(canonical.as_bytes()).unwrap();
        assert_eq!(to_canonical_string(&value), canonical);
        for (bad, at) in [
            (r#"{"b":1,"a":2}"#, 2),
            (r#"{"a": 1}"#, 5),
            (r#"{"a":1.0e0}"#, 8),
            (r#"{"a":"\u00e5"}"#, 6),
            (r#"{"a":12345678901234567890123}"#, 6),
            ("{\"a\":1}\n", 7),
        ] {
            assert_eq!(
                parse_canonical(bad.as_bytes()),
                Err(CanonicalError::NotCanonical(at)),
                "{bad}"
            );
        }
    }

    #[test]
    fn duplicate_keys_are_refused_without_their_content() {
        let err = parse_canonical(br#"{"a":{"k":"Anna","k":"Berit"}}"#).unwrap_err();
        assert!(matches!(err, CanonicalError::DuplicateKey(_)), "{err:?}");
        let text = err.to_string();
        assert!(!text.contains("Anna") && !text.contains("Berit") && !text.contains("\"k\""));
        assert!(matches!(
            parse_canonical(b"{\"a\":"),
            Err(CanonicalError::Syntax(_))
        ));
        assert!(matches!(
            parse_canonical(b"{\"a\":1} x"),
            Err(CanonicalError::Syntax(_))
        ));
    }
}
