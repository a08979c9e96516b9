//! Grouping pieces by voice and naming the voices. Pieces long enough to be reliable are
//! clustered bottom-up (the worker's profile takes part as one more member, so the
//! worker's pieces gather around it); voices that are not clearly present are dissolved;
//! every piece then goes to the nearest remaining voice, a few times over as the voices'
//! statistics settle; finally the voices get roles and the pieces join into turns.
use crate::embedding::{Embedding, Scale, VoiceStats};
use crate::features::{Frame, FRAME_RATE};
use crate::pieces::{pieces, speech_mask};
use crate::{Attribution, Config, Participants, Role, Turn, Voice, VoiceProfile};
use std::ops::Range;

struct Piece {
    frames: Range<usize>,
    stats: VoiceStats,
}

/// Shortest half (s) of a piece used to measure how much one voice varies.
const HALF_SECONDS: f64 = 0.5;

/// A group of pieces taken as one voice.
#[derive(Clone)]
struct Cluster {
    members: Vec<usize>,
    /// The worker's profile is in this cluster.
    worker: bool,
    stats: VoiceStats,
}

fn cluster_stats(
    members: &[usize],
    worker: bool,
    pieces: &[Piece],
    profile: &VoiceStats,
) -> VoiceStats {
    let mut stats = if worker {
        profile.clone()
    } else {
        VoiceStats::default()
    };
    for &m in members {
        stats.add(&pieces[m].stats);
    }
    stats
}

/// Durations count up to this many frames (15 s) when judging whether two clusters differ.
const SEPARATION_CAP: u32 = 1_500;

/// Bottom-up clustering by how far apart clusters are compared with how much one voice
/// varies, until no two clusters are closer than `merge_distance`.
fn agglomerate(mut clusters: Vec<Cluster>, scale: &Scale, merge_distance: f64) -> Vec<Cluster> {
    let n = clusters.len();
    let mut alive = vec![true; n];
    let mut dist = vec![f64::INFINITY; n * n];
    for i in 0..n {
        for j in i + 1..n {
            dist[i * n + j] =
                scale.separation(&clusters[i].stats, &clusters[j].stats, SEPARATION_CAP);
        }
    }
    loop {
        let mut best = (f64::INFINITY, 0, 0);
        for i in (0..n).filter(|&i| alive[i]) {
            for j in (i + 1..n).filter(|&j| alive[j]) {
                if dist[i * n + j] < best.0 {
                    best = (dist[i * n + j], i, j);
                }
            }
        }
        let (d, i, j) = best;
        if d >= merge_distance {
            break;
        }
        let absorbed = std::mem::replace(
            &mut clusters[j],
            Cluster {
                members: Vec::new(),
                worker: false,
                stats: VoiceStats::default(),
            },
        );
        alive[j] = false;
        clusters[i].members.extend(absorbed.members);
        clusters[i].worker |= absorbed.worker;
        clusters[i].stats.add(&absorbed.stats);
        for k in (0..n).filter(|&k| alive[k] && k != i) {
            let (a, b) = (i.min(k), i.max(k));
            dist[a * n + b] =
                scale.separation(&clusters[i].stats, &clusters[k].stats, SEPARATION_CAP);
        }
    }
    clusters
        .into_iter()
        .zip(alive)
        .filter(|(_, a)| *a)
        .map(|(c, _)| c)
        .collect()
}

fn nearest(embedding: &Embedding, centroids: &[Embedding]) -> usize {
    (0..centroids.len())
        .min_by(|a, b| {
            embedding
                .distance(&centroids[*a])
                .total_cmp(&embedding.distance(&centroids[*b]))
        })
        .unwrap_or(0)
}

/// The likeliest voice for each piece in turn (Viterbi): a change of voice between pieces
/// closer than `max_gap` (s) costs `switch`, so a short piece that is unclear on its own
/// goes with its neighbours, while a clear change of speaker still wins.
fn smooth(costs: &[Vec<f64>], gaps: &[f64], switch: f64, max_gap: f64) -> Vec<usize> {
    let Some(voices) = costs.first().map(Vec::len) else {
        return Vec::new();
    };
    let mut total = costs[0].clone();
    let mut back: Vec<Vec<usize>> = vec![(0..voices).collect()];
    for (cost, gap) in costs.iter().zip(gaps).skip(1) {
        let penalty = if *gap <= max_gap { switch } else { 0.0 };
        let mut next = vec![0.0; voices];
        let mut from = vec![0; voices];
        for v in 0..voices {
            let (best, value) = (0..voices)
                .map(|u| (u, total[u] + if u == v { 0.0 } else { penalty }))
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .expect("at least one voice");
            next[v] = value + cost[v];
            from[v] = best;
        }
        total = next;
        back.push(from);
    }
    let mut v = (0..voices)
        .min_by(|a, b| total[*a].total_cmp(&total[*b]))
        .expect("at least one voice");
    let mut path = vec![0; costs.len()];
    for i in (0..costs.len()).rev() {
        path[i] = v;
        v = back[i][v];
    }
    path
}

/// How clearly a piece belongs to its own voice rather than the next nearest (0–1).
fn confidence(own: f64, second: f64) -> f32 {
    if !second.is_finite() {
        return 1.0;
    }
    (((second - own) / (second + own).max(1e-9)).clamp(0.0, 1.0)) as f32
}

/// The confidence of `embedding` belonging to voice `v` among `centroids`.
fn confidence_in(embedding: &Embedding, centroids: &[Embedding], v: usize) -> f32 {
    let second = centroids
        .iter()
        .enumerate()
        .filter(|(k, _)| *k != v)
        .map(|(_, c)| embedding.distance(c))
        .fold(f64::INFINITY, f64::min);
    confidence(embedding.distance(&centroids[v]), second)
}

/// Pieces of one voice each, with the statistics of their speech frames only (the short
/// silences inside a piece say nothing about the voice), and the two halves of the longer
/// ones.
fn cut(frames: &[Frame], config: &Config) -> (Vec<Piece>, Vec<(VoiceStats, VoiceStats)>) {
    let mask = speech_mask(frames, &config.pieces);
    let speech_stats =
        |r: Range<usize>| VoiceStats::of_frames(r.filter(|&i| mask[i]).map(|i| &frames[i]));
    let pieces: Vec<Piece> = pieces(frames, &config.pieces)
        .into_iter()
        .map(|r| Piece {
            stats: speech_stats(r.clone()),
            frames: r,
        })
        .collect();
    let halves = pieces
        .iter()
        .filter(|p| p.stats.seconds() >= 2.0 * HALF_SECONDS)
        .map(|p| {
            let middle = p.frames.start + p.frames.len() / 2;
            (
                speech_stats(p.frames.start..middle),
                speech_stats(middle..p.frames.end),
            )
        })
        .collect();
    (pieces, halves)
}

/// The voices of the meeting: the worker's (first, with the profile in it), then the other
/// voices that are clearly present, at most as many as there are roles for them.
fn find_voices(
    pieces: &[Piece],
    scale: &Scale,
    profile: &VoiceStats,
    roles: usize,
    config: &Config,
) -> Vec<Cluster> {
    let total_seconds: f64 = pieces.iter().map(|p| p.stats.seconds()).sum();
    let mut seeds = vec![Cluster {
        members: Vec::new(),
        worker: true,
        stats: profile.clone(),
    }];
    seeds.extend(
        pieces
            .iter()
            .enumerate()
            .filter(|(_, p)| p.stats.seconds() >= config.min_reliable)
            .map(|(i, p)| Cluster {
                members: vec![i],
                worker: false,
                stats: p.stats.clone(),
            }),
    );
    let (mut kept, mut others): (Vec<Cluster>, Vec<Cluster>) =
        agglomerate(seeds, scale, config.merge_distance)
            .into_iter()
            .partition(|c| c.worker);
    others.sort_by(|a, b| b.stats.seconds().total_cmp(&a.stats.seconds()));
    for (rank, cluster) in others.into_iter().enumerate() {
        let seconds = cluster.stats.seconds();
        let clear = rank == 0
            || (seconds >= config.min_voice_seconds
                && seconds >= config.min_voice_share * total_seconds);
        if rank < roles && clear {
            kept.push(cluster);
        }
    }
    kept
}

/// Each piece's voice: every piece to the nearest voice until that settles, then the
/// likeliest sequence of voices (see [`smooth`]). Returns it with the voices' centroids.
fn assign(
    pieces: &[Piece],
    embeddings: &[Embedding],
    mut voices: Vec<Cluster>,
    scale: &Scale,
    profile: &VoiceStats,
    config: &Config,
) -> (Vec<usize>, Vec<Embedding>) {
    let mut assignment = vec![0usize; pieces.len()];
    for _ in 0..5 {
        let centroids: Vec<Embedding> = voices.iter().map(|c| scale.embed(&c.stats)).collect();
        let next: Vec<usize> = embeddings.iter().map(|e| nearest(e, &centroids)).collect();
        if next == assignment {
            break;
        }
        assignment = next;
        for (v, cluster) in voices.iter_mut().enumerate() {
            cluster.members = (0..pieces.len()).filter(|&i| assignment[i] == v).collect();
            cluster.stats = cluster_stats(&cluster.members, cluster.worker, pieces, profile);
        }
    }
    let centroids: Vec<Embedding> = voices.iter().map(|c| scale.embed(&c.stats)).collect();
    let costs: Vec<Vec<f64>> = pieces
        .iter()
        .map(|p| centroids.iter().map(|c| scale.cost(&p.stats, c)).collect())
        .collect();
    let gaps: Vec<f64> = (0..pieces.len())
        .map(|i| match i {
            0 => f64::INFINITY,
            _ => (pieces[i].frames.start - pieces[i - 1].frames.end) as f64 / FRAME_RATE,
        })
        .collect();
    let assignment = smooth(&costs, &gaps, config.switch_penalty, config.max_turn_gap);
    (assignment, centroids)
}

/// Names the voices: the worker's is voice 0, the others are numbered and given roles in
/// order of talk in the meeting (the profile not counted). Returns the voices and each
/// cluster's voice number.
fn name_voices(
    pieces: &[Piece],
    assignment: &[usize],
    clusters: usize,
    participants: &Participants,
) -> (Vec<Voice>, Vec<u32>) {
    let talk = |v: usize| -> f64 {
        (0..pieces.len())
            .filter(|&i| assignment[i] == v)
            .map(|i| pieces[i].stats.seconds())
            .fold(0.0, |a, b| a + b)
    };
    let roles = participants.roles_by_talk();
    let mut order: Vec<usize> = (1..clusters).filter(|&v| talk(v) > 0.0).collect();
    order.sort_by(|a, b| talk(*b).total_cmp(&talk(*a)));
    let mut voice_of = vec![0u32; clusters];
    let mut voices = vec![Voice {
        id: 0,
        role: Role::Worker,
        seconds: talk(0),
    }];
    for (rank, &v) in order.iter().enumerate() {
        voice_of[v] = rank as u32 + 1;
        voices.push(Voice {
            id: rank as u32 + 1,
            role: roles.get(rank).copied().unwrap_or(Role::Other),
            seconds: talk(v),
        });
    }
    (voices, voice_of)
}

/// Pieces of one voice close together form a turn, its confidence their duration-weighted
/// mean; a short gap between turns is split at its middle, so the turns cover who holds the
/// floor.
fn join_turns(
    pieces: &[Piece],
    labels: &[(u32, f32)],
    voices: &[Voice],
    config: &Config,
) -> Vec<Turn> {
    let mut turns: Vec<(Turn, f64)> = Vec::new();
    for (piece, &(voice, conf)) in pieces.iter().zip(labels) {
        let weight = piece.stats.seconds();
        let start = piece.frames.start as f64 / FRAME_RATE;
        let end = piece.frames.end as f64 / FRAME_RATE;
        match turns.last_mut() {
            Some((turn, w)) if turn.voice == voice && start - turn.end <= config.max_turn_gap => {
                turn.confidence = ((f64::from(turn.confidence) * *w + f64::from(conf) * weight)
                    / (*w + weight).max(1e-9)) as f32;
                *w += weight;
                turn.end = end;
            }
            _ => turns.push((
                Turn {
                    start,
                    end,
                    role: voices[voice as usize].role,
                    voice,
                    confidence: conf,
                    low_confidence: false,
                },
                weight,
            )),
        }
    }
    let mut turns: Vec<Turn> = turns.into_iter().map(|(t, _)| t).collect();
    for i in 1..turns.len() {
        let gap = turns[i].start - turns[i - 1].end;
        if gap > 0.0 && gap <= 1.0 {
            let middle = turns[i - 1].end + gap / 2.0;
            turns[i - 1].end = middle;
            turns[i].start = middle;
        }
    }
    for turn in &mut turns {
        turn.low_confidence = turn.confidence < config.low_confidence;
    }
    turns
}

pub(crate) fn attribute(
    frames: &[Frame],
    profile: &VoiceProfile,
    participants: &Participants,
    config: &Config,
) -> Attribution {
    let (pieces, halves) = cut(frames, config);
    if pieces.is_empty() {
        return Attribution {
            turns: Vec::new(),
            voices: Vec::new(),
        };
    }
    let piece_stats: Vec<VoiceStats> = pieces.iter().map(|p| p.stats.clone()).collect();
    let mut pooled = VoiceStats::default();
    for stats in &piece_stats {
        pooled.add(stats);
    }
    let scale = Scale::new(pooled, &halves, &piece_stats);
    let profile = profile.stats();
    let embeddings: Vec<Embedding> = piece_stats.iter().map(|s| scale.embed(s)).collect();

    let roles = participants.roles_by_talk().len();
    let clusters = find_voices(&pieces, &scale, profile, roles, config);
    let count = clusters.len();
    let (assignment, centroids) = assign(&pieces, &embeddings, clusters, &scale, profile, config);
    let (voices, voice_of) = name_voices(&pieces, &assignment, count, participants);
    let labels: Vec<(u32, f32)> = assignment
        .iter()
        .zip(&embeddings)
        .map(|(&v, e)| (voice_of[v], confidence_in(e, &centroids, v)))
        .collect();
    Attribution {
        turns: join_turns(&pieces, &labels, &voices, config),
        voices,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::{frames_of, tests::speak};

    fn pause(seconds: f32) -> Vec<f32> {
        vec![0.0; (seconds * crate::SAMPLE_RATE as f32) as usize]
    }

    const WORKER: (f32, f32, f32) = (200.0, 850.0, 2_000.0);
    const CITIZEN: (f32, f32, f32) = (105.0, 600.0, 1_100.0);
    const RELATIVE: (f32, f32, f32) = (150.0, 420.0, 2_600.0);

    fn profile() -> VoiceProfile {
        VoiceProfile::enroll(&speak(WORKER, 16.0)).unwrap()
    }

    /// Builds a meeting from (voice, seconds) turns with pauses; returns audio and truth.
    fn meeting(turns: &[((f32, f32, f32), f32, Role)]) -> (Vec<f32>, Vec<(f64, f64, Role)>) {
        let mut audio = pause(0.5);
        let mut truth = Vec::new();
        for (voice, seconds, role) in turns {
            let start = audio.len() as f64 / crate::SAMPLE_RATE as f64;
            audio.extend(speak(*voice, *seconds));
            truth.push((start, audio.len() as f64 / crate::SAMPLE_RATE as f64, *role));
            audio.extend(pause(0.7));
        }
        (audio, truth)
    }

    fn accuracy(attribution: &Attribution, truth: &[(f64, f64, Role)]) -> f64 {
        let (mut right, mut all) = (0, 0);
        for (start, end, role) in truth {
            let mut t = *start;
            while t < *end {
                all += 1;
                if attribution.at(t).map(|turn| turn.role) == Some(*role) {
                    right += 1;
                }
                t += 0.01;
            }
        }
        right as f64 / all as f64
    }

    #[test]
    fn worker_by_profile_citizen_by_most_talk_and_a_clear_third_voice() {
        let (audio, truth) = meeting(&[
            (WORKER, 4.0, Role::Worker),
            (CITIZEN, 6.0, Role::Citizen),
            (WORKER, 3.0, Role::Worker),
            (RELATIVE, 4.0, Role::Relative),
            (CITIZEN, 5.0, Role::Citizen),
            (WORKER, 2.0, Role::Worker),
            (RELATIVE, 4.0, Role::Relative),
            (CITIZEN, 5.0, Role::Citizen),
            (RELATIVE, 4.0, Role::Relative),
        ]);
        let config = Config {
            min_voice_seconds: 5.0,
            ..Config::default()
        };
        let found = crate::attribute(&audio, &profile(), &Participants::unknown(), &config);
        let score = accuracy(&found, &truth);
        assert!(score > 0.97, "{score}: {found:#?}");
        assert_eq!(found.voices.len(), 3);
        assert_eq!(found.voices[0].role, Role::Worker);
        assert!(found.turns.iter().all(|t| !t.low_confidence), "{found:#?}");
    }

    #[test]
    fn a_voice_heard_only_briefly_is_not_a_further_person() {
        let (audio, truth) = meeting(&[
            (WORKER, 5.0, Role::Worker),
            (CITIZEN, 8.0, Role::Citizen),
            (WORKER, 5.0, Role::Worker),
            (CITIZEN, 8.0, Role::Citizen),
        ]);
        let found = crate::attribute(
            &audio,
            &profile(),
            &Participants::unknown(),
            &Config::default(),
        );
        assert_eq!(found.voices.len(), 2, "{found:#?}");
        assert!(accuracy(&found, &truth) > 0.97);
    }

    #[test]
    fn declared_participants_name_the_other_voice() {
        let (audio, truth) = meeting(&[
            (WORKER, 4.0, Role::Worker),
            (CITIZEN, 6.0, Role::Relative),
            (WORKER, 4.0, Role::Worker),
            (CITIZEN, 6.0, Role::Relative),
        ]);
        let phone_call_with_son = Participants::new(vec![Role::Relative]);
        let found = crate::attribute(&audio, &profile(), &phone_call_with_son, &Config::default());
        assert!(accuracy(&found, &truth) > 0.97, "{found:#?}");
    }

    #[test]
    fn a_speaker_cutting_in_without_a_pause_starts_a_new_turn() {
        let mut audio = pause(0.5);
        audio.extend(speak(WORKER, 5.0));
        let change = audio.len() as f64 / crate::SAMPLE_RATE as f64;
        audio.extend(speak(CITIZEN, 5.0));
        audio.extend(pause(0.5));
        let found = crate::attribute(
            &audio,
            &profile(),
            &Participants::unknown(),
            &Config::default(),
        );
        assert_eq!(found.turns.len(), 2, "{found:#?}");
        assert_eq!(found.turns[0].role, Role::Worker);
        assert_eq!(found.turns[1].role, Role::Citizen);
        assert!((found.turns[1].start - change).abs() < 0.15, "{found:#?}");
    }

    #[test]
    fn silence_gives_no_turns() {
        let found = crate::attribute(
            &pause(5.0),
            &profile(),
            &Participants::unknown(),
            &Config::default(),
        );
        assert!(found.turns.is_empty() && found.voices.is_empty());
    }

    #[test]
    fn an_unclear_short_piece_goes_with_its_neighbours_but_a_clear_change_wins() {
        let costs = vec![
            vec![1.0, 30.0],
            vec![6.0, 4.0],
            vec![1.0, 30.0],
            vec![40.0, 2.0],
            vec![35.0, 1.0],
        ];
        let close = vec![f64::INFINITY, 0.3, 0.3, 0.3, 0.3];
        assert_eq!(smooth(&costs, &close, 5.0, 1.5), [0, 0, 0, 1, 1]);
        assert_eq!(smooth(&costs, &close, 0.0, 1.5), [0, 1, 0, 1, 1]);
        let far = vec![f64::INFINITY, 3.0, 3.0, 3.0, 3.0];
        assert_eq!(smooth(&costs, &far, 5.0, 1.5), [0, 1, 0, 1, 1]);
        assert!(smooth(&[], &[], 5.0, 1.5).is_empty());
    }

    #[test]
    fn confidence_is_high_when_clearly_nearer_and_zero_when_halfway() {
        assert!(confidence(0.5, 5.0) > 0.8);
        assert_eq!(confidence(2.0, 2.0), 0.0);
        assert_eq!(confidence(1.0, f64::INFINITY), 1.0);
    }

    #[test]
    fn frames_alone_are_enough() {
        let (audio, _) = meeting(&[(WORKER, 3.0, Role::Worker), (CITIZEN, 3.0, Role::Citizen)]);
        let frames = frames_of(&audio);
        let a = attribute(
            &frames,
            &profile(),
            &Participants::unknown(),
            &Config::default(),
        );
        let b = crate::attribute(
            &audio,
            &profile(),
            &Participants::unknown(),
            &Config::default(),
        );
        assert_eq!(a, b);
    }
}
