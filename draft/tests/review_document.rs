//! Review together with the citizen: operations on items, cited text, citizen comment,
//! approval rules, immutability and versions, and the note's outputs.
use samtal_draft::review::document::{
    Citation, CitizenParticipation, DraftDocument, FlagKind, Header, ReviewError, SCHEMA_VERSION,
};
use samtal_draft::review::render::{citizen_view, markdown, note_json, plain_text, SCHEMA};
use samtal_draft::template::Templates;
use samtal_draft::transcript::{Segment, Transcript};

const SECRET: &str = "Sune Hemligsson 19121212-1212";

fn transcript() -> Transcript {
    let seg = |id: u32, start: f64, text: &str| Segment {
        id,
        start,
        end: start + 4.0,
        text: text.into(),
        confidence: 1.0,
        words: vec![],
        speaker: Some("citizen".into()),
    };
    Transcript {
        language: "sv".into(),
        segments: vec![
            seg(1, 0.0, "Hyran är sex tusen tvåhundra kronor."),
            seg(2, 4.0, "Jag vill ha ett jobb igen."),
        ],
    }
}

fn doc() -> DraftDocument {
    let templates = Templates::builtin();
    let t = templates.get("sv-socialtjanst-journal").unwrap();
    let mut d = DraftDocument::new(
        t,
        Header {
            date: Some("2026-05-05".into()),
            contact_kind: Some("hembesök".into()),
            participants: vec!["Sune (sökande)".into()],
            ..Header::default()
        },
    );
    let cite = |id: u32, start: f64| {
        vec![Citation {
            segment: id,
            start,
            end: start + 4.0,
        }]
    };
    d.push_drafted(
        "aktuellt",
        format!("{SECRET} betalar 6 200 kr i hyra."),
        cite(1, 0.0),
        false,
    )
    .unwrap();
    d.push_drafted(
        "enskildes_uppfattning",
        "Sune uppger att hen vill ha ett jobb igen.".into(),
        cite(2, 4.0),
        true,
    )
    .unwrap();
    d
}

#[test]
fn edit_delete_add_move_and_reviewed() {
    let mut d = doc();
    d.edit(1, "Hyran är 6 200 kr per månad.").unwrap();
    let item = d.item(1).unwrap();
    assert!(item.has_flag(FlagKind::Edited));
    assert_eq!(item.citations.len(), 1, "an edit keeps the citations");

    let added = d
        .add("atgarder", "Handläggaren lämnar information om jobbcoach.")
        .unwrap();
    let item = d.item(added).unwrap();
    assert!(item.has_flag(FlagKind::AddedByWorker));
    assert!(item.citations.is_empty());
    assert_eq!(
        d.unresolved_count(),
        1,
        "worker-written items do not need resolving"
    );

    d.move_to(added, "planering").unwrap();
    assert_eq!(d.item(added).unwrap().section, "planering");
    assert_eq!(
        d.move_to(added, "nowhere"),
        Err(ReviewError::NoSuchSection("nowhere".into()))
    );

    d.delete(added).unwrap();
    assert!(d.item(added).is_none());
    assert_eq!(d.delete(added), Err(ReviewError::NoSuchItem(added)));
    assert_eq!(d.edit(1, "  "), Err(ReviewError::EmptyText));

    d.mark_reviewed(2).unwrap();
    let item = d.item(2).unwrap();
    assert!(item.reviewed);
    assert_eq!(item.unresolved().count(), 0);
    // New ids are never reused after deletion.
    let next = d.add("aktuellt", "Ny rad.").unwrap();
    assert!(next > added);
}

#[test]
fn show_cited_text() {
    let d = doc();
    let cited = d.cited_text(1, &transcript()).unwrap();
    assert_eq!(cited.len(), 1);
    assert_eq!(cited[0].segment, 1);
    assert_eq!(
        cited[0].text.as_deref(),
        Some("Hyran är sex tusen tvåhundra kronor.")
    );
    assert_eq!(cited[0].speaker.as_deref(), Some("citizen"));
    assert_eq!(
        d.cited_text(99, &transcript()).unwrap_err(),
        ReviewError::NoSuchItem(99)
    );
    let purged = Transcript {
        language: "sv".into(),
        segments: vec![],
    };
    assert_eq!(d.cited_text(1, &purged).unwrap()[0].text, None);
}

#[test]
fn unresolved_flags_block_approval() {
    let mut d = doc();
    let err = d
        .approve(
            "user-1",
            "2026-05-05T10:00:00Z",
            CitizenParticipation::ReviewedOnScreen,
        )
        .unwrap_err();
    assert_eq!(err, ReviewError::UnresolvedFlags(1));
    assert!(!d.is_approved());
    // An item without citations (unsupported) also blocks.
    d.push_drafted("aktuellt", "Utan stöd.".into(), vec![], false)
        .unwrap();
    assert_eq!(d.unresolved_count(), 2);
    d.mark_reviewed(2).unwrap();
    d.mark_reviewed(3).unwrap();
    assert_eq!(
        d.approve(" ", "t", CitizenParticipation::NotPresent),
        Err(ReviewError::NoApprover)
    );
    d.approve(
        "user-1",
        "2026-05-05T10:00:00Z",
        CitizenParticipation::ReviewedOnScreen,
    )
    .unwrap();
    let a = d.approval.as_ref().unwrap();
    assert_eq!(a.approved_by, "user-1");
    assert_eq!(a.approved_at, "2026-05-05T10:00:00Z");
    assert_eq!(a.citizen, CitizenParticipation::ReviewedOnScreen);
}

#[test]
fn empty_note_cannot_be_approved() {
    let templates = Templates::builtin();
    let mut d = DraftDocument::new(templates.get("da-fsiii").unwrap(), Header::default());
    assert_eq!(
        d.approve("u", "t", CitizenParticipation::NotPresent),
        Err(ReviewError::Empty)
    );
}

#[test]
fn approved_notes_are_immutable_and_changes_need_a_new_version() {
    let mut d = doc();
    d.mark_reviewed(2).unwrap();
    d.approve(
        "user-1",
        "2026-05-05T10:00:00Z",
        CitizenParticipation::DeclinedToReview,
    )
    .unwrap();
    let before = d.clone();
    assert_eq!(d.edit(1, "x"), Err(ReviewError::Approved));
    assert_eq!(d.delete(1), Err(ReviewError::Approved));
    assert_eq!(d.add("aktuellt", "x"), Err(ReviewError::Approved));
    assert_eq!(d.move_to(1, "planering"), Err(ReviewError::Approved));
    assert_eq!(d.mark_reviewed(1), Err(ReviewError::Approved));
    assert_eq!(d.set_citizen_comment("x"), Err(ReviewError::Approved));
    assert_eq!(
        d.approve(
            "user-2",
            "2026-05-05T11:00:00Z",
            CitizenParticipation::NotPresent
        ),
        Err(ReviewError::Approved)
    );
    assert_eq!(d, before);

    let mut v2 = d.new_version().unwrap();
    assert_eq!(v2.version, 2);
    assert!(!v2.is_approved());
    v2.edit(1, "Hyran är 6 200 kr.").unwrap();
    assert_eq!(d, before, "the approved version is untouched");
    assert_eq!(doc().new_version().unwrap_err(), ReviewError::NotApproved);
}

#[test]
fn citizen_comment_is_recorded_as_the_citizens_view() {
    let mut d = doc();
    d.set_citizen_comment("Jag vill att det står att jag söker jobb varje dag.")
        .unwrap();
    assert_eq!(
        d.citizen_comment.as_ref().unwrap().text,
        "Jag vill att det står att jag söker jobb varje dag."
    );
    let view = citizen_view(&d);
    assert!(
        view.contains("Den enskildes kommentar.\nJag vill att det står"),
        "{view}"
    );
    d.mark_reviewed(2).unwrap();
    d.approve(
        "user-1",
        "2026-05-05T10:00:00Z",
        CitizenParticipation::ReviewedOnScreen,
    )
    .unwrap();
    assert!(plain_text(&d).contains("Den enskildes kommentar\nJag vill att det står"));
    assert!(note_json(&d).unwrap().contains("\"citizen_comment\""));
}

#[test]
fn citizen_view_reads_aloud_in_plain_language() {
    let d = doc();
    let view = citizen_view(&d);
    assert!(view.starts_with("Aktuellt.\n"), "{view}");
    assert!(view.contains("6 200 kronor"), "{view}");
    assert!(
        !view.contains('#') && !view.contains('['),
        "no citations or markup: {view}"
    );
    let aktuellt = view.find("Aktuellt").unwrap();
    let uppfattning = view.find("Den enskildes uppfattning").unwrap();
    assert!(aktuellt < uppfattning, "template order");
}

#[test]
fn json_note_has_schema_version_and_plain_text_is_pasteable() {
    let mut d = doc();
    assert_eq!(note_json(&d).unwrap_err(), ReviewError::NotApproved);
    assert!(plain_text(&d).contains("UTKAST"));
    d.mark_reviewed(2).unwrap();
    d.approve(
        "user-1",
        "2026-05-05T10:00:00Z",
        CitizenParticipation::ReviewedOnScreen,
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(&note_json(&d).unwrap()).unwrap();
    assert_eq!(json["schema"], SCHEMA);
    assert_eq!(json["schema_version"], SCHEMA_VERSION);
    assert_eq!(json["template"], "sv-socialtjanst-journal");
    let sections = json["sections"].as_array().unwrap();
    assert_eq!(sections[1]["id"], "aktuellt");
    assert_eq!(sections[1]["items"][0]["citations"][0]["segment"], 1);
    assert_eq!(json["approval"]["citizen"], "reviewed_on_screen");

    let text = plain_text(&d);
    assert!(
        text.starts_with(
            "Datum: 2026-05-05\nKontakt: hembesök\nDeltagare: Sune (sökande)\n\nAktuellt\n"
        ),
        "{text}"
    );
    assert!(text.contains("Godkänd av user-1 2026-05-05T10:00:00Z (den enskilde granskade anteckningen på skärmen). Version 1."));
    assert!(!text.contains('#') && !text.contains("**"));
    let md = markdown(&d);
    assert!(md.contains("## Aktuellt") && md.contains("[#1]"));
}

#[test]
fn documents_round_trip_as_json_for_the_store() {
    let mut d = doc();
    d.set_citizen_comment("Bra.").unwrap();
    let blob = serde_json::to_vec(&d).unwrap();
    let back: DraftDocument = serde_json::from_slice(&blob).unwrap();
    assert_eq!(back, d);
    assert_eq!(back.schema_version, SCHEMA_VERSION);
}

#[test]
fn errors_never_contain_note_text() {
    let mut d = doc();
    let mut errors: Vec<String> = vec![
        d.approve("u", "t", CitizenParticipation::NotPresent)
            .unwrap_err()
            .to_string(),
        d.edit(42, SECRET).unwrap_err().to_string(),
        d.add(SECRET, SECRET).unwrap_err().to_string(),
        d.cited_text(42, &transcript()).unwrap_err().to_string(),
    ];
    d.mark_reviewed(2).unwrap();
    d.approve("u", "t", CitizenParticipation::NotPresent)
        .unwrap();
    errors.push(d.edit(1, SECRET).unwrap_err().to_string());
    for e in errors {
        assert!(
            !e.contains("Sune") && !e.contains("19121212") && !e.contains("6 200"),
            "{e}"
        );
    }
}
