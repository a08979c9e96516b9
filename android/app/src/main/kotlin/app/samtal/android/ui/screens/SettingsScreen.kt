package app.samtal.android.ui.screens

import android.Manifest
import android.content.pm.PackageManager
import android.text.format.DateFormat
import android.view.View
import android.widget.LinearLayout
import android.widget.EditText
import app.samtal.android.R
import app.samtal.android.core.CoreException
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
import app.samtal.android.platform.Microphone
import java.util.Date

/** Request code of the microphone permission asked for voice enrolment. */
private const val REQUEST_VOICE_MIC = 7

/**
 * Enrolment with the municipality's one-time code, the speech model's state, the worker's
 * voice (recorded here while they read the enrolment text; only its features are kept),
 * sign-out and wiping the phone.
 */
class SettingsScreen(host: MainActivity) : Screen(host) {
    private lateinit var url: EditText
    private lateinit var code: EditText
    private lateinit var worker: EditText
    private var enrolling = false
    private var voiceMic: Microphone? = null

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
        when (val status = core.modelStatus()) {
            is ModelStatus.Ready -> body(s(R.string.model_ready, graph.coreSettings.modelId, graph.coreSettings.quantization), tag = "model")
            is ModelStatus.Missing -> {
                body(s(R.string.model_missing), tag = "model", color = Palette.WARN)
                note(status.reason)
            }
        }
        subheading(s(R.string.voice_title))
        voice()
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

    /** The voice profile's state and actions, or the enrolment text while it is read. */
    private fun LinearLayout.voice() {
        if (voiceMic != null) {
            body(s(R.string.voice_recording), tag = "voice_recording")
            body(core.enrolmentText(s(R.string.language_code)), tag = "voice_text", size = 18f)
            button(s(R.string.voice_done), "voice_done", primary = true) { voiceMic?.finish() }
            return
        }
        val status = try {
            core.voiceStatus()
        } catch (e: CoreException) {
            host.showError(e)
            return
        }
        when {
            status.needsReenrolment -> body(s(R.string.voice_unreadable), tag = "voice", color = Palette.WARN)
            status.enrolled -> body(
                s(R.string.voice_enrolled, DateFormat.getDateFormat(host).format(Date(status.enrolledAtMs ?: 0))),
                tag = "voice",
            )
            else -> body(s(R.string.voice_missing), tag = "voice")
        }
        note(s(R.string.voice_explain))
        button(s(R.string.voice_record), "voice_record") { recordVoice() }
        if (status.enrolled) button(s(R.string.voice_delete), "voice_delete") { deleteVoice() }
    }

    /** Captures the worker reading the enrolment text until they press Done. */
    private fun recordVoice() {
        if (host.checkSelfPermission(Manifest.permission.RECORD_AUDIO) != PackageManager.PERMISSION_GRANTED) {
            host.requestPermissions(arrayOf(Manifest.permission.RECORD_AUDIO), REQUEST_VOICE_MIC)
            host.dialog(s(R.string.voice_title), s(R.string.voice_mic_needed))
            return
        }
        val mic = try {
            Microphone.open()
        } catch (e: CoreException) {
            host.showError(e)
            return
        }
        voiceMic = mic
        refresh()
        host.launch {
            try {
                core.enrollVoice(mic)
            } finally {
                mic.finish()
                voiceMic = null
                refresh()
            }
        }
    }

    private fun deleteVoice() {
        host.dialog(s(R.string.voice_title), s(R.string.voice_delete_confirm), yes = R.string.voice_delete, no = R.string.cancel, onYes = {
            try {
                core.deleteVoice()
            } catch (e: CoreException) {
                host.showError(e)
            }
            refresh()
        })
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
