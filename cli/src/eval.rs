//! `samtal eval drafts`: run the drafter on an evaluation set and print its scores, with the
//! shipped weights or leave-one-meeting-out; `samtal eval train-drafter`: retrain the
//! shipped weights from an evaluation set.
use anyhow::Context;
use samtal_draft::drafter::model::{Meta, SHIPPED_ORDER};
use samtal_draft::eval::{
    by_language, load_set, loo_over_orders, over_orders, parse_meeting, read_set, run_loo,
    run_meetings, summarize, Drafted, Meeting, MeetingScore, Summary,
};
use samtal_draft::explain::Loss;
use samtal_draft::language::{Language, Languages};
use samtal_draft::review::render;
use samtal_draft::transcript::Transcript;
use samtal_draft::{learn, Drafter};
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Subcommand)]
pub enum EvalCommand {
    /// Draft every meeting of an evaluation set and score the drafts against the gold facts.
    Drafts(DraftsArgs),
    /// The whole chain on espeak-ng renderings of the dev meetings: audio → recognition →
    /// speaker attribution → draft → score, next to the score from the gold transcript.
    Pipeline(crate::pipeline_eval::PipelineArgs),
    /// Train the drafter's weights (relevance, sections, speakers) on an evaluation set and
    /// write them (the shipped file is draft/model/drafter.tsv).
    TrainDrafter(TrainArgs),
    /// Experiment: Gemma 3 270M sentence vectors against the drafter's word features for
    /// relevance and section, leave-one-meeting-out, and their cost per meeting minute.
    Embed(crate::embed_eval::EmbedArgs),
}

#[derive(clap::Args)]
pub struct DraftsArgs {
    /// Directory of meeting JSON files (the format of eval/dev).
    #[arg(long)]
    pub set: PathBuf,
    /// Extra template files (*.toml), with language additions in its lang/ subdirectory.
    #[arg(long)]
    pub templates_dir: Option<PathBuf>,
    /// Leave one meeting out: draft each meeting with weights trained on all the others
    /// (the honest measure on meetings the weights were trained on).
    #[arg(long)]
    pub loo: bool,
    /// Also print each draft as Markdown with the ids of missed facts (synthetic sets only).
    #[arg(long)]
    pub show: bool,
    /// Put every missed fact down to the stage that lost it and print the totals per stage.
    #[arg(long)]
    pub explain: bool,
    /// With --loo: also train in this many orders of the examples and print the mean and
    /// range of recall, section accuracy and must-not hits over them (a change moving a
    /// figure by less than its range is noise).
    #[arg(
        long,
        default_value_t = 1,
        requires = "loo",
        value_parser = clap::value_parser!(u64).range(1..=100)
    )]
    pub orders: u64,
}

#[derive(clap::Args)]
pub struct TrainArgs {
    /// Directory of meeting JSON files with gold facts.
    #[arg(long)]
    pub set: PathBuf,
    /// Where to write the weights.
    #[arg(long, default_value = "draft/model/drafter.tsv")]
    pub out: PathBuf,
    /// Extra template files (*.toml), with language additions in its lang/ subdirectory.
    #[arg(long)]
    pub templates_dir: Option<PathBuf>,
}

pub fn run(cmd: &EvalCommand) -> anyhow::Result<()> {
    match cmd {
        EvalCommand::Drafts(args) => drafts(args),
        EvalCommand::TrainDrafter(args) => train(args),
        EvalCommand::Pipeline(args) => crate::pipeline_eval::run(args),
        EvalCommand::Embed(args) => crate::embed_eval::run(args),
    }
}

fn languages(dir: &Option<PathBuf>) -> anyhow::Result<Languages> {
    Ok(match dir {
        Some(d) if d.join("lang").is_dir() => Languages::with_dir(&d.join("lang"))?,
        _ => Languages::builtin(),
    })
}

fn train(args: &TrainArgs) -> anyhow::Result<()> {
    let templates = crate::draft::templates(&args.templates_dir)?;
    let langs = languages(&args.templates_dir)?;
    let files = read_set(&args.set)?;
    let meetings: Vec<Meeting> = files
        .iter()
        .map(|(n, s)| parse_meeting(n, s))
        .collect::<Result<_, _>>()?;
    anyhow::ensure!(
        !meetings.is_empty(),
        "no meeting files (*.json) in {}",
        args.set.display()
    );
    let meta = Meta {
        training_sha256: learn::training_set_sha256(&files),
        meetings: meetings.len(),
    };
    let t0 = Instant::now();
    let refs: Vec<&Meeting> = meetings.iter().collect();
    let model = learn::train(&refs, &templates, &langs, Some(meta.clone()))?;
    std::fs::write(&args.out, model.to_tsv())
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!(
        "trained on {} meetings (sha256 {}) in {:.1} s; weights written to {}",
        meta.meetings,
        meta.training_sha256,
        t0.elapsed().as_secs_f64(),
        args.out.display()
    );
    Ok(())
}

fn drafts(args: &DraftsArgs) -> anyhow::Result<()> {
    let templates = crate::draft::templates(&args.templates_dir)?;
    let langs = languages(&args.templates_dir)?;
    let meetings = load_set(&args.set)?;
    let t0 = Instant::now();
    let results = if args.loo {
        run_loo(&meetings, &templates, &langs, SHIPPED_ORDER)?
    } else {
        let drafter = Drafter::new(langs.clone(), Drafter::builtin().model().clone());
        run_meetings(&meetings, &templates, &drafter)?
    };
    println!(
        "{} ({} meetings, {:.1} s)",
        if args.loo {
            "leave-one-meeting-out: each meeting drafted with weights trained on the others"
        } else {
            "shipped weights (trained on the development meetings: scores on them are not held out)"
        },
        meetings.len(),
        t0.elapsed().as_secs_f64()
    );
    println!(
        "{:<10} {:>4} {:>6} {:>8} {:>9} {:>10} {:>10} {:>9} {:>7} {:>8}",
        "meeting",
        "lang",
        "facts",
        "recall",
        "section",
        "must-not",
        "citations",
        "decided",
        "words",
        "ms"
    );
    for Drafted {
        score: s,
        doc,
        misses,
    } in &results
    {
        println!(
            "{:<10} {:>4} {:>6} {:>8.3} {:>9.3} {:>10} {:>10} {:>9} {:>7.2} {:>8.2}",
            s.id,
            s.language,
            s.facts,
            s.recalled as f64 / s.facts.max(1) as f64,
            s.right_section as f64 / s.found.max(1) as f64,
            s.violations.len(),
            format!("{}/{}", s.items_valid_citations, s.items),
            s.invented_decisions,
            s.note_words as f64 / s.transcript_words.max(1) as f64,
            s.elapsed.as_secs_f64() * 1000.0
        );
        if args.show {
            println!("\n{}", render::markdown(doc));
            println!(
                "missed: {:?}  must-not in the note: {:?}\n",
                s.missed, s.violations
            );
        }
        if args.explain {
            let why: Vec<String> = misses
                .iter()
                .map(|m| format!("{} {}", m.fact, m.loss))
                .collect();
            println!("  lost: {}", why.join(", "));
        }
    }
    let scores: Vec<MeetingScore> = results.iter().map(|d| d.score.clone()).collect();
    if args.explain {
        println!();
        print_losses(&results);
    }
    println!();
    print_table(&scores);
    let sum = summarize(&scores);
    println!();
    println!(
        "overall fact recall        {:.3}  (floor 0.75, goal 0.90)",
        sum.fact_recall
    );
    println!(
        "overall section accuracy   {:.3}  (floor 0.85)",
        sum.section_accuracy
    );
    println!(
        "must-not-include hits      {}  (floor <= 9)",
        sum.violations
    );
    println!(
        "items with valid citations {:.1} %  (100 %)",
        sum.citation_validity * 100.0
    );
    println!(
        "decisions without a stated decision {}  (0)",
        sum.invented_decisions
    );
    println!(
        "note words / transcript    {:.3}  (<= 0.40)",
        sum.note_ratio
    );
    println!(
        "median item length         {:.1} words  (<= 35)",
        sum.median_item_words
    );
    let minutes: f64 = meetings.iter().map(minutes).sum();
    println!(
        "drafting time, whole set   {:.2} ms ({:.2} ms per meeting minute)",
        sum.elapsed.as_secs_f64() * 1000.0,
        sum.elapsed.as_secs_f64() * 1000.0 / minutes.max(1e-9)
    );
    if let Some(ms) = one_hour_timing(&meetings, &templates, &langs) {
        println!("one-hour transcript        {ms:.2} ms");
    }
    if args.loo && args.orders > 1 {
        let others = SHIPPED_ORDER + 1..SHIPPED_ORDER + args.orders;
        let mut runs = vec![scores];
        runs.extend(loo_over_orders(&meetings, &templates, &langs, others)?);
        println!();
        print_orders(&runs);
    }
    Ok(())
}

/// Mean and range over training orders, per language and overall.
fn print_orders(runs: &[Vec<MeetingScore>]) {
    println!(
        "over {} training orders: mean (min–max)\n{:<6} {:>22} {:>22} {:>18}",
        runs.len(),
        "lang",
        "recall",
        "section",
        "must-not"
    );
    for row in over_orders(runs) {
        let spread = |s: samtal_draft::eval::Spread, digits: usize| {
            format!(
                "{:.digits$} ({:.digits$}–{:.digits$})",
                s.mean, s.min, s.max
            )
        };
        println!(
            "{:<6} {:>22} {:>22} {:>18}",
            row.language,
            spread(row.recall, 3),
            spread(row.section, 3),
            spread(row.violations, 1)
        );
    }
}

/// Missed facts per stage that lost them, per language and overall.
fn print_losses(results: &[Drafted]) {
    print!("{:<6}", "lost");
    for loss in Loss::ALL {
        print!(" {:>14}", loss.name());
    }
    println!(" {:>8}", "missed");
    let mut langs: Vec<&str> = Language::ALL.iter().map(|l| l.code()).collect();
    langs.push("all");
    for lang in langs {
        let part: Vec<&Drafted> = results
            .iter()
            .filter(|d| lang == "all" || d.score.language == lang)
            .collect();
        if part.is_empty() {
            continue;
        }
        print!("{lang:<6}");
        for loss in Loss::ALL {
            let n: usize = part
                .iter()
                .map(|d| d.misses.iter().filter(|m| m.loss == loss).count())
                .sum();
            print!(" {n:>14}");
        }
        let missed: usize = part.iter().map(|d| d.misses.len()).sum();
        println!(" {missed:>8}");
    }
}

fn minutes(m: &Meeting) -> f64 {
    m.segments.last().map(|s| s.end / 60.0).unwrap_or(0.0)
}

/// The per-language table (and the whole set).
fn print_table(scores: &[MeetingScore]) {
    println!(
        "{:<6} {:>8} {:>8} {:>9} {:>9} {:>8} {:>12} {:>12}",
        "lang",
        "meetings",
        "recall",
        "section",
        "must-not",
        "decided",
        "words/trans",
        "median item"
    );
    let mut rows = by_language(scores);
    rows.push(("all".into(), summarize(scores)));
    for (lang, s) in rows {
        let Summary {
            meetings,
            fact_recall,
            section_accuracy,
            violations,
            invented_decisions,
            note_ratio,
            median_item_words,
            ..
        } = s;
        println!(
            "{lang:<6} {meetings:>8} {fact_recall:>8.3} {section_accuracy:>9.3} {violations:>9} {invented_decisions:>8} {note_ratio:>12.3} {median_item_words:>12.1}"
        );
    }
}

/// Times the drafter on the set's meetings concatenated to at least an hour of speech.
fn one_hour_timing(
    meetings: &[Meeting],
    templates: &samtal_draft::template::Templates,
    langs: &Languages,
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
    let drafter = Drafter::new(langs.clone(), Drafter::builtin().model().clone());
    let t0 = Instant::now();
    let _ = drafter.draft(&transcript, template, &first.context());
    Some(t0.elapsed().as_secs_f64() * 1000.0)
}
