package app.samtal.android

import android.security.keystore.KeyProperties
import app.samtal.android.core.KeystoreVault
import app.samtal.ffi.SamtalException
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertThrows
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config
import java.io.File

/** The app's KeyVault against the test Keystore provider. */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34])
class KeystoreVaultTest {
    @get:Rule
    val tmp = TemporaryFolder()

    @Before
    fun keystore() = TestKeystore.install()

    @Test
    fun `keys are random, sealed under a non-exportable Keystore key and survive a restart`() {
        val dir = tmp.newFolder("keys")
        val vault = KeystoreVault(dir)
        assertNull(vault.get("samtal-db"))
        val key = vault.getOrCreate("samtal-db")
        assertEquals(32, key.size)
        assertArrayEquals(key, vault.getOrCreate("samtal-db"))
        assertFalse(key.contentEquals(vault.getOrCreate("samtal-login")))

        // On disk only sealed bytes: the key itself appears nowhere.
        val sealed = File(dir, "samtal-db.sealed").readBytes()
        assertFalse(sealed.toList().windowed(8).any { it == key.take(8) })

        // The wrapping key is an AES-GCM Keystore key that must be used with a random IV.
        assertEquals(listOf("samtal-wrap"), keystoreAliases())
        val spec = TestKeystore.specs.getValue("samtal-wrap")
        assertEquals(listOf(KeyProperties.BLOCK_MODE_GCM), spec.blockModes.toList())
        assertTrue(spec.isRandomizedEncryptionRequired)
        assertEquals(256, spec.keySize)

        // A new process reads the same key through the Keystore.
        assertArrayEquals(key, KeystoreVault(dir).get("samtal-db"))
    }

    @Test
    fun `a sealed key moved to another alias or tampered with is refused`() {
        val dir = tmp.newFolder("keys")
        val vault = KeystoreVault(dir)
        vault.getOrCreate("samtal-db")
        File(dir, "samtal-db.sealed").copyTo(File(dir, "samtal-login.sealed"))
        val moved = assertThrows(SamtalException.Platform::class.java) { vault.get("samtal-login") }
        assertTrue(moved.message, moved.message!!.contains("could not unseal the key `samtal-login`"))

        val file = File(dir, "samtal-db.sealed")
        file.writeBytes(file.readBytes().also { it[it.size - 1] = (it[it.size - 1] + 1).toByte() })
        assertThrows(SamtalException.Platform::class.java) { vault.get("samtal-db") }
    }

    @Test
    fun `delete and destroy leave nothing that opens`() {
        val dir = tmp.newFolder("keys")
        val vault = KeystoreVault(dir)
        vault.getOrCreate("samtal-db")
        vault.getOrCreate("samtal-login")
        vault.delete("samtal-db")
        assertNull(vault.get("samtal-db"))
        vault.destroy()
        assertTrue(keystoreAliases().isEmpty())
        assertTrue(dir.listFiles()!!.isEmpty())
    }
}
