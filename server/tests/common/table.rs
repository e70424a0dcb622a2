//! API cases as data rows: a request (common/request.rs) and what must come back. One runner
//! sends every row in order and reports each failing row by name, so a table reads as the
//! catalogue it checks.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

pub use super::request::*;

use serde_json::Value;

use super::TestServer;

/// One expectation about a 200 JSON body or its headers.
pub enum Check {
    /// The value at a JSON pointer (`/image/title`).
    Eq(String, Value),
    /// No value at this JSON pointer.
    Absent(String),
    Header(String, String),
    /// Anything a pointer cannot say; a panic inside names the row.
    With(Box<dyn Fn(&Value)>),
}

pub enum Expect {
    /// 400, `application/json; charset=UTF-8`, and the reference's body byte for byte.
    Error(String, i64),
    /// A 400 in the reference's shape whose message and code satisfy the predicate.
    ErrorWhere(fn(&str, i64) -> bool),
    /// A plain-text answer (`format=txt`/`redirect`): status and exact text, no `Location`.
    Plain(u16, String),
    /// 200 JSON with `status_code` 200, then the checks.
    Ok(Vec<Check>),
    /// 200 with a plain-text body the predicate accepts (`format=txt`).
    Text(Box<dyn Fn(&str) -> bool>),
    /// Either accepted or refused with this code (input a decoder may or may not salvage).
    OkOrError(i64),
}

pub struct Case {
    pub name: String,
    pub req: Req,
    pub expect: Expect,
    /// The answer must arrive within this time.
    pub within: Option<Duration>,
}

pub fn case(name: impl Into<String>, req: Req, expect: Expect) -> Case {
    Case {
        name: name.into(),
        req,
        expect,
        within: None,
    }
}

impl Case {
    pub fn within(mut self, d: Duration) -> Self {
        self.within = Some(d);
        self
    }
}

pub fn error(message: &str, code: i64) -> Expect {
    Expect::Error(message.to_owned(), code)
}

pub fn plain(status: u16, text: &str) -> Expect {
    Expect::Plain(status, text.to_owned())
}

pub fn ok() -> Expect {
    Expect::Ok(vec![])
}

/// 200 with these values in the `image` object (keys, not pointers: `("title", json!("x"))`).
pub fn ok_image(pairs: &[(&str, Value)]) -> Expect {
    Expect::Ok(
        pairs
            .iter()
            .map(|(k, v)| Check::Eq(format!("/image/{k}"), v.clone()))
            .collect(),
    )
}

pub fn with(f: impl Fn(&Value) + 'static) -> Check {
    Check::With(Box::new(f))
}

/// The reference's error body, byte for byte (key order included).
pub fn error_body(message: &str, code: i64) -> String {
    format!(
        r#"{{"status_code":400,"error":{{"message":{},"code":{code}}},"status_txt":"Bad Request"}}"#,
        serde_json::to_string(message).expect("a string serializes")
    )
}

/// Sends every row in order and returns each answer's JSON (`Null` when not JSON). Fails after
/// the last row, naming every row that did not get its answer.
pub async fn run(s: &TestServer, cases: &[Case]) -> Vec<Value> {
    let c = client();
    let mut failed = Vec::new();
    let mut out = Vec::new();
    for case in cases {
        let started = Instant::now();
        let answer = match case.req.build(&c, &s.url).send().await {
            Ok(r) => Answer::read(r).await,
            Err(e) => Err(format!("request failed: {e}")),
        };
        let verdict = answer.and_then(|a| {
            let v = check(&a, &case.expect)?;
            match case.within {
                Some(d) if started.elapsed() > d => {
                    Err(format!("took {:?}, over {d:?}", started.elapsed()))
                }
                _ => Ok(v),
            }
        });
        match verdict {
            Ok(v) => out.push(v),
            Err(why) => {
                failed.push(format!("row `{}`: {why}", case.name));
                out.push(Value::Null);
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} rows failed:\n{}",
        failed.len(),
        cases.len(),
        failed.join("\n")
    );
    out
}

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    text: String,
}

impl Answer {
    async fn read(r: reqwest::Response) -> Result<Answer, String> {
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r
            .text()
            .await
            .map_err(|e| format!("reading the body: {e}"))?;
        Ok(Answer {
            status,
            headers,
            text,
        })
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `(message, code)` of a 400 in the reference's exact shape.
    fn error(&self) -> Result<(String, i64), String> {
        let v: Value = serde_json::from_str(&self.text)
            .map_err(|e| format!("{} not JSON ({e}): {}", self.status, self.text))?;
        let message = v["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let code = v["error"]["code"].as_i64().unwrap_or(i64::MIN);
        if self.status != 400 || self.text != error_body(&message, code) {
            return Err(format!(
                "not a 400 in the reference's shape: {} {}",
                self.status, self.text
            ));
        }
        Ok((message, code))
    }
}

fn check(a: &Answer, expect: &Expect) -> Result<Value, String> {
    let json = || serde_json::from_str(&a.text).unwrap_or(Value::Null);
    match expect {
        Expect::Error(message, code) => {
            let want = error_body(message, *code);
            if a.status != 400 || a.text != want {
                return Err(format!("got {} {}\n  want 400 {want}", a.status, a.text));
            }
            let ct = a.header("content-type");
            if ct != Some("application/json; charset=UTF-8") {
                return Err(format!("content type {ct:?}"));
            }
        }
        Expect::ErrorWhere(accept) => {
            let (message, code) = a.error()?;
            if !accept(&message, code) {
                return Err(format!("unexpected error {code} {message:?}"));
            }
        }
        Expect::Plain(status, text) => {
            let ct = a.header("content-type").unwrap_or_default();
            if a.status != *status || a.text != *text || !ct.starts_with("text/plain") {
                return Err(format!(
                    "got {} {ct:?} {:?}, want {status} {text:?}",
                    a.status, a.text
                ));
            }
            if a.header("location").is_some() {
                return Err("an error must not redirect".into());
            }
        }
        Expect::Text(accept) => {
            if a.status != 200 || !accept(&a.text) {
                return Err(format!("got {} {:?}", a.status, a.text));
            }
        }
        Expect::OkOrError(code) => {
            if a.status != 200 {
                let (m, c) = a.error()?;
                if c != *code {
                    return Err(format!("neither 200 nor code {code}: {c} {m:?}"));
                }
            }
        }
        Expect::Ok(checks) => {
            let v = json();
            if a.status != 200 || v["status_code"] != 200 {
                return Err(format!("got {} {}", a.status, a.text));
            }
            for c in checks {
                match c {
                    Check::Eq(p, want) if v.pointer(p) != Some(want) => {
                        return Err(format!("{p}: got {:?}, want {want}", v.pointer(p)));
                    }
                    Check::Absent(p) if v.pointer(p).is_some() => {
                        return Err(format!("{p} must be absent: {:?}", v.pointer(p)));
                    }
                    Check::Header(h, want) if a.header(h) != Some(want.as_str()) => {
                        return Err(format!("header {h}: got {:?}, want {want:?}", a.header(h)));
                    }
                    Check::With(f) => catch_unwind(AssertUnwindSafe(|| f(&v))).map_err(|p| {
                        let why = p
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()));
                        format!("check failed: {}", why.unwrap_or_default())
                    })?,
                    _ => {}
                }
            }
            return Ok(v);
        }
    }
    Ok(json())
}
