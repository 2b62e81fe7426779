//! A run's output folder, all or nothing.
//!
//! Every file of a run is written into a staging folder beside `--out`, which
//! then takes the place of the old folder in one atomic swap (Linux
//! `renameat2(RENAME_EXCHANGE)`; elsewhere two renames, undone by the next run
//! if it is killed between them). A failed or killed run leaves the previous
//! folder exactly as it was; the next run removes what a killed one left
//! behind; nothing of an earlier run survives in the new folder. The guard
//! refuses an `--out` that would write over an input, into the data folder, or
//! replace a folder fuerza did not write.

use super::files::OutFile;
use crate::diag::Diagnostic;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// The name stem of the hidden siblings a run keeps beside its folder.
const MARK: &str = ".fuerza-";

/// What a run must never write over: its input files and its data folder.
#[derive(Debug, Default)]
pub struct Guard {
    inputs: Vec<PathBuf>,
    data_dir: Option<PathBuf>,
}

impl Guard {
    /// A guard over the run's input files (as given) and its data folder.
    pub fn new<'a>(inputs: impl IntoIterator<Item = &'a Path>, data_dir: Option<&Path>) -> Self {
        Self {
            inputs: inputs.into_iter().filter_map(|p| p.canonicalize().ok()).collect(),
            data_dir: data_dir.and_then(|d| d.canonicalize().ok()),
        }
    }

    /// Why folder `out` (absolute, resolved) may not be replaced by a run, if it may not.
    fn folder_conflict(&self, out: &Path) -> Option<String> {
        if out.parent().is_none() {
            return Some("it is the root of the file system".into());
        }
        if let Ok(cwd) = std::env::current_dir().and_then(|c| c.canonicalize()) {
            if cwd.starts_with(out) {
                return Some("it is the current folder or holds it; name a folder of its own, such as out/run".into());
            }
        }
        if let Some(d) = &self.data_dir {
            if out.starts_with(d) {
                return Some(format!("it is in the data folder {}", d.display()));
            }
            if d.starts_with(out) {
                return Some(format!("it holds the data folder {}", d.display()));
            }
        }
        self.inputs.iter().find(|f| f.starts_with(out)).map(|f| {
            let how = if f == out { "is" } else { "holds" };
            format!("it {how} the input {}", f.display())
        })
    }

    /// Why file `target` (absolute, resolved) may not be written, if it may not.
    fn file_conflict(&self, target: &Path) -> Option<String> {
        if self.inputs.iter().any(|f| f == target) {
            return Some("it is an input of this run".into());
        }
        self.data_dir
            .as_ref()
            .filter(|d| *d == target)
            .map(|_| "it is the data folder".into())
    }
}

/// An absolute path with `.` and `..` resolved and symlinks followed, for
/// paths that may not exist yet: component by component, each prefix that
/// exists is canonicalised (so `..` after a symlink goes where the system
/// goes), and `..` after a part that does not exist pops it (a missing
/// folder cannot be a link).
fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let abs = std::path::absolute(path)?;
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => {
                out.push(c);
                if let Ok(real) = out.canonicalize() {
                    out = real;
                }
            }
        }
    }
    Ok(out)
}

fn refused(out: &Path, why: &str, help: &str) -> Diagnostic {
    Diagnostic::error(format!("--out {} cannot be written: {why}", out.display())).with_help(help.to_string())
}

fn io_failed(out: &Path, what: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot {what}: {e}")).in_file(out.display().to_string())
}

/// Why folder `dir` is not a run folder fuerza may replace, if it is not: it
/// must be empty, or hold a `manifest.json` fuerza wrote and only the files
/// that manifest stamps (a file put there since would be lost with the folder).
fn not_a_run_folder(dir: &Path) -> Option<String> {
    let mut present = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).ok()?.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(dir) {
                present.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    if present.is_empty() {
        return None;
    }
    let manifest = std::fs::read(dir.join("manifest.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .filter(|v| v.get("fuerza_version").is_some());
    let Some(m) = manifest else {
        return Some("the folder holds files and no manifest.json from fuerza, so it was not written by a run".into());
    };
    let stamped: std::collections::BTreeSet<&str> = m["outputs"]
        .as_array()
        .map(|a| a.iter().filter_map(|o| o["file"].as_str()).collect())
        .unwrap_or_default();
    let mut extra: Vec<String> = present
        .into_iter()
        .filter(|f| f != "manifest.json" && !stamped.contains(f.as_str()))
        .collect();
    extra.sort();
    (!extra.is_empty()).then(|| {
        format!(
            "the folder holds files its last run did not write ({}): they would be lost with it",
            crate::diag::some_of(&extra, 5)
        )
    })
}

/// Whether process `pid` is another process still running (so its staging folder is in use).
fn alive_elsewhere(pid: u32) -> bool {
    pid != std::process::id() && Path::new("/proc").join(pid.to_string()).exists()
}

/// Removes (or, for a folder a killed swap left aside, restores) what earlier
/// killed runs left beside `out`.
fn clean_leftovers(parent: &Path, name: &str, out: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    let prefix = format!(".{name}{MARK}");
    for e in entries.flatten() {
        let file = e.file_name();
        let Some(rest) = file.to_str().and_then(|f| f.strip_prefix(&prefix)) else {
            continue;
        };
        let (kind, pid) = rest.split_once('-').unwrap_or((rest, ""));
        if pid.parse().is_ok_and(alive_elsewhere) {
            continue;
        }
        let path = e.path();
        if kind == "old" && !out.exists() && std::fs::rename(&path, out).is_ok() {
            continue; // killed between the two renames: the old folder is back
        }
        let _ = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut fh = std::fs::File::create(path)?;
    fh.write_all(bytes)?;
    fh.sync_all()
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Swaps `staging` into `out` (which exists); afterwards `staging` holds the old folder.
#[cfg(target_os = "linux")]
fn exchange(staging: &Path, out: &Path, aside: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    match renameat_with(CWD, staging, CWD, out, RenameFlags::EXCHANGE) {
        Ok(()) => std::fs::rename(staging, aside),
        Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => two_renames(staging, out, aside),
        Err(e) => Err(e.into()),
    }
}

/// Swaps `staging` into `out` (which exists); afterwards `aside` holds the old folder.
#[cfg(not(target_os = "linux"))]
fn exchange(staging: &Path, out: &Path, aside: &Path) -> std::io::Result<()> {
    two_renames(staging, out, aside)
}

/// The old folder aside, the new one in: a kill in between is undone by the next run.
fn two_renames(staging: &Path, out: &Path, aside: &Path) -> std::io::Result<()> {
    std::fs::rename(out, aside)?;
    std::fs::rename(staging, out).inspect_err(|_| {
        let _ = std::fs::rename(aside, out);
    })
}

/// Replaces folder `out` with exactly `files` (names may hold one folder, e.g.
/// `charts/x.svg`), all or nothing. Returns the paths written.
pub fn publish(out: &Path, files: &[OutFile], guard: &Guard) -> Result<Vec<PathBuf>, Diagnostic> {
    let abs = resolve(out).map_err(|e| io_failed(out, "resolve the output folder", &e))?;
    if let Some(why) = guard.folder_conflict(&abs) {
        return Err(refused(
            out,
            &why,
            "a run replaces its output folder whole: name a new or empty folder, or one an earlier run wrote",
        ));
    }
    if abs.exists() && !abs.is_dir() {
        return Err(refused(
            out,
            "it is a file, not a folder",
            "--out names a folder; the outputs go inside it",
        ));
    }
    if let Some(why) = abs.is_dir().then(|| not_a_run_folder(&abs)).flatten() {
        return Err(refused(
            out,
            &why,
            "a run replaces its output folder whole: name a new or empty folder, or move those files out",
        ));
    }
    let (Some(parent), Some(name)) = (abs.parent(), abs.file_name().and_then(|n| n.to_str())) else {
        return Err(refused(
            out,
            "it has no usable folder name",
            "name a folder such as out/run",
        ));
    };
    std::fs::create_dir_all(parent).map_err(|e| io_failed(out, "create the output folder's parent", &e))?;
    clean_leftovers(parent, name, &abs);
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}{MARK}staging-{pid}"));
    let aside = parent.join(format!(".{name}{MARK}old-{pid}"));
    let _ = std::fs::remove_dir_all(&staging);
    let staged = (|| {
        std::fs::create_dir(&staging)?;
        for f in files {
            write_file(&staging.join(&f.name), &f.bytes)?;
        }
        sync_dir(&staging);
        if abs.exists() {
            exchange(&staging, &abs, &aside)?;
        } else {
            std::fs::rename(&staging, &abs)?;
        }
        sync_dir(parent);
        Ok(())
    })();
    if let Err(e) = staged {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(io_failed(out, "write the outputs", &e));
    }
    let _ = std::fs::remove_dir_all(&aside);
    Ok(files.iter().map(|f| out.join(&f.name)).collect())
}

/// Writes one file atomically (a temporary file beside it, then a rename),
/// refusing to write over an input of the run or a folder.
pub fn publish_file(target: &Path, bytes: &[u8], guard: &Guard) -> Result<(), Diagnostic> {
    let abs = resolve(target).map_err(|e| io_failed(target, "resolve the output file", &e))?;
    if let Some(why) = guard.file_conflict(&abs) {
        return Err(refused(
            target,
            &why,
            "write the file elsewhere, then copy it where it is needed",
        ));
    }
    if abs.is_dir() {
        return Err(refused(
            target,
            "it is a folder",
            "name a file, e.g. out/plan-quota/quotas.csv",
        ));
    }
    let (Some(parent), Some(name)) = (abs.parent(), abs.file_name().and_then(|n| n.to_str())) else {
        return Err(refused(
            target,
            "it has no usable file name",
            "name a file such as out/quotas.csv",
        ));
    };
    std::fs::create_dir_all(parent).map_err(|e| io_failed(target, "create the output file's folder", &e))?;
    clean_leftovers(parent, name, &abs);
    let tmp = parent.join(format!(".{name}{MARK}tmp-{}", std::process::id()));
    write_file(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, &abs))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            io_failed(target, "write the output file", &e)
        })?;
    sync_dir(parent);
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn file(name: &str, text: &str) -> OutFile {
        OutFile {
            name: name.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    fn manifest() -> OutFile {
        file("manifest.json", "{\"fuerza_version\": \"0\"}\n")
    }

    #[test]
    fn a_second_run_leaves_nothing_of_the_first() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("out");
        let g = Guard::default();
        let stamped = file(
            "manifest.json",
            "{\"fuerza_version\": \"0\", \"outputs\": [{\"file\": \"a.csv\"}, {\"file\": \"charts/x.svg\"}]}",
        );
        publish(&out, &[file("a.csv", "1"), file("charts/x.svg", "x"), stamped], &g).unwrap();
        publish(&out, &[file("b.csv", "2"), manifest()], &g).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["b.csv", "manifest.json"]);
        let siblings: Vec<_> = std::fs::read_dir(t.path()).unwrap().collect();
        assert_eq!(siblings.len(), 1, "no staging folder is left behind");
    }

    #[test]
    fn a_file_added_to_a_run_folder_is_never_deleted_by_the_next_run() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("out");
        let m = |files: &[&str]| {
            let outputs: Vec<String> = files
                .iter()
                .map(|f| format!("{{\"file\": \"{f}\", \"sha256\": \"x\"}}"))
                .collect();
            file(
                "manifest.json",
                &format!("{{\"fuerza_version\": \"0\", \"outputs\": [{}]}}", outputs.join(",")),
            )
        };
        publish(&out, &[file("a.csv", "1"), m(&["a.csv"])], &Guard::default()).unwrap();
        std::fs::write(out.join("quotas.csv"), "mine").unwrap();
        let e = publish(&out, &[file("a.csv", "2"), m(&["a.csv"])], &Guard::default()).unwrap_err();
        assert!(
            e.message.contains("files its last run did not write (quotas.csv)"),
            "{}",
            e.message
        );
        assert_eq!(std::fs::read_to_string(out.join("quotas.csv")).unwrap(), "mine");
    }

    #[test]
    fn a_folder_not_written_by_fuerza_is_refused() {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("notes.txt"), "mine").unwrap();
        let e = publish(t.path(), &[manifest()], &Guard::default()).unwrap_err();
        assert!(e.message.contains("no manifest.json from fuerza"), "{}", e.message);
        assert_eq!(std::fs::read_to_string(t.path().join("notes.txt")).unwrap(), "mine");
    }

    #[test]
    fn inputs_and_the_data_folder_are_refused() {
        let t = tempfile::tempdir().unwrap();
        let data = t.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::fs::write(data.join("deals.csv"), "d").unwrap();
        let plan = t.path().join("plan.toml");
        std::fs::write(&plan, "p").unwrap();
        let g = Guard::new([plan.as_path(), data.join("deals.csv").as_path()], Some(&data));
        for out in [data.clone(), data.join("out"), t.path().to_path_buf()] {
            assert!(publish(&out, &[manifest()], &g).is_err(), "{}", out.display());
        }
        assert!(publish_file(&data.join("deals.csv"), b"q", &g).is_err());
        assert!(publish_file(&plan, b"q", &g).is_err());
        assert_eq!(std::fs::read_to_string(data.join("deals.csv")).unwrap(), "d");
        assert_eq!(std::fs::read_to_string(&plan).unwrap(), "p");
        publish_file(&data.join("quotas.csv"), b"q", &g).unwrap();
        assert_eq!(std::fs::read_to_string(data.join("quotas.csv")).unwrap(), "q");
    }

    #[test]
    fn dot_dot_after_a_missing_folder_is_resolved_before_the_guard() {
        let t = tempfile::tempdir().unwrap();
        let data = t.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::fs::write(data.join("deals.csv"), "d").unwrap();
        let g = Guard::new([data.join("deals.csv").as_path()], Some(&data));
        for out in [
            t.path().join("missing/../data"),
            t.path().join("a/b/../../data"),
            t.path().join("missing/./../data/sub"),
        ] {
            assert!(publish(&out, &[manifest()], &g).is_err(), "{}", out.display());
        }
        assert!(!t.path().join("missing").exists() && !t.path().join("a").exists());
        assert!(publish_file(&t.path().join("missing/../data/deals.csv"), b"q", &g).is_err());
        assert_eq!(std::fs::read_to_string(data.join("deals.csv")).unwrap(), "d");
        let mine = t.path().join("mydocs");
        std::fs::create_dir(&mine).unwrap();
        std::fs::write(mine.join("thesis.txt"), "work").unwrap();
        assert!(publish(&t.path().join("x/../mydocs"), &[manifest()], &Guard::default()).is_err());
        assert_eq!(std::fs::read_to_string(mine.join("thesis.txt")).unwrap(), "work");
    }

    #[test]
    fn leftovers_of_a_killed_run_are_cleaned_or_restored() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("out");
        // Killed between the renames: the old folder is aside and `out` is missing.
        let aside = t.path().join(format!(".out{MARK}old-4000000000"));
        std::fs::create_dir(&aside).unwrap();
        std::fs::write(aside.join("manifest.json"), "{\"fuerza_version\": \"0\"}").unwrap();
        let staging = t.path().join(format!(".out{MARK}staging-4000000001"));
        std::fs::create_dir(&staging).unwrap();
        std::fs::write(staging.join("half.csv"), "x").unwrap();
        publish(&out, &[file("new.csv", "n"), manifest()], &Guard::default()).unwrap();
        assert!(out.join("new.csv").exists());
        let siblings: Vec<_> = std::fs::read_dir(t.path()).unwrap().collect();
        assert_eq!(siblings.len(), 1);
    }
}
