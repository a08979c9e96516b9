import AVFoundation
import Combine
import UIKit

/// The one recording of the app. It lives outside any screen, so leaving the screen does
/// not touch it; while it captures, the audio session keeps the app running in the
/// background and the screen does not lock by itself. It pauses on its own when a phone
/// call (or another interruption) takes the microphone, when the audio route changes, and
/// when the phone is locked (the app's data is then unreadable: complete file protection).
/// Capture stretches end at each pause: the core takes audio only while recording.
@MainActor
public final class RecordingController: ObservableObject {
    /// Why the recording paused without the worker asking.
    public enum PauseReason: Sendable {
        case call, locked, audioChanged
    }

    @Published public private(set) var sessionId: String?
    @Published public private(set) var paused = false
    @Published public private(set) var pauseReason: PauseReason?
    /// The live transcript of this session, in order.
    @Published public private(set) var segments: [Segment] = []
    /// Why capture stopped on its own (the microphone failed), shown by the screen.
    @Published public private(set) var failure: CoreError?

    private let core: @MainActor () throws -> Core
    private var recording: ActiveRecording?
    private var mic: Microphone?
    private var capture: Task<Void, Never>?
    private var observers: [NSObjectProtocol] = []
    private var engineObserver: NSObjectProtocol?

    public init(core: @escaping @MainActor () throws -> Core) {
        self.core = core
        let center = NotificationCenter.default
        observers = [
            center.addObserver(forName: AVAudioSession.interruptionNotification, object: nil, queue: .main) { [weak self] note in
                let raw = note.userInfo?[AVAudioSessionInterruptionTypeKey] as? UInt
                guard raw.flatMap(AVAudioSession.InterruptionType.init(rawValue:)) == .began else { return }
                Task { @MainActor in await self?.pauseOnItsOwn(.call) }
            },
            center.addObserver(forName: AVAudioSession.mediaServicesWereResetNotification, object: nil, queue: .main) { [weak self] _ in
                Task { @MainActor in await self?.pauseOnItsOwn(.audioChanged) }
            },
            center.addObserver(forName: UIApplication.protectedDataWillBecomeUnavailableNotification, object: nil, queue: .main) { [weak self] _ in
                Task { @MainActor in await self?.pauseOnItsOwn(.locked) }
            },
        ]
    }

    deinit {
        for observer in observers {
            NotificationCenter.default.removeObserver(observer)
        }
    }

    public var active: Bool { recording != nil }

    public func start(_ session: String, language: String) async throws {
        let rec = try await core().startRecording(session, language: language)
        take(rec, session: session, paused: false)
        try startCapture()
    }

    /// Picks up a recording a killed app left behind: paused, the transcript so far shown.
    public func recover(_ session: String, language: String) async throws {
        let rec = try await core().recoverRecording(session, language: language)
        take(rec, session: session, paused: true)
        segments = try core().transcript(session)
    }

    public func pause() async throws {
        await endCapture()
        try recording?.pause()
        paused = true
    }

    public func resume() async throws {
        try recording?.resume()
        paused = false
        pauseReason = nil
        try startCapture()
    }

    /// Stops, waits for the transcript to be finished, and lets go of the microphone.
    public func stop() async throws {
        await endCapture()
        try await recording?.stop()
        end()
    }

    /// The citizen withdrew consent: everything captured is wiped at once.
    public func withdraw() async throws {
        await endCapture()
        try recording?.withdraw()
        end()
    }

    public func capturedSeconds() -> Double { recording?.capturedSeconds() ?? 0 }

    /// Lets go of a recording without stopping it (before a wipe).
    public func forget() async {
        await endCapture()
        end()
    }

    func onSegment(_ session: String, _ segment: Segment) {
        guard session == sessionId else { return }
        segments.append(segment)
    }

    private func take(_ rec: ActiveRecording, session: String, paused: Bool) {
        recording = rec
        sessionId = session
        self.paused = paused
        pauseReason = nil
        failure = nil
        segments = []
    }

    private func pauseOnItsOwn(_ reason: PauseReason) async {
        guard recording != nil, !paused else { return }
        do {
            try await pause()
            pauseReason = reason
        } catch let e as CoreError {
            failure = e
        } catch {
            failure = CoreError(.audio, "the recording could not be paused")
        }
    }

    private func startCapture() throws {
        guard let rec = recording else { return }
        failure = nil
        let source: Microphone
        do {
            try AudioSession.activateForRecording()
            source = try Microphone.open()
        } catch let e as CoreError {
            failure = e
            throw e
        }
        mic = source
        engineObserver = NotificationCenter.default.addObserver(
            forName: .AVAudioEngineConfigurationChange, object: source.audioEngine, queue: .main
        ) { [weak self] _ in
            Task { @MainActor in await self?.pauseOnItsOwn(.audioChanged) }
        }
        UIApplication.shared.isIdleTimerDisabled = true
        capture = Task.detached { [weak self] in
            do {
                try await rec.capture(source)
            } catch {
                let failure = (error as? CoreError) ?? CoreError(.audio, "capture failed")
                await MainActor.run { self?.failure = failure }
            }
        }
    }

    private func endCapture() async {
        if let observer = engineObserver {
            NotificationCenter.default.removeObserver(observer)
            engineObserver = nil
        }
        mic?.finish()
        await capture?.value
        capture = nil
        mic = nil
        UIApplication.shared.isIdleTimerDisabled = false
        AudioSession.deactivate()
    }

    private func end() {
        recording = nil
        sessionId = nil
        paused = false
        pauseReason = nil
        segments = []
    }
}
