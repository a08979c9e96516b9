import AVFoundation

/// The app's audio session: recording a meeting, or reading the note aloud to the citizen.
public enum AudioSession {
    /// Whether the microphone may be used: asks the first time, answers on the main actor.
    @MainActor
    public static func withMicrophone(_ then: @escaping @MainActor (Bool) -> Void) {
        let session = AVAudioSession.sharedInstance()
        switch session.recordPermission {
        case .granted: then(true)
        case .denied: then(false)
        default:
            session.requestRecordPermission { granted in
                Task { @MainActor in then(granted) }
            }
        }
    }

    /// Recording: the built-in microphone without the system's voice processing, other
    /// apps' sound ducked. Kept active while the app is in the background (audio mode).
    public static func activateForRecording() throws {
        let session = AVAudioSession.sharedInstance()
        do {
            try session.setCategory(.record, mode: .measurement, options: [.duckOthers])
            try session.setActive(true)
        } catch {
            throw CoreError(.audio, "the audio session could not be set for recording (\((error as NSError).code))")
        }
    }

    /// Reading aloud: spoken audio, heard even with the ring switch on silent.
    public static func activateForSpeech() {
        let session = AVAudioSession.sharedInstance()
        try? session.setCategory(.playback, mode: .spokenAudio, options: [.duckOthers])
        try? session.setActive(true)
    }

    public static func deactivate() {
        try? AVAudioSession.sharedInstance().setActive(false, options: .notifyOthersOnDeactivation)
    }
}
