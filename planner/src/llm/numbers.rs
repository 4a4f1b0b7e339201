//! Regular expressions for bounded numbers, so the grammar itself keeps every value in range.

/// Digits `0..=n` written without leading zeros.
pub fn uint_upto(n: u32) -> String {
    let digits: Vec<u8> = n.to_string().bytes().map(|b| b - b'0').collect();
    let mut alts = Vec::new();
    for len in 1..digits.len() {
        alts.push(if len == 1 {
            "[0-9]".to_owned()
        } else {
            format!("[1-9][0-9]{{{}}}", len - 1)
        });
    }
    if digits.len() == 1 {
        alts.push(format!("[0-{}]", digits[0]));
    } else {
        let d0 = digits[0];
        if d0 > 1 {
            alts.push(format!("[1-{}][0-9]{{{}}}", d0 - 1, digits.len() - 1));
        }
        alts.push(format!("{d0}(?:{})", fixed_upto(&digits[1..])));
    }
    format!("(?:{})", alts.join("|"))
}

/// Exactly `digits.len()` digits (leading zeros allowed) whose value is at most `digits`.
fn fixed_upto(digits: &[u8]) -> String {
    let d0 = digits[0];
    if digits.len() == 1 {
        return format!("[0-{d0}]");
    }
    let rest = digits.len() - 1;
    let mut alts = Vec::new();
    if d0 > 0 {
        alts.push(format!("[0-{}][0-9]{{{rest}}}", d0 - 1));
    }
    alts.push(format!("{d0}(?:{})", fixed_upto(&digits[1..])));
    alts.join("|")
}

/// Decimals in `0..=max` with at most one decimal place (`max` whole).
pub fn decimal_upto(max: u32) -> String {
    if max == 0 {
        return "0".to_owned();
    }
    format!("(?:{}(?:\\.[0-9])?|{max}(?:\\.0)?)", uint_upto(max - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(re: &str) -> regex::Regex {
        regex::Regex::new(&format!("^{re}$")).unwrap()
    }

    #[test]
    fn integers_up_to_n_match_exactly_the_range() {
        for n in [0, 5, 9, 10, 19, 60, 99, 100, 180, 360, 720, 999, 1000] {
            let re = full(&uint_upto(n));
            for v in 0..=1100u32 {
                assert_eq!(re.is_match(&v.to_string()), v <= n, "n={n} v={v}");
            }
            assert!(
                !re.is_match("01") && !re.is_match("") && !re.is_match("-1"),
                "n={n}"
            );
        }
    }

    #[test]
    fn decimals_stay_in_range() {
        let re = full(&decimal_upto(5));
        for ok in ["0", "0.5", "4.9", "5", "5.0", "3"] {
            assert!(re.is_match(ok), "{ok}");
        }
        for bad in ["5.1", "6", "10", "-1", ".5", "4.55"] {
            assert!(!re.is_match(bad), "{bad}");
        }
    }
}
