import SamtalKit
import SwiftUI

/// What the citizen reads: the note in plain reading order, large white type on black that
/// follows the phone's text size (Dynamic Type), read aloud in the note's language, and
/// room for the citizen's own comment.
struct CitizenView: View {
    @StateObject var model: CitizenModel
    @EnvironmentObject var app: AppModel
    @State var noVoice = false

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 16) {
                Text(L("citizen_title")).font(.largeTitle.bold())
                Text(model.text).font(.title2).accessibilityIdentifier("citizen_text")
                Button(L("citizen_read_aloud")) {
                    if !model.speak() { noVoice = true }
                }
                .font(.title3)
                .buttonStyle(.borderedProminent)
                .accessibilityIdentifier("read_aloud")
                Text(L("citizen_comment_prompt")).font(.title3)
                TextField(L("citizen_comment_hint"), text: $model.comment, axis: .vertical)
                    .font(.title3)
                    .lineLimit(3...8)
                    .padding(8)
                    .background(Color.white.opacity(0.12), in: RoundedRectangle(cornerRadius: 8))
                    .accessibilityIdentifier("citizen_comment")
                Button(L("citizen_comment_save")) { model.saveComment() }
                    .font(.title3)
                    .accessibilityIdentifier("save_comment")
                Button(L("citizen_done")) { app.back() }
                    .font(.title3)
                    .accessibilityIdentifier("citizen_done")
            }
            .padding()
        }
        .foregroundStyle(.white)
        .background(Color.black.ignoresSafeArea())
        .preferredColorScheme(.dark)
        .guardsNoteText()
        .onAppear { model.load() }
        .onDisappear { model.readAloud.stop() }
        .alert(L("citizen_read_aloud"), isPresented: $noVoice) {
            Button(L("ok"), role: .cancel) {}
        } message: {
            Text(L("citizen_read_unavailable"))
        }
    }
}
