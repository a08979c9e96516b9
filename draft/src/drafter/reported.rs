//! Stage 6, reported speech: what someone said becomes a journal sentence about them.
//! The speaker's first person becomes their third person ("jag har alltid klarat mig
//! själv" → "hen har alltid klarat sig själv"), the worker's "du"/"you" becomes the person
//! addressed, English verbs agree with the new subject ("I have" → "Harold has"), a short
//! answer to a yes/no question becomes a statement ("Have you had any falls?" – "No." →
//! "Harold has not had any falls."), an answer that is only a fragment is reported with
//! its question ("Asked what they eat, Harold answers: toast, soup."), and a frame ("Petra
//! berättar att …") is put only around a full clause. The person shift is `person`, the
//! reading of questions `questions`.
use super::person::{third_person, Shift};
use super::questions::{only_tag, read_question, read_question_of, subject_words, Question};
use super::sentences::Sentence;
use super::speakers::{People, Referent, Role};
use super::text::{bare, capitalise, decapitalise, words, Text};
use crate::language::LanguageData;
use std::cell::{Cell, RefCell};
use std::collections::HashSet;

/// What the drafter knows while phrasing one note.
pub struct Phrasing<'a> {
    pub lang: &'a LanguageData,
    pub people: &'a People,
    /// People already introduced with their description.
    mentioned: RefCell<HashSet<Role>>,
    /// People already named in the item being phrased (later sentences use pronouns).
    named: RefCell<HashSet<Role>>,
    /// People whose words already have a frame ("Harold says that") in the item.
    framed: RefCell<HashSet<Role>>,
    /// Words the transcript also has in lower case: a capital on them only starts a
    /// sentence (names and acronyms never appear in lower case).
    common: HashSet<String>,
    /// Who answers the question being phrased, when the question names the person the
    /// worker otherwise talks with (then its "du" means the one answering).
    answering: Cell<Option<Role>>,
    /// Words the transcript writes with a capital inside a sentence or as a sentence of
    /// their own (lower case).
    names: HashSet<String>,
}

/// One sentence of an item with who said it and the worker question it answers.
pub struct Part<'a> {
    pub sentence: &'a Sentence,
    pub role: Role,
    pub question: Option<&'a Sentence>,
}

impl<'a> Phrasing<'a> {
    pub fn new(lang: &'a LanguageData, people: &'a People) -> Phrasing<'a> {
        Phrasing {
            lang,
            people,
            mentioned: RefCell::new(HashSet::new()),
            named: RefCell::new(HashSet::new()),
            framed: RefCell::new(HashSet::new()),
            common: HashSet::new(),
            answering: Cell::new(None),
            names: HashSet::new(),
        }
    }

    /// Learns which words are common words from the transcript's own text, and which may be
    /// names: written with a capital where no sentence starts.
    pub fn with_vocabulary<'t>(mut self, texts: impl Iterator<Item = &'t str>) -> Phrasing<'a> {
        for t in texts {
            let mut starts = true;
            for token in t.split_whitespace() {
                let w: String = token
                    .trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
                    .to_string();
                let ends = token.ends_with(['.', '?', '!', ':']);
                let capital = w.chars().next().is_some_and(char::is_uppercase);
                if w.chars().next().is_some_and(char::is_lowercase) {
                    self.common.insert(w);
                } else if capital && !starts {
                    // Inside a sentence, as a name is told: a name, or at least not known
                    // to be none. A word that is a sentence of its own ("Knuffar.",
                    // "Nudlar.", "Ruby.") is no sign: in the development meetings such
                    // words were common words some sixty times for one name that was
                    // not a participant's.
                    self.names.insert(w.to_lowercase());
                }
                starts = ends;
            }
        }
        self
    }

    /// The sentence with its first letter lower-cased, unless it starts with a name.
    fn lower_first(&self, s: &str) -> String {
        let first: String = s.chars().take_while(|c| c.is_alphanumeric()).collect();
        let lower = first.to_lowercase();
        // A one-letter word is an article ("A wash …"), unless it is English "I".
        let single =
            first.chars().count() == 1 && !self.lang.grammar.first_subject.contains(&lower);
        let pronoun = self
            .lang
            .grammar
            .pronouns
            .values()
            .any(|p| p.contains(&lower))
            || self.lang.grammar.first_plural.values().any(|p| *p == lower);
        // Only ever capitalised where a sentence starts: a common word, not a name.
        let never_named = !self.is_name(&first);
        if single
            || pronoun
            || self.common.is_empty()
            || self.common.contains(&lower)
            || never_named
        {
            decapitalise(s)
        } else if first.chars().count() > 1 {
            s.to_string()
        } else {
            decapitalise(s)
        }
    }

    /// Whether `word` is a name: written with a capital inside a sentence somewhere in the
    /// transcript, or the first name of someone in the meeting.
    fn is_name(&self, word: &str) -> bool {
        self.names.contains(&word.to_lowercase())
            || [Role::Worker, Role::Citizen, Role::Relative, Role::Other]
                .iter()
                .any(|r| self.people.of(*r).name.as_deref() == Some(word))
    }

    fn label(&self, role: Role) -> String {
        let first = self.mentioned.borrow_mut().insert(role.voice());
        let mut l = self.people.of(role).label(first);
        if role == Role::Interpreter && first {
            l = format!("{l} ({})", self.lang.report.via_interpreter);
        }
        l
    }

    /// Whom the worker's "du"/"you" means: the person the worker talks with, or the one
    /// answering when the question names that person ("Vill ni att Birgit ska bo kvar?").
    fn addressee_role(&self) -> Role {
        self.answering.get().unwrap_or(self.people.addressee)
    }

    fn addressee(&self) -> &Referent {
        self.people.of(self.addressee_role())
    }

    /// "Förlåt, det är rätt." → "Det är rätt.": an apology opening a sentence says nothing
    /// for the note (the sentence keeps it for the models, which learned from it).
    fn without_apology(&self, text: &str) -> String {
        let ws = words(text);
        let text = match self.lang.compiled.apologies.prefix_len(&ws) {
            Some(n) if n > 0 && n < ws.len() => {
                let rest = &text[super::corrections::word_offset(text, n)..];
                capitalise(rest.trim_start_matches([',', ' ']))
            }
            _ => text.to_string(),
        };
        // "…så arg, ursäkta.": also an apology that closes the sentence.
        match text.rsplit_once(", ") {
            Some((head, tail))
                if self.lang.compiled.apologies.prefix_len(&words(tail))
                    == Some(words(tail).len()) =>
            {
                let end: String = tail
                    .chars()
                    .filter(|c| matches!(c, '.' | '?' | '!'))
                    .collect();
                format!("{head}{end}")
            }
            _ => text,
        }
    }

    /// "Du har ju ansökt om hemtjänst, Gunnel, efter att du ramlade." → without ", Gunnel";
    /// "Den tolfte, mamma, en torsdag." → without ", mamma": calling someone by name or as
    /// "mamma" is no part of what the note reports. The worker calls the person they talk
    /// with; a relative calls the citizen, by name or by what they are to each other.
    fn without_vocative(&self, text: &str, role: Role) -> String {
        let mut calls: Vec<String> = Vec::new();
        if role == Role::Worker {
            calls.extend(self.addressee().name.clone());
        } else if role.voice() == Role::Relative {
            calls.extend(self.people.citizen.name.clone());
            for nouns in self.lang.grammar.gendered.values() {
                calls.extend(nouns.iter().map(|n| capitalise(n)));
                calls.extend(nouns.iter().cloned());
            }
        }
        let mut out = text.to_string();
        for name in &calls {
            if let Some(rest) = out.strip_prefix(&format!("{name}, ")) {
                out = capitalise(rest);
            }
            for end in [",", ".", "?", "!"] {
                out = out.replace(&format!(", {name}{end}"), end);
            }
        }
        out
    }

    fn shift(&self, text: &str, role: Role) -> String {
        self.shift_with(text, role, true)
    }

    /// Someone else's words quoted in a turn: the sentence ends in a reporting tag ("Bilen
    /// er min frihed, siger han.") or calls the speaker by name ("Jeg har lige spist,
    /// Lone." said by Lone). Its "I" is not the speaker's, so it is kept as said, in quotes:
    /// "»Bilen er min frihed«, siger han.", "»Jeg har lige spist, Lone«.".
    fn quoted(&self, text: &str, role: Role) -> Option<String> {
        if role == Role::Worker {
            return None;
        }
        let r = &self.lang.report;
        let g = &self.lang.grammar;
        let (body, tail) = text.rsplit_once(", ")?;
        // Only one person can be the quote's "I" ("siger han"); "they said" reports what
        // others told the speaker, about the speaker.
        let one = |w: &str| {
            g.pronouns
                .iter()
                .filter(|(k, _)| k.as_str() != "neutral")
                .any(|(_, p)| p.first().is_some_and(|s| s == w))
        };
        let tail_said: Vec<&str> = tail
            .trim_end_matches(['.', '!'])
            .split_whitespace()
            .collect();
        let tag = match tail_said.as_slice() {
            [a, b] => {
                let named = |w: &str| one(w) || self.is_name(w);
                (g.reporting_verbs.contains(&a.to_lowercase()) && named(b))
                    || (named(a) && g.reporting_verbs.contains(&b.to_lowercase()))
            }
            _ => false,
        };
        let own_name = self
            .people
            .of(role)
            .name
            .as_deref()
            .is_some_and(|n| tail.trim_end_matches(['.', '!', '?']) == n);
        if !self.lang.class("first_person").any(&Text::new(body)) {
            None
        } else if tag {
            Some(format!("{}{body}{}, {tail}", r.quote_open, r.quote_close))
        } else if own_name {
            let said = text.trim_end_matches(['.', '!']);
            Some(format!("{}{said}{}.", r.quote_open, r.quote_close))
        } else {
            None
        }
    }

    /// The worker's "we" is the service ("Vi har öppenvården Kompassen"), except with a verb
    /// of meeting: "Vi ses på kontoret nästa tisdag" is the worker and the one they talk
    /// with ("Lotta och Nadia ses …", "Då ses Lotta och Nadia").
    fn we_meet(&self, text: &str) -> String {
        let g = &self.lang.grammar;
        let we = |w: &str| g.first_plural.contains_key(w) && g.subjects.iter().any(|s| s == w);
        let ws: Vec<&str> = text.split(' ').collect();
        let meets = |k: usize| {
            ws.get(k)
                .is_some_and(|w| g.reciprocal_verbs.contains(&bare(w)))
        };
        let Some(k) =
            (0..ws.len()).find(|&k| we(&bare(ws[k])) && (meets(k + 1) || k > 0 && meets(k - 1)))
        else {
            return text.to_string();
        };
        // After the worker's own "I" in the sentence, a pronoun ("Jag vill att vi träffas"
        // → "Karolina vill att hon och Jasmina träffas"), unless it is also the other one's.
        let worker = self.people.of(Role::Worker);
        let named_before = ws[..k].iter().any(|w| g.first_subject.contains(&bare(w)));
        let shared = worker.pronouns[0] == self.addressee().pronouns[0];
        let who = if named_before && !shared {
            worker.pronouns[0].clone()
        } else {
            worker.short()
        };
        let both = format!(
            "{who} {} {}",
            self.lang.report.and,
            self.addressee().short()
        );
        let both = if k == 0 { capitalise(&both) } else { both };
        let close: String = ws[k].chars().skip_while(|c| c.is_alphabetic()).collect();
        let mut out: Vec<String> = ws.iter().map(|w| w.to_string()).collect();
        out[k] = format!("{both}{close}");
        out.join(" ")
    }

    fn shift_with(&self, text: &str, role: Role, name_addressee: bool) -> String {
        if let Some(quote) = self.quoted(text, role) {
            return quote;
        }
        let worker = role == Role::Worker;
        let text = &self.without_vocative(&self.without_apology(text), role);
        let text = &if worker {
            self.we_meet(text)
        } else {
            text.to_string()
        };
        let addressee = self.addressee_role().voice();
        let named = |r: Role| self.named.borrow().contains(&r);
        // When the worker shares a pronoun with the person they talk with or with the
        // citizen ("they", "hen", "vedkommende"), a pronoun could mean either: the worker is
        // named in every sentence of theirs, and so is the addressee.
        let own = &self.people.of(role).pronouns[0];
        let clash = worker
            && (*own == self.addressee().pronouns[0]
                || *own == self.people.of(Role::Citizen).pronouns[0]);
        let out = third_person(
            text,
            self.lang,
            &Shift {
                speaker: self.people.of(role),
                addressee: worker.then(|| self.addressee()),
                name_speaker: worker && (clash || !named(Role::Worker)),
                name_addressee: name_addressee && (clash || !named(addressee)),
                plural: !worker,
            },
        );
        // Once named in an item, a person is "she"/"they" in its later sentences.
        let lower = out.to_lowercase();
        for r in [Role::Worker, addressee] {
            if lower.contains(&self.people.of(r).short().to_lowercase()) {
                self.named.borrow_mut().insert(r);
            }
        }
        out
    }

    /// A yes/no question in statement order: "he has got new tablets"; `answered` for the
    /// statement a yes or no makes of it, which names the person.
    fn yes_no_clause(&self, verb: &str, rest: &str, answered: bool) -> Option<(String, String)> {
        self.yes_no_clause_of(verb, rest, answered, Role::Worker)
    }

    /// [`Phrasing::yes_no_clause`] for a question asked by `role`.
    fn yes_no_clause_of(
        &self,
        verb: &str,
        rest: &str,
        answered: bool,
        role: Role,
    ) -> Option<(String, String)> {
        // Statement order first ("you would say …"), then the person shift, so the verb
        // agrees with the new subject and what follows the verb is left alone.
        let mut ws: Vec<&str> = rest.split_whitespace().collect();
        if ws.is_empty() {
            return None;
        }
        let subject_words = subject_words(&ws, self.lang);
        let subject = ws.drain(..subject_words).collect::<Vec<_>>().join(" ");
        // A second question joined on keeps its verb first: "… ensam eller har du någon med
        // dig" → "… ensam eller om du har någon med dig". (A yes or no to both is left as
        // said: no rule here tells which of the two it answers.)
        let g = &self.lang.grammar;
        let whether = self.lang.report.whether.as_str();
        let joined = (1..ws.len().saturating_sub(2)).find(|&k| {
            g.auxiliaries.contains(&bare(ws[k + 1]))
                && self.lang.compiled.subjects.has_word(&bare(ws[k + 2]))
                && !ws[k].ends_with(',')
        });
        if let Some(k) = joined.filter(|_| !answered) {
            ws.swap(k + 1, k + 2);
            ws.insert(k + 1, whether);
        }
        let declarative = format!("{subject} {verb} {}", ws.join(" "));
        let shifted = self.shift_with(declarative.trim(), role, answered);
        let mut out: Vec<&str> = shifted.split_whitespace().collect();
        if out.len() < subject_words + 1 {
            return None;
        }
        let head = out.drain(..subject_words + 1).collect::<Vec<_>>().join(" ");
        Some((head, out.join(" ")))
    }

    /// The worker's question as a statement about the person asked: "Have you had any
    /// falls?" – "No." → "Harold has not had any falls."; "Og agrafferne, er de fjernet?" –
    /// "Ja." → "Agrafferne er fjernet."
    fn statement(&self, q: &Question, polarity: bool) -> Option<String> {
        let negation = self.lang.grammar.negation.as_deref().unwrap_or("not");
        // "Du har inte fått några fler pass?" – "Nej.": the question says the no already.
        let negated = |t: &str| self.lang.class("negations").any(&Text::new(t));
        let polarity = polarity
            || match q {
                Question::YesNo { rest, .. } => negated(rest),
                Question::Statement { clause, .. } => negated(clause),
                _ => false,
            };
        let statement = match q {
            Question::YesNo { verb, rest } => {
                let (head, tail) = self.yes_no_clause(verb, rest, true)?;
                let negation = if polarity {
                    String::new()
                } else {
                    format!(" {negation}")
                };
                format!("{}{negation} {tail}", capitalise(&head))
            }
            Question::Statement { clause, verb } => {
                let mut ws: Vec<&str> = clause.split_whitespace().collect();
                if !polarity {
                    ws.insert((*verb + 1).min(ws.len()), negation);
                }
                capitalise(&self.shift_with(&ws.join(" "), Role::Worker, true))
            }
            _ => return None,
        };
        Some(format!("{}.", statement.trim_end()))
    }

    /// Journal text for one item.
    pub fn item(&self, parts: &[Part], view: bool) -> String {
        self.named.borrow_mut().clear();
        self.framed.borrow_mut().clear();
        let mut out: Vec<String> = Vec::new();
        let mut k = 0;
        while k < parts.len() {
            let role = parts[k].role;
            let mut end = k + 1;
            while end < parts.len() && parts[end].role == role && parts[end].question.is_none() {
                end += 1;
            }
            let run = &parts[k..end];
            if role == Role::Worker {
                for p in run
                    .iter()
                    .filter(|p| !p.sentence.question && !p.sentence.text.is_empty())
                {
                    let text = p.sentence.written();
                    out.push(
                        self.instruction(text)
                            .unwrap_or_else(|| self.shift(text, role)),
                    );
                }
            } else {
                out.extend(self.answer_run(run, view));
                self.answering.set(None);
            }
            k = end;
        }
        if out.is_empty() {
            // Only questions: the worker asked, nothing else was said to it.
            for p in parts.iter().filter(|p| !p.sentence.text.is_empty()) {
                out.push(self.shift(&p.sentence.text, p.role).replace('?', "."));
            }
        }
        out.join(" ")
    }

    /// The worker's instruction to the one they talk with, as what that person is to do:
    /// "Ta med legitimation." → "Jasmina ska ta med legitimation.", "Don't ignore any
    /// letters." → "Jordan should not ignore any letters." None for anything else.
    fn instruction(&self, text: &str) -> Option<String> {
        let g = &self.lang.grammar;
        let mut ws: Vec<&str> = text.split_whitespace().collect();
        let before = ws
            .first()
            .is_some_and(|w| g.imperative_negations.contains(&bare(w)));
        if before {
            ws.remove(0);
        }
        let (first, rest) = ws.split_first()?;
        // "Ring, hvis …" or "Send." tells no one what to do with what.
        if !first.chars().all(char::is_alphabetic) || rest.is_empty() {
            return None;
        }
        let verb = g.imperatives.get(&first.to_lowercase())?;
        let mut rest = rest.to_vec();
        let after = rest
            .first()
            .is_some_and(|w| g.negation.as_deref() == Some(*w));
        if after {
            rest.remove(0);
        }
        let negation = g.negation.as_deref().filter(|_| before || after);
        let rest = self.shift(&rest.join(" "), Role::Worker);
        let label = self.label(self.addressee_role());
        Some(
            [
                Some(label.as_str()),
                Some(self.lang.report.should.as_str()),
                negation,
                Some(verb),
            ]
            .into_iter()
            .flatten()
            .chain([rest.as_str()])
            .collect::<Vec<_>>()
            .join(" "),
        )
    }

    /// Whether `ws` is an infinitive: its "at"/"att" (`that`) with no subject after it ("at
    /// tage bussen", not "at hun tager bussen").
    fn infinitive(&self, ws: &[String], that: &str) -> bool {
        ws.first().is_some_and(|w| w == that)
            && ws.get(1).is_some_and(|w| {
                !self.subject_word(w) && !self.lang.grammar.clause_adverbs.contains(w)
            })
    }

    /// "{asked} {clause}, {label} {verb}{that} {content}", or with the verb before the
    /// label in languages that put the verb second; without a question, "{label} {verb}…".
    fn frame(
        &self,
        asked: Option<(&str, &str)>,
        label: &str,
        verb: &str,
        that: &str,
        content: &str,
    ) -> String {
        let join = |that: &str| {
            if that.starts_with([',', ':']) || that.is_empty() {
                that.to_string()
            } else {
                format!(" {that}")
            }
        };
        // "Om någon kunde hjälpa dem …" or "Tänk om …" has no main clause to put after
        // "att": it is reported as said, after a colon.
        let g = &self.lang.grammar;
        let that_word = bare(that);
        let content_words = words(content);
        // "då skickar de in …" puts "då" first as an adverb, its subject after the verb.
        let verb_second = content
            .split_whitespace()
            .nth(2)
            .is_some_and(|w| self.subject_word(w));
        let dangling = content_words.first().is_some_and(|w| {
            *w != that_word
                && (g.clause_openers.contains(w) && !content.contains(',') && !verb_second
                    || g.imperatives.contains_key(w))
        });
        // Someone else's words in quotes are reported as said, after a colon.
        let dangling = dangling || content.starts_with(self.lang.report.quote_open.as_str());
        let subordinate = !that.is_empty() && !that.starts_with(':') && !dangling;
        // "Att hon inte orkar mer." is a subordinate clause already.
        let already = subordinate && content_words.first() == Some(&that_word);
        // "At tage bussen ud til Ove igen." is an infinitive, not a clause: it is quoted.
        let infinitive = already && self.infinitive(&content_words, &that_word);
        let content = if subordinate && !already {
            self.subordinate(content)
        } else {
            content.to_string()
        };
        let that = if infinitive || dangling && !that.is_empty() {
            ":"
        } else if already {
            // Its own "at" goes, a comma before it stays (", at" → ",").
            that.trim_end()
                .strip_suffix(that_word.as_str())
                .unwrap_or("")
                .trim_end()
        } else {
            that
        };
        let that = join(that);
        // After the question a role label ("The client") is inside the sentence.
        let r = &self.lang.report;
        let inside = if asked.is_some()
            && [&r.citizen, &r.relative, &r.worker, &r.other]
                .iter()
                .any(|l| label.starts_with(l.as_str()))
        {
            decapitalise(label)
        } else {
            label.to_string()
        };
        let label = inside.as_str();
        match asked {
            None => format!("{label} {verb}{that} {content}"),
            Some((asked, clause)) if self.lang.grammar.verb_second.unwrap_or(false) => {
                format!("{asked} {clause} {verb} {label}{that} {content}")
            }
            Some((asked, clause)) => format!("{asked} {clause}, {label} {verb}{that} {content}"),
        }
    }

    /// Whether `w` (as written) can be a clause's subject: a subject pronoun, the first form
    /// of a person's pronouns, or a name.
    fn subject_word(&self, w: &str) -> bool {
        let b = bare(w);
        self.lang.compiled.subjects.has_word(&b)
            || self
                .lang
                .grammar
                .pronouns
                .values()
                .any(|p| p.first() == Some(&b))
            || (w.chars().next().is_some_and(char::is_uppercase) && !self.common.contains(&b))
    }

    /// A main clause as a clause after "att"/"at": in Swedish and Danish a sentence
    /// adverb goes before the finite verb ("hen vill inte" → "hen inte vill") and a fronted
    /// word goes after the subject ("nu bor hen" → "hen nu bor").
    fn subordinate(&self, clause: &str) -> String {
        let g = &self.lang.grammar;
        if !g.verb_second.unwrap_or(false) {
            return clause.to_string();
        }
        let mut ws: Vec<String> = clause.split(' ').map(String::from).collect();
        // A fronted word or place or time of up to three words ("nu", "hos Elin", "i måndags
        // kväll") before the verb and its subject. A preposition, a conjunction or a word
        // that opens a clause is never the finite verb: "kun i den ene side" has no clause to
        // turn.
        let not_verb = |w: &str| {
            g.prepositions.contains(&bare(w))
                || g.clause_openers.contains(&bare(w))
                || self.lang.compiled.leading_conjunctions.has_word(&bare(w))
        };
        if let Some(turned) = self.object_first(&ws, not_verb) {
            return turned;
        }
        // The first of `rest` is a sentence adverb after `verb`: one of the clause's, or one
        // that is so only between a modal and its bare verb (Danish "kan godt varme", where
        // "det går godt" keeps its "godt").
        let sentence_adverb = |verb: &str, rest: &[String]| {
            let w = bare(&rest[0]);
            g.clause_adverbs.contains(&w)
                || g.modal_adverbs.contains(&w)
                    && plain(&rest[0])
                    && g.takes_bare_verb(&bare(verb))
                    && rest.len() > 1
        };
        let fronted = (1..=FRONTED.min(ws.len().saturating_sub(2))).find(|&v| {
            // Longer than a word, only a place or time ("på fredagar"): "hyresavtalet har
            // hen" fronts an object, which has to go after the verb.
            (v == 1 || g.prepositions.contains(&bare(&ws[0])))
                && self.subject_word(&ws[v + 1])
                && !not_verb(&ws[v])
                && ws[..=v + 1].iter().all(|w| plain(w))
                && ws[..v].iter().enumerate().all(|(k, w)| {
                    // After a preposition a name is no subject ("hos Elin").
                    (k > 0 || !self.subject_word(w))
                        && !self.lang.compiled.leading_conjunctions.has_word(&bare(w))
                })
        });
        if let Some(v) = fronted {
            // X V S … → S X V …, and a sentence adverb before the verb: "hos Elin kan hen
            // inte bo kvar" → "hen hos Elin inte kan bo kvar".
            let s = ws.remove(v + 1);
            ws.insert(0, s);
            let verb = v + 1;
            if ws.len() > verb + 1
                && plain(&ws[verb + 1])
                && sentence_adverb(&ws[verb], &ws[verb + 1..])
            {
                ws.swap(verb, verb + 1);
            }
        } else if ws.len() >= 3
            && self.subject_word(&ws[0])
            && plain(&ws[1])
            && sentence_adverb(&ws[1], &ws[2..])
        {
            // The punctuation stays where it was: "vet inte." → "inte vet."
            let tail: String = ws[2].chars().skip_while(|c| c.is_alphanumeric()).collect();
            let adverb: String = ws[2].chars().take_while(|c| c.is_alphanumeric()).collect();
            ws[2] = format!("{}{tail}", ws[1]);
            ws[1] = adverb;
        }
        ws.join(" ")
    }

    /// A main clause that puts "det" first as its object, with a person for subject ("det
    /// har hon sagt i flera år"), as a clause after "att": the object goes after the verb,
    /// after the bare verb an auxiliary or modal takes, or after a preposition left at the
    /// end, and a sentence adverb before the finite verb ("hon har sagt det i flera år",
    /// "hon inte gör det", "han måske ville gå med til det"). Only the clause up to the first
    /// punctuation is turned. A cleft ("det var hon som ringde") stays as said: None.
    fn object_first(&self, ws: &[String], not_verb: impl Fn(&str) -> bool) -> Option<String> {
        let g = &self.lang.grammar;
        let object = g.impersonal.first()?;
        let end = ws.iter().position(|w| !plain(w)).unwrap_or(ws.len() - 1);
        // A word that is also a preposition is the verb when the subject and only sentence
        // adverbs follow it: "det ved jeg ikke" (Danish "ved", know), never "det ved Erik".
        let only_adverbs_after_subject = || {
            ws.get(3)
                .filter(|_| end >= 3)
                .is_none_or(|w| g.clause_adverbs.contains(&bare(w)))
        };
        if end < 2
            || bare(&ws[0]) != *object
            || !plain(&ws[0])
            || !plain(&ws[1])
            || (not_verb(&ws[1])
                && !(g.prepositions.contains(&bare(&ws[1])) && only_adverbs_after_subject()))
            || !self.subject_word(&ws[2])
            || g.impersonal.contains(&bare(&ws[2]))
        {
            return None;
        }
        // The clause's words without the punctuation that closes it, which goes back after
        // its new last word.
        let word = ws[end].trim_end_matches(|c: char| !c.is_alphanumeric());
        let close = ws[end][word.len()..].to_string();
        let mut clause: Vec<String> = ws[..=end].to_vec();
        clause[end] = word.to_string();
        let (verb, subject) = (clause[1].clone(), clause[2].clone());
        let advs = clause[3..]
            .iter()
            .take_while(|w| g.clause_adverbs.contains(&bare(w)))
            .count();
        let adverbs = clause[3..3 + advs].to_vec();
        let rest = clause[3 + advs..].to_vec();
        let v = bare(&verb);
        // "det är hon och barnen" says who: "det" is its subject.
        let joined = rest
            .first()
            .is_some_and(|w| self.lang.compiled.leading_conjunctions.has_word(&bare(w)));
        if joined
            || rest.len() > 1
                && (g.clause_openers.contains(&bare(&rest[0]))
                    || g.impersonal.contains(&bare(&rest[0])))
        {
            return None;
        }
        let takes_verb = g.takes_bare_verb(&v);
        let stranded = rest
            .last()
            .is_some_and(|w| g.prepositions.contains(&bare(w)));
        let at = if stranded {
            rest.len()
        } else if takes_verb && !rest.is_empty() && g.self_word.as_ref() != Some(&bare(&rest[0])) {
            let w = bare(&rest[0]);
            if g.prepositions.contains(&w) || self.subject_word(&rest[0]) {
                return None;
            }
            1
        } else {
            0
        };
        let mut out = vec![subject];
        out.extend(adverbs);
        out.push(verb);
        out.extend(rest[..at].iter().cloned());
        out.push(object.clone());
        out.extend(rest[at..].iter().cloned());
        let last = out.len() - 1;
        out[last].push_str(&close);
        out.extend(ws[end + 1..].iter().cloned());
        Some(out.join(" "))
    }

    /// The worker's question as a clause after "Asked whether", "Asked" or "Asked about".
    fn question_clause(&self, q: &Sentence) -> Option<(String, String)> {
        // A question whose start was cut off cannot be read: the answer goes without it.
        if q.cut_start {
            return None;
        }
        let r = &self.lang.report;
        let question = read_question(q.written(), self.lang, |w| self.is_name(w))?;
        if let Question::About { topic } = &question {
            // "Birgit?" calls someone; it asks about nothing. "Familj?" asks about family:
            // a word never written in lower case is a name only where it is written as one.
            let ws = words(topic);
            let calls = |w: &String| {
                !self.common.contains(w) && (self.common.is_empty() || self.is_name(topic.trim()))
            };
            if ws.len() < 2 && ws.iter().all(calls) {
                return None;
            }
        }
        match question {
            Question::YesNo { verb, rest } => {
                let (head, tail) = self.yes_no_clause(&verb, &rest, false)?;
                Some((
                    r.asked_whether.clone(),
                    format!("{head} {tail}").trim().to_string(),
                ))
            }
            Question::Open { clause } => Some((
                r.asked.clone(),
                self.lower_first(&self.shift_with(&clause, Role::Worker, false)),
            )),
            Question::About { topic } => Some((
                r.asked_about.clone(),
                self.lower_first(&self.shift_with(&topic, Role::Worker, false)),
            )),
            Question::Statement { clause, .. } => Some((
                r.asked_whether.clone(),
                self.lower_first(&self.shift_with(&clause, Role::Worker, false)),
            )),
        }
    }

    /// A question someone other than the worker asked, reported: "Linus frågar om hen får
    /// tänka på det." None for questions that cannot be turned around.
    fn reported_question(&self, sentence: &Sentence, role: Role) -> Option<String> {
        // A short question without a subject ("Även Miras konto?", "På skolan?") only
        // echoes a topic of the worker's: there is no question to report.
        if sentence.short_answer {
            return None;
        }
        let text = &sentence.text;
        let r = &self.lang.report;
        let label = self.people.of(role).short();
        let content = match read_question_of(text, self.lang, false)? {
            Question::YesNo { verb, rest } => {
                let (head, tail) = self.yes_no_clause_of(&verb, &rest, false, role)?;
                return Some(format!(
                    "{}.",
                    self.frame(
                        None,
                        &label,
                        &r.asks,
                        &r.whether,
                        format!("{head} {tail}").trim()
                    )
                ));
            }
            Question::Open { clause } => self.shift(&clause, role),
            // Someone's own words said as a question ("I haven't been there since
            // Christmas?") or a topic alone ask nothing a note reports.
            Question::About { .. } | Question::Statement { .. } => return None,
        };
        Some(format!(
            "{}.",
            self.frame(None, &label, &r.asks, "", &content)
        ))
    }

    /// Whether `answer` says nothing `question` did not: its words are the question's, or
    /// persons, auxiliaries, the verb that stands for another ("Det gjorde jag."), clause
    /// adverbs, a negation, a yes or no ("I would say." to
    /// "Would you say you feel lonely?"). With `verb`, the question's words count only when
    /// the answer says that verb again: "Ja, toilettet klarer jeg selv." restates "Og
    /// toilettet, klarer du det selv?", where "Ja, i armen." says which.
    fn restates(&self, answer: &str, question: &str, verb: Option<&str>) -> bool {
        let g = &self.lang.grammar;
        let c = &self.lang.compiled;
        let said = words(answer);
        let again = verb.is_none_or(|v| said.iter().any(|w| w == v));
        let asked = if again { words(question) } else { Vec::new() };
        said.iter().all(|w| {
            asked.contains(w)
                || g.subjects.contains(w)
                || g.first_subject.contains(w)
                || g.auxiliaries.contains(w)
                || g.pro_verbs.contains(w)
                || g.clause_adverbs.contains(w)
                || g.negation.as_deref() == Some(w.as_str())
                || c.yes.has_word(w)
                || c.no.has_word(w)
        })
    }

    /// Whether every content word of `a` (by its first four letters; a negation is none)
    /// is one of `b`'s: "I knät." after "Har du ont i knät?" and "Nej, ingen fullmakt."
    /// after "Har du fullmakt?" say it again, "Sista passet, det var i januari." after "Har
    /// du fått fler pass?" says more.
    fn echoes(&self, a: &str, b: &str) -> bool {
        let negations = self.lang.class("negations");
        let stems = |t: &str| -> Vec<String> {
            words(t)
                .into_iter()
                .filter(|w| w.chars().count() >= 4 && !negations.any(&Text::new(w)))
                .map(|w| w.chars().take(4).collect())
                .collect()
        };
        let (sa, sb) = (stems(a), stems(b));
        !sa.is_empty() && sa.iter().all(|s| sb.contains(s))
    }

    /// The one name a question asks about ("Can I ask about Joan?") when the answer opens
    /// with a third-person pronoun for it ("She died …"); names of the people in the
    /// meeting and words the transcript also writes in lower case are not such names.
    fn named_in(&self, question: &str, answer: &str) -> Option<String> {
        let g = &self.lang.grammar;
        let first = words(answer).into_iter().next()?;
        let third = g
            .pronouns
            .iter()
            .filter(|(k, _)| k.as_str() != "neutral")
            .any(|(_, p)| p.first() == Some(&first));
        if !third {
            return None;
        }
        let people: Vec<String> = [Role::Worker, Role::Citizen, Role::Relative, Role::Other]
            .iter()
            .filter_map(|r| self.people.of(*r).name.clone())
            .collect();
        let names: Vec<String> = question
            .split_whitespace()
            .skip(1)
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
            .filter(|w| {
                w.chars().next().is_some_and(char::is_uppercase)
                    && w.chars().count() > 1
                    && !self.common.contains(&w.to_lowercase())
                    && !g.first_subject.contains(&w.to_lowercase())
                    && !people.contains(w)
            })
            .collect();
        match names.as_slice() {
            [name] => Some(name.clone()),
            _ => None,
        }
    }

    /// Whether a sentence opens with a bare answer before a comma ("About four hundred
    /// pounds, and I get paid on Friday"): its first clause has no subject. A condition
    /// before a bare answer is one too ("Når jeg sidder, tre.").
    fn opens_bare(&self, sentence: &str) -> bool {
        let sentence = self.without_apology(sentence);
        let Some((head, tail)) = sentence.split_once(',') else {
            return false;
        };
        let g = &self.lang.grammar;
        let subject = |w: &String| g.subjects.contains(w) || g.first_subject.contains(w);
        let head = words(head);
        let tail = words(tail);
        let bare_after_condition = head.first().is_some_and(|w| g.clause_openers.contains(w))
            && head.len() <= BARE_HEAD
            && !tail.is_empty()
            && tail.len() <= 2
            && !tail.iter().any(subject);
        !head.is_empty()
            && (bare_after_condition || head.len() <= BARE_HEAD && !head.iter().any(subject))
    }

    /// A run of sentences by one person other than the worker.
    fn answer_run(&self, run: &[Part], view: bool) -> Vec<String> {
        let r = &self.lang.report;
        let role = run[0].role;
        let mut out: Vec<String> = Vec::new();
        // Leading fragments answer the question together ("Water tablets. Two in the morning.").
        let lead = run
            .iter()
            .take_while(|p| {
                p.sentence.short_answer
                    || p.sentence.text.is_empty()
                    || self.opens_bare(&p.sentence.text)
                        && self.quoted(p.sentence.written(), role).is_none()
            })
            .count();
        let rest: Vec<&Part> = run[lead..]
            .iter()
            .filter(|p| !p.sentence.text.is_empty())
            .filter(|p| {
                !p.sentence.question
                    || read_question_of(&p.sentence.text, self.lang, false)
                        .is_some_and(|q| !matches!(q, Question::About { .. }))
            })
            .collect();
        // "Förlåt." answers nothing: an apology alone is no fragment of the answer. "Två
        // veckor? Tre." asks nothing either: it is an answer said unsure, and keeps its mark;
        // but "Vapen?" only echoes the question, and a question mark never ends the answer.
        let asked_words: Vec<String> = run[0].question.map_or_else(Vec::new, |q| words(&q.text));
        let unsure = |k: usize| {
            let p = &run[k];
            read_question_of(&p.sentence.text, self.lang, false)
                .is_none_or(|q| matches!(q, Question::About { .. }))
                && !words(&p.sentence.text)
                    .iter()
                    .all(|w| asked_words.contains(w))
                && run[k + 1..lead]
                    .iter()
                    .any(|p| !p.sentence.text.is_empty() && !p.sentence.question)
        };
        let fragments: Vec<String> = (0..lead)
            .filter(|&k| {
                let p = &run[k];
                !p.sentence.text.is_empty() && (!p.sentence.question || unsure(k))
            })
            .map(|k| &run[k])
            .filter(|p| !super::corrections::only_lead(&p.sentence.text, self.lang))
            .map(|p| {
                self.lower_first(
                    self.shift(p.sentence.written(), role)
                        .trim_end_matches(['.', '!']),
                )
            })
            .collect();
        let question = run[0].question;
        let parsed = question.and_then(|q| read_question(&q.text, self.lang, |w| self.is_name(w)));
        // "Vill ni att Birgit ska bo kvar hemma?" – "Ja." from her husband: the question
        // names Birgit, so its "ni" is the one who answers.
        let default = self.people.of(self.people.addressee);
        let names_addressee = question.is_some_and(|q| {
            role.voice() != self.people.addressee.voice()
                && default
                    .name
                    .as_deref()
                    .is_some_and(|n| words(&q.text).contains(&n.to_lowercase()))
        });
        self.answering.set(names_addressee.then_some(role));
        // What leans on the question: the fragments, else the first sentence. A later
        // sentence that repeats the question's words ("I fredags. Hon var på korttids en
        // vecka efter sjukhuset.") does not make "I fredags" say when.
        let said: String = if lead > 0 { &run[..lead] } else { &run[..1] }
            .iter()
            .map(|p| p.sentence.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let verb = if view { &r.says } else { &r.tells };
        let clause = |p: &Part| {
            let shifted = self.shift(p.sentence.written().trim_end_matches(['?', '!']), role);
            if shifted.ends_with('.') {
                shifted
            } else {
                format!("{shifted}.")
            }
        };
        let mut rest_from = 0;
        let short_answer = lead > 0
            || rest
                .first()
                .is_some_and(|p| words(&p.sentence.text).len() <= 4);
        match (&parsed, run[0].sentence.polarity) {
            // "Have you had any falls?" – "No." → "Harold has not had any falls."
            (Some(q @ (Question::YesNo { .. } | Question::Statement { .. })), Some(pol))
                if short_answer =>
            {
                if let Some(s) = self.statement(q, pol) {
                    out.push(s);
                }
                let new: Vec<&str> = fragments
                    .iter()
                    .filter(|f| {
                        !self.echoes(f, &question.map(|q| q.text.clone()).unwrap_or_default())
                    })
                    .map(String::as_str)
                    .collect();
                if !new.is_empty() {
                    out.push(format!("{}.", capitalise(&new.join(", "))));
                }
                // "Nej, det har hon inte.", "Ja, toilettet klarer jeg selv.": the statement
                // already says it.
                let asked_verb = match q {
                    Question::YesNo { verb, .. } => verb.as_str(),
                    Question::Statement { clause, verb } => {
                        clause.split_whitespace().nth(*verb).unwrap_or("")
                    }
                    _ => "",
                };
                // "Ja, det är okej." to "Har jag ditt samtycke …?": the yes says it all.
                let agrees = |t: &str| {
                    let ws = words(t);
                    self.lang.compiled.acknowledgements.prefix_len(&ws) == Some(ws.len())
                };
                let echo = rest.first().zip(question).is_some_and(|(p, q)| {
                    words(&p.sentence.text).len() <= 4
                        && (self.restates(&p.sentence.text, &q.text, Some(asked_verb))
                            || agrees(&p.sentence.text))
                });
                rest_from = usize::from(echo);
            }
            _ => {
                // The question goes in only when the answer leans on it and does not say
                // what was asked: a fragment, or a short clause that stands for the question's
                // topic with a pronoun ("Det er tre år siden", "Den ligger der") or only says
                // the question again ("I would say."). A short clause of its own ("Hen gör
                // fågelholkar.") stands without it, and the note's words go to other facts.
                let g = &self.lang.grammar;
                // An infinitive ("At tage bussen ud til Ove igen.") names what was asked for.
                let that = bare(&r.that);
                let leans = !fragments.is_empty()
                    || rest.first().is_some_and(|p| {
                        let ws = words(&p.sentence.text);
                        self.infinitive(&ws, &that)
                            || ws.len() <= SHORT_ANSWER
                                && (ws.first().is_some_and(|w| g.topic_pronouns.contains(w))
                                    || question.is_some_and(|q| {
                                        self.restates(&p.sentence.text, &q.text, None)
                                    }))
                    });
                let leaned_on = question
                    .filter(|q| leans && !covers(&said, &q.text) && !only_tag(&q.text, self.lang));
                // A fragment still answers a question no rule can turn into a clause ("Vad
                // gör dig glad?" – "Dansa."): the question goes in as it was asked, quoted.
                let asked = leaned_on.and_then(|q| {
                    self.question_clause(q).or_else(|| {
                        (!fragments.is_empty() && parsed.is_none() && !q.text.trim().is_empty())
                            .then(|| {
                                let quoted =
                                    format!("{}{}{}", r.quote_open, q.text.trim(), r.quote_close);
                                (r.asked.clone(), quoted)
                            })
                    })
                });
                let asked = asked.as_ref().map(|(a, c)| (a.as_str(), c.as_str()));
                if !fragments.is_empty() {
                    let answer =
                        fragments
                            .iter()
                            .fold(String::new(), |acc, f| match acc.as_str() {
                                "" => f.clone(),
                                a if a.ends_with('?') => format!("{a} {f}"),
                                a => format!("{a}, {f}"),
                            });
                    out.push(match asked {
                        Some(_) => {
                            let label = self.label(role);
                            self.framed.borrow_mut().insert(role.voice());
                            format!("{}.", self.frame(asked, &label, &r.answers, ":", &answer))
                        }
                        // No question to lean on: still say whose words these are.
                        None if !self.framed.borrow().contains(&role.voice()) => {
                            self.framed.borrow_mut().insert(role.voice());
                            let label = if out.is_empty() {
                                self.label(role)
                            } else {
                                self.people.of(role).short()
                            };
                            format!("{}.", self.frame(None, &label, verb, ":", &answer))
                        }
                        None => format!("{}.", capitalise(&answer)),
                    });
                    if asked.is_some() {
                        out.extend(rest.iter().filter_map(|p| {
                            if p.sentence.question {
                                self.reported_question(p.sentence, role)
                            } else {
                                Some(self.on_its_own(&clause(p), role))
                            }
                        }));
                        return out;
                    }
                }
                if let Some(first) = rest.first().filter(|p| !p.sentence.question) {
                    // "Can I ask about Joan?" – "She died …": the name, not the pronoun.
                    let named = question.and_then(|q| self.named_in(&q.text, &first.sentence.text));
                    let content = match named {
                        Some(name) => {
                            let c = clause(first);
                            let rest = c.split_once(' ').map(|(_, r)| r).unwrap_or("");
                            format!("{name} {rest}")
                        }
                        None => self.lower_first(&clause(first)),
                    };
                    // One frame per person and item: later sentences stand on their own.
                    let framed = self.framed.borrow().contains(&role.voice());
                    if asked.is_none() && framed {
                        out.push(self.on_its_own(&content, role));
                    } else {
                        self.framed.borrow_mut().insert(role.voice());
                        let label = if out.is_empty() {
                            self.label(role)
                        } else {
                            self.people.of(role).short()
                        };
                        out.push(self.frame(asked, &label, verb, &r.that, &content));
                    }
                    rest_from = 1;
                }
            }
        }
        out.extend(rest.iter().skip(rest_from).filter_map(|p| {
            if p.sentence.question {
                self.reported_question(p.sentence, role)
            } else {
                Some(self.on_its_own(&clause(p), role))
            }
        }));
        out
    }

    /// A reported sentence that stands on its own, capitalised; where the language finds its
    /// neutral pronoun stilted at a sentence's start (`grammar.name_for_neutral`), one that
    /// opens with the speaker's neutral pronoun opens with their name: "Vedkommende tager
    /// tabletter." → "Zehra tager tabletter.", "Vedkommendes mand døde …" → "Zehras mand …".
    fn on_its_own(&self, sentence: &str, role: Role) -> String {
        let who = self.people.of(role);
        let neutral = self.lang.grammar.pronouns.get("neutral");
        let stilted = self.lang.grammar.name_for_neutral.unwrap_or(false)
            && who.name.is_some()
            && neutral.is_some_and(|n| n.first() == Some(&who.pronouns[0]));
        let (first, rest) = sentence.split_once(' ').unwrap_or((sentence, ""));
        let opening = first.to_lowercase();
        let name = if !stilted || rest.is_empty() {
            None
        } else if opening == who.pronouns[0] {
            Some(who.short())
        } else if opening == who.pronouns[2] {
            Some(who.genitive(false))
        } else {
            None
        };
        match name {
            Some(name) => format!("{name} {rest}"),
            None => capitalise(sentence),
        }
    }
}

/// Whether a word as written has no punctuation after it: a clause goes on past it.
fn plain(w: &str) -> bool {
    !w.ends_with([',', '.', ';', ':', '?', '!'])
}

/// A phrase put before the verb of a main clause ("I måndags kväll tog han …") is at most
/// this many words when the clause is turned into one after "att".
const FRONTED: usize = 3;

/// A bare answer opening a sentence is at most this many words.
const BARE_HEAD: usize = 4;

/// An answer this short (in words) leans on the question it answers.
const SHORT_ANSWER: usize = 5;

/// Whether `answer` repeats every longer word of `question` (then the question adds nothing).
fn covers(answer: &str, question: &str) -> bool {
    let a = words(answer);
    // "What do you pay in rent?" has no long word: nothing of it is said again.
    let long: Vec<String> = words(question)
        .into_iter()
        .filter(|w| w.chars().count() >= 5)
        .collect();
    !long.is_empty() && long.iter().all(|w| a.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drafter::sentences::clean;
    use crate::drafter::{DraftContext, Participant};
    use crate::language::{Language, Languages};

    fn people(lang: &LanguageData, lines: &[&str]) -> People {
        People::new(
            &DraftContext {
                participants: lines.iter().filter_map(|l| Participant::parse(l)).collect(),
                ..DraftContext::default()
            },
            lang,
        )
    }

    /// What `role` tells after the worker's acknowledgement, which asks nothing.
    fn told(lang: Language, lines: &[&str], role: Role, text: &str) -> String {
        let ack = if lang == Language::Sv {
            "Okej."
        } else {
            "Okay."
        };
        say(lang, lines, &[(Role::Worker, ack), (role, text)])
    }

    fn say(lang: Language, lines: &[&str], turns: &[(Role, &str)]) -> String {
        let all = Languages::builtin();
        let data = all.get(lang);
        let p = people(data, lines);
        let ph = Phrasing::new(data, &p).with_vocabulary(turns.iter().map(|(_, t)| *t));
        // (turn, sentence) for every sentence of every turn.
        let sentences: Vec<(usize, Sentence)> = turns
            .iter()
            .enumerate()
            .flat_map(|(t, (_, text))| {
                crate::drafter::sentences::split(text)
                    .into_iter()
                    .map(move |s| (t, clean(&s, data)))
            })
            .collect();
        let last_of = |t: usize| sentences.iter().rposition(|(x, _)| *x == t);
        let parts: Vec<Part> = sentences
            .iter()
            .enumerate()
            .map(|(i, (t, s))| {
                let first = i == 0 || sentences[i - 1].0 != *t;
                let asked = first
                    && *t > 0
                    && turns[t - 1].0 == Role::Worker
                    && turns[*t].0 != Role::Worker;
                Part {
                    sentence: s,
                    role: turns[*t].0,
                    question: asked
                        .then(|| last_of(t - 1))
                        .flatten()
                        .map(|k| &sentences[k].1),
                }
            })
            .collect();
        ph.item(&parts, false)
    }

    #[test]
    fn the_workers_instructions_say_who_is_to_do_what() {
        let sv = [
            "Karolina L – kurator (worker)",
            "Jasmina K – sökande (citizen)",
        ];
        for (said, note) in [
            (
                "Ta med legitimation och dina mediciner.",
                "Jasmina ska ta med legitimation och Jasminas mediciner.",
            ),
            (
                "Gå inte in genom huvudentrén.",
                "Jasmina ska inte gå in genom huvudentrén.",
            ),
            (
                "Skicka beslutet till mig.",
                "Jasmina ska skicka beslutet till Karolina.",
            ),
        ] {
            assert_eq!(say(Language::Sv, &sv, &[(Role::Worker, said)]), note);
        }
        let en = ["Sam F – officer (worker)", "Jordan I – tenant (citizen)"];
        for (said, note) in [
            (
                "Bring three months of bank statements.",
                "Jordan should bring three months of bank statements.",
            ),
            (
                "Don't ignore any letters.",
                "Jordan should not ignore any letters.",
            ),
        ] {
            assert_eq!(say(Language::En, &en, &[(Role::Worker, said)]), note);
        }
        assert_eq!(
            say(
                Language::En,
                &en,
                &[(
                    Role::Worker,
                    "I'll ring you next Tuesday to let you know where we've got to."
                )]
            ),
            "Sam will ring Jordan next Tuesday to let them know where we've got to.",
            "\"you\" after \"let\" is its object"
        );
        let da = [
            "Signe P – sygeplejerske (worker)",
            "Erik E – borger (citizen)",
        ];
        assert_eq!(
            say(Language::Da, &da, &[(Role::Worker, "Skift side hver uge.")]),
            "Erik skal skifte side hver uge."
        );
    }

    #[test]
    fn an_infinitive_is_quoted_not_put_after_that() {
        let da = [
            "Signe P – sygeplejerske (worker)",
            "Erik E – borger (citizen)",
        ];
        assert_eq!(
            say(
                Language::Da,
                &da,
                &[(Role::Citizen, "At tage bussen ud til Ove hver dag igen.")]
            ),
            "Erik fortæller: at tage bussen ud til Ove hver dag igen."
        );
        assert_eq!(
            say(Language::Da, &da, &[(Role::Citizen, "At hun ikke kommer.")]),
            "Erik fortæller, at hun ikke kommer.",
            "a clause after \"at\" is one already"
        );
    }

    #[test]
    fn first_and_second_person_become_third() {
        let all = Languages::builtin();
        let sv = all.get(Language::Sv);
        let p = people(
            sv,
            &[
                "Lotta E – socialsekreterare (worker)",
                "Nadia P – sökande (citizen)",
            ],
        );
        let shift = |t: &str, r: Role| Phrasing::new(sv, &p).shift(t, r);
        assert_eq!(
            shift("Jag har alltid klarat mig själv.", Role::Citizen),
            "Hen har alltid klarat sig själv."
        );
        assert_eq!(
            shift("Jag mejlar intyget till dig i eftermiddag.", Role::Worker),
            "Lotta mejlar intyget till Nadia i eftermiddag."
        );
        assert_eq!(
            shift("Min dotter hjälper mig.", Role::Citizen),
            "Hens dotter hjälper hen."
        );
        assert_eq!(
            shift("Jag ringer min dotter.", Role::Citizen),
            "Hen ringer sin dotter."
        );
        assert_eq!(
            shift(
                "Jag har ett konto åt Mira, där min mamma sätter in lite.",
                Role::Citizen
            ),
            "Hen har ett konto åt Mira, där hens mamma sätter in lite."
        );
        assert_eq!(
            shift(
                "Helst vill jag utbilda mig till undersköterska.",
                Role::Citizen
            ),
            "Helst vill hen utbilda sig till undersköterska."
        );
        assert_eq!(
            shift("Du har skrivit in dig, och jag ringer dig.", Role::Worker),
            "Nadia har skrivit in sig, och Lotta ringer hen."
        );
        // A new clause with its own subject: "mig" is no longer the speaker's "sig".
        assert_eq!(
            shift(
                "Han har sagt att om jag lämnar honom så dödar han mig.",
                Role::Citizen
            ),
            "Han har sagt att om hen lämnar honom så dödar han hen."
        );
        assert_eq!(
            shift("Jag vill inte att någon gör allt åt mig.", Role::Citizen),
            "Hen vill inte att någon gör allt åt hen."
        );
        let da = all.get(Language::Da);
        let p = people(
            da,
            &[
                "Louise V – visitator (worker)",
                "Zehra Y – borger (citizen)",
            ],
        );
        assert_eq!(
            Phrasing::new(da, &p).shift("Så jeg kan sidde og skubbe mig ind.", Role::Citizen),
            "Så vedkommende kan sidde og skubbe sig ind.",
            "\"og\" shares the subject: still reflexive"
        );
        let en = all.get(Language::En);
        let p = people(
            en,
            &[
                "Priya M – social worker (worker)",
                "Harold N – widower (citizen)",
            ],
        );
        let shift = |t: &str, r: Role| Phrasing::new(en, &p).shift(t, r);
        assert_eq!(
            shift("I'm not having someone washing me.", Role::Citizen),
            "He's not having someone washing him."
        );
        assert_eq!(
            shift("I want to stay here, in my own house.", Role::Citizen),
            "He wants to stay here, in his own house."
        );
        assert_eq!(
            shift("I'll ring Susan and you can call me.", Role::Worker),
            "Priya will ring Susan and Harold can call them."
        );
        assert_eq!(
            shift("I have to stop twice.", Role::Citizen),
            "He has to stop twice."
        );
        assert_eq!(
            shift("My manager looks at it and I ring you.", Role::Worker),
            "Priya's manager looks at it and they ring Harold."
        );
    }

    #[test]
    fn a_second_question_joined_on_is_asked_in_statement_order() {
        let sv = [
            "Karolina E – socialsekreterare (worker)",
            "Jasmina L – hjälpsökande (citizen)",
        ];
        let turns = [
            (Role::Worker, "Är du ensam eller har du någon med dig?"),
            (Role::Citizen, "Min son, Noel."),
        ];
        assert_eq!(
            say(Language::Sv, &sv, &turns),
            "På frågan om hen är ensam eller om hen har någon med sig svarar Jasmina: hens son, \
             Noel."
        );
    }

    #[test]
    fn an_infinitive_answer_keeps_its_question() {
        let da = [
            "Rasmus P – fysioterapeut (worker)",
            "Inger O – borger (citizen)",
        ];
        let turns = [
            (Role::Worker, "Hvad ønsker du dig?"),
            (Role::Citizen, "At tage bussen ud til Ove igen."),
        ];
        assert_eq!(
            say(Language::Da, &da, &turns),
            "Adspurgt hvad vedkommende ønsker sig fortæller Inger: at tage bussen ud til Ove igen."
        );
    }

    /// Each main clause as `lang` writes it after "att"/"at".
    fn after_that(lang: Language, lines: &[&str], cases: &[(&str, &str)]) {
        let all = Languages::builtin();
        let data = all.get(lang);
        let p = people(data, lines);
        let phrasing = Phrasing::new(data, &p);
        for (main, after) in cases {
            assert_eq!(phrasing.subordinate(main), *after, "{main}");
        }
    }

    #[test]
    fn a_clause_after_att_puts_its_subject_first() {
        after_that(
            Language::Sv,
            &[
                "Karolina E – socialsekreterare (worker)",
                "Jasmina L – hjälpsökande (citizen)",
            ],
            &[
                ("nu bor hen hos Elin.", "hen nu bor hos Elin."),
                (
                    "hos Elin kan hen inte bo kvar.",
                    "hen hos Elin inte kan bo kvar.",
                ),
                (
                    "i måndags kväll tog han hen om halsen.",
                    "han i måndags kväll tog hen om halsen.",
                ),
                ("hen vill inte.", "hen inte vill."),
                ("han kör fortfarande bil.", "han fortfarande kör bil."),
                // "det" put first as the object goes after the verb.
                (
                    "det har hon sagt i flera år.",
                    "hon har sagt det i flera år.",
                ),
                (
                    "det gör han inte, så hen får underhållsstöd.",
                    "han inte gör det, så hen får underhållsstöd.",
                ),
                ("det vill hon göra själv.", "hon vill göra det själv."),
                ("det pratar hen om.", "hen pratar om det."),
                ("det klarar hen själv.", "hen klarar det själv."),
                ("det var hon som ringde.", "det var hon som ringde."),
                ("det kan hen själv.", "hen kan det själv."),
                (
                    "det vet hen inte lika 14,8, tror hen.",
                    "hen inte vet det lika 14,8, tror hen.",
                ),
                ("det är hon och barnen.", "det är hon och barnen."),
                ("det har varit svårt.", "det har varit svårt."),
                // An object put first stays as said: it has to follow the verb.
                (
                    "hyres avtalet har hen i en pärm.",
                    "hyres avtalet har hen i en pärm.",
                ),
                ("min mamma och hon bor här.", "min mamma och hon bor här."),
            ],
        );
        // Danish "ved" is a verb (know) with the subject and only sentence adverbs after it,
        // else a preposition.
        after_that(
            Language::Da,
            &[
                "Signe P – sygeplejerske (worker)",
                "Erik E – borger (citizen)",
            ],
            &[
                (
                    "det ved vedkommende ikke lige.",
                    "vedkommende ikke lige ved det.",
                ),
                ("det ved vedkommende.", "vedkommende ved det."),
                (
                    "det ved Erik ikke, tror han.",
                    "Erik ikke ved det, tror han.",
                ),
                ("det ved Erik om aftenen.", "det ved Erik om aftenen."),
                // "godt" goes before a modal only when a bare verb follows.
                ("han kan godt varme noget.", "han godt kan varme noget."),
                ("nu kan han godt gå.", "han nu godt kan gå."),
                ("det går godt.", "det går godt."),
                ("han har det godt.", "han har det godt."),
            ],
        );
    }

    #[test]
    fn a_no_to_a_question_that_says_no_is_said_once() {
        let sv = [
            "Lotta E – socialsekreterare (worker)",
            "Nadia P – sökande (citizen)",
        ];
        let turns = [
            (
                Role::Worker,
                "Så du har inte fått några fler pass sen dess?",
            ),
            (
                Role::Citizen,
                "Nej, sista passet, det var i början av januari.",
            ),
        ];
        assert_eq!(
            say(Language::Sv, &sv, &turns),
            "Nadia har inte fått några fler pass sen dess. Sista passet, det var i början av \
             januari.",
            "the topic of the answer says more than the question"
        );
        let turns = [
            (Role::Worker, "Har du fullmakt för henne?"),
            (Role::Citizen, "Nej, ingen fullmakt."),
        ];
        assert_eq!(
            say(Language::Sv, &sv, &turns),
            "Nadia har inte fullmakt för henne."
        );
    }

    #[test]
    fn a_clause_without_a_main_clause_is_reported_after_a_colon() {
        let sv = [
            "Johanna E – socialsekreterare (worker)",
            "Petra P – mamma (citizen)",
        ];
        let said = |text: &str| told(Language::Sv, &sv, Role::Citizen, text);
        assert_eq!(
            said("Om någon kunde hjälpa oss med morgnarna."),
            "Petra berättar: om någon kunde hjälpa dem med morgnarna."
        );
        assert_eq!(
            said("Tänk om jag träffar någon jag känner."),
            "Petra berättar: tänk om hon träffar någon hon känner.",
            "an imperative"
        );
        assert_eq!(
            said("Då skickar vi in en ansökan."),
            "Petra berättar att de då skickar in en ansökan.",
            "\"då\" first as an adverb"
        );
        assert_eq!(
            said("När han kommer hem, sover han."),
            "Petra berättar att när han kommer hem, sover han.",
            "a main clause after the comma"
        );
    }

    #[test]
    fn a_yes_that_only_agrees_is_said_once() {
        let sv = [
            "Malin P – biståndshandläggare (worker)",
            "Linus L – sökande (citizen)",
        ];
        let turns = [
            (Role::Worker, "Har jag ditt samtycke att kontakta henne?"),
            (Role::Citizen, "Ja, det är okej. Hon vet allt ändå."),
        ];
        assert_eq!(
            say(Language::Sv, &sv, &turns),
            "Malin har Linus samtycke att kontakta henne. Hon vet allt ändå."
        );
        let turns = [
            (Role::Worker, "Har jag ditt samtycke att kontakta henne?"),
            (Role::Citizen, "Ja. Det är okej i morgon."),
        ];
        assert_eq!(
            say(Language::Sv, &sv, &turns),
            "Malin har Linus samtycke att kontakta henne. Det är okej i morgon.",
            "an agreement with more to it stays"
        );
    }

    #[test]
    fn answers_become_statements() {
        let lines = [
            "Priya M – social worker (worker)",
            "Harold N – widower (citizen)",
        ];
        assert_eq!(
            say(
                Language::En,
                &lines,
                &[
                    (Role::Worker, "Have you had any falls?"),
                    (Role::Citizen, "Not a fall, no.")
                ]
            ),
            "Harold has not had any falls."
        );
        assert_eq!(
            say(
                Language::En,
                &lines,
                &[
                    (Role::Worker, "And food, what are you eating at the moment?"),
                    (Role::Citizen, "Toast.")
                ]
            ),
            "Asked what he is eating at the moment, Harold answers: toast."
        );
        assert_eq!(
            say(
                Language::En,
                &lines,
                &[
                    (Role::Worker, "So what's the concern?"),
                    (Role::Citizen, "Money, mostly.")
                ]
            ),
            "Asked what the concern is, Harold answers: money, mostly."
        );
        assert_eq!(
            say(
                Language::En,
                &lines,
                &[
                    (Role::Worker, "How old's the sister?"),
                    (Role::Citizen, "Four.")
                ]
            ),
            "Asked how old the sister is, Harold answers: four."
        );
        assert_eq!(
            say(
                Language::En,
                &lines,
                &[
                    (Role::Worker, "So your bathroom is upstairs?"),
                    (Role::Citizen, "Upstairs, and no downstairs loo.")
                ]
            ),
            "Asked whether his bathroom is upstairs, Harold answers: upstairs, and no downstairs loo.",
            "a statement asked is asked whether, not about"
        );
        assert_eq!(
            say(
                Language::En,
                &lines,
                &[
                    (
                        Role::Worker,
                        "And the rent, has it been going to the landlord?"
                    ),
                    (Role::Citizen, "Not all of it.")
                ]
            ),
            "Asked whether the rent has been going to the landlord, Harold answers: not all of it.",
            "the topic before the question is what \"it\" stands for"
        );
        assert_eq!(
            say(
                Language::En,
                &lines,
                &[
                    (Role::Worker, "Has anyone spoken to Susan?"),
                    (Role::Citizen, "Her neighbour did.")
                ]
            ),
            "Asked whether anyone has spoken to Susan, Harold answers: her neighbour did."
        );
        assert_eq!(
            say(
                Language::En,
                &[],
                &[
                    (Role::Worker, "How much do you owe the landlord?"),
                    (Role::Citizen, "About four hundred pounds, and I get paid on Friday.")
                ]
            ),
            "Asked how much they owe the landlord, the client answers: about four hundred pounds, and they get paid on Friday.",
            "a bare answer before the comma leans on the question"
        );
        let sv = [
            "Lotta E – socialsekreterare (worker)",
            "Nadia P – sökande (citizen)",
        ];
        assert_eq!(
            say(
                Language::Sv,
                &sv,
                &[
                    (Role::Worker, "Har du fallit någon gång?"),
                    (Role::Citizen, "Nej.")
                ]
            ),
            "Nadia har inte fallit någon gång."
        );
        assert_eq!(
            say(
                Language::Sv,
                &sv,
                &[
                    (Role::Worker, "Använder Robin alkohol eller droger?"),
                    (Role::Citizen, "På helgerna.")
                ]
            ),
            "På frågan om Robin använder alkohol eller droger svarar Nadia: på helgerna."
        );
        let da = [
            "Mette O – sygeplejerske (worker)",
            "Knud F – borger (citizen)",
        ];
        assert_eq!(
            say(
                Language::Da,
                &da,
                &[
                    (Role::Worker, "Hvordan er appetitten?"),
                    (Role::Citizen, "Øh, den er ikke god, altså.")
                ]
            ),
            "Adspurgt hvordan appetitten er fortæller Knud, at den ikke er god."
        );
        assert_eq!(
            say(
                Language::Sv,
                &sv,
                &[(Role::Citizen, "Eh, jag bor ensam, liksom.")]
            ),
            "Nadia berättar att hen bor ensam."
        );
        assert_eq!(
            say(
                Language::Sv,
                &sv,
                &[(Role::Citizen, "Jag vet inte. Får jag tänka på det?")]
            ),
            "Nadia berättar att hen inte vet. Nadia frågar om hen får tänka på det."
        );
        // The question as the note writes it: without the particle of speech.
        assert_eq!(
            say(
                Language::Sv,
                &sv,
                &[
                    (Role::Worker, "Och din ersättning kommer ju innan dess?"),
                    (Role::Citizen, "Ja. Den kommer på fredag.")
                ]
            ),
            "På frågan om hens ersättning kommer innan dess berättar Nadia att den kommer på fredag."
        );
        // A question without a subject only echoes a topic: nothing to report.
        assert_eq!(
            say(
                Language::Sv,
                &sv,
                &[(Role::Citizen, "Det är fyra tusen på det. Även Miras konto?")]
            ),
            "Nadia berättar att det är fyra tusen på det."
        );
        let da = [
            "Mette O – sygeplejerske (worker)",
            "Knud F – borger (citizen)",
        ];
        assert_eq!(
            say(
                Language::Da,
                &da,
                &[(Role::Citizen, "Øh, jeg sover dårligt om natten, ikke?")]
            ),
            "Knud fortæller, at vedkommende sover dårligt om natten."
        );
    }

    #[test]
    fn a_fragment_without_a_question_still_says_whose_words() {
        let sv = [
            "Lotta E – socialsekreterare (worker)",
            "Nadia P – sökande (citizen)",
        ];
        let turns = [(
            Role::Citizen,
            "Tisdag den femte, klockan nio. Då kommer jag.",
        )];
        assert_eq!(
            say(Language::Sv, &sv, &turns),
            "Nadia berättar: tisdag den femte, klockan nio. Då kommer hen."
        );
    }

    #[test]
    fn a_fragment_keeps_its_question_when_a_later_sentence_repeats_it() {
        let sv = [
            "Lotta E – socialsekreterare (worker)",
            "Gunnel P – sökande (citizen)",
            "Karin P – dotter (relative)",
        ];
        let turns = [
            (Role::Worker, "Och när kom du hem från sjukhuset?"),
            (
                Role::Relative,
                "I fredags. Hon var på korttids en vecka efter sjukhuset.",
            ),
        ];
        assert_eq!(
            say(Language::Sv, &sv, &turns),
            "På frågan när hen kom hem från sjukhuset svarar Karin (dotter): i fredags. Hon var på korttids en vecka efter sjukhuset."
        );
    }

    #[test]
    fn a_danish_sentence_of_its_own_opens_with_the_name_not_vedkommende() {
        let da = [
            "Louise M – visitator (worker)",
            "Zehra K – borger (citizen)",
        ];
        let turns = [
            (Role::Worker, "Hvordan går det med maden?"),
            (
                Role::Citizen,
                "Jeg laver selv mad. Jeg har sukkersyge. Min mand døde for fire år siden. Jeg tager tabletter, og jeg måler selv blodsukkeret.",
            ),
        ];
        assert_eq!(
            say(Language::Da, &da, &turns),
            "Zehra fortæller, at vedkommende laver selv mad. Zehra har sukkersyge. Zehras mand døde for fire år siden. Zehra tager tabletter, og vedkommende måler selv blodsukkeret."
        );
        let sv = [
            "Elin S – socialsekreterare (worker)",
            "Oskar L – sökande (citizen)",
        ];
        let turns = [
            (Role::Worker, "Hur går det med maten?"),
            (Role::Citizen, "Jag lagar själv mat. Jag har diabetes."),
        ];
        assert_eq!(
            say(Language::Sv, &sv, &turns),
            "Oskar berättar att hen lagar själv mat. Hen har diabetes.",
            "Swedish \"hen\" is not stilted"
        );
    }

    #[test]
    fn a_short_answer_keeps_its_question_only_when_it_leans_on_it() {
        let sv = [
            "Elin S – socialsekreterare (worker)",
            "Oskar L – sökande (citizen)",
        ];
        let turns = [
            (Role::Worker, "Vad gör du där?"),
            (Role::Citizen, "Jag gör fågelholkar."),
        ];
        assert_eq!(
            say(Language::Sv, &sv, &turns),
            "Oskar berättar att hen gör fågelholkar.",
            "a clause of its own"
        );
        let turns = [
            (Role::Worker, "Hur går det med bussen?"),
            (Role::Citizen, "Den kommer sent."),
        ];
        assert_eq!(
            say(Language::Sv, &sv, &turns),
            "På frågan hur det går med bussen berättar Oskar att den kommer sent.",
            "a pronoun for what was asked"
        );
        let en = [
            "Priya M – social worker (worker)",
            "Harold N – widower (citizen)",
        ];
        let turns = [
            (Role::Worker, "Would you say you feel lonely?"),
            (Role::Citizen, "I would say."),
        ];
        assert_eq!(
            say(Language::En, &en, &turns),
            "Asked whether he would say he feels lonely, Harold says that he would say.",
            "the question said again"
        );
        let turns = [
            (Role::Worker, "Would you say you feel lonely?"),
            (Role::Citizen, "I'd say yeah."),
        ];
        assert_eq!(
            say(Language::En, &en, &turns),
            "Harold would say he feels lonely.",
            "\"I'd say yeah\" is a yes (`clean.yes`)"
        );
    }

    #[test]
    fn a_fragment_answering_a_question_no_rule_reads_quotes_the_question() {
        let sv = [
            "Amira K – biståndshandläggare (worker)",
            "Birgit L – sökande (citizen)",
        ];
        let turns = [
            (Role::Worker, "Vad gör dig glad?"),
            (Role::Citizen, "Dansa. Varje lördag."),
        ];
        assert_eq!(
            say(Language::Sv, &sv, &turns),
            "På frågan ”Vad gör dig glad?” svarar Birgit: dansa, varje lördag.",
        );
        let turns = [
            (Role::Worker, "Vad gör dig glad?"),
            (Role::Citizen, "När jag dansar, mest."),
        ];
        assert_eq!(
            say(Language::Sv, &sv, &turns),
            "På frågan ”Vad gör dig glad?” svarar Birgit: när hen dansar, mest.",
            "a condition before a bare answer is a fragment too"
        );
        let turns = [
            (Role::Worker, "Har du någon hemtjänst?"),
            (Role::Citizen, "Nej. Inte än."),
        ];
        assert!(
            !say(Language::Sv, &sv, &turns).contains('”'),
            "a question the rules read is reported, not quoted"
        );
        let turns = [
            (Role::Worker, "Har du någon runt dig? Familj?"),
            (Role::Citizen, "Mamma. Hon bor i Sundsvall."),
        ];
        assert_eq!(
            say(Language::Sv, &sv, &turns),
            "På frågan om familj svarar Birgit: mamma. Hon bor i Sundsvall.",
            "one word never written as a name asks about it"
        );
        let turns = [(Role::Worker, "Birgit?"), (Role::Citizen, "Mamma.")];
        assert!(
            !say(Language::Sv, &sv, &turns).contains("frågan"),
            "a name called asks about nothing"
        );
    }

    #[test]
    fn a_yes_or_no_to_a_topic_put_before_the_question_is_a_statement_about_the_topic() {
        let da = [
            "Rasmus H – sygeplejerske (worker)",
            "Inger J – borger (citizen)",
        ];
        let turns = [
            (Role::Worker, "Og agrafferne, er de fjernet?"),
            (Role::Citizen, "Ja."),
        ];
        assert_eq!(say(Language::Da, &da, &turns), "Agrafferne er fjernet.");
        let turns = [
            (Role::Worker, "Og agrafferne, er de fjernet?"),
            (Role::Citizen, "Nej."),
        ];
        assert_eq!(
            say(Language::Da, &da, &turns),
            "Agrafferne er ikke fjernet."
        );
        let turns = [
            (Role::Worker, "Og toilettet, klarer du det selv?"),
            (Role::Citizen, "Ja, toilettet klarer jeg selv."),
        ];
        assert_eq!(
            say(Language::Da, &da, &turns),
            "Inger klarer toilettet selv.",
            "an answer that says the question again with its verb is said once"
        );
        let turns = [
            (Role::Worker, "Har du ondt i dag?"),
            (Role::Citizen, "Ja, i armen."),
        ];
        assert_eq!(
            say(Language::Da, &da, &turns),
            "Inger har ondt i dag. I armen.",
            "an answer that says which keeps its words"
        );
        let en = [
            "Priya M – social worker (worker)",
            "Jordan K – tenant (citizen)",
        ];
        let turns = [
            (
                Role::Worker,
                "And the rent, has it been going to your landlord?",
            ),
            (Role::Citizen, "No."),
        ];
        assert_eq!(
            say(Language::En, &en, &turns),
            "The rent has not been going to Jordan's landlord.",
            "the worker's \"your\" is the person asked"
        );
        let turns = [
            (
                Role::Worker,
                "So the bathroom and the toilet are both upstairs?",
            ),
            (Role::Citizen, "Yes."),
        ];
        assert_eq!(
            say(Language::En, &en, &turns),
            "The bathroom and the toilet are both upstairs.",
            "a statement asked, confirmed"
        );
    }

    #[test]
    fn a_question_that_names_the_citizen_asks_the_one_who_answers() {
        let sv = [
            "Amira T – biståndshandläggare (worker)",
            "Birgit F – sökande (citizen)",
            "Sven-Erik F – make (relative)",
        ];
        let turns = [
            (Role::Worker, "Vill ni att Birgit ska bo kvar hemma?"),
            (Role::Relative, "Ja."),
        ];
        assert_eq!(
            say(Language::Sv, &sv, &turns),
            "Sven-Erik vill att Birgit ska bo kvar hemma."
        );
        let turns = [
            (Role::Worker, "Vill du bo kvar hemma?"),
            (Role::Relative, "Ja."),
        ];
        assert_eq!(
            say(Language::Sv, &sv, &turns),
            "Birgit vill bo kvar hemma.",
            "a relative answering for the citizen"
        );
    }

    #[test]
    fn the_worker_calling_someone_by_name_is_left_out() {
        let sv = [
            "Maja F – biståndshandläggare (worker)",
            "Gunnel E – sökande (citizen)",
        ];
        let turns = [(
            Role::Worker,
            "Du har ju ansökt om hemtjänst, Gunnel, efter att du ramlade. Gunnel, vi ses på tisdag.",
        )];
        assert_eq!(
            say(Language::Sv, &sv, &turns),
            "Gunnel har ansökt om hemtjänst, efter att hen ramlade. Maja och Gunnel ses på tisdag."
        );
        let sv = [
            "Maja F – biståndshandläggare (worker)",
            "Gunnel E – sökande (citizen)",
            "Karin E – dotter (relative)",
        ];
        let turns = [(
            Role::Relative,
            "Den tolfte, mamma, en torsdag. Mamma, säg det.",
        )];
        assert_eq!(
            say(Language::Sv, &sv, &turns),
            "Karin (dotter) berättar: den tolfte, en torsdag, säg det."
        );
    }

    #[test]
    fn a_question_that_lost_vet_du_is_still_a_yes_no_question() {
        let sv = [
            "Annika T – biståndshandläggare (worker)",
            "Ingrid L – sökande (citizen)",
            "Per L – son (relative)",
        ];
        let turns = [
            (
                Role::Worker,
                "Vet du om hon har gjort någon minnesutredning?",
            ),
            (Role::Relative, "Nej, det har hon inte."),
        ];
        assert_eq!(
            say(Language::Sv, &sv, &turns),
            "Hon har inte gjort någon minnesutredning."
        );
    }

    #[test]
    fn a_word_only_ever_capitalised_at_a_sentence_start_is_no_name() {
        let all = Languages::builtin();
        let en = all.get(Language::En);
        let p = people(
            en,
            &[
                "Priya M – social worker (worker)",
                "Harold N – widower (citizen)",
            ],
        );
        let said = [
            "Terrible food. Last Wednesday, in the transport.",
            "Cereal.",
            "Ruby.",
            "She's four, and Ruby takes her to school with Kai.",
        ];
        let ph = Phrasing::new(en, &p).with_vocabulary(said.into_iter());
        assert_eq!(ph.lower_first("Terrible food."), "terrible food.");
        assert_eq!(
            ph.lower_first("Cereal, most days."),
            "cereal, most days.",
            "a sentence of its own is no sign of a name"
        );
        assert_eq!(
            ph.lower_first("Ruby, she's four."),
            "Ruby, she's four.",
            "said inside a sentence too"
        );
        let sv = all.get(Language::Sv);
        let p = people(
            sv,
            &[
                "Malin P – handläggare (worker)",
                "Linus L – sökande (citizen)",
            ],
        );
        let said = [
            "Två veckor? Tre. Jag vet inte.",
            "Mamma. Hon bor i Sundsvall.",
        ];
        let ph_sv = Phrasing::new(sv, &p).with_vocabulary(said.into_iter());
        assert_eq!(ph_sv.lower_first("Tre."), "tre.", "a number is no name");
        assert_eq!(ph_sv.lower_first("Mamma."), "mamma.", "nor is a relation");
        assert_eq!(ph_sv.lower_first("Sundsvall."), "Sundsvall.");
        assert_eq!(
            ph.lower_first("Kai is nine."),
            "Kai is nine.",
            "capitalised mid-sentence"
        );
        assert_eq!(
            ph.lower_first("Harold rang."),
            "Harold rang.",
            "a participant"
        );
    }

    #[test]
    fn an_apology_is_left_out() {
        let sv = [
            "Lotta E – socialsekreterare (worker)",
            "Nadia P – sökande (citizen)",
        ];
        let turns = [(Role::Citizen, "Förlåt, jag glömde brevet hemma.")];
        assert_eq!(
            say(Language::Sv, &sv, &turns),
            "Nadia berättar att hen glömde brevet hemma."
        );
        let turns = [(Role::Citizen, "Jag blev så jävla arg, ursäkta.")];
        assert_eq!(
            say(Language::Sv, &sv, &turns),
            "Nadia berättar att hen blev så arg.",
            "and swearing for emphasis"
        );
        let en = [
            "Priya M – social worker (worker)",
            "Harold N – widower (citizen)",
        ];
        let turns = [
            (Role::Worker, "Did you bring the letter?"),
            (Role::Citizen, "Sorry. Sorry, I forgot it at home."),
        ];
        assert_eq!(
            say(Language::En, &en, &turns),
            "Harold says that he forgot it at home."
        );
    }

    #[test]
    fn an_answer_with_the_verb_standing_for_the_asked_one_says_only_yes() {
        for (lang, lines, question, answer, note) in [
            (
                Language::Sv,
                [
                    "Lotta E – socialsekreterare (worker)",
                    "Nadia P – sökande (citizen)",
                ],
                "Har du skrivit in dig på Arbetsförmedlingen?",
                "Ja, det gjorde jag. Det var den 5 februari.",
                "Nadia har skrivit in sig på Arbetsförmedlingen. Det var den 5 februari.",
            ),
            (
                Language::Da,
                [
                    "Signe P – sygeplejerske (worker)",
                    "Erik E – borger (citizen)",
                ],
                "Måler du dit blodsukker hver dag?",
                "Nej, det gør jeg ikke.",
                "Erik måler ikke sit blodsukker hver dag.",
            ),
        ] {
            let turns = [(Role::Worker, question), (Role::Citizen, answer)];
            assert_eq!(say(lang, &lines, &turns), note);
        }
    }

    #[test]
    fn the_workers_we_with_a_verb_of_meeting_is_the_worker_and_the_one_they_talk_with() {
        let sv = [
            "Lotta E – socialsekreterare (worker)",
            "Nadia P – sökande (citizen)",
        ];
        let worker = |text: &str| say(Language::Sv, &sv, &[(Role::Worker, text)]);
        assert_eq!(
            worker("Vi ses på kontoret nästa tisdag."),
            "Lotta och Nadia ses på kontoret nästa tisdag."
        );
        assert_eq!(worker("Då ses vi."), "Då ses Lotta och Nadia.");
        assert_eq!(
            worker("Jag vill att vi träffas idag."),
            "Lotta vill att Lotta och Nadia träffas idag.",
            "\"hen\" could be either of them"
        );
        let sv = [
            "Lotta E – socialsekreterare (worker)",
            "Nadia P – mamma (citizen)",
        ];
        assert_eq!(
            say(
                Language::Sv,
                &sv,
                &[(Role::Worker, "Jag vill att vi träffas idag.")]
            ),
            "Lotta vill att hen och Nadia träffas idag.",
            "named once in a sentence"
        );
        assert_eq!(
            worker("Vi har öppenvården Kompassen."),
            "Vi har öppenvården Kompassen.",
            "the service"
        );
        let da = [
            "Rasmus P – fysioterapeut (worker)",
            "Inger O – borger (citizen)",
        ];
        assert_eq!(
            say(Language::Da, &da, &[(Role::Worker, "Vi ses på tirsdag.")]),
            "Rasmus og Inger ses på tirsdag."
        );
    }

    #[test]
    fn someone_elses_words_quoted_in_a_turn_keep_their_first_person() {
        let da = [
            "Mona T – visitator (worker)",
            "Lone F – datter til Aksel F (relative)",
        ];
        let said = |text: &str| told(Language::Da, &da, Role::Relative, text);
        assert_eq!(
            said("Han bliver rasende. Bilen er min frihed, siger han."),
            "Lone (datter til Aksel F) fortæller, at han bliver rasende. »Bilen er min frihed«, \
             siger han."
        );
        assert_eq!(
            said("Bilen er min frihed, siger han."),
            "Lone (datter til Aksel F) fortæller: »Bilen er min frihed«, siger han.",
            "a quote is reported as said, after a colon"
        );
        assert_eq!(
            said("Han siger, at han har spist. Jeg har lige spist, Lone."),
            "Lone (datter til Aksel F) fortæller, at han siger, at han har spist. »Jeg har lige \
             spist, Lone«."
        );
        let en = [
            "Priya M – social worker (worker)",
            "Harold N – widower (citizen)",
        ];
        assert_eq!(
            told(
                Language::En,
                &en,
                Role::Citizen,
                "It was my heart, they said."
            ),
            "Harold says that it was his heart, they said.",
            "what others told the speaker is the speaker's"
        );
    }

    #[test]
    fn a_tag_alone_asks_nothing_to_turn_into_a_statement() {
        let da = [
            "Louise V – visitator (worker)",
            "Zehra Y – borger (citizen)",
        ];
        let said = say(
            Language::Da,
            &da,
            &[
                (
                    Role::Worker,
                    "Din datter ringede og sagde, at du har brug for hjælp til bad. Er det rigtigt?",
                ),
                (Role::Citizen, "Ja, det passer. Jeg kan ikke komme op af badekarret."),
            ],
        );
        assert!(!said.contains("rigtigt"), "{said}");
        assert!(said.contains("badekarret"), "{said}");
        let en = [
            "Chris W – social worker (worker)",
            "Gemma U – school nurse (citizen)",
        ];
        let said = say(
            Language::En,
            &en,
            &[
                (Role::Worker, "So he came in without a coat. Is that right?"),
                (Role::Citizen, "Yes. Three times this month."),
            ],
        );
        assert!(!said.contains("right"), "{said}");
        assert!(said.contains("three times this month"), "{said}");
    }

    #[test]
    fn yes_no_questions_about_it_keep_clause_order() {
        let sv = [
            "Lotta E – socialsekreterare (worker)",
            "Nadia P – sökande (citizen)",
        ];
        for (q, a, note) in [
            (
                "Har det hänt tidigare?",
                "Två gånger i fjol.",
                "På frågan om det har hänt tidigare svarar Nadia: två gånger i fjol.",
            ),
            (
                "Kan det stämma?",
                "Förlåt. Det är rätt, det höjdes i januari.",
                "Nadia berättar att det är rätt, det höjdes i januari.",
            ),
            (
                "Kan det stämma?",
                "Ja, förlåt. Det är rätt.",
                "Det kan stämma. Det är rätt.",
            ),
            (
                "Har du diskat i veckan?",
                "Två veckor? Tre.",
                "På frågan om hen har diskat i veckan svarar Nadia: två veckor? tre.",
            ),
            (
                "Har han tillgång till vapen?",
                "Vapen? Ett jaktgevär.",
                "På frågan om han har tillgång till vapen svarar Nadia: ett jaktgevär.",
            ),
            (
                "Finns det någon du kan bo hos?",
                "Min syster kanske.",
                "På frågan om det finns någon hen kan bo hos svarar Nadia: hens syster kanske.",
            ),
            (
                "Kommer din ersättning innan dess?",
                "Nej.",
                "Nadias ersättning kommer inte innan dess.",
            ),
            (
                "Kommer din ersättning innan dess?",
                "På fredag.",
                "På frågan om hens ersättning kommer innan dess svarar Nadia: på fredag.",
            ),
        ] {
            let turns = [(Role::Worker, q), (Role::Citizen, a)];
            assert_eq!(say(Language::Sv, &sv, &turns), note);
        }
        let en = ["Sam F – officer (worker)", "Jordan I – tenant (citizen)"];
        let turns = [
            (Role::Worker, "Is your rent paid up?"),
            (Role::Citizen, "No."),
        ];
        assert_eq!(
            say(Language::En, &en, &turns),
            "Jordan's rent is not paid up."
        );
        let da = [
            "Mette O – sygeplejerske (worker)",
            "Knud F – borger (citizen)",
        ];
        let turns = [
            (Role::Worker, "Hvordan går det, når du skal rejse dig?"),
            (Role::Citizen, "Dårligt."),
        ];
        assert_eq!(
            say(Language::Da, &da, &turns),
            "Adspurgt hvordan det går når vedkommende skal rejse sig svarer Knud: dårligt.",
            "the subject of the question's own clause, not of the clause after \"når\""
        );
        let turns = [
            (Role::Worker, "Er der nogen, der hjælper dig?"),
            (Role::Citizen, "Min søn, om lørdagen."),
        ];
        assert_eq!(
            say(Language::Da, &da, &turns),
            "Adspurgt om der er nogen der hjælper vedkommende svarer Knud: vedkommendes søn, om lørdagen."
        );
        let turns = [
            (
                Role::Worker,
                "Jeg sender dig en mail. Hvilken mail skal jeg bruge?",
            ),
            (Role::Relative, "Den med mit navn."),
        ];
        let family = [
            "Mette O – sygeplejerske (worker)",
            "Lone F – datter (relative)",
        ];
        let note = say(Language::Da, &family, &turns);
        assert!(
            note.contains("Adspurgt hvilken mail Mette skal bruge"),
            "the worker's \"jeg\" by name, not \"vedkommende\": {note}"
        );
        let turns = [
            (Role::Worker, "Er der et gelænder ved trinnene?"),
            (Role::Citizen, "Kun i den ene side."),
        ];
        let note = say(Language::Da, &da, &turns);
        assert!(
            note.ends_with("kun i den ene side."),
            "a preposition is no verb to turn around: {note}"
        );
        assert!(
            note.contains("svarer Knud: kun"),
            "an answer without a clause of its own is no statement: {note}"
        );
        let turns = [
            (Role::Worker, "Förstår du?"),
            (Role::Citizen, "Ja. Jag förstår."),
        ];
        assert_eq!(
            say(Language::Sv, &sv, &turns),
            "Nadia förstår.",
            "an answer that only says the question's verb again adds nothing"
        );
        let turns = [
            (Role::Worker, "Svimmade du?"),
            (Role::Citizen, "Nej. Jag tror inte det."),
        ];
        assert_eq!(
            say(Language::Sv, &sv, &turns),
            "Nadia svimmade inte. Hen tror inte det.",
            "no space before the full stop when the question ends with its verb"
        );
        let turns = [
            (Role::Worker, "Og vægten?"),
            (Role::Citizen, "Syvoghalvfems. I mandags."),
        ];
        assert_eq!(
            say(Language::Da, &da, &turns),
            "Adspurgt om vægten svarer Knud: syvoghalvfems, i mandags.",
            "a one-word question says what the numbers are"
        );
    }
    #[test]
    fn a_question_of_short_words_still_frames_its_answer() {
        let en = ["Anna A – worker (worker)", "Ruth R – tenant (citizen)"];
        assert_eq!(
            say(
                Language::En,
                &en,
                &[
                    (Role::Worker, "And what do you pay in rent?"),
                    (Role::Citizen, "Ninety a week.")
                ]
            ),
            "Asked what they pay in rent, Ruth answers: ninety a week."
        );
    }
}
