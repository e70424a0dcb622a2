//! The upload journal: one tab-separated line per uploaded file (`sha256`, path, result URL and,
//! for the batch uploader, the links as JSON), appended, flushed and fsynced as each file
//! completes, so an interrupted batch resumes where it stopped. A torn last line (crash
//! mid-write) is ignored on reading. `upstage import` and `upstage upload`/`tui` share it.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A journal that could not be read or written (code `journal_io`).
#[derive(Debug, thiserror::Error)]
#[error("journal {path}: {source}")]
pub struct JournalError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

impl JournalError {
    pub const CODE: &'static str = "journal_io";
}

/// What an earlier run recorded for one content hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub url: String,
    /// The links as JSON (`upstage upload`); absent in `upstage import` journals.
    pub detail: Option<String>,
}

pub struct Journal {
    path: PathBuf,
    file: Mutex<File>,
    /// Content hash → what was recorded for it in earlier runs.
    pub done: HashMap<String, Entry>,
}

impl Journal {
    pub fn open(path: &Path) -> Result<Journal, JournalError> {
        let err = |source| JournalError {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(err)?;
        }
        let mut done = HashMap::new();
        let mut torn = false;
        if path.exists() {
            let mut reader = BufReader::new(File::open(path).map_err(err)?);
            let mut line = Vec::new();
            loop {
                line.clear();
                if reader.read_until(b'\n', &mut line).map_err(err)? == 0 {
                    break;
                }
                if line.last() != Some(&b'\n') {
                    torn = true;
                    break;
                }
                let text = String::from_utf8_lossy(&line);
                let mut fields = text.trim_end_matches('\n').split('\t');
                if let (Some(hash), Some(_path), Some(url)) =
                    (fields.next(), fields.next(), fields.next())
                {
                    if is_sha256_hex(hash) {
                        let detail = fields.next().map(str::to_owned);
                        done.insert(
                            hash.to_owned(),
                            Entry {
                                url: url.to_owned(),
                                detail,
                            },
                        );
                    }
                }
            }
        }
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(err)?;
        if torn {
            // End the torn line so the next record starts on its own line.
            file.write_all(b"\n").map_err(err)?;
        }
        Ok(Journal {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            done,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append one record and make it durable before returning.
    pub fn record(
        &self,
        hash: &str,
        path: &Path,
        url: &str,
        detail: Option<&str>,
    ) -> Result<(), JournalError> {
        let mut line = format!(
            "{hash}\t{}\t{}",
            clean(&path.display().to_string()),
            clean(url)
        );
        if let Some(d) = detail {
            line.push('\t');
            line.push_str(&clean(d));
        }
        line.push('\n');
        let err = |source| JournalError {
            path: self.path.clone(),
            source,
        };
        let mut f = self
            .file
            .lock()
            .map_err(|_| err(std::io::Error::other("journal lock poisoned")))?;
        f.write_all(line.as_bytes())
            .and_then(|()| f.flush())
            .and_then(|()| f.sync_data())
            .map_err(err)
    }
}

fn clean(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Lowercase hex sha256 (the content hash that makes uploads and imports idempotent).
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(data))
}

/// The sha256 of a file, read in chunks (memory stays flat whatever the file size).
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    file_hashes(path, false).map(|h| h.sha256)
}

/// A file's content hashes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileHashes {
    pub sha256: String,
    /// When asked for: the md5 a library records for the file's bytes.
    pub md5: Option<String>,
}

/// The sha256 of a file and, with `md5`, its md5, in one read in chunks.
pub fn file_hashes(path: &Path, md5: bool) -> std::io::Result<FileHashes> {
    use sha2::Digest as _;
    let mut f = File::open(path)?;
    let mut sha = sha2::Sha256::new();
    let mut md = md5.then(<md5_many::Md5 as md5_many::Digest>::new);
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        sha.update(&buf[..n]);
        if let Some(md) = &mut md {
            md5_many::Digest::update(md, &buf[..n]);
        }
    }
    Ok(FileHashes {
        sha256: hex::encode(sha.finalize()),
        md5: md.map(|m| hex::encode(md5_many::Digest::finalize(m))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journal_roundtrip_ignores_torn_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("j.tsv");
        let h = sha256_hex(b"x");
        {
            let j = Journal::open(&p).expect("open");
            j.record(&h, Path::new("a\tb.jpg"), "http://x/1", None)
                .expect("record");
        }
        std::fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .and_then(|mut f| f.write_all(b"deadbeef\tpartial"))
            .expect("append");
        let j = Journal::open(&p).expect("reopen");
        assert_eq!(j.done.get(&h).map(|e| e.url.as_str()), Some("http://x/1"));
        assert_eq!(j.done.len(), 1);
        let h2 = sha256_hex(b"y");
        j.record(&h2, Path::new("c.jpg"), "http://x/2", Some("{\"a\":1}"))
            .expect("record");
        drop(j);
        let j = Journal::open(&p).expect("reopen");
        assert_eq!(j.done.len(), 2);
        assert_eq!(
            j.done.get(&h2).and_then(|e| e.detail.as_deref()),
            Some("{\"a\":1}")
        );
    }

    #[test]
    fn file_hash_matches_bytes_hash() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("f");
        let data = vec![7u8; 600_000];
        std::fs::write(&p, &data).expect("write");
        assert_eq!(sha256_file(&p).expect("hash"), sha256_hex(&data));
        let both = file_hashes(&p, true).expect("hashes");
        assert_eq!(both.sha256, sha256_hex(&data));
        let md5 = <md5::Md5 as md5::Digest>::digest(&data);
        assert_eq!(both.md5, Some(hex::encode(md5)));
    }
}
