package app.samtal.android.ui.screens

import android.view.View
import android.widget.EditText
import android.widget.RadioGroup
import app.samtal.android.R
import app.samtal.android.core.CitizenPart
import app.samtal.android.core.CoreException
import app.samtal.android.ui.MainActivity
import app.samtal.android.ui.Palette
import app.samtal.android.ui.Route
import app.samtal.android.ui.Screen
import app.samtal.android.ui.body
import app.samtal.android.ui.button
import app.samtal.android.ui.choices
import app.samtal.android.ui.chosen
import app.samtal.android.ui.heading
import app.samtal.android.ui.input
import app.samtal.android.ui.page
import app.samtal.android.ui.subheading

/** A person approves the note: who, and how the citizen took part. Then it is sealed. */
class ApproveScreen(host: MainActivity, private val session: String) : Screen(host) {
    private lateinit var who: EditText
    private lateinit var part: RadioGroup

    override fun build(): View = host.page {
        heading(s(R.string.approve_title))
        val unresolved = try {
            core.document(session).unresolved
        } catch (e: CoreException) {
            host.showError(e)
            0
        }
        if (unresolved > 0) body(s(R.string.review_unresolved, unresolved), tag = "unresolved", color = Palette.FLAG)
        body(s(R.string.approve_explain))
        subheading(s(R.string.approve_who))
        who = input(s(R.string.approve_who_hint), "approved_by", graph.prefs.worker)
        subheading(s(R.string.approve_citizen))
        part = choices(
            "citizen_part",
            listOf(
                CitizenPart.REVIEWED_ON_SCREEN to s(R.string.citizen_part_reviewed),
                CitizenPart.DECLINED_TO_REVIEW to s(R.string.citizen_part_declined),
                CitizenPart.NOT_PRESENT to s(R.string.citizen_part_absent),
            ),
            CitizenPart.REVIEWED_ON_SCREEN,
        )
        button(s(R.string.approve_do), "approve", primary = true) { approve() }
    }

    private fun approve() {
        val name = who.text.toString().trim()
        if (name.isEmpty()) {
            host.dialog(s(R.string.approve_title), s(R.string.approve_who_missing))
            return
        }
        try {
            core.approve(session, name, part.chosen())
        } catch (e: CoreException) {
            host.showError(e)
            return
        }
        graph.prefs.worker = name
        graph.prefs.forget(session)
        graph.nav.reset(Route.CitizenSign(session))
    }
}
