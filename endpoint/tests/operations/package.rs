//! The Debian package (scripts/deb.sh, as `make deb` runs it) unpacked into a throw-away
//! root: files, owners and modes, the unit accepted by `systemd-analyze verify`, and the
//! packaged default configuration checked by the packaged binary.
//!
//! The package is built from the debug binary this test was compiled with: `make deb` packs
//! the release binary with the same script, so the layout tested is the layout shipped,
//! without a release build in `make test`.

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::Command;

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path).unwrap().mode() & 0o7777
}

#[test]
fn the_package_installs_a_sandboxed_unit_and_a_checked_config() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().unwrap();
    let deb = run(Command::new(repo.join("scripts/deb.sh"))
        .arg(env!("CARGO_BIN_EXE_samtal-endpoint"))
        .arg(dir.path().join("out"))
        .env("DEB_COMPRESSION", "none"));
    let deb = deb.trim();
    let fields = run(Command::new("dpkg-deb").args(["--field", deb]));
    assert!(fields.contains("Package: samtal-endpoint"), "{fields}");
    assert!(fields.contains("\nDepends: "), "{fields}");

    // Owners as packaged: everything root's (the postinst gives the config to the group).
    let contents = run(Command::new("dpkg-deb").args(["--contents", deb]));
    for line in contents.lines() {
        assert!(line.contains(" root/root "), "{line}");
    }
    let conffiles = run(Command::new("dpkg-deb").args(["--info", deb, "conffiles"]));
    assert_eq!(conffiles.trim(), "/etc/samtal-endpoint/endpoint.toml");

    let root = dir.path().join("root");
    run(Command::new("dpkg-deb").args(["-x", deb]).arg(&root));
    for (path, expected) in [
        ("usr/bin/samtal-endpoint", 0o755),
        ("lib/systemd/system/samtal-endpoint.service", 0o644),
        ("usr/lib/sysusers.d/samtal-endpoint.conf", 0o644),
        ("etc/samtal-endpoint", 0o750),
        ("etc/samtal-endpoint/endpoint.toml", 0o640),
        ("usr/share/doc/samtal-endpoint/README.md", 0o644),
    ] {
        assert_eq!(mode(&root.join(path)), expected, "{path}");
    }
    let sysusers =
        std::fs::read_to_string(root.join("usr/lib/sysusers.d/samtal-endpoint.conf")).unwrap();
    assert!(sysusers.contains("u samtal-endpoint -"));

    let unit_path = root.join("lib/systemd/system/samtal-endpoint.service");
    let unit = std::fs::read_to_string(&unit_path).unwrap();
    for directive in [
        "User=samtal-endpoint",
        "StateDirectory=samtal-endpoint samtal-endpoint-drop",
        "StateDirectoryMode=0700",
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
        "LimitNOFILE=4096",
        "ExecStartPre=/usr/bin/samtal-endpoint config check",
    ] {
        assert!(unit.lines().any(|l| l == directive), "missing {directive}");
    }
    // The unit as systemd reads it, with the packaged binary in the throw-away root and
    // the host's own units (targets, slices) beside it.
    for entry in std::fs::read_dir("/usr/lib/systemd/system").unwrap() {
        let entry = entry.unwrap();
        let target = root.join("lib/systemd/system").join(entry.file_name());
        if entry.file_type().unwrap().is_file() && !target.exists() {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
    let verify = Command::new("systemd-analyze")
        .arg("verify")
        .arg(format!("--root={}", root.display()))
        .arg("--man=no")
        .arg(&unit_path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&verify.stderr);
    assert!(verify.status.success(), "systemd-analyze verify: {stderr}");
    assert!(
        !stderr.contains("samtal-endpoint.service"),
        "systemd-analyze verify complains about the unit: {stderr}"
    );

    // The unit's LimitNOFILE holds the default budgets; the packaged binary checks the
    // packaged config and asks for the one thing an administrator must set.
    let config = root.join("etc/samtal-endpoint/endpoint.toml");
    let check = Command::new(root.join("usr/bin/samtal-endpoint"))
        .args(["config", "check", "--nofile", "4096", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert!(!check.status.success());
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(stderr.contains("endpoint.toml:8: `listen`"), "{stderr}");
    assert!(stderr.contains("public_url"), "{stderr}");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("# public_url = ", "public_url = ");
    std::fs::write(&config, text).unwrap();
    let check = Command::new(root.join("usr/bin/samtal-endpoint"))
        .args(["config", "check", "--nofile", "4096", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}
