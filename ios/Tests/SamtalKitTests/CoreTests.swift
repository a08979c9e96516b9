import AVFoundation
import XCTest
@testable import SamtalKit

/// The real core through the generated bindings and the XCFramework, in a fresh folder.
final class CoreTests: XCTestCase {
    private var dir: URL!
    private var vault: KeychainVault!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        vault = KeychainVault(service: "app.samtal.tests.\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? vault.destroy()
        try? FileManager.default.removeItem(at: dir)
    }

    private func open(models: URL? = nil) throws -> Core {
        try Core.open(
            CoreSettings(dataDir: dir.appendingPathComponent("samtal"), modelsDir: models ?? dir.appendingPathComponent("models")),
            vault: vault
        )
    }

    func testConsentRefusalAndWithdrawal() throws {
        let core = try open()
        let refused = try core.beginSession(consent: false, informed: .verbal, language: "sv", worker: "maja.provsson")
        XCTAssertFalse([.consented, .recording].contains(try core.session(refused).phase))
        let given = try core.beginSession(consent: true, informed: .interpreter, language: "da", worker: "maja.provsson")
        XCTAssertEqual(try core.session(given).phase, .consented)
        try core.withdraw(given)
        XCTAssertEqual(try core.session(given).phase, .withdrawn)
        XCTAssertEqual(Set(try core.sessions().map(\.id)), [refused, given])
    }

    func testParticipantsAreStoredCheckedAndWipedOnWithdrawal() throws {
        let core = try open()
        XCTAssertEqual(core.pronounChoices("sv"), ["han", "hon", "hen"])
        let session = try core.beginSession(
            consent: true, informed: .verbal, language: "sv", worker: "maja.provsson", present: ["citizen", "relative"])
        let people = [Person(role: "citizen", name: "Selma", pronoun: "hon"), Person(role: "relative", name: "Tove", description: "dotter")]
        try core.setParticipants(session, people)
        XCTAssertEqual(try core.participants(session), people)
        XCTAssertThrowsError(try core.setParticipants(session, [Person(role: "citizen", pronoun: "she")])) { error in
            XCTAssertEqual((error as? CoreError)?.kind, .invalidInput)
        }
        try core.withdraw(session)
        XCTAssertEqual(try core.participants(session), [])
    }

    func testMissingModelIsNamedAndErrorsAreCoreErrors() throws {
        let core = try open()
        guard case let .missing(reason) = core.modelStatus() else { return XCTFail("no model was installed") }
        XCTAssertTrue(reason.contains("not installed"), reason)
        XCTAssertThrowsError(try core.document("no-such-session")) { error in
            XCTAssertNotNil(error as? CoreError)
        }
    }

    func testWipeRemovesTheKeys() throws {
        let core = try open()
        _ = try core.beginSession(consent: true, informed: .verbal, language: "sv", worker: "maja.provsson")
        try core.wipe()
        try vault.destroy()
        XCTAssertNil(try vault.get(alias: "db"))
    }

    /// The whole meeting with a real model and the fixture WAV played through `PcmSource`:
    /// set TEST_RUNNER_SAMTAL_MODELS_DIR (samtal's models folder) and TEST_RUNNER_SAMTAL_WAV
    /// (tests/fixtures/*.wav) for xcodebuild; skipped otherwise.
    func testWholeMeetingFromTheFixture() async throws {
        let env = ProcessInfo.processInfo.environment
        guard let models = env["SAMTAL_MODELS_DIR"], let wav = env["SAMTAL_WAV"] else {
            throw XCTSkip("SAMTAL_MODELS_DIR and SAMTAL_WAV are not set")
        }
        let core = try open(models: URL(fileURLWithPath: models))
        guard case .ready = core.modelStatus() else { return XCTFail("the model in \(models) is not verified") }
        let segments = Segments()
        let feed = core.observeTranscript { _, segment in segments.add(segment) }
        defer { feed.cancel() }
        let session = try core.beginSession(consent: true, informed: .verbal, language: "en", worker: "maja.provsson")
        let recording = try await core.startRecording(session, language: "en")
        try await recording.capture(try WavSource(URL(fileURLWithPath: wav)))
        try await recording.stop()
        XCTAssertGreaterThan(segments.count, 0)
        XCTAssertEqual(try core.session(session).phase, .transcribed)
        let draft = try await core.draft(session, template: "en-casenote")
        XCTAssertFalse(draft.items.isEmpty)
        XCTAssertTrue(draft.items.allSatisfy { !$0.citations.isEmpty || $0.flags.contains { $0.kind == .unsupported } })
        _ = try core.review(session, .markAllReviewed)
        _ = try core.approve(session, approvedBy: "maja.provsson", part: .reviewedOnScreen)
        XCTAssertEqual(try core.outbox().map(\.sessionId), [session])
    }
}

private final class Segments: @unchecked Sendable {
    private let lock = NSLock()
    private var all: [Segment] = []

    func add(_ segment: Segment) {
        lock.lock()
        all.append(segment)
        lock.unlock()
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return all.count
    }
}

/// A WAV file as the microphone would deliver it: float blocks of 100 ms in its own format.
private final class WavSource: PcmSource, @unchecked Sendable {
    let sampleRate: UInt32
    let channels: UInt16
    private let file: AVAudioFile

    init(_ url: URL) throws {
        file = try AVAudioFile(forReading: url, commonFormat: .pcmFormatFloat32, interleaved: false)
        sampleRate = UInt32(file.processingFormat.sampleRate)
        channels = UInt16(file.processingFormat.channelCount)
    }

    func read() throws -> [Float]? {
        guard file.framePosition < file.length,
              let buffer = AVAudioPCMBuffer(pcmFormat: file.processingFormat, frameCapacity: AVAudioFrameCount(sampleRate / 10)) else {
            return nil
        }
        try file.read(into: buffer)
        return buffer.frameLength == 0 ? nil : Microphone.interleaved(buffer)
    }
}
