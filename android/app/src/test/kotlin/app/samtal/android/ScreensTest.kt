package app.samtal.android

import android.Manifest
import android.content.pm.PackageManager
import android.graphics.Bitmap
import android.graphics.Canvas
import android.graphics.drawable.ColorDrawable
import android.view.View
import android.view.ViewGroup
import android.widget.FrameLayout
import app.samtal.android.ui.Route
import app.samtal.ffi.Paths
import app.samtal.ffi.Services
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode
import org.robolectric.annotation.LooperMode
import java.io.File

/**
 * Every screen in Swedish, drawn by Robolectric's native graphics into PNG files
 * (`make android-screens` writes them to docs/android/). Not part of `make test`.
 */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34], qualifiers = "sv-rSE-w360dp-h720dp-mdpi")
@LooperMode(LooperMode.Mode.PAUSED)
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class ScreensTest {
    private val out = File(System.getProperty("samtal.screens.dir") ?: "target/screens").apply { mkdirs() }

    /** The whole page of the current screen, not only what fits on the display. */
    private fun shot(d: Driver, name: String) {
        d.idle()
        val root = d.activity.findViewById<FrameLayout>(android.R.id.content).getChildAt(0) as ViewGroup
        val page = root.getChildAt(0)
        val content = (page as? ViewGroup)?.getChildAt(0) ?: page
        val width = d.activity.window.decorView.width
        content.measure(View.MeasureSpec.makeMeasureSpec(width, View.MeasureSpec.EXACTLY), View.MeasureSpec.makeMeasureSpec(0, View.MeasureSpec.UNSPECIFIED))
        val height = content.measuredHeight.coerceIn(1, 2000)
        content.layout(0, 0, width, content.measuredHeight)
        // Radio buttons checked by the test are drawn checked, not mid-animation.
        content.jumpDrawablesToCurrentState()
        val bitmap = Bitmap.createBitmap(width, height, Bitmap.Config.ARGB_8888)
        val canvas = Canvas(bitmap)
        canvas.drawColor((page.background as? ColorDrawable)?.color ?: 0xFFFFFFFF.toInt())
        content.draw(canvas)
        File(out, "$name.png").outputStream().use { bitmap.compress(Bitmap.CompressFormat.PNG, 100, it) }
    }

    @Test
    fun `every screen in Swedish`() = Services("198112289874").use { services ->
        val mic = FixtureMicrophone(Paths.fixture("en-meeting-60s.wav")).apply { install() }
        val d = Driver().launch()
        d.waitForRoute(Route.Settings)
        d.type("enrol_url", services.enrollUrl)
        d.type("enrol_code", services.enrollmentCode)
        d.type("enrol_worker", "maja.provsson")
        shot(d, "01-registrering")
        d.click("enrol")
        d.waitForRoute(Route.SignIn)
        d.click("sign_in")
        d.waitFor("an RFA message") { d.graph.bankId.progress?.message != null }
        shot(d, "02-logga-in")
        d.waitForRoute(Route.Sessions)
        shot(d, "03-dagens-samtal")

        d.click("new_session")
        d.choose("language", "en")
        d.choose("present", "citizen,relative")
        d.type("name_citizen", "Selma")
        d.choose("pronoun_citizen", "she")
        d.type("name_relative", "Tove")
        d.type("relation_relative", "daughter")
        d.choose("template", "en-casenote")
        shot(d, "04-samtycke")
        shadowOf(d.app).denyPermissions(Manifest.permission.RECORD_AUDIO)
        d.click("consent_given")
        val request = shadowOf(d.activity).lastRequestedPermission
        d.activity.onRequestPermissionsResult(request.requestCode, request.requestedPermissions, IntArray(request.requestedPermissions.size) { PackageManager.PERMISSION_DENIED })
        d.idle()
        shot(d, "05-mikrofon-nekad")

        shadowOf(d.app).grantPermissions(Manifest.permission.RECORD_AUDIO, Manifest.permission.POST_NOTIFICATIONS)
        d.click("mic_retry")
        d.waitFor("recording") { d.route is Route.Recording }
        val session = (d.route as Route.Recording).session
        d.runStartedService()
        d.waitFor("live transcript", 180) { d.graph.recording.segments.size >= 3 }
        shot(d, "06-inspelning")
        d.waitFor("the fixture captured") { mic.exhausted && d.graph.recording.capturedSeconds() > 59.0 }
        d.click("stop")
        d.waitForRoute(Route.Review(session), 180)
        d.waitFor("the draft") { d.find("unresolved") != null }
        shot(d, "07-granskning")

        d.click("to_citizen")
        d.type("citizen_comment", "I agree. Please call before visiting.")
        shot(d, "08-personens-vy")
        d.click("save_comment")
        d.click("mark_all")
        d.click("to_approve")
        shot(d, "09-godkannande")
        d.click("approve")
        shot(d, "10-underskrift")
        d.click("start_sign")
        d.waitFor("the signing QR") { d.graph.bankId.progress?.message != null }
        shot(d, "11-underskrift-bankid")
        d.waitFor("the citizen's signature", 60) { d.find("signed") != null }
        d.click("to_outbox")
        shot(d, "12-utkorg")
        d.click("sync_now")
        d.waitFor("delivery") { d.find("receipt_signed") != null }
        d.answer()
        shot(d, "13-kvitto")
        d.graph.nav.go(Route.Settings)
        d.idle()
        shot(d, "14-installningar")
        assertTrue(out.listFiles()!!.count { it.name.endsWith(".png") } >= 14)
    }
}
