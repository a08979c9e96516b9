package app.samtal.ffi

import app.samtal.draft.CitizenParticipation
import app.samtal.draft.FlagKind
import app.samtal.draft.Language
import app.samtal.draft.Participant
import app.samtal.core.ReviewChange
import app.samtal.store.ConsentDecision
import app.samtal.store.InformedBy
import app.samtal.store.OutboxEntry
import app.samtal.store.OutboxStatus
import app.samtal.store.SessionState
import app.samtal.sync.LoginProgress
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.util.Collections
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit

/** The whole flow of a meeting, driven from Kotlin through the generated bindings. */
class FlowTest {
    private val worker = "maja.provsson"
    private val workerPersonalNumber = "198112289874" // a BankID test personal number

    private fun config(dir: File) = Config(dir.path, 2u, null, null)

    @Test
    fun `consent, record, review, approve, sign in, sync, receipt, purge`(@TempDir dir: File) = runBlocking {
        Services(workerPersonalNumber).use { services ->
            val vault = MemoryVault()
            Samtal.open(config(dir), vault).use { samtal ->
                val model = samtal.useInstalledModel(Paths.linkedModels(File(dir, "models")), "whisper-base", "q8_0")
                assertTrue(model.endsWith("whisper-base-q8_0.bin"), model)
                val live = Collections.synchronizedList(mutableListOf<TranscriptSegment>())
                val phases = Collections.synchronizedList(mutableListOf<SessionState>())
                val outbox = Collections.synchronizedList(mutableListOf<OutboxEntry>())
                // Handles are kept: dropping one cancels its listener.
                val transcriptHandle = samtal.observeTranscript(object : TranscriptListener {
                    override fun onSegment(sessionId: String, segment: TranscriptSegment) {
                        live += segment
                    }
                })
                val sessionsHandle = samtal.observeSessions(object : SessionListener {
                    override fun onPhase(sessionId: String, state: SessionState) {
                        phases += state
                    }
                })
                val outboxHandle = samtal.observeOutbox(object : OutboxListener {
                    override fun onStatus(item: OutboxEntry) {
                        outbox += item
                    }
                })

                // Consent, then the fixture recorded through the shell's capture hook.
                val session = samtal.beginSession(ConsentDecision.GIVEN, InformedBy.VERBAL, "en", worker, emptyList())
                val recording = samtal.startRecording(session, Language.EN)
                recording.capture(WavInput(Paths.fixture("en-meeting-60s.wav")))
                assertTrue(recording.capturedSeconds() > 59.0)
                recording.stop()
                val transcript = samtal.transcript(session)
                assertTrue(transcript.size >= 5, "expected a real transcript, got ${transcript.size} segments")
                assertEquals(transcript.map { it.text }, live.map { it.text }, "live segments are the stored transcript")
                assertTrue(transcript.joinToString(" ") { it.text }.contains("library", ignoreCase = true))
                assertEquals(SessionState.TRANSCRIBED, samtal.session(session).state)

                // Who took part, as entered at consent, names the citizen in the draft.
                samtal.setParticipants(session, listOf(Participant("citizen", "Selma", null, "she")))
                assertEquals("Selma", samtal.participants(session).single().name)

                // Draft, review with the citizen, approve.
                var draft = samtal.draft(session, "en-casenote", "office visit")
                assertTrue(draft.items.isNotEmpty())
                assertTrue(draft.items.any { it.text.contains("Selma") }, draft.items.joinToString("\n") { it.text })
                assertTrue(draft.items.all { it.citedSegments.isNotEmpty() || it.flags.any { f -> f.reason == FlagKind.UNSUPPORTED } })
                val first = draft.items.first()
                draft = samtal.review(session, ReviewChange.Edit(first.id, "The client has a job interview at the library next Tuesday."))
                assertTrue(draft.items.first { it.id == first.id }.flags.any { it.reason == FlagKind.EDITED })
                draft = samtal.review(session, ReviewChange.MarkAllReviewed)
                assertEquals(0u, draft.unresolved)
                samtal.review(session, ReviewChange.CitizenComment("I agree. Please call before visiting."))
                assertTrue(samtal.citizenView(session).contains("Please call before visiting"))
                val noteId = samtal.approve(session, worker, CitizenParticipation.REVIEWED_ON_SCREEN)
                assertTrue(samtal.document(session).approved)
                assertEquals(OutboxStatus.QUEUED, samtal.outbox().single().status)

                // Nothing leaves without a signed-in worker.
                val enrollment = samtal.enroll(services.enrollUrl, services.enrollmentCode)
                assertTrue(enrollment.deviceId.isNotBlank())
                assertThrows<SamtalException.SignInRequired> { runBlocking { samtal.syncNow() } }
                assertEquals(OutboxStatus.QUEUED, samtal.outbox().single().status)

                // BankID sign-in with QR frames from the simulator.
                val reports = Collections.synchronizedList(mutableListOf<LoginProgress>())
                val finished = CompletableFuture<SignInResult>()
                val handle = samtal.signIn(false, "en", object : SignInListener {
                    override fun onProgress(progress: LoginProgress) {
                        reports += progress
                    }
                    override fun onFinished(result: SignInResult) {
                        finished.complete(result)
                    }
                })
                assertTrue(handle.firstQr().startsWith("bankid."))
                val result = finished.get(60, TimeUnit.SECONDS)
                assertTrue(result is SignInResult.SignedIn, "sign-in ended with $result")
                assertTrue(reports.any { it.status == "pending" && it.qrData?.startsWith("bankid.") == true })
                assertNotNull(samtal.signedInUntil())

                // The citizen signs the approved note with their own BankID (QR for their phone).
                val signed = CompletableFuture<CitizenSignResult>()
                val signing = samtal.citizenSign(session, false, "sv", object : CitizenSignListener {
                    override fun onProgress(progress: LoginProgress) {}
                    override fun onFinished(result: CitizenSignResult) {
                        signed.complete(result)
                    }
                })
                assertEquals(noteId, signing.noteId())
                assertTrue(signing.firstQr().startsWith("bankid."))
                val signature = signed.get(60, TimeUnit.SECONDS)
                assertTrue(signature is CitizenSignResult.Signed, "citizen signing ended with $signature")

                // Sync, receipt, purge.
                val sync = samtal.syncNow()
                assertEquals(1u, sync.delivered)
                val receipt = samtal.receipts().single()
                assertEquals(noteId, receipt.noteId)
                assertEquals((signature as CitizenSignResult.Signed).signatureSha256, receipt.citizenSignature)
                assertEquals(OutboxStatus.DELIVERED, outbox.last { it.noteId == noteId }.status)
                // Only the receipt stays on the phone: the session and its transcript are gone.
                assertTrue(samtal.sessions().none { it.id == session })
                assertThrows<SamtalException.InvalidInput> { samtal.transcript(session) }
                assertEquals(1, services.dropDir.listFiles()!!.count { it.name.contains(noteId) })
                assertTrue(phases.containsAll(listOf(SessionState.CONSENTED, SessionState.RECORDING, SessionState.TRANSCRIBED, SessionState.DRAFTED, SessionState.QUEUED)))

                listOf(transcriptHandle, sessionsHandle, outboxHandle).forEach { it.close() }
                samtal.signOut()
                assertEquals(null, samtal.signedInUntil())
                samtal.wipe()
                assertFalse(vault.aliases().any { it == "samtal-db" }, "wipe removes the database key")
                assertFalse(vault.aliases().any { it == "samtal-model-seal" }, "and the model seal key")
            }
        }
    }

    @Test
    fun `errors from Rust arrive as Kotlin exceptions with useful messages`(@TempDir dir: File) = runBlocking {
        Samtal.open(config(dir), MemoryVault()).use { samtal ->
            val missing = assertThrows<SamtalException.Model> {
                samtal.useInstalledModel(File(dir, "no-models").path, "whisper-base", "q8_0")
            }
            assertTrue(missing.message!!.contains("not installed"), missing.message)
            val quantization = assertThrows<SamtalException.InvalidInput> {
                samtal.useInstalledModel(File(dir, "no-models").path, "whisper-base", "q9")
            }
            assertTrue(quantization.message!!.contains("q5_0"), quantization.message)
            val bad = assertThrows<SamtalException.InvalidInput> { samtal.session("not-a-session") }
            assertTrue(bad.message!!.contains("session id"), bad.message)

            val session = samtal.beginSession(ConsentDecision.GIVEN, InformedBy.WRITTEN, "sv", "worker-1", emptyList())
            val model = assertThrows<SamtalException.Model> {
                runBlocking { samtal.startRecording(session, Language.SV) }
            }
            assertTrue(model.message!!.contains("nothing can be recorded"), model.message)

            assertEquals(listOf("han", "hon", "hen"), pronounChoices("sv"))
            val pronoun = assertThrows<SamtalException.InvalidInput> {
                samtal.setParticipants(session, listOf(Participant("citizen", "Selma", null, "she")))
            }
            assertTrue(pronoun.message!!.contains("han, hon, hen") && !pronoun.message!!.contains("Selma"), pronoun.message)
            assertTrue(samtal.participants(session).isEmpty())

            val notTranscribed = assertThrows<SamtalException> { runBlocking { samtal.draft(session, "sv-socialtjanst-journal", null) } }
            assertTrue(notTranscribed.message!!.isNotBlank())

            val unknownTemplate = assertThrows<SamtalException.InvalidInput> {
                runBlocking { samtal.draft(session, "no-such-template", null) }
            }
            assertTrue(unknownTemplate.message!!.contains("template"), unknownTemplate.message)

            val refused = samtal.beginSession(ConsentDecision.REFUSED, InformedBy.VERBAL, "sv", "worker-1", emptyList())
            assertEquals(SessionState.DISCARDED, samtal.session(refused).state)

            assertThrows<SamtalException.NotEnrolled> { runBlocking { samtal.syncNow() } }
        }
        val locked = assertThrows<SamtalException.Platform> { Samtal.open(config(File(dir, "other")), BrokenVault()) }
        assertTrue(locked.message!!.contains("keystore is locked"), locked.message)
    }

    @Test
    fun `a cancelled listener hears nothing more`(@TempDir dir: File) {
        Samtal.open(config(dir), MemoryVault()).use { samtal ->
            val cancelled = Collections.synchronizedList(mutableListOf<SessionState>())
            val kept = Collections.synchronizedList(mutableListOf<SessionState>())
            val handle = samtal.observeSessions(object : SessionListener {
                override fun onPhase(sessionId: String, state: SessionState) {
                    cancelled += state
                }
            })
            val keptHandle = samtal.observeSessions(object : SessionListener {
                override fun onPhase(sessionId: String, state: SessionState) {
                    kept += state
                }
            })
            val session = samtal.beginSession(ConsentDecision.GIVEN, InformedBy.VERBAL, "da", "nurse-1", emptyList())
            handle.cancel()
            samtal.discard(session)
            assertEquals(listOf(SessionState.CONSENTED), cancelled.toList())
            assertEquals(listOf(SessionState.CONSENTED, SessionState.DISCARDED), kept.toList())
            keptHandle.close()
        }
    }

    @Test
    fun `objects are released across 1000 create and destroy cycles`(@TempDir dir: File) {
        fun rssKb() = File("/proc/self/status").readLines().first { it.startsWith("VmRSS:") }
            .split(Regex("\\s+"))[1].toLong()
        val vault = MemoryVault()
        val listener = object : SessionListener {
            override fun onPhase(sessionId: String, state: SessionState) {}
        }
        fun cycle() {
            Samtal.open(config(dir), vault).use { samtal ->
                samtal.observeSessions(listener).use { it.cancel() }
                samtal.templateIds()
            }
        }
        fun openFiles() = File("/proc/self/fd").list()!!.size
        repeat(100) { cycle() }
        System.gc()
        val (rss, files) = rssKb() to openFiles()
        repeat(1000) { cycle() }
        System.gc()
        val grown = rssKb() - rss
        println("over 1000 create/destroy cycles: RSS grew $grown kB, open files ${openFiles() - files}")
        // Every undropped app would keep its encrypted database open.
        assertTrue(openFiles() - files < 10, "open files grew from $files to ${openFiles()}")
        assertTrue(grown < 30_000, "RSS grew by $grown kB over 1000 cycles")
    }
}
