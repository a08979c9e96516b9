import SamtalKit
import SwiftUI

/// A person approves the note: who, and how the citizen took part. Then it is sealed.
struct ApproveView: View {
    @StateObject var model: ApproveModel

    var body: some View {
        Form {
            if model.unresolved > 0 {
                Text(L("review_unresolved", model.unresolved)).foregroundStyle(.orange).accessibilityIdentifier("unresolved")
            }
            Text(L("approve_explain"))
            Section(L("approve_who")) {
                TextField(L("approve_who_hint"), text: $model.who)
                    .textInputAutocapitalization(.never)
                    .autocorrectionDisabled()
                    .accessibilityIdentifier("approved_by")
                if model.whoMissing {
                    Text(L("approve_who_missing")).foregroundStyle(.red)
                }
            }
            Section(L("approve_citizen")) {
                Picker(L("approve_citizen"), selection: $model.part) {
                    Text(L("citizen_part_reviewed")).tag(CitizenPart.reviewedOnScreen)
                    Text(L("citizen_part_declined")).tag(CitizenPart.declinedToReview)
                    Text(L("citizen_part_absent")).tag(CitizenPart.notPresent)
                }
                .pickerStyle(.inline)
                .labelsHidden()
                .accessibilityIdentifier("citizen_part")
            }
            Button(L("approve_do")) { model.approve() }
                .buttonStyle(.borderedProminent)
                .accessibilityIdentifier("approve")
        }
        .navigationTitle(L("approve_title"))
        .onAppear { model.load() }
    }
}
