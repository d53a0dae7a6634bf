-- The one SMS gateway of the console. `config_json` holds the chosen kind's settings without
-- any secret; the password, token or API key is stored sealed (nonce followed by
-- XChaCha20-Poly1305 ciphertext) and bound to `secret_destination`, the URL and account it was
-- entered for, both by the save statement and by the cipher's associated data.
CREATE TABLE sms_gateway (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    kind TEXT NOT NULL CHECK (kind IN ('kannel', 'http', 'twilio', 'email_to_sms')),
    config_json TEXT NOT NULL,
    secret_destination TEXT NOT NULL,
    secret_sealed BLOB,
    max_segments INTEGER NOT NULL CHECK (max_segments BETWEEN 1 AND 10),
    timeout_secs INTEGER NOT NULL CHECK (timeout_secs > 0),
    ca_certificate TEXT,
    updated_at TEXT NOT NULL
);
