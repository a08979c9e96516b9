//! Helpers shared by the store tests.
use std::path::Path;
use std::sync::Arc;

use samtal_store::keyvault::MemoryKeyVault;
use samtal_store::{Clock, ManualClock, Store};

/// A store in `dir` with an in-memory key vault and a clock that moves only when told.
pub fn open_store(dir: &Path) -> (Arc<Store>, Arc<MemoryKeyVault>, Arc<ManualClock>) {
    let vault = Arc::new(MemoryKeyVault::new());
    let clock = Arc::new(ManualClock::new(1_790_000_000_000));
    let store = Store::open_with_clock(dir, vault.as_ref(), clock.clone() as Arc<dyn Clock>)
        .expect("open store");
    (Arc::new(store), vault, clock)
}
