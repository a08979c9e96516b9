package app.samtal.android.ui.screens

import android.graphics.Color
import android.speech.tts.TextToSpeech
import android.view.View
import android.widget.EditText
import android.widget.Toast
import app.samtal.android.R
import app.samtal.android.core.Change
import app.samtal.android.core.CoreException
import app.samtal.android.ui.MainActivity
import app.samtal.android.ui.Screen
import app.samtal.android.ui.body
import app.samtal.android.ui.button
import app.samtal.android.ui.heading
import app.samtal.android.ui.input
import app.samtal.android.ui.page
import java.util.Locale

/**
 * What the citizen reads: the note in plain reading order, large type, high contrast,
 * read aloud in the note's language, and room for the citizen's own comment.
 */
class CitizenScreen(host: MainActivity, private val session: String) : Screen(host) {
    override val secure = true
    private var tts: TextToSpeech? = null
    private var ttsReady = false
    private lateinit var comment: EditText

    override fun build(): View {
        val (text, language, existing) = try {
            val d = core.document(session)
            Triple(core.citizenView(session), d.language, d.citizenComment ?: "")
        } catch (e: CoreException) {
            host.showError(e)
            Triple("", "sv", "")
        }
        return host.page(background = Color.BLACK) {
            heading(s(R.string.citizen_title), size = 30f).setTextColor(Color.WHITE)
            body(text, tag = "citizen_text", color = Color.WHITE, size = 26f)
            button(s(R.string.citizen_read_aloud), "read_aloud", primary = true) { readAloud(text, language) }
            body(s(R.string.citizen_comment_prompt), color = Color.WHITE, size = 22f)
            comment = input(s(R.string.citizen_comment_hint), "citizen_comment", existing, multiLine = true).apply {
                setTextColor(Color.WHITE)
                setHintTextColor(Color.LTGRAY)
                textSize = 22f
            }
            button(s(R.string.citizen_comment_save), "save_comment") { saveComment() }
            button(s(R.string.citizen_done), "citizen_done") { graph.nav.back() }
        }
    }

    private fun readAloud(text: String, language: String) {
        val engine = tts ?: return
        if (!ttsReady) return
        // Never read a Swedish note with a voice for another language.
        if (engine.setLanguage(Locale.forLanguageTag(language)) < TextToSpeech.LANG_AVAILABLE) {
            host.dialog(s(R.string.citizen_read_aloud), s(R.string.citizen_read_unavailable))
            return
        }
        engine.speak(text, TextToSpeech.QUEUE_FLUSH, null, "citizen-view")
    }

    private fun saveComment() {
        val text = comment.text.toString().trim()
        if (text.isEmpty()) return
        try {
            core.review(session, Change.CitizenComment(text))
            Toast.makeText(host, R.string.citizen_comment_saved, Toast.LENGTH_SHORT).show()
            graph.nav.back()
        } catch (e: CoreException) {
            host.showError(e)
        }
    }

    override fun onShow() {
        tts = TextToSpeech(host) { status -> ttsReady = status == TextToSpeech.SUCCESS }
    }

    override fun onHide() {
        tts?.shutdown()
        tts = null
    }
}
