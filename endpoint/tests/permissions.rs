//! Everything the endpoint writes is owner-only (0700 directories, 0600 files) even when it
//! is started with umask 000; the drop directory has the mode and group configured for the
//! case system. Its own test binary: the umask is per process.

mod common;

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use common::{Backend, Setup};
use samtal_endpoint::bench::synthetic_note;
use samtal_endpoint::pki::Role;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().mode() & 0o7777
}

/// Every directory under `dir` (itself included) is 0700 and every file 0600.
fn assert_owner_only(dir: &Path) -> usize {
    assert_eq!(mode(dir), 0o700, "{}", dir.display());
    let mut files = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files += assert_owner_only(&path);
        } else {
            assert_eq!(mode(&path), 0o600, "{}", path.display());
            files += 1;
        }
    }
    files
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everything_the_endpoint_writes_is_owner_only_whatever_the_umask() {
    // SAFETY: only this process's file creation mask changes; the server inherits it.
    unsafe { libc::umask(0) };
    // As root, a group the process is not in shows the chown; otherwise its own group.
    let gid = if unsafe { libc::geteuid() } == 0 {
        1
    } else {
        unsafe { libc::getegid() }
    };
    let setup = Setup::with_config(
        &Backend::Sqlite,
        64 * 1024,
        &format!("dir_mode = 0o750\nfile_mode = 0o640\ngroup = \"{gid}\"\n"),
    );
    let server = setup.start();
    let (phone, _) = setup.enroll_device().await;
    let note = synthetic_note(&uuid::Uuid::new_v4().to_string(), 1);
    let response = setup.put_note(&setup.client(&phone), &note).await;
    assert_eq!(response.status(), 201);
    setup.wait_for_sink(1).await;
    let out = setup.dir.path().join("treserva-cert");
    samtal_endpoint::admin::cert_issue(&setup.config, Role::CaseSystem, "treserva", 30, &out)
        .await
        .unwrap();

    // CA, keys and certificates.
    assert!(assert_owner_only(&setup.config.data_dir) >= 5);
    // The database and its write-ahead log (staff personal numbers live there).
    let db = setup.dir.path().join("endpoint.db");
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{}{suffix}", db.display());
        assert_eq!(mode(Path::new(&path)), 0o600, "{path}");
    }
    // A service certificate handed to an administrator.
    assert_eq!(assert_owner_only(&out), 3);
    // The drop directory: as configured for the case system, nothing for others.
    let drop = setup.sink_dir();
    assert_eq!(mode(&drop), 0o750);
    assert_eq!(std::fs::metadata(&drop).unwrap().gid(), gid);
    let files: Vec<_> = std::fs::read_dir(&drop).unwrap().collect();
    assert_eq!(files.len(), 1, "no temporary files are left");
    for file in files {
        let path = file.unwrap().path();
        assert_eq!(mode(&path), 0o640, "{}", path.display());
        assert_eq!(std::fs::metadata(&path).unwrap().gid(), gid);
    }
    server.kill();
}
