//! samtal-asr: on-device speech recognition with whisper.cpp, the only crate that links it.
//! Voice-activity windows go to the engine lanes, and what comes back is checked against
//! Whisper's known inventions before anyone sees it.
mod device;
mod engine;
mod guard;
mod lanes;
mod segmenter;
mod vad;

pub use device::{device_memory_mb, low_memory_device, LOW_MEMORY_BELOW_MB};
pub use engine::EngineConfig;
pub use samtal_draft::{Language, UnknownLanguage};

use engine::{Engine, Job, RawSegment, WindowResult};
use samtal_draft::transcript::{Segment, Transcript, Word};
use segmenter::{Segmenter, Window};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, Weak};

/// Bytes of the transcript's end kept as the next window's prompt: more than
/// `engine::PREVIOUS_TEXT_TOKENS` tokens of it in any of the three languages.
const PREVIOUS_TEXT_BYTES: usize = 1_200;

#[derive(Debug, Clone)]
pub struct TranscribeOptions {
    /// The spoken language; `None` lets Whisper detect it per window.
    pub language: Option<Language>,
    /// Domain vocabulary (e.g. "försörjningsstöd, LSS, IBIC") that biases recognition.
    pub prompt: Option<String>,
}

impl TranscribeOptions {
    pub fn new(language: Option<Language>) -> TranscribeOptions {
        TranscribeOptions {
            language,
            prompt: None,
        }
    }
}

/// Why recognition failed. Errors carry no transcript content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TranscribeError {
    #[error("the speech model {path} could not be loaded: it is missing, damaged or not a whisper.cpp model; install it again")]
    ModelLoad { path: PathBuf },
    /// The model loaded but its lanes could not be set up (memory, threads).
    #[error("the speech recognition engine could not start: {0}")]
    Start(String),
    /// whisper.cpp failed on one window of audio.
    #[error("speech recognition failed on a stretch of audio: {0}")]
    Window(String),
    /// Audio came after the engine had shut down.
    #[error("the speech recognition engine has stopped")]
    Stopped,
}

/// A handle to the engine. Cheap to clone; all clones share one loaded model.
#[derive(Clone)]
pub struct Transcriber {
    engine: Arc<Engine>,
    cut_after_secs: f32,
    max_window_secs: f32,
    previous_text: bool,
    early_commit_secs: Option<f32>,
}

impl Transcriber {
    /// Loads the ggml model once and starts the engine lanes.
    pub fn load(model: &Path, config: EngineConfig) -> Result<Transcriber, TranscribeError> {
        Ok(Transcriber {
            cut_after_secs: config.cut_after_secs,
            max_window_secs: config.max_window_secs,
            previous_text: config.previous_text,
            early_commit_secs: config.early_commit_secs,
            engine: Arc::new(engine::spawn(model, config)?),
        })
    }

    /// Transcribes a whole recording (16 kHz mono). Runs exactly the streaming pipeline, so
    /// a live transcript and a batch transcript of the same audio are the same.
    pub fn transcribe(
        &self,
        samples: &[f32],
        options: &TranscribeOptions,
    ) -> Result<Transcript, TranscribeError> {
        let mut stream = self.stream(options.clone(), Box::new(|_| {}));
        // In blocks, as a microphone delivers them: the segmenter then holds one window of
        // audio at a time, not a copy of the whole recording.
        for block in samples.chunks(samtal_audio::READ_BLOCK) {
            stream.push(block)?;
        }
        stream.finish()
    }

    /// Starts a live transcription; `on_segment` is called on an engine thread with each
    /// finalized segment, in recording order, while audio keeps coming. It must not block
    /// for long.
    pub fn stream(
        &self,
        options: TranscribeOptions,
        on_segment: Box<dyn FnMut(Segment) + Send>,
    ) -> Stream {
        let segmenter = Segmenter::new(
            self.cut_after_secs,
            self.max_window_secs,
            self.early_commit_secs,
        );
        let shared = Shared::new(
            on_segment,
            Arc::downgrade(&self.engine),
            options.clone(),
            self.previous_text,
            segmenter.probe_min(),
        );
        Stream {
            segmenter,
            _engine: Arc::clone(&self.engine),
            options,
            next_window: 0,
            shared: Arc::new(shared),
        }
    }
}

/// A live transcription in progress.
pub struct Stream {
    segmenter: Segmenter,
    /// Keeps the engine running while the stream lives (`Shared` only holds a weak link, as
    /// the engine's queued jobs hold `Shared`).
    _engine: Arc<Engine>,
    options: TranscribeOptions,
    /// Sequence number of the next window sent to the engine.
    next_window: u64,
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<StreamState>,
    idle: Condvar,
    /// To send held windows from an engine thread once what they wait for is known.
    engine: Weak<Engine>,
    options: TranscribeOptions,
    /// Windows are decoded with the text before them (`EngineConfig::previous_text`).
    previous_text: bool,
    /// A probe with less audio than this left to decode is dropped (`Segmenter::probe_min`).
    probe_min: usize,
}

/// A window (or probe) not yet sent to the engine.
struct Held {
    seq: u64,
    start: usize,
    samples: Vec<f32>,
    probe: bool,
}

/// A window or probe on its way through the engine. Lanes may answer out of order; answers
/// are taken in recording order, so segment ids, loop checks and callbacks follow the
/// recording.
struct InFlight {
    seq: u64,
    /// First sample of the audio decoded (the window's first until it is sent).
    start: usize,
    len: usize,
    /// A probe of an open window: only the segments Whisper closed in it are kept.
    probe: bool,
    result: Option<Result<WindowResult, TranscribeError>>,
}

struct StreamState {
    next_id: u32,
    /// Windows and probes, held or sent, whose answers are not yet taken, in recording order.
    in_flight: VecDeque<InFlight>,
    /// Audio before this sample is in the transcript through a probe's kept segments; later
    /// windows and probes are decoded from here.
    committed_until: usize,
    /// Normalised text of the last segments, to drop loops that span segments.
    recent: VecDeque<String>,
    segments: Vec<Segment>,
    language: Option<String>,
    error: Option<TranscribeError>,
    on_segment: Box<dyn FnMut(Segment) + Send>,
    /// Windows and probes not yet sent to the engine, in recording order.
    held: VecDeque<Held>,
    /// The end of the transcript so far, the next window's prompt (only with `previous_text`).
    previous: Option<String>,
}

impl Stream {
    /// Adds recorded audio (16 kHz mono, any length).
    pub fn push(&mut self, samples: &[f32]) -> Result<(), TranscribeError> {
        let mut windows = Vec::new();
        self.segmenter.push(samples, &mut windows);
        self.dispatch(windows)
    }

    /// Seconds of audio from the start that are fully dealt with: transcribed, or judged to
    /// hold no speech. Recorded audio before this point is no longer needed.
    pub fn transcribed_until(&self) -> f64 {
        let state = self.shared.state.lock().expect("stream state");
        let pending = state.in_flight.front().map(|w| w.start);
        let settled = self.segmenter.settled_until();
        // Whatever is still to decode starts at the committed end or later.
        let until = pending.map_or(settled, |p| p.min(settled));
        samtal_audio::seconds(until.max(state.committed_until))
    }

    /// Ends the recording: transcribes what is left, waits for the engine and returns the
    /// whole transcript.
    pub fn finish(mut self) -> Result<Transcript, TranscribeError> {
        let mut windows = Vec::new();
        self.segmenter.finish(&mut windows);
        self.dispatch(windows)?;
        let mut state = self.shared.state.lock().expect("stream state");
        while !state.in_flight.is_empty() {
            state = self.shared.idle.wait(state).expect("stream state");
        }
        if let Some(e) = state.error.take() {
            return Err(e);
        }
        let language = match self.options.language {
            Some(lang) => lang.code().to_string(),
            None => state.language.clone().unwrap_or_else(|| "und".into()),
        };
        Ok(Transcript {
            language,
            segments: std::mem::take(&mut state.segments),
        })
    }

    fn dispatch(&mut self, windows: Vec<Window>) -> Result<(), TranscribeError> {
        if windows.is_empty() {
            return Ok(());
        }
        let mut state = self.shared.state.lock().expect("stream state");
        for window in windows {
            let seq = self.next_window;
            self.next_window += 1;
            state.in_flight.push_back(InFlight {
                seq,
                start: window.start,
                len: window.samples.len(),
                probe: window.probe,
                result: None,
            });
            state.held.push_back(Held {
                seq,
                start: window.start,
                samples: window.samples,
                probe: window.probe,
            });
        }
        self.shared.release(&mut state)
    }
}

impl Shared {
    fn new(
        on_segment: Box<dyn FnMut(Segment) + Send>,
        engine: Weak<Engine>,
        options: TranscribeOptions,
        previous_text: bool,
        probe_min: usize,
    ) -> Shared {
        Shared {
            state: Mutex::new(StreamState {
                next_id: 1,
                in_flight: VecDeque::new(),
                committed_until: 0,
                recent: VecDeque::new(),
                segments: Vec::new(),
                language: None,
                error: None,
                on_segment,
                held: VecDeque::new(),
                previous: previous_text.then(String::new),
            }),
            idle: Condvar::new(),
            engine,
            options,
            previous_text,
            probe_min,
        }
    }

    fn job(self: &Arc<Self>, seq: u64, samples: Vec<f32>, previous: String) -> Job {
        let shared = Arc::clone(self);
        Job {
            samples,
            options: self.options.clone(),
            previous,
            reply: Box::new(move |result| shared.accept(seq, result)),
        }
    }

    fn accept(self: &Arc<Self>, seq: u64, result: Result<WindowResult, TranscribeError>) {
        let mut state = self.state.lock().expect("stream state");
        if let Some(window) = state.in_flight.iter_mut().find(|w| w.seq == seq) {
            window.result = Some(result);
        }
        state.take_answers();
        // A failure to send is recorded with the windows it concerns.
        let _ = self.release(&mut state);
        self.idle.notify_all();
    }

    /// Sends the held windows and probes that are ready, together, so idle lanes take them
    /// side by side. One is ready once what it depends on is final: every probe before it
    /// (where the audio left to decode starts), and with `previous_text` every window
    /// before it (its prompt). A probe with less than `probe_min` left to decode, or a
    /// window with nothing left, is dropped. If the engine has stopped, the windows fail
    /// and the next ones are tried, so `finish` never waits for one that cannot come back.
    fn release(self: &Arc<Self>, state: &mut StreamState) -> Result<(), TranscribeError> {
        let mut outcome = Ok(());
        loop {
            let mut jobs = Vec::new();
            let mut seqs = Vec::new();
            while let Some(next) = state.held.front() {
                let ready = if self.previous_text {
                    state.in_flight.front().is_some_and(|w| w.seq == next.seq)
                } else {
                    !state
                        .in_flight
                        .iter()
                        .take_while(|w| w.seq < next.seq)
                        .any(|w| w.probe)
                };
                if !ready {
                    break;
                }
                let Some(Held {
                    seq,
                    start,
                    mut samples,
                    probe,
                }) = state.held.pop_front()
                else {
                    break;
                };
                let end = start + samples.len();
                let from = start.max(state.committed_until).min(end);
                let left = end - from;
                if left == 0 || (probe && left < self.probe_min) {
                    state.in_flight.retain(|w| w.seq != seq);
                    state.take_answers();
                    continue;
                }
                if let Some(window) = state.in_flight.iter_mut().find(|w| w.seq == seq) {
                    window.start = from;
                    window.len = left;
                }
                samples.drain(..from - start);
                let previous = state.previous.clone().unwrap_or_default();
                jobs.push(self.job(seq, samples, previous));
                seqs.push(seq);
            }
            if jobs.is_empty() {
                return outcome;
            }
            let sent = match self.engine.upgrade() {
                Some(engine) => engine.submit(jobs),
                None => Err(TranscribeError::Stopped),
            };
            let Err(e) = sent else {
                return outcome;
            };
            for window in state.in_flight.iter_mut() {
                if seqs.contains(&window.seq) {
                    window.result = Some(Err(e.clone()));
                }
            }
            state.take_answers();
            if outcome.is_ok() {
                outcome = Err(e);
            }
        }
    }
}

impl StreamState {
    /// Finalizes the answered windows at the front, in recording order.
    fn take_answers(&mut self) {
        while self.in_flight.front().is_some_and(|w| w.result.is_some()) {
            let Some(InFlight {
                start: first,
                len,
                probe,
                result: Some(result),
                ..
            }) = self.in_flight.pop_front()
            else {
                break;
            };
            let start = samtal_audio::seconds(first);
            let end = start + samtal_audio::seconds(len);
            match result {
                Ok(window) => {
                    self.language.get_or_insert(window.language);
                    let mut segments = window.segments;
                    if probe {
                        let closed = closed_until(&mut segments);
                        let closed =
                            ((closed * samtal_audio::SAMPLE_RATE as f64) as usize).min(len);
                        self.committed_until = self.committed_until.max(first + closed);
                    }
                    for raw in segments {
                        if let Some(segment) = self.finalize(raw, start, end) {
                            (self.on_segment)(segment.clone());
                            if let Some(previous) = &mut self.previous {
                                keep_end(previous, &segment.text);
                            }
                            self.segments.push(segment);
                        }
                    }
                }
                Err(e) => {
                    self.error.get_or_insert(e);
                }
            }
        }
    }

    /// Applies the hallucination guards and moves window-relative times to recording time.
    fn finalize(&mut self, raw: RawSegment, start: f64, end: f64) -> Option<Segment> {
        let shift = |t: f64| (start + t).min(end);
        let words: Vec<Word> = if raw.words.is_empty() {
            raw.text
                .split_whitespace()
                .map(|w| Word {
                    text: w.to_string(),
                    start: raw.start,
                    end: raw.end,
                    confidence: 1.0,
                })
                .collect()
        } else {
            raw.words
        };
        let texts: Vec<String> = words.iter().map(|w| w.text.clone()).collect();
        let words: Vec<Word> = guard::collapse_loops(&texts)
            .into_iter()
            .map(|i| Word {
                start: shift(words[i].start),
                end: shift(words[i].end),
                ..words[i].clone()
            })
            .collect();
        let text = words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let confidence =
            words.iter().map(|w| w.confidence).sum::<f32>() / words.len().max(1) as f32;
        let key = guard::normalise(&text);
        if key.is_empty()
            || guard::is_fabricated(&text)
            || guard::is_no_speech(raw.no_speech_prob, confidence)
            || self.recent.contains(&key)
        {
            return None;
        }
        self.recent.push_back(key);
        if self.recent.len() > 2 {
            self.recent.pop_front();
        }
        let id = self.next_id;
        self.next_id += 1;
        Some(Segment {
            id,
            start: shift(raw.start),
            end: shift(raw.end).max(shift(raw.start)),
            text,
            confidence,
            words,
            speaker: None,
        })
    }
}

/// Keeps the segments of a probe that Whisper closed, every one but the last (which may
/// run on past the probe's end), and returns where the audio not yet committed starts,
/// in seconds from the probe's start: where the last kept segment ends, or the dropped
/// one starts if earlier. Nothing is kept from a probe with a single segment.
fn closed_until(segments: &mut Vec<RawSegment>) -> f64 {
    let Some(open) = segments.pop() else {
        return 0.0;
    };
    segments
        .last()
        .map_or(0.0, |closed| closed.end.min(open.start).max(0.0))
}

/// Appends `text` to the transcript's end kept in `previous`, keeping its last
/// `PREVIOUS_TEXT_BYTES` bytes from a word boundary on.
fn keep_end(previous: &mut String, text: &str) {
    if !previous.is_empty() {
        previous.push(' ');
    }
    previous.push_str(text);
    if previous.len() > PREVIOUS_TEXT_BYTES {
        let from = previous.ceil_char_boundary(previous.len() - PREVIOUS_TEXT_BYTES);
        let cut = previous[from..]
            .find(char::is_whitespace)
            .map_or(previous.len(), |i| from + i + 1);
        previous.drain(..cut);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: usize = samtal_audio::SAMPLE_RATE as usize;

    fn raw(text: &str) -> RawSegment {
        RawSegment {
            start: 0.0,
            end: 1.0,
            text: text.into(),
            words: Vec::new(),
            no_speech_prob: 0.0,
        }
    }

    fn window(text: &str) -> Result<WindowResult, TranscribeError> {
        Ok(WindowResult {
            segments: vec![raw(text)],
            language: "en".into(),
        })
    }

    #[test]
    fn answers_from_lanes_are_taken_in_recording_order() {
        let heard = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&heard);
        let shared = Arc::new(Shared::new(
            Box::new(move |s: Segment| sink.lock().unwrap().push(s.text)),
            Weak::new(),
            TranscribeOptions::new(None),
            false,
            0,
        ));
        shared.state.lock().unwrap().in_flight = (0..3)
            .map(|seq| InFlight {
                seq,
                start: seq as usize * 2 * SECOND,
                len: SECOND,
                probe: false,
                result: None,
            })
            .collect();
        shared.accept(2, window("third window"));
        shared.accept(1, window("second window"));
        assert!(heard.lock().unwrap().is_empty(), "the first is still out");
        assert_eq!(shared.state.lock().unwrap().in_flight.len(), 3);
        shared.accept(0, window("first window"));
        assert_eq!(
            *heard.lock().unwrap(),
            ["first window", "second window", "third window"]
        );
        let state = shared.state.lock().unwrap();
        assert!(state.in_flight.is_empty());
        let ids: Vec<(u32, f64)> = state.segments.iter().map(|s| (s.id, s.start)).collect();
        assert_eq!(ids, [(1, 0.0), (2, 2.0), (3, 4.0)]);
    }

    /// A stream over an engine without lanes: the test answers the queued jobs itself.
    fn stream(previous_text: bool) -> (Stream, Arc<lanes::WorkQueue<Job>>) {
        let (engine, queue) = Engine::without_lanes();
        let transcriber = Transcriber {
            engine: Arc::new(engine),
            // Probes from 3 s on: the shortest decoded is 3 s.
            cut_after_secs: 3.0,
            max_window_secs: 28.0,
            previous_text,
            early_commit_secs: None,
        };
        let stream = transcriber.stream(TranscribeOptions::new(None), Box::new(|_| {}));
        (stream, queue)
    }

    fn windows(n: usize) -> Vec<Window> {
        (0..n)
            .map(|i| Window {
                start: i * 2 * SECOND,
                samples: vec![0.0; SECOND],
                probe: false,
            })
            .collect()
    }

    #[test]
    fn without_previous_text_waiting_windows_go_out_together() {
        let (mut stream, queue) = stream(false);
        stream.dispatch(windows(3)).unwrap();
        assert_eq!(queue.queued(), 3);
        let (job, _lease) = queue.take().unwrap();
        assert!(job.previous.is_empty());
    }

    #[test]
    fn with_previous_text_a_window_waits_for_the_text_before_it() {
        let (mut stream, queue) = stream(true);
        let mut three = windows(3);
        let later = three.split_off(1);
        stream.dispatch(three).unwrap();
        // Windows cut while the first is still being recognised wait for it.
        stream.dispatch(later).unwrap();
        assert_eq!(queue.queued(), 1, "the second waits for the first's text");
        let answer = |text: &str| {
            let (job, lease) = queue.take().unwrap();
            drop(lease);
            let previous = job.previous.clone();
            (job.reply)(window(text));
            previous
        };
        assert_eq!(answer("the first window"), "");
        assert_eq!(queue.queued(), 1);
        assert_eq!(answer("a second"), "the first window");
        assert_eq!(answer("a third"), "the first window a second");
        assert_eq!(queue.queued(), 0);
        let text = finished_texts(stream);
        assert_eq!(text, ["the first window", "a second", "a third"]);
    }

    /// The texts of a stream's transcript once it is finished.
    fn finished_texts(stream: Stream) -> Vec<String> {
        stream
            .finish()
            .unwrap()
            .segments
            .into_iter()
            .map(|s| s.text)
            .collect()
    }

    fn segment(start: f64, end: f64, text: &str) -> RawSegment {
        RawSegment {
            start,
            end,
            ..raw(text)
        }
    }

    /// Takes the next queued job, answers it with `segments` and returns its audio.
    fn answer(queue: &lanes::WorkQueue<Job>, segments: Vec<RawSegment>) -> Vec<f32> {
        let (job, lease) = queue.take().unwrap();
        drop(lease);
        let samples = job.samples.clone();
        (job.reply)(Ok(WindowResult {
            segments,
            language: "en".into(),
        }));
        samples
    }

    /// Audio whose every sample is its own index from `at` on, so a job shows what it got.
    fn probe(at: usize, audio: &[f32], secs: usize) -> Window {
        Window {
            start: at,
            samples: audio[..secs * SECOND].to_vec(),
            probe: true,
        }
    }

    #[test]
    fn a_probe_commits_what_whisper_closed_and_the_window_goes_on_from_there() {
        let (mut stream, queue) = stream(false);
        let at = 10 * SECOND;
        let audio: Vec<f32> = (0..9 * SECOND).map(|i| i as f32).collect();
        let whole = Window {
            start: at,
            samples: audio.clone(),
            probe: false,
        };
        let next = Window {
            start: at + 10 * SECOND,
            samples: vec![0.0; SECOND],
            probe: false,
        };
        stream
            .dispatch(vec![probe(at, &audio, 5), whole, next])
            .unwrap();
        assert_eq!(queue.queued(), 1, "the windows wait for the probe");
        let heard = answer(
            &queue,
            vec![
                segment(0.2, 3.0, "a closed sentence"),
                segment(3.0, 5.0, "and the start of"),
            ],
        );
        assert_eq!(heard.len(), 5 * SECOND);
        assert_eq!(stream.transcribed_until(), 13.0);
        assert_eq!(queue.queued(), 2, "both windows go out together");
        let rest = answer(&queue, vec![segment(0.0, 5.5, "and the start of the next")]);
        assert_eq!(rest.len(), 6 * SECOND);
        assert_eq!(
            rest[0],
            (3 * SECOND) as f32,
            "decoded from the committed end on"
        );
        answer(&queue, vec![segment(0.0, 1.0, "then more")]);
        let times: Vec<(String, f64, f64)> = stream
            .finish()
            .unwrap()
            .segments
            .into_iter()
            .map(|s| (s.text, s.start, s.end))
            .collect();
        assert_eq!(
            times,
            [
                ("a closed sentence".to_string(), 10.2, 13.0),
                ("and the start of the next".to_string(), 13.0, 18.5),
                ("then more".to_string(), 20.0, 21.0),
            ]
        );
    }

    #[test]
    fn a_probe_with_one_segment_keeps_nothing_and_a_short_rest_is_not_probed() {
        let (mut stream, queue) = stream(false);
        let audio: Vec<f32> = (0..7 * SECOND).map(|i| i as f32).collect();
        let whole = Window {
            start: 0,
            samples: audio.clone(),
            probe: false,
        };
        let windows = vec![
            probe(0, &audio, 3),
            probe(0, &audio, 4),
            probe(0, &audio, 5),
            whole,
        ];
        stream.dispatch(windows).unwrap();
        answer(&queue, vec![segment(0.0, 3.0, "one unfinished")]);
        assert_eq!(stream.transcribed_until(), 0.0);
        let second = answer(
            &queue,
            vec![
                segment(0.0, 2.5, "one finished"),
                segment(2.6, 4.0, "and a"),
            ],
        );
        assert_eq!(second.len(), 4 * SECOND, "the second probe from the start");
        // 2.5 s left in the third probe: too little to hold a closed sentence.
        let last = answer(&queue, vec![segment(0.0, 4.5, "and a last one")]);
        assert_eq!(last.len(), 7 * SECOND - SECOND * 5 / 2);
        assert_eq!(queue.queued(), 0);
        let text = finished_texts(stream);
        assert_eq!(text, ["one finished", "and a last one"]);
    }

    #[test]
    fn the_kept_text_ends_with_the_newest_words_and_starts_at_a_word() {
        let mut previous = String::new();
        keep_end(&mut previous, "första");
        keep_end(&mut previous, "andra");
        assert_eq!(previous, "första andra");
        for i in 0..400 {
            keep_end(&mut previous, &format!("ord{i} å"));
        }
        assert!(previous.len() <= PREVIOUS_TEXT_BYTES);
        assert!(previous.ends_with("ord399 å"));
        assert!(
            previous.starts_with("ord") || previous.starts_with('å'),
            "{previous}"
        );
    }
}
