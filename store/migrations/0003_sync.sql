-- Mutual-TLS identity from enrollment. The private key is sealed (ChaCha20-Poly1305) under a
-- key-vault key, so deleting that vault key disables the identity even if this file survives.
CREATE TABLE sync_identity (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    endpoint_url       TEXT NOT NULL,
    device_id          TEXT NOT NULL,
    cert_pem           TEXT NOT NULL,
    ca_pem             TEXT NOT NULL,
    receipt_public_key TEXT NOT NULL,
    sealed_key         BLOB NOT NULL,
    enrolled_at        INTEGER NOT NULL
);

-- Approved notes on their way to the endpoint. The body is removed once the endpoint's
-- signed receipt has been verified; the row stays as a content-free record.
CREATE TABLE sync_outbox (
    note_id         TEXT PRIMARY KEY,
    session_id      TEXT NOT NULL,
    content_hash    TEXT NOT NULL,
    body            BLOB,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'delivered', 'rejected')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    reason          TEXT,
    updated_at      INTEGER NOT NULL
);
