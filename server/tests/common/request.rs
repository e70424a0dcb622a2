//! A request as plain data (method, path, where the key goes, body), built into a reqwest
//! request only when sent: a multipart form cannot be cloned, so a row keeps bytes and pairs.

use std::time::Duration;

/// Where the API key travels.
#[derive(Clone, Debug)]
pub enum Key {
    None,
    /// `X-API-Key` (an empty string sends the header empty).
    Header(String),
    /// The `key` parameter: in the form or multipart body, else in the query string.
    Param(String),
}

#[derive(Clone, Debug)]
pub enum Part {
    Text(String, String),
    File {
        name: String,
        file_name: String,
        mime: String,
        bytes: Vec<u8>,
    },
}

#[derive(Clone, Debug)]
pub enum Body {
    None,
    Form(Vec<(String, String)>),
    Multipart(Vec<Part>),
    /// Sent as `application/json`.
    Json(String),
    /// Bytes reqwest would not write itself, with their content type.
    Raw(String, Vec<u8>),
}

#[derive(Clone, Debug)]
pub struct Req {
    pub get: bool,
    /// Relative to the server (`/api/1/upload?format=txt`).
    pub path: String,
    pub key: Key,
    pub body: Body,
}

pub fn text(name: &str, value: &str) -> Part {
    Part::Text(name.to_owned(), value.to_owned())
}

pub fn file(name: &str, file_name: &str, mime: &str, bytes: Vec<u8>) -> Part {
    Part::File {
        name: name.to_owned(),
        file_name: file_name.to_owned(),
        mime: mime.to_owned(),
        bytes,
    }
}

/// A `source` file part.
pub fn source(file_name: &str, mime: &str, bytes: Vec<u8>) -> Part {
    file("source", file_name, mime, bytes)
}

pub fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

impl Req {
    pub fn get(path: impl Into<String>) -> Req {
        Req {
            get: true,
            path: path.into(),
            key: Key::None,
            body: Body::None,
        }
    }

    pub fn post(path: impl Into<String>) -> Req {
        Req {
            get: false,
            ..Req::get(path)
        }
    }

    /// POST to the upload endpoint.
    pub fn upload() -> Req {
        Req::post("/api/1/upload")
    }

    pub fn header(mut self, key: &str) -> Req {
        self.key = Key::Header(key.to_owned());
        self
    }

    pub fn param(mut self, key: &str) -> Req {
        self.key = Key::Param(key.to_owned());
        self
    }

    pub fn form(mut self, p: &[(&str, &str)]) -> Req {
        self.body = Body::Form(pairs(p));
        self
    }

    pub fn multipart(mut self, parts: Vec<Part>) -> Req {
        self.body = Body::Multipart(parts);
        self
    }

    pub fn json(mut self, text: String) -> Req {
        self.body = Body::Json(text);
        self
    }

    pub fn raw(mut self, content_type: &str, bytes: Vec<u8>) -> Req {
        self.body = Body::Raw(content_type.to_owned(), bytes);
        self
    }

    pub(super) fn build(&self, c: &reqwest::Client, base: &str) -> reqwest::RequestBuilder {
        let mut url = format!("{base}{}", self.path);
        let mut body = self.body.clone();
        match (&self.key, &mut body) {
            (Key::Param(k), Body::Form(p)) => p.insert(0, ("key".into(), k.clone())),
            (Key::Param(k), Body::Multipart(parts)) => parts.push(text("key", k)),
            (Key::Param(k), _) => {
                let sep = if url.contains('?') { '&' } else { '?' };
                let q: String = url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("key", k)
                    .finish();
                url = format!("{url}{sep}{q}");
            }
            _ => {}
        }
        let mut r = if self.get { c.get(url) } else { c.post(url) };
        if let Key::Header(k) = &self.key {
            r = r.header("X-API-Key", k);
        }
        match body {
            Body::None => r,
            Body::Form(p) => r.form(&p),
            Body::Json(t) => r.header("content-type", "application/json").body(t),
            Body::Raw(ct, bytes) => r.header("content-type", ct).body(bytes),
            Body::Multipart(parts) => {
                let mut form = reqwest::multipart::Form::new();
                for p in parts {
                    form = match p {
                        Part::Text(n, v) => form.text(n, v),
                        Part::File {
                            name,
                            file_name,
                            mime,
                            bytes,
                        } => form.part(name, super::file_part(bytes, &file_name, &mime)),
                    };
                }
                r.multipart(form)
            }
        }
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(120))
        .build()
        .expect("a client")
}
