//! Display names for generated people: first and last names drawn without
//! repeating a pair.

use super::num::{index, GenRng};
use std::collections::HashSet;

const FIRST: [&str; 64] = [
    "Ana", "Ben", "Chloe", "Diego", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kara", "Liam", "Maya",
    "Nikhil", "Olivia", "Pablo", "Quinn", "Rosa", "Sam", "Tara", "Umar", "Vera", "Wes", "Ximena", "Yusuf", "Zoe",
    "Aiden", "Bea", "Carlos", "Dana", "Emil", "Fatima", "Gabe", "Hana", "Ivan", "Jada", "Kenji", "Lena", "Marco",
    "Nora", "Omar", "Priya", "Rafael", "Sofia", "Theo", "Uma", "Victor", "Willa", "Xavier", "Yara", "Zane", "Amara",
    "Bruno", "Clara", "Dev", "Erin", "Felix", "Gita", "Henry", "Isla", "Jorge", "Kofi", "Lucia", "Mateo",
];

const LAST: [&str; 64] = [
    "Alvarez",
    "Brooks",
    "Chen",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ibrahim",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Murphy",
    "Nakamura",
    "O'Brien",
    "Patel",
    "Quintero",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Ueda",
    "Varga",
    "Walsh",
    "Xu",
    "Yilmaz",
    "Zimmer",
    "Abbott",
    "Baker",
    "Castro",
    "Dias",
    "Evans",
    "Ferreira",
    "Green",
    "Hansen",
    "Ito",
    "Jovanovic",
    "Kim",
    "Larsen",
    "Moreau",
    "Nguyen",
    "Okafor",
    "Park",
    "Quiroga",
    "Reyes",
    "Silva",
    "Torres",
    "Underwood",
    "Vasquez",
    "Weber",
    "Young",
    "Zhang",
    "Adams",
    "Bianchi",
    "Costa",
    "Diaz",
    "Ellis",
    "Fernandes",
    "Gupta",
    "Haddad",
    "Iqbal",
    "Johansson",
    "Khan",
    "Lindqvist",
    "Mendes",
];

/// Hands out distinct "First Last" names.
pub struct Names {
    used: HashSet<(usize, usize)>,
}

impl Names {
    /// A fresh pool.
    pub fn new() -> Self {
        Self { used: HashSet::new() }
    }

    /// The next name; once the pairs run short, a numbered name.
    pub fn next(&mut self, rng: &mut GenRng) -> String {
        for _ in 0..32 {
            let pair = (index(rng, FIRST.len()), index(rng, LAST.len()));
            if self.used.insert(pair) {
                return format!("{} {}", FIRST[pair.0], LAST[pair.1]);
            }
        }
        format!("Rep {}", self.used.len() + 1)
    }
}

impl Default for Names {
    fn default() -> Self {
        Self::new()
    }
}
