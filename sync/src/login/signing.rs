//! The citizen's own BankID signature of an approved note, started from the phone through
//! the endpoint (which holds the RP certificate and stores the signature with the note).
//! The citizen scans the animated QR code with their own phone, or, when they sign on the
//! service phone, the BankID app is opened with the autostart link. Sign before the note is
//! delivered: the endpoint puts the signature's digest into the note's receipt.

use std::time::Duration;

use serde_json::Value;

use super::flow::{follow, Follower, LoginClient, LoginProgress, LoginStart, PROGRESS_INTERVAL};
use super::LoginError;
use samtal_store::keyvault::KeyVault;
use samtal_store::{SessionId, SessionState, Store};

/// A started signing order, with the note version it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningStart {
    pub order_ref: String,
    /// Opens the BankID app on this phone (`bankid:///?autostarttoken=…`).
    pub auto_start_url: String,
    /// First animated QR frame.
    pub qr_data: String,
    pub note_id: String,
    pub content_hash: String,
}

/// A completed signature, as the endpoint stored it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenSignature {
    pub note_id: String,
    pub content_hash: String,
    /// SHA-256 (hex) of the stored BankID signature; the note's receipt carries the same.
    pub signature_sha256: String,
}

/// Receives signing progress (called on the signing thread).
pub trait SigningObserver: Send {
    fn on_progress(&self, progress: &LoginProgress);
    fn on_finished(&self, result: Result<CitizenSignature, LoginError>);
}

/// What the citizen is asked to sign: the approved note of a session not yet delivered.
struct NoteToSign {
    note_id: String,
    content_hash: String,
    summary: String,
}

fn note_to_sign(store: &Store, session: &SessionId) -> Result<NoteToSign, LoginError> {
    let state = store
        .session_state(session)
        .map_err(|e| LoginError::NotSignable(e.to_string()))?;
    if !matches!(state, SessionState::Approved | SessionState::Queued) {
        return Err(LoginError::NotSignable(state.as_str().to_string()));
    }
    let note: Value = store
        .load_note(session)
        .map_err(|e| LoginError::Io(e.to_string()))?
        .ok_or_else(|| LoginError::NotSignable("no approved note".into()))?;
    let envelope = samtal_protocol::validate_note(&note)
        .map_err(|e| LoginError::NotSignable(e.to_string()))?;
    Ok(NoteToSign {
        summary: summary(&note, envelope.item_count, envelope.section_count),
        note_id: envelope.note_id,
        content_hash: envelope.content_hash,
    })
}

/// The short text shown in the citizen's BankID app next to the content hash: date, kind of
/// contact and the note's shape (the citizen has read the note itself on the phone).
fn summary(note: &Value, items: usize, sections: usize) -> String {
    let header = |field: &str| note["header"][field].as_str().map(str::trim);
    let mut text = String::from("Journalanteckning");
    if let Some(date) = header("date").filter(|d| !d.is_empty()) {
        text.push_str(&format!(" {date}"));
    }
    if let Some(kind) = header("contact_kind").filter(|k| !k.is_empty()) {
        text.push_str(&format!(", {kind}"));
    }
    text.push_str(&format!(": {items} punkter i {sections} avsnitt"));
    let labels: Vec<&str> = note["sections"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["label"].as_str())
        .collect();
    if !labels.is_empty() {
        text.push_str(&format!(" ({})", labels.join(", ")));
    }
    text.push('.');
    text.chars().take(900).collect()
}

/// A running signature; `cancel()` stops it and cancels the BankID order.
pub struct SigningHandle {
    start: SigningStart,
    follower: Follower,
}

impl SigningHandle {
    /// Starts the citizen's signature of `session`'s approved note (needs a valid worker
    /// session from [`LoginHandle`](super::LoginHandle)) and follows it on a background
    /// thread, reporting progress once a second.
    pub fn spawn(
        client: LoginClient,
        store: &Store,
        vault: &dyn KeyVault,
        session: &SessionId,
        same_device: bool,
        language: &str,
        observer: Box<dyn SigningObserver>,
    ) -> Result<Self, LoginError> {
        Self::spawn_with_interval(
            client,
            store,
            vault,
            session,
            same_device,
            language,
            observer,
            PROGRESS_INTERVAL,
        )
    }

    /// As [`spawn`](Self::spawn) with another progress interval (tests).
    #[allow(clippy::too_many_arguments)]
    pub fn spawn_with_interval(
        client: LoginClient,
        store: &Store,
        vault: &dyn KeyVault,
        session: &SessionId,
        same_device: bool,
        language: &str,
        observer: Box<dyn SigningObserver>,
        interval: Duration,
    ) -> Result<Self, LoginError> {
        let note = note_to_sign(store, session)?;
        let worker = super::current_session(store.data_dir(), vault, store.now_ms())?
            .ok_or(LoginError::SignInRequired)?;
        let started = client.start_signature(
            &note.note_id,
            &note.content_hash,
            &note.summary,
            same_device,
            &worker.token,
        )?;
        let start = signing_start(started, &note);
        let (order_ref, language) = (start.order_ref.clone(), language.to_string());
        let follower = Follower::spawn(move |cancelled| {
            let result = follow(
                || client.collect_signature(&note.note_id, &order_ref, &language),
                cancelled,
                interval,
                &|p| observer.on_progress(p),
            )
            .map(|signature_sha256| CitizenSignature {
                note_id: note.note_id.clone(),
                content_hash: note.content_hash.clone(),
                signature_sha256,
            });
            if matches!(result, Err(LoginError::Cancelled)) {
                let _ = client.cancel(&order_ref);
            }
            observer.on_finished(result);
        });
        Ok(Self { start, follower })
    }

    /// The started order (autostart link, first QR frame, the note version).
    pub fn start(&self) -> &SigningStart {
        &self.start
    }

    /// Stops following and cancels the order; returns when the thread has ended.
    pub fn cancel(self) {
        self.follower.cancel();
    }

    /// Waits until the signature has ended (the observer has the result).
    pub fn join(self) {
        self.follower.join();
    }
}

fn signing_start(started: LoginStart, note: &NoteToSign) -> SigningStart {
    SigningStart {
        order_ref: started.order_ref,
        auto_start_url: started.auto_start_url,
        qr_data: started.qr_data,
        note_id: note.note_id.clone(),
        content_hash: note.content_hash.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::summary;
    use serde_json::json;

    #[test]
    fn summary_names_date_kind_and_shape_but_no_item_text() {
        let note = json!({
            "header": {"date": "2026-11-23", "contact_kind": "hembesök", "participants": "Testperson"},
            "sections": [{"id": "a", "label": "Anledning", "items": [{"text": "Exempelsson"}]}]
        });
        let text = summary(&note, 1, 1);
        assert_eq!(
            text,
            "Journalanteckning 2026-11-23, hembesök: 1 punkter i 1 avsnitt (Anledning)."
        );
        assert_eq!(
            summary(&json!({}), 0, 0),
            "Journalanteckning: 0 punkter i 0 avsnitt."
        );
    }
}
