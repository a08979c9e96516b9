-- Who took part, as the worker entered it at consent: for each person present, their role
-- and optionally a first name, a short description for a relative ("dotter") and the
-- pronoun they use. Content like the transcript: wiped with it on withdrawal, discarding,
-- retention and delivery.
CREATE TABLE participants (
    session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    updated_at INTEGER NOT NULL,
    body       BLOB NOT NULL -- JSON list of samtal_draft::Participant
);
