//! `samtal bench speakers`: speaker attribution on espeak-ng renderings of the dev meetings
//! (`scripts/render-speakers.sh`), scored by speech time against the rendering's own
//! timing. Prints, per meeting and for the tuning and held-out meetings, the share of
//! speech time given the right role and the right side of worker / not worker, and the
//! time attribution takes per audio minute.
use anyhow::Context;
use samtal_audio::WavFileSource;
use samtal_speaker::{
    rename_by_speech, Analyzer, Attribution, Config, Participants, Role, VoiceProfile,
};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Args)]
pub struct SpeakersArgs {
    /// Folder of renderings (NAME.wav, NAME.enrol.wav, NAME.json), as printed by
    /// `scripts/render-speakers.sh`.
    #[arg(long)]
    dir: PathBuf,
    /// Meetings whose ids sort up to and including this one were used for tuning; the
    /// rest are reported as held out.
    #[arg(long, default_value = "dev-06")]
    tuned_until: String,
    /// Embedding distance under which two voices are taken as one.
    #[arg(long)]
    merge_distance: Option<f64>,
    /// ΔBIC penalty factor for changes of speaker without a pause.
    #[arg(long)]
    bic_penalty: Option<f64>,
    /// Cost of a change of voice between close pieces.
    #[arg(long)]
    switch_penalty: Option<f64>,
    /// Turns under this confidence are flagged.
    #[arg(long)]
    low_confidence: Option<f32>,
    /// The dev meetings the renderings were made from (NAME.json with the text of each
    /// turn): voices are then also named by what they say (`rename_by_speech`), with the
    /// gold text standing in for recognition.
    #[arg(long)]
    texts: Option<PathBuf>,
    /// Writes each meeting's attribution (turns and voices) as NAME.attribution.json here.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Deserialize)]
struct Gold {
    id: String,
    language: String,
    others: Vec<String>,
    turns: Vec<GoldTurn>,
}

#[derive(Deserialize)]
struct GoldTurn {
    role: String,
    start: f64,
    end: f64,
    speech: Vec<[f64; 2]>,
}

/// Speech time (10 ms steps) by outcome.
#[derive(Default, Clone, Copy)]
struct Score {
    all: f64,
    role: f64,
    side: f64,
    undeclared_role: f64,
    /// Right with the best naming of the other voices: how well voices are told apart,
    /// whatever the naming rule.
    voices: f64,
    flagged: f64,
    flagged_right: f64,
    audio: f64,
    seconds: f64,
}

impl Score {
    fn add(&mut self, o: &Score) {
        self.all += o.all;
        self.role += o.role;
        self.side += o.side;
        self.undeclared_role += o.undeclared_role;
        self.voices += o.voices;
        self.flagged += o.flagged;
        self.flagged_right += o.flagged_right;
        self.audio += o.audio;
        self.seconds += o.seconds;
    }

    fn pct(part: f64, whole: f64) -> f64 {
        100.0 * part / whole.max(1e-9)
    }

    fn line(&self, name: &str, voices: &str) -> String {
        format!(
            "{name:<10} {:>6.1} {voices:>7} {:>7.1} {:>7.1} {:>9.1} {:>8.1} {:>8.1} {:>10.1} {:>8.2}",
            self.audio / 60.0,
            Score::pct(self.role, self.all),
            Score::pct(self.side, self.all),
            Score::pct(self.undeclared_role, self.all),
            Score::pct(self.voices, self.all),
            Score::pct(self.flagged, self.all),
            Score::pct(self.flagged_right, self.flagged),
            self.seconds / (self.audio / 60.0),
        )
    }
}

fn role(label: &str) -> anyhow::Result<Role> {
    Role::parse(label).with_context(|| format!("unknown role {label:?} in the gold file"))
}

fn score_meeting(
    gold: &Gold,
    declared: &Attribution,
    undeclared: &Attribution,
    low_confidence: f32,
) -> anyhow::Result<Score> {
    let mut score = Score::default();
    // Speech time by (true role, voice found).
    let mut by_voice: HashMap<(Role, u32), f64> = HashMap::new();
    for turn in &gold.turns {
        let truth = role(&turn.role)?;
        for [start, end] in &turn.speech {
            let mut t = *start + 0.005;
            while t < *end {
                score.all += 0.01;
                let found = declared.at(t);
                if let Some(turn) = found {
                    *by_voice.entry((truth, turn.voice)).or_default() += 0.01;
                }
                let guess = found.map(|x| x.role);
                if guess == Some(truth) {
                    score.role += 0.01;
                }
                if guess.is_some_and(|g| (g == Role::Worker) == (truth == Role::Worker)) {
                    score.side += 0.01;
                }
                if undeclared.at(t).map(|x| x.role) == Some(truth) {
                    score.undeclared_role += 0.01;
                }
                if found.is_some_and(|x| x.confidence < low_confidence) {
                    score.flagged += 0.01;
                    if guess == Some(truth) {
                        score.flagged_right += 0.01;
                    }
                }
                t += 0.01;
            }
        }
    }
    score.voices = best_naming(&by_voice);
    Ok(score)
}

/// Speech time right when voice 0 is the worker and the other voices are given, one
/// each, whichever other roles fit them best.
fn best_naming(by_voice: &HashMap<(Role, u32), f64>) -> f64 {
    let mut others: Vec<u32> = by_voice.keys().map(|k| k.1).filter(|v| *v > 0).collect();
    others.sort_unstable();
    others.dedup();
    let roles = [
        Role::Citizen,
        Role::Relative,
        Role::Interpreter,
        Role::Other,
    ];
    let time = |role: Role, voice: u32| by_voice.get(&(role, voice)).copied().unwrap_or(0.0);
    fn search(
        voices: &[u32],
        used: &mut Vec<Role>,
        roles: &[Role],
        time: &dyn Fn(Role, u32) -> f64,
    ) -> f64 {
        let Some((&voice, rest)) = voices.split_first() else {
            return 0.0;
        };
        let mut best = search(rest, used, roles, time);
        for &role in roles {
            if used.contains(&role) {
                continue;
            }
            used.push(role);
            best = best.max(time(role, voice) + search(rest, used, roles, time));
            used.pop();
        }
        best
    }
    time(Role::Worker, 0) + search(&others, &mut Vec::new(), &roles, &time)
}

/// Each rendered turn's time with the text of the dev meeting's segment it was made from
/// (the renderer makes one turn per segment, in order).
fn turn_texts(dir: &Path, gold: &Gold) -> anyhow::Result<Vec<(f64, f64, String)>> {
    #[derive(Deserialize)]
    struct Meeting {
        segments: Vec<Text>,
    }
    #[derive(Deserialize)]
    struct Text {
        text: String,
    }
    let path = dir.join(format!("{}.json", gold.id));
    let meeting: Meeting = serde_json::from_str(
        &std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?,
    )
    .with_context(|| format!("reading {}", path.display()))?;
    anyhow::ensure!(
        meeting.segments.len() == gold.turns.len(),
        "{} does not match its rendering: render again",
        path.display()
    );
    Ok(gold
        .turns
        .iter()
        .zip(meeting.segments)
        .map(|(turn, segment)| (turn.start, turn.end, segment.text))
        .collect())
}

fn read_wav(path: &Path) -> anyhow::Result<Vec<f32>> {
    WavFileSource::read_all(path).with_context(|| format!("reading {}", path.display()))
}

pub fn run(args: SpeakersArgs) -> anyhow::Result<()> {
    let mut config = Config::default();
    if let Some(v) = args.merge_distance {
        config.merge_distance = v;
    }
    if let Some(v) = args.bic_penalty {
        config.pieces.bic_penalty = v;
    }
    if let Some(v) = args.switch_penalty {
        config.switch_penalty = v;
    }
    if let Some(v) = args.low_confidence {
        config.low_confidence = v;
    }
    let mut golds: Vec<PathBuf> = std::fs::read_dir(&args.dir)
        .with_context(|| {
            format!(
                "no renderings in {}: run scripts/render-speakers.sh",
                args.dir.display()
            )
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    golds.sort();
    anyhow::ensure!(
        !golds.is_empty(),
        "no renderings in {}: run scripts/render-speakers.sh",
        args.dir.display()
    );
    println!(
        "{:<10} {:>6} {:>7} {:>7} {:>7} {:>9} {:>8} {:>8} {:>10} {:>8}",
        "meeting",
        "min",
        "voices",
        "role %",
        "side %",
        "undecl %",
        "voices %",
        "flagged%",
        "flag right%",
        "s/min"
    );
    let (mut tuned, mut held_out) = (Score::default(), Score::default());
    for path in golds {
        let gold: Gold = serde_json::from_str(&std::fs::read_to_string(&path)?)
            .with_context(|| format!("reading {}", path.display()))?;
        let meeting = read_wav(&path.with_extension("wav"))?;
        let enrolment = read_wav(&path.with_extension("enrol.wav"))?;
        let profile = VoiceProfile::enroll(&enrolment)?;
        let others = gold
            .others
            .iter()
            .map(|r| role(r))
            .collect::<anyhow::Result<Vec<Role>>>()?;
        let participants = Participants::new(others);

        // Timed as on the phone: audio arrives in half-second chunks, attribution at stop.
        let started = Instant::now();
        let mut analyzer = Analyzer::new();
        for chunk in meeting.chunks(8_000) {
            analyzer.push(chunk);
        }
        analyzer.finish();
        let mut declared = analyzer.attribute(&profile, &participants, &config);
        let seconds = started.elapsed().as_secs_f64();
        let mut undeclared = analyzer.attribute(&profile, &Participants::unknown(), &config);
        if let Some(texts) = &args.texts {
            let spans = turn_texts(texts, &gold)?;
            let spans: Vec<(f64, f64, &str)> =
                spans.iter().map(|(s, e, t)| (*s, *e, t.as_str())).collect();
            for attribution in [&mut declared, &mut undeclared] {
                if rename_by_speech(attribution, &spans, &gold.language) {
                    println!("{}: citizen and relative renamed by what they say", gold.id);
                }
            }
        }

        if let Some(out) = &args.out {
            std::fs::create_dir_all(out)?;
            let file = out.join(format!("{}.attribution.json", gold.id));
            std::fs::write(&file, serde_json::to_vec_pretty(&declared)?)
                .with_context(|| format!("writing {}", file.display()))?;
        }
        let mut score = score_meeting(&gold, &declared, &undeclared, config.low_confidence)?;
        score.audio = samtal_audio::seconds(meeting.len());
        score.seconds = seconds;
        let voices = format!("{}/{}", declared.voices.len(), gold.others.len() + 1);
        println!("{}", score.line(&gold.id, &voices));
        if gold.id <= args.tuned_until {
            tuned.add(&score);
        } else {
            held_out.add(&score);
        }
    }
    let mut all = tuned;
    all.add(&held_out);
    println!("{}", tuned.line("tuning", ""));
    println!("{}", held_out.line("held out", ""));
    println!("{}", all.line("all", ""));
    Ok(())
}
