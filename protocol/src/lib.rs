//! Wire format between the phone and the municipal endpoint.
//!
//! Kept free of heavy dependencies so the endpoint does not pull the on-device stack and the
//! phone does not pull the server stack; both sides validate and hash notes with the same code.

pub mod canonical;
pub mod messages;
pub mod note;
pub mod receipt;

pub use canonical::{parse_canonical, CanonicalError};
pub use messages::{
    ca_fingerprint, EnrollRequest, EnrollResponse, EnrollmentCode, ErrorBody, ExportItem,
    ExportPage,
};
pub use note::{content_hash, validate_note, NoteEnvelope, NoteError, NOTE_SCHEMA_VERSION};
pub use receipt::{session_id, Delivery, Receipt, ReceiptError, ReceiptSigner, ReceiptVerifier};
