package app.samtal.android

import android.Manifest
import android.app.Notification
import android.app.NotificationManager
import android.content.pm.PackageManager
import android.speech.tts.TextToSpeech
import android.view.WindowManager
import android.widget.EditText
import android.widget.ImageView
import app.samtal.android.core.ModelStatus
import app.samtal.android.core.Phase
import app.samtal.android.ui.Route
import app.samtal.ffi.Paths
import app.samtal.ffi.Services
import org.junit.AfterClass
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.BeforeClass
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.annotation.LooperMode
import org.robolectric.shadows.ShadowLog
import org.robolectric.shadows.ShadowTextToSpeech
import java.io.File
import java.util.Locale

/**
 * The whole meeting through the app's own screens with the real core (JNA, host
 * libsamtal_ffi.so), a BankID simulator and a municipal endpoint started here.
 */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34], qualifiers = "sv-rSE")
@LooperMode(LooperMode.Mode.PAUSED)
class AppFlowTest {
    companion object {
        private const val WORKER_PN = "198112289874"
        private lateinit var services: Services

        @BeforeClass
        @JvmStatic
        fun start() {
            services = Services(WORKER_PN)
        }

        @AfterClass
        @JvmStatic
        fun stop() = services.close()
    }

    private fun secure(d: Driver) = d.activity.window.attributes.flags and WindowManager.LayoutParams.FLAG_SECURE != 0

    @Test
    fun `enrol, sign in, consent, record, review, read aloud, approve, citizen signs, sync, receipt`() {
        ShadowLog.clear()
        val mic = FixtureMicrophone(Paths.fixture("en-meeting-60s.wav")).apply { install() }
        val d = Driver().launch()
        shadowOf(d.app).grantPermissions(Manifest.permission.RECORD_AUDIO, Manifest.permission.POST_NOTIFICATIONS)

        // A new phone: enrolment first, with the one-time code.
        d.waitForRoute(Route.Settings)
        assertFalse(secure(d))
        d.type("enrol_url", services.enrollUrl)
        d.type("enrol_code", services.enrollmentCode)
        d.type("enrol_worker", "maja.provsson")
        d.click("enrol")
        d.waitForRoute(Route.SignIn)
        assertNotNull(d.graph.prefs.deviceId)

        // BankID: the animated QR code, BankID's message, "on this phone", then signed in.
        d.click("sign_in")
        assertTrue(d.graph.bankId.qr!!.startsWith("bankid."))
        assertNotNull((d.view("qr") as ImageView).drawable)
        d.click("bankid_same_device")
        val bankIdApp = shadowOf(d.activity).nextStartedActivity
        assertEquals("bankid", bankIdApp.data!!.scheme)
        d.waitFor("an RFA message") { d.graph.bankId.progress?.message != null }
        val frames = mutableSetOf<String>()
        d.waitForRoute(Route.Sessions, 60).also { frames += listOfNotNull(d.graph.bankId.qr) }
        assertNotNull(d.graph.core.signedInUntil())
        assertTrue(d.text("signed_in").startsWith("Inloggad till"))

        // Consent: informed verbally, the meeting in English, the English case-note template.
        d.click("new_session")
        assertEquals(Route.Consent, d.route)
        d.choose("informed", app.samtal.android.core.InformedHow.VERBAL)
        d.choose("language", "en")
        d.choose("template", "en-casenote")
        d.click("consent_given")
        d.waitFor("the recording screen") { d.route is Route.Recording }
        val session = (d.route as Route.Recording).session
        assertTrue(secure(d))

        // The system starts the foreground service; the microphone runs from then on.
        val service = d.runStartedService()
        val notification = shadowOf(service).lastForegroundNotification
        assertEquals("Spelar in ett samtal", notification.extras.getString(Notification.EXTRA_TEXT))

        // Live transcript while recording; the phone is turned mid-meeting.
        d.waitFor("live transcript", 180) { d.graph.recording.segments.size >= 2 }
        val before = d.activity
        d.recreate()
        assertNotEquals(before, d.activity)
        assertTrue("still recording after rotation", d.graph.recording.active)
        assertTrue(secure(d))
        d.waitFor("the whole fixture captured") { mic.exhausted && d.graph.recording.capturedSeconds() > 59.0 }
        // The timer ticks on the main looper, so it may trail the capture by a tick or two.
        d.waitFor("the timer at the fixture's length") { d.text("timer") in setOf("0:59", "1:00") }
        d.click("pause")
        d.waitFor("paused") { d.graph.recording.paused }
        assertEquals(Phase.PAUSED, d.graph.core.session(session).phase)
        d.click("resume")
        d.waitFor("resumed") { !d.graph.recording.paused }
        // The service stayed in the foreground while paused: no new start.
        assertNull(shadowOf(d.app).nextStartedService)
        d.click("stop")
        d.waitForRoute(Route.Review(session))
        assertTrue(secure(d))
        val transcript = d.graph.core.transcript(session)
        assertTrue("a real transcript", transcript.size >= 5)
        assertTrue(transcript.joinToString(" ") { it.text }.contains("library", ignoreCase = true))

        // Review: a citation opens the transcript span, then edit, add, move, delete, mark.
        d.waitFor("the draft") { d.find("unresolved") != null }
        var draft = d.graph.core.document(session)
        // No names entered at consent: the note speaks of "the client".
        assertTrue(d.graph.core.participants(session).isEmpty())
        val drafted = draft.items.map { d.text("item_${it.id}_text") }
        assertTrue(drafted.joinToString("\n"), drafted.any { it.contains("the client", ignoreCase = true) })
        val first = draft.items.first { it.citations.isNotEmpty() }
        d.click("item_${first.id}_source")
        val cited = transcript.first { it.id == first.citations.first() }.text
        assertTrue(d.dialog().isShowing)
        assertTrue(d.dialog().window!!.attributes.flags and WindowManager.LayoutParams.FLAG_SECURE != 0)
        d.answer()
        assertTrue(cited.isNotBlank())

        d.click("item_${first.id}_edit")
        (d.dialogView("edit_field") as EditText).setText("The client has a job interview at the library next Tuesday.")
        d.answer()
        assertEquals("The client has a job interview at the library next Tuesday.", d.text("item_${first.id}_text"))

        val section = draft.sections.first()
        d.click("add_${section.id}")
        (d.dialogView("edit_field") as EditText).setText("The worker will call on Friday.")
        d.answer()
        draft = d.graph.core.document(session)
        val added = draft.items.single { it.text == "The worker will call on Friday." }
        assertEquals(section.id, added.section)

        d.click("item_${added.id}_move")
        d.dialog().listView.performItemClick(null, 0, 0)
        d.idle()
        assertNotEquals(section.id, d.graph.core.document(session).items.single { it.id == added.id }.section)

        val doomed = draft.items.last { it.id != first.id && it.id != added.id }
        d.click("item_${doomed.id}_delete")
        d.answer()
        assertNull(d.find("item_${doomed.id}_text"))

        d.click("mark_all")
        assertEquals("Allt är kontrollerat.", d.text("unresolved"))

        // The citizen's view: large type, read aloud in the note's language, a comment.
        d.click("to_citizen")
        assertEquals(Route.Citizen(session), d.route)
        assertTrue(secure(d))
        ShadowTextToSpeech.addLanguageAvailability(Locale.ENGLISH)
        val tts = ShadowTextToSpeech.getLastTextToSpeechInstance()
        shadowOf(tts).onInitListener.onInit(TextToSpeech.SUCCESS)
        d.click("read_aloud")
        val shown = d.text("citizen_text")
        assertEquals(shown, shadowOf(tts).lastSpokenText)
        assertEquals("en", shadowOf(tts).currentLanguage.language)
        assertTrue(shown.contains("library"))
        d.type("citizen_comment", "I agree. Please call before visiting.")
        d.click("save_comment")
        assertEquals(Route.Review(session), d.route)
        d.waitFor("the comment in review") { d.find("citizen_comment_text") != null }
        assertEquals("I agree. Please call before visiting.", d.text("citizen_comment_text"))

        // Approval: who, and how the citizen took part.
        d.click("to_approve")
        assertEquals("maja.provsson", d.text("approved_by"))
        d.choose("citizen_part", app.samtal.android.core.CitizenPart.REVIEWED_ON_SCREEN)
        d.click("approve")
        assertEquals(Route.CitizenSign(session), d.route)
        assertFalse(secure(d))
        val noteText = d.graph.core.document(session).items.map { it.text }

        // The citizen signs with BankID, then the note is sent and a receipt stays.
        d.click("start_sign")
        assertNotNull(d.find("qr"))
        d.waitFor("the citizen's signature", 60) { d.find("signed") != null }
        d.click("to_outbox")
        assertEquals(Route.Outbox, d.route)
        d.click("sync_now")
        d.waitFor("delivery") { d.graph.core.receipts().isNotEmpty() && d.find("receipt_signed") != null }
        val receipt = d.graph.core.receipts().single()
        assertNotNull(receipt.citizenSignature)
        assertEquals(1, services.dropDir.listFiles()!!.count { it.name.contains(receipt.noteId) })
        assertTrue(d.graph.core.sessions().none { it.id == session })

        // No content in notifications or logs.
        val words = (noteText + transcript.map { it.text }).flatMap { it.split(" ") }.filter { it.length > 6 }.toSet()
        val notifications = shadowOf(d.app.getSystemService(NotificationManager::class.java)).allNotifications + notification
        for (n in notifications) {
            val shownText = listOf(Notification.EXTRA_TITLE, Notification.EXTRA_TEXT, Notification.EXTRA_BIG_TEXT)
                .mapNotNull { n.extras.getCharSequence(it)?.toString() }.joinToString(" ")
            assertTrue("notification shows content: $shownText", words.none { shownText.contains(it) })
        }
        val logged = ShadowLog.getLogs().joinToString("\n") { it.msg ?: "" }
        assertTrue("logs show content", words.none { logged.contains(it) })
        assertTrue(words.size > 10)
    }

    @Test
    fun `a refused microphone explains itself and records nothing`() {
        val d = Driver().launch()
        shadowOf(d.app).denyPermissions(Manifest.permission.RECORD_AUDIO)
        d.graph.nav.go(Route.Consent)
        d.type("worker", "maja.provsson")
        d.click("consent_given")
        val request = shadowOf(d.activity).lastRequestedPermission
        assertTrue(request.requestedPermissions.contains(Manifest.permission.RECORD_AUDIO))
        d.activity.onRequestPermissionsResult(
            request.requestCode, request.requestedPermissions,
            IntArray(request.requestedPermissions.size) { PackageManager.PERMISSION_DENIED },
        )
        d.idle()
        val route = d.route as Route.MicRefused
        assertTrue(d.text("mic_refused").contains("mikrofonen"))
        assertNull(shadowOf(d.app).nextStartedService)
        assertFalse(d.graph.recording.active)
        assertEquals(Phase.CONSENTED, d.graph.core.session(route.session).phase)

        // Still refused on a second try: the same explanation, still nothing recorded.
        d.click("mic_retry")
        val again = shadowOf(d.activity).lastRequestedPermission
        d.activity.onRequestPermissionsResult(again.requestCode, again.requestedPermissions, IntArray(again.requestedPermissions.size) { PackageManager.PERMISSION_DENIED })
        d.idle()
        assertTrue(d.route is Route.MicRefused)

        d.click("mic_discard")
        d.waitForRoute(Route.Sessions)
        assertEquals(Phase.DISCARDED, d.graph.core.session(route.session).phase)
    }

    @Test
    fun `without a model the app opens, settings name what is missing, and a model provisioned later is used`() {
        val d = Driver()
        // A phone the model has not been put on yet.
        val models = File(d.graph.coreSettings.modelsDir)
        models.deleteRecursively()
        d.launch()
        d.waitForRoute(Route.Settings)
        assertEquals(d.activity.getString(R.string.model_missing), d.text("model"))
        val missing = d.graph.core.modelStatus()
        assertTrue("$missing", missing is ModelStatus.Missing && missing.reason.contains("not installed"))

        Paths.linkedModels(models)
        val ready = d.graph.core.modelStatus()
        assertTrue("$ready", ready is ModelStatus.Ready && ready.path.startsWith(models.path))
    }

    @Test
    fun `a recording survives the process being killed and is recovered`() {
        val mic = FixtureMicrophone(Paths.fixture("en-meeting-60s.wav")).apply { install() }
        mic.limit = mic.rate * 25
        val d = Driver().launch()
        shadowOf(d.app).grantPermissions(Manifest.permission.RECORD_AUDIO)
        d.graph.nav.go(Route.Consent)
        d.type("worker", "maja.provsson")
        d.choose("language", "en")
        d.choose("template", "en-casenote")
        d.click("consent_given")
        d.waitFor("recording") { d.route is Route.Recording }
        val session = (d.route as Route.Recording).session
        d.runStartedService()
        d.waitFor("25 s captured") { d.graph.recording.capturedSeconds() >= 24.5 }

        // The process dies: nothing is stopped or flushed, memory is gone.
        d.graph.recording.forget()
        d.graph.close()
        Thread.sleep(500)
        d.app.graph = AppGraph(d.app)
        Paths.linkedModels(File(d.graph.coreSettings.modelsDir))
        d.launch()
        d.waitForRoute(Route.Recording(session))
        assertTrue(d.graph.core.session(session).phase.interrupted)
        d.click("recover")
        d.waitFor("recovered, paused") { d.graph.recording.active && d.graph.recording.paused }
        assertEquals(Phase.PAUSED, d.graph.core.session(session).phase)

        // Continue where it stopped; the rest of the meeting comes in.
        mic.limit = mic.samples.size
        d.click("resume")
        d.runStartedService()
        d.waitFor("the rest captured") { mic.exhausted && d.graph.recording.capturedSeconds() > 59.0 }
        d.click("stop")
        d.waitForRoute(Route.Review(session), 180)
        val segments = d.graph.core.transcript(session)
        assertEquals((1..segments.size).toList(), segments.map { it.id })
        // In recording order across the interruption: nothing lost, nothing transcribed twice.
        assertTrue(
            "segments out of recording order: " + segments.map { "${it.id}@${it.start}-${it.end}" },
            segments.zipWithNext().all { (a, b) -> a.start < b.start },
        )
        assertTrue(segments.last().end > 50.0)
    }
}
