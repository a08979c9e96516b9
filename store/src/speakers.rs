//! Speaker attribution in the database: the worker's voice profile (statistics, never
//! audio; one per phone) and who spoke each transcript segment. The profile's bytes are
//! opaque here (`samtal_speaker::VoiceProfile` reads them); they are sealed by the
//! database's encryption and removed with it by a wipe.
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{Store, StoreError};
use crate::sessions::{state_of, SessionId};
use crate::state::{Action, SessionState, TransitionError};
use samtal_draft::transcript::Segment;

/// The stored voice profile.
pub struct StoredVoiceProfile {
    /// Unix milliseconds of the enrolment.
    pub enrolled_at: i64,
    pub bytes: Zeroizing<Vec<u8>>,
}

/// Who spoke a segment: the role label is the segment's own `speaker`; this is the rest.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SegmentSpeaker {
    /// The segment's id.
    pub segment: u32,
    /// The voice within the session (0 is the worker's); all its segments share it, so a
    /// correction can relabel a voice throughout.
    pub voice: u32,
    /// How sure attribution was (0–1); 1 once the worker has set the label.
    pub confidence: f32,
    /// The worker should check this label (flagged in review).
    pub unsure: bool,
}

impl Store {
    /// Stores the worker's voice profile, replacing an earlier one (re-enrolment).
    pub fn save_voice_profile(&self, bytes: &[u8]) -> Result<(), StoreError> {
        if bytes.is_empty() || bytes.len() > 1 << 20 {
            return Err(StoreError::InvalidInput {
                field: "voice profile",
                reason: "must be between 1 byte and 1 MiB",
            });
        }
        let now = self.now_ms();
        self.write(|tx| {
            let replaced = tx.execute("DELETE FROM voice_profile", [])? > 0;
            tx.execute(
                "INSERT INTO voice_profile (id, enrolled_at, body) VALUES (1, ?1, ?2)",
                rusqlite::params![now, bytes],
            )?;
            let kind = if replaced {
                "voice_reenrolled"
            } else {
                "voice_enrolled"
            };
            crate::audit::append(tx, &self.event(now, None, kind, ""))?;
            Ok(())
        })
    }

    pub fn voice_profile(&self) -> Result<Option<StoredVoiceProfile>, StoreError> {
        let conn = self.conn();
        Ok(conn
            .query_row(
                "SELECT enrolled_at, body FROM voice_profile WHERE id = 1",
                [],
                |r| {
                    Ok(StoredVoiceProfile {
                        enrolled_at: r.get(0)?,
                        bytes: Zeroizing::new(r.get(1)?),
                    })
                },
            )
            .optional()?)
    }

    /// Deletes the voice profile (secure_delete overwrites it); `false` if there was none.
    pub fn delete_voice_profile(&self) -> Result<bool, StoreError> {
        let now = self.now_ms();
        self.write(|tx| {
            let deleted = tx.execute("DELETE FROM voice_profile", [])? > 0;
            if deleted {
                crate::audit::append(tx, &self.event(now, None, "voice_deleted", ""))?;
            }
            Ok(deleted)
        })
    }

    /// Replaces a stopped session's transcript with the attributed one (segments split
    /// where the voice changes, renumbered 1..), with who spoke each. Only while
    /// `Stopped`: attribution happens between the end of recording and `Transcribed`.
    pub fn replace_segments(
        &self,
        session: &SessionId,
        segments: &[(Segment, Option<SegmentSpeaker>)],
    ) -> Result<(), StoreError> {
        let now = self.now_ms();
        self.write(|tx| {
            let state = state_of(tx, session)?;
            if state != SessionState::Stopped {
                return Err(StoreError::NotRecording {
                    session: session.to_string(),
                    state,
                });
            }
            tx.execute(
                "DELETE FROM segments WHERE session_id = ?1",
                [session.as_str()],
            )?;
            for (i, (segment, speaker)) in segments.iter().enumerate() {
                let mut stored = segment.clone();
                stored.id = i as u32 + 1;
                insert_segment(tx, session, &stored, speaker.as_ref())?;
            }
            crate::audit::append(
                tx,
                &self.event(now, Some(session), "speakers_attributed", ""),
            )?;
            Ok(())
        })
    }

    /// Who spoke each attributed segment of the session, in segment order.
    pub fn segment_speakers(&self, session: &SessionId) -> Result<Vec<SegmentSpeaker>, StoreError> {
        let conn = self.conn();
        state_of(&conn, session)?;
        let mut stmt = conn.prepare(
            "SELECT id, voice, speaker_confidence, speaker_unsure FROM segments
             WHERE session_id = ?1 AND voice IS NOT NULL ORDER BY id",
        )?;
        let rows = stmt.query_map([session.as_str()], |r| {
            Ok(SegmentSpeaker {
                segment: r.get(0)?,
                voice: r.get(1)?,
                confidence: r.get::<_, Option<f64>>(2)?.unwrap_or(0.0) as f32,
                unsure: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The worker sets the speaker of some segments (`role` is a short label such as
    /// `worker` or `relative`): the label is theirs now, confidence 1, no longer unsure.
    /// Only before approval. Returns how many segments changed.
    pub fn relabel_segments(
        &self,
        session: &SessionId,
        segments: &[u32],
        role: &str,
    ) -> Result<usize, StoreError> {
        super::check_token("speaker", role)?;
        let now = self.now_ms();
        self.write(|tx| {
            let state = state_of(tx, session)?;
            if !state.is_before_approval() {
                return Err(TransitionError::Invalid {
                    from: state,
                    action: Action::Draft,
                }
                .into());
            }
            let mut changed = 0;
            for &id in segments {
                let body: Option<Vec<u8>> = tx
                    .query_row(
                        "SELECT body FROM segments WHERE session_id = ?1 AND id = ?2",
                        rusqlite::params![session.as_str(), id],
                        |r| r.get(0),
                    )
                    .optional()?;
                let Some(body) = body.map(Zeroizing::new) else {
                    return Err(StoreError::InvalidInput {
                        field: "segment",
                        reason: "no such segment in this session",
                    });
                };
                let mut segment: Segment = serde_json::from_slice(&body)
                    .map_err(|e| StoreError::encoding("decode", "segment", &e))?;
                segment.speaker = Some(role.to_string());
                let body = Zeroizing::new(
                    serde_json::to_vec(&segment)
                        .map_err(|e| StoreError::encoding("encode", "segment", &e))?,
                );
                changed += tx.execute(
                    "UPDATE segments SET body = ?3, speaker_confidence = 1.0, speaker_unsure = 0,
                            voice = coalesce(voice, 0)
                     WHERE session_id = ?1 AND id = ?2",
                    rusqlite::params![session.as_str(), id, &body[..]],
                )?;
            }
            crate::audit::append(
                tx,
                &self.event(now, Some(session), "speakers_relabelled", role),
            )?;
            Ok(changed)
        })
    }
}

/// Inserts one segment row (the body is the segment's JSON).
pub(crate) fn insert_segment(
    conn: &rusqlite::Connection,
    session: &SessionId,
    segment: &Segment,
    speaker: Option<&SegmentSpeaker>,
) -> Result<(), StoreError> {
    let body = Zeroizing::new(
        serde_json::to_vec(segment).map_err(|e| StoreError::encoding("encode", "segment", &e))?,
    );
    conn.execute(
        "INSERT INTO segments (session_id, id, start_s, end_s, body, voice, speaker_confidence, speaker_unsure)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        rusqlite::params![
            session.as_str(),
            segment.id,
            segment.start,
            segment.end,
            &body[..],
            speaker.map(|s| s.voice),
            speaker.map(|s| f64::from(s.confidence)),
            speaker.is_some_and(|s| s.unsure)
        ],
    )?;
    Ok(())
}
