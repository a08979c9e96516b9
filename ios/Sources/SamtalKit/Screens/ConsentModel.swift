import Combine
import Foundation

/// What the worker types for one person present; empty fields are left out.
public struct PersonEntry: Equatable, Sendable {
    public var name = ""
    /// A relative's relation ("dotter").
    public var relation = ""
    /// One of the language's pronoun choices; "" when not said (the note stays neutral).
    public var pronoun = ""

    public init() {}
}

/// The citizen's decision, recorded before any audio: how they were told, the meeting's
/// language, who takes part besides the worker, optionally their first names and pronouns
/// (so the draft says "Anna berättar att hon …", not "den enskilde") and the note's
/// template. A refusal ends the session; nothing is recorded.
@MainActor
public final class ConsentModel: ObservableObject {
    @Published public var informed: InformedHow = .verbal
    @Published public var language: String
    @Published public var template: String
    /// Who takes part besides the worker, comma-separated roles ("" when not said); it names
    /// the voices speaker attribution finds.
    @Published public var present = ""
    /// What was typed for each role present, kept when the roles or the language change.
    @Published public var people: [String: PersonEntry] = [:]
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

    /// The people to ask names for: the citizen always (the note is about them), then the
    /// others present.
    public var roles: [String] {
        var out = ["citizen"]
        for role in present.split(separator: ",").map(String.init) where !out.contains(role) {
            out.append(role)
        }
        return out
    }

    /// The pronouns of the meeting's language ("hon", "han", "hen").
    public var pronounChoices: [String] { (app.attempt { try app.core().pronounChoices(language) }) ?? [] }

    /// What was entered for the roles present; a pronoun of another language is left out.
    public var entered: [Person] {
        let choices = pronounChoices
        return roles.compactMap { role in
            let e = people[role] ?? PersonEntry()
            func value(_ s: String) -> String? {
                let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
                return t.isEmpty ? nil : t
            }
            let person = Person(
                role: role, name: value(e.name), description: value(e.relation),
                pronoun: choices.contains(e.pronoun) ? e.pronoun : nil)
            return person.name == nil && person.description == nil && person.pronoun == nil ? nil : person
        }
    }

    public func decide(given: Bool) {
        if asksForWorker { app.prefs.worker = worker.trimmingCharacters(in: .whitespacesAndNewlines) }
        let worker = app.prefs.worker
        guard let session = app.attempt({
            try app.core().beginSession(
                consent: given, informed: informed, language: language, worker: worker,
                present: present.split(separator: ",").map(String.init))
        }) else { return }
        guard given else {
            app.notice = .consentRefused
            app.reset(.sessions)
            return
        }
        let named = entered
        if !named.isEmpty, app.attempt({ try app.core().setParticipants(session, named) }) == nil {
            // Nothing half-started: the form keeps what was typed, to correct and try again.
            _ = app.attempt { try app.core().discard(session) }
            return
        }
        app.prefs.remember(session, language: language, template: template)
        app.startRecording(session)
    }
}
