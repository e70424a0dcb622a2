//! The `upstage serve` child a load test measures: started on a free loopback port in its own
//! data dir, with its first admin key read from its output, and its memory read from `/proc`.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub struct Server {
    child: Child,
    pub pid: u32,
    pub endpoint: String,
    pub key: String,
}

impl Server {
    /// Runs `exe` (default: this binary) as `upstage serve` in `dir`.
    pub async fn start(
        exe: Option<&Path>,
        dir: &Path,
        vars: &[(String, String)],
    ) -> Result<Server> {
        let exe = match exe {
            Some(e) => e.to_path_buf(),
            None => std::env::current_exe()?,
        };
        let mut child = Command::new(exe)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .current_dir(dir)
            .env("UPSTAGE_DATA_DIR", dir.join("data"))
            .envs(vars.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .context("starting upstage serve")?;
        let pid = child.id().context("server pid")?;
        let mut lines = BufReader::new(child.stdout.take().context("server stdout")?).lines();
        let (mut key, mut base) = (None, None);
        while let Some(line) =
            tokio::time::timeout(Duration::from_secs(30), lines.next_line()).await??
        {
            let t = line.trim();
            if t.starts_with("chv_") {
                key = Some(t.to_owned());
            }
            if let Some(rest) = t.strip_prefix("Upstage listening on ") {
                base = rest.split_whitespace().next().map(str::to_owned);
                break;
            }
        }
        let (Some(key), Some(base)) = (key, base) else {
            bail!("server did not start (a shared database must be empty: the load test needs the first admin key)")
        };
        Ok(Server {
            child,
            pid,
            endpoint: format!("{base}/api/1/upload"),
            key,
        })
    }

    /// Peak resident memory so far (VmHWM), MB.
    pub fn peak_rss_mb(&self) -> Option<f64> {
        status_mb(self.pid, "VmHWM:")
    }

    /// CPU seconds the server has used so far.
    pub fn cpu_seconds(&self) -> Option<f64> {
        cpu_seconds(&self.pid.to_string(), false)
    }

    /// Resident memory now (VmRSS), MB.
    pub fn rss_mb(&self) -> Option<f64> {
        status_mb(self.pid, "VmRSS:")
    }

    pub async fn stop(mut self) {
        self.child.kill().await.ok();
    }
}

/// CPU seconds a process has used (user + system), and with `children` the CPU of its waited-for
/// children instead, from `/proc/PID/stat` (fields 14–17, in clock ticks of 1/100 s on Linux).
pub(super) fn cpu_seconds(pid: &str, children: bool) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces; the fields after its closing parenthesis do not.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let at = if children { 13 } else { 11 };
    let ticks: f64 =
        fields.get(at)?.parse::<f64>().ok()? + fields.get(at + 1)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

pub(super) fn status_mb(pid: u32, field: &str) -> Option<f64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = s
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}
