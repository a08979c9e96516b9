package app.samtal.android

import android.content.Context
import android.os.Handler
import android.os.Looper
import app.samtal.android.core.Cancellable
import app.samtal.android.core.Core
import app.samtal.android.core.CoreSettings
import app.samtal.android.core.KeystoreVault
import app.samtal.android.platform.BankIdFlow
import app.samtal.android.platform.RecordingController
import app.samtal.android.ui.Navigator
import kotlinx.coroutines.MainScope
import java.io.File

/**
 * What lives as long as the process: the core, the recording, where the UI is and the
 * few settings the app keeps. Activities come and go (rotation, the recents screen) and
 * read everything from here.
 */
class AppGraph(val context: Context) {
    val scope = MainScope()
    val main = Handler(Looper.getMainLooper())
    val prefs = Prefs(context)
    val nav = Navigator()
    val vault = KeystoreVault(File(context.noBackupFilesDir, "keys"))

    /** Where the core keeps data and finds its model; the model is provisioned by the municipality. */
    var coreSettings = CoreSettings(
        dataDir = File(context.noBackupFilesDir, "samtal").path,
        modelsDir = File(context.noBackupFilesDir, "models").path,
    )

    private var opened: Core? = null
    private var transcriptFeed: Cancellable? = null
    val recording = RecordingController(this)
    val bankId = BankIdFlow()

    /** The session waiting for the microphone permission, across activity recreation. */
    var pendingMicSession: String? = null

    /** The core, opened on first use (the encrypted store needs the vault's key). */
    val core: Core
        get() = opened ?: Core.open(coreSettings, vault).also { core ->
            opened = core
            transcriptFeed = core.observeTranscript { session, segment ->
                main.post { recording.onSegment(session, segment) }
            }
        }

    /** Removes every local trace: store, spool, sign-in, keys and settings. */
    fun wipe() {
        recording.forget()
        core.wipe()
        close()
        vault.destroy()
        prefs.clear()
    }

    /** Lets go of the core (as a killed process would). */
    fun close() {
        transcriptFeed?.cancel()
        transcriptFeed = null
        opened?.close()
        opened = null
    }
}

/** The app's few settings; never content (no names of citizens, no text). */
class Prefs(context: Context) {
    private val p = context.getSharedPreferences("samtal", Context.MODE_PRIVATE)

    var worker: String
        get() = p.getString("worker", "") ?: ""
        set(v) = p.edit().putString("worker", v).apply()

    var deviceId: String?
        get() = p.getString("device", null)
        set(v) = p.edit().putString("device", v).apply()

    var endpoint: String
        get() = p.getString("endpoint", "") ?: ""
        set(v) = p.edit().putString("endpoint", v).apply()

    /** The meeting language and template of a session, needed again after a restart. */
    fun language(session: String): String = p.getString("lang.$session", "sv") ?: "sv"

    fun template(session: String): String? = p.getString("template.$session", null)

    fun remember(session: String, language: String, template: String) =
        p.edit().putString("lang.$session", language).putString("template.$session", template).apply()

    fun forget(session: String) = p.edit().remove("lang.$session").remove("template.$session").apply()

    fun clear() = p.edit().clear().apply()
}
