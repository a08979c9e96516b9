import Combine
import UIKit

/// iOS cannot keep the app out of screenshots as Android's FLAG_SECURE does. On screens with
/// note or transcript text the app hides the text while the screen is recorded, mirrored or
/// shown in the app switcher, and tells the worker when a screenshot was taken.
@MainActor
public final class ScreenGuard: ObservableObject {
    /// The screen is being recorded, mirrored or sent over AirPlay.
    @Published public private(set) var captured: Bool
    /// A screenshot was taken while a screen with note text was shown.
    @Published public var screenshotTaken = false
    private var observers: [NSObjectProtocol] = []

    public init() {
        captured = UIScreen.main.isCaptured
        let center = NotificationCenter.default
        observers = [
            center.addObserver(forName: UIScreen.capturedDidChangeNotification, object: nil, queue: .main) { [weak self] note in
                let captured = (note.object as? UIScreen)?.isCaptured ?? false
                Task { @MainActor in self?.captured = captured }
            },
            center.addObserver(forName: UIApplication.userDidTakeScreenshotNotification, object: nil, queue: .main) { [weak self] _ in
                Task { @MainActor in self?.screenshotTaken = true }
            },
        ]
    }

    deinit {
        for observer in observers {
            NotificationCenter.default.removeObserver(observer)
        }
    }
}
