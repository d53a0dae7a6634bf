-- Who may use the console, their sessions, and what they did.
--
-- Passwords are stored as Argon2id PHC strings (salt and parameters inside). Session ids are
-- never stored: only their SHA-256, so a copy of the database does not sign anyone in.
-- Times are Unix seconds (UTC).
CREATE TABLE administrators (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT,
    password_changed_at INTEGER NOT NULL,
    last_sign_in_at INTEGER
);

CREATE TABLE sessions (
    token_sha256 BLOB PRIMARY KEY,
    administrator_id INTEGER NOT NULL REFERENCES administrators (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_administrator ON sessions (administrator_id);

-- Append-only: the console never updates or deletes a row. `changes` is a JSON array of
-- {"field", "old", "new"} objects; secrets appear only as "changed" / "removed".
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    client TEXT,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL,
    summary TEXT NOT NULL,
    changes TEXT NOT NULL DEFAULT '[]'
);
