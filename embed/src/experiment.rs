//! Leave-one-meeting-out comparison of Gemma sentence vectors with the drafter's word
//! features, on the units (sentences) the drafter builds and their gold labels
//! (`learn::labels`):
//! - relevance, on the units the drafter may keep at all (`Trace::eligible`): (i) the
//!   drafter's own relevance from weights trained without the held-out meeting, (ii) logistic
//!   regression on the vector, (iii) logistic regression on the vector and the drafter's
//!   score; ROC-AUC and average precision of the held-out units;
//! - section, on the units labelled relevant: (i) the drafter's most probable section,
//!   (ii) a softmax on the vector, (iii) the softmax with the drafter's log-probabilities.
//!
//! Nothing learned sees the held-out meeting: the drafter scores that (iii) learns from on a
//! training meeting come from weights trained without that meeting *and* the held-out one.
use crate::classify::{Logistic, SectionExample, Sections, Standardize, LAMBDA};
use crate::metrics::{average_precision, roc_auc};
use crate::{EmbedError, Embedder};
use samtal_draft::drafter::features::Context;
use samtal_draft::drafter::model::SHIPPED_ORDER;
use samtal_draft::drafter::sections;
use samtal_draft::eval::Meeting;
use samtal_draft::language::{Language, Languages};
use samtal_draft::learn::{self, Raw};
use samtal_draft::template::Templates;
use samtal_draft::Drafter;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Layers whose pooled vectors are kept and compared.
pub const LAYERS: [usize; 7] = [2, 4, 6, 9, 12, 15, 18];

/// What the gold and the drafter say about one meeting's units.
#[derive(Debug, Clone)]
pub struct MeetingUnits {
    pub id: String,
    pub language: String,
    pub minutes: f64,
    /// Every unit's text as said (embedded; never printed).
    texts: Vec<String>,
    /// Class keys of the template's sections.
    keys: Vec<[String; 2]>,
    pub eligible: Vec<bool>,
    pub relevant: Vec<bool>,
    /// Right sections (template indices) of the relevant units.
    pub right: Vec<Vec<usize>>,
}

/// The drafter's scores for one meeting's units.
#[derive(Debug, Clone)]
struct Scores {
    relevance: Vec<f32>,
    /// Section log-probabilities of the units labelled relevant (empty for others).
    sections: Vec<Vec<f32>>,
}

fn language(m: &Meeting) -> Language {
    Language::from_code(&m.language).unwrap_or(Language::Sv)
}

/// Drafts `m` with `drafter` and reads its units, labels and scores.
fn view(
    drafter: &Drafter,
    m: &Meeting,
    templates: &Templates,
    langs: &Languages,
) -> Result<(MeetingUnits, Scores), EmbedError> {
    let template = templates
        .get(&m.template)
        .map_err(|e| samtal_draft::eval::EvalError::Template(m.id.clone(), e))?;
    let (_, trace) = drafter.draft_traced(&m.transcript(), template, &m.context());
    let conv = &trace.conv;
    let labels = learn::labels(m, conv, langs);
    let data = langs.get(language(m));
    let ctx = Context::new(conv, data, template);
    let keys = sections::keys(&ctx);
    let model = drafter.model();
    let mut right = Vec::with_capacity(labels.len());
    let mut section_scores = Vec::with_capacity(labels.len());
    for (u, l) in labels.iter().enumerate() {
        let r: Vec<usize> = l
            .sections
            .iter()
            .filter_map(|id| template.sections.iter().position(|s| &s.id == id))
            .collect();
        if l.relevant && !r.is_empty() && !conv.units[u].sentence.text.is_empty() {
            let f = ctx.unit(u);
            let x = model.encode(&f.features);
            let p = sections::probabilities(&ctx, model, &keys, u, &x, &f);
            section_scores.push(p.iter().map(|v| (v + 1e-4).ln()).collect());
        } else {
            section_scores.push(Vec::new());
        }
        right.push(if l.relevant { r } else { Vec::new() });
    }
    let units = MeetingUnits {
        id: m.id.clone(),
        language: m.language.clone(),
        minutes: m.segments.last().map_or(0.0, |s| s.end) / 60.0,
        texts: conv.units.iter().map(|u| u.raw.clone()).collect(),
        keys,
        eligible: trace.eligible.clone(),
        relevant: labels.iter().map(|l| l.relevant).collect(),
        right,
    };
    Ok((
        units,
        Scores {
            relevance: trace.relevance,
            sections: section_scores,
        },
    ))
}

/// The drafter's view of every meeting: `held[i]` from weights trained without meeting i,
/// `pair[i][j]` (j ≠ i) from weights trained without i and j.
pub struct DrafterViews {
    pub units: Vec<MeetingUnits>,
    held: Vec<Scores>,
    pair: Vec<Vec<Option<Scores>>>,
}

pub fn drafter_views(
    meetings: &[Meeting],
    templates: &Templates,
    langs: &Languages,
) -> Result<DrafterViews, EmbedError> {
    let raws: Vec<Raw> = meetings
        .iter()
        .map(|m| learn::examples(m, templates, langs))
        .collect::<Result<_, _>>()?;
    let without = |skip: &[usize]| {
        let others: Vec<&Raw> = raws
            .iter()
            .enumerate()
            .filter(|(k, _)| !skip.contains(k))
            .map(|(_, r)| r)
            .collect();
        Drafter::new(
            langs.clone(),
            learn::train_examples(&others, None, SHIPPED_ORDER),
        )
    };
    let n = meetings.len();
    let mut units = Vec::with_capacity(n);
    let mut held = Vec::with_capacity(n);
    for (i, m) in meetings.iter().enumerate() {
        let (u, s) = view(&without(&[i]), m, templates, langs)?;
        units.push(u);
        held.push(s);
    }
    let mut pair: Vec<Vec<Option<Scores>>> = (0..n).map(|_| vec![None; n]).collect();
    for i in 0..n {
        for j in i + 1..n {
            let d = without(&[i, j]);
            for (a, b) in [(i, j), (j, i)] {
                let (u, s) = view(&d, &meetings[b], templates, langs)?;
                if u.texts != units[b].texts {
                    return Err(EmbedError::Weights(format!(
                        "meeting {} splits into different units under different weights",
                        units[b].id
                    )));
                }
                pair[a][b] = Some(s);
            }
        }
    }
    Ok(DrafterViews { units, held, pair })
}

/// Pooled vectors of every unit at [`LAYERS`], and what computing them cost.
#[derive(Debug, Clone)]
pub struct Embeddings {
    /// `vectors[meeting][unit][k]` is the vector after layer `LAYERS[k]`.
    pub vectors: Vec<Vec<Vec<Vec<f32>>>>,
    pub cost: Cost,
}

/// What embedding the set cost, measured when the vectors were computed.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Cost {
    pub threads: usize,
    pub load_seconds: f64,
    /// Seconds spent tokenizing.
    pub tokenize_seconds: f64,
    /// `forward_seconds[l - 1]`: seconds until layer l finished, summed over every unit
    /// (what running only the first l layers costs).
    pub forward_seconds: Vec<f64>,
    /// The same in CPU seconds of the process (all threads), which other programs on the
    /// machine disturb less than wall time (empty in caches written before it was measured).
    #[serde(default)]
    pub forward_cpu_seconds: Vec<f64>,
    pub units: usize,
    pub tokens: usize,
    pub minutes: f64,
    /// Peak resident memory of the process after embedding (kB, VmHWM).
    pub peak_rss_kb: Option<u64>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct CacheHeader {
    key: String,
    width: usize,
    counts: Vec<usize>,
    cost: Cost,
}

const MAGIC: &[u8; 8] = b"SMTLEMB1";

/// The cache key: the model file's pinned checksum, the layers and every unit's text.
fn cache_key(units: &[MeetingUnits]) -> Result<String, EmbedError> {
    let mut h = Sha256::new();
    h.update(
        samtal_models::Manifest::builtin()
            .get(crate::MODEL_ID)?
            .sha256
            .as_bytes(),
    );
    for l in LAYERS {
        h.update((l as u32).to_le_bytes());
    }
    for m in units {
        h.update(m.id.as_bytes());
        for t in &m.texts {
            h.update([0]);
            h.update(t.as_bytes());
        }
        h.update([1]);
    }
    Ok(hex::encode(h.finalize()))
}

fn cache_error(path: &Path, reason: impl ToString) -> EmbedError {
    EmbedError::Cache {
        path: path.display().to_string(),
        reason: reason.to_string(),
    }
}

fn read_cache(path: &Path, key: &str) -> Result<Option<Embeddings>, EmbedError> {
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(cache_error(path, e.kind())),
    };
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes)
        .map_err(|e| cache_error(path, e.kind()))?;
    if bytes.len() < 16 || &bytes[..8] != MAGIC {
        return Err(cache_error(path, "not an embedding cache"));
    }
    let len = u64::from_le_bytes(bytes[8..16].try_into().expect("8 bytes")) as usize;
    let body = bytes
        .get(16..16 + len)
        .ok_or_else(|| cache_error(path, "truncated"))?;
    let header: CacheHeader =
        serde_json::from_slice(body).map_err(|e| cache_error(path, e.to_string()))?;
    if header.key != key {
        return Ok(None);
    }
    let floats = &bytes[16 + len..];
    let total: usize = header.counts.iter().sum::<usize>() * LAYERS.len() * header.width;
    if floats.len() != total * 4 {
        return Err(cache_error(path, "truncated"));
    }
    let mut it = floats
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes")));
    let vectors = header
        .counts
        .iter()
        .map(|&n| {
            (0..n)
                .map(|_| {
                    (0..LAYERS.len())
                        .map(|_| it.by_ref().take(header.width).collect())
                        .collect()
                })
                .collect()
        })
        .collect();
    Ok(Some(Embeddings {
        vectors,
        cost: header.cost,
    }))
}

fn write_cache(path: &Path, key: &str, e: &Embeddings) -> Result<(), EmbedError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|x| cache_error(path, x.kind()))?;
    let header = CacheHeader {
        key: key.to_string(),
        width: e
            .vectors
            .iter()
            .flatten()
            .flatten()
            .next()
            .map_or(0, |v| v.len()),
        counts: e.vectors.iter().map(|m| m.len()).collect(),
        cost: e.cost.clone(),
    };
    let json = serde_json::to_vec(&header).map_err(|x| cache_error(path, x))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|x| cache_error(path, x.kind()))?;
    let mut out = Vec::with_capacity(16 + json.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(json.len() as u64).to_le_bytes());
    out.extend_from_slice(&json);
    for v in e.vectors.iter().flatten().flatten() {
        for x in v {
            out.extend_from_slice(&x.to_le_bytes());
        }
    }
    tmp.write_all(&out)
        .map_err(|x| cache_error(path, x.kind()))?;
    tmp.persist(path)
        .map_err(|x| cache_error(path, x.error.kind()))?;
    Ok(())
}

/// CPU time of this process (user and system, all threads) in seconds (Linux).
fn cpu_seconds() -> f64 {
    // /proc reports in USER_HZ, 100 per second on Linux.
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<f64> = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|x| x.parse().ok())
        .collect();
    f.iter().sum::<f64>() / 100.0
}

/// Peak resident memory of this process in kB (Linux; `None` elsewhere).
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Embeds every unit (or reads the vectors from `cache`, computed for the same model,
/// layers and texts). `model` is a path to the GGUF file, else the installed one.
pub fn embed_units(
    units: &[MeetingUnits],
    model: Option<&Path>,
    cache: Option<&Path>,
) -> Result<Embeddings, EmbedError> {
    let key = cache_key(units)?;
    if let Some(path) = cache {
        if let Some(e) = read_cache(path, &key)? {
            return Ok(e);
        }
    }
    let t0 = Instant::now();
    let embedder = match model {
        Some(p) => Embedder::open(p, None)?,
        None => Embedder::installed(None)?,
    };
    let load_seconds = t0.elapsed().as_secs_f64();
    let mut forward = vec![0f64; embedder.layers()];
    let mut forward_cpu = vec![0f64; embedder.layers()];
    let mut tokenize_seconds = 0.0;
    let mut tokens = 0;
    let mut vectors = Vec::with_capacity(units.len());
    for m in units {
        let mut mv = Vec::with_capacity(m.texts.len());
        for text in &m.texts {
            let t = Instant::now();
            let n = embedder.tokenizer().encode(text).len();
            tokenize_seconds += t.elapsed().as_secs_f64();
            if n == 0 {
                mv.push(vec![vec![0.0; embedder.width()]; LAYERS.len()]);
                continue;
            }
            let t = Instant::now();
            let c = cpu_seconds();
            let pooled = embedder.embed_timed(text, |l| {
                forward[l - 1] += t.elapsed().as_secs_f64();
                forward_cpu[l - 1] += cpu_seconds() - c;
            })?;
            tokens += pooled.tokens;
            mv.push(
                LAYERS
                    .iter()
                    .map(|&l| pooled.layers[l - 1].clone())
                    .collect(),
            );
        }
        vectors.push(mv);
    }
    let e = Embeddings {
        vectors,
        cost: Cost {
            threads: candle_core::utils::get_num_threads(),
            load_seconds,
            tokenize_seconds,
            forward_seconds: forward,
            forward_cpu_seconds: forward_cpu,
            units: units.iter().map(|m| m.texts.len()).sum(),
            tokens,
            minutes: units.iter().map(|m| m.minutes).sum(),
            peak_rss_kb: peak_rss_kb(),
        },
    };
    if let Some(path) = cache {
        write_cache(path, &key, &e)?;
    }
    Ok(e)
}

/// Held-out predictions for one layer: per meeting, per unit.
#[derive(Debug, Clone, Default)]
pub struct Predictions {
    /// Relevance of the eligible units: (drafter, vector, both).
    pub relevance: Vec<Vec<[f32; 3]>>,
    /// Section of the relevant units: whether (drafter, vector, both) chose a right one.
    pub sections: Vec<Vec<[bool; 3]>>,
}

fn logit(p: f32) -> f32 {
    let p = p.clamp(1e-4, 1.0 - 1e-4);
    (p / (1.0 - p)).ln()
}

/// Leave-one-meeting-out predictions with the vectors of `LAYERS[k]`.
pub fn loo(views: &DrafterViews, emb: &Embeddings, k: usize) -> Predictions {
    let n = views.units.len();
    let mut out = Predictions::default();
    for i in 0..n {
        let train: Vec<usize> = (0..n).filter(|&j| j != i).collect();
        let drafter = |j: usize| -> &Scores {
            if j == i {
                &views.held[i]
            } else {
                views.pair[i][j].as_ref().expect("every pair is scored")
            }
        };
        // Relevance.
        let rows = |j: usize, both: bool| -> Vec<(Vec<f32>, bool)> {
            let m = &views.units[j];
            (0..m.texts.len())
                .filter(|&u| m.eligible[u])
                .map(|u| {
                    let mut x = emb.vectors[j][u][k].clone();
                    if both {
                        x.push(logit(drafter(j).relevance[u]));
                    }
                    (x, m.relevant[u])
                })
                .collect()
        };
        let fit = |both: bool| {
            let data: Vec<(Vec<f32>, bool)> = train.iter().flat_map(|&j| rows(j, both)).collect();
            let refs: Vec<&[f32]> = data.iter().map(|(x, _)| x.as_slice()).collect();
            let s = Standardize::fit(&refs);
            let z: Vec<Vec<f32>> = data.iter().map(|(x, _)| s.apply(x)).collect();
            let y: Vec<bool> = data.iter().map(|(_, y)| *y).collect();
            let model = Logistic::fit(&z, &y, LAMBDA);
            rows(i, both)
                .iter()
                .map(|(x, _)| model.probability(&s.apply(x)))
                .collect::<Vec<f32>>()
        };
        let vector = fit(false);
        let both = fit(true);
        let m = &views.units[i];
        let own: Vec<f32> = (0..m.texts.len())
            .filter(|&u| m.eligible[u])
            .map(|u| views.held[i].relevance[u])
            .collect();
        out.relevance.push(
            (0..own.len())
                .map(|r| [own[r], vector[r], both[r]])
                .collect(),
        );
        // Sections.
        let examples = |j: usize, prior: bool| -> Vec<SectionExample> {
            let m = &views.units[j];
            (0..m.texts.len())
                .filter(|&u| !drafter(j).sections[u].is_empty())
                .map(|u| SectionExample {
                    z: emb.vectors[j][u][k].clone(),
                    keys: m.keys.clone(),
                    prior: prior.then(|| drafter(j).sections[u].clone()),
                    right: m.right[u].clone(),
                })
                .collect()
        };
        let train_ex: Vec<SectionExample> =
            train.iter().flat_map(|&j| examples(j, false)).collect();
        let refs: Vec<&[f32]> = train_ex.iter().map(|e| e.z.as_slice()).collect();
        let s = Standardize::fit(&refs);
        let standardize = |mut e: SectionExample| {
            e.z = s.apply(&e.z);
            e
        };
        let vec_model = Sections::fit(
            &train_ex
                .iter()
                .cloned()
                .map(standardize)
                .collect::<Vec<_>>(),
            LAMBDA,
        );
        let both_train: Vec<SectionExample> = train
            .iter()
            .flat_map(|&j| examples(j, true))
            .map(standardize)
            .collect();
        let both_model = Sections::fit(&both_train, LAMBDA);
        let held: Vec<SectionExample> = examples(i, true).into_iter().map(standardize).collect();
        out.sections.push(
            held.iter()
                .map(|e| {
                    let p = e.prior.as_ref().expect("prior");
                    let own = (0..p.len())
                        .max_by(|&a, &b| p[a].total_cmp(&p[b]))
                        .unwrap_or(0);
                    let plain = SectionExample {
                        prior: None,
                        ..e.clone()
                    };
                    [
                        e.right.contains(&own),
                        e.right.contains(&vec_model.predict(&plain)),
                        e.right.contains(&both_model.predict(e)),
                    ]
                })
                .collect(),
        );
    }
    out
}

/// Scores of one group of meetings (a language or all).
#[derive(Debug, Clone)]
pub struct GroupScore {
    pub group: String,
    pub units: usize,
    pub relevant: usize,
    /// ROC-AUC and average precision of (drafter, vector, both), pooled over the group's units.
    pub auc: [f64; 3],
    pub ap: [f64; 3],
    /// Per-meeting ROC-AUC: (min, median, max) of (drafter, vector, both).
    pub auc_spread: [(f64, f64, f64); 3],
    pub section_units: usize,
    pub section_accuracy: [f64; 3],
}

pub fn score(views: &DrafterViews, p: &Predictions) -> Vec<GroupScore> {
    let mut groups: Vec<String> = Language::ALL.iter().map(|l| l.code().to_string()).collect();
    groups.push("all".into());
    groups
        .into_iter()
        .filter_map(|g| {
            let ms: Vec<usize> = (0..views.units.len())
                .filter(|&i| g == "all" || views.units[i].language == g)
                .collect();
            if ms.is_empty() {
                return None;
            }
            let labels = |i: usize| -> Vec<bool> {
                let m = &views.units[i];
                (0..m.texts.len())
                    .filter(|&u| m.eligible[u])
                    .map(|u| m.relevant[u])
                    .collect()
            };
            let mut auc = [0.0; 3];
            let mut ap = [0.0; 3];
            let mut spread = [(0.0, 0.0, 0.0); 3];
            let y: Vec<bool> = ms.iter().flat_map(|&i| labels(i)).collect();
            for c in 0..3 {
                let s: Vec<f32> = ms
                    .iter()
                    .flat_map(|&i| p.relevance[i].iter().map(move |r| r[c]))
                    .collect();
                auc[c] = roc_auc(&s, &y).unwrap_or(f64::NAN);
                ap[c] = average_precision(&s, &y).unwrap_or(f64::NAN);
                let mut per: Vec<f64> = ms
                    .iter()
                    .filter_map(|&i| {
                        let s: Vec<f32> = p.relevance[i].iter().map(|r| r[c]).collect();
                        roc_auc(&s, &labels(i))
                    })
                    .collect();
                per.sort_by(f64::total_cmp);
                if !per.is_empty() {
                    spread[c] = (per[0], per[per.len() / 2], per[per.len() - 1]);
                }
            }
            let sec: Vec<[bool; 3]> = ms.iter().flat_map(|&i| p.sections[i].clone()).collect();
            let mut acc = [0.0; 3];
            for (c, a) in acc.iter_mut().enumerate() {
                *a = sec.iter().filter(|s| s[c]).count() as f64 / sec.len().max(1) as f64;
            }
            Some(GroupScore {
                group: g,
                units: y.len(),
                relevant: y.iter().filter(|&&r| r).count(),
                auc,
                ap,
                auc_spread: spread,
                section_units: sec.len(),
                section_accuracy: acc,
            })
        })
        .collect()
}

/// Where the vectors of a set are cached by default: `<target>/embed-cache/vectors.bin`.
pub fn default_cache() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"));
    target.join("embed-cache").join("vectors.bin")
}
