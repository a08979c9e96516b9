-- Notes as received: the note JSON is stored opaque, with the envelope fields the endpoint uses.
CREATE TABLE notes (
    note_id TEXT PRIMARY KEY NOT NULL,
    content_hash TEXT NOT NULL,
    template_id TEXT NOT NULL,
    schema_version BIGINT NOT NULL,
    device_id TEXT NOT NULL,
    received_at_ms BIGINT NOT NULL,
    body TEXT NOT NULL,
    receipt TEXT NOT NULL,
    export_seq BIGINT UNIQUE
);
CREATE INDEX notes_unsequenced ON notes (received_at_ms) WHERE export_seq IS NULL;

-- Delivery outbox: one row per note and sink, written in the same transaction as the note.
CREATE TABLE deliveries (
    note_id TEXT NOT NULL REFERENCES notes (note_id),
    sink TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_ms BIGINT NOT NULL,
    delivered_ms BIGINT,
    last_error TEXT,
    PRIMARY KEY (note_id, sink)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_ms) WHERE delivered_ms IS NULL;

-- Every client certificate the CA issued; a connection is served only if its serial is here
-- and not revoked.
CREATE TABLE certs (
    serial TEXT PRIMARY KEY NOT NULL,
    role TEXT NOT NULL,
    subject TEXT NOT NULL,
    issued_ms BIGINT NOT NULL,
    not_after_ms BIGINT NOT NULL,
    revoked_ms BIGINT
);
CREATE INDEX certs_subject ON certs (subject);

CREATE TABLE devices (
    device_id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    revoked_ms BIGINT
);

-- One-time enrollment codes, stored as SHA-256 of the secret.
CREATE TABLE enrollment_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    device_id TEXT NOT NULL REFERENCES devices (device_id),
    expires_ms BIGINT NOT NULL,
    used_ms BIGINT
);

-- Workers allowed to sign in (BankID); personal numbers normalised to 12 digits.
CREATE TABLE staff (
    personal_number TEXT PRIMARY KEY NOT NULL,
    allowed BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL
);
