package app.samtal.android.ui.screens

import android.content.ActivityNotFoundException
import android.content.Intent
import android.net.Uri
import android.widget.ImageView
import android.widget.LinearLayout
import app.samtal.android.R
import app.samtal.android.platform.BankIdFlow
import app.samtal.android.ui.MainActivity
import app.samtal.android.ui.QrCode
import app.samtal.android.ui.body
import app.samtal.android.ui.button
import app.samtal.android.ui.dp
import app.samtal.android.ui.note

/**
 * A running BankID order: the animated QR code (redrawn from each second's payload),
 * BankID's own message (RFA) and the ways to open BankID on this phone or cancel.
 */
fun LinearLayout.bankIdPanel(host: MainActivity, flow: BankIdFlow, onCancel: () -> Unit) {
    val qr = flow.qr
    if (qr != null) {
        val size = context.dp(240)
        addView(
            ImageView(context).apply {
                tag = "qr"
                contentDescription = context.getString(R.string.bankid_qr_description)
                setImageBitmap(QrCode.bitmap(qr, size))
            },
            LinearLayout.LayoutParams(size, size).apply { topMargin = context.dp(12) },
        )
    }
    note(context.getString(R.string.bankid_scan_hint))
    body(flow.progress?.message ?: context.getString(R.string.bankid_starting), tag = "rfa")
    button(context.getString(R.string.bankid_same_device), "bankid_same_device") {
        val url = flow.order?.autoStartUrl ?: return@button
        try {
            host.startActivity(Intent(Intent.ACTION_VIEW, Uri.parse(url)))
        } catch (_: ActivityNotFoundException) {
            host.dialog(context.getString(R.string.bankid_missing_title), context.getString(R.string.bankid_missing))
        }
    }
    button(context.getString(R.string.cancel), "cancel") { onCancel() }
}

/** BankID's messages exist in Swedish and English: Swedish for a Swedish UI, else English. */
fun MainActivity.bankIdLanguage() = if (getString(R.string.language_code) == "sv") "sv" else "en"
