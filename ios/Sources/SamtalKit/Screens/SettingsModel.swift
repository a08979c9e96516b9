import Combine
import Foundation

/// Enrolment with the municipality's one-time code, the speech model's state, the worker's
/// voice (recorded here while they read the enrolment text; only its features are kept),
/// sign-out and wiping the phone.
@MainActor
public final class SettingsModel: ObservableObject {
    @Published public var url: String
    @Published public var code = ""
    @Published public var worker: String
    @Published public private(set) var enrolling = false
    @Published public private(set) var workerMissing = false
    @Published public private(set) var voice: VoiceProfileStatus?
    /// The enrolment text is being read: the microphone is open until `finishVoice`.
    @Published public private(set) var recordingVoice = false
    @Published public private(set) var micRefused = false
    private var voiceMic: Microphone?
    private let app: AppModel

    public init(app: AppModel) {
        self.app = app
        url = app.prefs.endpoint
        worker = app.prefs.worker
        voice = app.attempt { try app.core().voiceStatus() }
    }

    /// The text to read aloud, in the app's language.
    public func enrolmentText(_ uiLanguage: String) -> String {
        app.attempt { try app.core().enrolmentText(uiLanguage) } ?? ""
    }

    /// Opens the microphone and enrols from what it hears until `finishVoice`.
    public func recordVoice() {
        guard !recordingVoice else { return }
        AudioSession.withMicrophone { [weak self] allowed in
            guard let self else { return }
            self.micRefused = !allowed
            guard allowed else { return }
            self.app.run {
                try AudioSession.activateForRecording()
                let mic = try Microphone.open()
                self.voiceMic = mic
                self.recordingVoice = true
                defer {
                    mic.finish()
                    self.voiceMic = nil
                    self.recordingVoice = false
                    AudioSession.deactivate()
                }
                self.voice = try await self.app.core().enrollVoice(mic)
            }
        }
    }

    /// The worker has read the whole text.
    public func finishVoice() {
        voiceMic?.finish()
    }

    public func deleteVoice() {
        app.run {
            _ = try self.app.core().deleteVoice()
            self.voice = try self.app.core().voiceStatus()
        }
    }

    public var deviceId: String? { app.prefs.deviceId }

    public var model: ModelStatus {
        do {
            return try app.core().modelStatus()
        } catch let e as CoreError {
            return .missing(reason: e.message)
        } catch {
            return .missing(reason: "\(type(of: error))")
        }
    }

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
