import Combine
import Foundation

/// A person approves the note: who, and how the citizen took part. Then it is sealed.
@MainActor
public final class ApproveModel: ObservableObject {
    @Published public var who: String
    @Published public var part: CitizenPart = .reviewedOnScreen
    @Published public private(set) var unresolved = 0
    @Published public private(set) var whoMissing = false
    public let session: String
    private let app: AppModel

    public init(app: AppModel, session: String) {
        self.app = app
        self.session = session
        who = app.prefs.worker
    }

    public func load() {
        unresolved = app.attempt { try app.core().document(session).unresolved } ?? 0
    }

    public func approve() {
        let name = who.trimmingCharacters(in: .whitespacesAndNewlines)
        whoMissing = name.isEmpty
        guard !whoMissing else { return }
        guard app.attempt({ try app.core().approve(session, approvedBy: name, part: part) }) != nil else { return }
        app.prefs.worker = name
        app.prefs.forget(session)
        app.reset(.citizenSign(session))
    }
}
