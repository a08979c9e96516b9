import SamtalKit
import SwiftUI

/// The citizen's decision, recorded before any audio: how they were told, the meeting's
/// language, who takes part besides the worker, optionally their first names and pronouns
/// (large, for the citizen to read along) and the note's template. A refusal ends the
/// session; nothing is recorded.
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
            Section(L("consent_present")) {
                Picker(L("consent_present"), selection: $model.present) {
                    Text(L("present_unsaid")).tag("")
                    Text(L("present_citizen")).tag("citizen")
                    Text(L("present_citizen_relative")).tag("citizen,relative")
                    Text(L("present_relative")).tag("relative")
                    Text(L("present_citizen_interpreter")).tag("citizen,interpreter")
                }
                .pickerStyle(.inline)
                .labelsHidden()
                .accessibilityIdentifier("present")
            }
            Section {
                Text(L("consent_people_why")).font(.callout)
            } header: {
                Text(L("consent_people"))
            }
            ForEach(model.roles, id: \.self) { role in
                Section(personLabel(role)) {
                    TextField(L("person_name_hint"), text: field(role, \.name))
                        .font(.title3)
                        .textContentType(.givenName)
                        .autocorrectionDisabled()
                        .accessibilityIdentifier("name_\(role)")
                    if role == "relative" {
                        TextField(L("person_relation_hint"), text: field(role, \.relation))
                            .font(.title3)
                            .autocorrectionDisabled()
                            .accessibilityIdentifier("relation_\(role)")
                    }
                    Text(L("person_pronoun")).font(.subheadline).foregroundStyle(.secondary)
                    Picker(L("person_pronoun"), selection: field(role, \.pronoun)) {
                        Text(L("person_pronoun_unsaid")).tag("")
                        ForEach(model.pronounChoices, id: \.self) { p in Text(p).tag(p) }
                    }
                    .pickerStyle(.inline)
                    .labelsHidden()
                    .accessibilityIdentifier("pronoun_\(role)")
                }
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

    /// One field of what is typed for `role`, kept in the model across role changes.
    private func field(_ role: String, _ key: WritableKeyPath<PersonEntry, String>) -> Binding<String> {
        Binding(
            get: { model.people[role, default: PersonEntry()][keyPath: key] },
            set: { model.people[role, default: PersonEntry()][keyPath: key] = String($0.prefix(60)) }
        )
    }

    private func personLabel(_ role: String) -> String {
        switch role {
        case "relative": return L("person_relative")
        case "interpreter": return L("person_interpreter")
        default: return L("person_citizen")
        }
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
