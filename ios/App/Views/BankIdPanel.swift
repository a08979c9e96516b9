import SamtalKit
import SwiftUI
import UIKit

/// A running BankID order: the animated QR code (drawn again from each second's payload),
/// BankID's own message (RFA) and the ways to open BankID on this phone or cancel.
struct BankIdPanel: View {
    @ObservedObject var flow: BankIdFlow
    let onCancel: () -> Void
    @Environment(\.openURL) var openURL
    @State var bankIdMissing = false

    var body: some View {
        VStack(spacing: 12) {
            if let payload = flow.qr, let image = QrImage.make(payload) {
                Image(uiImage: image)
                    .interpolation(.none)
                    .resizable()
                    .scaledToFit()
                    .frame(width: 240, height: 240)
                    .padding(16)
                    .background(Color.white)
                    .accessibilityLabel(L("bankid_qr_description"))
                    .accessibilityIdentifier("qr")
            }
            Text(L("bankid_scan_hint")).font(.footnote).foregroundStyle(.secondary)
            Text(flow.message ?? L("bankid_starting")).accessibilityIdentifier("rfa")
            Button(L("bankid_same_device")) { openBankId() }
                .accessibilityIdentifier("bankid_same_device")
            Button(L("cancel"), role: .cancel, action: onCancel)
                .accessibilityIdentifier("cancel")
        }
        .alert(L("bankid_missing_title"), isPresented: $bankIdMissing) {
            Button(L("ok"), role: .cancel) {}
        } message: {
            Text(L("bankid_missing"))
        }
    }

    private func openBankId() {
        guard let link = flow.order?.autoStartUrl, let url = URL(string: link) else { return }
        openURL(url) { accepted in
            if !accepted { bankIdMissing = true }
        }
    }
}
