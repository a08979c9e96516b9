-- Speaker attribution. The worker's voice profile: statistics of their voice (never
-- audio), one per phone, sealed like everything else by the database's encryption.
CREATE TABLE voice_profile (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    enrolled_at INTEGER NOT NULL, -- unix milliseconds
    body        BLOB NOT NULL     -- samtal_speaker::VoiceProfile::to_bytes
);

-- Who spoke each segment, as attribution proposed it or the worker corrected it:
-- the voice number within the session, how sure attribution was (0–1), and whether the
-- worker should check it. NULL voice: not attributed (no profile was enrolled).
ALTER TABLE segments ADD COLUMN voice INTEGER;
ALTER TABLE segments ADD COLUMN speaker_confidence REAL;
ALTER TABLE segments ADD COLUMN speaker_unsure INTEGER NOT NULL DEFAULT 0;

-- Who takes part besides the worker, as declared at consent (comma-separated roles such
-- as 'citizen,relative'); empty when not declared.
ALTER TABLE consents ADD COLUMN present TEXT NOT NULL DEFAULT '';

-- What a draft was made with besides the transcript (date, contact kind, participants'
-- names), so the draft can be made again after the worker corrects who spoke.
CREATE TABLE draft_contexts (
    session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    updated_at INTEGER NOT NULL,
    body       BLOB NOT NULL -- JSON samtal_draft::DraftContext
);
