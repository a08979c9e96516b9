import Combine
import Foundation

/// Worker and citizen go through the draft: items by section with their flags, each
/// citation opening the transcript span it rests on; edit, delete, add, move, mark
/// reviewed. Approval needs every flag resolved (the core says how many are open).
@MainActor
public final class ReviewModel: ObservableObject {
    @Published public private(set) var draft: Draft?
    public let session: String
    private let app: AppModel

    public init(app: AppModel, session: String) {
        self.app = app
        self.session = session
    }

    /// Shows the draft; drafts first when the transcript has none yet.
    public func load() {
        guard let core = app.attempt({ try app.core() }), let info = app.attempt({ try core.session(session) }) else {
            return
        }
        if info.hasDraft {
            draft = app.attempt { try core.document(session) }
            return
        }
        guard info.phase == .transcribed else { return }
        let template = app.prefs.template(session) ?? core.templateIds().first ?? ""
        app.run { self.draft = try await core.draft(self.session, template: template) }
    }

    public func apply(_ change: Change) {
        if let updated = app.attempt({ try app.core().review(session, change) }) { draft = updated }
    }

    /// The transcript segments an item cites, in order.
    public func source(of item: Item) -> [Segment] {
        let cited = Set(item.citations)
        return (app.attempt { try app.core().transcript(session) } ?? []).filter { cited.contains($0.id) }
    }

    /// The sections an item can move to.
    public func otherSections(than item: Item) -> [DraftSection] {
        (draft?.sections ?? []).filter { $0.id != item.section }
    }
}
