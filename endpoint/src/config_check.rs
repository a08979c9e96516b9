//! `samtal-endpoint config check`: every problem of a configuration file, each with its line,
//! so an administrator fixes them in one pass instead of one restart per mistake.
//!
//! The file is read with `toml_edit` (which keeps positions), each key is checked against
//! what the endpoint understands, and finally the file is loaded exactly as `serve` loads
//! it, so nothing `serve` would refuse passes the check.

use std::net::{IpAddr, SocketAddr};
use std::ops::Range;
use std::path::Path;

use toml_edit::{ImDocument, Item, TableLike};

/// One problem: 1-based line (0 when the file as a whole is meant) and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

/// What a key's value must be.
#[derive(Clone, Copy)]
enum Kind {
    Addr,
    Text,
    Path,
    HttpsUrl,
    HttpUrl,
    DatabaseUrl,
    Ip,
    /// An integer in this range.
    Int(i64, i64),
    /// A file mode with owner and group bits only, under this mask.
    Mode(i64),
    Table,
}

struct Key {
    name: &'static str,
    kind: Kind,
    required: bool,
}

const fn key(name: &'static str, kind: Kind) -> Key {
    Key {
        name,
        kind,
        required: false,
    }
}

const fn required(name: &'static str, kind: Kind) -> Key {
    Key {
        name,
        kind,
        required: true,
    }
}

const DAY_SECS: i64 = 86_400;

const ROOT: &[Key] = &[
    required("listen", Kind::Addr),
    key("enroll_listen", Kind::Addr),
    key("public_url", Kind::HttpsUrl),
    required("data_dir", Kind::Path),
    key("database_url", Kind::DatabaseUrl),
    key("max_note_bytes", Kind::Int(1024, 64 * 1024 * 1024)),
    key("device_cert_days", Kind::Int(2, 825)),
    key("delivery_lease_secs", Kind::Int(1, DAY_SECS)),
    key("sinks", Kind::Table),
    key("limits", Kind::Table),
    key("bankid", Kind::Table),
];

const LIMITS: &[Key] = &[
    key("max_connections", Kind::Int(1, 1_000_000)),
    key("max_enroll_connections", Kind::Int(1, 1_000_000)),
    key("handshake_timeout_secs", Kind::Int(1, 3600)),
    key("first_request_timeout_secs", Kind::Int(1, 3600)),
    key("idle_timeout_secs", Kind::Int(1, DAY_SECS)),
    key("request_timeout_secs", Kind::Int(1, 3600)),
    key("enroll_failures_per_address", Kind::Int(1, 1_000_000)),
    key("enroll_failure_window_secs", Kind::Int(1, DAY_SECS)),
];

const SINKS: &[Key] = &[key("directory", Kind::Table), key("webhook", Kind::Table)];

const DIRECTORY: &[Key] = &[
    required("path", Kind::Path),
    key("dir_mode", Kind::Mode(0o770)),
    key("file_mode", Kind::Mode(0o660)),
    key("group", Kind::Text),
];

const WEBHOOK: &[Key] = &[
    required("url", Kind::HttpUrl),
    key("ca_file", Kind::Path),
    key("timeout_secs", Kind::Int(1, 3600)),
];

const BANKID: &[Key] = &[
    required("environment", Kind::Text),
    required("ca_file", Kind::Path),
    key("cert_file", Kind::Path),
    key("key_file", Kind::Path),
    key("p12_file", Kind::Path),
    key("p12_password", Kind::Text),
    key("session_hours", Kind::Int(1, 24 * 30)),
    key("collect_interval_ms", Kind::Int(1000, 60_000)),
    key("end_user_ip", Kind::Ip),
];

/// Check the configuration at `path`. `nofile` is the descriptor limit `serve` will run
/// under (a unit's `LimitNOFILE`), against which the connection budgets are checked.
pub fn check(path: &Path, nofile: u64) -> Vec<Problem> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            return vec![Problem {
                line: 0,
                message: format!("cannot read {}: {e}", path.display()),
            }]
        }
    };
    let base = path.parent().unwrap_or(Path::new("."));
    let mut checker = Checker {
        text: &text,
        base,
        problems: Vec::new(),
    };
    match ImDocument::parse(text.as_str()) {
        Ok(doc) => checker.document(doc.as_table(), nofile),
        Err(e) => {
            let line = e.span().map_or(0, |s| checker.line(s.start));
            let message = e.message().trim().to_owned();
            checker.problems.push(Problem {
                line,
                message: format!("not valid TOML: {message}"),
            });
            return checker.problems;
        }
    }
    if checker.problems.is_empty() {
        if let Err(e) = crate::config::Config::load(path) {
            checker.problems.push(Problem {
                line: 0,
                message: format!("{e:#}"),
            });
        }
    }
    checker.problems.sort_by_key(|p| p.line);
    checker.problems
}

struct Checker<'a> {
    text: &'a str,
    base: &'a Path,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn line(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())]
            .bytes()
            .filter(|b| *b == b'\n')
            .count()
            + 1
    }

    fn at(&mut self, span: Option<Range<usize>>, message: String) {
        let line = span.map_or(0, |s| self.line(s.start));
        self.problems.push(Problem { line, message });
    }

    fn document(&mut self, root: &toml_edit::Table, nofile: u64) {
        self.table(root, "", ROOT, root.span());
        self.public_url(root);
        if let Some(limits) = root.get("limits").and_then(Item::as_table_like) {
            self.table(
                limits,
                "limits",
                LIMITS,
                root.get("limits").and_then(Item::span),
            );
            self.budget(limits, nofile);
        }
        if let Some(sinks) = root.get("sinks").and_then(Item::as_table_like) {
            self.table(sinks, "sinks", SINKS, None);
            for (name, keys) in [("directory", DIRECTORY), ("webhook", WEBHOOK)] {
                if let Some(item) = sinks.get(name) {
                    if let Some(sink) = item.as_table_like() {
                        let section = format!("sinks.{name}");
                        self.table(sink, &section, keys, table_span(item));
                    }
                }
            }
        } else if root.get("sinks").is_none() {
            self.problems.push(Problem {
                line: 0,
                message: "no [sinks.directory] or [sinks.webhook]: notes would be stored but \
                          never delivered to the case system (export only)"
                    .into(),
            });
        }
        if let Some(item) = root.get("bankid") {
            if let Some(bankid) = item.as_table_like() {
                self.table(bankid, "bankid", BANKID, table_span(item));
                self.bankid_identity(bankid, table_span(item));
            }
        }
    }

    /// Unknown keys, missing required keys and values of the wrong kind in one table.
    fn table(
        &mut self,
        table: &dyn TableLike,
        section: &str,
        keys: &[Key],
        span: Option<Range<usize>>,
    ) {
        let place = |name: &str| {
            if section.is_empty() {
                format!("`{name}`")
            } else {
                format!("[{section}] `{name}`")
            }
        };
        for (name, item) in table.iter() {
            let key_span = table.key(name).and_then(|k| k.span()).or(item.span());
            match keys.iter().find(|k| k.name == name) {
                None => {
                    let known: Vec<&str> = keys.iter().map(|k| k.name).collect();
                    self.at(
                        key_span,
                        format!(
                            "{} is not a setting the endpoint knows (known here: {})",
                            place(name),
                            known.join(", ")
                        ),
                    );
                }
                Some(k) => {
                    if let Err(why) = self.value(item, k.kind) {
                        self.at(item.span().or(key_span), format!("{} {why}", place(name)));
                    }
                }
            }
        }
        for k in keys.iter().filter(|k| k.required) {
            if table.get(k.name).is_none() {
                let where_ = if section.is_empty() {
                    "the file".to_string()
                } else {
                    format!("[{section}]")
                };
                self.at(
                    span.clone(),
                    format!("{} is missing: {where_} needs it", place(k.name)),
                );
            }
        }
    }

    fn value(&self, item: &Item, kind: Kind) -> Result<(), String> {
        if let Kind::Table = kind {
            return match item.as_table_like() {
                Some(_) => Ok(()),
                None => Err("must be a table ([section])".into()),
            };
        }
        if let Kind::Int(min, max) = kind {
            let n = item
                .as_integer()
                .ok_or_else(|| format!("must be a whole number between {min} and {max}"))?;
            return if (min..=max).contains(&n) {
                Ok(())
            } else {
                Err(format!("is {n}; it must be between {min} and {max}"))
            };
        }
        if let Kind::Mode(mask) = kind {
            let n = item
                .as_integer()
                .ok_or("must be an octal mode such as 0o750")?;
            return if n >= 0 && n & !mask == 0 {
                Ok(())
            } else {
                Err(format!(
                    "is {n:#o}; only owner and group bits are allowed (at most {mask:#o}): \
                     notes are never world-readable"
                ))
            };
        }
        let s = item.as_str().ok_or("must be a quoted string")?;
        match kind {
            Kind::Addr => s.parse::<SocketAddr>().map(|_| ()).map_err(|_| {
                format!("is {s:?}; it must be an address with a port, e.g. \"0.0.0.0:8443\"")
            }),
            Kind::Ip => s
                .parse::<IpAddr>()
                .map(|_| ())
                .map_err(|_| format!("is {s:?}; it must be an IP address")),
            Kind::HttpsUrl if !s.starts_with("https://") => Err(format!(
                "is {s:?}; it must start with https:// (phones reach the endpoint over TLS)"
            )),
            Kind::HttpUrl if !(s.starts_with("https://") || s.starts_with("http://")) => {
                Err(format!("is {s:?}; it must be an http:// or https:// URL"))
            }
            Kind::DatabaseUrl
                if !["sqlite:", "postgres:", "postgresql:"]
                    .iter()
                    .any(|p| s.starts_with(p)) =>
            {
                Err("must start with sqlite: or postgres:".into())
            }
            Kind::Path if s.is_empty() => Err("must not be empty".into()),
            _ => Ok(()),
        }
    }

    /// Phones are told `public_url` at enrollment; `https://0.0.0.0:…` would reach nothing.
    fn public_url(&mut self, root: &toml_edit::Table) {
        let Some(listen) = root.get("listen") else {
            return;
        };
        let unspecified = listen
            .as_str()
            .and_then(|s| s.parse::<SocketAddr>().ok())
            .is_some_and(|a| a.ip().is_unspecified());
        if unspecified && root.get("public_url").is_none() {
            self.at(
                root.key("listen").and_then(|k| k.span()),
                "`listen` is on every address, so phones need `public_url` (e.g. \
                 \"https://samtal.kommun.example:8443\"): the address they reach it at"
                    .into(),
            );
        }
    }

    /// `serve` refuses budgets the descriptor limit cannot hold; say so before it starts.
    fn budget(&mut self, limits: &dyn TableLike, nofile: u64) {
        let defaults = crate::config::Limits::default();
        let get = |name: &str, default: usize| {
            limits
                .get(name)
                .and_then(Item::as_integer)
                .map_or(default as u64, |n| n.max(0) as u64)
        };
        let mtls = get("max_connections", defaults.max_connections);
        let enroll = get("max_enroll_connections", defaults.max_enroll_connections);
        let needed = mtls + enroll + crate::serve::DESCRIPTOR_RESERVE;
        if needed > nofile {
            let span = limits
                .key("max_connections")
                .and_then(|k| k.span())
                .or_else(|| limits.key("max_enroll_connections").and_then(|k| k.span()));
            self.at(
                span,
                format!(
                    "[limits] max_connections ({mtls}) + max_enroll_connections ({enroll}) + \
                     {} = {needed} exceed the descriptor limit of {nofile}; lower them or \
                     raise LimitNOFILE= in the unit",
                    crate::serve::DESCRIPTOR_RESERVE
                ),
            );
        }
    }

    /// The RP identity is either a PEM pair or a PKCS#12 file, and its files exist.
    fn bankid_identity(&mut self, bankid: &dyn TableLike, span: Option<Range<usize>>) {
        let has = |k: &str| bankid.get(k).is_some();
        let ok = matches!(
            (has("cert_file"), has("key_file"), has("p12_file")),
            (true, true, false) | (false, false, true)
        );
        if !ok {
            self.at(
                span,
                "[bankid] needs either cert_file and key_file, or p12_file (with p12_password)"
                    .into(),
            );
        }
        for name in ["ca_file", "cert_file", "key_file", "p12_file"] {
            let Some(item) = bankid.get(name) else {
                continue;
            };
            let Some(file) = item.as_str() else { continue };
            let full = self.base.join(file);
            if !full.is_file() {
                self.at(
                    item.span(),
                    format!("[bankid] `{name}`: no such file {}", full.display()),
                );
            }
        }
    }
}

/// Where a table starts: its header, or its first key for a table given inline.
fn table_span(item: &Item) -> Option<Range<usize>> {
    item.as_table()
        .and_then(|t| t.span())
        .or_else(|| item.span())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_text(text: &str, nofile: u64) -> Vec<Problem> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("endpoint.toml");
        std::fs::write(&path, text).unwrap();
        check(&path, nofile)
    }

    #[test]
    fn the_packaged_default_config_asks_only_for_the_public_url() {
        let text = include_str!("../../packaging/endpoint.toml");
        let problems = check_text(text, 4096);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(problems[0].message.contains("public_url"));
        let fixed = text.replace("# public_url = ", "public_url = ");
        assert_eq!(check_text(&fixed, 4096), vec![]);
        assert_eq!(
            check_text(&fixed, 512).len(),
            1,
            "the budget exceeds 512 descriptors"
        );
    }

    #[test]
    fn a_broken_config_gets_every_problem_with_its_line() {
        let text = "\
listen = \"0.0.0.0\"
data_dir = \"data\"
public_url = \"http://samtal.kommun.example\"
device_cert_days = 5000
lissten = \"0.0.0.0:8443\"

[limits]
max_connections = 5000

[sinks.directory]
path = \"drop\"
file_mode = 0o644
";
        let problems = check_text(text, 1024);
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![1, 3, 4, 5, 8, 12], "{problems:#?}");
        assert!(problems[0].message.contains("`listen`"));
        assert!(problems[3].message.contains("`lissten` is not a setting"));
        assert!(problems[4].message.contains("LimitNOFILE"));
        assert!(problems[5].message.contains("0o644"));
    }

    #[test]
    fn syntax_errors_and_missing_keys_name_their_line() {
        let problems = check_text("listen = \"0.0.0.0:8443\"\ndata_dir = \n", 1024);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 2);
        assert!(problems[0].message.starts_with("not valid TOML"));
        let problems = check_text("[limits]\nmax_connections = 10\n[sinks.webhook]\n", 1024);
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(problems.len(), 3, "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("`listen` is missing")));
        assert!(messages.iter().any(|m| m.contains("`data_dir` is missing")));
        assert!(messages
            .iter()
            .any(|m| m.contains("[sinks.webhook] `url` is missing")));
        assert_eq!(
            problems
                .iter()
                .find(|p| p.message.contains("url"))
                .unwrap()
                .line,
            3
        );
    }
}
