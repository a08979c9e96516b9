package app.samtal.android.core

import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import app.samtal.ffi.KeyVault
import app.samtal.ffi.SamtalException
import java.io.File
import java.security.GeneralSecurityException
import java.security.KeyStore
import java.security.SecureRandom
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * The core's key storage on Android. The core asks for 32-byte keys it uses itself (the
 * database key, the sign-in key), so they cannot live inside the Keystore, whose keys never
 * leave it. Each is random, sealed with AES-GCM under one non-exportable Keystore key and
 * kept sealed in the app's private files; the alias is bound in as associated data.
 */
class KeystoreVault(private val dir: File, private val wrapAlias: String = "samtal-wrap") : KeyVault {
    private val random = SecureRandom()

    @Synchronized
    override fun get(alias: String): ByteArray? {
        val file = sealedFile(alias)
        if (!file.exists()) return null
        return platform("could not unseal the key `$alias`") { unseal(alias, file.readBytes()) }
    }

    @Synchronized
    override fun getOrCreate(alias: String): ByteArray {
        get(alias)?.let { return it }
        val key = ByteArray(KEY_BYTES).also(random::nextBytes)
        val sealed = platform("could not seal the key `$alias`") { seal(alias, key) }
        dir.mkdirs()
        val tmp = File(dir, "${sealedFile(alias).name}.tmp")
        tmp.writeBytes(sealed)
        if (!tmp.renameTo(sealedFile(alias))) throw SamtalException.Platform("could not store the key `$alias`")
        return key
    }

    @Synchronized
    override fun delete(alias: String) {
        sealedFile(alias).delete()
    }

    /** Removes the Keystore key too, so nothing sealed under it can be opened again. */
    @Synchronized
    fun destroy() {
        dir.listFiles()?.forEach { it.delete() }
        platform("could not remove the Keystore key") { keyStore().deleteEntry(wrapAlias) }
    }

    private fun seal(alias: String, key: ByteArray): ByteArray {
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.ENCRYPT_MODE, wrapKey())
        cipher.updateAAD(alias.toByteArray())
        val iv = cipher.iv
        return byteArrayOf(iv.size.toByte()) + iv + cipher.doFinal(key)
    }

    private fun unseal(alias: String, sealed: ByteArray): ByteArray {
        val ivLen = sealed[0].toInt()
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.DECRYPT_MODE, wrapKey(), GCMParameterSpec(TAG_BITS, sealed, 1, ivLen))
        cipher.updateAAD(alias.toByteArray())
        return cipher.doFinal(sealed, 1 + ivLen, sealed.size - 1 - ivLen)
    }

    private fun keyStore() = KeyStore.getInstance(PROVIDER).apply { load(null) }

    private fun wrapKey(): SecretKey {
        (keyStore().getKey(wrapAlias, null) as SecretKey?)?.let { return it }
        val spec = KeyGenParameterSpec.Builder(wrapAlias, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setKeySize(256)
            .setRandomizedEncryptionRequired(true)
            .build()
        return KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, PROVIDER).run {
            init(spec)
            generateKey()
        }
    }

    private fun sealedFile(alias: String): File {
        if (!alias.matches(Regex("[A-Za-z0-9._-]+"))) throw SamtalException.Platform("unusable key alias")
        return File(dir, "$alias.sealed")
    }

    private inline fun <T> platform(what: String, block: () -> T): T = try {
        block()
    } catch (e: GeneralSecurityException) {
        throw SamtalException.Platform("$what: ${e.javaClass.simpleName}")
    } catch (e: java.io.IOException) {
        throw SamtalException.Platform("$what: ${e.javaClass.simpleName}")
    }

    private companion object {
        const val PROVIDER = "AndroidKeyStore"
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val TAG_BITS = 128
        const val KEY_BYTES = 32
    }
}
