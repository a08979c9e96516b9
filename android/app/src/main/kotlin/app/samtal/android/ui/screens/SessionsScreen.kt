package app.samtal.android.ui.screens

import android.text.format.DateFormat
import android.view.View
import app.samtal.android.R
import app.samtal.android.core.Phase
import app.samtal.android.core.SessionInfo
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
import java.util.Calendar
import java.util.Date

/** Today's sessions: states and times only, never content. */
class SessionsScreen(host: MainActivity) : Screen(host) {
    override fun build(): View = host.page {
        heading(s(R.string.sessions_title))
        val until = core.signedInUntil()
        if (until != null) {
            note(s(R.string.signed_in_until, DateFormat.getTimeFormat(host).format(Date(until))), tag = "signed_in")
        } else {
            note(s(R.string.not_signed_in), tag = "signed_in")
            button(s(R.string.sign_in_start), "sign_in") { graph.nav.go(Route.SignIn) }
        }
        button(s(R.string.new_session), "new_session", primary = true) { graph.nav.go(Route.Consent) }
        subheading(s(R.string.sessions_today))
        val today = today()
        val sessions = core.sessions().filter { it.createdAtMs >= today }.sortedByDescending { it.createdAtMs }
        if (sessions.isEmpty()) note(s(R.string.sessions_none))
        sessions.forEach { session ->
            card("session_${session.id}") {
                body(
                    s(R.string.session_line, DateFormat.getTimeFormat(host).format(Date(session.createdAtMs)), clock(session.capturedSeconds)),
                )
                note(s(phaseText(session.phase)))
                setOnClickListener { open(session) }
            }
        }
        subheading(s(R.string.more))
        button(s(R.string.outbox_title), "to_outbox") { graph.nav.go(Route.Outbox) }
        button(s(R.string.settings_title), "to_settings") { graph.nav.go(Route.Settings) }
    }

    private fun open(session: SessionInfo) {
        when (session.phase) {
            Phase.RECORDING, Phase.PAUSED, Phase.STOPPED -> graph.nav.go(Route.Recording(session.id))
            Phase.TRANSCRIBED, Phase.DRAFTED, Phase.IN_REVIEW -> graph.nav.go(Route.Review(session.id))
            Phase.APPROVED, Phase.QUEUED -> graph.nav.go(Route.Outbox)
            Phase.CONSENTED -> host.withMicrophone(session.id) { startRecording(host, session.id) }
            else -> Unit
        }
    }

    private fun today(): Long = Calendar.getInstance().apply {
        set(Calendar.HOUR_OF_DAY, 0)
        set(Calendar.MINUTE, 0)
        set(Calendar.SECOND, 0)
        set(Calendar.MILLISECOND, 0)
    }.timeInMillis
}

/** Starts recording a consented session and shows it (the microphone is allowed). */
fun startRecording(host: MainActivity, session: String) {
    val graph = host.graph
    host.launch {
        graph.recording.start(session, graph.prefs.language(session))
        graph.nav.reset(Route.Recording(session))
    }
}
