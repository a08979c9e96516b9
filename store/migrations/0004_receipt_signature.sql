-- The digest of the citizen's BankID signature, when they signed the note: the phone keeps
-- the same proof the endpoint's receipt carries (a hash, no personal data).
ALTER TABLE receipts ADD COLUMN citizen_signature TEXT;
