import Combine
import Foundation

/// Worker and citizen go through the draft: items by section with their flags, each
/// citation opening the transcript span it rests on; edit, delete, add, move, mark
/// reviewed. Approval needs every flag resolved (the core says how many are open). Where
/// the transcript says who spoke, the worker corrects the speaker of the cited lines or of
/// their whole voice, and the note is drafted again from the corrected labels.
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

    /// The one voice all of an item's cited lines come from, if they share one.
    public func voice(of item: Item) -> UInt32? {
        let voices = Set(source(of: item).compactMap(\.voice))
        return voices.count == 1 ? voices.first : nil
    }

    /// Whether the lines an item cites carry speakers (attributed when recording stopped).
    public func hasSpeakers(_ item: Item) -> Bool {
        source(of: item).contains { $0.speaker != nil }
    }

    /// `speaker` said the item's cited lines, or everything their voice said.
    public func relabel(_ item: Item, speaker: String, wholeVoice: Bool) {
        if wholeVoice, let voice = voice(of: item) {
            apply(.relabelVoice(voice, speaker: speaker))
        } else {
            apply(.relabelSegments(item.citations, speaker: speaker))
        }
    }

    /// The sections an item can move to.
    public func otherSections(than item: Item) -> [DraftSection] {
        (draft?.sections ?? []).filter { $0.id != item.section }
    }
}
