//! The import journal: one tab-separated line per imported file (`sha256`, path, result URL),
//! appended, flushed and fsynced as each file completes, so an interrupted import resumes where
//! it stopped. A torn last line (crash mid-write) is ignored on reading.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};

pub struct Journal {
    path: PathBuf,
    file: Mutex<File>,
    /// Content hash → result URL of everything imported in earlier runs.
    pub done: HashMap<String, String>,
}

impl Journal {
    pub fn open(path: &Path) -> Result<Journal> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let mut done = HashMap::new();
        let mut torn = false;
        if path.exists() {
            let f = File::open(path).with_context(|| format!("reading {}", path.display()))?;
            let mut reader = BufReader::new(f);
            let mut line = Vec::new();
            loop {
                line.clear();
                let n = reader
                    .read_until(b'\n', &mut line)
                    .with_context(|| format!("reading {}", path.display()))?;
                if n == 0 {
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
                        done.insert(hash.to_owned(), url.to_owned());
                    }
                }
            }
        }
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("opening {}", path.display()))?;
        if torn {
            // End the torn line so the next record starts on its own line.
            file.write_all(b"\n")?;
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
    pub fn record(&self, hash: &str, path: &Path, url: &str) -> Result<()> {
        let line = format!(
            "{hash}\t{}\t{}\n",
            clean(&path.display().to_string()),
            clean(url)
        );
        let mut f = self
            .file
            .lock()
            .map_err(|_| anyhow::anyhow!("journal lock poisoned"))?;
        f.write_all(line.as_bytes())
            .and_then(|()| f.flush())
            .and_then(|()| f.sync_data())
            .with_context(|| format!("writing {}", self.path.display()))
    }
}

fn clean(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Lowercase hex sha256 (the content hash that makes imports idempotent).
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(data))
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
            j.record(&h, Path::new("a\tb.jpg"), "http://x/1")
                .expect("record");
        }
        std::fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .and_then(|mut f| f.write_all(b"deadbeef\tpartial"))
            .expect("append");
        let j = Journal::open(&p).expect("reopen");
        assert_eq!(j.done.get(&h).map(String::as_str), Some("http://x/1"));
        assert_eq!(j.done.len(), 1);
        let h2 = sha256_hex(b"y");
        j.record(&h2, Path::new("c.jpg"), "http://x/2")
            .expect("record");
        drop(j);
        let j = Journal::open(&p).expect("reopen");
        assert_eq!(j.done.len(), 2);
    }
}
