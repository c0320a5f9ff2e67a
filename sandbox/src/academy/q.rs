// The `q` search expression of GET /people (spec §1.2.4): conditions joined by AND, each
// `operator = "value"`, operators contains/startsWith/endsWith/equal(s), spacing tolerated.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Contains,
    StartsWith,
    EndsWith,
    Equals,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    pub op: Op,
    pub value: String,
}

/// A parse failure: where (character position, 0-based) and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QError {
    pub position: usize,
    pub message: String,
}

impl std::fmt::Display for QError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "invalid q at character {}: {}",
            self.position + 1,
            self.message
        )
    }
}

struct Cursor {
    chars: Vec<char>,
    pos: usize,
}

impl Cursor {
    fn skip_ws(&mut self) {
        while self.chars.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    fn word(&mut self) -> String {
        let start = self.pos;
        while self
            .chars
            .get(self.pos)
            .is_some_and(|c| c.is_ascii_alphabetic())
        {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    fn error<T>(&self, message: impl Into<String>) -> Result<T, QError> {
        Err(QError {
            position: self.pos,
            message: message.into(),
        })
    }
}

/// Parses a whole expression; an empty one is an error (omit `q` to list everyone).
pub fn parse(text: &str) -> Result<Vec<Condition>, QError> {
    let mut c = Cursor {
        chars: text.chars().collect(),
        pos: 0,
    };
    let mut conditions = Vec::new();
    loop {
        c.skip_ws();
        let start = c.pos;
        let word = c.word();
        let op = match word.as_str() {
            "contains" => Op::Contains,
            "startsWith" => Op::StartsWith,
            "endsWith" => Op::EndsWith,
            "equal" | "equals" => Op::Equals,
            "" => return c.error("expected an operator: contains, startsWith, endsWith or equal"),
            other => {
                c.pos = start;
                return c.error(format!(
                    "unknown operator \u{201c}{other}\u{201d}; use contains, startsWith, endsWith or equal"
                ));
            }
        };
        c.skip_ws();
        if c.chars.get(c.pos) != Some(&'=') {
            return c.error(format!("expected '=' after {word}"));
        }
        c.pos += 1;
        c.skip_ws();
        if c.chars.get(c.pos) != Some(&'"') {
            return c.error("expected a value in double quotes, e.g. \"Rob\"");
        }
        c.pos += 1;
        let mut value = String::new();
        loop {
            match c.chars.get(c.pos) {
                None => return c.error("the value's closing double quote is missing"),
                Some('"') => {
                    c.pos += 1;
                    break;
                }
                Some('\\') if c.chars.get(c.pos + 1) == Some(&'"') => {
                    value.push('"');
                    c.pos += 2;
                }
                Some(&ch) => {
                    value.push(ch);
                    c.pos += 1;
                }
            }
        }
        conditions.push(Condition { op, value });
        c.skip_ws();
        if c.pos == c.chars.len() {
            return Ok(conditions);
        }
        let joiner = c.word();
        if joiner != "AND" {
            c.pos -= joiner.chars().count();
            let hint = if joiner.eq_ignore_ascii_case("or") {
                "only AND may join conditions (OR is not supported)"
            } else {
                "expected AND between conditions"
            };
            return c.error(hint);
        }
    }
}

impl Condition {
    /// Case-insensitive match of one condition against a name.
    pub fn matches(&self, name: &str) -> bool {
        let (name, value) = (name.to_lowercase(), self.value.to_lowercase());
        match self.op {
            Op::Contains => name.contains(&value),
            Op::StartsWith => name.starts_with(&value),
            Op::EndsWith => name.ends_with(&value),
            Op::Equals => name == value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example_with_any_spacing() {
        let q = parse(r#"contains= "Rob" AND startsWith = "Rob" AND endsWith = "Jr.""#).unwrap();
        assert_eq!(q.len(), 3);
        assert_eq!(
            q[2],
            Condition {
                op: Op::EndsWith,
                value: "Jr.".into()
            }
        );
        assert!(q.iter().all(|c| c.matches("Robert Downey Jr.")));
        assert_eq!(parse(r#"equals="Jon Favreau""#).unwrap()[0].op, Op::Equals);
        assert_eq!(parse(r#"  equal  =  "x"  "#).unwrap()[0].value, "x");
    }

    #[test]
    fn errors_point_at_the_problem() {
        let e = parse(r#"contains "Rob""#).unwrap_err();
        assert_eq!(e.position, 9);
        assert!(e.message.contains("'='"));
        let e = parse(r#"like = "Rob""#).unwrap_err();
        assert!(e.message.contains("unknown operator"));
        let e = parse(r#"contains = "Rob" OR endsWith = "x""#).unwrap_err();
        assert!(e.message.contains("OR is not supported"));
        assert!(parse(r#"contains = "Rob"#)
            .unwrap_err()
            .message
            .contains("closing"));
        assert!(parse("").is_err());
        assert!(parse(r#"contains = Rob"#)
            .unwrap_err()
            .message
            .contains("double quotes"));
        assert!(parse(r#"contains = "a" AND"#).is_err());
    }

    #[test]
    fn never_panics_on_odd_input() {
        for text in [
            "\"",
            "=",
            "AND",
            "contains=\"é\\",
            "contains=\"\\\"\"",
            "containsé=\"x\"",
            "\u{0}",
        ] {
            let _ = parse(text);
        }
    }
}
