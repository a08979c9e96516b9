//! Outputs of a note: versioned JSON for the municipal endpoint, plain text to paste into
//! a case system (Treserva, Lifecare, Procapita, Cura), Markdown for the desktop harness,
//! and the citizen view: plain language in reading order, suitable for reading aloud.
use super::document::{CitizenParticipation, DraftDocument, FlagKind, ReviewError, SCHEMA_VERSION};
use serde::Serialize;

/// Name of the JSON note schema.
pub const SCHEMA: &str = "samtal.note";

struct Words {
    date: &'static str,
    time: &'static str,
    contact: &'static str,
    participants: &'static str,
    author: &'static str,
    comment: &'static str,
    approved: &'static str,
    version: &'static str,
    reviewed_on_screen: &'static str,
    declined: &'static str,
    not_present: &'static str,
    draft: &'static str,
    /// Abbreviations spelled out for reading aloud.
    spoken: &'static [(&'static str, &'static str)],
}

static SV: Words = Words {
    date: "Datum",
    time: "Tid",
    contact: "Kontakt",
    participants: "Deltagare",
    author: "Dokumenterat av",
    comment: "Den enskildes kommentar",
    approved: "Godkänd av",
    version: "Version",
    reviewed_on_screen: "den enskilde granskade anteckningen på skärmen",
    declined: "den enskilde avböjde att granska anteckningen",
    not_present: "den enskilde var inte närvarande",
    draft: "UTKAST – ej godkänt",
    spoken: &[
        (" kr", " kronor"),
        ("kl. ", "klockan "),
        (" kg", " kilo"),
        (" cm", " centimeter"),
    ],
};

static DA: Words = Words {
    date: "Dato",
    time: "Tid",
    contact: "Kontakt",
    participants: "Deltagere",
    author: "Dokumenteret af",
    comment: "Borgerens kommentar",
    approved: "Godkendt af",
    version: "Version",
    reviewed_on_screen: "borgeren gennemgik notatet på skærmen",
    declined: "borgeren ønskede ikke at gennemgå notatet",
    not_present: "borgeren var ikke til stede",
    draft: "UDKAST – ikke godkendt",
    spoken: &[
        (" kr.", " kroner"),
        ("kl. ", "klokken "),
        (" kg", " kilo"),
        (" cm", " centimeter"),
    ],
};

static EN: Words = Words {
    date: "Date",
    time: "Time",
    contact: "Contact",
    participants: "Participants",
    author: "Recorded by",
    comment: "The citizen's comment",
    approved: "Approved by",
    version: "Version",
    reviewed_on_screen: "the citizen reviewed the note on screen",
    declined: "the citizen declined to review the note",
    not_present: "the citizen was not present",
    draft: "DRAFT – not approved",
    spoken: &[(" kg", " kilos"), (" cm", " centimetres")],
};

fn words_for(lang: &str) -> &'static Words {
    match lang {
        "da" => &DA,
        "en" => &EN,
        _ => &SV,
    }
}

fn header_lines(doc: &DraftDocument, w: &Words) -> Vec<String> {
    let h = &doc.header;
    let participants = Some(h.participants.join(", ")).filter(|p| !p.is_empty());
    [
        (w.date, &h.date),
        (w.time, &h.time),
        (w.contact, &h.contact_kind),
        (w.participants, &participants),
        (w.author, &h.author),
    ]
    .iter()
    .filter_map(|(label, v)| v.as_ref().map(|v| format!("{label}: {v}")))
    .collect()
}

fn approval_line(doc: &DraftDocument, w: &Words) -> String {
    match &doc.approval {
        Some(a) => {
            let how = match a.citizen {
                CitizenParticipation::ReviewedOnScreen => w.reviewed_on_screen,
                CitizenParticipation::DeclinedToReview => w.declined,
                CitizenParticipation::NotPresent => w.not_present,
            };
            format!(
                "{} {} {} ({how}). {} {}.",
                w.approved, a.approved_by, a.approved_at, w.version, doc.version
            )
        }
        None => w.draft.to_string(),
    }
}

/// Plain text ready to paste into a case system: header, one paragraph per section.
pub fn plain_text(doc: &DraftDocument) -> String {
    let w = words_for(&doc.language);
    let mut out = header_lines(doc, w).join("\n");
    out.push_str("\n\n");
    for section in &doc.sections {
        let items: Vec<&str> = doc
            .section_items(&section.id)
            .map(|i| i.text.as_str())
            .collect();
        if items.is_empty() {
            continue;
        }
        out.push_str(&section.label);
        out.push('\n');
        out.push_str(&items.join(" "));
        out.push_str("\n\n");
    }
    if let Some(c) = &doc.citizen_comment {
        out.push_str(&format!("{}\n{}\n\n", w.comment, c.text));
    }
    out.push_str(&approval_line(doc, w));
    out.push('\n');
    out
}

/// Markdown for the desktop harness: items as a list with their citations and open flags.
pub fn markdown(doc: &DraftDocument) -> String {
    let w = words_for(&doc.language);
    let mut out = String::new();
    for line in header_lines(doc, w) {
        out.push_str(&format!("- {line}\n"));
    }
    for section in &doc.sections {
        let items: Vec<_> = doc.section_items(&section.id).collect();
        if items.is_empty() {
            continue;
        }
        out.push_str(&format!("\n## {}\n\n", section.label));
        for item in items {
            let cites: Vec<String> = item
                .citations
                .iter()
                .map(|c| format!("#{}", c.segment))
                .collect();
            let flags: Vec<String> = item
                .flags
                .iter()
                .filter(|f| {
                    !f.resolved || f.kind == FlagKind::AddedByWorker || f.kind == FlagKind::Edited
                })
                .map(|f| format!("{:?}", f.kind).to_lowercase())
                .collect();
            out.push_str(&format!("- {}", item.text));
            if !cites.is_empty() {
                out.push_str(&format!(" [{}]", cites.join(", ")));
            }
            if !flags.is_empty() {
                out.push_str(&format!(" _({})_", flags.join(", ")));
            }
            out.push('\n');
        }
    }
    if let Some(c) = &doc.citizen_comment {
        out.push_str(&format!("\n## {}\n\n{}\n", w.comment, c.text));
    }
    out.push_str(&format!("\n_{}_\n", approval_line(doc, w)));
    out
}

/// The note for the citizen: section headings and sentences in reading order, no
/// citations or codes, abbreviations spelled out so a screen reader says them right.
pub fn citizen_view(doc: &DraftDocument) -> String {
    let w = words_for(&doc.language);
    let spell = |text: &str| {
        let mut t = format!("{text} ");
        for (abbr, full) in w.spoken {
            t = t
                .replace(&format!("{abbr} "), &format!("{full} "))
                .replace(&format!("{abbr}."), &format!("{full}."));
            if abbr.ends_with(' ') {
                t = t.replace(abbr, full);
            }
        }
        t.trim_end().to_string()
    };
    let mut out = String::new();
    for section in &doc.sections {
        let items: Vec<String> = doc
            .section_items(&section.id)
            .map(|i| spell(&i.text))
            .collect();
        if items.is_empty() {
            continue;
        }
        out.push_str(&format!("{}.\n{}\n\n", section.label, items.join(" ")));
    }
    if let Some(c) = &doc.citizen_comment {
        out.push_str(&format!("{}.\n{}\n", w.comment, c.text));
    }
    out.trim_end().to_string() + "\n"
}

#[derive(Serialize)]
struct NoteJson<'a> {
    schema: &'static str,
    schema_version: u32,
    version: u32,
    template: &'a str,
    language: &'a str,
    header: &'a super::document::Header,
    sections: Vec<SectionJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    citizen_comment: Option<&'a str>,
    approval: &'a super::document::Approval,
}

#[derive(Serialize)]
struct SectionJson<'a> {
    id: &'a str,
    label: &'a str,
    items: Vec<ItemJson<'a>>,
}

#[derive(Serialize)]
struct ItemJson<'a> {
    text: &'a str,
    /// Segment references (no audio); meaningful until the transcript is purged.
    citations: &'a [super::document::Citation],
    added_by_worker: bool,
    edited: bool,
}

/// The approved note as structured JSON (schema `samtal.note`, version [`SCHEMA_VERSION`]).
pub fn note_json(doc: &DraftDocument) -> Result<String, ReviewError> {
    let approval = doc.approval.as_ref().ok_or(ReviewError::NotApproved)?;
    let note = NoteJson {
        schema: SCHEMA,
        schema_version: SCHEMA_VERSION,
        version: doc.version,
        template: &doc.template,
        language: &doc.language,
        header: &doc.header,
        sections: doc
            .sections
            .iter()
            .map(|s| SectionJson {
                id: &s.id,
                label: &s.label,
                items: doc
                    .section_items(&s.id)
                    .map(|i| ItemJson {
                        text: &i.text,
                        citations: &i.citations,
                        added_by_worker: i.has_flag(FlagKind::AddedByWorker),
                        edited: i.has_flag(FlagKind::Edited),
                    })
                    .collect(),
            })
            .collect(),
        citizen_comment: doc.citizen_comment.as_ref().map(|c| c.text.as_str()),
        approval,
    };
    Ok(serde_json::to_string_pretty(&note).expect("note serializes"))
}
