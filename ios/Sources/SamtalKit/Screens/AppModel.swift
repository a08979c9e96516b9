import Combine
import Foundation

/// Where the worker is. Screens showing note or transcript text are `secure`.
public enum Route: Hashable, Sendable {
    /// Decides where to begin: enrolment, sign-in, a recording to recover, or today's list.
    case start
    case signIn
    case sessions
    case consent
    case micRefused(String)
    case recording(String)
    case review(String)
    case citizen(String)
    case approve(String)
    case citizenSign(String)
    case outbox
    case settings

    /// Hidden while the screen is recorded or in the app switcher; screenshots are flagged.
    public var secure: Bool {
        switch self {
        case .recording, .review, .citizen: return true
        default: return false
        }
    }
}

/// Short messages that need no answer.
public enum Notice: Sendable {
    case consentRefused, commentSaved
}

/// What lives as long as the app: the core, the recording, the BankID order, where the
/// worker is and the few settings the app keeps. Screens read everything from here.
@MainActor
public final class AppModel: ObservableObject {
    @Published public var root: Route = .start
    @Published public var path: [Route] = []
    /// An error to show; its message is safe to show (no content).
    @Published public var alert: CoreError?
    @Published public var notice: Notice?

    public let prefs: Prefs
    public let vault: KeychainVault
    public let settings: CoreSettings
    public let bankId = BankIdFlow()
    public private(set) lazy var recording = RecordingController { [unowned self] in try self.core() }
    private var opened: Core?
    private var transcriptFeed: ListenerToken?

    public init(settings: CoreSettings, vault: KeychainVault = KeychainVault(), prefs: Prefs = Prefs()) {
        self.settings = settings
        self.vault = vault
        self.prefs = prefs
    }

    /// The app's data and models in Application Support (protected by `start()`).
    public static func defaultSettings() -> CoreSettings {
        let support = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
        return CoreSettings(
            dataDir: support.appendingPathComponent("samtal", isDirectory: true),
            modelsDir: support.appendingPathComponent("models", isDirectory: true)
        )
    }

    /// The core, opened on first use (the encrypted store needs the vault's key).
    public func core() throws -> Core {
        if let core = opened { return core }
        let core = try Core.open(settings, vault: vault)
        opened = core
        transcriptFeed = core.observeTranscript { [weak self] session, segment in
            Task { @MainActor in self?.recording.onSegment(session, segment) }
        }
        return core
    }

    public var current: Route { path.last ?? root }

    public func go(_ route: Route) { path.append(route) }

    /// Replaces the whole history: after a step that must not be undone by going back.
    public func reset(_ route: Route) {
        root = route
        path = []
    }

    public func back() {
        if !path.isEmpty { path.removeLast() }
    }

    /// Runs a step of the flow; a failure is shown, nothing is lost.
    public func run(_ step: @escaping @MainActor () async throws -> Void) {
        Task { @MainActor in
            do {
                try await step()
            } catch let e as CoreError {
                alert = e
            } catch {
                alert = CoreError(.platform, "\(type(of: error))")
            }
        }
    }

    /// Shows `step`'s error instead of throwing it.
    public func attempt<T>(_ step: () throws -> T) -> T? {
        do {
            return try step()
        } catch let e as CoreError {
            alert = e
        } catch {
            alert = CoreError(.platform, "\(type(of: error))")
        }
        return nil
    }

    /// A recording the app left behind comes first, then enrolment, sign-in, today's list.
    public func start() {
        do {
            try DataProtection.prepare(settings.dataDir)
            try DataProtection.prepare(settings.modelsDir)
            let core = try core()
            if let interrupted = try core.sessions().first(where: { $0.phase.interrupted }) {
                reset(.recording(interrupted.id))
            } else if prefs.deviceId == nil {
                reset(.settings)
            } else if try core.signedInUntil() == nil {
                reset(.signIn)
            } else {
                reset(.sessions)
            }
        } catch {
            reset(.settings)
            alert = (error as? CoreError) ?? CoreError(.platform, "\(type(of: error))")
        }
    }

    /// Starts recording a consented session once the microphone may be used.
    public func startRecording(_ session: String) {
        AudioSession.withMicrophone { [weak self] allowed in
            guard let self else { return }
            guard allowed else {
                self.go(.micRefused(session))
                return
            }
            self.run {
                try await self.recording.start(session, language: self.prefs.language(session))
                self.reset(.recording(session))
            }
        }
    }

    /// Removes every local trace: store, spool, sign-in, keys and settings.
    public func wipe() async throws {
        await recording.forget()
        bankId.cancel()
        try core().wipe()
        close()
        try vault.destroy()
        prefs.clear()
    }

    /// Lets go of the core.
    public func close() {
        transcriptFeed?.cancel()
        transcriptFeed = nil
        opened = nil
    }
}
