-- The one SMTP configuration of the console. The password is stored sealed (nonce followed by
-- XChaCha20-Poly1305 ciphertext); the key is kept outside the database.
CREATE TABLE smtp_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    server_name TEXT NOT NULL,
    port INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    security TEXT NOT NULL CHECK (security IN ('none', 'ssl', 'starttls')),
    user_name TEXT,
    password_sealed BLOB,
    from_address TEXT NOT NULL,
    timeout_secs INTEGER NOT NULL CHECK (timeout_secs > 0),
    ca_certificate TEXT,
    updated_at TEXT NOT NULL
);
