package app.samtal.android

import android.security.keystore.KeyGenParameterSpec
import java.io.InputStream
import java.io.OutputStream
import java.security.Key
import java.security.KeyStore
import java.security.KeyStoreSpi
import java.security.Provider
import java.security.SecureRandom
import java.security.Security
import java.security.cert.Certificate
import java.security.spec.AlgorithmParameterSpec
import java.util.Collections
import java.util.Date
import java.util.Enumeration
import java.util.concurrent.ConcurrentHashMap
import javax.crypto.KeyGeneratorSpi
import javax.crypto.SecretKey
import javax.crypto.spec.SecretKeySpec

/**
 * Robolectric has no Android Keystore. This provider, registered under the same name, keeps
 * keys in memory and makes AES keys from a [KeyGenParameterSpec] the way the Keystore does,
 * so the app's unchanged KeystoreVault runs against it. What it cannot show is the real
 * Keystore's guarantee that key material never leaves secure hardware.
 */
object TestKeystore {
    val entries = ConcurrentHashMap<String, SecretKey>()
    val specs = ConcurrentHashMap<String, KeyGenParameterSpec>()

    fun install() {
        entries.clear()
        specs.clear()
        Security.removeProvider("AndroidKeyStore")
        Security.addProvider(KeystoreProvider())
    }

    class KeystoreProvider : Provider("AndroidKeyStore", "1.0", "in-memory stand-in for tests") {
        init {
            put("KeyStore.AndroidKeyStore", Spi::class.java.name)
            put("KeyGenerator.AES", AesGenerator::class.java.name)
        }
    }

    class Spi : KeyStoreSpi() {
        override fun engineGetKey(alias: String, password: CharArray?): Key? = entries[alias]
        override fun engineGetCertificateChain(alias: String?): Array<Certificate>? = null
        override fun engineGetCertificate(alias: String?): Certificate? = null
        override fun engineGetCreationDate(alias: String?): Date? = null
        override fun engineSetKeyEntry(alias: String, key: Key, password: CharArray?, chain: Array<out Certificate>?) {
            entries[alias] = key as SecretKey
        }
        override fun engineSetKeyEntry(alias: String?, key: ByteArray?, chain: Array<out Certificate>?) =
            throw UnsupportedOperationException()
        override fun engineSetCertificateEntry(alias: String?, cert: Certificate?) = throw UnsupportedOperationException()
        override fun engineDeleteEntry(alias: String) {
            entries.remove(alias)
        }
        override fun engineAliases(): Enumeration<String> = Collections.enumeration(entries.keys.toList())
        override fun engineContainsAlias(alias: String) = entries.containsKey(alias)
        override fun engineSize() = entries.size
        override fun engineIsKeyEntry(alias: String) = entries.containsKey(alias)
        override fun engineIsCertificateEntry(alias: String?) = false
        override fun engineGetCertificateAlias(cert: Certificate?): String? = null
        override fun engineStore(stream: OutputStream?, password: CharArray?) = Unit
        override fun engineLoad(stream: InputStream?, password: CharArray?) = Unit
    }

    class AesGenerator : KeyGeneratorSpi() {
        private var spec: KeyGenParameterSpec? = null
        private val random = SecureRandom()

        override fun engineInit(random: SecureRandom?) = throw IllegalStateException("the Keystore needs a KeyGenParameterSpec")
        override fun engineInit(params: AlgorithmParameterSpec?, random: SecureRandom?) {
            spec = params as KeyGenParameterSpec
        }
        override fun engineInit(keysize: Int, random: SecureRandom?) = throw IllegalStateException("the Keystore needs a KeyGenParameterSpec")

        override fun engineGenerateKey(): SecretKey {
            val s = spec ?: error("not initialised")
            val key = SecretKeySpec(ByteArray(s.keySize / 8).also(random::nextBytes), "AES")
            entries[s.keystoreAlias] = key
            specs[s.keystoreAlias] = s
            return key
        }
    }
}

/** The Keystore as the app sees it, for assertions. */
fun keystoreAliases(): List<String> = KeyStore.getInstance("AndroidKeyStore").apply { load(null) }.aliases().toList()
