//! The app's own model check, as the phone shells use it: the first use hashes the model
//! and seals a record of it with a key from the app's vault; later apps over the same data
//! trust the record while the file is unchanged, and a damaged file is refused even when
//! its size and modification time are put back.
use crate::common;

use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::Arc;

use samtal_core::app::{App, AppConfig, AppError};
use samtal_models::ModelError;
use samtal_store::keyvault::{FileKeyVault, KeyVault};
use samtal_store::{ConsentDecision, InformedBy};

/// Which file is at `path` and when it was written: a rewrite changes both.
fn written(path: &Path) -> (u64, i64, i64) {
    let m = std::fs::metadata(path).unwrap();
    (m.ino(), m.mtime(), m.mtime_nsec())
}

fn open(data: &Path, vault: &Arc<FileKeyVault>) -> App {
    App::open(AppConfig::new(data), vault.clone()).unwrap()
}

#[test]
fn the_app_seals_its_checked_model_and_still_refuses_a_damaged_one() {
    let (data, models) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let installed = common::model();
    let name = installed.file_name().unwrap().to_str().unwrap();
    let file = models.path().join("whisper-tiny-en").join(name);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::copy(&installed, &file).unwrap();
    let seal = file.with_file_name(format!("{name}.seal"));
    // A file changed in the last two seconds is not sealed (its change time must settle).
    std::thread::sleep(std::time::Duration::from_millis(2100));

    let vault = Arc::new(FileKeyVault::open(data.path().join("keys")).unwrap());
    let app = open(data.path(), &vault);
    assert_eq!(common::use_tiny(&app, models.path()).unwrap(), file);
    assert!(seal.exists(), "the first use hashes and seals");
    assert!(vault.get("samtal-model-seal").unwrap().is_some());
    let sealed = written(&seal);
    drop(app);

    // The next start trusts its own record: nothing is hashed, so nothing is sealed again.
    let app = open(data.path(), &vault);
    common::use_tiny(&app, models.path()).unwrap();
    assert_eq!(written(&seal), sealed, "checked from the seal");
    app.load_model().unwrap();

    // Another key (a new phone, or after a wipe) does not trust it: hashed and sealed anew.
    let fresh = tempfile::tempdir().unwrap();
    let other = Arc::new(FileKeyVault::open(fresh.path().join("keys")).unwrap());
    common::use_tiny(&open(fresh.path(), &other), models.path()).unwrap();
    assert_ne!(written(&seal), sealed, "hashed again under another key");

    // One byte flipped, size and modification time as they were: still refused, and the
    // engine already loaded from the file is no longer used.
    let session = app
        .begin_session(ConsentDecision::Given, InformedBy::Verbal, "en", "worker-1")
        .unwrap();
    common::use_tiny(&app, models.path()).unwrap();
    let mtime = std::fs::metadata(&file).unwrap().modified().unwrap();
    let mut f = std::fs::File::options()
        .read(true)
        .write(true)
        .open(&file)
        .unwrap();
    let middle = f.metadata().unwrap().len() / 2;
    let mut byte = [0u8];
    f.seek(SeekFrom::Start(middle)).unwrap();
    f.read_exact(&mut byte).unwrap();
    f.seek(SeekFrom::Start(middle)).unwrap();
    f.write_all(&[byte[0] ^ 0xff]).unwrap();
    f.set_modified(mtime).unwrap();
    drop(f);
    assert_eq!(std::fs::metadata(&file).unwrap().modified().unwrap(), mtime);

    let err = common::use_tiny(&app, models.path()).unwrap_err();
    assert!(
        matches!(&err, AppError::Model(ModelError::Checksum { .. })),
        "{err}"
    );
    let shown = err.to_string();
    assert!(shown.contains("damaged") && shown.contains(name), "{shown}");
    assert!(!shown.contains("samtal "), "no CLI advice: {shown}");
    assert!(matches!(
        app.start_recording(&session, None),
        Err(AppError::NoModel)
    ));
}
