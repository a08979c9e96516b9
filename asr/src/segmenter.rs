//! Cuts the incoming audio into recognition windows on voice activity. A window is at most
//! 28 s (Whisper sees 30 s at a time), starts a little before the first speech and is cut
//! only in a pause, or at the quietest moment when nobody pauses, so no word is cut in half.
//! A pause is quiet, not merely unvoiced: the /st/ of "statements" has no voice but is
//! part of the word.
//!
//! Past `EngineConfig::cut_after_secs` (6 s) any short quiet ends a window. Shorter windows
//! are cheaper to encode (attention grows with the square of the length), keep both engine
//! lanes busy and show text sooner; 6 s was as accurate as 12 and 20 s on the English
//! fixtures and on espeak renderings of the Swedish and Danish dev meetings, 3 and 4 s were
//! not, with or without the text before each window as prompt, and neither was a 10 s
//! limit in place of the 28 s one (README, Performance).
//!
//! With early commit (`EngineConfig::early_commit_secs`) a window that has grown past the
//! cut length without a quiet is also handed out as a probe every few seconds of audio:
//! the stream decodes it and keeps the sentences Whisper has already closed. Probes are
//! placed by audio position, never by the clock, so a live and a batch run see the same
//! probes.
use super::vad::{FrameInfo, Vad, FRAME};

/// Samples per second.
const SECOND: usize = samtal_audio::SAMPLE_RATE as usize;
const FRAMES_PER_SEC: usize = SECOND / FRAME;
/// Audio kept before the first speech frame and after the last one.
const PRE_PAD: usize = SECOND / 5;
const POST_PAD: usize = SECOND * 3 / 10;
/// A pause this long ends the window (end of a turn: show it to the user now).
const TURN_PAUSE_FRAMES: usize = FRAMES_PER_SEC * 3 / 2;
/// Past `cut_after` seconds of window, any quiet of this long ends it, cut in its middle.
const SHORT_PAUSE_FRAMES: usize = FRAMES_PER_SEC * 3 / 10;
/// Hard limit (Whisper sees 30 s); beyond it the window is cut at its quietest point.
const MAX_WINDOW: usize = SECOND * 28;
/// Speech shorter than this in a whole window is a click or a cough, not words.
const MIN_SPEECH_FRAMES: usize = FRAMES_PER_SEC / 5;

/// A window's audio: from its absolute first sample on.
#[derive(Debug)]
pub struct Window {
    pub start: usize,
    pub samples: Vec<f32>,
    /// A probe: the window so far, while it is still open.
    pub probe: bool,
}

/// `secs` (0-28) in whole frames, at least one, as samples.
fn frames(secs: f32) -> usize {
    ((secs.clamp(0.0, 28.0) * SECOND as f32) as usize / FRAME).max(1) * FRAME
}

/// Whether the frame ending `past_cut` samples past the cut is the first one at or past a
/// multiple of `every` (from one `every` on): one probe per interval, also in a window that
/// starts between frames (right after a cut in the middle of a quiet).
fn probe_position(past_cut: usize, every: usize) -> bool {
    past_cut >= every && past_cut % every < FRAME
}

pub struct Segmenter {
    vad: Vad,
    /// Window length (samples) past which a short quiet ends the window.
    cut_after: usize,
    /// Window length (samples) at which it is cut at its quietest point.
    max_window: usize,
    /// Samples between probes of an open window (a multiple of `FRAME`), if probing.
    probe_every: Option<usize>,
    /// An open window is probed every `probe_every` past this length (samples, a multiple
    /// of `FRAME`): one cut at a quiet soon after it is never probed.
    probe_min: usize,
    /// Audio from `buffer_start` on, not yet handed out in a window.
    buffer: Vec<f32>,
    buffer_start: usize,
    /// Absolute index of the next sample to classify.
    scanned: usize,
    /// Per classified frame of the open window: (absolute start, energy, speech).
    frames: Vec<(usize, f32, bool)>,
    window_start: Option<usize>,
    last_speech_end: usize,
    speech_frames: usize,
    /// Frames since the last voiced one.
    silent_run: usize,
    /// Frames since the last loud one (voiced or not).
    quiet_run: usize,
}

impl Segmenter {
    /// Windows longer than `cut_after_secs` end at the next short quiet; at
    /// `max_window_secs` (at most 28) they are cut at their quietest point. With
    /// `probe_every_secs`, an open window is probed every so many seconds (at least one
    /// frame) past `cut_after_secs`.
    pub fn new(
        cut_after_secs: f32,
        max_window_secs: f32,
        probe_every_secs: Option<f32>,
    ) -> Segmenter {
        Segmenter {
            vad: Vad::new(),
            cut_after: (cut_after_secs.clamp(0.0, 28.0) * SECOND as f32) as usize,
            max_window: ((max_window_secs.max(1.0) * SECOND as f32) as usize).min(MAX_WINDOW),
            probe_every: probe_every_secs.map(frames),
            probe_min: frames(cut_after_secs),
            buffer: Vec::new(),
            buffer_start: 0,
            scanned: 0,
            frames: Vec::new(),
            window_start: None,
            last_speech_end: 0,
            speech_frames: 0,
            silent_run: 0,
            quiet_run: 0,
        }
    }

    /// The shortest probe: a shorter stretch is no longer than a window cut at a quiet, and
    /// decoded alone it is less accurate (README, Performance).
    pub fn probe_min(&self) -> usize {
        self.probe_min
    }

    /// Samples before this index can never become part of a future window.
    pub fn settled_until(&self) -> usize {
        self.window_start
            .unwrap_or(self.scanned.saturating_sub(PRE_PAD))
    }

    pub fn push(&mut self, samples: &[f32], out: &mut Vec<Window>) {
        self.buffer.extend_from_slice(samples);
        while self.scanned + FRAME <= self.buffer_start + self.buffer.len() {
            let at = self.scanned - self.buffer_start;
            let info = self.vad.classify(&self.buffer[at..at + FRAME]);
            self.scanned += FRAME;
            self.step(info, out);
        }
        if self.window_start.is_none() {
            self.trim(self.scanned.saturating_sub(PRE_PAD));
        }
    }

    /// Ends the stream: whatever speech is open becomes a last window.
    pub fn finish(&mut self, out: &mut Vec<Window>) {
        if let Some(start) = self.window_start {
            let end = (self.last_speech_end + POST_PAD).min(self.buffer_start + self.buffer.len());
            self.emit(start, end, out);
        }
    }

    fn step(&mut self, info: FrameInfo, out: &mut Vec<Window>) {
        let (energy, speech) = (info.energy_db, info.speech);
        let frame_start = self.scanned - FRAME;
        if self.window_start.is_none() {
            if !speech {
                return;
            }
            self.window_start = Some(frame_start.saturating_sub(PRE_PAD).max(self.buffer_start));
            self.frames.clear();
            self.speech_frames = 0;
        }
        let start = self.window_start.unwrap_or(frame_start);
        self.frames.push((frame_start, energy, speech));
        if speech {
            self.speech_frames += 1;
            self.silent_run = 0;
            self.last_speech_end = self.scanned;
        } else {
            self.silent_run += 1;
        }
        if info.loud {
            self.quiet_run = 0;
        } else {
            self.quiet_run += 1;
        }
        let length = self.scanned - start;
        if self.silent_run >= TURN_PAUSE_FRAMES {
            let end = self.last_speech_end + POST_PAD.min(self.silent_run * FRAME);
            self.emit(start, end, out);
        } else if length >= self.cut_after && self.quiet_run >= SHORT_PAUSE_FRAMES {
            let end = self.scanned - self.quiet_run * FRAME / 2;
            self.emit(start, end, out);
        } else if length >= self.max_window {
            let cut = self.quietest_cut();
            let rest: Vec<_> = self.frames.iter().copied().filter(|f| f.0 >= cut).collect();
            self.speech_frames = self.frames.iter().filter(|f| f.0 < cut && f.2).count();
            self.emit(start, cut, out);
            // The remainder (from the cut on) is the start of the next window.
            self.window_start = Some(cut);
            self.speech_frames = rest.iter().filter(|f| f.2).count();
            self.frames = rest;
        } else {
            self.probe(start, length, out);
        }
    }

    /// Hands out the open window so far if it is at one of its probe positions.
    fn probe(&self, start: usize, length: usize, out: &mut Vec<Window>) {
        let Some(every) = self.probe_every else {
            return;
        };
        let past_cut = length.saturating_sub(self.probe_min);
        if !probe_position(past_cut, every) || self.speech_frames < MIN_SPEECH_FRAMES {
            return;
        }
        let from = start - self.buffer_start;
        let to = self.scanned - self.buffer_start;
        out.push(Window {
            start,
            samples: self.buffer[from..to].to_vec(),
            probe: true,
        });
    }

    /// The middle of the quietest frame (smoothed over its neighbours) in the last third.
    fn quietest_cut(&self) -> usize {
        let n = self.frames.len();
        let smoothed = |i: usize| -> f32 { self.frames[i - 1..=i + 1].iter().map(|f| f.1).sum() };
        let best = (n * 2 / 3..n - 1)
            .min_by(|&a, &b| smoothed(a).total_cmp(&smoothed(b)))
            .unwrap_or(n - 1);
        self.frames[best].0 + FRAME / 2
    }

    fn emit(&mut self, start: usize, end: usize, out: &mut Vec<Window>) {
        let end = end.max(start);
        if self.speech_frames >= MIN_SPEECH_FRAMES {
            let from = start - self.buffer_start;
            let to = end - self.buffer_start;
            out.push(Window {
                start,
                samples: self.buffer[from..to].to_vec(),
                probe: false,
            });
        }
        self.window_start = None;
        self.speech_frames = 0;
        self.silent_run = 0;
        self.quiet_run = 0;
        self.frames.clear();
        self.trim(end);
    }

    fn trim(&mut self, until: usize) {
        let n = until
            .saturating_sub(self.buffer_start)
            .min(self.buffer.len());
        self.buffer.drain(..n);
        self.buffer_start += n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vowel(secs: f32) -> Vec<f32> {
        (0..(secs * SECOND as f32) as usize)
            .map(|i| {
                let t = i as f32 / SECOND as f32;
                (1..15)
                    .map(|h| (2.0 * std::f32::consts::PI * 140.0 * h as f32 * t).sin() / h as f32)
                    .sum::<f32>()
                    * 0.1
            })
            .collect()
    }

    fn run(audio: &[f32], piece: usize) -> Vec<(usize, usize)> {
        run_cut(audio, piece, 12.0)
    }

    fn run_cut(audio: &[f32], piece: usize, cut_after: f32) -> Vec<(usize, usize)> {
        segment(Segmenter::new(cut_after, 28.0, None), audio, piece)
            .iter()
            .map(|w| (w.start, w.start + w.samples.len()))
            .collect()
    }

    /// What `s` gives for `audio` pushed in pieces of `piece` samples, then finished.
    fn segment(mut s: Segmenter, audio: &[f32], piece: usize) -> Vec<Window> {
        let mut out = Vec::new();
        for chunk in audio.chunks(piece) {
            s.push(chunk, &mut out);
        }
        s.finish(&mut out);
        out
    }

    #[test]
    fn windows_do_not_depend_on_how_audio_is_pushed() {
        let mut audio = vec![0.0; 8_000];
        audio.extend(vowel(2.0));
        audio.extend(vec![0.0; 48_000]);
        audio.extend(vowel(1.0));
        audio.extend(vec![0.0; 4_000]);
        assert_eq!(run(&audio, 1_600), run(&audio, audio.len()));
        assert_eq!(run(&audio, 333), run(&audio, 1_600));
        assert_eq!(run(&audio, 1_600).len(), 2);
    }

    #[test]
    fn long_speech_is_cut_below_thirty_seconds_in_a_quiet_moment() {
        let mut audio = Vec::new();
        for _ in 0..20 {
            audio.extend(vowel(2.5));
            audio.extend(vec![0.0; 1_600]); // 100 ms gaps: too short to be a pause
        }
        let windows = run(&audio, 1_600);
        assert!(windows.len() >= 2);
        for (start, end) in &windows {
            assert!(end - start <= MAX_WINDOW, "{}", end - start);
            if *end < audio.len() {
                assert_eq!(audio[*end], 0.0, "window cut inside sound at {end}");
            }
        }
    }

    #[test]
    fn a_shorter_limit_cuts_unbroken_speech_sooner() {
        let mut audio = Vec::new();
        for _ in 0..12 {
            audio.extend(vowel(2.5));
            audio.extend(vec![0.0; 1_600]); // 100 ms gaps: too short to be a pause
        }
        let mut s = Segmenter::new(6.0, 10.0, None);
        let mut out = Vec::new();
        for chunk in audio.chunks(1_600) {
            s.push(chunk, &mut out);
        }
        s.finish(&mut out);
        assert!(out.len() >= 3, "{}", out.len());
        for w in &out {
            assert!(w.samples.len() <= 10 * SECOND, "{}", w.samples.len());
        }
    }

    #[test]
    fn a_voiceless_consonant_late_in_a_window_is_not_a_pause() {
        // Past the long-window mark, 0.4 s of loud hiss (an /s/, /st/) between voiced
        // sounds: unvoiced, but not quiet, so the window must not end inside it.
        let hiss = crate::vad::white_noise(6_400, 0.3);
        let mut audio = vec![0.0; 8_000];
        for _ in 0..7 {
            audio.extend(vowel(2.0));
            audio.extend(vec![0.0; 1_600]);
        }
        let hiss_at = audio.len();
        audio.extend(&hiss);
        audio.extend(vowel(1.0));
        audio.extend(vec![0.0; 32_000]);
        let windows = run(&audio, 1_600);
        for (_, end) in &windows {
            assert!(
                !(hiss_at..hiss_at + hiss.len()).contains(end),
                "window ends inside the consonant at {end}"
            );
        }
        assert!(windows.last().is_some_and(|w| w.1 > hiss_at + hiss.len()));
    }

    #[test]
    fn a_shorter_cut_ends_windows_at_sentence_pauses() {
        // Three 5 s sentences 0.4 s apart: too short a pause to end a turn.
        let mut audio = vec![0.0; 8_000];
        for _ in 0..3 {
            audio.extend(vowel(5.0));
            audio.extend(vec![0.0; 6_400]);
        }
        audio.extend(vec![0.0; 32_000]);
        assert_eq!(run_cut(&audio, 8_000, 12.0).len(), 1);
        let short = run_cut(&audio, 8_000, 4.0);
        assert_eq!(short.len(), 3, "{short:?}");
        for (start, end) in &short {
            assert!(end - start < 6 * SECOND, "{}", end - start);
        }
    }

    /// (start, end, probe) of every window and probe, probing every `every` seconds.
    fn run_probes(audio: &[f32], piece: usize, every: Option<f32>) -> Vec<(usize, usize, bool)> {
        segment(Segmenter::new(6.0, 28.0, every), audio, piece)
            .iter()
            .map(|w| (w.start, w.start + w.samples.len(), w.probe))
            .collect()
    }

    #[test]
    fn an_open_window_is_probed_at_fixed_audio_positions() {
        // 10 s of speech with 100 ms gaps (never a pause), then the end of the turn.
        let mut audio = vec![0.0; 8_000];
        for _ in 0..4 {
            audio.extend(vowel(2.4));
            audio.extend(vec![0.0; 1_600]);
        }
        audio.extend(vec![0.0; 48_000]);
        let probed = run_probes(&audio, 1_600, Some(1.0));
        assert_eq!(probed, run_probes(&audio, 777, Some(1.0)));
        let (probes, windows): (Vec<_>, Vec<_>) = probed.into_iter().partition(|w| w.2);
        assert_eq!(
            windows,
            run_probes(&audio, 1_600, None),
            "probes change no window"
        );
        let (start, end, _) = windows[0];
        assert_eq!(windows.len(), 1);
        assert!(probes.len() >= 4, "{}", probes.len());
        for (i, (from, to, _)) in probes.iter().enumerate() {
            assert_eq!(*from, start);
            assert_eq!(to - from, 7 * SECOND + i * SECOND);
            // Probes end while the window is open: at most its turn pause past its end.
            assert!(*to < end + TURN_PAUSE_FRAMES * FRAME, "{to} {end}");
        }
    }

    #[test]
    fn every_interval_has_one_probe_position_wherever_the_window_starts() {
        let every = 50 * FRAME;
        for offset in [0, FRAME / 2, FRAME - 1] {
            let positions: Vec<usize> = (0..400)
                .map(|i| i * FRAME + offset)
                .filter(|&past| probe_position(past, every))
                .collect();
            assert_eq!(positions.len(), 7, "offset {offset}: {positions:?}");
            assert!(positions[0] >= every && positions[0] < every + FRAME);
            assert!(positions.windows(2).all(|w| w[1] - w[0] == every));
        }
    }

    #[test]
    fn silence_gives_no_window() {
        assert!(run(&vec![0.0; 160_000], 1_600).is_empty());
    }
}
