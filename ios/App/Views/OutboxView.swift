import SamtalKit
import SwiftUI

/// Approved notes waiting to be sent, and the receipts of those delivered.
struct OutboxView: View {
    @StateObject var model: OutboxModel
    @EnvironmentObject var app: AppModel

    var body: some View {
        List {
            Section {
                if model.waiting.isEmpty {
                    Text(L("outbox_empty")).foregroundStyle(.secondary).accessibilityIdentifier("outbox_empty")
                }
                ForEach(model.waiting) { entry in
                    VStack(alignment: .leading, spacing: 4) {
                        Text(L("outbox_note", String(entry.noteId.prefix(8))))
                        Text(deliveryText(entry.status)).font(.footnote).foregroundStyle(.secondary)
                        if let reason = entry.reason {
                            Text(reason).font(.footnote).foregroundStyle(.secondary)
                        }
                    }
                    .accessibilityIdentifier("outbox_\(entry.noteId)")
                }
                if !model.waiting.isEmpty {
                    Button(model.sending ? L("outbox_sending") : L("outbox_send")) { model.send() }
                        .buttonStyle(.borderedProminent)
                        .disabled(model.sending)
                        .accessibilityIdentifier("sync_now")
                }
                if let sent = model.sent {
                    Text(L("outbox_sent", sent.delivered, sent.retryLater + sent.rejected)).font(.footnote)
                }
            }
            Section(L("receipts_title")) {
                if model.receipts.isEmpty {
                    Text(L("receipts_none")).foregroundStyle(.secondary)
                }
                ForEach(model.receipts) { receipt in
                    let at = Date(milliseconds: receipt.receivedAtMs)
                    VStack(alignment: .leading, spacing: 4) {
                        Text(L(
                            "receipt_line", at.formatted(date: .numeric, time: .omitted), at.formatted(date: .omitted, time: .shortened)
                        ))
                        Text(L("receipt_hash", String(receipt.contentHash.prefix(12)))).font(.footnote.monospaced())
                        if receipt.citizenSignature != nil {
                            Text(L("receipt_signed")).font(.footnote).accessibilityIdentifier("receipt_signed")
                        }
                    }
                    .accessibilityIdentifier("receipt_\(receipt.noteId)")
                }
            }
            Button(L("sessions_title")) { app.reset(.sessions) }.accessibilityIdentifier("to_sessions")
        }
        .navigationTitle(L("outbox_title"))
        .onAppear {
            model.load()
            model.follow()
        }
        .onDisappear { model.unfollow() }
        .alert(L("error_sign_in"), isPresented: $model.signInFirst) {
            Button(L("sign_in_start")) { app.go(.signIn) }
            Button(L("cancel"), role: .cancel) {}
        } message: {
            Text(L("outbox_sign_in_first"))
        }
    }

    private func deliveryText(_ status: Delivery) -> String {
        switch status {
        case .queued: return L("delivery_queued")
        case .sending: return L("delivery_sending")
        case .delivered: return L("delivery_delivered")
        case .rejected: return L("delivery_rejected")
        }
    }
}
