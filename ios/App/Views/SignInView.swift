import SamtalKit
import SwiftUI

/// The worker signs in with BankID before any note can leave the phone.
struct SignInView: View {
    @StateObject var model: BankIdModel
    @EnvironmentObject var app: AppModel

    var body: some View {
        SignInContent(model: model, flow: model.flow, app: app)
    }
}

private struct SignInContent: View {
    let model: BankIdModel
    @ObservedObject var flow: BankIdFlow
    let app: AppModel

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 12) {
                Text(L("sign_in_intro"))
                if flow.running {
                    BankIdPanel(flow: flow) { flow.cancel() }
                } else if case let .failed(message) = flow.outcome {
                    Text(message).accessibilityIdentifier("sign_in_failed")
                    Button(L("try_again")) { model.signIn(uiLanguage: L("language_code")) }
                        .buttonStyle(.borderedProminent)
                        .accessibilityIdentifier("sign_in")
                } else {
                    Button(L("sign_in_start")) { model.signIn(uiLanguage: L("language_code")) }
                        .buttonStyle(.borderedProminent)
                        .accessibilityIdentifier("sign_in")
                }
                Button(L("sessions_title")) { app.reset(.sessions) }
                    .accessibilityIdentifier("to_sessions")
            }
            .padding()
        }
        .navigationTitle(L("sign_in_title"))
        .onChange(of: flow.outcome) { outcome in
            if case .done = outcome { model.signedIn() }
        }
    }
}
