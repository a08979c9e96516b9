import AVFoundation
import CoreImage
import XCTest
@testable import SamtalKit

final class PlatformTests: XCTestCase {
    /// The QR code Core Image draws reads back as the BankID payload it was drawn from.
    func testQrCodeReadsBackAsThePayload() throws {
        let payload = "bankid.67df3917-fa0d-44e5-b327-edcc928297f8.4.dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8"
        let image = try XCTUnwrap(QrImage.make(payload)?.cgImage)
        let detector = try XCTUnwrap(CIDetector(ofType: CIDetectorTypeQRCode, context: nil, options: nil))
        let found = detector.features(in: CIImage(cgImage: image)).compactMap { ($0 as? CIQRCodeFeature)?.messageString }
        XCTAssertEqual(found, [payload])
    }

    /// The microphone's per-channel buffers reach the core interleaved, frame by frame.
    func testTappedBuffersAreInterleaved() throws {
        let format = try XCTUnwrap(AVAudioFormat(standardFormatWithSampleRate: 48_000, channels: 2))
        let buffer = try XCTUnwrap(AVAudioPCMBuffer(pcmFormat: format, frameCapacity: 3))
        buffer.frameLength = 3
        let channels = try XCTUnwrap(buffer.floatChannelData)
        for f in 0..<3 {
            channels[0][f] = Float(f)
            channels[1][f] = Float(-f - 1)
        }
        XCTAssertEqual(Microphone.interleaved(buffer), [0, -1, 1, -2, 2, -3])
    }

    /// A report from an order already cancelled does not reach the screen.
    @MainActor
    func testBankIdReportsOfACancelledOrderAreDropped() async throws {
        final class Order: BankIdOrder, @unchecked Sendable {
            let autoStartUrl = "bankid:///?autostarttoken=t&redirect=null"
            let firstQr = "bankid.t.0.c"
            var cancelled = false
            func cancel() { cancelled = true }
        }
        let flow = BankIdFlow()
        var listener: BankIdListener?
        let order = Order()
        try flow.begin { l in
            listener = l
            return order
        }
        XCTAssertEqual(flow.qr, "bankid.t.0.c")
        listener?.onProgress(BankIdProgress(status: "pending", hintCode: "outstandingTransaction", rfa: "RFA1", message: "Starta BankID-appen.", qrData: "bankid.t.1.d"))
        try await Task.sleep(nanoseconds: 100_000_000)
        XCTAssertEqual(flow.qr, "bankid.t.1.d")
        XCTAssertEqual(flow.message, "Starta BankID-appen.")
        flow.cancel()
        XCTAssertTrue(order.cancelled)
        listener?.onFinished(.done(expiresAtMs: 1, signatureSha256: nil))
        try await Task.sleep(nanoseconds: 100_000_000)
        XCTAssertNil(flow.outcome)
        XCTAssertFalse(flow.running)
    }

    /// The data folder and every file in it are completely protected and not backed up.
    func testDataFolderIsProtectedAndNotBackedUp() throws {
        #if targetEnvironment(simulator)
        throw XCTSkip("the simulator does not enforce data protection classes; run on a device")
        #else
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: dir) }
        try DataProtection.prepare(dir)
        FileManager.default.createFile(atPath: dir.appendingPathComponent("store.db").path, contents: Data([1]))
        try DataProtection.prepare(dir)
        XCTAssertEqual(DataProtection.unprotected(in: dir), [])
        XCTAssertEqual(try dir.resourceValues(forKeys: [.isExcludedFromBackupKey]).isExcludedFromBackup, true)
        #endif
    }
}
