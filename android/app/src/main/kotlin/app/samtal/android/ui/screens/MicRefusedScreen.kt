package app.samtal.android.ui.screens

import android.content.Intent
import android.net.Uri
import android.provider.Settings
import android.view.View
import app.samtal.android.R
import app.samtal.android.ui.MainActivity
import app.samtal.android.ui.Route
import app.samtal.android.ui.Screen
import app.samtal.android.ui.body
import app.samtal.android.ui.button
import app.samtal.android.ui.heading
import app.samtal.android.ui.page

/** The microphone was refused: what it is needed for, and the ways on from here. */
class MicRefusedScreen(host: MainActivity, private val session: String) : Screen(host) {
    override fun build(): View = host.page {
        heading(s(R.string.mic_refused_title))
        body(s(R.string.mic_refused_why), tag = "mic_refused")
        body(s(R.string.mic_refused_settings))
        button(s(R.string.try_again), "mic_retry", primary = true) {
            host.withMicrophone(session) { startRecording(host, session) }
        }
        button(s(R.string.mic_open_settings), "mic_settings") {
            host.startActivity(
                Intent(Settings.ACTION_APPLICATION_DETAILS_SETTINGS, Uri.fromParts("package", host.packageName, null)),
            )
        }
        button(s(R.string.mic_no_recording), "mic_discard") {
            host.launch {
                core.discard(session)
                graph.prefs.forget(session)
                graph.nav.reset(Route.Sessions)
            }
        }
    }
}
