package app.samtal.android.ui

import android.Manifest
import android.app.Activity
import android.app.AlertDialog
import android.content.pm.PackageManager
import android.os.Bundle
import android.view.WindowManager
import android.widget.FrameLayout
import app.samtal.android.AppGraph
import app.samtal.android.R
import app.samtal.android.core.CoreException
import app.samtal.android.core.ErrorKind
import app.samtal.android.graph
import app.samtal.android.ui.screens.screenFor
import kotlinx.coroutines.launch

/**
 * The app's one activity. It shows the screen for the process's current [Route], marks
 * the window secure while note or transcript text is on it, and asks for permissions.
 */
class MainActivity : Activity() {
    val graph: AppGraph get() = applicationContext.graph
    private lateinit var root: FrameLayout
    var screen: Screen? = null
        private set
    private var pendingMic: (() -> Unit)? = null
    private val follow: (Route) -> Unit = { show(it) }

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        root = FrameLayout(this)
        setContentView(root)
        graph.nav.onChange = follow
        show(graph.nav.current)
    }

    override fun onDestroy() {
        screen?.onHide()
        screen = null
        if (graph.nav.onChange === follow) graph.nav.onChange = null
        super.onDestroy()
    }

    private fun show(route: Route) {
        screen?.onHide()
        val next = screenFor(route, this)
        screen = next
        if (next.secure) {
            window.addFlags(WindowManager.LayoutParams.FLAG_SECURE)
        } else {
            window.clearFlags(WindowManager.LayoutParams.FLAG_SECURE)
        }
        root.removeAllViews()
        root.addView(next.build())
        next.onShow()
    }

    /** Rebuilds the views of `s` if it is still the screen shown. */
    fun rebuild(s: Screen) {
        if (s !== screen || isDestroyed) return
        root.removeAllViews()
        root.addView(s.build())
    }

    /** Runs a step of the flow; a failure is shown, nothing is lost. */
    fun launch(block: suspend () -> Unit) {
        graph.scope.launch {
            try {
                block()
            } catch (e: CoreException) {
                showError(e)
            }
        }
    }

    fun showError(e: CoreException) {
        if (isDestroyed) return
        val title = when (e.kind) {
            ErrorKind.NETWORK -> R.string.error_network
            ErrorKind.NOT_ENROLLED -> R.string.error_not_enrolled
            ErrorKind.SIGN_IN_REQUIRED -> R.string.error_sign_in
            ErrorKind.MODEL -> R.string.error_model
            ErrorKind.AUDIO -> R.string.error_audio
            ErrorKind.REFUSED -> R.string.error_refused
            ErrorKind.INVALID_INPUT, ErrorKind.NOT_ALLOWED -> R.string.error_not_possible
            else -> R.string.error_other
        }
        dialog(getString(title), e.message ?: "")
    }

    /** A dialog; secure like the screen under it, since it may show the note. */
    fun dialog(title: String, message: CharSequence, yes: Int = R.string.ok, onYes: (() -> Unit)? = null, no: Int? = null): AlertDialog {
        val b = AlertDialog.Builder(this).setTitle(title).setMessage(message)
            .setPositiveButton(yes) { _, _ -> onYes?.invoke() }
        if (no != null) b.setNegativeButton(no, null)
        return b.create().also { secure(it); it.show() }
    }

    fun secure(d: AlertDialog) {
        if (screen?.secure == true) d.window?.addFlags(WindowManager.LayoutParams.FLAG_SECURE)
    }

    /** Runs `then` once the microphone may be used; a refusal leads to the explanation. */
    fun withMicrophone(session: String, then: () -> Unit) {
        if (checkSelfPermission(Manifest.permission.RECORD_AUDIO) == PackageManager.PERMISSION_GRANTED) {
            then()
            return
        }
        pendingMic = then
        graph.pendingMicSession = session
        requestPermissions(arrayOf(Manifest.permission.RECORD_AUDIO, Manifest.permission.POST_NOTIFICATIONS), REQUEST_MIC)
    }

    override fun onRequestPermissionsResult(requestCode: Int, permissions: Array<out String>, grantResults: IntArray) {
        if (requestCode != REQUEST_MIC) return
        val mic = permissions.indexOf(Manifest.permission.RECORD_AUDIO)
        val session = graph.pendingMicSession ?: return
        val action = pendingMic
        pendingMic = null
        if (mic >= 0 && grantResults.getOrNull(mic) == PackageManager.PERMISSION_GRANTED && action != null) {
            graph.pendingMicSession = null
            action()
        } else {
            graph.nav.go(Route.MicRefused(session))
        }
    }

    @Deprecated("Android's back handling before predictive back")
    override fun onBackPressed() {
        if (screen?.onBack() == true) return
        if (!graph.nav.back()) {
            @Suppress("DEPRECATION")
            super.onBackPressed()
        }
    }

    private companion object {
        const val REQUEST_MIC = 1
    }
}
