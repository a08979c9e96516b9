import Combine
import Foundation

/// The citizen's decision, recorded before any audio: how they were told, the meeting's
/// language and the note's template. A refusal ends the session; nothing is recorded.
@MainActor
public final class ConsentModel: ObservableObject {
    @Published public var informed: InformedHow = .verbal
    @Published public var language: String
    @Published public var template: String
    @Published public var worker: String
    public let templates: [String]
    /// The worker's user id is asked for here only when the phone does not know it yet.
    public let asksForWorker: Bool
    private let app: AppModel

    /// `uiLanguage` is the app's own language code: the meeting's and the template's default.
    public init(app: AppModel, uiLanguage: String) {
        self.app = app
        language = uiLanguage
        worker = app.prefs.worker
        asksForWorker = app.prefs.worker.isEmpty
        let ids = (app.attempt { try app.core().templateIds() }) ?? []
        templates = ids
        template = ids.first { $0.hasPrefix(uiLanguage + "-") } ?? ids.first ?? ""
    }

    public func decide(given: Bool) {
        if asksForWorker { app.prefs.worker = worker.trimmingCharacters(in: .whitespacesAndNewlines) }
        let worker = app.prefs.worker
        guard let session = app.attempt({
            try app.core().beginSession(consent: given, informed: informed, language: language, worker: worker)
        }) else { return }
        guard given else {
            app.notice = .consentRefused
            app.reset(.sessions)
            return
        }
        app.prefs.remember(session, language: language, template: template)
        app.startRecording(session)
    }
}
