import SamtalKit
import SwiftUI

/// Enrolment with the municipality's one-time code, the speech model's state, sign-out and
/// wiping the phone.
struct SettingsView: View {
    @StateObject var model: SettingsModel
    @EnvironmentObject var app: AppModel
    @State var confirmWipe = false

    var body: some View {
        Form {
            Section(L("enrol_title")) {
                if let device = model.deviceId {
                    Text(L("enrolled", String(device.prefix(8)))).accessibilityIdentifier("enrolled")
                } else {
                    Text(L("enrol_explain"))
                    TextField(L("enrol_url"), text: $model.url)
                        .keyboardType(.URL)
                        .textInputAutocapitalization(.never)
                        .autocorrectionDisabled()
                        .accessibilityIdentifier("enrol_url")
                    TextField(L("enrol_code"), text: $model.code)
                        .textInputAutocapitalization(.never)
                        .autocorrectionDisabled()
                        .accessibilityIdentifier("enrol_code")
                    TextField(L("enrol_worker"), text: $model.worker)
                        .textInputAutocapitalization(.never)
                        .autocorrectionDisabled()
                        .accessibilityIdentifier("enrol_worker")
                    if model.workerMissing {
                        Text(L("enrol_worker_missing")).foregroundStyle(.red)
                    }
                    Button(model.enrolling ? L("enrolling") : L("enrol_do")) { model.enrol() }
                        .buttonStyle(.borderedProminent)
                        .disabled(model.enrolling)
                        .accessibilityIdentifier("enrol")
                }
            }
            Section(L("model_title")) {
                switch model.model {
                case .ready:
                    Text(L("model_ready", model.modelName.id, model.modelName.quantization)).accessibilityIdentifier("model")
                case let .missing(reason):
                    Text(L("model_missing")).foregroundStyle(.red).accessibilityIdentifier("model")
                    Text(reason).font(.footnote).foregroundStyle(.secondary)
                }
            }
            if model.deviceId != nil {
                Section(L("sign_in_title")) {
                    Button(L("sign_out")) { model.signOut() }.accessibilityIdentifier("sign_out")
                }
            }
            Section(L("wipe_title")) {
                Text(L("wipe_explain")).font(.footnote)
                Button(L("wipe_do"), role: .destructive) { confirmWipe = true }.accessibilityIdentifier("wipe")
            }
            if model.deviceId != nil {
                Button(L("sessions_title")) { app.reset(.sessions) }.accessibilityIdentifier("to_sessions")
            }
        }
        .navigationTitle(L("settings_title"))
        .alert(L("wipe_title"), isPresented: $confirmWipe) {
            Button(L("wipe_yes"), role: .destructive) { model.wipe() }
            Button(L("cancel"), role: .cancel) {}
        } message: {
            Text(L("wipe_confirm"))
        }
    }
}
