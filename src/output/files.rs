//! Writing output files atomically, all or nothing.

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// One output file: its name under the output folder and its bytes.
pub struct OutFile {
    /// Relative path (may contain one folder, e.g. `charts/x.svg`).
    pub name: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// Hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes every file under `dir`: each to a temporary file first, then renamed
/// into place, so a reader never sees a partial file.
pub fn write_all(dir: &Path, files: &[OutFile]) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut staged = Vec::with_capacity(files.len());
    for f in files {
        let target = dir.join(&f.name);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let tmp = target.with_file_name(format!(
            ".{}.tmp-{}",
            target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            std::process::id()
        ));
        let res = (|| {
            let mut fh = std::fs::File::create(&tmp)?;
            fh.write_all(&f.bytes)?;
            fh.sync_all()
        })();
        if let Err(e) = res {
            let _ = std::fs::remove_file(&tmp);
            for (t, _) in &staged {
                let _ = std::fs::remove_file(t);
            }
            return Err(e);
        }
        staged.push((tmp, target));
    }
    let mut written = Vec::with_capacity(staged.len());
    for (tmp, target) in staged {
        std::fs::rename(&tmp, &target)?;
        written.push(target);
    }
    Ok(written)
}
