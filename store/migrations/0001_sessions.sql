-- Meeting sessions and everything captured in them. Content columns (segments, drafts,
-- notes) hold JSON; the whole file is encrypted by SQLCipher.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE sessions (
    id                TEXT PRIMARY KEY,
    state             TEXT NOT NULL,
    created_at        INTEGER NOT NULL, -- unix milliseconds
    updated_at        INTEGER NOT NULL,
    -- Samples (16 kHz) sealed into the spool so far, over the whole recording.
    captured_samples  INTEGER NOT NULL DEFAULT 0,
    -- Seconds of recording fully transcribed; audio before it has been shredded.
    transcribed_until REAL NOT NULL DEFAULT 0
);

-- How the citizen was informed and what they decided; never content.
CREATE TABLE consents (
    session_id   TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    decision     TEXT NOT NULL CHECK (decision IN ('given', 'refused')),
    informed_by  TEXT NOT NULL CHECK (informed_by IN ('verbal', 'written', 'interpreter')),
    language     TEXT NOT NULL,
    obtained_by  TEXT NOT NULL,
    recorded_at  INTEGER NOT NULL,
    withdrawn_at INTEGER
);

-- One row per sealed audio chunk on disk; chunk_key is that chunk's own AEAD key, so
-- deleting the row (secure_delete is on) destroys the audio even if the file survives.
CREATE TABLE spool_chunks (
    session_id   TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    start_sample INTEGER NOT NULL,
    n_samples    INTEGER NOT NULL,
    chunk_key    BLOB NOT NULL,
    PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;

CREATE TABLE segments (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    id         INTEGER NOT NULL,
    start_s    REAL NOT NULL,
    end_s      REAL NOT NULL,
    body       BLOB NOT NULL, -- JSON transcript::Segment
    PRIMARY KEY (session_id, id)
) WITHOUT ROWID;

CREATE TABLE drafts (
    session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    updated_at INTEGER NOT NULL,
    body       BLOB NOT NULL -- JSON of the drafting/review model
);

CREATE TABLE notes (
    session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    updated_at INTEGER NOT NULL,
    body       BLOB NOT NULL -- JSON of the approved note
);

-- What stays after the endpoint confirmed delivery: no content, only proof.
CREATE TABLE receipts (
    note_id      TEXT PRIMARY KEY,
    session_id   TEXT NOT NULL,
    received_at  INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    stored_at    INTEGER NOT NULL
);
