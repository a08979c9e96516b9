import AVFoundation
import Combine

/// Reads the citizen's view aloud with AVSpeechSynthesizer, only with a voice for the note's
/// own language: a Swedish note is never read by an English voice.
@MainActor
public final class ReadAloud: NSObject, ObservableObject, AVSpeechSynthesizerDelegate {
    @Published public private(set) var speaking = false
    private let synthesizer = AVSpeechSynthesizer()

    override public init() {
        super.init()
        synthesizer.delegate = self
    }

    /// The phone's voice for a language code such as "sv", or nil when it has none.
    public static func voice(for language: String) -> AVSpeechSynthesisVoice? {
        let regional = ["sv": "sv-SE", "da": "da-DK", "en": "en-GB"][language] ?? language
        let voice = AVSpeechSynthesisVoice(language: regional)
            ?? AVSpeechSynthesisVoice.speechVoices().first { $0.language.hasPrefix(language + "-") }
        guard let found = voice, found.language == language || found.language.hasPrefix(language + "-") else {
            return nil
        }
        return found
    }

    /// Starts reading; false when the phone has no voice for the language.
    public func speak(_ text: String, language: String) -> Bool {
        guard let voice = ReadAloud.voice(for: language) else { return false }
        synthesizer.stopSpeaking(at: .immediate)
        AudioSession.activateForSpeech()
        let utterance = AVSpeechUtterance(string: text)
        utterance.voice = voice
        speaking = true
        synthesizer.speak(utterance)
        return true
    }

    public func stop() {
        synthesizer.stopSpeaking(at: .immediate)
        speaking = false
    }

    nonisolated public func speechSynthesizer(_ synthesizer: AVSpeechSynthesizer, didFinish utterance: AVSpeechUtterance) {
        Task { @MainActor in self.speaking = false }
    }

    nonisolated public func speechSynthesizer(_ synthesizer: AVSpeechSynthesizer, didCancel utterance: AVSpeechUtterance) {
        Task { @MainActor in self.speaking = false }
    }
}
