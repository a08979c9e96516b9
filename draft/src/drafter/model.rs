//! The learned part of the drafter: four linear models over the features of
//! [`super::features`] — relevance (keep a sentence or leave it out), section (which
//! template section it belongs in, with weights shared by sections of the same role across
//! templates and weights of the section itself), topic (does an exchange follow up the one
//! before) and speaker (was this the worker, for transcripts without speaker labels). Plain logistic regression trained with AdaGrad;
//! a section of one template learns only a bias and how much its cues count; everything else
//! it shares with the sections of the same role in every template, because a template is
//! used by only a few meetings (measured leave-one-meeting-out, this is better than giving
//! each section word weights of its own). The weights live in a text file in the repository (`draft/model/drafter.tsv`) with the
//! checksum of the meetings they were trained on.
use super::features::{Feature, CUES};
use std::collections::{BTreeMap, HashMap};

/// What the weights were trained on.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    /// SHA-256 over the training meetings (file names and contents, sorted by name).
    pub training_sha256: String,
    pub meetings: usize,
}

/// Sparse feature vector: column and value.
pub type Vector = Vec<(u32, f32)>;

/// Weights of the four models.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub meta: Option<Meta>,
    index: HashMap<String, u32>,
    names: Vec<String>,
    rel: Vec<f32>,
    spk: Vec<f32>,
    top: Vec<f32>,
    sec_keys: HashMap<String, usize>,
    /// Columns a section of one template learns no weight for (all but the bias): those it
    /// shares with the sections of its role in every template.
    shared: Vec<bool>,
    sec: Vec<Vec<f32>>,
    cue: Vec<[f32; CUES]>,
}

/// Why a weights file could not be read. Names the file and line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("model file {file}, line {line}: {message}")]
pub struct ModelError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// Hyperparameters, fixed (not tuned per meeting). Few passes over the examples at a small
/// step keep the weights small, which generalises better from 17 meetings. Measured
/// leave-one-meeting-out, as the mean of eight training orders: at step 0.1, 3–5 passes give
/// section accuracy 0.83 where 10 give 0.80; four passes at step 0.05 (0.03–0.07 and two or
/// three passes alike) give 0.85 where step 0.1 gives 0.83, with recall 0.44 against 0.43 and
/// must-not hits 9 against 7.6.
const EPOCHS: usize = 4;
const RATE: f32 = 0.05;
const L2: f32 = 1e-4;
/// Class key whose cue weights every section shares.
const ALL: &str = "*";

fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

fn dot(w: &[f32], x: &Vector) -> f32 {
    x.iter().map(|(j, v)| w[*j as usize] * v).sum()
}

/// Like [`dot`] over the columns that are not `shared`.
fn dot_own(w: &[f32], x: &Vector, shared: &[bool]) -> f32 {
    x.iter()
        .filter(|(j, _)| !shared[*j as usize])
        .map(|(j, v)| w[*j as usize] * v)
        .sum()
}

/// Every column but the bias.
fn shared_columns(names: &[String]) -> Vec<bool> {
    names.iter().map(|n| n != "b").collect()
}

/// The training order of the shipped weights. Weights trained in another order differ a
/// little, and at the word budget's edge so do the notes they draft: `samtal eval drafts
/// --loo --orders N` measures by how much.
pub const SHIPPED_ORDER: u64 = 0;

/// A deterministic shuffle: the order of `n` items in `epoch` of training order `seed`.
fn order(n: usize, epoch: usize, seed: u64) -> Vec<usize> {
    let mix = |mut z: u64| {
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
        z ^ (z >> 31)
    };
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by_key(|&i| mix(((seed << 8) + epoch as u64) << 32 | i as u64));
    idx
}

/// AdaGrad step on one weight.
fn step(w: &mut f32, g2: &mut f32, grad: f32) {
    let grad = grad + L2 * *w;
    *g2 += grad * grad;
    *w -= RATE * grad / (g2.sqrt() + 1e-6);
}

/// One example for relevance or speaker.
pub struct Binary {
    pub x: Vector,
    pub y: bool,
    pub weight: f32,
}

/// One example for the section model: the unit's features, cue features per section,
/// each section's class keys, and the right section.
pub struct Choice {
    pub x: Vector,
    pub cues: Vec<[f32; CUES]>,
    pub keys: Vec<[String; 2]>,
    pub target: usize,
    pub weight: f32,
}

fn train_binary(examples: &[Binary], columns: usize, seed: u64) -> Vec<f32> {
    let mut w = vec![0.0f32; columns];
    let mut g2 = vec![0.0f32; columns];
    for epoch in 0..EPOCHS {
        for i in order(examples.len(), epoch, seed) {
            let e = &examples[i];
            let p = sigmoid(dot(&w, &e.x));
            let g = (p - if e.y { 1.0 } else { 0.0 }) * e.weight;
            for (j, v) in &e.x {
                let j = *j as usize;
                step(&mut w[j], &mut g2[j], g * v);
            }
        }
    }
    w
}

impl Model {
    /// Trains all four models, seeing the examples in training order `seed`. `names` are
    /// the feature names by column.
    #[allow(clippy::too_many_arguments)]
    pub fn train(
        names: Vec<String>,
        relevance: &[Binary],
        speaker: &[Binary],
        topics: &[Binary],
        sections: &[Choice],
        meta: Option<Meta>,
        seed: u64,
    ) -> Model {
        let columns = names.len();
        let mut m = Model {
            meta,
            index: names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.clone(), i as u32))
                .collect(),
            names,
            rel: train_binary(relevance, columns, seed),
            spk: train_binary(speaker, columns, seed),
            top: train_binary(topics, columns, seed),
            ..Model::default()
        };
        m.shared = shared_columns(&m.names);
        m.class(ALL);
        for e in sections {
            for k in e.keys.iter().flatten() {
                m.class(k);
            }
        }
        let mut g2 = vec![vec![0.0f32; columns]; m.sec.len()];
        let mut c2 = vec![[0.0f32; CUES]; m.sec.len()];
        let all = m.sec_keys[ALL];
        for epoch in 0..EPOCHS {
            for i in order(sections.len(), epoch, seed) {
                let e = &sections[i];
                let classes: Vec<[usize; 2]> = e
                    .keys
                    .iter()
                    .map(|[a, b]| [m.sec_keys[a], m.sec_keys[b]])
                    .collect();
                let probs = softmax(&m.scores(&e.x, &e.cues, &classes));
                for (s, p) in probs.iter().enumerate() {
                    let g = (p - if s == e.target { 1.0 } else { 0.0 }) * e.weight;
                    if g.abs() < 1e-4 {
                        continue;
                    }
                    for (n, c) in classes[s].into_iter().enumerate() {
                        for (j, v) in &e.x {
                            let j = *j as usize;
                            if n == 1 && m.shared[j] {
                                continue;
                            }
                            step(&mut m.sec[c][j], &mut g2[c][j], g * v);
                        }
                    }
                    for c in [classes[s][0], classes[s][1], all] {
                        for ((w, a), x) in m.cue[c].iter_mut().zip(c2[c].iter_mut()).zip(e.cues[s])
                        {
                            step(w, a, g * x);
                        }
                    }
                }
            }
        }
        m
    }

    /// Index of class `key`, created with zero weights when new.
    fn class(&mut self, key: &str) -> usize {
        if let Some(&i) = self.sec_keys.get(key) {
            return i;
        }
        self.sec_keys.insert(key.to_string(), self.sec.len());
        self.sec.push(vec![0.0; self.names.len()]);
        self.cue.push([0.0; CUES]);
        self.sec.len() - 1
    }

    /// The known features of a unit as a sparse vector (unknown names are left out).
    pub fn encode(&self, features: &[Feature]) -> Vector {
        let mut x: Vector = features
            .iter()
            .filter_map(|(n, v)| self.index.get(n).map(|&j| (j, *v)))
            .collect();
        x.sort_unstable_by_key(|e| e.0);
        x.dedup_by(|a, b| {
            if a.0 == b.0 {
                b.1 += a.1;
                true
            } else {
                false
            }
        });
        x
    }

    /// Probability that a unit belongs in the note.
    pub fn relevance(&self, x: &Vector) -> f32 {
        sigmoid(dot(&self.rel, x))
    }

    /// Probability that the worker said a segment.
    pub fn worker(&self, x: &Vector) -> f32 {
        sigmoid(dot(&self.spk, x))
    }

    /// Probability that an exchange continues the topic of the one before.
    pub fn joins(&self, x: &Vector) -> f32 {
        sigmoid(dot(&self.top, x))
    }

    /// Class indices of a section's keys (unknown keys: none).
    pub fn keys(&self, keys: &[String; 2]) -> [Option<usize>; 2] {
        [
            self.sec_keys.get(&keys[0]).copied(),
            self.sec_keys.get(&keys[1]).copied(),
        ]
    }

    fn scores(&self, x: &Vector, cues: &[[f32; CUES]], classes: &[[usize; 2]]) -> Vec<f32> {
        let all = self.sec_keys[ALL];
        classes
            .iter()
            .zip(cues)
            .map(|(cs, cue)| {
                let mut z = dot(&self.sec[cs[0]], x) + dot_own(&self.sec[cs[1]], x, &self.shared);
                for c in [cs[0], cs[1], all] {
                    z += cue
                        .iter()
                        .zip(&self.cue[c])
                        .map(|(a, b)| a * b)
                        .sum::<f32>();
                }
                z
            })
            .collect()
    }

    /// Section scores for a unit: one per section, each given by its two class keys.
    pub fn section_scores(
        &self,
        x: &Vector,
        cues: &[[f32; CUES]],
        keys: &[[String; 2]],
    ) -> Vec<f32> {
        let all = self.sec_keys.get(ALL).copied();
        keys.iter()
            .zip(cues)
            .map(|(k, cue)| {
                let [role, section] = self.keys(k);
                let mut z = role.map(|c| dot(&self.sec[c], x)).unwrap_or(0.0)
                    + section
                        .map(|c| dot_own(&self.sec[c], x, &self.shared))
                        .unwrap_or(0.0);
                for c in role.into_iter().chain(section).chain(all) {
                    z += cue
                        .iter()
                        .zip(&self.cue[c])
                        .map(|(a, b)| a * b)
                        .sum::<f32>();
                }
                z
            })
            .collect()
    }

    /// The weights as text: one weight a line, zeros left out.
    pub fn to_tsv(&self) -> String {
        let mut out = String::from(
            "# Samtal drafter weights: relevance (rel), speaker (spk), topics (top), sections (sec, cue).\n\
             # Rebuild with `samtal eval train-drafter --set <meetings> --out draft/model/drafter.tsv`.\n",
        );
        if let Some(m) = &self.meta {
            out.push_str(&format!("meta\ttraining_sha256\t{}\n", m.training_sha256));
            out.push_str(&format!("meta\tmeetings\t{}\n", m.meetings));
        }
        let w = |x: f32| format!("{x:.5}");
        // Weights this small change no decision; leaving them out keeps the file small.
        let keep = |x: f32| x.abs() >= 2e-3;
        for (j, name) in self.names.iter().enumerate() {
            if keep(self.rel[j]) {
                out.push_str(&format!("rel\t{name}\t{}\n", w(self.rel[j])));
            }
        }
        for (j, name) in self.names.iter().enumerate() {
            if keep(self.spk[j]) {
                out.push_str(&format!("spk\t{name}\t{}\n", w(self.spk[j])));
            }
        }
        for (j, name) in self.names.iter().enumerate() {
            if keep(self.top[j]) {
                out.push_str(&format!("top\t{name}\t{}\n", w(self.top[j])));
            }
        }
        let classes: BTreeMap<&String, usize> =
            self.sec_keys.iter().map(|(k, v)| (k, *v)).collect();
        for (key, c) in &classes {
            for (k, x) in self.cue[*c].iter().enumerate() {
                if keep(*x) {
                    out.push_str(&format!("cue\t{key}\t{k}\t{}\n", w(*x)));
                }
            }
            for (j, name) in self.names.iter().enumerate() {
                if keep(self.sec[*c][j]) {
                    out.push_str(&format!("sec\t{key}\t{name}\t{}\n", w(self.sec[*c][j])));
                }
            }
        }
        out
    }

    /// Reads weights written by [`Model::to_tsv`].
    pub fn parse(file: &str, source: &str) -> Result<Model, ModelError> {
        let mut m = Model::default();
        let mut meta = (None, None);
        let err = |line: usize, message: String| ModelError {
            file: file.to_string(),
            line,
            message,
        };
        let mut rel: Vec<(String, f32)> = Vec::new();
        let mut spk: Vec<(String, f32)> = Vec::new();
        let mut top: Vec<(String, f32)> = Vec::new();
        let mut sec: Vec<(String, String, f32)> = Vec::new();
        let mut cue: Vec<(String, usize, f32)> = Vec::new();
        for (n, line) in source.lines().enumerate() {
            let n = n + 1;
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            let num = |s: &str| {
                s.parse::<f32>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| err(n, format!("'{s}' is not a number")))
            };
            match f.as_slice() {
                ["meta", "training_sha256", v] => meta.0 = Some(v.to_string()),
                ["meta", "meetings", v] => {
                    meta.1 = Some(v.parse::<usize>().map_err(|_| err(n, "meetings must be a count".into()))?)
                }
                ["rel", name, v] => rel.push((name.to_string(), num(v)?)),
                ["spk", name, v] => spk.push((name.to_string(), num(v)?)),
                ["top", name, v] => top.push((name.to_string(), num(v)?)),
                ["sec", key, name, v] => sec.push((key.to_string(), name.to_string(), num(v)?)),
                ["cue", key, k, v] => {
                    let k = k
                        .parse::<usize>()
                        .ok()
                        .filter(|k| *k < CUES)
                        .ok_or_else(|| err(n, format!("cue index must be below {CUES}")))?;
                    cue.push((key.to_string(), k, num(v)?));
                }
                _ => {
                    return Err(err(
                        n,
                        "expected `rel|spk|top <feature> <weight>`, `sec <class> <feature> <weight>`, `cue <class> <index> <weight>` or `meta <key> <value>`, separated by tabs".into(),
                    ))
                }
            }
        }
        let column = |m: &mut Model, name: &str| -> usize {
            if let Some(&j) = m.index.get(name) {
                return j as usize;
            }
            m.index.insert(name.to_string(), m.names.len() as u32);
            m.names.push(name.to_string());
            m.names.len() - 1
        };
        for (name, _) in rel.iter().chain(&spk).chain(&top) {
            column(&mut m, name);
        }
        for (_, name, _) in &sec {
            column(&mut m, name);
        }
        let cols = m.names.len();
        m.shared = shared_columns(&m.names);
        m.rel = vec![0.0; cols];
        m.spk = vec![0.0; cols];
        m.top = vec![0.0; cols];
        for (name, v) in top {
            m.top[m.index[&name] as usize] = v;
        }
        for (name, v) in rel {
            m.rel[m.index[&name] as usize] = v;
        }
        for (name, v) in spk {
            m.spk[m.index[&name] as usize] = v;
        }
        m.class(ALL);
        for (key, name, v) in sec {
            let c = m.class(&key);
            let j = m.index[&name] as usize;
            m.sec[c][j] = v;
        }
        for (key, k, v) in cue {
            let c = m.class(&key);
            m.cue[c][k] = v;
        }
        if let (Some(training_sha256), Some(meetings)) = meta {
            m.meta = Some(Meta {
                training_sha256,
                meetings,
            });
        }
        Ok(m)
    }
}

fn softmax(z: &[f32]) -> Vec<f32> {
    let max = z.iter().copied().fold(f32::MIN, f32::max);
    let e: Vec<f32> = z.iter().map(|x| (x - max).exp()).collect();
    let sum: f32 = e.iter().sum();
    e.iter().map(|x| x / sum).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        ["b", "w:hyra", "w:kaffe"].map(String::from).to_vec()
    }

    #[test]
    fn learns_a_separable_problem_and_round_trips_through_text() {
        let ex = |j: u32, y| Binary {
            x: vec![(0, 1.0), (j, 1.0)],
            y,
            weight: 1.0,
        };
        let rel: Vec<Binary> = (0..200).flat_map(|_| [ex(1, true), ex(2, false)]).collect();
        let choice = |j: u32, target| Choice {
            x: vec![(0, 1.0), (j, 1.0)],
            cues: vec![[0.0; CUES]; 2],
            keys: vec![
                ["role:facts".into(), "sec:t/a".into()],
                ["role:view".into(), "sec:t/b".into()],
            ],
            target,
            weight: 1.0,
        };
        let sec: Vec<Choice> = (0..200)
            .flat_map(|_| [choice(1, 0), choice(2, 1)])
            .collect();
        let m = Model::train(names(), &rel, &[], &[], &sec, None, SHIPPED_ORDER);
        let hyra = m.encode(&[
            ("b".into(), 1.0),
            ("w:hyra".into(), 1.0),
            ("w:okänt".into(), 1.0),
        ]);
        assert_eq!(hyra.len(), 2);
        assert!(m.relevance(&hyra) > 0.8);
        let keys = [
            ["role:facts".to_string(), "sec:t/a".to_string()],
            ["role:view".to_string(), "sec:other/c".to_string()],
        ];
        let s = m.section_scores(&hyra, &[[0.0; CUES]; 2], &keys);
        assert!(s[0] > s[1], "{s:?}");
        let back = Model::parse("m.tsv", &m.to_tsv()).unwrap();
        let f: Vec<Feature> = vec![("b".into(), 1.0), ("w:hyra".into(), 1.0)];
        assert!((back.relevance(&back.encode(&f)) - m.relevance(&hyra)).abs() < 1e-3);
    }

    #[test]
    fn a_malformed_line_is_named() {
        let e = Model::parse("m.tsv", "# x\nrel\tb\t0.1\nrel b 0.2\n").unwrap_err();
        assert_eq!(e.line, 3);
        let e = Model::parse("m.tsv", "rel\tb\tzero\n").unwrap_err();
        assert!(e.message.contains("not a number"));
    }
}
