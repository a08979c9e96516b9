//! `samtal review`: take a recorded session from its transcript to a draft, review it with
//! the citizen (items, flags, citations, the citizen's view and comment) and approve it into
//! the outbox, through the same `App` the phones use.
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use samtal_core::app::{App, AppConfig};
use samtal_core::review_flow::ReviewChange;
use samtal_draft::review::{render, CitizenParticipation, DraftDocument, FlagKind};
use samtal_draft::transcript::Transcript;
use samtal_draft::DraftContext;
use samtal_store::SessionId;

use crate::app;

#[derive(Args)]
pub struct ReviewArgs {
    #[command(subcommand)]
    cmd: ReviewCmd,
}

#[derive(Subcommand)]
enum ReviewCmd {
    /// Draft the session's transcript into a journal note (replaces an earlier draft).
    Draft {
        session: String,
        /// Template id, e.g. sv-socialtjanst-journal, sv-ibic, da-fsiii, en-casenote.
        #[arg(long)]
        template: String,
        /// Extra template files (*.toml) added by the municipality.
        #[arg(long)]
        templates_dir: Option<PathBuf>,
        /// Kind of contact for the note header, e.g. "home visit".
        #[arg(long)]
        contact_kind: Option<String>,
    },
    /// Show the draft: items with ids, flags and cited transcript, then the citizen's view.
    Show {
        session: String,
        #[arg(long, value_enum, default_value = "review")]
        view: View,
    },
    /// The worker has checked items against what was said (resolves their flags).
    MarkReviewed {
        session: String,
        /// Item ids as shown by `samtal review show`.
        items: Vec<u32>,
        /// Every item in the note.
        #[arg(long, conflicts_with = "items")]
        all: bool,
    },
    /// Replace an item's text (the item is flagged as edited and keeps its citations).
    Edit {
        session: String,
        item: u32,
        text: String,
    },
    /// Add an item of the worker's own to a section.
    Add {
        session: String,
        section: String,
        text: String,
    },
    /// Delete an item.
    Delete { session: String, item: u32 },
    /// Record the citizen's own comment on the note, in their words.
    Comment { session: String, text: String },
    /// Approve the note and queue it for delivery. Only a person approves; every flag must
    /// be resolved first.
    Approve {
        session: String,
        /// Staff id of the approving worker (never a personal number).
        #[arg(long)]
        by: String,
        /// How the citizen took part: present (reviewed on screen), declined or absent.
        #[arg(long, value_enum)]
        citizen: Citizen,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum View {
    /// Items with ids, flags and citations, then the citizen's view.
    Review,
    /// What the citizen sees: plain language in reading order.
    Citizen,
    /// The note as text to paste into a case system.
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Citizen {
    Present,
    Declined,
    Absent,
}

impl From<Citizen> for CitizenParticipation {
    fn from(c: Citizen) -> Self {
        match c {
            Citizen::Present => CitizenParticipation::ReviewedOnScreen,
            Citizen::Declined => CitizenParticipation::DeclinedToReview,
            Citizen::Absent => CitizenParticipation::NotPresent,
        }
    }
}

pub fn run(args: ReviewArgs) -> anyhow::Result<()> {
    let templates_dir = match &args.cmd {
        ReviewCmd::Draft { templates_dir, .. } => templates_dir.clone(),
        _ => None,
    };
    let app = app::open_with(AppConfig {
        templates_dir,
        ..app::config()?
    })?;
    match args.cmd {
        ReviewCmd::Draft {
            session,
            template,
            contact_kind,
            ..
        } => {
            let id = parse(&session)?;
            let ctx = DraftContext {
                contact_kind,
                ..DraftContext::default()
            };
            let doc = app.draft(&id, &template, &ctx)?;
            println!(
                "session {id}: drafted {} items with {template}, {} to check before approval",
                doc.items.len(),
                doc.unresolved_count()
            );
        }
        ReviewCmd::Show { session, view } => {
            let id = parse(&session)?;
            let doc = app.document(&id)?;
            match view {
                View::Review => show(&app, &id, &doc)?,
                View::Citizen => print!("{}", render::citizen_view(&doc)),
                View::Text => println!("{}", render::plain_text(&doc)),
                View::Json => println!("{}", serde_json::to_string_pretty(&doc)?),
            }
        }
        ReviewCmd::MarkReviewed {
            session,
            items,
            all,
        } => {
            if !all && items.is_empty() {
                anyhow::bail!("name the item ids to mark reviewed, or use --all");
            }
            let id = parse(&session)?;
            let change = if all {
                ReviewChange::MarkAllReviewed
            } else {
                ReviewChange::MarkReviewed { items }
            };
            let doc = app.review(&id, change)?;
            println!(
                "session {id}: {} of {} items reviewed, {} still to check",
                doc.items.iter().filter(|i| i.reviewed).count(),
                doc.items.len(),
                doc.unresolved_count()
            );
        }
        ReviewCmd::Edit {
            session,
            item,
            text,
        } => {
            let id = parse(&session)?;
            app.review(&id, ReviewChange::Edit { item, text })?;
            println!("session {id}: item {item} edited");
        }
        ReviewCmd::Add {
            session,
            section,
            text,
        } => {
            let id = parse(&session)?;
            let doc = app.review(&id, ReviewChange::Add { section, text })?;
            let added = doc.items.last().map_or(0, |i| i.id);
            println!("session {id}: item {added} added");
        }
        ReviewCmd::Delete { session, item } => {
            let id = parse(&session)?;
            app.review(&id, ReviewChange::Delete { item })?;
            println!("session {id}: item {item} deleted");
        }
        ReviewCmd::Comment { session, text } => {
            let id = parse(&session)?;
            app.review(&id, ReviewChange::CitizenComment { text })?;
            println!("session {id}: the citizen's comment is recorded");
        }
        ReviewCmd::Approve {
            session,
            by,
            citizen,
        } => {
            let id = parse(&session)?;
            let note_id = app.approve(&id, &by, citizen.into())?;
            println!("session {id}: approved by {by}; note {note_id} queued for delivery");
        }
    }
    Ok(())
}

fn parse(session: &str) -> anyhow::Result<SessionId> {
    session
        .parse()
        .context("expected a session id as shown by `samtal sessions`")
}

/// The worker's review screen: every item with its id, flags and the transcript it cites.
fn show(app: &App, id: &SessionId, doc: &DraftDocument) -> anyhow::Result<()> {
    let transcript = Transcript {
        language: doc.language.clone(),
        segments: app.transcript(id)?,
    };
    let state = if doc.is_approved() {
        "approved"
    } else {
        "draft"
    };
    println!("{} ({state}, version {})", doc.template, doc.version);
    for section in &doc.sections {
        let items: Vec<_> = doc.section_items(&section.id).collect();
        if items.is_empty() {
            continue;
        }
        println!("\n## {}", section.label);
        for item in items {
            let flags: Vec<String> = item
                .flags
                .iter()
                .map(|f| {
                    let name = match f.kind {
                        FlagKind::LowConfidence => "low-confidence",
                        FlagKind::Unsupported => "unsupported",
                        FlagKind::Edited => "edited",
                        FlagKind::AddedByWorker => "added-by-worker",
                    };
                    if f.resolved {
                        format!("{name} (checked)")
                    } else {
                        name.to_string()
                    }
                })
                .collect();
            let mark = if item.reviewed { "x" } else { " " };
            println!("[{mark}] #{} {}", item.id, item.text);
            if !flags.is_empty() {
                println!("      flags: {}", flags.join(", "));
            }
            for c in doc.cited_text(item.id, &transcript)? {
                println!(
                    "      cites segment {} [{:.1}–{:.1} s] {}{}",
                    c.segment,
                    c.start,
                    c.end,
                    c.speaker.map(|s| format!("{s}: ")).unwrap_or_default(),
                    c.text
                        .as_deref()
                        .unwrap_or("(transcript no longer available)")
                );
            }
        }
    }
    println!(
        "\n{} item(s) still to check before approval",
        doc.unresolved_count()
    );
    println!(
        "\n--- what the citizen sees ---\n{}",
        render::citizen_view(doc)
    );
    Ok(())
}

#[derive(Args)]
pub struct ReceiptsArgs {}

/// The endpoint's receipts: all that stays on the phone after a note is delivered.
pub fn receipts(_args: &ReceiptsArgs) -> anyhow::Result<()> {
    let receipts = app::open()?.receipts()?;
    if receipts.is_empty() {
        println!("no receipts");
    }
    for r in receipts {
        let signed = r
            .citizen_signature
            .map(|s| format!("\tcitizen signature sha256 {s}"))
            .unwrap_or_default();
        println!(
            "note {}\treceived {}\tcontent sha256 {}{signed}",
            r.note_id,
            crate::sessions::timestamp(r.received_at),
            r.content_hash
        );
    }
    Ok(())
}
