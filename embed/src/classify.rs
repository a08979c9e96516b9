//! Plain classifiers for the experiment: standardised features, L2-regularised logistic
//! regression for relevance and a softmax over a template's sections, both fitted by
//! full-batch Adam from zero weights (deterministic: no sampling, fixed iterations).
use std::collections::HashMap;

/// L2 penalty on the mean loss; fixed before any held-out score was seen.
pub const LAMBDA: f32 = 1e-2;
/// Adam steps per fit.
pub const STEPS: usize = 300;
const RATE: f32 = 0.02;

/// Per-dimension mean and standard deviation of training rows.
#[derive(Debug, Clone)]
pub struct Standardize {
    mean: Vec<f32>,
    scale: Vec<f32>,
}

impl Standardize {
    pub fn fit(rows: &[&[f32]]) -> Standardize {
        let d = rows.first().map_or(0, |r| r.len());
        let n = rows.len().max(1) as f64;
        let mut mean = vec![0f64; d];
        let mut sq = vec![0f64; d];
        for r in rows {
            for (j, &v) in r.iter().enumerate() {
                mean[j] += v as f64;
                sq[j] += (v as f64) * (v as f64);
            }
        }
        let mean: Vec<f64> = mean.iter().map(|m| m / n).collect();
        let scale = sq
            .iter()
            .zip(&mean)
            .map(|(s, m)| {
                let sd = (s / n - m * m).max(0.0).sqrt();
                if sd > 1e-6 {
                    (1.0 / sd) as f32
                } else {
                    0.0
                }
            })
            .collect();
        Standardize {
            mean: mean.iter().map(|&m| m as f32).collect(),
            scale,
        }
    }

    /// The standardised row with a constant 1 appended (the bias input).
    pub fn apply(&self, row: &[f32]) -> Vec<f32> {
        let mut z: Vec<f32> = row
            .iter()
            .zip(self.mean.iter().zip(&self.scale))
            .map(|(v, (m, s))| (v - m) * s)
            .collect();
        z.push(1.0);
        z
    }
}

/// Adam on parameters `w` with gradient `grad(w, g)` (which fills `g`).
fn adam(w: &mut [f32], steps: usize, mut grad: impl FnMut(&[f32], &mut [f32])) {
    let (b1, b2, eps) = (0.9f32, 0.999f32, 1e-8f32);
    let mut m = vec![0f32; w.len()];
    let mut v = vec![0f32; w.len()];
    let mut g = vec![0f32; w.len()];
    for t in 1..=steps {
        g.iter_mut().for_each(|x| *x = 0.0);
        grad(w, &mut g);
        let c1 = 1.0 - b1.powi(t as i32);
        let c2 = 1.0 - b2.powi(t as i32);
        for j in 0..w.len() {
            m[j] = b1 * m[j] + (1.0 - b1) * g[j];
            v[j] = b2 * v[j] + (1.0 - b2) * g[j] * g[j];
            w[j] -= RATE * (m[j] / c1) / ((v[j] / c2).sqrt() + eps);
        }
    }
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// Binary logistic regression on standardised rows (bias last).
#[derive(Debug, Clone)]
pub struct Logistic {
    w: Vec<f32>,
}

impl Logistic {
    pub fn fit(x: &[Vec<f32>], y: &[bool], lambda: f32) -> Logistic {
        let d = x.first().map_or(0, |r| r.len());
        let n = x.len().max(1) as f32;
        let mut w = vec![0f32; d];
        adam(&mut w, STEPS, |w, g| {
            for (row, &label) in x.iter().zip(y) {
                let err = sigmoid(dot(w, row)) - if label { 1.0 } else { 0.0 };
                for (gj, xj) in g.iter_mut().zip(row) {
                    *gj += err * xj / n;
                }
            }
            // The bias (last) is not penalised.
            for j in 0..d.saturating_sub(1) {
                g[j] += lambda * w[j];
            }
        });
        Logistic { w }
    }

    pub fn probability(&self, z: &[f32]) -> f32 {
        sigmoid(dot(&self.w, z))
    }
}

/// One example for the section classifier: a unit's standardised vector, the class keys of
/// its template's sections (role and section, as the drafter keys them), a per-section
/// prior score (the drafter's log-probability, or none) and the sections that are right.
#[derive(Debug, Clone)]
pub struct SectionExample {
    pub z: Vec<f32>,
    pub keys: Vec<[String; 2]>,
    pub prior: Option<Vec<f32>>,
    pub right: Vec<usize>,
}

/// Softmax over a template's sections: a section's score is its two keys' weight vectors
/// (shared by every template with that role or section) times the vector, plus a learned
/// multiple of the prior.
#[derive(Debug, Clone)]
pub struct Sections {
    keys: HashMap<String, usize>,
    w: Vec<f32>,
    d: usize,
}

impl Sections {
    pub fn fit(examples: &[SectionExample], lambda: f32) -> Sections {
        let d = examples.first().map_or(0, |e| e.z.len());
        let mut keys: HashMap<String, usize> = HashMap::new();
        for e in examples {
            for k in e.keys.iter().flatten() {
                let next = keys.len();
                keys.entry(k.clone()).or_insert(next);
            }
        }
        let mut model = Sections {
            w: vec![0f32; keys.len() * d + 1],
            keys,
            d,
        };
        let n = examples.len().max(1) as f32;
        let mut w = std::mem::take(&mut model.w);
        adam(&mut w, STEPS, |w, g| {
            for e in examples {
                let idx: Vec<[Option<usize>; 2]> = e.keys.iter().map(|k| model.index(k)).collect();
                let p = model.softmax(w, e, &idx);
                let right: f32 = e.right.iter().map(|&k| p[k]).sum::<f32>().max(1e-12);
                // d(−ln Σ_right p) / d score_k = p_k − [k right] p_k / Σ_right p.
                for (k, ks) in idx.iter().enumerate() {
                    let target = if e.right.contains(&k) {
                        p[k] / right
                    } else {
                        0.0
                    };
                    let err = (p[k] - target) / n;
                    for &o in ks.iter().flatten() {
                        for (gj, zj) in g[o..o + model.d].iter_mut().zip(&e.z) {
                            *gj += err * zj;
                        }
                    }
                    if let Some(prior) = &e.prior {
                        *g.last_mut().expect("prior weight") += err * prior[k];
                    }
                }
            }
            let last = w.len() - 1;
            for j in 0..last {
                // Bias inputs (the last of each key's block) are not penalised.
                if (j + 1) % model.d != 0 {
                    g[j] += lambda * w[j];
                }
            }
        });
        model.w = w;
        model
    }

    fn index(&self, keys: &[String; 2]) -> [Option<usize>; 2] {
        keys.clone().map(|k| self.keys.get(&k).map(|i| i * self.d))
    }

    fn softmax(&self, w: &[f32], e: &SectionExample, idx: &[[Option<usize>; 2]]) -> Vec<f32> {
        let scores: Vec<f32> = idx
            .iter()
            .enumerate()
            .map(|(k, ks)| {
                let s: f32 = ks
                    .iter()
                    .flatten()
                    .map(|&o| dot(&w[o..o + self.d], &e.z))
                    .sum();
                s + e.prior.as_ref().map_or(0.0, |p| w[w.len() - 1] * p[k])
            })
            .collect();
        let max = scores.iter().copied().fold(f32::MIN, f32::max);
        let exp: Vec<f32> = scores.iter().map(|s| (s - max).exp()).collect();
        let sum: f32 = exp.iter().sum();
        exp.iter().map(|x| x / sum).collect()
    }

    /// The most probable section of `e`.
    pub fn predict(&self, e: &SectionExample) -> usize {
        let idx: Vec<[Option<usize>; 2]> = e.keys.iter().map(|k| self.index(k)).collect();
        let p = self.softmax(&self.w, e, &idx);
        (0..p.len())
            .max_by(|&a, &b| p[a].total_cmp(&p[b]))
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logistic_separates_a_separable_set_and_is_deterministic() {
        let rows: Vec<Vec<f32>> = (0..40).map(|i| vec![i as f32, (i % 3) as f32]).collect();
        let y: Vec<bool> = (0..40).map(|i| i >= 20).collect();
        let refs: Vec<&[f32]> = rows.iter().map(|r| r.as_slice()).collect();
        let s = Standardize::fit(&refs);
        let z: Vec<Vec<f32>> = rows.iter().map(|r| s.apply(r)).collect();
        let a = Logistic::fit(&z, &y, LAMBDA);
        let b = Logistic::fit(&z, &y, LAMBDA);
        assert_eq!(a.w, b.w);
        assert!(a.probability(&z[39]) > 0.8 && a.probability(&z[0]) < 0.2);
    }

    #[test]
    fn sections_learn_shared_keys_and_use_the_prior() {
        let keys = vec![
            ["role:a".to_string(), "s:a".to_string()],
            ["role:b".to_string(), "s:b".to_string()],
        ];
        let ex = |v: f32, right: usize, prior: Option<Vec<f32>>| SectionExample {
            z: vec![v, 1.0],
            keys: keys.clone(),
            prior,
            right: vec![right],
        };
        let train: Vec<SectionExample> = (0..20)
            .map(|i| ex(if i % 2 == 0 { 1.0 } else { -1.0 }, i % 2, None))
            .collect();
        let m = Sections::fit(&train, LAMBDA);
        assert_eq!(m.predict(&ex(1.0, 0, None)), 0);
        assert_eq!(m.predict(&ex(-1.0, 1, None)), 1);
        // A prior that always names the right section outweighs an uninformative vector.
        let train: Vec<SectionExample> = (0..20)
            .map(|i| {
                let r = i % 2;
                let prior = if r == 0 {
                    vec![0.0, -3.0]
                } else {
                    vec![-3.0, 0.0]
                };
                ex(0.0, r, Some(prior))
            })
            .collect();
        let m = Sections::fit(&train, LAMBDA);
        assert_eq!(m.predict(&ex(0.0, 1, Some(vec![-3.0, 0.0]))), 1);
    }
}
