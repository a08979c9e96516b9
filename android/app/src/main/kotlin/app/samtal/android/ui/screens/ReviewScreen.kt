package app.samtal.android.ui.screens

import android.app.AlertDialog
import android.view.View
import android.widget.EditText
import android.widget.LinearLayout
import app.samtal.android.R
import app.samtal.android.core.Change
import app.samtal.android.core.CoreException
import app.samtal.android.core.Draft
import app.samtal.android.core.FlagKind
import app.samtal.android.core.Item
import app.samtal.android.core.Phase
import app.samtal.android.ui.MainActivity
import app.samtal.android.ui.Palette
import app.samtal.android.ui.Route
import app.samtal.android.ui.Screen
import app.samtal.android.ui.body
import app.samtal.android.ui.button
import app.samtal.android.ui.card
import app.samtal.android.ui.heading
import app.samtal.android.ui.note
import app.samtal.android.ui.page
import app.samtal.android.ui.row
import app.samtal.android.ui.subheading

/**
 * Worker and citizen go through the draft: items by section with their flags, each
 * citation opening the transcript span it rests on; edit, delete, add, move, mark
 * reviewed. Approval needs every flag resolved. (Relabelling a speaker belongs on the
 * citation view once the core attributes speakers; segments carry no speaker yet.)
 */
class ReviewScreen(host: MainActivity, private val session: String) : Screen(host) {
    override val secure = true
    private var draft: Draft? = null

    override fun build(): View = host.page {
        heading(s(R.string.review_title))
        val d = draft
        if (d == null) {
            body(s(R.string.review_drafting), tag = "drafting")
            return@page
        }
        body(
            if (d.unresolved == 0) s(R.string.review_all_checked) else s(R.string.review_unresolved, d.unresolved),
            tag = "unresolved",
            color = if (d.unresolved == 0) Palette.INK else Palette.FLAG,
        )
        d.sections.forEach { section ->
            subheading(section.label)
            d.items.filter { it.section == section.id }.forEach { item(it, d) }
            button(s(R.string.review_add), "add_${section.id}") {
                ask(s(R.string.review_add_title, section.label), "") { apply(Change.Add(section.id, it)) }
            }
        }
        d.citizenComment?.let {
            subheading(s(R.string.citizen_comment_title))
            body(it, tag = "citizen_comment_text")
        }
        subheading(s(R.string.review_next))
        button(s(R.string.review_mark_all), "mark_all") { apply(Change.MarkAllReviewed) }
        button(s(R.string.review_citizen_view), "to_citizen") { graph.nav.go(Route.Citizen(session)) }
        button(s(R.string.review_approve), "to_approve", primary = true) { graph.nav.go(Route.Approve(session)) }
    }

    private fun LinearLayout.item(item: Item, d: Draft) = card("item_${item.id}") {
        body(item.text, tag = "item_${item.id}_text")
        item.flags.filter { !it.resolved || it.kind == FlagKind.EDITED || it.kind == FlagKind.ADDED_BY_WORKER }.forEach {
            note("⚑ " + s(flagText(it.kind)))
        }
        if (item.citations.isEmpty()) note(s(R.string.review_no_citation))
        note(s(if (item.reviewed) R.string.review_reviewed else R.string.review_not_reviewed))
        row {
            if (item.citations.isNotEmpty()) button(s(R.string.review_source), "item_${item.id}_source") { showSource(item) }
            button(s(R.string.review_edit), "item_${item.id}_edit") {
                ask(s(R.string.review_edit_title), item.text) { apply(Change.Edit(item.id, it)) }
            }
        }
        row {
            button(s(R.string.review_move), "item_${item.id}_move") { move(item, d) }
            button(s(R.string.review_delete), "item_${item.id}_delete") {
                host.dialog(s(R.string.review_delete_title), item.text, yes = R.string.review_delete, no = R.string.cancel, onYes = {
                    apply(Change.Delete(item.id))
                })
            }
        }
        if (!item.reviewed) {
            button(s(R.string.review_mark), "item_${item.id}_mark") { apply(Change.MarkReviewed(listOf(item.id))) }
        }
    }

    private fun flagText(kind: FlagKind) = when (kind) {
        FlagKind.LOW_CONFIDENCE -> R.string.flag_low_confidence
        FlagKind.UNSUPPORTED -> R.string.flag_unsupported
        FlagKind.EDITED -> R.string.flag_edited
        FlagKind.ADDED_BY_WORKER -> R.string.flag_added
    }

    /** The transcript span an item cites, with times (and speakers once attributed). */
    private fun showSource(item: Item) {
        val cited = item.citations.toSet()
        val text = try {
            core.transcript(session).filter { it.id in cited }.joinToString("\n\n") { seg ->
                val who = seg.speaker?.let { "$it: " } ?: ""
                "${clock(seg.start)}–${clock(seg.end)}  $who${seg.text}"
            }
        } catch (e: CoreException) {
            host.showError(e)
            return
        }
        host.dialog(s(R.string.review_source_title), text).also { it.findViewById<View>(android.R.id.message)?.tag = "source_text" }
    }

    private fun move(item: Item, d: Draft) {
        val others = d.sections.filter { it.id != item.section }
        val dialog = AlertDialog.Builder(host)
            .setTitle(R.string.review_move_title)
            .setItems(others.map { it.label }.toTypedArray()) { _, which -> apply(Change.Move(item.id, others[which].id)) }
            .setNegativeButton(R.string.cancel, null)
            .create()
        host.secure(dialog)
        dialog.show()
    }

    private fun ask(title: String, value: String, then: (String) -> Unit) {
        val field = EditText(host).apply {
            setText(value)
            tag = "edit_field"
        }
        val dialog = AlertDialog.Builder(host).setTitle(title).setView(field)
            .setPositiveButton(R.string.save) { _, _ -> then(field.text.toString()) }
            .setNegativeButton(R.string.cancel, null)
            .create()
        host.secure(dialog)
        dialog.show()
    }

    private fun apply(change: Change) {
        try {
            draft = core.review(session, change)
        } catch (e: CoreException) {
            host.showError(e)
        }
        refresh()
    }

    override fun onShow() {
        val info = try {
            core.session(session)
        } catch (e: CoreException) {
            host.showError(e)
            return
        }
        if (info.hasDraft) {
            draft = core.document(session)
            refresh()
            return
        }
        if (info.phase != Phase.TRANSCRIBED) return
        host.launch {
            draft = core.draft(session, graph.prefs.template(session) ?: core.templateIds().first())
            refresh()
        }
    }
}
