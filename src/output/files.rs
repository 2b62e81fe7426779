//! Output files in memory, and their hashes (`folder` writes them).

use sha2::{Digest, Sha256};

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
