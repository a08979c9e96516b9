-- Append-only, hash-chained audit trail: what happened, when, by which device and user.
-- Never content. hash = SHA-256 over prev_hash and the event's fields (see audit.rs).
CREATE TABLE audit_events (
    seq        INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    device_id  TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    session_id TEXT,
    kind       TEXT NOT NULL,
    detail     TEXT NOT NULL,
    prev_hash  BLOB NOT NULL,
    hash       BLOB NOT NULL
);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
