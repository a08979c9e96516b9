import SamtalKit
import SwiftUI

/// Worker and citizen go through the draft: items by section with their flags, each
/// citation opening the transcript span it rests on; edit, delete, add, move, mark
/// reviewed. Approval needs every flag resolved. (Relabelling a speaker belongs on the
/// citation view once the core attributes speakers; segments carry no speaker yet.)
struct ReviewView: View {
    @StateObject var model: ReviewModel
    @EnvironmentObject var app: AppModel
    @State var source: SourceSheet?
    @State var editing: TextSheet?
    @State var moving: Item?
    @State var deleting: Item?

    var body: some View {
        Group {
            if let draft = model.draft {
                list(draft)
            } else {
                VStack(spacing: 12) {
                    ProgressView()
                    Text(L("review_drafting")).accessibilityIdentifier("drafting")
                }
            }
        }
        .navigationTitle(L("review_title"))
        .guardsNoteText()
        .onAppear { model.load() }
        .sheet(item: $source) { sheet in
            SourceView(segments: sheet.segments).guardsNoteText()
        }
        .sheet(item: $editing) { sheet in
            TextEditSheet(sheet: sheet) { text in model.apply(sheet.change(text)) }.guardsNoteText()
        }
        .confirmationDialog(L("review_move_title"), isPresented: Binding(get: { moving != nil }, set: { if !$0 { moving = nil } }), presenting: moving) { item in
            ForEach(model.otherSections(than: item)) { section in
                Button(section.label) { model.apply(.move(item: item.id, section: section.id)) }
            }
            Button(L("cancel"), role: .cancel) {}
        }
        .alert(L("review_delete_title"), isPresented: Binding(get: { deleting != nil }, set: { if !$0 { deleting = nil } }), presenting: deleting) { item in
            Button(L("review_delete"), role: .destructive) { model.apply(.delete(item: item.id)) }
            Button(L("cancel"), role: .cancel) {}
        } message: { item in
            Text(item.text)
        }
    }

    private func list(_ draft: Draft) -> some View {
        List {
            Text(draft.unresolved == 0 ? L("review_all_checked") : L("review_unresolved", draft.unresolved))
                .foregroundStyle(draft.unresolved == 0 ? Color.primary : Color.orange)
                .accessibilityIdentifier("unresolved")
            ForEach(draft.sections) { section in
                Section(section.label) {
                    ForEach(draft.items(in: section)) { item in row(item) }
                    Button(L("review_add")) {
                        editing = TextSheet(title: L("review_add_title", section.label), text: "") { .add(section: section.id, text: $0) }
                    }
                    .accessibilityIdentifier("add_\(section.id)")
                }
            }
            if let comment = draft.citizenComment {
                Section(L("citizen_comment_title")) {
                    Text(comment).accessibilityIdentifier("citizen_comment_text")
                }
            }
            Section(L("review_next")) {
                Button(L("review_mark_all")) { model.apply(.markAllReviewed) }.accessibilityIdentifier("mark_all")
                Button(L("review_citizen_view")) { app.go(.citizen(model.session)) }.accessibilityIdentifier("to_citizen")
                Button(L("review_approve")) { app.go(.approve(model.session)) }
                    .buttonStyle(.borderedProminent)
                    .accessibilityIdentifier("to_approve")
            }
        }
    }

    private func row(_ item: Item) -> some View {
        VStack(alignment: .leading, spacing: 6) {
            Text(item.text).accessibilityIdentifier("item_\(item.id)_text")
            ForEach(Array(item.flags.filter(\.shown).enumerated()), id: \.offset) { flag in
                Label(flagText(flag.element.kind), systemImage: "flag.fill").font(.footnote).foregroundStyle(.orange)
            }
            if item.citations.isEmpty {
                Text(L("review_no_citation")).font(.footnote).foregroundStyle(.secondary)
            }
            Text(item.reviewed ? L("review_reviewed") : L("review_not_reviewed")).font(.footnote).foregroundStyle(.secondary)
            HStack {
                if !item.citations.isEmpty {
                    Button(L("review_source")) { source = SourceSheet(segments: model.source(of: item)) }
                        .accessibilityIdentifier("item_\(item.id)_source")
                }
                Button(L("review_edit")) {
                    editing = TextSheet(title: L("review_edit_title"), text: item.text) { .edit(item: item.id, text: $0) }
                }
                .accessibilityIdentifier("item_\(item.id)_edit")
                Button(L("review_move")) { moving = item }.accessibilityIdentifier("item_\(item.id)_move")
                Button(L("review_delete"), role: .destructive) { deleting = item }.accessibilityIdentifier("item_\(item.id)_delete")
            }
            .buttonStyle(.borderless)
            .font(.footnote)
            if !item.reviewed {
                Button(L("review_mark")) { model.apply(.markReviewed([item.id])) }
                    .buttonStyle(.bordered)
                    .accessibilityIdentifier("item_\(item.id)_mark")
            }
        }
        .padding(.vertical, 4)
    }

    private func flagText(_ kind: FlagKind) -> String {
        switch kind {
        case .lowConfidence: return L("flag_low_confidence")
        case .unsupported: return L("flag_unsupported")
        case .edited: return L("flag_edited")
        case .addedByWorker: return L("flag_added")
        }
    }
}

/// The transcript span an item cites, with times (and speakers once attributed).
struct SourceSheet: Identifiable {
    let id = UUID()
    let segments: [Segment]
}

struct SourceView: View {
    let segments: [Segment]
    @Environment(\.dismiss) var dismiss

    var body: some View {
        NavigationStack {
            List(segments) { segment in
                VStack(alignment: .leading, spacing: 4) {
                    Text("\(clock(segment.start))–\(clock(segment.end))").font(.footnote.monospacedDigit()).foregroundStyle(.secondary)
                    Text((segment.speaker.map { "\($0): " } ?? "") + segment.text)
                }
            }
            .accessibilityIdentifier("source_text")
            .navigationTitle(L("review_source_title"))
            .toolbar {
                ToolbarItem(placement: .confirmationAction) { Button(L("ok")) { dismiss() } }
            }
        }
    }
}

/// Editing an item's text or writing a new one; `change` turns the text into the edit.
struct TextSheet: Identifiable {
    let id = UUID()
    let title: String
    let text: String
    let change: (String) -> Change
}

struct TextEditSheet: View {
    let sheet: TextSheet
    let onSave: (String) -> Void
    @State var text = ""
    @Environment(\.dismiss) var dismiss

    var body: some View {
        NavigationStack {
            TextEditor(text: $text)
                .padding()
                .accessibilityIdentifier("edit_field")
                .navigationTitle(sheet.title)
                .toolbar {
                    ToolbarItem(placement: .cancellationAction) { Button(L("cancel")) { dismiss() } }
                    ToolbarItem(placement: .confirmationAction) {
                        Button(L("save")) {
                            onSave(text)
                            dismiss()
                        }
                        .disabled(text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
                    }
                }
        }
        .onAppear { text = sheet.text }
    }
}
