import Combine
import Foundation

/// The BankID order in progress (the worker's sign-in or the citizen's signature), kept by
/// the app model so that leaving the screen does not cancel it. Reports from the core reach
/// it on the main actor; reports of an order already cancelled are dropped.
@MainActor
public final class BankIdFlow: ObservableObject {
    @Published public private(set) var order: BankIdOrder?
    @Published public private(set) var progress: BankIdProgress?
    @Published public private(set) var outcome: BankIdOutcome?
    private var generation = 0

    public init() {}

    public var running: Bool { order != nil && outcome == nil }

    /// The QR payload to draw now: the newest frame, or the order's first.
    public var qr: String? { progress?.qrData ?? order?.firstQr }

    /// BankID's message for the person, in the language asked for when the order started.
    public var message: String? { progress?.message }

    /// Starts an order with `start`, which gets the listener to hand to the core.
    public func begin(_ start: (BankIdListener) throws -> BankIdOrder) throws {
        clear()
        order = try start(Relay(flow: self, generation: generation))
    }

    public func cancel() {
        order?.cancel()
        clear()
    }

    public func clear() {
        generation += 1
        order = nil
        progress = nil
        outcome = nil
    }

    fileprivate func receive(_ progress: BankIdProgress, generation: Int) {
        if generation == self.generation { self.progress = progress }
    }

    fileprivate func receive(_ outcome: BankIdOutcome, generation: Int) {
        if generation == self.generation { self.outcome = outcome }
    }
}

private final class Relay: BankIdListener, @unchecked Sendable {
    private weak var flow: BankIdFlow?
    private let generation: Int

    init(flow: BankIdFlow, generation: Int) {
        self.flow = flow
        self.generation = generation
    }

    func onProgress(_ progress: BankIdProgress) {
        let order = generation
        Task { @MainActor [weak flow] in flow?.receive(progress, generation: order) }
    }

    func onFinished(_ outcome: BankIdOutcome) {
        let order = generation
        Task { @MainActor [weak flow] in flow?.receive(outcome, generation: order) }
    }
}
