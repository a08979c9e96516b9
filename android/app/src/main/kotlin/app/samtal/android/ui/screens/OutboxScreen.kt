package app.samtal.android.ui.screens

import android.text.format.DateFormat
import android.view.View
import app.samtal.android.R
import app.samtal.android.core.CoreException
import app.samtal.android.core.ErrorKind
import app.samtal.android.ui.MainActivity
import app.samtal.android.ui.Route
import app.samtal.android.ui.Screen
import app.samtal.android.ui.body
import app.samtal.android.ui.button
import app.samtal.android.ui.card
import app.samtal.android.ui.heading
import app.samtal.android.ui.note
import app.samtal.android.ui.page
import app.samtal.android.ui.subheading
import java.util.Date

/** Approved notes waiting to be sent, and the receipts of those delivered. */
class OutboxScreen(host: MainActivity) : Screen(host) {
    private var sending = false

    override fun build(): View = host.page {
        heading(s(R.string.outbox_title))
        val outbox = core.outbox().filter { it.status != app.samtal.android.core.Delivery.DELIVERED }
        if (outbox.isEmpty()) note(s(R.string.outbox_empty), tag = "outbox_empty")
        outbox.forEach { entry ->
            card("outbox_${entry.noteId}") {
                body(s(R.string.outbox_note, entry.noteId.take(8)))
                note(s(deliveryText(entry.status)))
                entry.reason?.let { note(it) }
            }
        }
        if (outbox.isNotEmpty()) {
            button(s(if (sending) R.string.outbox_sending else R.string.outbox_send), "sync_now", primary = true) { send() }
        }
        subheading(s(R.string.receipts_title))
        val receipts = core.receipts().sortedByDescending { it.receivedAtMs }
        if (receipts.isEmpty()) note(s(R.string.receipts_none))
        receipts.forEach { r ->
            card("receipt_${r.noteId}") {
                val at = Date(r.receivedAtMs)
                body(s(R.string.receipt_line, DateFormat.getDateFormat(host).format(at), DateFormat.getTimeFormat(host).format(at)))
                note(s(R.string.receipt_hash, r.contentHash.take(12)))
                if (r.citizenSignature != null) note(s(R.string.receipt_signed), tag = "receipt_signed")
            }
        }
        button(s(R.string.sessions_title), "to_sessions") { graph.nav.reset(Route.Sessions) }
    }

    private fun send() {
        if (sending) return
        sending = true
        refresh()
        host.launch {
            try {
                val result = core.syncNow()
                host.dialog(s(R.string.outbox_title), s(R.string.outbox_sent, result.delivered, result.retryLater + result.rejected))
            } catch (e: CoreException) {
                if (e.kind == ErrorKind.SIGN_IN_REQUIRED) {
                    host.dialog(s(R.string.error_sign_in), s(R.string.outbox_sign_in_first), yes = R.string.sign_in_start, no = R.string.cancel, onYes = {
                        graph.nav.go(Route.SignIn)
                    })
                } else {
                    throw e
                }
            } finally {
                sending = false
                refresh()
            }
        }
    }

    override fun onShow() {
        val feed = core.observeOutbox { graph.main.post { refresh() } }
        cancel = { feed.cancel() }
    }

    private var cancel: (() -> Unit)? = null

    override fun onHide() {
        cancel?.invoke()
        cancel = null
    }
}
