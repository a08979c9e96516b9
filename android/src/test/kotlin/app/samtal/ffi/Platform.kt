package app.samtal.ffi

import java.io.File
import java.security.SecureRandom
import java.util.concurrent.ConcurrentHashMap
import javax.sound.sampled.AudioFormat
import javax.sound.sampled.AudioInputStream
import javax.sound.sampled.AudioSystem

/**
 * The shell's key storage, in Kotlin. On a phone this is backed by the Android Keystore;
 * here it keeps keys in memory, which is what a JVM test can do.
 */
class MemoryVault : KeyVault {
    private val keys = ConcurrentHashMap<String, ByteArray>()
    private val random = SecureRandom()

    override fun get(alias: String): ByteArray? = keys[alias]?.copyOf()

    override fun getOrCreate(alias: String): ByteArray =
        keys.computeIfAbsent(alias) { ByteArray(32).also(random::nextBytes) }.copyOf()

    override fun delete(alias: String) {
        keys.remove(alias)
    }

    fun aliases(): Set<String> = keys.keys.toSet()
}

/** A key store that is broken, as a locked or reset keystore would be. */
class BrokenVault : KeyVault {
    override fun get(alias: String): ByteArray? = throw SamtalException.Platform("keystore is locked")
    override fun getOrCreate(alias: String): ByteArray = throw SamtalException.Platform("keystore is locked")
    override fun delete(alias: String) = throw SamtalException.Platform("keystore is locked")
}

/**
 * The shell's audio capture, in Kotlin: plays a WAV file as the microphone would deliver
 * it, 100 ms blocks of interleaved float samples in the file's own rate and channels.
 */
class WavInput(file: File) : AudioInput {
    private val stream: AudioInputStream
    private val format: AudioFormat

    init {
        val source = AudioSystem.getAudioInputStream(file)
        format = AudioFormat(source.format.sampleRate, 16, source.format.channels, true, false)
        stream = AudioSystem.getAudioInputStream(format, source)
    }

    override fun sampleRate(): UInt = format.sampleRate.toUInt()

    override fun channels(): UShort = format.channels.toUShort()

    override fun read(): List<Float>? {
        val frameBytes = 2 * format.channels
        val buffer = ByteArray((format.sampleRate / 10).toInt() * frameBytes)
        val n = stream.readNBytes(buffer, 0, buffer.size)
        if (n <= 0) {
            stream.close()
            return null
        }
        return (0 until n / 2).map { i ->
            val lo = buffer[2 * i].toInt() and 0xff
            val hi = buffer[2 * i + 1].toInt()
            ((hi shl 8) or lo).toShort() / 32768f
        }
    }
}
