import Foundation
import SamtalFFI

/// Where the core keeps its data and which model it runs.
public struct CoreSettings: Sendable {
    public var dataDir: URL
    public var modelsDir: URL
    public var modelId = "whisper-base"
    /// The weight format the core recommends for every phone (the engine adapts to memory).
    public var quantization = recommendedQuantization()
    public var threads: UInt32 = 2

    public init(dataDir: URL, modelsDir: URL) {
        self.dataDir = dataDir
        self.modelsDir = modelsDir
    }
}

/// The one door to the core (samtal-ffi). Every generated binding type is converted here,
/// and every `SamtalError` becomes a `CoreError` with a kind the UI can act on.
public final class Core: @unchecked Sendable {
    private let samtal: SamtalFFI.Samtal
    public let settings: CoreSettings

    private init(samtal: SamtalFFI.Samtal, settings: CoreSettings) {
        self.samtal = samtal
        self.settings = settings
    }

    /// Opens the encrypted store under the vault's key (and applies retention), then chooses
    /// the model; a missing or damaged model still opens (settings show it).
    public static func open(_ settings: CoreSettings, vault: KeychainVault) throws -> Core {
        try guarded {
            let config = SamtalFFI.Config(
                dataDir: settings.dataDir.path, threads: settings.threads,
                templatesDir: nil, unapprovedRetentionHours: nil
            )
            let samtal: SamtalFFI.Samtal = try SamtalFFI.Samtal.open(config: config, vault: vault)
            let core = Core(samtal: samtal, settings: settings)
            _ = core.modelStatus()
            return core
        }
    }

    /// Checks the model and records with it from the next recording on; it is hashed again
    /// only when no record sealed with this app's key shows the file unchanged. A missing or
    /// damaged file is named in the reason, and nothing can be recorded until it checks out.
    public func modelStatus() -> ModelStatus {
        do {
            return .ready(path: try guarded {
                try samtal.useInstalledModel(
                    modelsDir: settings.modelsDir.path, modelId: settings.modelId, quantization: settings.quantization
                )
            })
        } catch let e as CoreError {
            return .missing(reason: e.message)
        } catch {
            return .missing(reason: "\(type(of: error))")
        }
    }

    public func sessions() throws -> [SessionInfo] { try guarded { try samtal.sessions().map(app) } }

    public func session(_ id: String) throws -> SessionInfo { try guarded { app(try samtal.session(sessionId: id)) } }

    public func templateIds() -> [String] { samtal.templateIds() }

    /// Records the citizen's decision; a refusal ends the session at once. `present`: who
    /// takes part besides the worker (`citizen`, `relative`, `interpreter`, `other`), which
    /// names the voices speaker attribution finds.
    public func beginSession(
        consent: Bool, informed: InformedHow, language: String, worker: String, present: [String] = []
    ) throws -> String {
        let how: SamtalFFI.InformedBy
        switch informed {
        case .verbal: how = .verbal
        case .written: how = .written
        case .interpreter: how = .interpreter
        }
        let decision: SamtalFFI.ConsentDecision = consent ? .given : .refused
        return try guarded {
            try samtal.beginSession(
                consent: decision, informed: how, language: language, worker: worker, present: present)
        }
    }

    /// Stores who takes part in session `id`; the session's drafts then name them.
    public func setParticipants(_ id: String, _ people: [Person]) throws {
        let participants = people.map {
            SamtalFFI.Participant(speaker: $0.role, name: $0.name, description: $0.description, pronoun: $0.pronoun)
        }
        try guarded { try samtal.setParticipants(sessionId: id, participants: participants) }
    }

    public func participants(_ id: String) throws -> [Person] {
        try guarded {
            try samtal.participants(sessionId: id).map {
                Person(role: $0.speaker, name: $0.name, description: $0.description, pronoun: $0.pronoun)
            }
        }
    }

    /// The pronouns a person can be given in `language` ("hon", "han", "hen"), neutral last.
    public func pronounChoices(_ language: String) -> [String] { SamtalFFI.pronounChoices(language: language) }

    public func startRecording(_ id: String, language: String) async throws -> ActiveRecording {
        try await guardedAsync {
            let recording: SamtalFFI.Recording = try await samtal.startRecording(sessionId: id, language: spoken(language))
            return ActiveRecording(recording)
        }
    }

    /// Picks up a recording a killed app left behind; it comes back paused.
    public func recoverRecording(_ id: String, language: String) async throws -> ActiveRecording {
        try await guardedAsync {
            let recording: SamtalFFI.Recording = try await samtal.recoverRecording(sessionId: id, language: spoken(language))
            return ActiveRecording(recording)
        }
    }

    public func transcript(_ id: String) throws -> [Segment] {
        try guarded { try samtal.transcript(sessionId: id).map(app) }
    }

    public func draft(_ id: String, template: String) async throws -> Draft {
        try await guardedAsync { app(try await samtal.draft(sessionId: id, template: template, contactKind: nil)) }
    }

    public func document(_ id: String) throws -> Draft { try guarded { app(try samtal.document(sessionId: id)) } }

    public func review(_ id: String, _ change: Change) throws -> Draft {
        try guarded { app(try samtal.review(sessionId: id, edit: ffi(change))) }
    }

    public func citizenView(_ id: String) throws -> String { try guarded { try samtal.citizenView(sessionId: id) } }

    /// A person approves; the sealed note is queued. Returns the note id.
    public func approve(_ id: String, approvedBy: String, part: CitizenPart) throws -> String {
        let role: SamtalFFI.CitizenParticipation
        switch part {
        case .reviewedOnScreen: role = .reviewedOnScreen
        case .declinedToReview: role = .declinedToReview
        case .notPresent: role = .notPresent
        }
        return try guarded { try samtal.approve(sessionId: id, approvedBy: approvedBy, citizen: role) }
    }

    public func withdraw(_ id: String) throws { try guarded { try samtal.withdraw(sessionId: id) } }

    /// Enrols (or re-enrols) the worker's voice from `input`: the worker reads
    /// `enrolmentText` aloud for about 30 s. Only voice statistics are kept, sealed.
    public func enrollVoice(_ input: PcmSource) async throws -> VoiceProfileStatus {
        try await guardedAsync { app(try await samtal.enrollVoice(input: AudioInputBridge(input))) }
    }

    public func voiceStatus() throws -> VoiceProfileStatus { try guarded { app(try samtal.voiceStatus()) } }

    /// Deletes the voice profile; false if none was enrolled.
    public func deleteVoice() throws -> Bool { try guarded { try samtal.deleteVoice() } }

    /// The text to read aloud when enrolling (`sv`, `da` or `en`).
    public func enrolmentText(_ language: String) throws -> String {
        try guarded { try SamtalFFI.enrolmentText(language: language) }
    }

    public func discard(_ id: String) throws { try guarded { try samtal.discard(sessionId: id) } }

    /// Enrolls the phone with the one-time code; returns the device id.
    public func enroll(url: String, code: String) async throws -> String {
        try await guardedAsync {
            let enrollment: SamtalFFI.DeviceIdentity = try await samtal.enroll(endpointUrl: url, code: code)
            return enrollment.deviceId
        }
    }

    public func signIn(sameDevice: Bool, language: String, listener: BankIdListener) throws -> BankIdOrder {
        try guarded {
            let handle: SamtalFFI.SignInHandle = try samtal.signIn(
                sameDevice: sameDevice, language: language, listener: SignInFeed(listener)
            )
            return SignInOrder(handle)
        }
    }

    /// The citizen signs the approved note with their own BankID.
    public func citizenSign(_ id: String, sameDevice: Bool, language: String, listener: BankIdListener) throws -> BankIdOrder {
        try guarded {
            let handle: SamtalFFI.CitizenSignHandle = try samtal.citizenSign(
                sessionId: id, sameDevice: sameDevice, language: language, listener: CitizenSignFeed(listener)
            )
            return CitizenSignOrder(handle)
        }
    }

    public func signedInUntil() throws -> Int64? { try guarded { try samtal.signedInUntil() } }

    public func signOut() throws { try guarded { try samtal.signOut() } }

    public func syncNow() async throws -> SyncSummary {
        try await guardedAsync {
            let result: SamtalFFI.SyncReport = try await samtal.syncNow()
            return SyncSummary(
                delivered: Int(result.delivered), rejected: Int(result.rejected), retryLater: Int(result.retryLater)
            )
        }
    }

    public func outbox() throws -> [OutboxEntry] { try guarded { try samtal.outbox().map(app) } }

    public func receipts() throws -> [Receipt] {
        try guarded {
            try samtal.receipts().map { (r: SamtalFFI.Receipt) in
                Receipt(
                    noteId: r.noteId, receivedAtMs: r.receivedAt, contentHash: r.contentHash,
                    citizenSignature: r.citizenSignature
                )
            }
        }
    }

    /// Live transcript segments (session id, segment), on Samtal's threads.
    public func observeTranscript(_ onSegment: @escaping @Sendable (String, Segment) -> Void) -> ListenerToken {
        let handle: SamtalFFI.ListenerHandle = samtal.observeTranscript(listener: TranscriptFeed(onSegment))
        return Subscription(handle)
    }

    /// Delivery statuses after each sync, on Samtal's threads.
    public func observeOutbox(_ onStatus: @escaping @Sendable (OutboxEntry) -> Void) -> ListenerToken {
        let handle: SamtalFFI.ListenerHandle = samtal.observeOutbox(listener: OutboxFeed(onStatus))
        return Subscription(handle)
    }

    /// Removes every local trace: store, spool, sign-in and keys. Let go of this object after.
    public func wipe() throws { try guarded { try samtal.wipe() } }
}

/// One session's recording, shared by the capture task and the screen.
public final class ActiveRecording: @unchecked Sendable {
    private let recording: SamtalFFI.Recording

    fileprivate init(_ recording: SamtalFFI.Recording) {
        self.recording = recording
    }

    public var sessionId: String { recording.sessionId() }

    /// Reads the capture until it ends (the core resamples and downmixes as needed).
    public func capture(_ input: PcmSource) async throws {
        try await guardedAsync { try await recording.capture(input: AudioInputBridge(input)) }
    }

    public func capturedSeconds() -> Double { (try? recording.capturedSeconds()) ?? 0 }

    public func pause() throws { try guarded { try recording.pause() } }

    public func resume() throws { try guarded { try recording.resume() } }

    /// Stops, finishes the transcription and shreds all audio.
    public func stop() async throws { try await guardedAsync { try await recording.stop() } }

    /// The citizen withdrew consent: everything captured is wiped at once.
    public func withdraw() throws { try guarded { try recording.withdraw() } }
}

// MARK: - Listeners and handles

private final class AudioInputBridge: SamtalFFI.AudioInput, @unchecked Sendable {
    private let source: PcmSource

    init(_ source: PcmSource) {
        self.source = source
    }

    func sampleRate() -> UInt32 { source.sampleRate }

    func channels() -> UInt16 { source.channels }

    func read() throws -> [Float]? {
        do {
            return try source.read()
        } catch let e as CoreError {
            throw SamtalFFI.SamtalError.Platform(reason: e.message)
        } catch {
            throw SamtalFFI.SamtalError.Platform(reason: "capture failed (\(type(of: error)))")
        }
    }
}

private final class TranscriptFeed: SamtalFFI.TranscriptListener, @unchecked Sendable {
    private let deliver: @Sendable (String, Segment) -> Void

    init(_ deliver: @escaping @Sendable (String, Segment) -> Void) {
        self.deliver = deliver
    }

    func onSegment(sessionId: String, segment: SamtalFFI.TranscriptSegment) {
        deliver(sessionId, app(segment))
    }
}

private final class OutboxFeed: SamtalFFI.OutboxListener, @unchecked Sendable {
    private let deliver: @Sendable (OutboxEntry) -> Void

    init(_ deliver: @escaping @Sendable (OutboxEntry) -> Void) {
        self.deliver = deliver
    }

    func onStatus(item: SamtalFFI.OutboxEntry) {
        deliver(app(item))
    }
}

private final class SignInFeed: SamtalFFI.SignInListener, @unchecked Sendable {
    private let listener: BankIdListener

    init(_ listener: BankIdListener) {
        self.listener = listener
    }

    func onProgress(progress: SamtalFFI.LoginProgress) {
        listener.onProgress(app(progress))
    }

    func onFinished(result: SamtalFFI.SignInResult) {
        switch result {
        case let .signedIn(expiresAtMs): listener.onFinished(.done(expiresAtMs: expiresAtMs, signatureSha256: nil))
        case .cancelled: listener.onFinished(.cancelled)
        case let .failed(message): listener.onFinished(.failed(message: message))
        }
    }
}

private final class CitizenSignFeed: SamtalFFI.CitizenSignListener, @unchecked Sendable {
    private let listener: BankIdListener

    init(_ listener: BankIdListener) {
        self.listener = listener
    }

    func onProgress(progress: SamtalFFI.LoginProgress) {
        listener.onProgress(app(progress))
    }

    func onFinished(result: SamtalFFI.CitizenSignResult) {
        switch result {
        case let .signed(_, _, signatureSha256):
            listener.onFinished(.done(expiresAtMs: nil, signatureSha256: signatureSha256))
        case .cancelled: listener.onFinished(.cancelled)
        case let .failed(message): listener.onFinished(.failed(message: message))
        }
    }
}

private final class SignInOrder: BankIdOrder, @unchecked Sendable {
    private let handle: SamtalFFI.SignInHandle
    let autoStartUrl: String
    let firstQr: String

    init(_ handle: SamtalFFI.SignInHandle) {
        self.handle = handle
        autoStartUrl = handle.autoStartUrl()
        firstQr = handle.firstQr()
    }

    func cancel() { handle.cancel() }
}

private final class CitizenSignOrder: BankIdOrder, @unchecked Sendable {
    private let handle: SamtalFFI.CitizenSignHandle
    let autoStartUrl: String
    let firstQr: String

    init(_ handle: SamtalFFI.CitizenSignHandle) {
        self.handle = handle
        autoStartUrl = handle.autoStartUrl()
        firstQr = handle.firstQr()
    }

    func cancel() { handle.cancel() }
}

private final class Subscription: ListenerToken {
    private var handle: SamtalFFI.ListenerHandle?

    init(_ handle: SamtalFFI.ListenerHandle) {
        self.handle = handle
    }

    func cancel() {
        handle?.cancel()
        handle = nil
    }

    deinit { handle?.cancel() }
}

// MARK: - Errors and conversions

func guarded<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let e as SamtalFFI.SamtalError {
        throw app(e)
    }
}

func guardedAsync<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let e as SamtalFFI.SamtalError {
        throw app(e)
    }
}

private func app(_ e: SamtalFFI.SamtalError) -> CoreError {
    switch e {
    case let .InvalidInput(reason): return CoreError(.invalidInput, reason)
    case let .NotAllowed(reason): return CoreError(.notAllowed, reason)
    case let .Model(reason): return CoreError(.model, reason)
    case let .Audio(reason): return CoreError(.audio, reason)
    case let .Storage(reason): return CoreError(.storage, reason)
    case let .Network(reason): return CoreError(.network, reason)
    case let .NotEnrolled(reason): return CoreError(.notEnrolled, reason)
    case let .SignInRequired(reason): return CoreError(.signInRequired, reason)
    case let .Refused(reason): return CoreError(.refused, reason)
    case let .Cancelled(reason): return CoreError(.cancelled, reason)
    case let .Platform(reason): return CoreError(.platform, reason)
    }
}

/// The spoken language by its code; anything else lets recognition detect it.
private func spoken(_ language: String) -> SamtalFFI.Language? {
    switch language {
    case "sv": return .sv
    case "da": return .da
    case "en": return .en
    default: return nil
    }
}

private func app(_ s: SamtalFFI.SessionInfo) -> SessionInfo {
    SessionInfo(
        id: s.id, phase: app(s.state), createdAtMs: s.createdAt, capturedSeconds: s.capturedSeconds,
        segments: s.segments, hasDraft: s.hasDraft
    )
}

private func app(_ p: SamtalFFI.SessionState) -> SessionPhase {
    switch p {
    case .created: return .created
    case .consented: return .consented
    case .recording: return .recording
    case .paused: return .paused
    case .stopped: return .stopped
    case .transcribed: return .transcribed
    case .drafted: return .drafted
    case .inReview: return .inReview
    case .approved: return .approved
    case .queued: return .queued
    case .synced: return .synced
    case .purged: return .purged
    case .withdrawn: return .withdrawn
    case .discarded: return .discarded
    }
}

private func app(_ s: SamtalFFI.TranscriptSegment) -> Segment {
    Segment(
        id: s.id, start: s.startSeconds, end: s.endSeconds, text: s.text, confidence: s.confidence,
        speaker: s.speaker, voice: s.voice, speakerConfidence: s.speakerConfidence, speakerUnsure: s.speakerUnsure
    )
}

private func app(_ p: SamtalFFI.LoginProgress) -> BankIdProgress {
    BankIdProgress(status: p.status, hintCode: p.hintCode, rfa: p.rfa, message: p.message, qrData: p.qrData)
}

private func app(_ item: SamtalFFI.OutboxEntry) -> OutboxEntry {
    let status: Delivery
    switch item.status {
    case .queued: status = .queued
    case .sending: status = .sending
    case .delivered: status = .delivered
    case .rejected: status = .rejected
    }
    return OutboxEntry(
        noteId: item.noteId, sessionId: item.sessionId, status: status, attempts: Int(item.attempts),
        reason: item.reason
    )
}

private func app(_ f: SamtalFFI.ItemFlag) -> Flag {
    let kind: FlagKind
    switch f.reason {
    case .lowConfidence: kind = .lowConfidence
    case .unsupported: kind = .unsupported
    case .edited: kind = .edited
    case .addedByWorker: kind = .addedByWorker
    }
    return Flag(kind: kind, blocksApproval: f.blocksApproval, resolved: f.resolved)
}

private func app(_ d: SamtalFFI.NoteDraft) -> Draft {
    Draft(
        template: d.template, language: d.language, version: d.version,
        sections: d.sections.map { (s: SamtalFFI.NoteSection) in DraftSection(id: s.id, label: s.label) },
        items: d.items.map { (i: SamtalFFI.NoteItem) in
            Item(
                id: i.id, section: i.section, text: i.text, citations: i.citedSegments, flags: i.flags.map(app),
                reviewed: i.reviewed
            )
        },
        citizenComment: d.citizenComment, unresolved: Int(d.unresolved), approved: d.approved
    )
}

private func ffi(_ change: Change) -> SamtalFFI.ReviewChange {
    switch change {
    case let .markReviewed(items): return .markReviewed(items: items)
    case .markAllReviewed: return .markAllReviewed
    case let .edit(item, text): return .edit(item: item, text: text)
    case let .add(section, text): return .add(section: section, text: text)
    case let .delete(item): return .delete(item: item)
    case let .move(item, section): return .move(item: item, section: section)
    case let .citizenComment(text): return .citizenComment(text: text)
    case let .relabelSegments(segments, speaker): return .relabelSegments(segments: segments, speaker: speaker)
    case let .relabelVoice(voice, speaker): return .relabelVoice(voice: voice, speaker: speaker)
    }
}

private func app(_ v: SamtalFFI.VoiceStatus) -> VoiceProfileStatus {
    VoiceProfileStatus(
        enrolled: v.enrolled, enrolledAtMs: v.enrolledAt, speechSeconds: v.speechSeconds,
        needsReenrolment: v.needsReenrolment
    )
}
