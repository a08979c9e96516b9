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

/** The citizen may sign the approved note with their own BankID; it is voluntary. */
class CitizenSignScreen(host: MainActivity, private val session: String) : Screen(host) {
    private val flow get() = graph.bankId

    override fun build(): View = host.page {
        heading(s(R.string.citizen_sign_title))
        val outcome = flow.outcome
        when {
            outcome is BankIdOutcome.Done -> {
                body(s(R.string.citizen_sign_done), tag = "signed")
                button(s(R.string.to_outbox), "to_outbox", primary = true) { done() }
            }
            flow.running -> bankIdPanel(host, flow) {
                flow.cancel()
                refresh()
            }
            else -> {
                body(s(R.string.citizen_sign_explain))
                if (outcome is BankIdOutcome.Failed) body(outcome.message, tag = "sign_failed")
                button(s(R.string.citizen_sign_start), "start_sign", primary = true) { start() }
                button(s(R.string.citizen_sign_skip), "skip_sign") { done() }
            }
        }
    }

    private fun start() {
        try {
            flow.begin { core.citizenSign(session, sameDevice = false, language = host.bankIdLanguage(), listener = it) }
        } catch (e: CoreException) {
            host.showError(e)
        }
        refresh()
    }

    private fun done() {
        flow.clear()
        graph.nav.reset(Route.Outbox)
    }

    override fun onShow() {
        flow.onChange = { refresh() }
    }

    override fun onHide() {
        flow.onChange = null
    }
}
