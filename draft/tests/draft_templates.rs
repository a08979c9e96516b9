//! Templates: every built-in parses, has the section ids the evaluation data uses, and a
//! malformed template file is rejected with an error naming the line.
use samtal_draft::template::{Template, TemplateError, Templates};

fn ids(t: &Template) -> Vec<&str> {
    t.sections.iter().map(|s| s.id.as_str()).collect()
}

#[test]
fn builtin_templates_have_the_evaluation_section_ids() {
    let all = Templates::builtin();
    let sv = all.get("sv-socialtjanst-journal").unwrap();
    assert_eq!(
        ids(sv),
        [
            "anledning",
            "aktuellt",
            "enskildes_uppfattning",
            "atgarder",
            "beslut",
            "planering"
        ]
    );
    let ibic = all.get("sv-ibic").unwrap();
    assert_eq!(
        ids(ibic),
        [
            "anledning",
            "larande",
            "allmanna_uppgifter",
            "kommunikation",
            "forflyttning",
            "personlig_vard",
            "hemliv",
            "relationer",
            "utbildning_arbete_ekonomi",
            "samhallsgemenskap",
            "trygghet",
            "enskildes_uppfattning",
            "planering"
        ]
    );
    let da = all.get("da-fsiii").unwrap();
    assert_eq!(
        ids(da),
        [
            "funktionsniveau",
            "bevaegeapparat",
            "ernaering",
            "hud_slimhinder",
            "kommunikation",
            "psykosociale_forhold",
            "respiration_cirkulation",
            "seksualitet",
            "smerter_sanseindtryk",
            "soevn_hvile",
            "viden_udvikling",
            "udskillelse",
            "borgerens_oenske",
            "aftaler"
        ]
    );
    let en = all.get("en-casenote").unwrap();
    assert_eq!(en.language, "en");
    for t in [sv, ibic, da, en] {
        assert_eq!(
            t.header,
            ["date", "time", "contact_kind", "participants", "author"]
        );
        for s in &t.sections {
            for lang in ["sv", "da", "en"] {
                assert!(
                    s.label.contains_key(lang),
                    "{} {} lacks a {lang} label",
                    t.id,
                    s.id
                );
            }
            assert!(!s.description.is_empty());
        }
    }
    assert!(all.get("no-such-template").is_err());
}

#[test]
fn malformed_template_error_names_the_line() {
    let src = "id = \"x\"\nlanguage = \"sv\"\nname = { sv = \"X\" }\nheader = [\"date\"]\n\n[[section]]\nid = \"a\"\nroles = [\"facts\"\nlabel = { sv = \"A\" }\n";
    let err = Template::parse("kommun.toml", src).unwrap_err();
    match &err {
        TemplateError::Syntax { file, line, .. } => {
            assert_eq!(file, "kommun.toml");
            assert!((8..=9).contains(line), "line {line}");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().contains("kommun.toml, line"));
}

#[test]
fn invalid_template_content_names_the_line() {
    let src = "id = \"x\"\nlanguage = \"sv\"\nname = { sv = \"X\" }\nheader = [\"date\"]\n\n[[section]]\nid = \"a\"\nroles = [\"facts\"]\nlabel = { sv = \"A\" }\ndescription = \"d\"\n\n[[section]]\nid = \"a\"\nroles = [\"view\"]\nlabel = { sv = \"B\" }\ndescription = \"d\"\n";
    match Template::parse("kommun.toml", src).unwrap_err() {
        TemplateError::Invalid { line, message, .. } => {
            assert_eq!(line, 13);
            assert!(message.contains("twice"));
        }
        other => panic!("unexpected {other:?}"),
    }
    let bad_role = "id = \"x\"\nlanguage = \"sv\"\nname = { sv = \"X\" }\nheader = [\"date\"]\n[[section]]\nid = \"a\"\nroles = [\"gossip\"]\nlabel = { sv = \"A\" }\ndescription = \"d\"\n";
    match Template::parse("kommun.toml", bad_role).unwrap_err() {
        TemplateError::Syntax { line, .. } => assert_eq!(line, 7),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_municipality_adds_a_template_without_code() {
    let dir = tempfile::tempdir().unwrap();
    let src = include_str!("../templates/sv-socialtjanst-journal.toml").replace(
        "id = \"sv-socialtjanst-journal\"",
        "id = \"kommunen-journal\"",
    );
    std::fs::write(dir.path().join("kommunen.toml"), src).unwrap();
    let all = Templates::with_dir(dir.path()).unwrap();
    assert!(all.get("kommunen-journal").is_ok());
    assert!(all.get("sv-ibic").is_ok());
    std::fs::write(dir.path().join("trasig.toml"), "id = \n").unwrap();
    let err = Templates::with_dir(dir.path()).unwrap_err();
    assert!(err.to_string().contains("trasig.toml, line 1"), "{err}");
}
