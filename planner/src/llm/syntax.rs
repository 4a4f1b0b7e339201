//! The plan grammar as data, written out in two dialects: Lark for the on-device decoder
//! (llguidance) and GBNF for inference servers (llama.cpp's `grammar` field). Both come from
//! the one [`Grammar`] built per request, so the grammar a server is given cannot drift from
//! the one the on-device model writes under. Regular-expression terminals are read with
//! `regex-syntax` and rewritten as GBNF expressions (GBNF has no regular expressions).

use regex_syntax::hir::{Class, Hir, HirKind};

/// One piece of a rule's right-hand side.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A literal string.
    Lit(String),
    /// Another rule, by name.
    Ref(String),
    /// One after the other.
    Seq(Vec<Expr>),
    /// One of.
    Alt(Vec<Expr>),
    /// `min..=max` times.
    Repeat(Box<Expr>, u32, u32),
}

/// A rule: a name and either an expression or (a terminal) a regular expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// `name: expr`.
    Rule(String, Expr),
    /// `NAME: /regex/`.
    Terminal(String, String),
}

/// A grammar whose first rule is the start rule. No rule refers to itself, directly or not.
#[derive(Debug, Clone, PartialEq)]
pub struct Grammar {
    /// The rules, the start rule first.
    pub rules: Vec<Rule>,
}

/// A regular expression GBNF cannot express (anchors, word boundaries).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the plan grammar's expression /{regex}/ cannot be written as GBNF: {problem}")]
pub struct GbnfError {
    /// The expression.
    pub regex: String,
    /// Why.
    pub problem: String,
}

impl Grammar {
    /// Lark, as llguidance reads it.
    pub fn to_lark(&self) -> String {
        let mut out = String::new();
        for rule in &self.rules {
            match rule {
                Rule::Rule(name, expr) => {
                    out += &format!("{name}: {}\n", lark(expr, true));
                }
                Rule::Terminal(name, re) => out += &format!("{name}: /{re}/\n"),
            }
        }
        out
    }

    /// GBNF, as llama.cpp's server reads it: the start rule is `root`.
    pub fn to_gbnf(&self) -> Result<String, GbnfError> {
        let mut out = String::new();
        for (i, rule) in self.rules.iter().enumerate() {
            let (name, body) = match rule {
                Rule::Rule(name, expr) => (name, gbnf(expr, true)),
                Rule::Terminal(name, re) => (name, regex_to_gbnf(re)?),
            };
            let name = if i == 0 { "root" } else { name.as_str() };
            out += &format!("{} ::= {body}\n", gbnf_name(name));
        }
        Ok(out)
    }
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

/// How a dialect writes a literal and a rule name.
struct Dialect {
    literal: fn(&str) -> String,
    name: fn(&str) -> String,
}

const LARK: Dialect = Dialect {
    literal: quoted,
    name: str::to_owned,
};

const GBNF: Dialect = Dialect {
    literal: gbnf_literal,
    name: gbnf_name,
};

fn lark(e: &Expr, top: bool) -> String {
    render(e, top, &LARK)
}

fn gbnf(e: &Expr, top: bool) -> String {
    render(e, top, &GBNF)
}

/// Both dialects share the operators: juxtaposition, `|`, parentheses, `{min,max}`.
fn render(e: &Expr, top: bool, d: &Dialect) -> String {
    match e {
        Expr::Lit(s) => (d.literal)(s),
        Expr::Ref(r) => (d.name)(r),
        Expr::Seq(items) => items
            .iter()
            .map(|i| render(i, false, d))
            .collect::<Vec<_>>()
            .join(" "),
        Expr::Alt(items) => {
            let body = items
                .iter()
                .map(|i| render(i, false, d))
                .collect::<Vec<_>>()
                .join(" | ");
            if top { body } else { format!("({body})") }
        }
        Expr::Repeat(inner, min, max) => format!("({}){{{min},{max}}}", render(inner, true, d)),
    }
}

/// GBNF names take letters, digits and dashes.
fn gbnf_name(name: &str) -> String {
    name.replace('_', "-")
}

/// A GBNF string literal: printable ASCII as is (but `"` and `\`), everything else escaped.
fn gbnf_literal(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out += "\\\"",
            '\\' => out += "\\\\",
            ' '..='~' => out.push(c),
            c => out += &escape(c),
        }
    }
    out.push('"');
    out
}

/// A character as a GBNF escape.
fn escape(c: char) -> String {
    match c as u32 {
        n if n <= 0xff => format!("\\x{n:02X}"),
        n if n <= 0xffff => format!("\\u{n:04X}"),
        n => format!("\\U{n:08X}"),
    }
}

/// A character inside a GBNF character class: letters and digits as is, the rest escaped
/// (so `-`, `]`, `^` and `\` never read as syntax).
fn class_char(c: char) -> String {
    if c.is_ascii_alphanumeric() {
        c.to_string()
    } else {
        escape(c)
    }
}

/// A regular expression (the subset the plan grammar uses: literals, classes, groups,
/// alternation, repetition) as a GBNF expression.
pub fn regex_to_gbnf(re: &str) -> Result<String, GbnfError> {
    let fail = |problem: String| GbnfError {
        regex: re.to_owned(),
        problem,
    };
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(re)
        .map_err(|e| fail(e.to_string()))?;
    hir_to_gbnf(&hir).map_err(fail)
}

fn hir_to_gbnf(h: &Hir) -> Result<String, String> {
    Ok(match h.kind() {
        HirKind::Empty => "\"\"".to_owned(),
        HirKind::Literal(lit) => gbnf_literal(
            std::str::from_utf8(&lit.0).map_err(|_| "a literal that is not UTF-8".to_owned())?,
        ),
        HirKind::Class(Class::Unicode(class)) => {
            let ranges: String = class
                .ranges()
                .iter()
                .map(|r| {
                    if r.start() == r.end() {
                        class_char(r.start())
                    } else {
                        format!("{}-{}", class_char(r.start()), class_char(r.end()))
                    }
                })
                .collect();
            format!("[{ranges}]")
        }
        HirKind::Class(Class::Bytes(_)) => return Err("a byte class".to_owned()),
        HirKind::Look(look) => return Err(format!("the assertion {look:?}")),
        HirKind::Repetition(rep) => {
            let inner = format!("({})", hir_to_gbnf(&rep.sub)?);
            match (rep.min, rep.max) {
                (0, Some(1)) => format!("{inner}?"),
                (0, None) => format!("{inner}*"),
                (1, None) => format!("{inner}+"),
                (m, None) => format!("{inner}{{{m},}}"),
                (m, Some(n)) if m == n => format!("{inner}{{{m}}}"),
                (m, Some(n)) => format!("{inner}{{{m},{n}}}"),
            }
        }
        HirKind::Capture(cap) => format!("({})", hir_to_gbnf(&cap.sub)?),
        HirKind::Concat(items) => items
            .iter()
            .map(hir_to_gbnf)
            .collect::<Result<Vec<_>, _>>()?
            .join(" "),
        HirKind::Alternation(items) => format!(
            "({})",
            items
                .iter()
                .map(hir_to_gbnf)
                .collect::<Result<Vec<_>, _>>()?
                .join(" | ")
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lark_and_gbnf_come_from_the_same_rules() {
        let g = Grammar {
            rules: vec![
                Rule::Rule(
                    "start".into(),
                    Expr::Seq(vec![
                        Expr::Ref("step".into()),
                        Expr::Repeat(
                            Box::new(Expr::Seq(vec![
                                Expr::Lit("; ".into()),
                                Expr::Ref("step".into()),
                            ])),
                            0,
                            2,
                        ),
                    ]),
                ),
                Rule::Rule(
                    "step".into(),
                    Expr::Alt(vec![
                        Expr::Seq(vec![
                            Expr::Lit("say \"".into()),
                            Expr::Ref("TEXT".into()),
                            Expr::Lit("\"".into()),
                        ]),
                        Expr::Seq(vec![
                            Expr::Lit("go to ".into()),
                            Expr::Alt(vec![
                                Expr::Lit("café".into()),
                                Expr::Ref("some_place".into()),
                            ]),
                        ]),
                    ]),
                ),
                Rule::Rule("some_place".into(), Expr::Lit("lab".into())),
                Rule::Terminal("TEXT".into(), "[a-z -]{1,5}".into()),
            ],
        };
        assert_eq!(
            g.to_lark(),
            "start: step (\"; \" step){0,2}\n\
             step: \"say \\\"\" TEXT \"\\\"\" | \"go to \" (\"café\" | some_place)\n\
             some_place: \"lab\"\n\
             TEXT: /[a-z -]{1,5}/\n"
        );
        assert_eq!(
            g.to_gbnf().unwrap(),
            "root ::= step (\"; \" step){0,2}\n\
             step ::= \"say \\\"\" TEXT \"\\\"\" | \"go to \" (\"caf\\xE9\" | some-place)\n\
             some-place ::= \"lab\"\n\
             TEXT ::= ([\\x20\\x2Da-z]){1,5}\n"
        );
    }

    #[test]
    fn the_plan_grammars_expressions_become_gbnf() {
        assert_eq!(
            regex_to_gbnf(r"-?[0-9]{1,3}(\.[0-9]{1,2})?").unwrap(),
            r#"("-")? ([0-9]){1,3} (("." ([0-9]){1,2}))?"#
        );
        assert_eq!(
            regex_to_gbnf("(?:[0-9]|[1-3][0-9]|4(?:[0-5]))").unwrap(),
            r#"([0-9] | [1-3] [0-9] | "4" [0-5])"#
        );
        assert_eq!(
            regex_to_gbnf("[A-Za-z0-9 ,.!?'-]{1,80}").unwrap(),
            r"([\x20-\x21\x27\x2C-\x2E0-9\x3FA-Za-z]){1,80}"
        );
    }

    #[test]
    fn what_gbnf_cannot_say_is_refused_by_name() {
        let e = regex_to_gbnf(r"^go\b").unwrap_err();
        assert!(e.to_string().contains("/^go\\b/"), "{e}");
    }
}
