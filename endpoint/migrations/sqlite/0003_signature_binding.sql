-- A citizen's signature is bound to the device and the worker session that started it, and
-- counts only for notes that device delivers.
ALTER TABLE note_signatures ADD COLUMN device_id TEXT;
ALTER TABLE note_signatures ADD COLUMN session_hash TEXT;

-- Delivery outbox rows are claimed with a lease, so several endpoint instances on one
-- database deliver each row once and a killed instance's claims run out.
ALTER TABLE deliveries ADD COLUMN lease_until_ms BIGINT;
