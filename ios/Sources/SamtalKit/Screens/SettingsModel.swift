import Combine
import Foundation

/// Enrolment with the municipality's one-time code, the speech model's state, sign-out and
/// wiping the phone. (A voice profile belongs here once the core has one.)
@MainActor
public final class SettingsModel: ObservableObject {
    @Published public var url: String
    @Published public var code = ""
    @Published public var worker: String
    @Published public private(set) var enrolling = false
    @Published public private(set) var workerMissing = false
    private let app: AppModel

    public init(app: AppModel) {
        self.app = app
        url = app.prefs.endpoint
        worker = app.prefs.worker
    }

    public var deviceId: String? { app.prefs.deviceId }

    public var model: ModelStatus { Core.modelStatus(app.settings) }

    public var modelName: (id: String, quantization: String) { (app.settings.modelId, app.settings.quantization) }

    public func enrol() {
        guard !enrolling else { return }
        let endpoint = url.trimmingCharacters(in: .whitespacesAndNewlines)
        let name = worker.trimmingCharacters(in: .whitespacesAndNewlines)
        let oneTimeCode = code.trimmingCharacters(in: .whitespacesAndNewlines)
        app.prefs.endpoint = endpoint
        app.prefs.worker = name
        workerMissing = name.isEmpty
        guard !workerMissing else { return }
        enrolling = true
        app.run {
            defer { self.enrolling = false }
            self.app.prefs.deviceId = try await self.app.core().enroll(url: endpoint, code: oneTimeCode)
            self.app.reset(.signIn)
        }
    }

    public func signOut() {
        app.run {
            try self.app.core().signOut()
            self.app.reset(.signIn)
        }
    }

    public func wipe() {
        app.run {
            try await self.app.wipe()
            self.app.reset(.start)
        }
    }
}
