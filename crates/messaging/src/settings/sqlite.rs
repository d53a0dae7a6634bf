//! The SQLite backend of the settings store.

use super::sms::SmsRow;
use super::{DatabaseLocation, SealedPassword, SmtpRow, StoreError};
use model::{SmsGatewaySettings, SmtpSettings};
use sqlx::Row as _;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use std::time::Duration;

static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

pub(super) async fn connect(location: &DatabaseLocation) -> Result<SqlitePool, StoreError> {
    let (options, max_connections) = match location {
        DatabaseLocation::SqliteFile(path) => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .map_err(|error| StoreError::Open(sqlx::Error::Io(error)))?;
            }
            restrict_to_owner(path).map_err(|error| StoreError::Open(sqlx::Error::Io(error)))?;
            let options = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(5))
                // Deleted rows (a reset password) are overwritten, not left in free pages.
                .pragma("secure_delete", "on");
            (options, 4)
        }
        // One connection: every connection to `:memory:` would be a separate empty database.
        DatabaseLocation::SqliteMemory => (SqliteConnectOptions::new().in_memory(true), 1),
    };
    let pool = SqlitePoolOptions::new()
        .max_connections(max_connections)
        .connect_with(options)
        .await
        .map_err(StoreError::Open)?;
    MIGRATIONS.run(&pool).await.map_err(StoreError::Migrate)?;
    Ok(pool)
}

/// The database holds sealed secrets and the settings: readable by the console's user only.
/// The file is created (mode 0600) before SQLite opens it, because SQLite gives its -wal and
/// -shm files the mode of the database file; files left by an older version are tightened.
fn restrict_to_owner(path: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)?;
        for suffix in ["", "-wal", "-shm"] {
            let mut file = path.as_os_str().to_owned();
            file.push(suffix);
            match std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)) {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(error),
                _ => {}
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

const SMTP_COLUMNS: &str = "server_name, port, security, user_name, password_sealed, \
                            from_address, timeout_secs, ca_certificate, updated_at";

pub(super) async fn load_smtp(pool: &SqlitePool) -> Result<Option<SmtpRow>, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SMTP_COLUMNS} FROM smtp_settings WHERE id = 1"
    )))
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(decode_row).transpose()
}

fn decode_row(row: &sqlx::sqlite::SqliteRow) -> Result<SmtpRow, StoreError> {
    Ok(SmtpRow {
        server_name: row.try_get("server_name")?,
        port: row.try_get("port")?,
        security: row.try_get("security")?,
        user_name: row.try_get("user_name")?,
        password_sealed: row.try_get("password_sealed")?,
        from_address: row.try_get("from_address")?,
        timeout_secs: row.try_get("timeout_secs")?,
        ca_certificate: row.try_get("ca_certificate")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// Copies the write-ahead log into the database and empties it. With `secure_delete` the
/// database keeps no old values, but the log would keep earlier page images (a replaced or
/// reset sealed password among them) until SQLite's next automatic checkpoint.
async fn fold_write_ahead_log(pool: &SqlitePool) -> Result<(), StoreError> {
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(pool)
        .await?;
    Ok(())
}

/// Saves and returns the row as stored, in one statement: a reset racing the save cannot
/// make the saved row vanish between writing and reading it back.
pub(super) async fn save_smtp(
    pool: &SqlitePool,
    settings: &SmtpSettings,
    password: SealedPassword,
) -> Result<SmtpRow, StoreError> {
    let (password_value, password_rule) = match password {
        SealedPassword::Replace(sealed) => (Some(sealed), "excluded.password_sealed"),
        SealedPassword::Clear => (None, "NULL"),
        SealedPassword::KeepIfSameDestination => (
            None,
            "CASE WHEN smtp_settings.server_name = excluded.server_name \
             AND smtp_settings.port = excluded.port \
             AND smtp_settings.security = excluded.security \
             AND smtp_settings.user_name IS excluded.user_name \
             AND smtp_settings.ca_certificate IS excluded.ca_certificate \
             THEN smtp_settings.password_sealed ELSE NULL END",
        ),
    };
    let statement = format!(
        "INSERT INTO smtp_settings (id, server_name, port, security, user_name, \
         password_sealed, from_address, timeout_secs, ca_certificate, updated_at) \
         VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) \
         ON CONFLICT (id) DO UPDATE SET \
         password_sealed = {password_rule}, \
         server_name = excluded.server_name, port = excluded.port, \
         security = excluded.security, user_name = excluded.user_name, \
         from_address = excluded.from_address, timeout_secs = excluded.timeout_secs, \
         ca_certificate = excluded.ca_certificate, updated_at = excluded.updated_at \
         RETURNING {SMTP_COLUMNS}"
    );
    // Only the constant password rule above is spliced in; every value is a bound parameter.
    let row = sqlx::query(sqlx::AssertSqlSafe(statement))
        .bind(settings.server.to_string())
        .bind(i64::from(settings.port))
        .bind(settings.security.as_str())
        .bind(settings.user_name.as_deref())
        .bind(password_value)
        .bind(settings.from.to_string())
        .bind(i64::from(settings.timeout_secs))
        .bind(settings.ca_certificate.as_deref())
        .fetch_one(pool)
        .await?;
    let saved = decode_row(&row)?;
    fold_write_ahead_log(pool).await?;
    Ok(saved)
}

pub(super) async fn reset_smtp(pool: &SqlitePool) -> Result<bool, StoreError> {
    let result = sqlx::query("DELETE FROM smtp_settings WHERE id = 1")
        .execute(pool)
        .await?;
    fold_write_ahead_log(pool).await?;
    Ok(result.rows_affected() > 0)
}

const SMS_COLUMNS: &str = "config_json, secret_destination, secret_sealed, max_segments, timeout_secs, \
     ca_certificate, updated_at";

pub(super) async fn load_sms_gateway(pool: &SqlitePool) -> Result<Option<SmsRow>, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SMS_COLUMNS} FROM sms_gateway WHERE id = 1"
    )))
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(decode_sms_row).transpose()
}

fn decode_sms_row(row: &sqlx::sqlite::SqliteRow) -> Result<SmsRow, StoreError> {
    Ok(SmsRow {
        config_json: row.try_get("config_json")?,
        secret_destination: row.try_get("secret_destination")?,
        secret_sealed: row.try_get("secret_sealed")?,
        max_segments: row.try_get("max_segments")?,
        timeout_secs: row.try_get("timeout_secs")?,
        ca_certificate: row.try_get("ca_certificate")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// Saves and returns the row as stored, in one statement, like [`save_smtp`].
pub(super) async fn save_sms_gateway(
    pool: &SqlitePool,
    settings: &SmsGatewaySettings,
    config_json: &str,
    destination: &str,
    secret: SealedPassword,
) -> Result<SmsRow, StoreError> {
    let (secret_value, secret_rule) = match secret {
        SealedPassword::Replace(sealed) => (Some(sealed), "excluded.secret_sealed"),
        SealedPassword::Clear => (None, "NULL"),
        SealedPassword::KeepIfSameDestination => (
            None,
            "CASE WHEN sms_gateway.secret_destination = excluded.secret_destination \
             THEN sms_gateway.secret_sealed ELSE NULL END",
        ),
    };
    let statement = format!(
        "INSERT INTO sms_gateway (id, kind, config_json, secret_destination, secret_sealed, \
         max_segments, timeout_secs, ca_certificate, updated_at) \
         VALUES (1, ?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) \
         ON CONFLICT (id) DO UPDATE SET \
         secret_sealed = {secret_rule}, \
         kind = excluded.kind, config_json = excluded.config_json, \
         secret_destination = excluded.secret_destination, \
         max_segments = excluded.max_segments, timeout_secs = excluded.timeout_secs, \
         ca_certificate = excluded.ca_certificate, updated_at = excluded.updated_at \
         RETURNING {SMS_COLUMNS}"
    );
    // Only the constant secret rule above is spliced in; every value is a bound parameter.
    let row = sqlx::query(sqlx::AssertSqlSafe(statement))
        .bind(settings.gateway.kind().as_str())
        .bind(config_json)
        .bind(destination)
        .bind(secret_value)
        .bind(i64::from(settings.max_segments))
        .bind(i64::from(settings.timeout_secs))
        .bind(settings.ca_certificate.as_deref())
        .fetch_one(pool)
        .await?;
    let saved = decode_sms_row(&row)?;
    fold_write_ahead_log(pool).await?;
    Ok(saved)
}

pub(super) async fn reset_sms_gateway(pool: &SqlitePool) -> Result<bool, StoreError> {
    let result = sqlx::query("DELETE FROM sms_gateway WHERE id = 1")
        .execute(pool)
        .await?;
    fold_write_ahead_log(pool).await?;
    Ok(result.rows_affected() > 0)
}
