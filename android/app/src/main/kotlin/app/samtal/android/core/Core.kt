package app.samtal.android.core

import app.samtal.ffi.CitizenSignHandle
import app.samtal.ffi.CitizenSignListener
import app.samtal.ffi.CitizenSignResult
import app.samtal.ffi.Config
import app.samtal.ffi.ListenerHandle
import app.samtal.ffi.NoteDraft
import app.samtal.ffi.OutboxListener
import app.samtal.ffi.Samtal
import app.samtal.ffi.SamtalException
import app.samtal.ffi.SignInHandle
import app.samtal.ffi.SignInListener
import app.samtal.ffi.SignInResult
import app.samtal.ffi.TranscriptListener
import app.samtal.ffi.TranscriptSegment
import app.samtal.core.VoiceStatus
import app.samtal.ffi.recommendedQuantization
import app.samtal.core.ReviewChange
import app.samtal.draft.CitizenParticipation
import app.samtal.draft.FlagKind as DraftFlag
import app.samtal.draft.Language
import app.samtal.draft.Participant
import app.samtal.store.ConsentDecision
import app.samtal.store.InformedBy
import app.samtal.store.OutboxStatus
import app.samtal.sync.LoginProgress

/** Where the core keeps its data and which model it runs. */
data class CoreSettings(
    val dataDir: String,
    val modelsDir: String,
    val modelId: String = "whisper-base",
    val quantization: String = recommendedQuantization(),
    val threads: Int = 2,
)

/** The model's state as settings shows it. */
sealed class ModelStatus {
    data class Ready(val path: String) : ModelStatus()
    data class Missing(val reason: String) : ModelStatus()
}

/** Something to cancel: a listener or a running order. */
fun interface Cancellable {
    fun cancel()
}

/**
 * The one door to the core (samtal-ffi). Every generated binding type is converted here,
 * and every `SamtalException` becomes a [CoreException] with a kind the UI can act on.
 */
class Core private constructor(private val samtal: Samtal, private val settings: CoreSettings) : AutoCloseable {
    companion object {
        /** Opens the core and chooses its model; a missing or damaged model still opens (settings show it). */
        fun open(settings: CoreSettings, vault: KeystoreVault): Core = guard {
            val config = Config(settings.dataDir, settings.threads.toUInt(), null, null)
            Core(Samtal.open(config, vault), settings).also { it.modelStatus() }
        }
    }

    fun sessions(): List<SessionInfo> = guard { samtal.sessions().map { it.toApp() } }

    fun session(id: String): SessionInfo = guard { samtal.session(id).toApp() }

    fun templateIds(): List<String> = guard { samtal.templateIds() }

    /**
     * Records the citizen's decision; a refusal ends the session at once. [present]: who takes
     * part besides the worker (`citizen`, `relative`, `interpreter`, `other`), which names the
     * voices speaker attribution finds.
     */
    fun beginSession(
        consent: Boolean,
        informed: InformedHow,
        language: String,
        worker: String,
        present: List<String> = emptyList(),
    ): String = guard {
        val how = when (informed) {
            InformedHow.VERBAL -> InformedBy.VERBAL
            InformedHow.WRITTEN -> InformedBy.WRITTEN
            InformedHow.INTERPRETER -> InformedBy.INTERPRETER
        }
        samtal.beginSession(if (consent) ConsentDecision.GIVEN else ConsentDecision.REFUSED, how, language, worker, present)
    }

    /** Stores who takes part in session [id]; the session's drafts then name them. */
    fun setParticipants(id: String, people: List<Person>) = guard {
        samtal.setParticipants(id, people.map { Participant(it.role, it.name, it.description, it.pronoun) })
    }

    fun participants(id: String): List<Person> = guard {
        samtal.participants(id).map { Person(it.speaker, it.name, it.description, it.pronoun) }
    }

    /** The pronouns a person can be given in [language] ("hon", "han", "hen"), neutral last. */
    fun pronounChoices(language: String): List<String> = app.samtal.ffi.pronounChoices(language)

    suspend fun startRecording(id: String, language: String): ActiveRecording =
        guardSuspend { ActiveRecording(samtal.startRecording(id, spoken(language))) }

    /** Picks up a recording a killed process left behind; it comes back paused. */
    suspend fun recoverRecording(id: String, language: String): ActiveRecording =
        guardSuspend { ActiveRecording(samtal.recoverRecording(id, spoken(language))) }

    fun transcript(id: String): List<Segment> = guard { samtal.transcript(id).map { it.toApp() } }

    suspend fun draft(id: String, template: String): Draft = guardSuspend { samtal.draft(id, template, null).toApp() }

    fun document(id: String): Draft = guard { samtal.document(id).toApp() }

    fun review(id: String, change: Change): Draft = guard { samtal.review(id, change.toFfi()).toApp() }

    fun citizenView(id: String): String = guard { samtal.citizenView(id) }

    /** A person approves; the sealed note is queued. Returns the note id. */
    fun approve(id: String, approvedBy: String, part: CitizenPart): String = guard {
        val role = when (part) {
            CitizenPart.REVIEWED_ON_SCREEN -> CitizenParticipation.REVIEWED_ON_SCREEN
            CitizenPart.DECLINED_TO_REVIEW -> CitizenParticipation.DECLINED_TO_REVIEW
            CitizenPart.NOT_PRESENT -> CitizenParticipation.NOT_PRESENT
        }
        samtal.approve(id, approvedBy, role)
    }

    fun withdraw(id: String) = guard { samtal.withdraw(id) }

    /**
     * Enrols (or re-enrols) the worker's voice from [input]: the worker reads [enrolmentText]
     * aloud for about 30 s. Only voice statistics are kept, sealed in the store.
     */
    suspend fun enrollVoice(input: PcmSource): VoiceProfileStatus =
        guardSuspend { samtal.enrollVoice(AudioInputBridge(input)).toApp() }

    fun voiceStatus(): VoiceProfileStatus = guard { samtal.voiceStatus().toApp() }

    /** Deletes the voice profile; false if none was enrolled. */
    fun deleteVoice(): Boolean = guard { samtal.deleteVoice() }

    /** The text to read aloud when enrolling (`sv`, `da` or `en`). */
    fun enrolmentText(language: String): String = guard { app.samtal.ffi.enrolmentText(language) }

    fun discard(id: String) = guard { samtal.discard(id) }

    /** Enrolls the phone with the one-time code; returns the device id. */
    suspend fun enroll(url: String, code: String): String = guardSuspend { samtal.enroll(url, code).deviceId }

    fun signIn(sameDevice: Boolean, language: String, listener: BankIdListener): BankIdOrder = guard {
        val handle = samtal.signIn(sameDevice, language, object : SignInListener {
            override fun onProgress(progress: LoginProgress) = listener.onProgress(progress.toApp())
            override fun onFinished(result: SignInResult) = listener.onFinished(
                when (result) {
                    is SignInResult.SignedIn -> BankIdOutcome.Done(result.expiresAtMs, null)
                    is SignInResult.Cancelled -> BankIdOutcome.Cancelled
                    is SignInResult.Failed -> BankIdOutcome.Failed(result.message)
                },
            )
        })
        order(handle)
    }

    /** The citizen signs the approved note with their own BankID. */
    fun citizenSign(id: String, sameDevice: Boolean, language: String, listener: BankIdListener): BankIdOrder = guard {
        val handle = samtal.citizenSign(id, sameDevice, language, object : CitizenSignListener {
            override fun onProgress(progress: LoginProgress) = listener.onProgress(progress.toApp())
            override fun onFinished(result: CitizenSignResult) = listener.onFinished(
                when (result) {
                    is CitizenSignResult.Signed -> BankIdOutcome.Done(null, result.signatureSha256)
                    is CitizenSignResult.Cancelled -> BankIdOutcome.Cancelled
                    is CitizenSignResult.Failed -> BankIdOutcome.Failed(result.message)
                },
            )
        })
        order(handle)
    }

    fun signedInUntil(): Long? = guard { samtal.signedInUntil() }

    fun signOut() = guard { samtal.signOut() }

    suspend fun syncNow(): SyncSummary = guardSuspend {
        samtal.syncNow().let { SyncSummary(it.delivered.toInt(), it.rejected.toInt(), it.retryLater.toInt()) }
    }

    fun outbox(): List<OutboxEntry> = guard { samtal.outbox().map { it.toApp() } }

    fun receipts(): List<Receipt> = guard {
        samtal.receipts().map { Receipt(it.noteId, it.receivedAt, it.contentHash, it.citizenSignature) }
    }

    /** Live transcript segments, on Samtal's threads. */
    fun observeTranscript(onSegment: (String, Segment) -> Unit): Cancellable =
        handle(samtal.observeTranscript(object : TranscriptListener {
            override fun onSegment(sessionId: String, segment: TranscriptSegment) = onSegment(sessionId, segment.toApp())
        }))

    /** Delivery statuses after each sync, on Samtal's threads. */
    fun observeOutbox(onStatus: (OutboxEntry) -> Unit): Cancellable =
        handle(samtal.observeOutbox(object : OutboxListener {
            override fun onStatus(item: app.samtal.store.OutboxEntry) = onStatus(item.toApp())
        }))

    /**
     * Checks the model and records with it from the next recording on; it is hashed again only
     * when no record sealed with this app's key shows the file unchanged. A missing or damaged
     * file is named in the reason, and nothing can be recorded until it checks out.
     */
    fun modelStatus(): ModelStatus = try {
        ModelStatus.Ready(guard { samtal.useInstalledModel(settings.modelsDir, settings.modelId, settings.quantization) })
    } catch (e: CoreException) {
        ModelStatus.Missing(e.message ?: "")
    }

    /** Removes every local trace: store, spool, sign-in and keys. Close this object after. */
    fun wipe() = guard { samtal.wipe() }

    override fun close() = samtal.close()

    private fun handle(h: ListenerHandle) = Cancellable { h.cancel(); h.close() }

    private fun order(h: SignInHandle) = object : BankIdOrder {
        override val autoStartUrl = h.autoStartUrl()
        override val firstQr = h.firstQr()
        override fun cancel() = h.cancel()
    }

    private fun order(h: CitizenSignHandle) = object : BankIdOrder {
        override val autoStartUrl = h.autoStartUrl()
        override val firstQr = h.firstQr()
        override fun cancel() = h.cancel()
    }
}

/** One session's recording, shared by the capture thread and the screen. */
class ActiveRecording internal constructor(private val recording: app.samtal.ffi.Recording) {
    val sessionId: String get() = recording.sessionId()

    /** Reads the capture until it ends (it resamples and downmixes as needed). */
    suspend fun capture(input: PcmSource) = guardSuspend { recording.capture(AudioInputBridge(input)) }

    fun capturedSeconds(): Double = guard { recording.capturedSeconds() }

    fun pause() = guard { recording.pause() }

    fun resume() = guard { recording.resume() }

    /** Stops, finishes the transcription and shreds all audio. */
    suspend fun stop() = guardSuspend { recording.stop() }

    /** The citizen withdrew consent: everything captured is wiped at once. */
    fun withdraw() = guard { recording.withdraw() }

    /** Lets go of the recording without stopping it (what a killed process leaves). */
    fun release() = recording.close()
}

/** Audio the shell captures: interleaved float blocks in its own rate and channels. */
interface PcmSource {
    val sampleRate: Int
    val channels: Int

    /** The next block (may be empty while waiting); null when capture has ended. */
    fun read(): FloatArray?
}

private class AudioInputBridge(private val source: PcmSource) : app.samtal.ffi.AudioInput {
    override fun sampleRate(): UInt = source.sampleRate.toUInt()
    override fun channels(): UShort = source.channels.toUShort()
    override fun read(): List<Float>? = try {
        source.read()?.asList()
    } catch (e: CoreException) {
        throw SamtalException.Platform(e.message ?: "capture failed")
    }
}

internal inline fun <T> guard(block: () -> T): T = try {
    block()
} catch (e: SamtalException) {
    throw e.toApp()
}

internal suspend inline fun <T> guardSuspend(crossinline block: suspend () -> T): T = try {
    block()
} catch (e: SamtalException) {
    throw e.toApp()
}

private fun SamtalException.toApp(): CoreException {
    val kind = when (this) {
        is SamtalException.InvalidInput -> ErrorKind.INVALID_INPUT
        is SamtalException.NotAllowed -> ErrorKind.NOT_ALLOWED
        is SamtalException.Model -> ErrorKind.MODEL
        is SamtalException.Audio -> ErrorKind.AUDIO
        is SamtalException.Storage -> ErrorKind.STORAGE
        is SamtalException.Network -> ErrorKind.NETWORK
        is SamtalException.NotEnrolled -> ErrorKind.NOT_ENROLLED
        is SamtalException.SignInRequired -> ErrorKind.SIGN_IN_REQUIRED
        is SamtalException.Refused -> ErrorKind.REFUSED
        is SamtalException.Cancelled -> ErrorKind.CANCELLED
        is SamtalException.Platform -> ErrorKind.PLATFORM
    }
    // UniFFI renders the error's one field as `reason=…`; the reason alone is the message.
    return CoreException(kind, (message ?: kind.name).removePrefix("reason="))
}

/** The spoken language by its code; anything else lets recognition detect it. */
private fun spoken(language: String): Language? = when (language) {
    "sv" -> Language.SV
    "da" -> Language.DA
    "en" -> Language.EN
    else -> null
}

private fun app.samtal.store.SessionInfo.toApp() = SessionInfo(
    id, Phase.valueOf(state.name), createdAt, capturedSeconds, segments.toLong(), hasDraft,
)

private fun TranscriptSegment.toApp() = Segment(
    id.toInt(), startSeconds, endSeconds, text, confidence, speaker,
    voice?.toInt(), speakerConfidence, speakerUnsure,
)

private fun VoiceStatus.toApp() = VoiceProfileStatus(enrolled, enrolledAt, speechSeconds, needsReenrolment)

private fun LoginProgress.toApp() = BankIdProgress(status, hintCode, rfa, message, qrData)

private fun app.samtal.store.OutboxEntry.toApp() = OutboxEntry(
    noteId, sessionId,
    when (status) {
        OutboxStatus.QUEUED -> Delivery.QUEUED
        OutboxStatus.SENDING -> Delivery.SENDING
        OutboxStatus.DELIVERED -> Delivery.DELIVERED
        OutboxStatus.REJECTED -> Delivery.REJECTED
    },
    attempts.toInt(), reason,
)

private fun NoteDraft.toApp() = Draft(
    template, language, version.toInt(),
    sections.map { Section(it.id, it.label) },
    items.map { item ->
        Item(
            item.id.toInt(), item.section, item.text, item.citedSegments.map { it.toInt() },
            item.flags.map { f ->
                val kind = when (f.reason) {
                    DraftFlag.LOW_CONFIDENCE -> FlagKind.LOW_CONFIDENCE
                    DraftFlag.UNSUPPORTED -> FlagKind.UNSUPPORTED
                    DraftFlag.EDITED -> FlagKind.EDITED
                    DraftFlag.ADDED_BY_WORKER -> FlagKind.ADDED_BY_WORKER
                }
                Flag(kind, f.blocksApproval, f.resolved)
            },
            item.reviewed,
        )
    },
    citizenComment, unresolved.toInt(), approved,
)

private fun Change.toFfi(): ReviewChange = when (this) {
    is Change.MarkReviewed -> ReviewChange.MarkReviewed(items.map { it.toUInt() })
    Change.MarkAllReviewed -> ReviewChange.MarkAllReviewed
    is Change.Edit -> ReviewChange.Edit(item.toUInt(), text)
    is Change.Add -> ReviewChange.Add(section, text)
    is Change.Delete -> ReviewChange.Delete(item.toUInt())
    is Change.Move -> ReviewChange.Move(item.toUInt(), section)
    is Change.CitizenComment -> ReviewChange.CitizenComment(text)
    is Change.RelabelSegments -> ReviewChange.RelabelSegments(segments.map { it.toUInt() }, speaker)
    is Change.RelabelVoice -> ReviewChange.RelabelVoice(voice.toUInt(), speaker)
}
