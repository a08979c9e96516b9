package app.samtal.ffi

import java.io.File
import java.net.ServerSocket
import java.net.Socket
import java.nio.file.Files
import java.nio.file.LinkOption
import java.util.concurrent.TimeUnit

/** Paths handed in by Maven (android/pom.xml, android/app/pom.xml). */
object Paths {
    val repo = File(System.getProperty("samtal.repo.dir") ?: "..").canonicalFile
    val bin = File(System.getProperty("samtal.bin.dir") ?: "../target/debug").canonicalFile
    val models: String = System.getenv("SAMTAL_MODELS_DIR")
        ?: File(System.getProperty("user.home"), ".cache/samtal/models").path
    fun fixture(name: String) = File(repo, "tests/fixtures/$name")

    /**
     * Links the installed models' files into [dir] and returns its path: the app seals what it
     * checks beside the model file, so tests give it a directory of its own and only read the
     * shared cache.
     */
    fun linkedModels(dir: File): String {
        for (model in File(models).listFiles()!!.filter { it.isDirectory && !it.name.startsWith(".") }) {
            val linked = File(dir, model.name).apply { mkdirs() }
            for (file in model.listFiles()!!.filter { !it.name.endsWith(".seal") }) {
                val link = File(linked, file.name).toPath()
                if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) Files.createSymbolicLink(link, file.toPath())
            }
        }
        return dir.path
    }
}

/**
 * A BankID simulator and a municipal endpoint on loopback, set up the way a municipality
 * would: a CA, one staff member allowed to sign in, one enrollment code for this phone.
 */
class Services(val workerPersonalNumber: String) : AutoCloseable {
    val dir: File = Files.createTempDirectory("samtal-kotlin-services").toFile()
    private val processes = mutableListOf<Process>()
    private val bankidPort = freePort()
    private val notePort = freePort()
    private val enrollPort = freePort()
    val enrollUrl = "https://127.0.0.1:$enrollPort"
    val enrollmentCode: String
    val dropDir = File(dir, "endpoint/drop")

    init {
        spawn(
            "bankid-sim", "serve", "--dir", "$dir/endpoint/bankid-sim",
            "--listen", "127.0.0.1:$bankidPort", "--default-scenario", "complete:2",
            "--default-personal-number", workerPersonalNumber,
        )
        waitForPort(bankidPort)
        File(dir, "endpoint").mkdirs()
        File(dir, "endpoint/endpoint.toml").writeText(
            """
            listen = "127.0.0.1:$notePort"
            enroll_listen = "127.0.0.1:$enrollPort"
            data_dir = "data"
            [sinks.directory]
            path = "drop"
            [bankid]
            environment = "https://127.0.0.1:$bankidPort/rp/v6.0/"
            ca_file = "bankid-sim/ca.pem"
            cert_file = "bankid-sim/rp.pem"
            key_file = "bankid-sim/rp.key"
            """.trimIndent(),
        )
        endpoint("ca", "init")
        endpoint("staff", "allow", "--personal-number", workerPersonalNumber)
        enrollmentCode = endpoint("device", "enroll", "--name", "kotlin test phone")
            .lineSequence().first { it.startsWith("code: ") }.removePrefix("code: ").trim()
        spawn("samtal-endpoint", "--config", "$dir/endpoint/endpoint.toml", "serve")
        waitForPort(notePort)
        waitForPort(enrollPort)
    }

    private fun endpoint(vararg args: String): String {
        val p = ProcessBuilder(listOf(File(Paths.bin, "samtal-endpoint").path, "--config", "$dir/endpoint/endpoint.toml") + args)
            .redirectErrorStream(true).start()
        val out = p.inputStream.bufferedReader().readText()
        check(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) { "samtal-endpoint ${args.joinToString(" ")} failed:\n$out" }
        return out
    }

    private fun spawn(binary: String, vararg args: String) {
        val log = File(dir, "$binary.log")
        processes += ProcessBuilder(listOf(File(Paths.bin, binary).path) + args)
            .redirectErrorStream(true).redirectOutput(log).start()
    }

    override fun close() {
        processes.forEach { it.destroy(); it.waitFor(10, TimeUnit.SECONDS) }
        dir.deleteRecursively()
    }

    companion object {
        fun freePort(): Int = ServerSocket(0).use { it.localPort }

        fun waitForPort(port: Int) {
            repeat(200) {
                try {
                    Socket("127.0.0.1", port).close()
                    return
                } catch (_: Exception) {
                    Thread.sleep(50)
                }
            }
            error("nothing listens on 127.0.0.1:$port")
        }
    }
}
