package app.samtal.android.platform

import android.content.Intent
import app.samtal.android.AppGraph
import app.samtal.android.core.ActiveRecording
import app.samtal.android.core.CoreException
import app.samtal.android.core.Segment
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.launch

/**
 * The one recording of the process. It lives outside any activity, so turning the phone or
 * leaving the screen does not touch it; the microphone runs only while [RecordingService]
 * is in the foreground. Capture stretches end at each pause: the core takes audio only
 * while recording.
 */
class RecordingController(private val graph: AppGraph) {
    var sessionId: String? = null
        private set
    var paused = false
        private set

    /** The live transcript of this session, in order (main thread). */
    val segments = mutableListOf<Segment>()

    /** Why capture stopped on its own (the microphone failed), shown by the screen. */
    var failure: CoreException? = null
        private set

    /** Called on the main thread whenever something above changed. */
    var onChange: (() -> Unit)? = null

    private var recording: ActiveRecording? = null
    private var mic: Microphone? = null
    private var capture: Job? = null
    private var foreground = false

    val active get() = recording != null

    suspend fun start(session: String, language: String) {
        val rec = graph.core.startRecording(session, language)
        take(rec, session, paused = false)
        startService()
    }

    /** Picks up a recording a killed process left behind: paused, transcript so far shown. */
    suspend fun recover(session: String, language: String) {
        val rec = graph.core.recoverRecording(session, language)
        take(rec, session, paused = true)
        segments += graph.core.transcript(session)
        changed()
    }

    private fun take(rec: ActiveRecording, session: String, paused: Boolean) {
        recording = rec
        sessionId = session
        this.paused = paused
        failure = null
        segments.clear()
    }

    /** The service is in the foreground: the microphone may run. */
    fun onForeground() {
        foreground = true
        if (recording != null && !paused && capture == null) startCapture()
    }

    suspend fun pause() {
        endCapture()
        recording?.pause()
        paused = true
        RecordingService.update(graph.context, paused = true)
        changed()
    }

    suspend fun resume() {
        recording?.resume()
        paused = false
        if (foreground) {
            startCapture()
            RecordingService.update(graph.context, paused = false)
        } else {
            startService()
        }
        changed()
    }

    /** Stops, waits for the transcript to be finished, and lets go of the microphone. */
    suspend fun stop() {
        endCapture()
        recording?.stop()
        end()
    }

    /** The citizen withdrew consent: everything captured is wiped at once. */
    suspend fun withdraw() {
        endCapture()
        recording?.withdraw()
        end()
    }

    fun capturedSeconds(): Double = recording?.capturedSeconds() ?: 0.0

    /** Lets go of a recording without stopping it (before a wipe). */
    fun forget() {
        mic?.finish()
        capture?.cancel()
        capture = null
        recording?.release()
        end()
    }

    fun onSegment(session: String, segment: Segment) {
        if (session != sessionId) return
        segments += segment
        changed()
    }

    private fun startCapture() {
        val rec = recording ?: return
        val source = try {
            Microphone.open()
        } catch (e: CoreException) {
            failure = e
            changed()
            return
        }
        mic = source
        capture = graph.scope.launch {
            try {
                kotlinx.coroutines.withContext(Dispatchers.IO) { rec.capture(source) }
            } catch (e: CoreException) {
                failure = e
                changed()
            }
        }
    }

    private suspend fun endCapture() {
        mic?.finish()
        capture?.join()
        capture = null
        mic = null
    }

    private fun end() {
        recording?.release()
        recording = null
        sessionId = null
        paused = false
        foreground = false
        segments.clear()
        graph.context.stopService(Intent(graph.context, RecordingService::class.java))
        changed()
    }

    private fun startService() = RecordingService.start(graph.context)

    private fun changed() = onChange?.invoke()
}
