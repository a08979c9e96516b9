package app.samtal.android.ui.screens

import android.view.View
import app.samtal.android.R
import app.samtal.android.core.BankIdOutcome
import app.samtal.android.core.CoreException
import app.samtal.android.ui.MainActivity
import app.samtal.android.ui.Route
import app.samtal.android.ui.Screen
import app.samtal.android.ui.body
import app.samtal.android.ui.button
import app.samtal.android.ui.heading
import app.samtal.android.ui.page

/** The worker signs in with BankID before any note can leave the phone. */
class SignInScreen(host: MainActivity) : Screen(host) {
    private val flow get() = graph.bankId

    override fun build(): View = host.page {
        heading(s(R.string.sign_in_title))
        body(s(R.string.sign_in_intro))
        val outcome = flow.outcome
        when {
            flow.running -> bankIdPanel(host, flow) {
                flow.cancel()
                refresh()
            }
            outcome is BankIdOutcome.Failed -> {
                body(outcome.message, tag = "sign_in_failed")
                button(s(R.string.try_again), "sign_in", primary = true) { start() }
            }
            else -> button(s(R.string.sign_in_start), "sign_in", primary = true) { start() }
        }
        button(s(R.string.sessions_title), "to_sessions") { graph.nav.reset(Route.Sessions) }
    }

    private fun start() {
        try {
            flow.begin { core.signIn(sameDevice = false, language = host.bankIdLanguage(), listener = it) }
        } catch (e: CoreException) {
            host.showError(e)
        }
        refresh()
    }

    override fun onShow() {
        flow.onChange = {
            if (flow.outcome is BankIdOutcome.Done) {
                flow.clear()
                graph.nav.reset(Route.Sessions)
            } else {
                refresh()
            }
        }
    }

    override fun onHide() {
        flow.onChange = null
    }
}
