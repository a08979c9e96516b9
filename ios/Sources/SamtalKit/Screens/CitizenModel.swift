import Combine
import Foundation

/// What the citizen reads: the note in plain reading order, read aloud in the note's
/// language, and room for the citizen's own comment.
@MainActor
public final class CitizenModel: ObservableObject {
    @Published public private(set) var text = ""
    @Published public private(set) var language = "sv"
    @Published public var comment = ""
    public let readAloud = ReadAloud()
    public let session: String
    private let app: AppModel

    public init(app: AppModel, session: String) {
        self.app = app
        self.session = session
    }

    public func load() {
        guard let core = app.attempt({ try app.core() }),
              let draft = app.attempt({ try core.document(session) }),
              let view = app.attempt({ try core.citizenView(session) })
        else { return }
        text = view
        language = draft.language
        comment = draft.citizenComment ?? ""
    }

    /// Reads the view aloud; false when the phone has no voice for the note's language.
    public func speak() -> Bool { readAloud.speak(text, language: language) }

    public func saveComment() {
        let trimmed = comment.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return }
        guard app.attempt({ try app.core().review(session, .citizenComment(trimmed)) }) != nil else { return }
        app.notice = .commentSaved
        app.back()
    }
}
