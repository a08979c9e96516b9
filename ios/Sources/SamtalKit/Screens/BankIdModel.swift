import Combine
import Foundation

/// The worker's BankID sign-in and the citizen's voluntary signature, over the app's
/// `BankIdFlow`. BankID's messages exist in Swedish and English: Swedish for a Swedish UI.
@MainActor
public final class BankIdModel: ObservableObject {
    private let app: AppModel

    public init(app: AppModel) {
        self.app = app
    }

    public var flow: BankIdFlow { app.bankId }

    public static func bankIdLanguage(uiLanguage: String) -> String { uiLanguage == "sv" ? "sv" : "en" }

    public func signIn(uiLanguage: String) {
        let language = BankIdModel.bankIdLanguage(uiLanguage: uiLanguage)
        _ = app.attempt {
            try flow.begin { try app.core().signIn(sameDevice: false, language: language, listener: $0) }
        }
    }

    public func citizenSign(_ session: String, uiLanguage: String) {
        let language = BankIdModel.bankIdLanguage(uiLanguage: uiLanguage)
        _ = app.attempt {
            try flow.begin { try app.core().citizenSign(session, sameDevice: false, language: language, listener: $0) }
        }
    }

    /// After a sign-in: on to today's sessions.
    public func signedIn() {
        flow.clear()
        app.reset(.sessions)
    }

    /// After the citizen's signature (or skipping it): on to the outbox.
    public func toOutbox() {
        flow.clear()
        app.reset(.outbox)
    }
}
