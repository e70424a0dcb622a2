//! Faults to inject: an immutable file (a WAL that cannot be written) and a full filesystem.

use std::path::Path;
use std::process::Command;

/// `chattr +i` on a file until dropped (needs root on ext4/xfs/tmpfs).
pub struct Immutable(std::path::PathBuf);

impl Immutable {
    pub fn set(file: &Path) -> Self {
        let out = Command::new("chattr")
            .arg("+i")
            .arg(file)
            .output()
            .expect("running chattr (e2fsprogs)");
        assert!(
            out.status.success(),
            "chattr +i {} (run as root on ext4/xfs/tmpfs): {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        Immutable(file.to_path_buf())
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}

/// A small tmpfs mounted at a directory until dropped (needs root).
pub struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    pub fn mount(dir: &Path, size: &str) -> Self {
        std::fs::create_dir_all(dir).expect("mount point");
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .expect("running mount");
        assert!(
            out.status.success(),
            "mount -t tmpfs at {} (run as root): {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        Tmpfs(dir.to_path_buf())
    }

    /// Remount with `opt` (`ro`, `rw`): an unwritable directory that was writable.
    pub fn remount(&self, opt: &str) {
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,{opt}")])
            .arg(&self.0)
            .status()
            .expect("mount -o remount");
        assert!(ok.success(), "remount {opt}");
    }

    /// Write `file` until the filesystem is full.
    pub fn fill(&self, file: &Path) {
        use std::io::Write;
        let mut f = std::fs::File::create(file).expect("filler");
        let chunk = vec![0u8; 64 * 1024];
        while f.write_all(&chunk).is_ok() {}
        while f.write_all(&chunk[..512]).is_ok() {}
        let _ = f.sync_all();
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}
