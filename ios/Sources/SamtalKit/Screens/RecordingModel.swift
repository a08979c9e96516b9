import Combine
import Foundation

/// The meeting being recorded: pause and resume, stop and draft, the citizen's withdrawal,
/// and picking up a recording a killed app left behind.
@MainActor
public final class RecordingModel: ObservableObject {
    @Published public private(set) var finishing = false
    public let session: String
    private let app: AppModel

    public init(app: AppModel, session: String) {
        self.app = app
        self.session = session
    }

    /// Whether the app's recording is this session's (else it was interrupted).
    public var ours: Bool { app.recording.sessionId == session }

    public func recover() {
        app.run { try await self.app.recording.recover(self.session, language: self.app.prefs.language(self.session)) }
    }

    public func pause() { app.run { try await self.app.recording.pause() } }

    public func resume() { app.run { try await self.app.recording.resume() } }

    public func stop() {
        finishing = true
        app.run {
            defer { self.finishing = false }
            try await self.app.recording.stop()
            let core = try self.app.core()
            let template = self.app.prefs.template(self.session) ?? core.templateIds().first ?? ""
            _ = try await core.draft(self.session, template: template)
            self.app.reset(.review(self.session))
        }
    }

    /// The citizen withdrew consent: everything is wiped at once.
    public func withdraw() {
        app.run {
            if self.ours {
                try await self.app.recording.withdraw()
            } else {
                try self.app.core().withdraw(self.session)
            }
            self.app.prefs.forget(self.session)
            self.app.reset(.sessions)
        }
    }

    /// Ends a session whose microphone was refused, without recording.
    public func discard() {
        app.run {
            try self.app.core().discard(self.session)
            self.app.prefs.forget(self.session)
            self.app.reset(.sessions)
        }
    }
}
