package app.samtal.android.ui.screens

import android.view.View
import android.widget.TextView
import app.samtal.android.R
import app.samtal.android.ui.MainActivity
import app.samtal.android.ui.Palette
import app.samtal.android.ui.Route
import app.samtal.android.ui.Screen
import app.samtal.android.ui.body
import app.samtal.android.ui.button
import app.samtal.android.ui.card
import app.samtal.android.ui.heading
import app.samtal.android.ui.note
import app.samtal.android.ui.page
import app.samtal.android.ui.row
import app.samtal.android.ui.subheading

/**
 * The meeting being recorded: timer, live transcript, pause and resume, stop, and the
 * citizen's withdrawal. A recording a killed process left behind can be picked up here.
 */
class RecordingScreen(host: MainActivity, private val session: String) : Screen(host) {
    override val secure = true
    private val rec get() = graph.recording
    private var timer: TextView? = null
    private var finishing = false
    private val tick = object : Runnable {
        override fun run() {
            timer?.text = clock(rec.capturedSeconds())
            graph.main.postDelayed(this, 1000)
        }
    }

    override fun build(): View = host.page {
        val ours = rec.sessionId == session
        heading(s(if (!ours) R.string.recording_interrupted_title else if (rec.paused) R.string.recording_paused else R.string.recording_title))
        if (finishing) {
            body(s(R.string.recording_finishing), tag = "finishing")
            return@page
        }
        if (!ours) {
            body(s(R.string.recording_interrupted))
            button(s(R.string.recording_recover), "recover", primary = true) {
                host.launch { rec.recover(session, graph.prefs.language(session)) }
            }
            return@page
        }
        timer = body(clock(rec.capturedSeconds()), tag = "timer", size = 32f)
        rec.failure?.let { body(it.message ?: "", tag = "capture_failed", color = Palette.WARN) }
        row {
            if (rec.paused) {
                button(s(R.string.recording_resume), "resume", primary = true) { host.launch { rec.resume() } }
            } else {
                button(s(R.string.recording_pause), "pause") { host.launch { rec.pause() } }
            }
            button(s(R.string.recording_stop), "stop", primary = !rec.paused) { stop() }
        }
        button(s(R.string.recording_withdraw), "withdraw") { withdraw() }
        subheading(s(R.string.recording_live))
        if (rec.segments.isEmpty()) note(s(R.string.recording_live_empty))
        card("transcript") {
            rec.segments.forEach { body(it.text, color = Palette.INK) }
        }
    }

    private fun stop() {
        finishing = true
        refresh()
        host.launch {
            try {
                rec.stop()
                val template = graph.prefs.template(session) ?: core.templateIds().first()
                core.draft(session, template)
                graph.nav.reset(Route.Review(session))
            } finally {
                finishing = false
                refresh()
            }
        }
    }

    private fun withdraw() {
        host.dialog(s(R.string.withdraw_title), s(R.string.withdraw_confirm), yes = R.string.withdraw_yes, no = R.string.cancel, onYes = {
            host.launch {
                if (rec.sessionId == session) rec.withdraw() else core.withdraw(session)
                graph.prefs.forget(session)
                graph.nav.reset(Route.Sessions)
            }
        })
    }

    override fun onShow() {
        rec.onChange = { refresh() }
        graph.main.post(tick)
    }

    override fun onHide() {
        rec.onChange = null
        graph.main.removeCallbacks(tick)
    }
}
