//! Stage 4, section classification: the learned model scores every section of the
//! template for a kept sentence. A section that takes only decisions is open to a sentence
//! only when the worker states a decision in it (a decision word and no negation): the
//! drafter never records a decision that was not made.
use super::features::{role_key, section_key, Context, UnitFeatures};
use super::model::{Model, Vector};
use super::speakers::Role;
use super::text::Text;
use crate::template::{Role as SectionRole, Template};

/// A sentence this sure of its section goes there even inside another topic. Chosen on the
/// development set leave-one-meeting-out, mean of eight training orders (0.6–0.9 tried:
/// section accuracy 0.865 / 0.856 / 0.851 / 0.836, recall within 0.003).
pub const CLEAR: f32 = 0.6;

/// Class keys of every section of the template.
pub fn keys(ctx: &Context) -> Vec<[String; 2]> {
    ctx.template
        .sections
        .iter()
        .enumerate()
        .map(|(k, s)| [role_key(&s.roles), section_key(ctx.template, k)])
        .collect()
}

/// Whether unit `u` states a decision: the worker says a decision word, not negated.
pub fn states_decision(ctx: &Context, u: usize) -> bool {
    let unit = &ctx.conv.units[u];
    let t = Text::new(&unit.sentence.text);
    ctx.conv.role(unit) == Role::Worker
        && ctx.lang.class("decisions").any(&t)
        && !ctx.lang.class("negations").any(&t)
        && !unit.sentence.question
}

/// Probabilities of the template's sections for unit `u` (a section that takes only
/// decisions gets none unless the unit states one).
pub fn probabilities(
    ctx: &Context,
    model: &Model,
    keys: &[[String; 2]],
    u: usize,
    x: &Vector,
    f: &UnitFeatures,
) -> Vec<f32> {
    let scores = model.section_scores(x, &f.cues, keys);
    let decision = states_decision(ctx, u);
    // A stated decision is the decisions section's, where the template has one of its own.
    if let Some(d) = decisions_only(ctx.template).filter(|_| decision) {
        let mut p = vec![0.0; scores.len()];
        p[d] = 1.0;
        return p;
    }
    let open: Vec<bool> = (0..scores.len())
        .map(|k| decision || ctx.template.sections[k].roles.as_slice() != [SectionRole::Decisions])
        .collect();
    let max = scores
        .iter()
        .zip(&open)
        .filter(|(_, o)| **o)
        .map(|(s, _)| *s)
        .fold(f32::MIN, f32::max);
    let e: Vec<f32> = scores
        .iter()
        .zip(&open)
        .map(|(s, o)| if *o { (s - max).exp() } else { 0.0 })
        .collect();
    let sum: f32 = e.iter().sum::<f32>().max(f32::MIN_POSITIVE);
    e.iter().map(|x| x / sum).collect()
}

/// The template's section that takes decisions and nothing else, if it has one.
pub fn decisions_only(template: &Template) -> Option<usize> {
    template
        .sections
        .iter()
        .position(|s| s.roles.as_slice() == [SectionRole::Decisions])
}

/// The section of an item: the one its sentences' probabilities add up highest for; a
/// stated decision keeps its item in the decisions section (`decisions`, which only a
/// sentence stating one can score).
pub fn of_item(units: &[&[f32]], decisions: Option<usize>) -> usize {
    if let Some(d) = decisions.filter(|&d| units.iter().any(|p| p.get(d).is_some_and(|v| *v > 0.0)))
    {
        return d;
    }
    let best = |p: &[f32]| {
        (0..p.len())
            .max_by(|&a, &b| p[a].total_cmp(&p[b]))
            .unwrap_or(0)
    };
    let Some(width) = units.iter().map(|p| p.len()).max() else {
        return 0;
    };
    let mut sum = vec![0.0f32; width];
    for p in units {
        for (s, v) in sum.iter_mut().zip(p.iter()) {
            *s += v;
        }
    }
    best(&sum)
}

/// The best section for unit `u`.
pub fn classify(
    ctx: &Context,
    model: &Model,
    keys: &[[String; 2]],
    u: usize,
    x: &Vector,
    f: &UnitFeatures,
) -> usize {
    let p = probabilities(ctx, model, keys, u, x, f);
    of_item(&[&p], decisions_only(ctx.template))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drafter::units::Conversation;
    use crate::language::{Language, Languages};
    use crate::template::Templates;
    use crate::transcript::Transcript;

    fn transcript(turns: &[(&str, &str)]) -> Transcript {
        Transcript::of_turns("sv", turns)
    }

    #[test]
    fn a_decision_needs_a_worker_a_decision_word_and_no_negation() {
        let all = Languages::builtin();
        let lang = all.get(Language::Sv);
        let templates = Templates::builtin();
        let template = templates.get("sv-socialtjanst-journal").unwrap();
        let t = transcript(&[
            ("worker", "Jag beviljar dig försörjningsstöd för maj."),
            ("worker", "Jag kan inte bevilja något idag."),
            ("citizen", "Min granne beviljades bidrag."),
        ]);
        let conv = Conversation::build(&t, lang);
        let ctx = Context::new(&conv, lang, template);
        let stated: Vec<bool> = (0..conv.units.len())
            .map(|u| states_decision(&ctx, u))
            .collect();
        assert_eq!(stated, [true, false, false]);
        // A section that takes only decisions is closed to the others.
        let model = Model::default();
        let keys = keys(&ctx);
        let beslut = template
            .sections
            .iter()
            .position(|s| s.id == "beslut")
            .unwrap();
        for (u, stated) in stated.iter().enumerate() {
            let f = ctx.unit(u);
            let p = probabilities(&ctx, &model, &keys, u, &model.encode(&f.features), &f);
            assert_eq!(p[beslut] > 0.0, *stated, "unit {u}");
            assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-4);
        }
    }

    #[test]
    fn an_item_goes_where_its_sentences_together_point() {
        let a = [0.6, 0.3, 0.1];
        let b = [0.1, 0.5, 0.4];
        let c = [0.0, 0.45, 0.55];
        assert_eq!(of_item(&[&a], None), 0);
        assert_eq!(of_item(&[&a, &b, &c], None), 1);
        assert_eq!(of_item(&[], None), 0);
        assert_eq!(
            of_item(&[&a, &b, &c], Some(2)),
            2,
            "a sentence that can score the decisions section states a decision"
        );
        assert_eq!(of_item(&[&[0.5, 0.5, 0.0], &[0.6, 0.4, 0.0]], Some(2)), 0);
    }
}
