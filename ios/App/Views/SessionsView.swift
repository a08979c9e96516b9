import SamtalKit
import SwiftUI

/// Today's sessions: states and times only, never content.
struct SessionsView: View {
    @StateObject var model: SessionsModel
    @EnvironmentObject var app: AppModel

    var body: some View {
        List {
            Section {
                if let until = model.signedInUntil {
                    Text(L("signed_in_until", until.formatted(date: .omitted, time: .shortened)))
                        .font(.footnote).accessibilityIdentifier("signed_in")
                } else {
                    Text(L("not_signed_in")).font(.footnote).accessibilityIdentifier("signed_in")
                    Button(L("sign_in_start")) { app.go(.signIn) }.accessibilityIdentifier("sign_in")
                }
                Button(L("new_session")) { app.go(.consent) }
                    .buttonStyle(.borderedProminent)
                    .accessibilityIdentifier("new_session")
            }
            Section(L("sessions_today")) {
                if model.sessions.isEmpty {
                    Text(L("sessions_none")).foregroundStyle(.secondary)
                }
                ForEach(model.sessions) { session in
                    Button { model.open(session) } label: {
                        VStack(alignment: .leading, spacing: 4) {
                            Text(L(
                                "session_line",
                                Date(milliseconds: session.createdAtMs).formatted(date: .omitted, time: .shortened),
                                clock(session.capturedSeconds)
                            ))
                            Text(phaseText(session.phase)).font(.footnote).foregroundStyle(.secondary)
                        }
                    }
                    .accessibilityIdentifier("session_\(session.id)")
                }
            }
            Section(L("more")) {
                Button(L("outbox_title")) { app.go(.outbox) }.accessibilityIdentifier("to_outbox")
                Button(L("settings_title")) { app.go(.settings) }.accessibilityIdentifier("to_settings")
            }
        }
        .navigationTitle(L("sessions_title"))
        .onAppear { model.load() }
    }
}

/// Words for a session's state, as the worker sees them.
func phaseText(_ phase: SessionPhase) -> String {
    switch phase {
    case .created, .consented: return L("phase_consented")
    case .recording: return L("phase_recording")
    case .paused: return L("phase_paused")
    case .stopped, .transcribed: return L("phase_transcribed")
    case .drafted, .inReview: return L("phase_in_review")
    case .approved, .queued: return L("phase_queued")
    case .synced, .purged: return L("phase_delivered")
    case .withdrawn: return L("phase_withdrawn")
    case .discarded: return L("phase_discarded")
    }
}
