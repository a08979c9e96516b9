package app.samtal.android.ui.screens

import android.view.View
import android.widget.EditText
import app.samtal.android.R
import app.samtal.android.core.Core
import app.samtal.android.core.ModelStatus
import app.samtal.android.ui.MainActivity
import app.samtal.android.ui.Palette
import app.samtal.android.ui.Route
import app.samtal.android.ui.Screen
import app.samtal.android.ui.body
import app.samtal.android.ui.button
import app.samtal.android.ui.heading
import app.samtal.android.ui.input
import app.samtal.android.ui.note
import app.samtal.android.ui.page
import app.samtal.android.ui.subheading

/**
 * Enrolment with the municipality's one-time code, the speech model's state, sign-out and
 * wiping the phone. (A voice profile belongs here once the core has one.)
 */
class SettingsScreen(host: MainActivity) : Screen(host) {
    private lateinit var url: EditText
    private lateinit var code: EditText
    private lateinit var worker: EditText
    private var enrolling = false

    override fun build(): View = host.page {
        heading(s(R.string.settings_title))
        subheading(s(R.string.enrol_title))
        val device = graph.prefs.deviceId
        if (device != null) {
            body(s(R.string.enrolled, device.take(8)), tag = "enrolled")
        } else {
            body(s(R.string.enrol_explain))
            url = input(s(R.string.enrol_url), "enrol_url", graph.prefs.endpoint)
            code = input(s(R.string.enrol_code), "enrol_code")
            worker = input(s(R.string.enrol_worker), "enrol_worker", graph.prefs.worker)
            button(s(if (enrolling) R.string.enrolling else R.string.enrol_do), "enrol", primary = true) { enrol() }
        }
        subheading(s(R.string.model_title))
        when (val status = Core.modelStatus(graph.coreSettings)) {
            is ModelStatus.Ready -> body(s(R.string.model_ready, graph.coreSettings.modelId, graph.coreSettings.quantization), tag = "model")
            is ModelStatus.Missing -> {
                body(s(R.string.model_missing), tag = "model", color = Palette.WARN)
                note(status.reason)
            }
        }
        if (device != null) {
            subheading(s(R.string.sign_in_title))
            button(s(R.string.sign_out), "sign_out") {
                host.launch {
                    core.signOut()
                    graph.nav.reset(Route.SignIn)
                }
            }
        }
        subheading(s(R.string.wipe_title))
        note(s(R.string.wipe_explain))
        button(s(R.string.wipe_do), "wipe") { wipe() }
        if (device != null) button(s(R.string.sessions_title), "to_sessions") { graph.nav.reset(Route.Sessions) }
    }

    private fun enrol() {
        if (enrolling) return
        val endpoint = url.text.toString().trim()
        val name = worker.text.toString().trim()
        val oneTimeCode = code.text.toString().trim()
        graph.prefs.endpoint = endpoint
        graph.prefs.worker = name
        if (name.isEmpty()) {
            host.dialog(s(R.string.enrol_title), s(R.string.enrol_worker_missing))
            return
        }
        enrolling = true
        refresh()
        host.launch {
            try {
                graph.prefs.deviceId = core.enroll(endpoint, oneTimeCode)
                graph.nav.reset(Route.SignIn)
            } finally {
                enrolling = false
                refresh()
            }
        }
    }

    private fun wipe() {
        host.dialog(s(R.string.wipe_title), s(R.string.wipe_confirm), yes = R.string.wipe_yes, no = R.string.cancel, onYes = {
            host.launch {
                graph.wipe()
                graph.nav.reset(Route.Start)
            }
        })
    }
}
