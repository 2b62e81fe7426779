//! `fuerza recruit`: score candidates (1–5 per trait) against the plan's trait profile.
//!
//! Score = Σ weight × trait score (weights sum to 1, so the score stays on the
//! 1–5 scale). Candidates are ranked highest first; equal scores share a rank
//! and are reported as ties (the tool does not break them).

use crate::diag::Diagnostic;
use crate::plan::Recruiting;
use rust_decimal::Decimal;
use std::io::Read;

/// One scored candidate.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Per trait: (trait, score, weight, weighted contribution).
    pub parts: Vec<(String, Decimal, Decimal, Decimal)>,
    /// Weighted score on the 1–5 scale.
    pub score: Decimal,
    /// Rank (1 = best; equal scores share a rank).
    pub rank: usize,
    /// Whether the score is below `min_score`.
    pub below_min: bool,
    /// Line in the candidates file.
    pub line: usize,
}

/// Parses one score cell: a number from 1 to 5.
pub fn parse_score(s: &str) -> Result<Decimal, String> {
    if s.is_empty() {
        return Err("the score is missing (every trait needs a score from 1 to 5)".into());
    }
    let d = crate::units::parse_decimal(s).map_err(|_| "a score is a number from 1 to 5".to_string())?;
    if d < Decimal::ONE || d > Decimal::from(5) {
        return Err(format!("score {d} is outside the 1–5 scale"));
    }
    Ok(d)
}

/// Reads and scores the candidates; every bad cell is an error with file, line, column and value.
pub fn score<R: Read>(file: &str, input: R, profile: &Recruiting) -> Result<Vec<Candidate>, Vec<Diagnostic>> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut header = csv::StringRecord::new();
    let names: Vec<String> = match rdr.read_record(&mut header) {
        Ok(true) => header
            .iter()
            .enumerate()
            .map(|(i, h)| {
                if i == 0 { h.trim_start_matches('\u{feff}') } else { h }
                    .trim()
                    .to_string()
            })
            .collect(),
        Ok(false) => {
            return Err(vec![Diagnostic::error("the candidates file is empty")
                .in_file(file)
                .at(1, 1)])
        }
        Err(e) => return Err(vec![Diagnostic::error(format!("cannot read CSV: {e}")).in_file(file)]),
    };
    let col = |n: &str| names.iter().position(|x| x == n);
    let mut errors = Vec::new();
    let mut wanted: Vec<&str> = vec!["candidate_id", "name"];
    wanted.extend(profile.traits.iter().map(|t| t.0.as_str()));
    let missing: Vec<&str> = wanted.iter().copied().filter(|c| col(c).is_none()).collect();
    if !missing.is_empty() {
        return Err(vec![Diagnostic::error(format!(
            "missing column(s): {}",
            missing.join(", ")
        ))
        .in_file(file)
        .at(1, 1)
        .with_source(names.join(","))
        .with_help(format!(
            "candidates need candidate_id, name and a 1–5 score for each trait of the plan's [recruiting]: {}",
            wanted[2..].join(", ")
        ))]);
    }
    let idx: Vec<usize> = wanted.iter().filter_map(|c| col(c)).collect();
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    let mut seen = std::collections::BTreeMap::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                errors.push(Diagnostic::error(format!("cannot read CSV: {e}")).in_file(file));
                break;
            }
        }
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |k: usize| rec.get(idx[k]).unwrap_or("").trim();
        let err = |k: usize, msg: String| {
            Diagnostic::error(msg)
                .in_file(file)
                .at(line, idx[k] + 1)
                .column_named(wanted[k])
                .with_value(cell(k))
        };
        let id = cell(0).to_string();
        if let Err(e) = crate::units::check_id(&id) {
            errors.push(err(0, e));
        } else if let Some(first) = seen.insert(id.clone(), line) {
            errors.push(err(0, format!("duplicate candidate_id (first at line {first})")));
        }
        let mut parts = Vec::new();
        for (k, (t, w)) in profile.traits.iter().enumerate() {
            match parse_score(cell(k + 2)) {
                Ok(s) => parts.push((t.clone(), s, *w, s * *w)),
                Err(e) => errors.push(err(k + 2, e)),
            }
        }
        if parts.len() == profile.traits.len() {
            let score = parts.iter().map(|p| p.3).sum::<Decimal>();
            let below_min = profile.min_score.is_some_and(|m| score < m);
            out.push(Candidate {
                id,
                name: cell(1).to_string(),
                parts,
                score,
                rank: 0,
                below_min,
                line,
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    rank(&mut out);
    Ok(out)
}

/// Ranks by score (highest first; equal scores share a rank, then file order).
pub fn rank(cands: &mut [Candidate]) {
    cands.sort_by(|a, b| b.score.cmp(&a.score).then(a.line.cmp(&b.line)));
    let mut last: Option<(Decimal, usize)> = None;
    for (i, c) in cands.iter_mut().enumerate() {
        c.rank = match last {
            Some((s, r)) if s == c.score => r,
            _ => i + 1,
        };
        last = Some((c.score, c.rank));
    }
}

/// Groups of candidates that share a rank (ties a person must break).
pub fn ties(cands: &[Candidate]) -> Vec<Vec<&Candidate>> {
    let mut groups: Vec<Vec<&Candidate>> = Vec::new();
    for c in cands {
        match groups.last_mut() {
            Some(g) if g[0].rank == c.rank => g.push(c),
            _ => groups.push(vec![c]),
        }
    }
    groups.into_iter().filter(|g| g.len() > 1).collect()
}
