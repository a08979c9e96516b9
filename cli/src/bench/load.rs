//! `samtal bench load`: what starting the recogniser costs, step by step: the header check,
//! the full SHA-256 check against the manifest, the sealed check that replaces it while the
//! file is unchanged, and whisper.cpp's own load (reading the weights, creating the lanes'
//! states). The seal key here is made up for the run; the app's comes from its key vault.
use crate::engine::ModelArgs;
use samtal_asr::Transcriber;
use samtal_models::{header, ModelStore, SealKey};
use std::path::Path;
use std::time::Instant;

/// Drops the file's pages from the page cache, as if the phone had just started.
fn evict(path: &Path) -> anyhow::Result<()> {
    use std::os::fd::AsRawFd;
    let file = std::fs::File::open(path)?;
    // SAFETY: advice on an open descriptor; no memory is touched.
    let rc = unsafe { libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
    anyhow::ensure!(rc == 0, "posix_fadvise failed ({rc})");
    Ok(())
}

/// Median seconds of `runs` calls of `step`, each after `before`.
fn time(
    runs: u32,
    mut before: impl FnMut() -> anyhow::Result<()>,
    mut step: impl FnMut() -> anyhow::Result<()>,
) -> anyhow::Result<f64> {
    let mut secs = Vec::new();
    for _ in 0..runs {
        before()?;
        let t = Instant::now();
        step()?;
        secs.push(t.elapsed().as_secs_f64());
    }
    secs.sort_by(f64::total_cmp);
    Ok(secs[secs.len() / 2])
}

pub fn run(cold: bool, runs: u32, model: &ModelArgs) -> anyhow::Result<()> {
    let store = ModelStore::from_env()?;
    let path = store.whisper_model(&model.model, model.quant)?;
    let sealed = store.clone().with_seal_key(SealKey::new(rand_key()));
    // The first sealed check hashes and seals; the timed ones find the seal.
    sealed.whisper_model(&model.model, model.quant)?;
    let before = || if cold { evict(&path) } else { Ok(()) };
    let (id, q) = (&model.model, model.quant);
    let header = time(runs, before, || {
        Ok(header::check_whisper_file(&path).map(drop)?)
    })?;
    let full = time(runs, before, || Ok(store.whisper_model(id, q).map(drop)?))?;
    let seal = time(runs, before, || {
        Ok(sealed.whisper_model(id, q).map(drop)?)
    })?;
    let engine = time(runs, before, || {
        Ok(Transcriber::load(&path, model.config()).map(drop)?)
    })?;
    let size = std::fs::metadata(&path)?.len() as f64 / 1e6;
    super::print_config(model);
    println!("file MB        {size:.1}");
    println!("page cache     {}", if cold { "evicted" } else { "warm" });
    println!("runs           {runs} (medians)");
    println!("header check s {header:.4}");
    println!("full check s   {full:.3}  (size, SHA-256, header)");
    println!("sealed check s {seal:.4}  (seal, header)");
    println!("engine start s {engine:.3}  (whisper.cpp load, lane states)");
    println!("load, full s   {:.3}", full + engine);
    println!("load, sealed s {:.3}", seal + engine);
    Ok(())
}

/// A throw-away key for this run.
fn rand_key() -> [u8; 32] {
    samtal_store::keyvault::SecretKey::generate()
        .expose()
        .to_owned()
}
