//! Reading a spanned TOML document: typed getters that record every mistake.
//!
//! The plan is parsed with `toml::de::DeTable::parse_recoverable`, which keeps
//! the span and the exact source text of every value. `Table` hands out keys,
//! remembers which were used, and reports the rest as unknown keys; the `as_*`
//! functions convert one value and record a located error when they cannot, so
//! one run reports every error in the file.

use crate::diag::{line_col, Diagnostic};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeSet;
use std::ops::Range;
use std::str::FromStr;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// A byte range in the plan file.
pub type Span = Range<usize>;

/// A spanned TOML value.
pub type Value<'i> = Spanned<DeValue<'i>>;

/// The error collector for one plan file.
pub struct Ctx<'s> {
    src: &'s str,
    file: String,
    /// Every diagnostic so far.
    pub diags: Vec<Diagnostic>,
    /// The code of what is being read (`plan.scheme`), for errors with no more specific one.
    pub code: &'static str,
}

impl<'s> Ctx<'s> {
    /// A collector for `src`, read from `file`.
    pub fn new(src: &'s str, file: &str) -> Self {
        Self {
            src,
            file: file.to_string(),
            diags: Vec::new(),
            code: "plan.invalid",
        }
    }

    /// A located diagnostic at `span`.
    pub fn diag_at(&self, span: &Span, message: impl Into<String>) -> Diagnostic {
        let (line, col, text) = line_col(self.src, span.start);
        Diagnostic::error(message)
            .in_file(self.file.clone())
            .at(line, col)
            .with_source(text)
            .with_code(self.code)
    }

    /// Records an error at `span` under `code` (a more specific code than the section's).
    pub fn error_as(&mut self, code: &str, span: &Span, message: impl Into<String>, help: Option<String>) {
        let mut d = self.diag_at(span, message).with_code(code);
        d.help = help;
        self.diags.push(d);
    }

    /// Records an error at `span`.
    pub fn error(&mut self, span: &Span, message: impl Into<String>) {
        let d = self.diag_at(span, message);
        self.diags.push(d);
    }

    /// Records an error at `span` with a hint.
    pub fn error_help(&mut self, span: &Span, message: impl Into<String>, help: impl Into<String>) {
        let d = self.diag_at(span, message).with_help(help);
        self.diags.push(d);
    }

    /// Records a warning at `span`.
    pub fn warn(&mut self, span: &Span, message: impl Into<String>) {
        let mut d = self.diag_at(span, message);
        d.severity = crate::diag::Severity::Warning;
        self.diags.push(d);
    }

    /// Whether any error was recorded.
    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }

    /// The 1-based line a span starts on.
    pub fn line_of(&self, span: &Span) -> usize {
        line_col(self.src, span.start).0
    }

    /// The exact source text of a span.
    pub fn text(&self, span: &Span) -> &str {
        self.src.get(span.clone()).unwrap_or("")
    }
}

/// One TOML table being read; unknown keys are reported by `finish`.
pub struct Table<'a, 'i> {
    tbl: &'a DeTable<'i>,
    span: Span,
    what: String,
    used: BTreeSet<String>,
}

impl<'a, 'i> Table<'a, 'i> {
    /// Wraps a table named `what` (e.g. `[plan]`, `schemes[2]`).
    pub fn new(tbl: &'a DeTable<'i>, span: Span, what: impl Into<String>) -> Self {
        Self {
            tbl,
            span,
            what: what.into(),
            used: BTreeSet::new(),
        }
    }

    /// The table's own span.
    pub fn span(&self) -> Span {
        self.span.clone()
    }

    /// The table's name as shown in messages.
    pub fn what(&self) -> &str {
        &self.what
    }

    /// Takes a key, if present.
    pub fn get(&mut self, key: &str) -> Option<&'a Value<'i>> {
        self.used.insert(key.to_string());
        self.tbl.get(key)
    }

    /// The span of a key's value, if present (does not mark it used).
    pub fn peek_span(&self, key: &str) -> Option<Span> {
        self.tbl.get(key).map(|v| v.span())
    }

    /// Whether the key is present (does not mark it used).
    pub fn has(&self, key: &str) -> bool {
        self.tbl.get(key).is_some()
    }

    /// Takes a required key; records "missing key" when absent.
    pub fn require(&mut self, ctx: &mut Ctx, key: &str) -> Option<&'a Value<'i>> {
        let v = self.get(key);
        if v.is_none() {
            let span = self.span.clone();
            ctx.error_as(
                "plan.missing-key",
                &span,
                format!("{} is missing the required key `{key}`", self.what),
                Some(format!("add `{key} = ...` to {}", self.what)),
            );
        }
        v
    }

    /// Reports every key that was not taken, with the keys that are allowed.
    pub fn finish(self, ctx: &mut Ctx, allowed: &[&str]) {
        for (k, _) in self.tbl.iter() {
            let name: &str = k.get_ref();
            if !self.used.contains(name) && !allowed.contains(&name) {
                let mut valid: Vec<&str> = allowed.to_vec();
                valid.extend(self.used.iter().map(String::as_str));
                valid.sort_unstable();
                valid.dedup();
                let hint = match closest(name, &valid) {
                    Some(s) => format!("did you mean `{s}`? allowed keys: {}", valid.join(", ")),
                    None => format!("allowed keys: {}", valid.join(", ")),
                };
                ctx.error_as(
                    "plan.unknown-key",
                    &k.span(),
                    format!("unknown key `{name}` in {}", self.what),
                    Some(hint),
                );
            }
        }
    }
}

/// The allowed key closest to a misspelt one, when close enough to suggest.
pub fn closest<'a>(name: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|a| (edit_distance(name, a), *a))
        .filter(|(d, a)| *d <= 2.max(a.len() / 4))
        .min()
        .map(|(_, a)| a)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The TOML type name of a value, for messages.
pub fn type_name(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date/time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

fn wrong_type(ctx: &mut Ctx, v: &Value, key: &str, expected: &str) {
    ctx.error_as(
        "plan.wrong-type",
        &v.span(),
        format!("`{key}` must be {expected}, found {}", type_name(v.get_ref())),
        None,
    );
}

/// A string value.
pub fn as_str(ctx: &mut Ctx, v: &Value, key: &str) -> Option<String> {
    match v.get_ref() {
        DeValue::String(s) => Some(s.to_string()),
        _ => {
            wrong_type(ctx, v, key, "a string");
            None
        }
    }
}

/// A boolean value.
pub fn as_bool(ctx: &mut Ctx, v: &Value, key: &str) -> Option<bool> {
    match v.get_ref() {
        DeValue::Boolean(b) => Some(*b),
        _ => {
            wrong_type(ctx, v, key, "true or false");
            None
        }
    }
}

/// A non-negative integer.
pub fn as_count(ctx: &mut Ctx, v: &Value, key: &str) -> Option<u64> {
    match v.get_ref() {
        DeValue::Integer(i) => {
            let t = i.as_str().replace('_', "");
            match u64::from_str_radix(t.trim_start_matches('+'), i.radix()) {
                Ok(n) => Some(n),
                Err(_) => {
                    ctx.error(&v.span(), format!("`{key}` must be a whole number ≥ 0"));
                    None
                }
            }
        }
        _ => {
            wrong_type(ctx, v, key, "a whole number");
            None
        }
    }
}

/// A number read exactly: integer, float (its source text, never a binary
/// float) or a string holding a plain decimal.
pub fn as_decimal(ctx: &mut Ctx, v: &Value, key: &str) -> Option<Decimal> {
    let parsed = match v.get_ref() {
        DeValue::Integer(i) if i.radix() == 10 => crate::units::parse_decimal(&i.as_str().replace('_', "")),
        DeValue::Float(f) => {
            let t = f.as_str().replace('_', "");
            if t.contains(['e', 'E']) {
                Decimal::from_scientific(&t).map_err(|_| "number out of range".to_string())
            } else if t.contains("inf") || t.contains("nan") {
                Err("must be a finite number".to_string())
            } else {
                crate::units::parse_decimal(&t)
            }
        }
        DeValue::String(s) => crate::units::parse_decimal(s),
        _ => {
            wrong_type(ctx, v, key, "a number");
            return None;
        }
    };
    match parsed {
        Ok(d) => Some(d),
        Err(e) => {
            ctx.error(&v.span(), format!("`{key}`: {e}"));
            None
        }
    }
}

/// A money amount: an exact decimal, ≥ 0 and below 10^15.
pub fn as_money(ctx: &mut Ctx, v: &Value, key: &str) -> Option<Decimal> {
    let d = as_decimal(ctx, v, key)?;
    if d.is_sign_negative() && !d.is_zero() {
        ctx.error(&v.span(), format!("`{key}` must not be negative (found {d})"));
        return None;
    }
    if let Err(e) = crate::units::check_money(d) {
        ctx.error(&v.span(), format!("`{key}`: {e}"));
        return None;
    }
    Some(d)
}

/// A rate as written: a fraction, a percent string or a multiple of the BCR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawRate {
    /// A plain fraction (0.08 or "8%").
    Fixed(Decimal),
    /// A multiple of the scheme's base commission rate ("1.5x").
    Bcr(Decimal),
}

/// Reads a rate: `0.08`, `"8%"` or `"1.5x"`; never negative, at most 100.
pub fn as_rate(ctx: &mut Ctx, v: &Value, key: &str) -> Option<RawRate> {
    as_rate_at_most(ctx, v, key, Decimal::ONE_HUNDRED)
}

/// [`as_rate`] with another bound (money per unit for `measure = "units"`).
pub fn as_rate_at_most(ctx: &mut Ctx, v: &Value, key: &str, max: Decimal) -> Option<RawRate> {
    let r = if let DeValue::String(s) = v.get_ref() {
        let t = s.trim();
        let (body, kind) = if let Some(b) = t.strip_suffix('%') {
            (b, 1)
        } else if let Some(b) = t.strip_suffix(['x', 'X']) {
            (b, 2)
        } else {
            (t, 0)
        };
        match crate::units::parse_decimal(body) {
            Ok(d) => match kind {
                1 => RawRate::Fixed(d / Decimal::ONE_HUNDRED),
                2 => RawRate::Bcr(d),
                _ => RawRate::Fixed(d),
            },
            Err(_) => {
                ctx.error_help(
                    &v.span(),
                    format!("`{key}` is not a rate: {s:?}"),
                    "write a fraction (0.08), a percentage (\"8%\") or a multiple of the base commission rate (\"1.5x\")",
                );
                return None;
            }
        }
    } else {
        RawRate::Fixed(as_decimal(ctx, v, key)?)
    };
    let d = match r {
        RawRate::Fixed(d) | RawRate::Bcr(d) => d,
    };
    if d.is_sign_negative() && !d.is_zero() {
        ctx.error(&v.span(), format!("`{key}` must not be negative"));
        return None;
    }
    if d > max {
        let help = if max == Decimal::ONE_HUNDRED {
            "rates are fractions: 0.08 or \"8%\" is eight percent; at most 100 (10,000%)".to_string()
        } else {
            format!("a rate per unit is money per unit: at most {max}")
        };
        ctx.error_help(&v.span(), format!("`{key}` is implausibly large ({d})"), help);
        return None;
    }
    Some(r)
}

/// A date: a TOML local date (`2026-01-01`) or a string `"2026-01-01"`.
pub fn as_date(ctx: &mut Ctx, v: &Value, key: &str) -> Option<NaiveDate> {
    match v.get_ref() {
        DeValue::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => {
            let d = dt.date?;
            let r = NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day));
            if r.is_none() {
                ctx.error(&v.span(), format!("`{key}` is not a valid date"));
            }
            r
        }
        DeValue::String(s) => match crate::calendar::parse_date(s) {
            Ok(d) => Some(d),
            Err(e) => {
                ctx.error(&v.span(), format!("`{key}`: {e}"));
                None
            }
        },
        _ => {
            wrong_type(ctx, v, key, "a date (2026-01-01)");
            None
        }
    }
}

/// An array's items.
pub fn as_array<'a, 'i>(ctx: &mut Ctx, v: &'a Value<'i>, key: &str) -> Option<&'a [Value<'i>]> {
    match v.get_ref() {
        DeValue::Array(a) => Some(a.as_ref()),
        _ => {
            wrong_type(ctx, v, key, "an array");
            None
        }
    }
}

/// A table, wrapped for reading.
pub fn as_table<'a, 'i>(ctx: &mut Ctx, v: &'a Value<'i>, key: &str, what: impl Into<String>) -> Option<Table<'a, 'i>> {
    match v.get_ref() {
        DeValue::Table(t) => Some(Table::new(t, v.span(), what)),
        _ => {
            wrong_type(ctx, v, key, "a table");
            None
        }
    }
}

/// An array of strings.
pub fn as_str_list(ctx: &mut Ctx, v: &Value, key: &str) -> Option<Vec<(String, Span)>> {
    let items = as_array(ctx, v, key)?;
    let mut out = Vec::with_capacity(items.len());
    for it in items {
        out.push((as_str(ctx, it, key)?, it.span()));
    }
    Some(out)
}

/// Parses the document; syntax errors are recorded in `ctx`.
pub fn parse<'i>(ctx: &mut Ctx, src: &'i str) -> Spanned<DeTable<'i>> {
    let (doc, errors) = DeTable::parse_recoverable(src);
    for e in errors {
        let span = e.span().unwrap_or(0..0);
        let msg = e.message().trim().to_string();
        ctx.error_as("plan.syntax", &span, format!("TOML syntax: {msg}"), None);
    }
    doc
}

/// Reads `text` as a decimal exactly as typed (used for ids of messages).
pub fn decimal_text(d: &Decimal) -> String {
    d.normalize().to_string()
}

/// Parses a decimal from a string, for tests and defaults.
pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_default()
}
