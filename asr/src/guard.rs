//! Guards against Whisper's known inventions: subtitle credits it makes up in quiet audio,
//! loops where it repeats itself, and segments it judges to hold no speech.

/// Phrases Whisper produces from silence or noise (it learned them from subtitle credits).
/// Compared after normalisation (lower case, no punctuation).
const FABRICATED: &[&str] = &[
    "textning nu",
    "textning stina hedin",
    "svensktextning nu",
    "tack för att du tittade",
    "tack för att ni tittade",
    "undertexter från amara org gemenskapen",
    "undertekster af",
    "tak fordi du så med",
    "tak fordi i så med",
    "thank you for watching",
    "thanks for watching",
    "subtitles by the amara org community",
];

/// Above this no-speech probability, a low-confidence segment is treated as noise.
const NO_SPEECH: f32 = 0.6;

/// Lower-case words with punctuation removed, for comparing phrases.
pub fn normalise(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a segment is (only) a known fabricated phrase.
pub fn is_fabricated(text: &str) -> bool {
    let n = normalise(text);
    !n.is_empty()
        && FABRICATED
            .iter()
            .any(|f| n == *f || (n.contains(f) && n.len() < f.len() + 12))
}

/// Whether Whisper itself thinks there is no speech and is unsure of the words.
pub fn is_no_speech(no_speech_prob: f32, mean_confidence: f32) -> bool {
    no_speech_prob > NO_SPEECH && mean_confidence < 0.5
}

/// Whether a segment (normalised, `key`) only repeats words of the prompt it was decoded
/// with: Whisper's known failure with prompts is to copy them into its output. Segments of
/// under four words are not judged, since short answers ("ja, det stämmer") recur in speech.
pub fn copies_prompt(key: &str, prompt: &str) -> bool {
    key.split_whitespace().count() >= 4
        && format!(" {} ", normalise(prompt)).contains(&format!(" {key} "))
}

/// Whether a stretch of four or more words comes twice in a row: people repeat a word or
/// two ("nej, nej"), Whisper repeats whole clauses.
pub fn says_twice(words: &[String]) -> bool {
    let keys: Vec<String> = words.iter().map(|w| normalise(w)).collect();
    (0..keys.len())
        .any(|i| (4..=(keys.len() - i) / 2).any(|n| keys[i..i + n] == keys[i + n..i + 2 * n]))
}

/// Removes immediate repetitions of a word sequence (1–8 words) occurring three or more
/// times in a row, keeping the first occurrence: "ja ja ja ja" → "ja", a looping sentence →
/// the sentence once. Returns the indices of the words kept.
pub fn collapse_loops(words: &[String]) -> Vec<usize> {
    let keys: Vec<String> = words.iter().map(|w| normalise(w)).collect();
    let mut keep = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < keys.len() {
        let mut skipped = false;
        for n in 1..=8usize.min((keys.len() - i) / 3) {
            let unit = &keys[i..i + n];
            let mut reps = 1;
            while i + (reps + 1) * n <= keys.len()
                && &keys[i + reps * n..i + (reps + 1) * n] == unit
            {
                reps += 1;
            }
            if reps >= 3 {
                keep.extend(i..i + n);
                i += reps * n;
                skipped = true;
                break;
            }
        }
        if !skipped {
            keep.push(i);
            i += 1;
        }
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_fabrications_are_recognised_in_any_punctuation() {
        assert!(is_fabricated("Textning.nu"));
        assert!(is_fabricated(" Tack för att du tittade!"));
        assert!(is_fabricated("Undertexter från Amara.org-gemenskapen"));
        assert!(is_fabricated("Tak fordi du så med."));
        assert!(is_fabricated("Thank you for watching."));
        assert!(!is_fabricated(
            "Hon berättar att hon tittade på lägenheten i går."
        ));
        assert!(!is_fabricated(""));
    }

    #[test]
    fn loops_collapse_to_one_occurrence() {
        let words: Vec<String> =
            "I will call you . I will call you . I will call you . I will call you . okay"
                .split(' ')
                .map(String::from)
                .collect();
        let kept: Vec<&str> = collapse_loops(&words)
            .iter()
            .map(|&i| words[i].as_str())
            .collect();
        assert_eq!(kept.join(" "), "I will call you . okay");
        let twice: Vec<String> = "yes yes no".split(' ').map(String::from).collect();
        assert_eq!(
            collapse_loops(&twice).len(),
            3,
            "a word said twice is not a loop"
        );
    }

    #[test]
    fn a_clause_said_twice_is_recognised_a_word_or_two_is_not() {
        let words = |t: &str| -> Vec<String> { t.split(' ').map(String::from).collect() };
        assert!(says_twice(&words(
            "Okay. Do you feel safe at home? Do you feel safe at home?"
        )));
        assert!(says_twice(&words(
            "we can offer an alarm, we can offer an alarm"
        )));
        assert!(!says_twice(&words("Not always! Not always! I worry")));
        assert!(!says_twice(&words("nej nej det går inte")));
        assert!(!says_twice(&words("")));
    }

    #[test]
    fn a_segment_copied_from_the_prompt_is_recognised() {
        let prompt = "Hon har ansökt om försörjningsstöd. Vi ses på tisdag klockan tio.";
        assert!(copies_prompt(
            &normalise("vi ses på tisdag klockan tio"),
            prompt
        ));
        assert!(copies_prompt(
            &normalise("Försörjningsstöd. Vi ses på"),
            prompt
        ));
        assert!(!copies_prompt(&normalise("Vi ses på onsdag."), prompt));
        assert!(
            !copies_prompt("ja det stämmer", "ja det stämmer bra"),
            "too short to judge"
        );
        assert!(
            !copies_prompt(&normalise("ses på tisdag klock"), prompt),
            "not whole words"
        );
        assert!(!copies_prompt(&normalise("vi ses på tisdag"), ""));
    }
}
