//! Listeners for what happens while the app runs (live transcript, session states, outbox
//! statuses). A subscription ends with `cancel()` or when it is dropped, so a screen that
//! goes away stops hearing events at once.
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};

/// Receives events of one kind; called on whichever thread produced the event, so it must
/// return quickly.
pub trait Listener<E>: Send + Sync {
    fn on_event(&self, event: &E);
}

type Entries<E> = Mutex<Vec<(u64, Arc<dyn Listener<E>>)>>;

/// The listeners of one kind of event.
pub struct Listeners<E> {
    next: AtomicU64,
    entries: Arc<Entries<E>>,
}

impl<E: 'static> Default for Listeners<E> {
    fn default() -> Self {
        Listeners {
            next: AtomicU64::new(1),
            entries: Arc::new(Mutex::new(Vec::new())),
        }
    }
}

impl<E: 'static> Listeners<E> {
    pub fn subscribe(&self, listener: Arc<dyn Listener<E>>) -> Subscription {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        lock(&self.entries).push((id, listener));
        let weak: Weak<Entries<E>> = Arc::downgrade(&self.entries);
        Subscription {
            remove: Some(Box::new(move || {
                if let Some(entries) = weak.upgrade() {
                    lock(&entries).retain(|(i, _)| *i != id);
                }
            })),
        }
    }

    /// Tells every current listener. The list is copied first so a listener may cancel
    /// (or subscribe) from inside its callback.
    pub fn emit(&self, event: &E) {
        let current: Vec<Arc<dyn Listener<E>>> =
            lock(&self.entries).iter().map(|(_, l)| l.clone()).collect();
        for listener in current {
            listener.on_event(event);
        }
    }

    /// How many listeners are subscribed.
    pub fn len(&self) -> usize {
        lock(&self.entries).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A live subscription; cancelling (or dropping) it removes the listener.
pub struct Subscription {
    remove: Option<Box<dyn FnOnce() + Send + Sync>>,
}

impl Subscription {
    pub fn cancel(&mut self) {
        if let Some(remove) = self.remove.take() {
            remove();
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    struct Count(AtomicUsize);

    impl Listener<u32> for Count {
        fn on_event(&self, _: &u32) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn cancelled_listeners_hear_nothing_more() {
        let listeners = Listeners::<u32>::default();
        let a = Arc::new(Count(AtomicUsize::new(0)));
        let b = Arc::new(Count(AtomicUsize::new(0)));
        let mut sub_a = listeners.subscribe(a.clone());
        let _sub_b = listeners.subscribe(b.clone());
        listeners.emit(&1);
        sub_a.cancel();
        listeners.emit(&2);
        assert_eq!(a.0.load(Ordering::SeqCst), 1);
        assert_eq!(b.0.load(Ordering::SeqCst), 2);
        assert_eq!(listeners.len(), 1);
    }

    #[test]
    fn dropping_a_subscription_unsubscribes() {
        let listeners = Listeners::<u32>::default();
        drop(listeners.subscribe(Arc::new(Count(AtomicUsize::new(0)))));
        assert!(listeners.is_empty());
    }
}
