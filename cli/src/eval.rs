//! `samtal eval drafts`: run the drafter on an evaluation set and print its scores.
use samtal_draft::eval::{run_set, summarize, Meeting};
use samtal_draft::review::render;
use samtal_draft::transcript::Transcript;
use samtal_draft::{draft, eval::load_set};
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Subcommand)]
pub enum EvalCommand {
    /// Draft every meeting of an evaluation set and score the drafts against the gold facts.
    Drafts(DraftsArgs),
}

#[derive(clap::Args)]
pub struct DraftsArgs {
    /// Directory of meeting JSON files (the format of eval/dev).
    #[arg(long)]
    pub set: PathBuf,
    /// Extra template files (*.toml).
    #[arg(long)]
    pub templates_dir: Option<PathBuf>,
    /// Also print each draft as Markdown with the ids of missed facts (synthetic sets only).
    #[arg(long)]
    pub show: bool,
}

pub fn run(cmd: &EvalCommand) -> anyhow::Result<()> {
    match cmd {
        EvalCommand::Drafts(args) => drafts(args),
    }
}

fn drafts(args: &DraftsArgs) -> anyhow::Result<()> {
    let templates = crate::draft::templates(&args.templates_dir)?;
    let results = run_set(&args.set, &templates)?;
    println!(
        "{:<10} {:>6} {:>8} {:>9} {:>10} {:>10} {:>9} {:>9}",
        "meeting", "facts", "recall", "section", "must-not", "citations", "decided", "ms"
    );
    for (s, doc) in &results {
        println!(
            "{:<10} {:>6} {:>8.3} {:>9.3} {:>10} {:>10} {:>9} {:>9.2}",
            s.id,
            s.facts,
            s.recalled as f64 / s.facts.max(1) as f64,
            s.right_section as f64 / s.found.max(1) as f64,
            s.violations.len(),
            format!("{}/{}", s.items_valid_citations, s.items),
            s.invented_decisions,
            s.elapsed.as_secs_f64() * 1000.0
        );
        if args.show {
            println!("{}", render::markdown(doc));
            println!("missed: {:?}  violations: {:?}\n", s.missed, s.violations);
        }
    }
    let scores: Vec<_> = results.iter().map(|(s, _)| s.clone()).collect();
    let sum = summarize(&scores);
    println!();
    println!(
        "overall fact recall       {:.3}  (target >= 0.85)",
        sum.fact_recall
    );
    println!(
        "overall section accuracy  {:.3}  (target >= 0.85)",
        sum.section_accuracy
    );
    println!(
        "must-not-include hits     {}      (target 0)",
        sum.violations
    );
    println!(
        "items with valid citations {:.1} %  (target 100 %)",
        sum.citation_validity * 100.0
    );
    println!(
        "decisions without a stated decision {}",
        sum.invented_decisions
    );
    println!(
        "drafting time, whole set  {:.2} ms",
        sum.elapsed.as_secs_f64() * 1000.0
    );
    let meetings = load_set(&args.set)?;
    if let Some(ms) = one_hour_timing(&meetings, &templates) {
        println!("one-hour transcript       {ms:.2} ms");
    }
    Ok(())
}

/// Times the drafter on the set's meetings concatenated to at least an hour of speech.
fn one_hour_timing(
    meetings: &[Meeting],
    templates: &samtal_draft::template::Templates,
) -> Option<f64> {
    let first = meetings.first()?;
    let template = templates.get(&first.template).ok()?;
    let mut segments = Vec::new();
    let mut offset = 0.0;
    let mut id = 1;
    while offset < 3600.0 {
        for m in meetings.iter().filter(|m| m.language == first.language) {
            let end = m.segments.last().map(|s| s.end).unwrap_or(0.0);
            for s in &m.segments {
                let mut s = s.clone();
                s.id = id;
                s.start += offset;
                s.end += offset;
                id += 1;
                segments.push(s);
            }
            offset += end + 1.0;
        }
    }
    let transcript = Transcript {
        language: first.language.clone(),
        segments,
    };
    let t0 = Instant::now();
    let _ = draft(&transcript, template, &first.context());
    Some(t0.elapsed().as_secs_f64() * 1000.0)
}
