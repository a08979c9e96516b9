package app.samtal.android

import android.Manifest
import android.app.AlertDialog
import app.samtal.android.core.Person
import app.samtal.android.ui.Route
import app.samtal.ffi.Paths
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.annotation.LooperMode
import org.robolectric.shadows.ShadowDialog
import org.robolectric.shadows.ShadowLog

/**
 * Speaker attribution through the app's own screens with the real core: the worker's voice
 * enrolled in settings from the microphone, the consent saying the citizen is present, the
 * two-voice meeting recorded, every line with a speaker, the citizen's first name and pronoun
 * from the consent screen in the drafted note, and "Who said this?" in review relabelling a
 * whole voice.
 */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34], qualifiers = "sv-rSE")
@LooperMode(LooperMode.Mode.PAUSED)
class SpeakersFlowTest {
    @Test
    fun `a voice enrolled in settings names the speakers and review relabels a voice`() {
        val enrolment = FixtureMicrophone(Paths.fixture("en-two-voices.enrol.wav")).apply { install() }
        val d = Driver().launch()
        shadowOf(d.app).grantPermissions(Manifest.permission.RECORD_AUDIO, Manifest.permission.POST_NOTIFICATIONS)
        d.graph.nav.go(Route.Settings)
        d.idle()
        assertTrue(d.text("voice").startsWith("Ingen röst"))
        d.click("voice_record")
        assertTrue(d.text("voice_text").isNotBlank())
        d.waitFor("the enrolment text read") { enrolment.exhausted }
        d.click("voice_done")
        d.waitFor("enrolled") { d.find("voice_record") != null && d.graph.core.voiceStatus().enrolled }
        assertTrue(d.text("voice").startsWith("Din röst är inläst"))

        val meeting = FixtureMicrophone(Paths.fixture("en-two-voices.wav")).apply { install() }
        d.graph.nav.go(Route.Consent)
        d.idle()
        d.type("worker", "maja.provsson")
        d.choose("language", "en")
        d.choose("template", "en-casenote")
        d.choose("present", "citizen")
        // Her first name and pronoun, typed where the citizen can read along.
        d.type("name_citizen", "Selma")
        d.choose("pronoun_citizen", "she")
        d.click("consent_given")
        d.waitFor("recording") { d.route is Route.Recording }
        val session = (d.route as Route.Recording).session
        d.runStartedService()
        d.waitFor("the meeting captured", 120) { meeting.exhausted && d.graph.recording.capturedSeconds() > 30.0 }
        d.click("stop")
        d.waitForRoute(Route.Review(session), 180)
        val transcript = d.graph.core.transcript(session)
        assertTrue("every line has a speaker", transcript.all { it.speaker != null })
        assertEquals(setOf("worker", "citizen"), transcript.mapNotNull { it.speaker }.toSet())

        // The drafted note on the review screen names her and says "she", never "the client".
        d.waitFor("the draft") { d.find("unresolved") != null }
        val shown = d.graph.core.document(session).items.map { d.text("item_${it.id}_text") }
        assertTrue(shown.joinToString("\n"), shown.any { it.startsWith("Selma ") })
        assertTrue(shown.joinToString("\n"), shown.none { it.contains("the client", ignoreCase = true) })
        assertEquals(listOf(Person("citizen", "Selma", null, "she")), d.graph.core.participants(session))
        assertTrue("her name is in no log", ShadowLog.getLogs().none { it.msg?.contains("Selma") == true })

        // The worker says the voice of a cited line is a relative's, throughout.
        val item = d.graph.core.document(session).items.first { item ->
            transcript.filter { it.id in item.citations }.mapNotNull { it.voice }.distinct().size == 1
        }
        val voice = transcript.first { it.id in item.citations }.voice!!
        d.click("item_${item.id}_who")
        shadowOf(ShadowDialog.getLatestDialog() as AlertDialog).clickOnItem(2)
        d.idle()
        shadowOf(ShadowDialog.getLatestDialog() as AlertDialog).clickOnItem(1)
        d.idle()
        val relabelled = d.graph.core.transcript(session)
        assertTrue(relabelled.filter { it.voice == voice }.all { it.speaker == "relative" && !it.speakerUnsure })
        assertTrue(relabelled.filter { it.voice != voice }.none { it.speaker == "relative" })
        assertNotNull(d.find("unresolved"))
    }
}
