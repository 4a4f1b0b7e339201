//! Text as typed made ready to read: quotes kept aside, case and punctuation folded, texting
//! spellings and stretched letters written out, other languages recognised.

use super::*;

/// Quoted text is kept aside while a task is split and read, so that "say 'hi, then bye'"
/// is not taken apart. Each quote becomes a placeholder word.
pub(super) struct Quotes(Vec<String>);

pub(super) const QUOTE_MARK: &str = "xquotex";

impl Quotes {
    pub(super) fn extract(text: &str) -> (String, Quotes) {
        let mut out = String::new();
        let mut quotes = Vec::new();
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let opening = matches!(c, '"' | '“' | '”' | '«')
                || (c == '\'' && (i == 0 || !chars[i - 1].is_alphanumeric()));
            if opening {
                let close: &[char] = match c {
                    '“' => &['”', '"'],
                    '«' => &['»'],
                    '\'' => &['\''],
                    _ => &['"', '”'],
                };
                if let Some(j) = (i + 1..chars.len()).find(|&j| {
                    close.contains(&chars[j])
                        && (c != '\'' || j + 1 == chars.len() || !chars[j + 1].is_alphanumeric())
                }) {
                    let inner: String = chars[i + 1..j].iter().collect();
                    if !inner.trim().is_empty() {
                        out.push_str(&format!(" {QUOTE_MARK}{} ", quotes.len()));
                        quotes.push(inner.trim().to_owned());
                        i = j + 1;
                        continue;
                    }
                }
            }
            out.push(c);
            i += 1;
        }
        (out, Quotes(quotes))
    }

    pub(super) fn restore(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for (i, q) in self.0.iter().enumerate().rev() {
            out = out.replace(&format!("{QUOTE_MARK}{i}"), q);
        }
        out
    }
}

/// Lower case, punctuation that does not separate clauses dropped, spaces folded; keeps
/// commas, decimal points, apostrophes and the sentence ends used for splitting.
pub(super) fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let c = match c {
            '’' | '‘' | '`' => '\'',
            _ => c,
        };
        let spaced_dash =
            c == '-' && i > 0 && i + 1 < chars.len() && chars[i - 1] == ' ' && chars[i + 1] == ' ';
        if spaced_dash {
            out.push_str(" ; ");
        } else if c.is_alphanumeric() || c == '\'' || c == '-' {
            out.extend(c.to_lowercase());
        } else if c == '.' {
            let decimal = i > 0
                && i + 1 < chars.len()
                && chars[i - 1].is_ascii_digit()
                && chars[i + 1].is_ascii_digit();
            out.push_str(if decimal { "." } else { " ; " });
        } else if c == ',' {
            out.push_str(" , ");
        } else if matches!(c, ';' | '!' | '?' | '\n' | '—' | '–')
            || (c == '-'
                && i > 0
                && i + 1 < chars.len()
                && chars[i - 1] == ' '
                && chars[i + 1] == ' ')
        {
            out.push_str(" ; ");
        } else if c == '°' {
            out.push_str(" degrees ");
        } else if c == '&' || c == '+' {
            out.push_str(" and ");
        } else {
            out.push(' ');
        }
    }
    out.split_whitespace()
        .map(texting)
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" ,", ",")
        .replace(" ;", ";")
}

/// A word as written in full: letters stretched for emphasis folded ("youuu", "pleeease"),
/// texting spellings ("u", "ur", "pls") spelt out.
pub(super) fn texting(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let chars: Vec<char> = word.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        // A letter three or more times in a row is one letter ("sooo", "thanksss").
        if i >= 2 && chars[i - 1] == *c && chars[i - 2] == *c && c.is_alphabetic() {
            continue;
        }
        if i >= 1
            && i + 1 < chars.len()
            && chars[i - 1] == *c
            && chars[i + 1] == *c
            && c.is_alphabetic()
        {
            continue;
        }
        out.push(*c);
    }
    match out.as_str() {
        "u" | "ya" | "yu" => "you".to_owned(),
        "ur" => "your".to_owned(),
        "r" => "are".to_owned(),
        "pls" | "plz" | "plse" | "pleez" => "please".to_owned(),
        "thx" | "thanx" | "tnx" => "thanks".to_owned(),
        "wanna" => "want to".to_owned(),
        "gonna" => "going to".to_owned(),
        "gotta" => "got to".to_owned(),
        "cuz" | "coz" => "because".to_owned(),
        "rm" => "room".to_owned(),
        _ => out,
    }
}

/// Whether the task is in another language: any letter of a non-Latin script, or several
/// function words of other languages and few English ones.
pub fn is_foreign(task: &str) -> bool {
    let letters: Vec<char> = task.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.is_empty() {
        return false;
    }
    let non_latin = letters
        .iter()
        .filter(|c| !c.is_ascii() && !('\u{00C0}'..='\u{024F}').contains(c))
        .count();
    if non_latin * 3 >= letters.len() {
        return true;
    }
    let ws = words(task);
    let foreign = ws.iter().filter(|w| FOREIGN.contains(&w.as_str())).count();
    let english = ws.iter().filter(|w| ENGLISH.contains(&w.as_str())).count();
    let accented = letters.iter().filter(|c| !c.is_ascii()).count();
    (foreign >= 2 && foreign + usize::from(accented > 0) > english)
        || (foreign >= 3 && english == 0)
}
