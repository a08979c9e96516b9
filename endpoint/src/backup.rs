//! `samtal-endpoint backup` and `restore`: the database (SQLite, copied online and
//! consistently with `VACUUM INTO`) and the data directory's CA, certificates and keys, with
//! a manifest of SHA-256 sums so a damaged or partial backup is refused at restore.
//!
//! For PostgreSQL the database is backed up with `pg_dump` (README); `backup` still copies
//! the keys, without which a restored database cannot be served.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, ensure, Context};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::db::{sqlite_path, Backend, Db};
use crate::owner_only;

const MANIFEST: &str = "manifest.json";
const DATABASE: &str = "endpoint.db";
const KEYS: &str = "data";

/// What a backup holds; written last, so a backup without it is incomplete.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub created_at_ms: i64,
    pub endpoint_version: String,
    /// `sqlite` (the database is in the backup) or `postgres` (keys only).
    pub database: String,
    pub notes: i64,
    /// Relative path → SHA-256 (hex) of every file in the backup.
    pub files: BTreeMap<String, String>,
}

/// Copy the database and the data directory into `out` (created, owner-only, must not exist
/// or be empty). Runs while the endpoint serves.
pub async fn backup(config: &Config, out: &Path) -> anyhow::Result<Manifest> {
    if out.exists() {
        ensure!(
            std::fs::read_dir(out)?.next().is_none(),
            "{} is not empty; give a new directory for the backup",
            out.display()
        );
    }
    owner_only::private_dir(out)?;
    let url = config.database_url();
    let db = Db::connect(&url).await?;
    let database_file = sqlite_path(&url).map(Path::to_path_buf);
    if db.backend == Backend::Sqlite {
        let target = out.join(DATABASE);
        let target_text = target
            .to_str()
            .context("the backup directory's path is not UTF-8")?;
        // One read transaction: a consistent snapshot while writers go on (WAL).
        sqlx::query("VACUUM INTO $1")
            .bind(target_text)
            .execute(db.pool())
            .await
            .context("copying the SQLite database")?;
        owner_only::restrict_file(&target)?;
    }
    let notes = db.note_count().await?;
    copy_tree(
        &config.data_dir,
        &out.join(KEYS),
        &|p| is_database_file(p, database_file.as_deref()),
        false,
    )?;
    let manifest = Manifest {
        created_at_ms: crate::db::now_ms(),
        endpoint_version: env!("CARGO_PKG_VERSION").into(),
        database: db.backend.as_str().into(),
        notes,
        files: sums(out)?,
    };
    owner_only::write_private(
        &out.join(MANIFEST),
        serde_json::to_string_pretty(&manifest)?.as_bytes(),
    )?;
    Ok(manifest)
}

/// Put a backup back: the keys into the data directory and, for SQLite, the database into
/// place. The endpoint must be stopped. Refuses to replace an existing database or a key
/// that differs unless `force`.
pub async fn restore(config: &Config, from: &Path, force: bool) -> anyhow::Result<Manifest> {
    let text = std::fs::read_to_string(from.join(MANIFEST)).with_context(|| {
        format!(
            "{} has no {MANIFEST}: not a backup, or one that did not finish",
            from.display()
        )
    })?;
    let manifest: Manifest = serde_json::from_str(&text).context("reading the manifest")?;
    let found = sums(from)?;
    for (file, sum) in &manifest.files {
        match found.get(file) {
            Some(s) if s == sum => {}
            Some(_) => {
                bail!("{file} in the backup is damaged (its SHA-256 differs); nothing was restored")
            }
            None => bail!("{file} is missing from the backup; nothing was restored"),
        }
    }
    let url = config.database_url();
    let backend_matches = match manifest.database.as_str() {
        "sqlite" => url.starts_with("sqlite:"),
        _ => !url.starts_with("sqlite:"),
    };
    ensure!(
        backend_matches,
        "the backup is of a {} database but the configuration uses {}",
        manifest.database,
        url.split(':').next().unwrap_or_default()
    );
    let database_file = sqlite_path(&url).map(Path::to_path_buf);
    if let Some(db_file) = &database_file {
        if db_file.exists() && !force {
            bail!(
                "{} exists; stop the endpoint and move it away (or give --force to replace it)",
                db_file.display()
            );
        }
    }
    copy_tree(&from.join(KEYS), &config.data_dir, &|_| false, !force)?;
    if let Some(db_file) = &database_file {
        if let Some(dir) = db_file.parent() {
            owner_only::private_dir(dir)?;
        }
        let tmp = db_file.with_extension("restoring");
        std::fs::copy(from.join(DATABASE), &tmp)
            .with_context(|| format!("copying the database to {}", tmp.display()))?;
        owner_only::restrict_file(&tmp)?;
        for suffix in ["-wal", "-shm"] {
            let stale = PathBuf::from(format!("{}{suffix}", db_file.display()));
            if stale.exists() {
                std::fs::remove_file(&stale)?;
            }
        }
        std::fs::rename(&tmp, db_file)?;
        std::fs::File::open(db_file)?.sync_all()?;
    }
    let db = Db::connect(&url).await?;
    let notes = db.note_count().await?;
    if database_file.is_some() {
        ensure!(
            notes == manifest.notes,
            "the restored database holds {notes} notes, the backup {}",
            manifest.notes
        );
    }
    Ok(manifest)
}

fn is_database_file(path: &Path, database: Option<&Path>) -> bool {
    let Some(database) = database else {
        return false;
    };
    let name = path.as_os_str().to_string_lossy();
    let db = database.as_os_str().to_string_lossy();
    name == db || name == format!("{db}-wal") || name == format!("{db}-shm")
}

/// Copy the files under `from` to `to` (owner-only), leaving out what `skip` names. With
/// `keep_existing`, a file that exists in `to` with other content is an error.
fn copy_tree(
    from: &Path,
    to: &Path,
    skip: &dyn Fn(&Path) -> bool,
    keep_existing: bool,
) -> anyhow::Result<()> {
    owner_only::private_dir(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let path = entry?.path();
        if skip(&path) {
            continue;
        }
        let target = to.join(path.file_name().context("a file without a name")?);
        if path.is_dir() {
            copy_tree(&path, &target, skip, keep_existing)?;
            continue;
        }
        let bytes = std::fs::read(&path)?;
        if keep_existing && target.exists() && std::fs::read(&target)? != bytes {
            bail!(
                "{} exists with other content; give --force to replace it with the backup's",
                target.display()
            );
        }
        owner_only::write_private(&target, &bytes)?;
    }
    Ok(())
}

/// SHA-256 of every file under `dir` but the manifest, by relative path.
fn sums(dir: &Path) -> anyhow::Result<BTreeMap<String, String>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) -> anyhow::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                walk(root, &path, out)?;
            } else {
                let rel = path.strip_prefix(root)?.to_string_lossy().into_owned();
                if rel != MANIFEST {
                    let sum = hex::encode(Sha256::digest(std::fs::read(&path)?));
                    out.insert(rel, sum);
                }
            }
        }
        Ok(())
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out)?;
    Ok(out)
}
