//! Safe file names (and HTML anchors) derived from ids such as rep ids.
//!
//! An id that is already a plain name (`[A-Za-z0-9][A-Za-z0-9_-]*`, not a
//! reserved device name, and no other plain id equal to it ignoring case) is
//! used as it is. Any other id (dots, slashes, spaces, non-ASCII, or a case
//! twin) becomes a lower-case slug of its safe characters followed by `.` and
//! the start of the SHA-256 of the exact id. A plain name never contains a
//! `.`, so it cannot meet a hashed one; two hashed names can only meet on a
//! hash-prefix collision, which lengthens the hash. Names never contain a path
//! separator or start with a dot, and differ in more than case (so they are
//! distinct on case-insensitive file systems too).

use super::files::sha256_hex;
use std::collections::{BTreeMap, BTreeSet};

/// Longest slug kept before the hash.
const SLUG_MAX: usize = 40;

/// Device names Windows refuses as file names, with any extension.
const RESERVED: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2",
    "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

fn is_plain_shape(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && id.len() <= 64
        && !RESERVED.contains(&id.to_ascii_lowercase().as_str())
}

fn slug(id: &str) -> String {
    let mut s = String::new();
    for c in id.chars() {
        let c = c.to_ascii_lowercase();
        let keep = if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' };
        if !(keep == '_' && s.ends_with('_')) {
            s.push(keep);
        }
        if s.len() >= SLUG_MAX {
            break;
        }
    }
    let s = s.trim_matches(|c| c == '_' || c == '-').to_string();
    if s.is_empty() {
        "id".to_string()
    } else {
        s
    }
}

/// One safe, distinct file stem per id (same order). Ids must be distinct.
pub fn file_stems(ids: &[&str]) -> Vec<String> {
    let mut folded: BTreeMap<String, usize> = BTreeMap::new();
    for id in ids.iter().filter(|i| is_plain_shape(i)) {
        *folded.entry(id.to_ascii_lowercase()).or_default() += 1;
    }
    let is_plain = |id: &str| is_plain_shape(id) && folded.get(&id.to_ascii_lowercase()) == Some(&1);
    let mut taken: BTreeSet<String> = ids
        .iter()
        .filter(|i| is_plain(i))
        .map(|i| i.to_ascii_lowercase())
        .collect();
    ids.iter()
        .map(|id| {
            if is_plain(id) {
                return id.to_string();
            }
            let hash = sha256_hex(id.as_bytes());
            let base = slug(id);
            let mut n = 8;
            loop {
                let name = format!("{base}.{}", &hash[..n.min(hash.len())]);
                if n >= hash.len() || taken.insert(name.clone()) {
                    return name;
                }
                n += 8;
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ids_are_kept() {
        assert_eq!(
            file_stems(&["ae01", "AE02", "mgr-east", "x_1"]),
            vec!["ae01", "AE02", "mgr-east", "x_1"]
        );
    }

    #[test]
    fn hostile_ids_cannot_escape_the_folder() {
        let ids = ["../../etc/passwd", "..", "/abs", "a\\b", "<script>", "日本"];
        let stems = file_stems(&ids);
        for s in &stems {
            assert!(!s.contains('/') && !s.contains('\\'), "{s}");
            assert!(!s.starts_with('.'), "{s}");
            assert!(s.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)), "{s}");
        }
        assert!(stems[0].starts_with("etc_passwd."), "{}", stems[0]);
        assert!(stems[1].starts_with("id."), "{}", stems[1]);
        assert!(stems[4].starts_with("script."), "{}", stems[4]);
    }

    #[test]
    fn ids_that_differ_only_in_case_or_punctuation_do_not_collide() {
        let ids = ["ana", "Ana", "ANA", "a.na", "a/na", "a na", "con", "Con"];
        let stems = file_stems(&ids);
        let lower: BTreeSet<String> = stems.iter().map(|s| s.to_lowercase()).collect();
        assert_eq!(lower.len(), ids.len(), "{stems:?}");
        // Case twins are all hashed: none may take the plain name.
        assert!(stems[..3].iter().all(|s| s.starts_with("ana.")), "{stems:?}");
        assert_ne!(stems[6], "con");
        assert_ne!(stems[7], "Con");
    }

    #[test]
    fn a_plain_id_shaped_like_a_hashed_name_cannot_collide() {
        // The hashed name of "A.b" uses a dot; no plain id has one.
        let h = &sha256_hex(b"A.b")[..8];
        let stems = file_stems(&["A.b", &format!("a_b-{h}")]);
        assert_eq!(stems[0], format!("a_b.{h}"));
        assert_eq!(stems[1], format!("a_b-{h}"));
    }
}
