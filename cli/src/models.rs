//! `samtal models …`: fetch, list and verify models in the local cache.
use anyhow::bail;
use clap::Subcommand;
use samtal_models::{fetch, ModelStore, Outcome};

#[derive(Subcommand)]
pub enum ModelsCommand {
    /// Download, verify and convert models (default: the manifest's default models).
    Fetch {
        /// Model ids; none means the defaults.
        ids: Vec<String>,
        /// Fetch again even if an intact copy is installed.
        #[arg(long)]
        force: bool,
    },
    /// Show installed models with sizes and checksums.
    List {
        /// Also list models of the manifest that are not installed.
        #[arg(long)]
        all: bool,
    },
    /// Re-hash every installed file against the manifest and check its header.
    Verify,
}

pub fn run(cmd: ModelsCommand) -> anyhow::Result<()> {
    let store = ModelStore::from_env()?;
    let manifest = store.manifest();
    match cmd {
        ModelsCommand::Fetch { ids, force } => {
            let entries: Vec<_> = if ids.is_empty() {
                manifest.defaults().collect()
            } else {
                ids.iter()
                    .map(|id| manifest.get(id))
                    .collect::<Result<_, _>>()?
            };
            for entry in entries {
                match fetch(&store, entry, force)? {
                    Outcome::Installed => println!(
                        "{}: installed in {}",
                        entry.id,
                        store.model_dir(&entry.id).display()
                    ),
                    Outcome::AlreadyInstalled => println!("{}: already installed", entry.id),
                }
            }
        }
        ModelsCommand::List { all } => {
            println!("models in {}", store.dir().display());
            let installed = store.list()?;
            for model in &installed {
                for f in &model.files {
                    println!(
                        "{:<18} {:<12} {:>8.1} MB  sha256 {}  {}",
                        model.id,
                        f.quantization.as_deref().unwrap_or("-"),
                        f.size as f64 / 1e6,
                        f.sha256,
                        f.name
                    );
                }
            }
            if all {
                for entry in manifest
                    .models
                    .iter()
                    .filter(|e| !installed.iter().any(|i| i.id == e.id))
                {
                    println!(
                        "{:<18} not installed ({}; licence {})",
                        entry.id, entry.description, entry.license
                    );
                }
            }
        }
        ModelsCommand::Verify => {
            let mut bad = 0;
            for model in store.list()? {
                for (path, outcome) in store.verify(&model.id)? {
                    match outcome {
                        Ok(()) => println!("ok       {}", path.display()),
                        Err(e) => {
                            bad += 1;
                            println!("FAILED   {e}");
                        }
                    }
                }
            }
            if bad > 0 {
                bail!(
                    "{bad} model file(s) failed verification; run `samtal models fetch --force ID`"
                );
            }
        }
    }
    Ok(())
}
