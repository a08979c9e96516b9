import Foundation

// The app's own view of the core's data. Screens and view models use only these types, so a
// change in the generated bindings (module SamtalFFI) is absorbed in Core/ alone.

/// A session's place in its lifecycle.
public enum SessionPhase: String, Sendable {
    case created, consented, recording, paused, stopped, transcribed, drafted, inReview
    case approved, queued, synced, purged, withdrawn, discarded

    /// A recording that a killed app left behind and `recover` can pick up.
    public var interrupted: Bool { self == .recording || self == .paused || self == .stopped }
}

/// How the citizen was told about the recording before deciding.
public enum InformedHow: String, CaseIterable, Sendable {
    case verbal, written, interpreter
}

/// How the citizen took part in the review.
public enum CitizenPart: String, CaseIterable, Sendable {
    case reviewedOnScreen, declinedToReview, notPresent
}

public enum Delivery: String, Sendable {
    case queued, sending, delivered, rejected
}

/// One person present besides the worker, as the worker entered them at consent, so the draft
/// can name them ("Anna berättar att hon …"). Every field but the role may be nil.
public struct Person: Equatable, Sendable {
    /// `citizen`, `relative`, `interpreter` or `other`.
    public let role: String
    public let name: String?
    /// A relative's relation ("dotter").
    public let description: String?
    /// One of `Core.pronounChoices` for the meeting's language; nil: neutral.
    public let pronoun: String?

    public init(role: String, name: String? = nil, description: String? = nil, pronoun: String? = nil) {
        self.role = role
        self.name = name
        self.description = description
        self.pronoun = pronoun
    }
}

/// A session as listed: state, time and counts, never content.
public struct SessionInfo: Identifiable, Hashable, Sendable {
    public let id: String
    public let phase: SessionPhase
    public let createdAtMs: Int64
    public let capturedSeconds: Double
    public let segments: UInt64
    public let hasDraft: Bool
}

/// A final piece of transcript; `speaker` is set when the recording stops (with an
/// enrolled voice profile): `worker`, `citizen`, `relative`, `interpreter` or `other`.
public struct Segment: Identifiable, Hashable, Sendable {
    public let id: UInt32
    public let start: Double
    public let end: Double
    public let text: String
    public let confidence: Float
    public let speaker: String?
    /// The voice within the session (0 is the worker's), to relabel a voice throughout.
    public var voice: UInt32? = nil
    /// How sure attribution was of the speaker (0–1); 1 once the worker set it.
    public var speakerConfidence: Float? = nil
    /// The speaker should be checked by the worker.
    public var speakerUnsure: Bool = false
}

/// The worker's voice profile, as the settings screen shows it.
public struct VoiceProfileStatus: Hashable, Sendable {
    public let enrolled: Bool
    public let enrolledAtMs: Int64?
    public let speechSeconds: Double?
    public let needsReenrolment: Bool
}

public enum FlagKind: String, Sendable {
    case lowConfidence, unsupported, edited, addedByWorker
}

public struct Flag: Hashable, Sendable {
    public let kind: FlagKind
    public let blocksApproval: Bool
    public let resolved: Bool

    /// Open flags, and the worker's own edits and additions (always shown).
    public var shown: Bool { !resolved || kind == .edited || kind == .addedByWorker }
}

public struct Item: Identifiable, Hashable, Sendable {
    public let id: UInt32
    public let section: String
    public let text: String
    public let citations: [UInt32]
    public let flags: [Flag]
    public let reviewed: Bool
}

public struct DraftSection: Identifiable, Hashable, Sendable {
    public let id: String
    public let label: String
}

/// The draft or approved note as review shows it.
public struct Draft: Hashable, Sendable {
    public let template: String
    public let language: String
    public let version: UInt32
    public let sections: [DraftSection]
    public let items: [Item]
    public let citizenComment: String?
    public let unresolved: Int
    public let approved: Bool

    public func items(in section: DraftSection) -> [Item] { items.filter { $0.section == section.id } }
}

/// A change made while reviewing.
public enum Change: Hashable, Sendable {
    case markReviewed([UInt32])
    case markAllReviewed
    case edit(item: UInt32, text: String)
    case add(section: String, text: String)
    case delete(item: UInt32)
    case move(item: UInt32, section: String)
    case citizenComment(String)
    /// Who said these segments; the note is drafted again from the corrected labels.
    case relabelSegments([UInt32], speaker: String)
    /// As `relabelSegments` for every segment of one voice.
    case relabelVoice(UInt32, speaker: String)
}

public struct OutboxEntry: Identifiable, Hashable, Sendable {
    public var id: String { noteId }
    public let noteId: String
    public let sessionId: String
    public let status: Delivery
    public let attempts: Int
    public let reason: String?
}

public struct Receipt: Identifiable, Hashable, Sendable {
    public var id: String { noteId }
    public let noteId: String
    public let receivedAtMs: Int64
    public let contentHash: String
    public let citizenSignature: String?
}

public struct SyncSummary: Hashable, Sendable {
    public let delivered: Int
    public let rejected: Int
    public let retryLater: Int
}

/// One BankID progress report: BankID's message (RFA) and the QR frame to draw.
public struct BankIdProgress: Hashable, Sendable {
    public let status: String
    public let hintCode: String?
    public let rfa: String?
    public let message: String?
    public let qrData: String?
}

/// How a BankID order (worker sign-in or citizen signature) ended.
public enum BankIdOutcome: Hashable, Sendable {
    case done(expiresAtMs: Int64?, signatureSha256: String?)
    case cancelled
    case failed(message: String)
}

/// Receives BankID progress on Samtal's threads; `BankIdFlow` hops to the main actor.
public protocol BankIdListener: AnyObject, Sendable {
    func onProgress(_ progress: BankIdProgress)
    func onFinished(_ outcome: BankIdOutcome)
}

/// A running BankID order.
public protocol BankIdOrder: AnyObject, Sendable {
    var autoStartUrl: String { get }
    var firstQr: String { get }
    func cancel()
}

/// A listener to the core; `cancel()` (or letting go of it) stops it.
public protocol ListenerToken: AnyObject {
    func cancel()
}

/// Audio the shell captures: interleaved float blocks in its own rate and channels.
public protocol PcmSource: AnyObject, Sendable {
    var sampleRate: UInt32 { get }
    var channels: UInt16 { get }
    /// The next block (may be empty while waiting); nil when capture has ended.
    func read() throws -> [Float]?
}

/// The model's state as settings shows it.
public enum ModelStatus: Hashable, Sendable {
    case ready(path: String)
    case missing(reason: String)
}

/// What the UI can do about an error; the message is safe to show (no content).
public enum ErrorKind: String, Sendable {
    case invalidInput, notAllowed, model, audio, storage, network, notEnrolled
    case signInRequired, refused, cancelled, platform
}

public struct CoreError: Error, Hashable, Sendable {
    public let kind: ErrorKind
    public let message: String

    public init(_ kind: ErrorKind, _ message: String) {
        self.kind = kind
        self.message = message
    }
}
