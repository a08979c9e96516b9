//! `samtal eval pipeline`: the whole chain on the espeak-ng renderings of the dev meetings
//! (`scripts/render-speakers.sh`): audio → recognition → speaker attribution (the worker's
//! profile from the rendered enrolment, the declared participants, naming by what is said)
//! → draft → score against the meeting's gold facts, printed next to the score of the draft
//! from the gold transcript. A fact counts as recalled from audio when an item in its
//! section has its key terms and cites a recognised segment overlapping in time one of the
//! fact's evidence segments (the rendering's timing says where each gold segment is).
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use samtal_asr::{Language, TranscribeOptions};
use samtal_audio::WavFileSource;
use samtal_draft::eval::{load_set, run_meetings, score, summarize, Meeting, MeetingScore};
use samtal_draft::review::DraftDocument;
use samtal_draft::transcript::{Segment, Transcript};
use samtal_draft::Drafter;
use samtal_speaker::{
    attribute, label_segments, rename_by_speech, Config, Participants, Role, VoiceProfile,
};
use serde::Deserialize;

use crate::engine::ModelArgs;

#[derive(clap::Args)]
pub struct PipelineArgs {
    /// Folder of renderings (NAME.wav, NAME.enrol.wav, NAME.json), as printed by
    /// `scripts/render-speakers.sh`.
    #[arg(long)]
    pub renderings: PathBuf,
    /// The dev meetings the renderings were made from (gold facts and transcripts).
    #[arg(long)]
    pub set: PathBuf,
    /// Only meetings in these languages (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "en")]
    pub lang: Vec<String>,
    #[command(flatten)]
    pub model: ModelArgs,
}

/// The rendering's timing: one turn per gold segment, in order.
#[derive(Deserialize)]
struct Rendering {
    others: Vec<String>,
    turns: Vec<RenderedTurn>,
}

#[derive(Deserialize)]
struct RenderedTurn {
    role: String,
    start: f64,
    end: f64,
}

/// One meeting's figures.
struct Outcome {
    gold: MeetingScore,
    audio: MeetingScore,
    /// From audio with the gold speaker on each recognised segment: recognition's share.
    audio_gold_speakers: MeetingScore,
    /// Recognised words whose speaker is the gold role at their middle, and all of them.
    words_right: usize,
    words: usize,
    audio_seconds: f64,
    recognition_seconds: f64,
    attribution_seconds: f64,
}

pub fn run(args: &PipelineArgs) -> anyhow::Result<()> {
    let templates = crate::draft::templates(&None)?;
    let drafter = Drafter::builtin();
    let meetings: Vec<Meeting> = load_set(&args.set)?
        .into_iter()
        .filter(|m| args.lang.contains(&m.language))
        .collect();
    anyhow::ensure!(
        !meetings.is_empty(),
        "no meetings in {} for {:?}",
        args.set.display(),
        args.lang
    );
    let transcriber = args.model.load()?;
    println!(
        "{:<10} {:>4} {:>6} {:>11} {:>12} {:>13} {:>9} {:>10}",
        "meeting",
        "lang",
        "facts",
        "recall gold",
        "recall audio",
        "gold speakers",
        "speaker %",
        "x realtime"
    );
    let mut outcomes = Vec::new();
    for meeting in &meetings {
        let o = one(meeting, args, &transcriber, &templates, drafter)?;
        let recall = |s: &MeetingScore| s.recalled as f64 / s.facts.max(1) as f64;
        println!(
            "{:<10} {:>4} {:>6} {:>11.3} {:>12.3} {:>13.3} {:>9.1} {:>10.1}",
            meeting.id,
            meeting.language,
            o.gold.facts,
            recall(&o.gold),
            recall(&o.audio),
            recall(&o.audio_gold_speakers),
            100.0 * o.words_right as f64 / o.words.max(1) as f64,
            o.audio_seconds / (o.recognition_seconds + o.attribution_seconds).max(1e-9),
        );
        outcomes.push(o);
    }
    println!();
    for lang in &args.lang {
        let of_lang: Vec<&Outcome> = outcomes
            .iter()
            .filter(|o| &o.gold.language == lang)
            .collect();
        if of_lang.is_empty() {
            continue;
        }
        let gold = summarize(&of_lang.iter().map(|o| o.gold.clone()).collect::<Vec<_>>());
        let audio = summarize(&of_lang.iter().map(|o| o.audio.clone()).collect::<Vec<_>>());
        let gold_speakers = summarize(
            &of_lang
                .iter()
                .map(|o| o.audio_gold_speakers.clone())
                .collect::<Vec<_>>(),
        );
        let (right, words) = of_lang
            .iter()
            .fold((0, 0), |(r, w), o| (r + o.words_right, w + o.words));
        let minutes: f64 = of_lang.iter().map(|o| o.audio_seconds).sum::<f64>() / 60.0;
        let attribution: f64 = of_lang.iter().map(|o| o.attribution_seconds).sum();
        println!(
            "{lang}: {} meetings, {minutes:.1} min of audio: fact recall {:.3} from the gold transcript, \
             {:.3} from audio ({:.3} from audio with the gold speakers); section accuracy {:.3} / {:.3}; \
             {:.1} % of recognised words with the right speaker; attribution {:.2} s per audio minute",
            of_lang.len(),
            gold.fact_recall,
            audio.fact_recall,
            gold_speakers.fact_recall,
            gold.section_accuracy,
            audio.section_accuracy,
            100.0 * right as f64 / words.max(1) as f64,
            attribution / minutes.max(1e-9),
        );
    }
    Ok(())
}

fn one(
    meeting: &Meeting,
    args: &PipelineArgs,
    transcriber: &samtal_asr::Transcriber,
    templates: &samtal_draft::template::Templates,
    drafter: &Drafter,
) -> anyhow::Result<Outcome> {
    let base = args.renderings.join(&meeting.id);
    let rendering: Rendering = serde_json::from_str(
        &std::fs::read_to_string(base.with_extension("json")).with_context(|| {
            format!(
                "no rendering of {}: run scripts/render-speakers.sh",
                meeting.id
            )
        })?,
    )?;
    anyhow::ensure!(
        rendering.turns.len() == meeting.segments.len(),
        "the rendering of {} does not match the meeting: render again",
        meeting.id
    );
    let samples = read(&base.with_extension("wav"))?;
    let enrolment = read(&base.with_extension("enrol.wav"))?;
    let language: Language = meeting
        .language
        .parse()
        .map_err(|_| anyhow::anyhow!("unknown language {}", meeting.language))?;

    let started = Instant::now();
    let recognised = transcriber
        .transcribe(&samples, &TranscribeOptions::new(Some(language)))
        .context("transcription failed")?;
    let recognition_seconds = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let profile = VoiceProfile::enroll(&enrolment)?;
    let others = rendering
        .others
        .iter()
        .filter_map(|r| Role::parse(r))
        .collect();
    let mut attribution = attribute(
        &samples,
        &profile,
        &Participants::new(others),
        &Config::default(),
    );
    let spans: Vec<(f64, f64, &str)> = recognised
        .segments
        .iter()
        .flat_map(|s| s.words.iter().map(|w| (w.start, w.end, w.text.as_str())))
        .collect();
    rename_by_speech(&mut attribution, &spans, &meeting.language);
    let labelled: Vec<Segment> = label_segments(&recognised.segments, &attribution)
        .into_iter()
        .map(|l| l.segment)
        .collect();
    let attribution_seconds = started.elapsed().as_secs_f64();

    let (mut words_right, mut words) = (0, 0);
    for segment in &labelled {
        for word in &segment.words {
            let middle = (word.start + word.end) / 2.0;
            if let Some(turn) = rendering
                .turns
                .iter()
                .find(|t| t.start <= middle && middle < t.end)
            {
                words += 1;
                words_right += usize::from(segment.speaker.as_deref() == Some(turn.role.as_str()));
            }
        }
    }

    let gold = run_meetings(std::slice::from_ref(meeting), templates, drafter)?
        .remove(0)
        .score;
    let draft_scored = |segments: &[Segment]| -> anyhow::Result<MeetingScore> {
        let transcript = Transcript {
            language: meeting.language.clone(),
            segments: segments.to_vec(),
        };
        let started = Instant::now();
        let mut doc = drafter.draft(
            &transcript,
            templates.get(&meeting.template)?,
            &meeting.context(),
        );
        let elapsed = started.elapsed();
        cite_gold_segments(&mut doc, segments, &rendering);
        Ok(score(meeting, &doc, elapsed))
    };
    let audio = draft_scored(&labelled)?;
    let with_gold_speakers: Vec<Segment> = labelled
        .iter()
        .map(|s| {
            let middle = (s.start + s.end) / 2.0;
            let mut s = s.clone();
            s.speaker = rendering
                .turns
                .iter()
                .min_by(|a, b| distance(a, middle).total_cmp(&distance(b, middle)))
                .map(|t| t.role.clone());
            s
        })
        .collect();
    let audio_gold_speakers = draft_scored(&with_gold_speakers)?;
    Ok(Outcome {
        gold,
        audio,
        audio_gold_speakers,
        words_right,
        words,
        audio_seconds: samtal_audio::seconds(samples.len()),
        recognition_seconds,
        attribution_seconds,
    })
}

/// Rewrites each item's citations of recognised segments as citations of the gold
/// segments they overlap in time, so the gold's evidence can be checked.
fn cite_gold_segments(doc: &mut DraftDocument, recognised: &[Segment], rendering: &Rendering) {
    for item in &mut doc.items {
        let mut cited = Vec::new();
        for citation in &item.citations {
            let Some(segment) = recognised.iter().find(|s| s.id == citation.segment) else {
                continue;
            };
            for (i, turn) in rendering.turns.iter().enumerate() {
                if turn.start < segment.end && segment.start < turn.end {
                    let mut gold = citation.clone();
                    gold.segment = i as u32 + 1;
                    cited.push(gold);
                }
            }
        }
        item.citations = cited;
    }
}

/// How far time `t` is from a rendered turn (0 inside it).
fn distance(turn: &RenderedTurn, t: f64) -> f64 {
    (turn.start - t).max(t - turn.end).max(0.0)
}

fn read(path: &Path) -> anyhow::Result<Vec<f32>> {
    WavFileSource::read_all(path).with_context(|| format!("reading {}", path.display()))
}
