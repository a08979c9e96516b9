package app.samtal.android.core

/**
 * The app's own view of the core's data. Screens use only these types, so a change in the
 * generated bindings (package app.samtal.ffi) is absorbed in this package alone.
 */
enum class Phase {
    CREATED, CONSENTED, RECORDING, PAUSED, STOPPED, TRANSCRIBED, DRAFTED, IN_REVIEW,
    APPROVED, QUEUED, SYNCED, PURGED, WITHDRAWN, DISCARDED;

    /** A recording that a killed process left behind and `recover` can pick up. */
    val interrupted get() = this == RECORDING || this == PAUSED || this == STOPPED
}

/** How the citizen was told about the recording before deciding. */
enum class InformedHow { VERBAL, WRITTEN, INTERPRETER }

/** How the citizen took part in the review. */
enum class CitizenPart { REVIEWED_ON_SCREEN, DECLINED_TO_REVIEW, NOT_PRESENT }

enum class Delivery { QUEUED, SENDING, DELIVERED, REJECTED }

/**
 * One person present besides the worker, as the worker entered them at consent, so the draft
 * can name them ("Anna berättar att hon …"). Every field but the role may be empty.
 */
data class Person(
    /** `citizen`, `relative`, `interpreter` or `other`. */
    val role: String,
    val name: String? = null,
    /** A relative's relation ("dotter"). */
    val description: String? = null,
    /** One of [Core.pronounChoices] for the meeting's language; null: neutral. */
    val pronoun: String? = null,
)

/** A session as listed: state, time and counts, never content. */
data class SessionInfo(
    val id: String,
    val phase: Phase,
    val createdAtMs: Long,
    val capturedSeconds: Double,
    val segments: Long,
    val hasDraft: Boolean,
)

/** A final piece of transcript; `speaker` is set once speaker attribution exists. */
data class Segment(
    val id: Int,
    val start: Double,
    val end: Double,
    val text: String,
    val confidence: Float,
    /** `worker`, `citizen`, `relative`, `interpreter` or `other`; set when recording stops. */
    val speaker: String?,
    /** The voice within the session (0 is the worker's), to relabel a voice throughout. */
    val voice: Int? = null,
    /** How sure attribution was of the speaker (0–1); 1 once the worker set it. */
    val speakerConfidence: Float? = null,
    /** The speaker should be checked by the worker. */
    val speakerUnsure: Boolean = false,
)

/** The worker's voice profile, as the settings screen shows it. */
data class VoiceProfileStatus(
    val enrolled: Boolean,
    val enrolledAtMs: Long?,
    val speechSeconds: Double?,
    val needsReenrolment: Boolean,
)

enum class FlagKind { LOW_CONFIDENCE, UNSUPPORTED, EDITED, ADDED_BY_WORKER }

data class Flag(val kind: FlagKind, val blocksApproval: Boolean, val resolved: Boolean)

data class Item(
    val id: Int,
    val section: String,
    val text: String,
    val citations: List<Int>,
    val flags: List<Flag>,
    val reviewed: Boolean,
)

data class Section(val id: String, val label: String)

/** The draft or approved note as review shows it. */
data class Draft(
    val template: String,
    val language: String,
    val version: Int,
    val sections: List<Section>,
    val items: List<Item>,
    val citizenComment: String?,
    val unresolved: Int,
    val approved: Boolean,
)

/** A change made while reviewing. */
sealed class Change {
    data class MarkReviewed(val items: List<Int>) : Change()
    data object MarkAllReviewed : Change()
    data class Edit(val item: Int, val text: String) : Change()
    data class Add(val section: String, val text: String) : Change()
    data class Delete(val item: Int) : Change()
    data class Move(val item: Int, val section: String) : Change()
    data class CitizenComment(val text: String) : Change()
    /** Who said these segments; the note is drafted again from the corrected labels. */
    data class RelabelSegments(val segments: List<Int>, val speaker: String) : Change()
    /** As [RelabelSegments] for every segment of one voice. */
    data class RelabelVoice(val voice: Int, val speaker: String) : Change()
}

data class OutboxEntry(
    val noteId: String,
    val sessionId: String,
    val status: Delivery,
    val attempts: Int,
    val reason: String?,
)

data class Receipt(
    val noteId: String,
    val receivedAtMs: Long,
    val contentHash: String,
    val citizenSignature: String?,
)

data class SyncSummary(val delivered: Int, val rejected: Int, val retryLater: Int)

/** One BankID progress report: BankID's message (RFA) and the QR frame to draw. */
data class BankIdProgress(
    val status: String,
    val hintCode: String?,
    val rfa: String?,
    val message: String?,
    val qrData: String?,
)

/** How a BankID order (worker sign-in or citizen signature) ended. */
sealed class BankIdOutcome {
    data class Done(val expiresAtMs: Long?, val signatureSha256: String?) : BankIdOutcome()
    data object Cancelled : BankIdOutcome()
    data class Failed(val message: String) : BankIdOutcome()
}

/** Receives BankID progress on Samtal's threads; the screen hops to the UI thread. */
interface BankIdListener {
    fun onProgress(progress: BankIdProgress)
    fun onFinished(outcome: BankIdOutcome)
}

/** A running BankID order. */
interface BankIdOrder {
    val autoStartUrl: String
    val firstQr: String
    fun cancel()
}

/** What the UI can do about an error; the message is safe to show (no content). */
enum class ErrorKind {
    INVALID_INPUT, NOT_ALLOWED, MODEL, AUDIO, STORAGE, NETWORK, NOT_ENROLLED,
    SIGN_IN_REQUIRED, REFUSED, CANCELLED, PLATFORM,
}

class CoreException(val kind: ErrorKind, message: String) : Exception(message)
