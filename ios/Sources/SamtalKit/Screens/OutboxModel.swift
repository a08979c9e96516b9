import Combine
import Foundation

/// Approved notes waiting to be sent, and the receipts of those delivered.
@MainActor
public final class OutboxModel: ObservableObject {
    @Published public private(set) var waiting: [OutboxEntry] = []
    @Published public private(set) var receipts: [Receipt] = []
    @Published public private(set) var sending = false
    @Published public private(set) var sent: SyncSummary?
    /// The worker must sign in before anything can be sent.
    @Published public var signInFirst = false
    private var feed: ListenerToken?
    private let app: AppModel

    public init(app: AppModel) {
        self.app = app
    }

    public func load() {
        guard let core = app.attempt({ try app.core() }) else { return }
        waiting = (app.attempt { try core.outbox() } ?? []).filter { $0.status != .delivered }
        receipts = (app.attempt { try core.receipts() } ?? []).sorted { $0.receivedAtMs > $1.receivedAtMs }
    }

    /// Follows delivery statuses while the screen is shown.
    public func follow() {
        feed = app.attempt { try app.core() }?.observeOutbox { [weak self] _ in
            Task { @MainActor in self?.load() }
        }
    }

    public func unfollow() {
        feed?.cancel()
        feed = nil
    }

    public func send() {
        guard !sending else { return }
        sending = true
        app.run {
            defer {
                self.sending = false
                self.load()
            }
            do {
                self.sent = try await self.app.core().syncNow()
            } catch let e as CoreError where e.kind == .signInRequired {
                self.signInFirst = true
            }
        }
    }
}
