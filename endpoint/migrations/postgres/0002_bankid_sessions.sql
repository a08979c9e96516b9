-- Worker sessions from BankID sign-in: only the SHA-256 of the bearer token is stored;
-- a session is bound to the client certificate that signed in.
CREATE TABLE staff_sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    personal_number TEXT NOT NULL,
    cert_serial TEXT NOT NULL,
    device_id TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    expires_ms BIGINT NOT NULL,
    revoked_ms BIGINT
);
CREATE INDEX staff_sessions_person ON staff_sessions (personal_number);

-- Citizens' BankID signatures of a note version (base64 XML and OCSP response as BankID sent them).
CREATE TABLE note_signatures (
    note_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    signature TEXT NOT NULL,
    ocsp_response TEXT NOT NULL,
    signed_ms BIGINT NOT NULL,
    PRIMARY KEY (note_id, content_hash)
);
