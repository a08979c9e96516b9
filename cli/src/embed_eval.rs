//! `samtal eval embed`: whether Gemma 3 270M sentence vectors beat the drafter's word
//! features for relevance and section, leave-one-meeting-out, and what they cost per
//! meeting minute (see `samtal_embed::experiment`).
use anyhow::Context;
use samtal_draft::eval::load_set;
use samtal_draft::language::Languages;
use samtal_draft::template::Templates;
use samtal_embed::experiment::{self, Cost, GroupScore, LAYERS};
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args)]
pub struct EmbedArgs {
    /// Directory of meeting JSON files with gold facts (the format of eval/dev).
    #[arg(long)]
    pub set: PathBuf,
    /// The Gemma 3 270M GGUF file (checked against the manifest); default: the one
    /// installed by `samtal models fetch gemma3-270m`.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Threads for the model (candle reads RAYON_NUM_THREADS once, at first use).
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
    /// Where the vectors are cached (recomputed when the model, layers or texts differ);
    /// default target/embed-cache/vectors.bin.
    #[arg(long)]
    pub cache: Option<PathBuf>,
    /// Which of the cached layers to compare (default: all of 2, 4, 6, 9, 12, 15, 18).
    #[arg(long, value_delimiter = ',')]
    pub layers: Vec<usize>,
    /// Recompute the vectors (and measure their cost) even when cached.
    #[arg(long)]
    pub fresh: bool,
}

pub fn run(args: &EmbedArgs) -> anyhow::Result<()> {
    // Edition 2021: set before candle's thread pool exists (nothing else reads it).
    std::env::set_var("RAYON_NUM_THREADS", args.threads.to_string());
    if let Some(l) = args.layers.iter().find(|l| !LAYERS.contains(l)) {
        anyhow::bail!("layer {l} is not cached; choose from {LAYERS:?}");
    }
    let meetings = load_set(&args.set)?;
    let templates = Templates::builtin();
    let langs = Languages::builtin();
    let t0 = Instant::now();
    let views = experiment::drafter_views(&meetings, &templates, &langs)
        .context("scoring the meetings with leave-one-out drafter weights")?;
    eprintln!(
        "drafter weights trained without each meeting and each pair: {:.0} s",
        t0.elapsed().as_secs_f64()
    );
    let cache = args.cache.clone().unwrap_or_else(experiment::default_cache);
    if args.fresh {
        let _ = std::fs::remove_file(&cache);
    }
    let emb = experiment::embed_units(&views.units, args.model.as_deref(), Some(&cache))
        .context("embedding the units")?;
    println!(
        "{} meetings, {} units, {:.1} meeting minutes; relevance over the units the drafter may keep, section over the units the gold marks relevant",
        views.units.len(),
        emb.cost.units,
        emb.cost.minutes
    );
    println!();
    println!("| layer | lang | units (relevant) | ROC-AUC drafter / vector / both | AP drafter / vector / both | per-meeting AUC min–median–max drafter ; vector ; both | section units | section acc. drafter / vector / both |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (k, layer) in LAYERS.iter().enumerate() {
        if !args.layers.is_empty() && !args.layers.contains(layer) {
            continue;
        }
        let t = Instant::now();
        let p = experiment::loo(&views, &emb, k);
        for g in experiment::score(&views, &p) {
            print_row(*layer, &g);
        }
        eprintln!("layer {layer}: {:.0} s", t.elapsed().as_secs_f64());
    }
    println!();
    print_cost(&emb.cost);
    Ok(())
}

fn three(v: [f64; 3]) -> String {
    format!("{:.3} / {:.3} / {:.3}", v[0], v[1], v[2])
}

fn print_row(layer: usize, g: &GroupScore) {
    let spread = g
        .auc_spread
        .iter()
        .map(|(a, b, c)| format!("{a:.2}–{b:.2}–{c:.2}"))
        .collect::<Vec<_>>()
        .join(" ; ");
    println!(
        "| {layer} | {} | {} ({}) | {} | {} | {spread} | {} | {} |",
        g.group,
        g.units,
        g.relevant,
        three(g.auc),
        three(g.ap),
        g.section_units,
        three(g.section_accuracy)
    );
}

fn print_cost(c: &Cost) {
    let minutes = c.minutes.max(1e-9);
    println!(
        "Cost ({} threads): model load {:.2} s; {} tokens in {} units, {:.0} tokens per meeting minute; tokenizing {:.3} s per meeting minute; peak RSS {}",
        c.threads,
        c.load_seconds,
        c.tokens,
        c.units,
        c.tokens as f64 / minutes,
        c.tokenize_seconds / minutes,
        c.peak_rss_kb
            .map(|k| format!("{:.0} MB", k as f64 / 1024.0))
            .unwrap_or_else(|| "unknown".into())
    );
    println!();
    println!("| layers run | forward wall s per meeting minute | wall s per meeting hour | CPU s per meeting minute (all threads) |");
    println!("| --- | --- | --- | --- |");
    for &l in &LAYERS {
        let s = c.forward_seconds[l - 1] / minutes;
        let cpu = c
            .forward_cpu_seconds
            .get(l - 1)
            .map_or("not measured".into(), |c| format!("{:.2}", c / minutes));
        println!("| {l} | {s:.2} | {:.0} | {cpu} |", s * 60.0);
    }
}
