//! `samtal draft`: draft a journal note from a transcript file with the grounded drafter.
use anyhow::{anyhow, Context};
use samtal_draft::eval::MAX_MEETING_BYTES;
use samtal_draft::files::read_bounded;
use samtal_draft::language::Languages;
use samtal_draft::review::render;
use samtal_draft::template::Templates;
use samtal_draft::transcript::Transcript;
use samtal_draft::{DraftContext, Drafter, Participant};
use serde::Deserialize;
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args)]
pub struct DraftArgs {
    /// Transcript JSON (`{"language", "segments"}`; evaluation meetings also work).
    pub transcript: PathBuf,
    /// Template id, e.g. sv-socialtjanst-journal, sv-ibic, da-fsiii, en-casenote.
    #[arg(long)]
    pub template: String,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Extra template files (*.toml) added by the municipality, with language additions
    /// (sv.toml, da.toml, en.toml) in its lang/ subdirectory.
    #[arg(long)]
    pub templates_dir: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Json,
    Text,
    Markdown,
}

/// Optional meeting facts next to the transcript in the same file.
#[derive(Deserialize, Default)]
struct Meeting {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    participants: Vec<String>,
}

#[derive(Deserialize)]
struct TranscriptFile {
    #[serde(flatten)]
    transcript: Transcript,
    #[serde(default)]
    meeting: Option<Meeting>,
    #[serde(default)]
    context: Option<DraftContext>,
}

/// Templates: the built-ins plus a municipality's directory when given.
pub fn templates(dir: &Option<PathBuf>) -> anyhow::Result<Templates> {
    Ok(match dir {
        Some(d) => Templates::with_dir(d)?,
        None => Templates::builtin(),
    })
}

pub fn run(args: &DraftArgs) -> anyhow::Result<()> {
    let templates = templates(&args.templates_dir)?;
    let template = templates.get(&args.template)?;
    // A regular file of bounded size: a FIFO or a device fails at once.
    let src = read_bounded(&args.transcript, MAX_MEETING_BYTES)
        .with_context(|| format!("cannot read transcript file {}", args.transcript.display()))?;
    // Only the position of a JSON error is reported: the message could quote transcript text.
    let file: TranscriptFile = serde_json::from_str(&src).map_err(|e| {
        anyhow!(
            "{} is not a transcript JSON file ({:?} error at line {}, column {}); expected {{\"language\": \"sv\", \"segments\": [{{\"id\", \"start\", \"end\", \"text\"}}]}}",
            args.transcript.display(),
            e.classify(),
            e.line(),
            e.column()
        )
    })?;
    let ctx = file.context.unwrap_or_else(|| {
        let m = file.meeting.unwrap_or_default();
        DraftContext {
            date: m.date,
            contact_kind: m.kind,
            participants: m
                .participants
                .iter()
                .filter_map(|p| Participant::parse(p))
                .collect(),
            ..DraftContext::default()
        }
    });
    let t0 = Instant::now();
    let languages = match &args.templates_dir {
        Some(d) if d.join("lang").is_dir() => Languages::with_dir(&d.join("lang"))?,
        _ => Languages::builtin(),
    };
    let drafter = Drafter::new(languages, Drafter::builtin().model().clone());
    let doc = drafter.draft(&file.transcript, template, &ctx);
    let elapsed = t0.elapsed();
    let out = match args.format {
        Format::Json => serde_json::to_string_pretty(&doc)?,
        Format::Text => render::plain_text(&doc),
        Format::Markdown => render::markdown(&doc),
    };
    println!("{out}");
    eprintln!(
        "drafted {} items from {} segments in {:.1} ms",
        doc.items.len(),
        file.transcript.segments.len(),
        elapsed.as_secs_f64() * 1000.0
    );
    Ok(())
}
