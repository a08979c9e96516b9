//! The facade's one async runtime. Core is synchronous; async exports hand the blocking
//! core call to this runtime's blocking pool and the shell's coroutine (Kotlin) or task
//! (Swift) awaits it without holding a thread of its own.
use std::sync::OnceLock;

use tokio::runtime::{Builder, Runtime};

fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("samtal-ffi")
            .build()
            .expect("the operating system refused to start the runtime's threads")
    })
}

/// Runs a blocking core call off the caller's thread. A panic inside is passed on to
/// UniFFI, which reports it to the shell as an internal error.
pub(crate) async fn blocking<T: Send + 'static>(call: impl FnOnce() -> T + Send + 'static) -> T {
    match runtime().spawn_blocking(call).await {
        Ok(value) => value,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}
