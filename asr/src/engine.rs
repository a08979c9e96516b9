//! The recognition engine: the whisper.cpp model is loaded once and shared read-only; each
//! lane is a thread that owns one whisper state (as whisper.cpp's mobile examples own their
//! one context), and everyone else talks to the lanes through the work queue.
use super::guard;
use super::lanes::WorkQueue;
use super::{TranscribeError, TranscribeOptions};
use samtal_audio::SAMPLE_RATE;
use samtal_draft::transcript::Word;
use std::path::Path;
use std::sync::Arc;
use whisper_rs::{FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters};

/// How the engine runs.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// CPU threads for whisper.cpp, all lanes together.
    pub threads: usize,
    /// Windows recognised side by side when several wait (at most `threads`), each with
    /// `threads / lanes` threads: the decoder's many small steps leave threads of one
    /// window waiting on each other, so windows side by side use the cores better.
    pub lanes: usize,
    /// Encode only as much of Whisper's 30 s audio context as a window fills, instead of
    /// always 30 s: most windows end at a pause well before that.
    pub fit_context: bool,
    /// whisper.cpp's flash attention kernels.
    pub flash_attention: bool,
    /// A window this many seconds long ends at the next short quiet (0.3 s) instead of
    /// waiting for the end of the turn: shorter windows show speech sooner and keep the
    /// lanes busy; longer ones give Whisper more context.
    pub cut_after_secs: f32,
    /// A window this long is cut at its quietest moment even if nobody paused (at most
    /// 28 s: Whisper sees 30 s at a time).
    pub max_window_secs: f32,
    /// Decode each window with the text before it as Whisper's previous-text prompt (as
    /// Whisper conditions on what was said before within 30 s), so short windows keep the
    /// context long ones have. A window then waits for the one before it: windows are
    /// recognised one at a time, in live and batch transcription alike, so both still give
    /// the same transcript.
    pub previous_text: bool,
    /// Every this many seconds of a window that runs on past `cut_after_secs` without a
    /// quiet, decode it so far and commit the segments Whisper has closed in it (all but
    /// the last); the window then goes on from the end of the last one committed, so a
    /// long stretch without a pause shows its first sentences before it ends. Placed by
    /// audio position, so live and batch transcripts stay the same. `None`: off (it cost
    /// accuracy and CPU time and did not reach the delay target: README, Performance).
    pub early_commit_secs: Option<f32>,
}

impl EngineConfig {
    pub fn with_threads(threads: usize) -> EngineConfig {
        EngineConfig {
            threads,
            ..EngineConfig::default()
        }
    }

    /// For phones with little memory: one lane of one thread, so one whisper state instead
    /// of two (the weight format is the default one: README, Performance).
    pub fn low_memory() -> EngineConfig {
        EngineConfig {
            threads: 1,
            lanes: 1,
            ..EngineConfig::default()
        }
    }

    /// [`Self::low_memory`] on a device with little memory, else the default.
    pub fn for_device() -> EngineConfig {
        if super::device::low_memory_device() {
            EngineConfig::low_memory()
        } else {
            EngineConfig::default()
        }
    }
}

impl Default for EngineConfig {
    /// Two lanes of one thread each: the least CPU time per audio minute (the battery's
    /// figure), and a window is never slowed by another thread it waits for.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        EngineConfig {
            threads: cores.min(2),
            lanes: 2,
            fit_context: true,
            flash_attention: false,
            cut_after_secs: 6.0,
            max_window_secs: 28.0,
            previous_text: false,
            early_commit_secs: None,
        }
    }
}

/// Encoder frames per second of audio (one frame per 20 ms) and the full context.
const FRAMES_PER_SECOND: usize = 50;
const FULL_CONTEXT: usize = 1500;

/// The encoder context a window of `samples` needs: its length plus a second of margin,
/// rounded up to 64 frames, never more than the full 30 s. (Less margin was measurably
/// less accurate.)
fn fitted_context(samples: usize) -> usize {
    let frames = samples * FRAMES_PER_SECOND / SAMPLE_RATE as usize + FRAMES_PER_SECOND;
    (frames.div_ceil(64) * 64).min(FULL_CONTEXT)
}

/// Whisper's prompt holds at most half its 448-token text context, the previous-token
/// marker included (whisper.cpp drops the oldest tokens beyond that).
const PROMPT_TOKENS: usize = 223;
/// Tokens of the text before a window given as its prompt: about the last 25–40 s of
/// speech, what Whisper itself would carry over from the previous 30 s.
pub(crate) const PREVIOUS_TEXT_TOKENS: usize = 128;

/// The prompt for one window: the vocabulary first, whole (at most the prompt's size; if
/// longer, its end, as whisper.cpp would keep), then as much of the end of the previous
/// text as fits, so the words nearest the window come last and the vocabulary is never
/// pushed out.
fn prompt_tokens(vocabulary: &[i32], previous: &[i32]) -> Vec<i32> {
    let vocabulary = &vocabulary[vocabulary.len().saturating_sub(PROMPT_TOKENS)..];
    let room = (PROMPT_TOKENS - vocabulary.len()).min(PREVIOUS_TEXT_TOKENS);
    let previous = &previous[previous.len().saturating_sub(room)..];
    [vocabulary, previous].concat()
}

/// whisper.cpp's tokens for `text`; none if it cannot be tokenised (a NUL byte). Every token
/// covers at least one byte, so the buffer is always large enough.
fn tokenize(ctx: &WhisperContext, text: &str) -> Vec<i32> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    ctx.tokenize(text, text.len() + 8).unwrap_or_default()
}

/// A stretch of recognised speech as whisper.cpp returns it, times relative to the window.
#[derive(Debug, Clone)]
pub(crate) struct RawSegment {
    pub start: f64,
    pub end: f64,
    pub text: String,
    pub words: Vec<Word>,
    pub no_speech_prob: f32,
}

pub(crate) struct WindowResult {
    pub segments: Vec<RawSegment>,
    /// Language spoken in the window (the requested one, or the detected one).
    pub language: String,
}

pub(crate) struct Job {
    pub samples: Vec<f32>,
    pub options: TranscribeOptions,
    /// The transcript's text before this window (empty unless `previous_text`).
    pub previous: String,
    pub reply: Box<dyn FnOnce(Result<WindowResult, TranscribeError>) + Send>,
}

/// The running lanes; dropping it lets them finish what is queued and stop.
pub(crate) struct Engine {
    queue: Arc<WorkQueue<Job>>,
}

impl Engine {
    /// Queues windows that are ready together.
    pub fn submit(&self, jobs: Vec<Job>) -> Result<(), TranscribeError> {
        self.queue.push(jobs).map_err(|_| TranscribeError::Stopped)
    }
}

#[cfg(test)]
impl Engine {
    /// An engine without lanes: the test takes the queued jobs and answers them itself.
    pub fn without_lanes() -> (Engine, Arc<WorkQueue<Job>>) {
        let queue = Arc::new(WorkQueue::new(2, 2));
        let engine = Engine {
            queue: Arc::clone(&queue),
        };
        (engine, queue)
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.queue.close();
    }
}

/// Loads the model at `path` and starts the lanes; fails if the model does not load.
pub(crate) fn spawn(path: &Path, config: EngineConfig) -> Result<Engine, TranscribeError> {
    whisper_rs::install_logging_hooks();
    let load_error = || TranscribeError::ModelLoad {
        path: path.to_path_buf(),
    };
    let mut params = WhisperContextParameters::default();
    params.flash_attn(config.flash_attention);
    let ctx = WhisperContext::new_with_params(path.to_str().ok_or_else(load_error)?, params)
        .map_err(|_| load_error())?;
    let ctx = Arc::new(ctx);
    let queue = Arc::new(WorkQueue::new(config.threads, config.lanes));
    let states = (0..queue.lanes())
        .map(|_| ctx.create_state())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TranscribeError::Start(format!("no whisper state: {e}")))?;
    // From here on, an early return drops the engine, which stops the lanes already started.
    let engine = Engine {
        queue: Arc::clone(&queue),
    };
    for (lane, state) in states.into_iter().enumerate() {
        let (ctx, queue, config) = (Arc::clone(&ctx), Arc::clone(&queue), config.clone());
        std::thread::Builder::new()
            .name(format!("samtal-whisper-{lane}"))
            .spawn(move || run(&ctx, state, &config, &queue))
            .map_err(|e| TranscribeError::Start(format!("no lane thread: {e}")))?;
    }
    Ok(engine)
}

fn run(
    ctx: &WhisperContext,
    mut state: whisper_rs::WhisperState,
    config: &EngineConfig,
    queue: &WorkQueue<Job>,
) {
    while let Some((job, lease)) = queue.take() {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            Window {
                ctx,
                config,
                threads: lease.threads,
                samples: &job.samples,
                options: &job.options,
            }
            .decode(&mut state, &job.previous)
        }))
        .unwrap_or_else(|_| Err(TranscribeError::Window("the engine panicked".into())));
        (job.reply)(result);
    }
}

/// One window to decode on a lane: the model, the settings and the window's samples.
struct Window<'a> {
    ctx: &'a WhisperContext,
    config: &'a EngineConfig,
    threads: usize,
    samples: &'a [f32],
    options: &'a TranscribeOptions,
}

impl Window<'_> {
    /// Decodes the window with the vocabulary and the text before it as prompt. Whisper's
    /// known failure with a prompt (more often with the short encoder context fitted to a
    /// window) is to say a stretch twice or to copy the prompt; a window showing that is
    /// decoded again without the text before it, as Whisper drops its prompt when it falls
    /// back.
    fn decode(
        &self,
        state: &mut whisper_rs::WhisperState,
        previous: &str,
    ) -> Result<WindowResult, TranscribeError> {
        let vocabulary = tokenize(self.ctx, self.options.prompt.as_deref().unwrap_or_default());
        let previous_tokens = tokenize(self.ctx, previous);
        if previous_tokens.is_empty() {
            return self.decode_with(state, &vocabulary);
        }
        let result = self.decode_with(state, &prompt_tokens(&vocabulary, &previous_tokens))?;
        let failed = result.segments.iter().any(|segment| {
            let words: Vec<String> = segment.text.split_whitespace().map(String::from).collect();
            guard::says_twice(&words)
                || guard::copies_prompt(&guard::normalise(&segment.text), previous)
        });
        if failed {
            self.decode_with(state, &vocabulary)
        } else {
            Ok(result)
        }
    }

    fn decode_with(
        &self,
        state: &mut whisper_rs::WhisperState,
        prompt: &[i32],
    ) -> Result<WindowResult, TranscribeError> {
        let Window {
            ctx,
            config,
            threads,
            samples,
            options,
        } = *self;
        let mut params = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
        params.set_n_threads(threads as i32);
        if config.fit_context {
            params.set_audio_ctx(fitted_context(samples.len()) as i32);
        }
        params.set_language(Some(options.language.map_or("auto", |l| l.code())));
        params.set_translate(false);
        params.set_no_context(true);
        params.set_token_timestamps(true);
        params.set_suppress_blank(true);
        params.set_suppress_nst(true);
        params.set_print_special(false);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_timestamps(false);
        // Whisper's own fallbacks against loops and guesses: retry hotter on a too-repetitive
        // (high compression) or too-unsure decode, and skip windows judged to hold no speech.
        params.set_temperature(0.0);
        params.set_temperature_inc(0.2);
        params.set_entropy_thold(2.4);
        params.set_logprob_thold(-1.0);
        params.set_no_speech_thold(0.6);
        if !prompt.is_empty() {
            params.set_tokens(prompt);
        }
        state
            .full(params, samples)
            .map_err(|e| TranscribeError::Window(e.to_string()))?;
        let detected = whisper_rs::get_lang_str(state.full_lang_id_from_state())
            .unwrap_or("und")
            .to_string();
        let eot = ctx.token_eot();
        let mut segments = Vec::new();
        for segment in state.as_iter() {
            let mut words: Vec<Word> = Vec::new();
            for i in 0..segment.n_tokens() {
                let Some(token) = segment.get_token(i) else {
                    continue;
                };
                if token.token_id() >= eot {
                    continue;
                }
                let data = token.token_data();
                let bytes = token.to_bytes().unwrap_or_default();
                let text = String::from_utf8_lossy(bytes).into_owned();
                let (t0, t1) = (data.t0 as f64 / 100.0, data.t1 as f64 / 100.0);
                let starts_word = text.starts_with(' ') || words.is_empty();
                if starts_word {
                    words.push(Word {
                        text: text.trim_start().to_string(),
                        start: t0,
                        end: t1,
                        confidence: data.p,
                    });
                } else if let Some(w) = words.last_mut() {
                    w.text.push_str(&text);
                    w.end = t1;
                    w.confidence = w.confidence.min(data.p);
                }
            }
            words.retain(|w| !w.text.trim().is_empty());
            let text = segment
                .to_str_lossy()
                .map(|t| t.trim().to_string())
                .unwrap_or_default();
            segments.push(RawSegment {
                start: segment.start_timestamp() as f64 / 100.0,
                end: segment.end_timestamp() as f64 / 100.0,
                text,
                words,
                no_speech_prob: segment.no_speech_probability(),
            });
        }
        Ok(WindowResult {
            segments,
            language: detected,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prompt_keeps_the_vocabulary_and_the_end_of_the_previous_text() {
        let vocabulary: Vec<i32> = (1000..1010).collect();
        let previous: Vec<i32> = (0..500).collect();
        let prompt = prompt_tokens(&vocabulary, &previous);
        assert_eq!(prompt.len(), 10 + PREVIOUS_TEXT_TOKENS);
        assert_eq!(&prompt[..10], &vocabulary[..]);
        assert_eq!(&prompt[10..], &previous[500 - PREVIOUS_TEXT_TOKENS..]);
        assert_eq!(prompt_tokens(&vocabulary, &[]), vocabulary);
        assert_eq!(prompt_tokens(&[], &previous[..5]), &previous[..5]);
    }

    #[test]
    fn a_long_vocabulary_is_never_pushed_out_by_the_previous_text() {
        let vocabulary: Vec<i32> = (0..200).collect();
        let prompt = prompt_tokens(&vocabulary, &[7; 300]);
        assert_eq!(prompt.len(), PROMPT_TOKENS);
        assert_eq!(&prompt[..200], &vocabulary[..]);
        let too_long: Vec<i32> = (0..300).collect();
        assert_eq!(
            prompt_tokens(&too_long, &[7; 10]),
            &too_long[300 - PROMPT_TOKENS..]
        );
    }
}
