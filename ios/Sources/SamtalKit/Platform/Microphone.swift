import AVFoundation

/// The microphone through AVAudioEngine: the input node's own format (the phone's rate and
/// channel count), tapped in blocks of about 100 ms. The core downmixes and resamples
/// whatever arrives. `finish()` ends the capture: once the blocks already taken are read,
/// the next read returns nil.
public final class Microphone: PcmSource, @unchecked Sendable {
    public let sampleRate: UInt32
    public let channels: UInt16
    private let engine: AVAudioEngine
    private let condition = NSCondition()
    private var pending: [Float] = []
    private var finished = false

    private init(engine: AVAudioEngine, format: AVAudioFormat) {
        self.engine = engine
        sampleRate = UInt32(format.sampleRate)
        channels = UInt16(format.channelCount)
    }

    /// Starts the engine; the audio session is active for recording and the microphone allowed.
    public static func open() throws -> Microphone {
        let engine = AVAudioEngine()
        let input = engine.inputNode
        let format = input.outputFormat(forBus: 0)
        guard format.sampleRate > 0, format.channelCount > 0 else {
            throw CoreError(.audio, "the microphone delivers no audio format")
        }
        let mic = Microphone(engine: engine, format: format)
        let frames = AVAudioFrameCount(format.sampleRate / 10)
        input.installTap(onBus: 0, bufferSize: frames, format: format) { [weak mic] buffer, _ in
            mic?.take(Microphone.interleaved(buffer))
        }
        engine.prepare()
        do {
            try engine.start()
        } catch {
            input.removeTap(onBus: 0)
            throw CoreError(.audio, "the microphone could not be started (\((error as NSError).code))")
        }
        return mic
    }

    /// The engine this capture runs on, for its configuration-change notifications.
    public var audioEngine: AVAudioEngine { engine }

    public func read() throws -> [Float]? {
        condition.lock()
        defer { condition.unlock() }
        if pending.isEmpty && !finished {
            // Nothing yet: wait a little rather than spin.
            _ = condition.wait(until: Date(timeIntervalSinceNow: 0.1))
        }
        if !pending.isEmpty {
            let block = pending
            pending.removeAll(keepingCapacity: true)
            return block
        }
        return finished ? nil : []
    }

    /// Stops the engine; the reader gets what was taken, then nil.
    public func finish() {
        engine.inputNode.removeTap(onBus: 0)
        engine.stop()
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    private func take(_ samples: [Float]) {
        condition.lock()
        if !finished {
            pending.append(contentsOf: samples)
            condition.signal()
        }
        condition.unlock()
    }

    /// One tapped buffer as interleaved samples (the tap delivers one float array per channel).
    static func interleaved(_ buffer: AVAudioPCMBuffer) -> [Float] {
        guard let data = buffer.floatChannelData else { return [] }
        let frames = Int(buffer.frameLength)
        let count = Int(buffer.format.channelCount)
        if buffer.format.isInterleaved {
            return Array(UnsafeBufferPointer(start: data[0], count: frames * count))
        }
        var out = [Float](repeating: 0, count: frames * count)
        for c in 0..<count {
            let channel = data[c]
            for f in 0..<frames {
                out[f * count + c] = channel[f]
            }
        }
        return out
    }
}
