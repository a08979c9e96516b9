import SamtalFFI

/// The live transcript as an AsyncStream for SwiftUI; ending the stream cancels the
/// listener in Rust so no more segments are delivered.
public func liveTranscript(_ samtal: Samtal) -> AsyncStream<TranscriptSegment> {
    AsyncStream { continuation in
        final class Feed: TranscriptListener {
            let continuation: AsyncStream<TranscriptSegment>.Continuation
            init(_ continuation: AsyncStream<TranscriptSegment>.Continuation) {
                self.continuation = continuation
            }
            func onSegment(sessionId: String, segment: TranscriptSegment) {
                continuation.yield(segment)
            }
        }
        let handle = samtal.observeTranscript(listener: Feed(continuation))
        continuation.onTermination = { _ in handle.cancel() }
    }
}
