package app.samtal.android.ui.screens

import app.samtal.android.R
import app.samtal.android.core.Delivery
import app.samtal.android.core.Phase
import app.samtal.android.ui.MainActivity
import app.samtal.android.ui.Route
import app.samtal.android.ui.Screen

/** The screen that shows a route. */
fun screenFor(route: Route, host: MainActivity): Screen = when (route) {
    Route.Start -> StartScreen(host)
    Route.SignIn -> SignInScreen(host)
    Route.Sessions -> SessionsScreen(host)
    Route.Consent -> ConsentScreen(host)
    is Route.MicRefused -> MicRefusedScreen(host, route.session)
    is Route.Recording -> RecordingScreen(host, route.session)
    is Route.Review -> ReviewScreen(host, route.session)
    is Route.Citizen -> CitizenScreen(host, route.session)
    is Route.Approve -> ApproveScreen(host, route.session)
    is Route.CitizenSign -> CitizenSignScreen(host, route.session)
    Route.Outbox -> OutboxScreen(host)
    Route.Settings -> SettingsScreen(host)
}

/** Words for a session's state, as the worker sees them. */
fun phaseText(phase: Phase): Int = when (phase) {
    Phase.CREATED, Phase.CONSENTED -> R.string.phase_consented
    Phase.RECORDING -> R.string.phase_recording
    Phase.PAUSED -> R.string.phase_paused
    Phase.STOPPED, Phase.TRANSCRIBED -> R.string.phase_transcribed
    Phase.DRAFTED, Phase.IN_REVIEW -> R.string.phase_in_review
    Phase.APPROVED, Phase.QUEUED -> R.string.phase_queued
    Phase.SYNCED, Phase.PURGED -> R.string.phase_delivered
    Phase.WITHDRAWN -> R.string.phase_withdrawn
    Phase.DISCARDED -> R.string.phase_discarded
}

fun deliveryText(d: Delivery): Int = when (d) {
    Delivery.QUEUED -> R.string.delivery_queued
    Delivery.SENDING -> R.string.delivery_sending
    Delivery.DELIVERED -> R.string.delivery_delivered
    Delivery.REJECTED -> R.string.delivery_rejected
}

/** Minutes and seconds, as a recording timer shows them. */
fun clock(seconds: Double): String {
    val s = seconds.toLong()
    return "%d:%02d".format(s / 60, s % 60)
}
