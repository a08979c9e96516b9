import SamtalKit
import SwiftUI
import UIKit

/// The microphone was refused: what it is needed for, and the ways on from here.
struct MicRefusedView: View {
    let session: String
    @StateObject var model: RecordingModel
    @EnvironmentObject var app: AppModel
    @Environment(\.openURL) var openURL

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 12) {
                Text(L("mic_refused_why")).accessibilityIdentifier("mic_refused")
                Text(L("mic_refused_settings"))
                Button(L("try_again")) { app.startRecording(session) }
                    .buttonStyle(.borderedProminent)
                    .accessibilityIdentifier("mic_retry")
                Button(L("mic_open_settings")) {
                    if let url = URL(string: UIApplication.openSettingsURLString) { openURL(url) }
                }
                .accessibilityIdentifier("mic_settings")
                Button(L("mic_no_recording")) { model.discard() }
                    .accessibilityIdentifier("mic_discard")
            }
            .padding()
        }
        .navigationTitle(L("mic_refused_title"))
    }
}
