import SamtalKit
import SwiftUI

/// The citizen's decision, recorded before any audio: how they were told, the meeting's
/// language and the note's template. A refusal ends the session; nothing is recorded.
struct ConsentView: View {
    @StateObject var model: ConsentModel

    var body: some View {
        Form {
            Section { Text(L("consent_tell")) }
            if model.asksForWorker {
                Section(L("consent_worker")) {
                    TextField(L("approve_who_hint"), text: $model.worker)
                        .textInputAutocapitalization(.never)
                        .autocorrectionDisabled()
                        .accessibilityIdentifier("worker")
                }
            }
            Section(L("consent_how")) {
                Picker(L("consent_how"), selection: $model.informed) {
                    Text(L("informed_verbal")).tag(InformedHow.verbal)
                    Text(L("informed_written")).tag(InformedHow.written)
                    Text(L("informed_interpreter")).tag(InformedHow.interpreter)
                }
                .pickerStyle(.inline)
                .labelsHidden()
                .accessibilityIdentifier("informed")
            }
            Section(L("consent_language")) {
                Picker(L("consent_language"), selection: $model.language) {
                    Text(L("language_sv")).tag("sv")
                    Text(L("language_da")).tag("da")
                    Text(L("language_en")).tag("en")
                }
                .pickerStyle(.inline)
                .labelsHidden()
                .accessibilityIdentifier("language")
            }
            Section(L("consent_template")) {
                Picker(L("consent_template"), selection: $model.template) {
                    ForEach(model.templates, id: \.self) { id in
                        Text(templateName(id)).tag(id)
                    }
                }
                .pickerStyle(.inline)
                .labelsHidden()
                .accessibilityIdentifier("template")
            }
            Section {
                Button(L("consent_given")) { model.decide(given: true) }
                    .buttonStyle(.borderedProminent)
                    .accessibilityIdentifier("consent_given")
                Button(L("consent_refused")) { model.decide(given: false) }
                    .accessibilityIdentifier("consent_refused")
            }
        }
        .navigationTitle(L("consent_title"))
    }

    private func templateName(_ id: String) -> String {
        switch id {
        case "sv-socialtjanst-journal": return L("template_sv_journal")
        case "sv-ibic": return L("template_sv_ibic")
        case "da-fsiii": return L("template_da_fsiii")
        case "en-casenote": return L("template_en_casenote")
        default: return id
        }
    }
}
