//! Words, spelling distance and numbers: the lexical half of grounding (the other half is
//! sentence embeddings). Kept free of any world or vocabulary so each piece is testable alone.

/// `text` lower-cased and split into words: letters, digits, apostrophes and hyphens inside a
/// word; a decimal point between digits stays ("2.5"). Everything else separates.
pub fn words(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let inner = |c: char| {
            i > 0
                && i + 1 < chars.len()
                && chars[i - 1].is_alphanumeric()
                && chars[i + 1].is_alphanumeric()
                && (c == '\'' || c == '-' || c == '’')
        };
        let decimal = c == '.'
            && i > 0
            && i + 1 < chars.len()
            && chars[i - 1].is_ascii_digit()
            && chars[i + 1].is_ascii_digit();
        if c.is_alphanumeric() || decimal || inner(c) {
            cur.extend(c.to_lowercase());
            if c == '’' {
                cur.pop();
                cur.push('\'');
            }
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The optimal-string-alignment distance (Levenshtein plus adjacent transpositions), on
/// characters: "kicthen" is one edit from "kitchen".
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

/// Edits a typed word of this many characters may carry and still be taken for another:
/// none up to 4 letters (too many short words are one edit apart: pool/tool, desk/disk) but
/// for two swapped letters, one up to 8, two beyond.
pub fn allowed_edits(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// Whether `a` is `b` with two adjacent letters swapped.
fn swapped(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() != b.len() || a.len() < 2 {
        return false;
    }
    let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    matches!(diff.as_slice(), [i, j] if *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i])
}

/// Which typed words are spelt as meant: a word the language knows ("pool") is not a slip
/// for another ("tool"), so only words it does not know are matched with slips.
pub trait Lexicon {
    /// Whether `word` is a real word (as opposed to a misspelling or a made-up word).
    fn is_word(&self, word: &str) -> bool;
    /// Whether this lexicon knows any words at all (without one, nothing is corrected).
    fn has_words(&self) -> bool {
        true
    }
}

/// No lexicon: every word may be a slip.
pub struct AnyWord;

impl Lexicon for AnyWord {
    fn is_word(&self, _: &str) -> bool {
        false
    }
    fn has_words(&self) -> bool {
        false
    }
}

/// A crude English stem, enough to meet "washing"/"washes"/"wash", "boxes"/"box",
/// "batteries"/"battery", "printed"/"print". Both sides of a comparison go through it.
pub fn stem(word: &str) -> String {
    let w = word.trim_matches('\'');
    let w = w.strip_suffix("'s").unwrap_or(w);
    let n = w.chars().count();
    if n <= 3 {
        return w.to_owned();
    }
    for (suffix, replace, min_rest) in [
        ("ies", "y", 2),
        ("sses", "ss", 2),
        ("xes", "x", 1),
        ("ches", "ch", 1),
        ("shes", "sh", 1),
        ("ing", "", 3),
        ("ed", "", 3),
        ("es", "e", 3),
        ("s", "", 3),
    ] {
        if let Some(rest) = w.strip_suffix(suffix)
            && rest.chars().count() >= min_rest
            && !(suffix == "s"
                && (rest.ends_with('s') || rest.ends_with('u') || rest.ends_with('i')))
        {
            let mut r = format!("{rest}{replace}");
            // "running" -> "runn" -> "run"; "stopped" -> "stopp" -> "stop"
            let c: Vec<char> = r.chars().collect();
            if (suffix == "ing" || suffix == "ed")
                && c.len() >= 3
                && c[c.len() - 1] == c[c.len() - 2]
                && !matches!(c[c.len() - 1], 'l' | 's' | 'z' | 'f')
            {
                r.pop();
            }
            return r;
        }
    }
    w.to_owned()
}

/// How alike a typed word is to a vocabulary word, 0..1: 1 when equal, 0.95 when they share
/// a stem, 0.85 / 0.75 for one / two edits where [`allowed_edits`] permits (two swapped
/// letters count as one edit at any length), else 0.
pub fn word_similarity(typed: &str, known: &str) -> f32 {
    word_similarity_in(typed, known, &AnyWord)
}

/// The consonant skeleton of a word as it sounds: "ph" as f, "ck"/"c" before a hard vowel as
/// k, "c" before e/i/y as s, "qu" as kw, "x" as ks, "z" as s, silent leading "kn"/"wr"/"ps",
/// vowels, h, w and y dropped, doubled letters once. "farmacy" and "pharmacy" both give
/// "frms"; "londry" and "laundry" "lndr".
pub fn sound_skeleton(word: &str) -> String {
    let w: String = word
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .collect();
    let w = ["kn", "wr", "ps", "gn"]
        .iter()
        .find_map(|p| w.strip_prefix(p).map(|r| format!("{}{r}", &p[1..])))
        .unwrap_or(w);
    let c: Vec<char> = w.chars().collect();
    let mut out: Vec<char> = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let next = c.get(i + 1).copied();
        let (sound, skip) = match (c[i], next) {
            // "sh", and "ti"/"si"/"ci" before a vowel ("-tion", "-sion", "-cian"), as sh.
            ('s', Some('h')) => ('x', 2),
            ('t' | 's' | 'c', Some('i')) if c.get(i + 2).is_some_and(|v| "aou".contains(*v)) => {
                ('x', 3)
            }
            ('p', Some('h')) => ('f', 2),
            ('c', Some('k')) => ('k', 2),
            ('q', Some('u')) => ('k', 2),
            ('c', Some('e' | 'i' | 'y')) => ('s', 1),
            ('c', _) => ('k', 1),
            ('x', _) => ('s', 1),
            ('z', _) => ('s', 1),
            ('g', Some('h')) => ('g', 2),
            ('t', Some('h')) => ('t', 2),
            ('d', Some('g')) => ('j', 2),
            (v, _) if "aeiouhwy".contains(v) => ('\0', 1),
            (other, _) => (other, 1),
        };
        if sound != '\0' && out.last() != Some(&sound) {
            out.push(sound);
        }
        i += skip;
    }
    out.into_iter().collect()
}

/// The vowels of a word, in order: what a short word sounded out must keep ("dok" is
/// "dock", "cap" is not "cup").
fn vowels(word: &str) -> String {
    word.chars().filter(|c| "aeiou".contains(*c)).collect()
}

/// [`word_similarity`], with slips judged against `lexicon`: a word it knows ("pool") is
/// taken for another ("tool") only weakly, a word it does not know ("kitchn") fully.
pub fn word_similarity_in(typed: &str, known: &str, lexicon: &dyn Lexicon) -> f32 {
    if typed == known {
        return 1.0;
    }
    let bare = |w: &str| w.trim_end_matches("'s").trim_end_matches('\'').to_owned();
    if stem(typed) == stem(known)
        || bare(typed) == bare(known)
        || stem(&bare(typed)) == stem(&bare(known))
    {
        return 0.95;
    }
    if typed.chars().any(|c| c.is_ascii_digit()) || known.chars().any(|c| c.is_ascii_digit()) {
        return 0.0;
    }
    let real = lexicon.is_word(typed);
    let (tn, kn) = (typed.chars().count(), known.chars().count());
    // An abbreviation: "med" for "medication", "bath" for "bathroom".
    if tn >= 3 && kn >= tn + 2 && known.starts_with(typed) {
        return 0.7;
    }
    if swapped(typed, known) {
        return if real { 0.7 } else { 0.85 };
    }
    let allowed = allowed_edits(tn.min(kn));
    // A letter left out or added ("isle" for "aisle") is a slip even in a short word.
    let dropped = tn.min(kn) >= 4 && tn.abs_diff(kn) == 1;
    // Two edits at most: words whose lengths differ more are not compared letter by letter.
    let edits = if tn.abs_diff(kn) > 2 {
        usize::MAX
    } else {
        edit_distance(typed, known)
    };
    let by_edits = match edits {
        1 if allowed >= 1 || dropped => 0.85,
        2 if allowed >= 2 => 0.75,
        _ => 0.0,
    };
    // Spelt as it sounds ("farmacy", "londry", "recepshun"); a short word only with the
    // same first letter and two sounds at least ("dok").
    let short = tn.min(kn) < 5;
    let sounded = || {
        let skeleton = sound_skeleton(typed);
        !skeleton.is_empty()
            && (!short || skeleton.chars().count() >= 2)
            && skeleton == sound_skeleton(known)
    };
    let by_sound = if by_edits >= 0.8 || tn.min(kn) < 3 || tn.abs_diff(kn) > 3 {
        0.0
    } else if !short {
        if sounded() { 0.8 } else { 0.0 }
    } else if typed.chars().next() == known.chars().next()
        && vowels(typed) == vowels(known)
        && sounded()
    {
        0.75
    } else {
        0.0
    };
    let s = f32::max(by_edits, by_sound);
    if real { (s - 0.3).max(0.0) } else { s }
}

/// How well the words `typed` name `known` (both lists of words), 0..1. Every word of the
/// known name must be met by a typed word (in any order, spelling tolerated), and typed words
/// beyond it lower the score a little; a name typed without its spaces ("livingroom") or
/// with a space too many ("bath room") counts as the name.
pub fn phrase_similarity(typed: &[String], known: &[String]) -> f32 {
    phrase_similarity_in(typed, known, &AnyWord)
}

/// [`phrase_similarity`], with slips allowed only for words `lexicon` does not know.
pub fn phrase_similarity_in(typed: &[String], known: &[String], lexicon: &dyn Lexicon) -> f32 {
    if typed.is_empty() || known.is_empty() {
        return 0.0;
    }
    // Words typed apart that are one word of the name ("lap top" for "laptop").
    let merged: Vec<String>;
    let typed = if typed.len() > 1 {
        let mut out: Vec<String> = Vec::with_capacity(typed.len());
        let mut i = 0;
        while i < typed.len() {
            if i + 1 < typed.len() {
                let j = format!("{}{}", typed[i], typed[i + 1]);
                if known.contains(&j) {
                    out.push(j);
                    i += 2;
                    continue;
                }
            }
            out.push(typed[i].clone());
            i += 1;
        }
        merged = out;
        &merged[..]
    } else {
        typed
    };
    let joined_t: String = typed.concat();
    let joined_k: String = known.concat();
    let whole = if typed.len() != known.len() || typed.len() > 1 {
        word_similarity_in(&joined_t, &joined_k, lexicon) * 0.97
    } else {
        0.0
    };
    let mut used = vec![false; typed.len()];
    let mut total = 0.0;
    for k in known {
        let best = typed
            .iter()
            .enumerate()
            .filter(|(i, _)| !used[*i])
            .map(|(i, t)| (i, word_similarity_in(t, k, lexicon)))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        match best {
            Some((i, s)) if s > 0.0 => {
                used[i] = true;
                total += s;
            }
            _ => return whole,
        }
    }
    let coverage = total / known.len() as f32;
    let extra = typed.len().saturating_sub(known.len()) as f32;
    (coverage * 0.85f32.powf(extra)).max(whole)
}

/// Number words people say for distances, angles and durations.
const NUMBER_WORDS: &[(&str, f64)] = &[
    ("zero", 0.0),
    ("a", 1.0),
    ("an", 1.0),
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("thirteen", 13.0),
    ("fourteen", 14.0),
    ("fifteen", 15.0),
    ("sixteen", 16.0),
    ("seventeen", 17.0),
    ("eighteen", 18.0),
    ("nineteen", 19.0),
    ("twenty", 20.0),
    ("thirty", 30.0),
    ("forty", 40.0),
    ("fourty", 40.0),
    ("fifty", 50.0),
    ("sixty", 60.0),
    ("seventy", 70.0),
    ("eighty", 80.0),
    ("ninety", 90.0),
    ("hundred", 100.0),
    ("couple", 2.0),
    ("few", 3.0),
    ("half", 0.5),
    ("quarter", 0.25),
];

/// A number written in `words[i..]`: digits ("2.5", "90"), words ("twenty five",
/// "forty-five", "one and a half", "a couple of", "half a"), returned with how many words it
/// took. "a"/"an" count as one only before a unit word the caller checks.
pub fn number_at(words: &[String], i: usize) -> Option<(f64, usize)> {
    let w = words.get(i)?;
    if let Ok(v) = w.parse::<f64>() {
        if !v.is_finite() {
            return None;
        }
        // "1 and a half"
        if words.get(i + 1).is_some_and(|x| x == "and")
            && words.get(i + 2).is_some_and(|x| x == "a")
            && words.get(i + 3).is_some_and(|x| x == "half")
        {
            return Some((v + 0.5, 4));
        }
        return Some((v, 1));
    }
    if let Some((a, b)) = w.split_once('-') {
        let look = |s: &str| NUMBER_WORDS.iter().find(|(n, _)| *n == s).map(|(_, v)| *v);
        if let (Some(x), Some(y)) = (look(a), look(b))
            && x >= 20.0
            && y < 10.0
        {
            return Some((x + y, 1));
        }
    }
    let value = |s: &str| NUMBER_WORDS.iter().find(|(n, _)| *n == s).map(|(_, v)| *v);
    // "another metre", "another 2 metres", "a further 50 cm": one more, or the number after.
    if matches!(w.as_str(), "another" | "further") {
        return match number_at(words, i + 1) {
            Some((v, n)) if words[i + 1] != "a" && words[i + 1] != "an" => Some((v, n + 1)),
            _ => Some((1.0, 1)),
        };
    }
    let v = value(w)?;
    let next = words.get(i + 1).map(String::as_str);
    match (w.as_str(), next) {
        ("half", Some("a" | "an")) => Some((0.5, 2)),
        ("a" | "an", Some("half")) => Some((0.5, 2)),
        ("a" | "an", Some("quarter")) => Some((0.25, 2)),
        ("a" | "an", Some("couple")) => {
            let of = usize::from(words.get(i + 2).is_some_and(|x| x == "of"));
            Some((2.0, 2 + of))
        }
        ("a" | "an", Some("few")) => Some((3.0, 2)),
        ("couple" | "few", Some("of")) => Some((v, 2)),
        _ if (20.0..100.0).contains(&v) => match next.and_then(value) {
            Some(u) if (1.0..10.0).contains(&u) && next != Some("a") && next != Some("an") => {
                Some((v + u, 2))
            }
            _ => Some((v, 1)),
        },
        _ if (1.0..20.0).contains(&v)
            && w != "a"
            && w != "an"
            && next == Some("and")
            && words.get(i + 2).is_some_and(|x| x == "a")
            && words.get(i + 3).is_some_and(|x| x == "half") =>
        {
            Some((v + 0.5, 4))
        }
        _ if words.get(i + 1).is_some_and(|x| x == "hundred") && v < 10.0 => Some((v * 100.0, 2)),
        _ => Some((v, 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        words(s)
    }

    #[test]
    fn words_keep_decimals_contractions_and_hyphens() {
        assert_eq!(w("Go to 2.5, 3!"), ["go", "to", "2.5", "3"]);
        assert_eq!(w("I'm by the fridge."), ["i'm", "by", "the", "fridge"]);
        assert_eq!(w("the x-ray room"), ["the", "x-ray", "room"]);
        assert_eq!(w("Dr. Lee’s office"), ["dr", "lee's", "office"]);
        assert_eq!(w("  "), Vec::<String>::new());
    }

    #[test]
    fn edit_distance_counts_transpositions_as_one() {
        assert_eq!(edit_distance("kitchen", "kitchen"), 0);
        assert_eq!(edit_distance("kicthen", "kitchen"), 1);
        assert_eq!(edit_distance("bedrom", "bedroom"), 1);
        assert_eq!(edit_distance("bathroon", "bathroom"), 1);
        assert_eq!(edit_distance("laundy", "laundry"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn stems_meet_across_inflections() {
        for (a, b) in [
            ("washing", "wash"),
            ("washes", "wash"),
            ("boxes", "box"),
            ("batteries", "battery"),
            ("printed", "print"),
            ("running", "run"),
            ("towels", "towel"),
            ("glasses", "glass"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} / {b}");
        }
        assert_eq!(stem("bus"), "bus");
        assert_eq!(stem("status"), "status");
    }

    #[test]
    fn short_words_must_be_spelt_right_longer_ones_may_carry_a_slip() {
        assert_eq!(word_similarity("cup", "cap"), 0.0);
        assert!(word_similarity("kicthen", "kitchen") >= 0.85);
        assert!(word_similarity("refridgerator", "refrigerator") >= 0.75);
        assert_eq!(word_similarity("desk", "dust"), 0.0);
        assert_eq!(word_similarity("pool", "tool"), 0.0);
        assert!(
            word_similarity("soaf", "sofa") >= 0.85,
            "a swap is a slip at any length"
        );
        struct Knows;
        impl Lexicon for Knows {
            fn is_word(&self, w: &str) -> bool {
                w == "bedroom" || w == "pools"
            }
        }
        assert!(
            word_similarity_in("pools", "tools", &Knows) < 0.75,
            "a known word is a weak slip"
        );
        assert!(word_similarity_in("bedrom", "bedroom", &Knows) >= 0.85);
    }

    #[test]
    fn phrases_match_in_any_order_with_spaces_lost_or_added() {
        let s = |a: &str, b: &str| phrase_similarity(&w(a), &w(b));
        assert_eq!(s("living room", "living room"), 1.0);
        assert!(s("livingroom", "living room") > 0.9);
        assert!(s("bath room", "bathroom") > 0.9);
        assert!(
            s("mug", "white coffee mug") == 0.0,
            "a partial name is not the name"
        );
        assert!(
            s("white coffee mug", "mug") > 0.7,
            "the class inside a longer phrase"
        );
        assert!(s("laundy room", "laundry room") > 0.85);
        assert_eq!(s("garage", "kitchen"), 0.0);
    }

    #[test]
    fn words_spelt_as_they_sound_and_abbreviations_meet() {
        assert_eq!(sound_skeleton("farmacy"), sound_skeleton("pharmacy"));
        assert_eq!(sound_skeleton("londry"), sound_skeleton("laundry"));
        assert_eq!(sound_skeleton("recepshun"), sound_skeleton("reception"));
        assert_eq!(sound_skeleton("sesion"), sound_skeleton("session"));
        assert!(word_similarity("dok", "dock") >= 0.75);
        assert!(word_similarity("sceen", "scene") >= 0.75);
        assert_eq!(word_similarity("dok", "desk"), 0.0);
        assert!(word_similarity("farmacy", "pharmacy") >= 0.8);
        assert!(word_similarity("londry", "laundry") >= 0.8);
        assert!(word_similarity("med", "medication") >= 0.7);
        assert_eq!(
            word_similarity("desk", "disk"),
            0.0,
            "short words are not sounded out"
        );
        assert!(phrase_similarity(&w("priyas lap top"), &w("priya's laptop")) > 0.85);
    }

    #[test]
    fn numbers_in_digits_and_words() {
        let n = |s: &str| number_at(&w(s), 0);
        assert_eq!(n("2.5 metres"), Some((2.5, 1)));
        assert_eq!(n("twenty five seconds"), Some((25.0, 2)));
        assert_eq!(n("forty-five degrees"), Some((45.0, 1)));
        assert_eq!(n("half a metre"), Some((0.5, 2)));
        assert_eq!(n("a couple of metres"), Some((2.0, 3)));
        assert_eq!(n("one and a half metres"), Some((1.5, 4)));
        assert_eq!(n("1 and a half metres"), Some((1.5, 4)));
        assert_eq!(n("two hundred cm"), Some((200.0, 2)));
        assert_eq!(n("kitchen"), None);
    }
}
