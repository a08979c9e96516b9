package app.samtal.android.platform

import android.annotation.SuppressLint
import android.media.AudioFormat
import android.media.AudioRecord
import android.media.MediaRecorder
import app.samtal.android.core.CoreException
import app.samtal.android.core.ErrorKind
import app.samtal.android.core.PcmSource

/**
 * The microphone through AudioRecord: 16-bit mono at the first rate the phone offers
 * (16 kHz, the recogniser's own rate, where it can), in 100 ms blocks. The core downmixes
 * and resamples whatever arrives, so an oboe capture in Rust can replace this where the
 * NDK is used. `finish()` ends the capture: the next read returns null.
 */
class Microphone private constructor(private val record: AudioRecord, override val sampleRate: Int) : PcmSource {
    override val channels = 1
    private val block = ShortArray(sampleRate / 10)

    @Volatile
    private var finished = false

    override fun read(): FloatArray? {
        if (finished) {
            release()
            return null
        }
        val n = record.read(block, 0, block.size, AudioRecord.READ_BLOCKING)
        if (n < 0) {
            release()
            throw CoreException(ErrorKind.AUDIO, "the microphone stopped delivering audio (error $n)")
        }
        if (n == 0) {
            // Nothing yet: wait a little rather than spin.
            Thread.sleep(WAIT_MS)
            return FloatArray(0)
        }
        return FloatArray(n) { block[it] / 32768f }
    }

    fun finish() {
        finished = true
    }

    private var released = false

    @Synchronized
    private fun release() {
        if (released) return
        released = true
        record.stop()
        record.release()
    }

    companion object {
        private const val WAIT_MS = 20L
        private val RATES = intArrayOf(16_000, 48_000, 44_100)

        /** Opens the microphone; the caller has checked the RECORD_AUDIO permission. */
        @SuppressLint("MissingPermission")
        fun open(): Microphone {
            for (rate in RATES) {
                val min = AudioRecord.getMinBufferSize(rate, AudioFormat.CHANNEL_IN_MONO, AudioFormat.ENCODING_PCM_16BIT)
                if (min <= 0) continue
                val record = AudioRecord(
                    MediaRecorder.AudioSource.VOICE_RECOGNITION, rate, AudioFormat.CHANNEL_IN_MONO,
                    AudioFormat.ENCODING_PCM_16BIT, maxOf(min, rate / 5 * 2),
                )
                if (record.state != AudioRecord.STATE_INITIALIZED) {
                    record.release()
                    continue
                }
                record.startRecording()
                return Microphone(record, rate)
            }
            throw CoreException(ErrorKind.AUDIO, "the microphone could not be opened")
        }
    }
}
