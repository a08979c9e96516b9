package app.samtal.android

import android.app.AlertDialog
import android.content.DialogInterface
import android.os.Looper
import android.view.View
import android.widget.EditText
import android.widget.RadioButton
import android.widget.RadioGroup
import android.widget.TextView
import app.samtal.android.platform.RecordingService
import app.samtal.android.ui.MainActivity
import app.samtal.android.ui.Route
import app.samtal.ffi.Paths
import org.junit.Assert.assertEquals
import org.junit.Assert.fail
import org.robolectric.Robolectric
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.android.controller.ActivityController
import org.robolectric.shadows.ShadowAudioRecord
import org.robolectric.shadows.ShadowDialog
import java.io.File
import javax.sound.sampled.AudioSystem

/** Drives the app through its own screens, as a person would: by tags on the views. */
class Driver {
    val app = RuntimeEnvironment.getApplication() as SamtalApp
    val graph get() = app.graph
    lateinit var controller: ActivityController<MainActivity>
    val activity: MainActivity get() = controller.get()
    val route: Route get() = graph.nav.current

    init {
        TestKeystore.install()
        // The recogniser's model linked into the app's own models directory (the shared cache
        // is only read); everything else in the app's own files.
        Paths.linkedModels(File(graph.coreSettings.modelsDir))
    }

    fun launch(): Driver {
        controller = Robolectric.buildActivity(MainActivity::class.java).setup()
        idle()
        return this
    }

    fun idle() = shadowOf(Looper.getMainLooper()).idle()

    /** Lets the main thread run until `done`, as the real looper would. */
    fun waitFor(what: String, seconds: Int = 60, done: () -> Boolean) {
        val deadline = System.nanoTime() + seconds * 1_000_000_000L
        while (System.nanoTime() < deadline) {
            idle()
            if (done()) return
            Thread.sleep(25)
        }
        val shown = (ShadowDialog.getLatestDialog() as? AlertDialog)?.takeIf { it.isShowing }
            ?.let { shadowOf(it).message?.toString() ?: "" }
        val rec = graph.recording
        val stored = rec.sessionId?.let { runCatching { graph.core.transcript(it).size }.getOrNull() }
        val state = "recording active=${rec.active} paused=${rec.paused} failure=${rec.failure?.message} " +
            "captured=${runCatching { rec.capturedSeconds() }.getOrNull()} s, live ${rec.segments.size} and stored $stored segments"
        fail("timed out waiting for $what (at $route; $state)" + (shown?.let { "; the app shows: $it" } ?: ""))
    }

    fun waitForRoute(expected: Route, seconds: Int = 60) = waitFor("$expected", seconds) { route == expected }

    fun find(tag: String): View? = activity.window.decorView.findViewWithTag(tag)

    fun view(tag: String): View = find(tag) ?: throw AssertionError("no view `$tag` on $route")

    fun click(tag: String) {
        val v = view(tag)
        check(v.isEnabled) { "`$tag` is disabled" }
        v.performClick()
        idle()
    }

    fun type(tag: String, text: String) = (view(tag) as EditText).setText(text)

    fun text(tag: String): String = (view(tag) as TextView).text.toString()

    fun choose(group: String, key: Any) {
        val g = view(group) as RadioGroup
        g.check(g.findViewWithTag<RadioButton>(key).id)
    }

    fun dialog(): AlertDialog = ShadowDialog.getLatestDialog() as AlertDialog

    fun dialogView(tag: String): View = dialog().window!!.decorView.findViewWithTag(tag)

    fun answer(which: Int = DialogInterface.BUTTON_POSITIVE) {
        dialog().getButton(which).performClick()
        idle()
    }

    /** Android starts the recording service the app asked for; here the test does. */
    fun runStartedService(): RecordingService {
        val intent = shadowOf(app).nextStartedService ?: error("the app started no service")
        assertEquals(RecordingService::class.java.name, intent.component!!.className)
        return Robolectric.buildService(RecordingService::class.java, intent).create().startCommand(0, 1).get()
    }

    fun recreate() {
        controller.recreate()
        idle()
    }
}

/**
 * The microphone as AudioRecord delivers it: a WAV file's 16-bit samples, shared by every
 * AudioRecord the app opens (a resumed capture goes on where the last one ended), up to
 * `limit` samples; past that, reads return nothing, as a quiet device would before data.
 */
class FixtureMicrophone(file: File) : ShadowAudioRecord.AudioRecordSource {
    val samples: ShortArray
    val rate: Int

    @Volatile
    var limit: Int

    @Volatile
    var position = 0
        private set

    init {
        AudioSystem.getAudioInputStream(file).use { s ->
            rate = s.format.sampleRate.toInt()
            check(s.format.channels == 1 && s.format.sampleSizeInBits == 16) { "expected 16-bit mono" }
            val bytes = s.readAllBytes()
            samples = ShortArray(bytes.size / 2) { i ->
                ((bytes[2 * i + 1].toInt() shl 8) or (bytes[2 * i].toInt() and 0xff)).toShort()
            }
        }
        limit = samples.size
    }

    val exhausted get() = position >= samples.size

    fun install() = ShadowAudioRecord.setSourceProvider { this }

    @Synchronized
    override fun readInShortArray(audioData: ShortArray, offsetInShorts: Int, sizeInShorts: Int, isBlocking: Boolean): Int {
        val n = minOf(sizeInShorts, limit - position)
        if (n <= 0) return 0
        System.arraycopy(samples, position, audioData, offsetInShorts, n)
        position += n
        return n
    }
}
