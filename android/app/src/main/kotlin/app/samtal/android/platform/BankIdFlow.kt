package app.samtal.android.platform

import android.os.Handler
import android.os.Looper
import app.samtal.android.core.BankIdListener
import app.samtal.android.core.BankIdOrder
import app.samtal.android.core.BankIdOutcome
import app.samtal.android.core.BankIdProgress

/**
 * The BankID order in progress (the worker's sign-in or the citizen's signature), kept by
 * the process so that turning the phone does not cancel it. Reports reach [onChange] on
 * the main thread.
 */
class BankIdFlow {
    private val main = Handler(Looper.getMainLooper())
    var order: BankIdOrder? = null
        private set
    var progress: BankIdProgress? = null
        private set
    var outcome: BankIdOutcome? = null
        private set
    var onChange: (() -> Unit)? = null

    val running get() = order != null && outcome == null

    /** Starts an order with `start`, which gets the listener to hand to the core. */
    fun begin(start: (BankIdListener) -> BankIdOrder) {
        progress = null
        outcome = null
        order = start(object : BankIdListener {
            override fun onProgress(progress: BankIdProgress) {
                main.post {
                    this@BankIdFlow.progress = progress
                    onChange?.invoke()
                }
            }

            override fun onFinished(outcome: BankIdOutcome) {
                main.post {
                    this@BankIdFlow.outcome = outcome
                    onChange?.invoke()
                }
            }
        })
        onChange?.invoke()
    }

    /** The QR payload to draw now: the newest frame, or the order's first. */
    val qr: String? get() = progress?.qrData ?: order?.firstQr

    fun cancel() {
        order?.cancel()
        clear()
    }

    fun clear() {
        order = null
        progress = null
        outcome = null
    }
}
