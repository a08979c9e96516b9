import SamtalKit
import SwiftUI

/// The citizen may sign the approved note with their own BankID; it is voluntary.
struct CitizenSignView: View {
    let session: String
    @StateObject var model: BankIdModel

    var body: some View {
        CitizenSignContent(session: session, model: model, flow: model.flow)
    }
}

private struct CitizenSignContent: View {
    let session: String
    let model: BankIdModel
    @ObservedObject var flow: BankIdFlow

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 12) {
                if case .done = flow.outcome {
                    Text(L("citizen_sign_done")).accessibilityIdentifier("signed")
                    Button(L("to_outbox")) { model.toOutbox() }
                        .buttonStyle(.borderedProminent)
                        .accessibilityIdentifier("to_outbox")
                } else if flow.running {
                    BankIdPanel(flow: flow) { flow.cancel() }
                } else {
                    Text(L("citizen_sign_explain"))
                    if case let .failed(message) = flow.outcome {
                        Text(message).accessibilityIdentifier("sign_failed")
                    }
                    Button(L("citizen_sign_start")) { model.citizenSign(session, uiLanguage: L("language_code")) }
                        .buttonStyle(.borderedProminent)
                        .accessibilityIdentifier("start_sign")
                    Button(L("citizen_sign_skip")) { model.toOutbox() }
                        .accessibilityIdentifier("skip_sign")
                }
            }
            .padding()
        }
        .navigationTitle(L("citizen_sign_title"))
    }
}
