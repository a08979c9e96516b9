package app.samtal.android.ui.screens

import android.view.View
import android.widget.EditText
import android.widget.RadioGroup
import android.widget.Toast
import app.samtal.android.R
import app.samtal.android.core.CoreException
import app.samtal.android.core.InformedHow
import app.samtal.android.ui.MainActivity
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

/**
 * The citizen's decision, recorded before any audio: how they were told, the meeting's
 * language and the note's template. A refusal ends the session; nothing is recorded.
 */
class ConsentScreen(host: MainActivity) : Screen(host) {
    private lateinit var informed: RadioGroup
    private lateinit var language: RadioGroup
    private lateinit var template: RadioGroup
    private var worker: EditText? = null

    override fun build(): View = host.page {
        heading(s(R.string.consent_title))
        body(s(R.string.consent_tell))
        if (graph.prefs.worker.isEmpty()) {
            subheading(s(R.string.consent_worker))
            worker = input(s(R.string.approve_who_hint), "worker")
        }
        subheading(s(R.string.consent_how))
        informed = choices(
            "informed",
            listOf(
                InformedHow.VERBAL to s(R.string.informed_verbal),
                InformedHow.WRITTEN to s(R.string.informed_written),
                InformedHow.INTERPRETER to s(R.string.informed_interpreter),
            ),
            InformedHow.VERBAL,
        )
        subheading(s(R.string.consent_language))
        val ui = s(R.string.language_code)
        language = choices(
            "language",
            listOf("sv" to s(R.string.language_sv), "da" to s(R.string.language_da), "en" to s(R.string.language_en)),
            ui,
        )
        subheading(s(R.string.consent_template))
        val templates = core.templateIds()
        template = choices("template", templates.map { it to templateName(it) }, templates.firstOrNull { it.startsWith("$ui-") } ?: templates.first())
        button(s(R.string.consent_given), "consent_given", primary = true) { decide(true) }
        button(s(R.string.consent_refused), "consent_refused") { decide(false) }
    }

    private fun templateName(id: String): String = when (id) {
        "sv-socialtjanst-journal" -> s(R.string.template_sv_journal)
        "sv-ibic" -> s(R.string.template_sv_ibic)
        "da-fsiii" -> s(R.string.template_da_fsiii)
        "en-casenote" -> s(R.string.template_en_casenote)
        else -> id
    }

    private fun decide(given: Boolean) {
        val lang = language.chosen<String>()
        worker?.let { graph.prefs.worker = it.text.toString().trim() }
        val session = try {
            core.beginSession(given, informed.chosen(), lang, graph.prefs.worker)
        } catch (e: CoreException) {
            host.showError(e)
            return
        }
        if (!given) {
            Toast.makeText(host, R.string.consent_refused_done, Toast.LENGTH_LONG).show()
            graph.nav.reset(Route.Sessions)
            return
        }
        graph.prefs.remember(session, lang, template.chosen())
        host.withMicrophone(session) { startRecording(host, session) }
    }
}
