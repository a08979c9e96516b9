package app.samtal.android.ui.screens

import android.text.InputFilter
import android.text.InputType
import android.util.TypedValue
import android.view.View
import android.view.ViewGroup.LayoutParams.MATCH_PARENT
import android.view.ViewGroup.LayoutParams.WRAP_CONTENT
import android.view.inputmethod.EditorInfo
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.RadioGroup
import android.widget.Toast
import app.samtal.android.R
import app.samtal.android.core.CoreException
import app.samtal.android.core.InformedHow
import app.samtal.android.core.Person
import app.samtal.android.ui.MainActivity
import app.samtal.android.ui.Palette
import app.samtal.android.ui.Route
import app.samtal.android.ui.Screen
import app.samtal.android.ui.body
import app.samtal.android.ui.button
import app.samtal.android.ui.card
import app.samtal.android.ui.choices
import app.samtal.android.ui.chosen
import app.samtal.android.ui.column
import app.samtal.android.ui.heading
import app.samtal.android.ui.input
import app.samtal.android.ui.note
import app.samtal.android.ui.page
import app.samtal.android.ui.subheading

/**
 * The citizen's decision, recorded before any audio: how they were told, the meeting's
 * language, who takes part besides the worker (it names the voices speaker attribution
 * finds), optionally their first names and pronouns (so the draft says "Anna berättar att
 * hon …", not "den enskilde"; large enough for the citizen to read along) and the note's
 * template. A refusal ends the session; nothing is recorded.
 */
class ConsentScreen(host: MainActivity) : Screen(host) {
    private lateinit var informed: RadioGroup
    private lateinit var language: RadioGroup
    private lateinit var template: RadioGroup
    private lateinit var present: RadioGroup
    private lateinit var people: LinearLayout
    private val fields = linkedMapOf<String, PersonFields>()
    private var worker: EditText? = null

    /** What is entered for one person present. */
    private class PersonFields(val name: EditText, val relation: EditText?, val pronoun: RadioGroup)

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
        subheading(s(R.string.consent_present))
        present = choices(
            "present",
            listOf(
                "" to s(R.string.present_unsaid),
                "citizen" to s(R.string.present_citizen),
                "citizen,relative" to s(R.string.present_citizen_relative),
                "relative" to s(R.string.present_relative),
                "citizen,interpreter" to s(R.string.present_citizen_interpreter),
            ),
            "",
        )
        subheading(s(R.string.consent_people))
        note(s(R.string.consent_people_why))
        people = context.column {}.also { addView(it, LinearLayout.LayoutParams(MATCH_PARENT, WRAP_CONTENT)) }
        showPeople()
        present.setOnCheckedChangeListener { _, _ -> showPeople() }
        language.setOnCheckedChangeListener { _, _ -> showPeople() }
        subheading(s(R.string.consent_template))
        val templates = core.templateIds()
        template = choices("template", templates.map { it to templateName(it) }, templates.firstOrNull { it.startsWith("$ui-") } ?: templates.first())
        button(s(R.string.consent_given), "consent_given", primary = true) { decide(true) }
        button(s(R.string.consent_refused), "consent_refused") { decide(false) }
    }

    /** A card per person present (the citizen always: the note is about them), keeping what was typed. */
    private fun showPeople() {
        val typed = entered().associateBy { it.role }
        people.removeAllViews()
        fields.clear()
        val pronouns = core.pronounChoices(language.chosen())
        val roles = (listOf("citizen") + present.chosen<String>().split(',')).filter { it.isNotEmpty() }.distinct()
        for (role in roles) {
            val before = typed[role]
            people.card("person_$role") {
                subheading(personLabel(role)).setPadding(0, 0, 0, 0)
                val name = input(s(R.string.person_name_hint), "name_$role", before?.name.orEmpty()).large(InputType.TYPE_TEXT_VARIATION_PERSON_NAME or InputType.TYPE_TEXT_FLAG_CAP_WORDS)
                val relation = if (role == "relative") {
                    input(s(R.string.person_relation_hint), "relation_$role", before?.description.orEmpty()).large(0)
                } else {
                    null
                }
                body(s(R.string.person_pronoun), color = Palette.MUTED)
                val options = listOf("" to s(R.string.person_pronoun_unsaid)) + pronouns.map { it to it }
                val pronoun = choices("pronoun_$role", options, before?.pronoun?.takeIf { it in pronouns }.orEmpty())
                fields[role] = PersonFields(name, relation, pronoun)
            }
        }
    }

    /** Text the citizen can read along: larger, one line, never learnt by the keyboard. */
    private fun EditText.large(variation: Int): EditText = apply {
        inputType = InputType.TYPE_CLASS_TEXT or variation
        imeOptions = imeOptions or EditorInfo.IME_FLAG_NO_PERSONALIZED_LEARNING
        filters = arrayOf(InputFilter.LengthFilter(60))
        setTextSize(TypedValue.COMPLEX_UNIT_SP, 20f)
    }

    private fun personLabel(role: String): String = when (role) {
        "relative" -> s(R.string.person_relative)
        "interpreter" -> s(R.string.person_interpreter)
        else -> s(R.string.person_citizen)
    }

    /** What is entered, one [Person] per card; empty fields are null. */
    private fun entered(): List<Person> = fields.map { (role, f) ->
        Person(
            role,
            f.name.text.toString().trim().ifEmpty { null },
            f.relation?.text?.toString()?.trim()?.ifEmpty { null },
            f.pronoun.chosen<String>().ifEmpty { null },
        )
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
            val others = present.chosen<String>().split(',').filter { it.isNotEmpty() }
            core.beginSession(given, informed.chosen(), lang, graph.prefs.worker, others)
        } catch (e: CoreException) {
            host.showError(e)
            return
        }
        if (!given) {
            Toast.makeText(host, R.string.consent_refused_done, Toast.LENGTH_LONG).show()
            graph.nav.reset(Route.Sessions)
            return
        }
        val named = entered().filter { it.name != null || it.description != null || it.pronoun != null }
        try {
            if (named.isNotEmpty()) core.setParticipants(session, named)
        } catch (e: CoreException) {
            // Nothing half-started: the form keeps what was typed, to correct and try again.
            runCatching { core.discard(session) }
            host.showError(e)
            return
        }
        graph.prefs.remember(session, lang, template.chosen())
        host.withMicrophone(session) { startRecording(host, session) }
    }
}
