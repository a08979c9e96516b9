-- A device certificate issued by renewal names the certificate it replaces; that one is
-- revoked when the phone first connects with the new one.
ALTER TABLE certs ADD COLUMN replaces TEXT;
CREATE INDEX certs_replaces ON certs (replaces);
