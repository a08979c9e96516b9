package app.samtal.android.ui

import android.content.Context
import android.graphics.Color
import android.graphics.Typeface
import android.text.InputType
import android.util.TypedValue
import android.view.Gravity
import android.view.View
import android.view.ViewGroup.LayoutParams.MATCH_PARENT
import android.view.ViewGroup.LayoutParams.WRAP_CONTENT
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.RadioButton
import android.widget.RadioGroup
import android.widget.ScrollView
import android.widget.TextView

/** Small builders for the app's plain Android views: one look, no UI library. */
object Palette {
    const val INK = 0xFF1B1B1F.toInt()
    const val MUTED = 0xFF5A5A66.toInt()
    const val ACCENT = 0xFF1F5FAD.toInt()
    const val WARN = 0xFFB3261E.toInt()
    const val FLAG = 0xFF8A5A00.toInt()
    const val PAPER = 0xFFFAFAFC.toInt()
    const val CARD = 0xFFEDEFF5.toInt()
}

fun Context.dp(v: Int): Int = TypedValue.applyDimension(TypedValue.COMPLEX_UNIT_DIP, v.toFloat(), resources.displayMetrics).toInt()

/** A scrolling page with a vertical column of content. */
fun Context.page(background: Int = Palette.PAPER, build: LinearLayout.() -> Unit): ScrollView =
    ScrollView(this).apply {
        setBackgroundColor(background)
        isFillViewport = true
        addView(column(padding = 20, build = build), MATCH_PARENT, WRAP_CONTENT)
    }

fun Context.column(padding: Int = 0, build: LinearLayout.() -> Unit): LinearLayout = LinearLayout(this).apply {
    orientation = LinearLayout.VERTICAL
    val p = dp(padding)
    setPadding(p, p, p, p)
    build()
}

fun LinearLayout.row(build: LinearLayout.() -> Unit): LinearLayout = LinearLayout(context).apply {
    orientation = LinearLayout.HORIZONTAL
    gravity = Gravity.CENTER_VERTICAL
    build()
}.also { addView(it, LinearLayout.LayoutParams(MATCH_PARENT, WRAP_CONTENT)) }

fun LinearLayout.card(tag: String? = null, build: LinearLayout.() -> Unit): LinearLayout =
    context.column(padding = 12, build = build).also {
        it.setBackgroundColor(Palette.CARD)
        it.tag = tag
        addView(it, LinearLayout.LayoutParams(MATCH_PARENT, WRAP_CONTENT).apply { topMargin = context.dp(8) })
    }

fun LinearLayout.heading(text: CharSequence, size: Float = 24f): TextView = label(text, size, Palette.INK, bold = true)

fun LinearLayout.subheading(text: CharSequence): TextView = label(text, 18f, Palette.INK, bold = true).apply {
    setPadding(0, context.dp(16), 0, context.dp(4))
}

fun LinearLayout.body(text: CharSequence, tag: String? = null, color: Int = Palette.INK, size: Float = 16f): TextView =
    label(text, size, color).also { it.tag = tag }

fun LinearLayout.note(text: CharSequence, tag: String? = null): TextView = body(text, tag, Palette.MUTED, 14f)

private fun LinearLayout.label(text: CharSequence, size: Float, color: Int, bold: Boolean = false): TextView =
    TextView(context).apply {
        this.text = text
        setTextColor(color)
        setTextSize(TypedValue.COMPLEX_UNIT_SP, size)
        if (bold) typeface = Typeface.DEFAULT_BOLD
        setPadding(0, context.dp(4), 0, context.dp(4))
    }.also { addView(it, LinearLayout.LayoutParams(MATCH_PARENT, WRAP_CONTENT)) }

/** A button with a tag the tests (and accessibility services) can find it by. */
fun LinearLayout.button(text: CharSequence, tag: String, primary: Boolean = false, onClick: () -> Unit): Button =
    Button(context).apply {
        this.text = text
        this.tag = tag
        isAllCaps = false
        setTextSize(TypedValue.COMPLEX_UNIT_SP, 16f)
        if (primary) {
            setBackgroundColor(Palette.ACCENT)
            setTextColor(Color.WHITE)
        }
        setOnClickListener { onClick() }
    }.also {
        val lp = if (orientation == LinearLayout.VERTICAL) {
            LinearLayout.LayoutParams(MATCH_PARENT, WRAP_CONTENT)
        } else {
            LinearLayout.LayoutParams(0, WRAP_CONTENT, 1f)
        }
        lp.topMargin = context.dp(6)
        lp.marginEnd = context.dp(4)
        addView(it, lp)
    }

fun LinearLayout.input(hint: CharSequence, tag: String, value: String = "", multiLine: Boolean = false): EditText =
    EditText(context).apply {
        this.hint = hint
        this.tag = tag
        setText(value)
        inputType = if (multiLine) {
            InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_FLAG_MULTI_LINE or InputType.TYPE_TEXT_FLAG_CAP_SENTENCES
        } else {
            InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_VARIATION_URI
        }
    }.also { addView(it, LinearLayout.LayoutParams(MATCH_PARENT, WRAP_CONTENT)) }

/** Radio choices; returns the group, whose checked button carries the chosen key as tag. */
fun <T> LinearLayout.choices(tag: String, options: List<Pair<T, CharSequence>>, selected: T): RadioGroup =
    RadioGroup(context).apply {
        this.tag = tag
        options.forEach { (key, text) ->
            val b = RadioButton(context).apply {
                id = View.generateViewId()
                this.text = text
                this.tag = key
                setTextSize(TypedValue.COMPLEX_UNIT_SP, 16f)
            }
            addView(b)
            if (key == selected) check(b.id)
        }
    }.also { addView(it, LinearLayout.LayoutParams(MATCH_PARENT, WRAP_CONTENT)) }

@Suppress("UNCHECKED_CAST")
fun <T> RadioGroup.chosen(): T = findViewById<RadioButton>(checkedRadioButtonId).tag as T
