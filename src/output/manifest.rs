//! manifest.json: the run stamp (no timestamps, so equal runs give equal bytes).

use serde::Serialize;

/// One input file.
#[derive(Debug, Clone, Serialize)]
pub struct InputStamp {
    /// Path as given.
    pub file: String,
    /// Hex SHA-256 of its bytes.
    pub sha256: String,
    /// Data rows (the plan: its lines).
    pub rows: u64,
}

/// One output file.
#[derive(Debug, Clone, Serialize)]
pub struct OutputStamp {
    /// Name under the output folder.
    pub file: String,
    /// Hex SHA-256 of its bytes.
    pub sha256: String,
}

/// The whole stamp.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// fuerza's version.
    pub fuerza_version: String,
    /// The command that made this folder: `evaluate`, `simulate`, `compare`, `quota`, ...
    pub run: String,
    /// The command line, argument by argument.
    pub command: Vec<String>,
    /// Inputs, plan first.
    pub inputs: Vec<InputStamp>,
    /// Rows skipped in lenient mode.
    pub rows_skipped: u64,
    /// Deal rows outside the plan year (counted, not paid on).
    pub deals_outside_year: u64,
    /// Outputs, in the order written.
    pub outputs: Vec<OutputStamp>,
}

impl Manifest {
    /// The stamp of a `run` (a subcommand's name) of `command` over `inputs`.
    pub fn new(run: &str, command: Vec<String>, inputs: Vec<InputStamp>) -> Self {
        Self {
            fuerza_version: env!("CARGO_PKG_VERSION").to_string(),
            run: run.to_string(),
            command,
            inputs,
            rows_skipped: 0,
            deals_outside_year: 0,
            outputs: Vec::new(),
        }
    }

    /// Stamps every file in `out_files` as this run's outputs, then appends
    /// manifest.json itself.
    pub fn append_to(mut self, out_files: &mut Vec<super::files::OutFile>) {
        self.outputs = out_files
            .iter()
            .map(|f| OutputStamp {
                file: f.name.clone(),
                sha256: super::files::sha256_hex(&f.bytes),
            })
            .collect();
        out_files.push(super::files::OutFile {
            name: "manifest.json".into(),
            bytes: self.to_bytes(),
        });
    }

    /// Pretty JSON with a final newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }
}
