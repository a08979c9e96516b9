import Combine
import Foundation

/// Today's sessions: states and times only, never content.
@MainActor
public final class SessionsModel: ObservableObject {
    @Published public private(set) var sessions: [SessionInfo] = []
    @Published public private(set) var signedInUntil: Date?
    private let app: AppModel

    public init(app: AppModel) {
        self.app = app
    }

    public func load() {
        let startOfDay = Calendar.current.startOfDay(for: Date())
        guard let core = app.attempt({ try app.core() }) else { return }
        sessions = app.attempt {
            try core.sessions()
                .filter { Date(milliseconds: $0.createdAtMs) >= startOfDay }
                .sorted { $0.createdAtMs > $1.createdAtMs }
        } ?? []
        signedInUntil = app.attempt { try core.signedInUntil() }.flatMap { $0.map(Date.init(milliseconds:)) }
    }

    public func open(_ session: SessionInfo) {
        switch session.phase {
        case .recording, .paused, .stopped: app.go(.recording(session.id))
        case .transcribed, .drafted, .inReview: app.go(.review(session.id))
        case .approved, .queued: app.go(.outbox)
        case .consented: app.startRecording(session.id)
        default: break
        }
    }
}

extension Date {
    public init(milliseconds: Int64) {
        self.init(timeIntervalSince1970: TimeInterval(milliseconds) / 1000)
    }
}
