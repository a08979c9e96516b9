package app.samtal.android.ui.screens

import android.view.View
import android.widget.ProgressBar
import app.samtal.android.core.CoreException
import app.samtal.android.ui.MainActivity
import app.samtal.android.ui.Route
import app.samtal.android.ui.Screen

/**
 * Decides where to begin: a recording a killed process left behind comes first, then
 * enrolment, then BankID sign-in, then today's sessions.
 */
class StartScreen(host: MainActivity) : Screen(host) {
    override fun build(): View = ProgressBar(host)

    override fun onShow() {
        graph.main.post { graph.nav.reset(next()) }
    }

    private fun next(): Route = try {
        val interrupted = core.sessions().firstOrNull { it.phase.interrupted }
        when {
            interrupted != null -> Route.Recording(interrupted.id)
            graph.prefs.deviceId == null -> Route.Settings
            core.signedInUntil() == null -> Route.SignIn
            else -> Route.Sessions
        }
    } catch (e: CoreException) {
        graph.main.post { host.showError(e) }
        Route.Settings
    }
}
