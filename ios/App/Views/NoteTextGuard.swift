import SamtalKit
import SwiftUI

/// On screens with note or transcript text: the text is hidden while the screen is
/// recorded or mirrored and while the app is not in front (the app switcher's snapshot),
/// and a screenshot brings a notice to delete it.
struct NoteTextGuard: ViewModifier {
    @EnvironmentObject var screenGuard: ScreenGuard
    @Environment(\.scenePhase) var scenePhase

    func body(content: Content) -> some View {
        ZStack {
            content.opacity(hidden ? 0 : 1)
            if hidden {
                VStack(spacing: 12) {
                    Image(systemName: "eye.slash").font(.largeTitle)
                    Text(L("capture_hidden_title")).font(.headline)
                    if screenGuard.captured {
                        Text(L("capture_hidden")).multilineTextAlignment(.center)
                    }
                }
                .padding()
                .accessibilityIdentifier("capture_hidden")
            }
        }
        .onAppear { screenGuard.screenshotTaken = false }
        .alert(L("screenshot_title"), isPresented: $screenGuard.screenshotTaken) {
            Button(L("ok"), role: .cancel) {}
        } message: {
            Text(L("screenshot_taken"))
        }
    }

    private var hidden: Bool { screenGuard.captured || scenePhase != .active }
}

extension View {
    func guardsNoteText() -> some View { modifier(NoteTextGuard()) }
}
