//! The errors the server's source makes: each place an `ApiError` is built, read from the text
//! (whitespace collapsed, since rustfmt breaks calls anywhere). Messages built elsewhere are
//! returned apart, by the argument as written, for the test to account for.

use std::path::{Path, PathBuf};

/// One error the code can produce: HTTP status, message (`{}` where `format!` fills in) and code.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub status: u16,
    pub message: String,
    pub code: i64,
}

const STATUSES: [(&str, u16); 8] = [
    ("NOT_FOUND", 404),
    ("FORBIDDEN", 403),
    ("TOO_MANY_REQUESTS", 429),
    ("BAD_REQUEST", 400),
    ("REQUEST_TIMEOUT", 408),
    ("INTERNAL_SERVER_ERROR", 500),
    ("SERVICE_UNAVAILABLE", 503),
    ("INSUFFICIENT_STORAGE", 507),
];

/// A cursor over source text with its whitespace collapsed (rustfmt breaks calls anywhere).
struct Src<'a>(&'a str);

impl<'a> Src<'a> {
    fn eat(&mut self, token: &str) -> bool {
        let rest = self.0.trim_start();
        let found = rest.starts_with(token);
        if found {
            self.0 = &rest[token.len()..];
        }
        found
    }

    /// A string literal (`"…"`), unescaped as far as messages need.
    fn string(&mut self) -> Option<String> {
        let rest = self.0.trim_start().strip_prefix('"')?;
        let mut out = String::new();
        let mut chars = rest.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.0 = &rest[i + 1..];
                    return Some(out);
                }
                '\\' => out.extend(chars.next().map(|(_, e)| e)),
                c => out.push(c),
            }
        }
        None
    }

    /// A message: a literal, or `format!("…", …)` with its placeholders as `{}`.
    fn message(&mut self) -> Option<String> {
        if !self.eat("format!(") {
            return self.string();
        }
        let template = self.string()?;
        self.skip_to_close();
        let mut out = String::new();
        let mut depth = 0;
        for c in template.chars() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    out.push_str("{}");
                }
                c if depth == 0 => out.push(c),
                _ => {}
            }
        }
        Some(out)
    }

    /// Up to the `,` or `)` that ends this argument (nesting and strings skipped); returns it.
    fn arg(&mut self) -> &'a str {
        let s = self.0;
        let (mut depth, mut in_str, mut esc) = (0i32, false, false);
        for (i, c) in s.char_indices() {
            match c {
                _ if esc => esc = false,
                '\\' if in_str => esc = true,
                '"' => in_str = !in_str,
                _ if in_str => {}
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth > 0 => depth -= 1,
                ',' | ')' | ']' | '}' => {
                    self.0 = &s[i..];
                    return s[..i].trim();
                }
                _ => {}
            }
        }
        self.0 = "";
        s.trim()
    }

    fn skip_to_close(&mut self) {
        while !self.0.is_empty() && !self.eat(")") {
            self.arg();
            self.eat(",");
        }
    }

    fn int(&mut self) -> Option<i64> {
        self.arg().parse().ok()
    }

    fn status(&mut self) -> Option<u16> {
        if !self.eat("StatusCode::") {
            return None;
        }
        let name = self.arg();
        let found = STATUSES.iter().find(|(n, _)| *n == name);
        Some(
            found
                .unwrap_or_else(|| panic!("StatusCode::{name}: add it to STATUSES"))
                .1,
        )
    }
}

/// Reads every error made in `text`: `ApiError::bad(…)`, `unavailable(StatusCode::…, "…")` and
/// `ApiError { status: …, message: …, code: … }`. Unreadable messages go to `other`.
pub fn scan(text: &str, pairs: &mut Vec<Pair>, other: &mut Vec<(String, i64)>) {
    let code_lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect();
    let flat = code_lines
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for (at, _) in flat.match_indices("ApiError::bad(") {
        let mut s = Src(&flat[at + "ApiError::bad(".len()..]);
        let before = s.0;
        let message = s.message();
        if message.is_none() {
            s.0 = before;
        }
        let arg = if message.is_none() { s.arg() } else { "" };
        let code = s
            .eat(",")
            .then(|| s.int())
            .flatten()
            .expect("ApiError::bad(message, code)");
        match message {
            Some(message) => pairs.push(Pair {
                status: updated_status(&flat[..at]).unwrap_or(400),
                message,
                code,
            }),
            None => other.push((arg.to_owned(), code)),
        }
    }
    for (at, _) in flat.match_indices("unavailable(") {
        let mut s = Src(&flat[at + "unavailable(".len()..]);
        if let Some(status) = s.status() {
            let message = s
                .eat(",")
                .then(|| s.message())
                .flatten()
                .expect("a literal message");
            pairs.push(Pair {
                status,
                message,
                code: i64::from(status),
            });
        }
    }
    for (at, _) in flat.match_indices("ApiError { status: ") {
        let mut s = Src(&flat[at + "ApiError { status: ".len()..]);
        let status = s.status().expect("status: StatusCode::…");
        // `ApiError { status, ..ApiError::bad(…) }`: read with the `bad` calls above.
        if s.eat(",") && s.0.trim_start().starts_with("..ApiError::bad(") {
            continue;
        }
        let mut s = Src(&flat[at + "ApiError { status: ".len()..]);
        let _ = s.status();
        assert!(
            s.eat(",") && s.eat("message:"),
            "ApiError {{ status, message, code }}"
        );
        let before = s.0;
        let message = s.message();
        if message.is_none() {
            s.0 = before;
        }
        // The argument, or what follows a literal (`.into()`).
        let arg = s.arg();
        let code = (s.eat(",") && s.eat("code:")).then(|| s.int()).flatten();
        match (message, code) {
            (Some(message), Some(code)) => pairs.push(Pair {
                status,
                message,
                code,
            }),
            // `ApiError::bad` itself, built from its parameters: its callers are read instead.
            (None, None) if arg == "message.into()" && status == 400 => {}
            _ => other.push((format!("ApiError {{ message: {arg} }}"), code.unwrap_or(-1))),
        }
    }
}

/// The status of `ApiError { status: StatusCode::X, ..ApiError::bad(…) }` when the text before a
/// `bad` call ends in such a struct update.
fn updated_status(before: &str) -> Option<u16> {
    let rest = before.strip_suffix("..")?.trim_end().strip_suffix(',')?;
    let start = rest.rfind("ApiError { status: ")?;
    Src(&rest[start + "ApiError { status: ".len()..]).status()
}

pub fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if p.is_dir() {
            sources(&p, out);
        } else if name.ends_with(".rs")
            && !name.ends_with("_tests.rs")
            && !name.ends_with("_fuzz.rs")
        {
            out.push(p);
        }
    }
}
