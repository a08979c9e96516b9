import SamtalKit
import SwiftUI

/// The meeting being recorded: timer, live transcript, pause and resume, stop, and the
/// citizen's withdrawal. A recording a killed app left behind can be picked up here.
struct RecordingView: View {
    @StateObject var model: RecordingModel
    @ObservedObject var recording: RecordingController
    @State var confirmWithdraw = false

    var body: some View {
        ScrollViewReader { scroller in
            ScrollView {
                VStack(alignment: .leading, spacing: 12) {
                    if model.finishing {
                        ProgressView()
                        Text(L("recording_finishing")).accessibilityIdentifier("finishing")
                    } else if !model.ours {
                        Text(L("recording_interrupted"))
                        Button(L("recording_recover")) { model.recover() }
                            .buttonStyle(.borderedProminent)
                            .accessibilityIdentifier("recover")
                        withdrawButton
                    } else {
                        controls
                        Text(L("recording_live")).font(.headline).padding(.top)
                        if recording.segments.isEmpty {
                            Text(L("recording_live_empty")).foregroundStyle(.secondary)
                        }
                        ForEach(recording.segments) { segment in
                            Text(segment.text).id(segment.id)
                        }
                    }
                }
                .padding()
            }
            .onChange(of: recording.segments.count) { _ in
                if let last = recording.segments.last { scroller.scrollTo(last.id, anchor: .bottom) }
            }
        }
        .navigationTitle(title)
        .navigationBarBackButtonHidden(model.ours && !recording.paused)
        .guardsNoteText()
        .alert(L("withdraw_title"), isPresented: $confirmWithdraw) {
            Button(L("withdraw_yes"), role: .destructive) { model.withdraw() }
            Button(L("cancel"), role: .cancel) {}
        } message: {
            Text(L("withdraw_confirm"))
        }
    }

    @ViewBuilder
    private var controls: some View {
        TimelineView(.periodic(from: .now, by: 1)) { _ in
            Text(clock(recording.capturedSeconds()))
                .font(.system(size: 40, weight: .semibold, design: .monospaced))
                .accessibilityIdentifier("timer")
        }
        if let reason = recording.pauseReason {
            Text(pauseText(reason)).foregroundStyle(.orange).accessibilityIdentifier("paused_why")
        }
        if let failure = recording.failure {
            Text(failure.message).foregroundStyle(.red).accessibilityIdentifier("capture_failed")
        }
        HStack {
            if recording.paused {
                Button(L("recording_resume")) { model.resume() }
                    .buttonStyle(.borderedProminent)
                    .accessibilityIdentifier("resume")
            } else {
                Button(L("recording_pause")) { model.pause() }
                    .buttonStyle(.bordered)
                    .accessibilityIdentifier("pause")
            }
            Button(L("recording_stop")) { model.stop() }
                .buttonStyle(.borderedProminent)
                .accessibilityIdentifier("stop")
        }
        withdrawButton
    }

    private var withdrawButton: some View {
        Button(L("recording_withdraw"), role: .destructive) { confirmWithdraw = true }
            .accessibilityIdentifier("withdraw")
    }

    private var title: String {
        if !model.ours { return L("recording_interrupted_title") }
        return recording.paused ? L("recording_paused") : L("recording_title")
    }

    private func pauseText(_ reason: RecordingController.PauseReason) -> String {
        switch reason {
        case .call: return L("recording_paused_call")
        case .locked: return L("recording_paused_locked")
        case .audioChanged: return L("recording_paused_audio")
        }
    }
}
