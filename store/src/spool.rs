//! Encrypted audio spool: recorded audio goes to disk in short chunks so a crash loses at
//! most one chunk, and each chunk is crypto-shredded as soon as it has been transcribed.
//!
//! Each chunk is one file `spool/<session>/<seq>.chunk` = 24-byte nonce + XChaCha20-Poly1305
//! ciphertext of little-endian f32 samples, under a fresh random key that lives only in
//! the chunk's row of the encrypted database. Shredding deletes the row first (SQLite's
//! secure_delete overwrites it), so the audio is unreadable even if the flash keeps the
//! unlinked file's blocks.
use std::fs;
use std::io::Write;
use std::path::PathBuf;

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rusqlite::OptionalExtension;
use zeroize::Zeroizing;

use crate::keyvault::{sync_dir, SecretKey, KEY_LEN};
use crate::sessions::state_of;
use crate::{SessionId, SessionState, Store, StoreError};

use samtal_audio::SAMPLE_RATE;

/// Longest allowed chunk: one second, the most audio a crash may cost.
pub const MAX_CHUNK_SAMPLES: usize = SAMPLE_RATE as usize;
const NONCE_LEN: usize = 24;

/// A sealed chunk's place in the recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkMeta {
    pub seq: u64,
    /// Position of the first sample in the whole recording.
    pub start_sample: u64,
    pub n_samples: u32,
}

impl ChunkMeta {
    pub fn end_sample(&self) -> u64 {
        self.start_sample + u64::from(self.n_samples)
    }
}

/// What crash recovery found in a session's spool.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpoolRecovery {
    /// Chunks that decrypt and are waiting to be transcribed.
    pub chunks: Vec<ChunkMeta>,
    /// Chunks whose file was missing or damaged (their key is destroyed too).
    pub dropped: usize,
    /// Files without a key (written just before a crash); removed.
    pub orphans: usize,
}

fn session_dir(store: &Store, session: &SessionId) -> PathBuf {
    store.spool_dir().join(session.as_str())
}

fn chunk_path(store: &Store, session: &SessionId, seq: u64) -> PathBuf {
    session_dir(store, session).join(format!("{seq:010}.chunk"))
}

fn aad(session: &SessionId, meta: &ChunkMeta) -> Vec<u8> {
    let mut aad = b"samtal-spool-v1".to_vec();
    aad.extend_from_slice(session.as_str().as_bytes());
    aad.extend_from_slice(&meta.seq.to_le_bytes());
    aad.extend_from_slice(&meta.start_sample.to_le_bytes());
    aad.extend_from_slice(&meta.n_samples.to_le_bytes());
    aad
}

/// Encrypts `samples` as the session's next chunk, writes and fsyncs it, then records its
/// key. Only a session in `Recording` accepts audio.
pub fn seal(store: &Store, session: &SessionId, samples: &[f32]) -> Result<ChunkMeta, StoreError> {
    if samples.is_empty() || samples.len() > MAX_CHUNK_SAMPLES {
        return Err(StoreError::InvalidInput {
            field: "audio chunk",
            reason: "must hold at least one sample and at most one second of audio",
        });
    }
    let (seq, start_sample) = {
        let conn = store.conn();
        let state = state_of(&conn, session)?;
        if state != SessionState::Recording {
            return Err(StoreError::NotRecording {
                session: session.to_string(),
                state,
            });
        }
        conn.query_row(
            "SELECT (SELECT coalesce(max(seq), -1) + 1 FROM spool_chunks WHERE session_id = ?1),
                    captured_samples FROM sessions WHERE id = ?1",
            [session.as_str()],
            |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
        )?
    };
    let meta = ChunkMeta {
        seq,
        start_sample,
        n_samples: samples.len() as u32,
    };
    let key = SecretKey::generate();
    let cipher = XChaCha20Poly1305::new(key.expose().into());
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let mut plain = Zeroizing::new(Vec::with_capacity(samples.len() * 4));
    for s in samples {
        plain.extend_from_slice(&s.to_le_bytes());
    }
    let aad = aad(session, &meta);
    let sealed = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: &plain,
                aad: &aad,
            },
        )
        .map_err(|_| StoreError::InvalidInput {
            field: "audio chunk",
            reason: "encryption failed",
        })?;

    let dir = session_dir(store, session);
    crate::keyvault::create_private_dir(&dir)?;
    let path = chunk_path(store, session, seq);
    let tmp = path.with_extension("tmp");
    {
        let mut f = fs::File::create(&tmp).map_err(StoreError::io(&tmp))?;
        f.write_all(&nonce).map_err(StoreError::io(&tmp))?;
        f.write_all(&sealed).map_err(StoreError::io(&tmp))?;
        f.sync_all().map_err(StoreError::io(&tmp))?;
    }
    fs::rename(&tmp, &path).map_err(StoreError::io(&path))?;
    sync_dir(&dir);

    let mut conn = store.conn();
    let tx = conn.transaction()?;
    let inserted = tx.execute(
        "INSERT INTO spool_chunks (session_id, seq, start_sample, n_samples, chunk_key)
         SELECT ?1, ?2, ?3, ?4, ?5 FROM sessions WHERE id = ?1 AND state = 'recording'",
        rusqlite::params![
            session.as_str(),
            seq as i64,
            start_sample as i64,
            meta.n_samples,
            &key.expose()[..]
        ],
    )?;
    if inserted == 1 {
        tx.execute(
            "UPDATE sessions SET captured_samples = ?2 WHERE id = ?1",
            rusqlite::params![session.as_str(), meta.end_sample() as i64],
        )?;
        tx.commit()?;
        Ok(meta)
    } else {
        // The session stopped being a recording meanwhile (e.g. withdrawn): drop the file.
        let state = state_of(&tx, session)?;
        drop(tx);
        drop(conn);
        let _ = fs::remove_file(&path);
        Err(StoreError::NotRecording {
            session: session.to_string(),
            state,
        })
    }
}

/// The session's chunks still on disk, in recording order.
pub fn chunks(store: &Store, session: &SessionId) -> Result<Vec<ChunkMeta>, StoreError> {
    let conn = store.conn();
    let mut stmt = conn.prepare(
        "SELECT seq, start_sample, n_samples FROM spool_chunks WHERE session_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([session.as_str()], |r| {
        Ok(ChunkMeta {
            seq: r.get::<_, i64>(0)? as u64,
            start_sample: r.get::<_, i64>(1)? as u64,
            n_samples: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Decrypts one chunk's samples.
pub fn open(store: &Store, session: &SessionId, meta: &ChunkMeta) -> Result<Vec<f32>, StoreError> {
    let key: Option<Vec<u8>> = store
        .conn()
        .query_row(
            "SELECT chunk_key FROM spool_chunks WHERE session_id = ?1 AND seq = ?2",
            rusqlite::params![session.as_str(), meta.seq as i64],
            |r| r.get(0),
        )
        .optional()?;
    let corrupt = || StoreError::ChunkCorrupt {
        session: session.to_string(),
        seq: meta.seq,
    };
    let key = Zeroizing::new(key.ok_or_else(corrupt)?);
    if key.len() != KEY_LEN {
        return Err(corrupt());
    }
    let path = chunk_path(store, session, meta.seq);
    let data = fs::read(&path).map_err(StoreError::io(&path))?;
    if data.len() < NONCE_LEN {
        return Err(corrupt());
    }
    let cipher = XChaCha20Poly1305::new(key.as_slice().into());
    let plain = Zeroizing::new(
        cipher
            .decrypt(
                XNonce::from_slice(&data[..NONCE_LEN]),
                Payload {
                    msg: &data[NONCE_LEN..],
                    aad: &aad(session, meta),
                },
            )
            .map_err(|_| corrupt())?,
    );
    if plain.len() != meta.n_samples as usize * 4 {
        return Err(corrupt());
    }
    Ok(plain
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}

/// Shreds every chunk that ends at or before `until_sample` (it has been transcribed):
/// destroys its key, deletes its file, and records how far transcription got.
pub fn shred_until(
    store: &Store,
    session: &SessionId,
    until_sample: u64,
) -> Result<usize, StoreError> {
    let seqs: Vec<u64> = store.write(|tx| {
        let seqs = {
            let mut stmt = tx.prepare(
                "SELECT seq FROM spool_chunks WHERE session_id = ?1 AND start_sample + n_samples <= ?2",
            )?;
            let rows = stmt.query_map(
                rusqlite::params![session.as_str(), until_sample as i64],
                |r| r.get::<_, i64>(0),
            )?;
            rows.map(|r| r.map(|s| s as u64))
                .collect::<Result<Vec<_>, _>>()?
        };
        tx.execute(
            "DELETE FROM spool_chunks WHERE session_id = ?1 AND start_sample + n_samples <= ?2",
            rusqlite::params![session.as_str(), until_sample as i64],
        )?;
        tx.execute(
            "UPDATE sessions SET transcribed_until = max(transcribed_until, ?2) WHERE id = ?1",
            rusqlite::params![
                session.as_str(),
                until_sample as f64 / f64::from(SAMPLE_RATE)
            ],
        )?;
        Ok(seqs)
    })?;
    for seq in &seqs {
        let path = chunk_path(store, session, *seq);
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(StoreError::io(&path)(e)),
        }
    }
    if !seqs.is_empty() {
        sync_dir(&session_dir(store, session));
        tracing::debug!(session = %session, chunks = seqs.len(), "spool chunks shredded");
    }
    Ok(seqs.len())
}

/// After a crash: keeps the chunks that still decrypt, destroys the keys of chunks whose
/// file is gone or damaged, and removes files that never got a key.
pub fn recover(store: &Store, session: &SessionId) -> Result<SpoolRecovery, StoreError> {
    let mut report = SpoolRecovery::default();
    for meta in chunks(store, session)? {
        match open(store, session, &meta) {
            Ok(mut samples) => {
                samples.iter_mut().for_each(|s| *s = 0.0);
                report.chunks.push(meta);
            }
            Err(StoreError::ChunkCorrupt { .. }) | Err(StoreError::Io { .. }) => {
                store.conn().execute(
                    "DELETE FROM spool_chunks WHERE session_id = ?1 AND seq = ?2",
                    rusqlite::params![session.as_str(), meta.seq as i64],
                )?;
                let _ = fs::remove_file(chunk_path(store, session, meta.seq));
                report.dropped += 1;
            }
            Err(e) => return Err(e),
        }
    }
    let dir = session_dir(store, session);
    if let Ok(entries) = fs::read_dir(&dir) {
        let known: Vec<PathBuf> = report
            .chunks
            .iter()
            .map(|m| chunk_path(store, session, m.seq))
            .collect();
        for entry in entries.flatten() {
            let path = entry.path();
            if !known.contains(&path) {
                fs::remove_file(&path).map_err(StoreError::io(&path))?;
                report.orphans += 1;
            }
        }
        sync_dir(&dir);
    }
    tracing::info!(
        session = %session,
        chunks = report.chunks.len(),
        dropped = report.dropped,
        orphans = report.orphans,
        "spool recovered"
    );
    Ok(report)
}

/// Removes a session's spool directory (its keys must already be gone from the database).
pub fn remove_session_files(store: &Store, session: &SessionId) -> Result<(), StoreError> {
    let dir = session_dir(store, session);
    match fs::remove_dir_all(&dir) {
        Ok(()) => {
            sync_dir(&store.spool_dir());
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StoreError::io(&dir)(e)),
    }
}
