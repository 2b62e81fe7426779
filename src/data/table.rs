//! Reading one CSV file: header mapping, typed cells, located errors.
//!
//! Columns are found by name (trimmed, after a BOM), in any order; extra
//! columns are ignored. Every problem becomes a `Diagnostic` naming the file,
//! line, column and value. In lenient mode the bad row is recorded as a
//! reject instead of failing the run.

use crate::diag::Diagnostic;
use chrono::NaiveDate;
use csv::{ByteRecord, StringRecord};
use rust_decimal::Decimal;
use std::io::Read;

/// A reader that counts the double quotes passing through it: an odd count at
/// the end means a quoted field was never closed (the csv parser then reads the
/// rest of the file as that one field, without an error).
///
/// It also refuses a line longer than `MAX_LINE_BYTES`, so a file that is not
/// CSV (one endless line) fails at once instead of filling memory.
pub struct QuoteCount<R> {
    inner: R,
    quotes: u64,
    /// Bytes since the last line break.
    line: u64,
    /// Bytes read so far.
    read: u64,
    /// For the latest line breaks: (offset just after it, quotes before that offset),
    /// so the quotes of the last row alone can be counted.
    marks: std::collections::VecDeque<(u64, u64)>,
    /// Whether the last byte read was a line break.
    ends_nl: bool,
}

/// Line breaks remembered by `QuoteCount` (a last row spanning more lines is
/// a cell with line breaks, which the row reader sees by itself).
const MARKS: usize = 256;

impl<R> QuoteCount<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            quotes: 0,
            line: 0,
            read: 0,
            marks: std::collections::VecDeque::with_capacity(MARKS),
            ends_nl: false,
        }
    }

    /// The quotes read before byte `offset`, when `offset` starts a line still remembered.
    fn quotes_before(&self, offset: u64) -> Option<u64> {
        if offset == 0 {
            return Some(0);
        }
        self.marks.iter().rev().find(|m| m.0 == offset).map(|m| m.1)
    }
}

/// The longest line read from a CSV file.
pub const MAX_LINE_BYTES: u64 = 16 << 20;

impl<R: Read> Read for QuoteCount<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let chunk = &buf[..n];
        for i in memchr::memchr2_iter(b'"', b'\n', chunk) {
            if chunk[i] == b'"' {
                self.quotes += 1;
            } else {
                if self.marks.len() == MARKS {
                    self.marks.pop_front();
                }
                self.marks.push_back((self.read + i as u64 + 1, self.quotes));
            }
        }
        self.read += n as u64;
        if n > 0 {
            self.ends_nl = chunk[n - 1] == b'\n';
        }
        self.line = match memchr::memrchr(b'\n', chunk) {
            Some(i) => (n - i - 1) as u64,
            None => self.line + n as u64,
        };
        if self.line > MAX_LINE_BYTES {
            return Err(std::io::Error::other(format!(
                "a line longer than {} MiB: this is not a CSV file of rows",
                MAX_LINE_BYTES >> 20
            )));
        }
        Ok(n)
    }
}

/// At most this many errors are kept in full; the rest are counted.
pub const MAX_KEPT_ERRORS: usize = 1000;

/// Rows shown in full for one kind of mistake in one column; the rest are summarised.
pub const SHOWN_PER_KIND: usize = 5;

/// Values kept of a summarised mistake, to find the fix (a date format that reads them all).
const SAMPLED: usize = 2000;

/// The date formats tried on dates that are not ISO, most common first.
const DATE_FORMATS: &[&str] = &[
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%m-%d-%Y",
    "%d-%m-%Y",
    "%Y.%m.%d",
    "%Y%m%d",
    "%m/%d/%y",
    "%d/%m/%y",
    "%d.%m.%y",
    "%b %d, %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%d %B %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
];

/// One kind of mistake in one column of one file, seen in many rows.
#[derive(Debug, Default)]
struct Systematic {
    /// Rows with it.
    rows: usize,
    /// Lines of the rows shown in full.
    shown: Vec<usize>,
    /// Line and column of the first row not shown.
    first_hidden: Option<(usize, Option<usize>)>,
    /// Distinct values with their counts (up to `SAMPLED`).
    values: std::collections::BTreeMap<String, usize>,
}

/// One skipped row, for `rejects.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    /// File name as shown to the user.
    pub file: String,
    /// 1-based line (the header is line 1).
    pub line: usize,
    /// Column name, when one cell is to blame.
    pub column: String,
    /// The offending value.
    pub value: String,
    /// Why it was skipped.
    pub reason: String,
}

/// What the data loaders found wrong, for one run.
#[derive(Debug, Default)]
pub struct Problems {
    /// Whether bad rows are skipped (`--lenient`) rather than fatal.
    pub lenient: bool,
    /// Errors (strict mode) — at most `MAX_KEPT_ERRORS`.
    pub errors: Vec<Diagnostic>,
    /// Errors not kept in full.
    pub more_errors: usize,
    /// Rows skipped (lenient mode).
    pub rejects: Vec<Reject>,
    /// Warnings.
    pub warnings: Vec<Diagnostic>,
    /// Facts worth telling (rows filtered by a mapping, reps created from a manager column).
    pub notes: Vec<String>,
    /// Cell errors by (file, column, code): one kind of mistake repeated down a
    /// column is shown for its first rows, then summarised once, with a fix.
    systematic: std::collections::BTreeMap<(String, String, String), Systematic>,
    /// Cell errors summarised rather than kept.
    summarised: usize,
    /// Rows skipped as consequences of an error already reported (strict mode).
    consequences: usize,
}

impl Problems {
    /// A collector; `lenient` skips bad rows instead of failing.
    pub fn new(lenient: bool) -> Self {
        Self {
            lenient,
            ..Self::default()
        }
    }

    /// Every error and reject recorded so far (kept, counted or summarised).
    pub fn count(&self) -> usize {
        self.errors.len() + self.rejects.len() + self.more_errors + self.summarised + self.consequences
    }

    /// Records a bad row (or file-level error when `line` is the header).
    pub fn row_error(&mut self, d: Diagnostic) {
        if !self.lenient && d.line.is_some_and(|l| l > 1) {
            // A ragged row has no column: its mistake is the row's, counted the same way.
            let col = d.column_name.clone().or_else(|| {
                d.code
                    .as_ref()
                    .filter(|c| c.ends_with(".ragged-row"))
                    .map(|_| String::new())
            });
            if let (Some(file), Some(col), Some(code)) = (&d.file, &col, &d.code) {
                let s = self
                    .systematic
                    .entry((file.clone(), col.clone(), code.clone()))
                    .or_default();
                s.rows += 1;
                let value = d.value.clone().unwrap_or_default();
                if s.values.len() < SAMPLED || s.values.contains_key(&value) {
                    *s.values.entry(value).or_default() += 1;
                }
                if s.rows > SHOWN_PER_KIND {
                    s.first_hidden.get_or_insert((d.line.unwrap_or(0), d.column));
                    self.summarised += 1;
                    return;
                }
                s.shown.push(d.line.unwrap_or(0));
            }
        }
        if self.lenient && d.line.is_some_and(|l| l > 1) {
            self.rejects.push(Reject {
                file: d.file.clone().unwrap_or_default(),
                line: d.line.unwrap_or(0),
                column: d.column_name.clone().unwrap_or_default(),
                value: d.value.clone().unwrap_or_default(),
                reason: d.message.clone(),
            });
        } else {
            self.fatal(d);
        }
    }

    /// Records a row that is bad only because of an error already reported
    /// (it names a rep whose own row was rejected): a reject in lenient mode,
    /// in strict mode counted, not shown again.
    pub fn consequence(&mut self, d: Diagnostic) {
        if self.lenient {
            self.row_error(d);
        } else {
            self.consequences += 1;
        }
    }

    /// Records an error that fails the run even in lenient mode. Past
    /// `MAX_KEPT_ERRORS` errors of rows are counted, not kept; an error of a
    /// whole file (its header, an unclosed quote) is always kept: it may be the
    /// root cause of the rest.
    pub fn fatal(&mut self, d: Diagnostic) {
        let whole_file = d.line.is_none_or(|l| l <= 1) || d.code.as_deref().is_some_and(|c| c.ends_with("-quote"));
        if self.errors.len() < MAX_KEPT_ERRORS || whole_file {
            self.errors.push(d);
        } else {
            self.more_errors += 1;
        }
    }

    /// Records a warning.
    pub fn warn(&mut self, d: Diagnostic) {
        self.warnings.push(d);
    }

    /// Whether the run must fail.
    pub fn failed(&self) -> bool {
        !self.errors.is_empty()
    }

    /// The errors to show: those kept, one summary per mistake repeated down a
    /// column (with the fix when one is found), and the count of the rest.
    pub fn take_errors(&mut self) -> Vec<Diagnostic> {
        let mut errs = std::mem::take(&mut self.errors);
        for ((file, col, code), s) in std::mem::take(&mut self.systematic) {
            if s.rows <= SHOWN_PER_KIND {
                continue;
            }
            let shown: Vec<String> = s.shown.iter().map(usize::to_string).collect();
            let place = if col.is_empty() {
                String::new()
            } else {
                format!(" in column `{col}`")
            };
            let mut d = Diagnostic::error(format!(
                "this row and {} more have the same mistake{place} ({} rows in all; lines {} are shown above)",
                s.rows - s.shown.len() - 1,
                s.rows,
                shown.join(", ")
            ))
            .with_code(code.clone())
            .in_file(file);
            if !col.is_empty() {
                d = d.column_named(col);
            }
            let (line, column) = s.first_hidden.unwrap_or((0, None));
            d.line = Some(line);
            d.column = column;
            d.help = fix(&code, &s);
            errs.push(d);
        }
        if self.consequences > 0 {
            errs.push(Diagnostic::warning(format!(
                "{} row(s) name a rep whose own row was rejected above: they are checked once that row is fixed",
                self.consequences
            )));
        }
        if self.more_errors > 0 {
            errs.push(Diagnostic::error(format!("... and {} more errors like these (fix the ones above first, or run with --lenient to list every bad row in rejects.csv)", self.more_errors)));
        }
        errs
    }
}

/// The fix for a mistake repeated down a column, when there is one.
fn fix(code: &str, s: &Systematic) -> Option<String> {
    let kind = code.rsplit('.').next().unwrap_or("");
    match kind {
        "bad-date" => {
            let reads = |f: &&str| s.values.keys().all(|v| NaiveDate::parse_from_str(v, f).is_ok());
            let formats: Vec<&str> = DATE_FORMATS.iter().copied().filter(|f| reads(f)).collect();
            let file = code.split('.').next().unwrap_or("deals");
            match formats.as_slice() {
                // No format reads them all: the one that reads most, and the rows it does not.
                [] => {
                    let read = |f: &str| s.values.keys().filter(|v| NaiveDate::parse_from_str(v, f).is_ok()).count();
                    let (best, n) = DATE_FORMATS.iter().map(|f| (*f, read(f))).max_by_key(|(_, n)| *n)?;
                    let odd: Vec<&str> = s
                        .values
                        .keys()
                        .filter(|v| NaiveDate::parse_from_str(v, best).is_err())
                        .map(String::as_str)
                        .collect();
                    (n * 2 > s.values.len()).then(|| {
                        format!(
                            "{n} of the {} distinct values read as {best:?} (set date_format = \"{best}\" in the plan's [data.{file}] section); these do not: {}",
                            s.values.len(),
                            crate::diag::some_of(&odd, 5)
                        )
                    })
                }
                [f] => Some(format!(
                    "these dates read as {f:?}: set date_format = \"{f}\" in the plan's [data.{file}] section (it reads every one of the {} distinct values)",
                    s.values.len()
                )),
                several => Some(format!(
                    "these dates read in several formats ({}): set date_format in the plan's [data.{file}] section to the one your CRM writes",
                    several.iter().map(|f| format!("\"{f}\"")).collect::<Vec<_>>().join(" or ")
                )),
            }
        }
        "unmapped-value" | "unknown-status" | "unknown-deal-type" | "unknown-stage" | "unknown-scheme" => {
            let mut by_count: Vec<(&String, &usize)> = s.values.iter().collect();
            by_count.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let listed: Vec<String> = by_count
                .iter()
                .take(8)
                .map(|(v, n)| format!("{v:?} ({n} rows)"))
                .collect();
            Some(format!(
                "the values are {}{}: map or correct them once, not row by row",
                listed.join(", "),
                if by_count.len() > 8 { ", ..." } else { "" }
            ))
        }
        _ => None,
    }
}

/// A bad cell whose error is already recorded in `Problems`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded;

/// A column this reader knows.
#[derive(Debug, Clone, Copy)]
pub struct Col {
    /// Its name in the header.
    pub name: &'static str,
    /// Whether the header must have it.
    pub required: bool,
}

/// How one known column is read, after the plan's `[data]` mapping.
#[derive(Debug, Clone, Default)]
struct ColMap<'m> {
    /// Name in the file's header.
    source: String,
    /// Constant used when the header lacks the column.
    default: Option<&'m str>,
    /// Value translation; unmapped values are errors.
    values: Option<&'m std::collections::BTreeMap<String, String>>,
    /// Whether a required column may be blank.
    optional: bool,
}

/// An open CSV file with its columns located.
pub struct Table<'m, R: Read> {
    maps: Vec<ColMap<'m>>,
    filters: Vec<(usize, &'m [String], String)>,
    date_format: Option<&'m str>,
    /// Rows skipped by the mapping's filter.
    pub filtered: u64,
    /// File name as shown.
    pub file: String,
    /// What the file is (`deals`, `reps`, ...): the first part of every error code.
    role: &'static str,
    reader: csv::Reader<QuoteCount<R>>,
    /// The last row whose cells hold a line break or a double quote: (line,
    /// 1-based field, whether the row's bytes end with a line break).
    quoted: Option<(usize, usize, bool)>,
    /// A ragged-row error held back while its row may be an unclosed quote running to the end.
    pending: Option<Diagnostic>,
    /// The byte where the last row read (or the header) starts.
    last_start: u64,
    /// The column (index into `cols`) whose value names a row, when set.
    key: Option<usize>,
    /// Rows this reader rejected itself (ragged, unmapped values): their key
    /// value and line, so rows of other files naming them are consequences.
    pub rejected_keys: Vec<(String, usize)>,
    /// Index in the record of each known column (by position in `cols`).
    index: Vec<Option<usize>>,
    cols: &'static [Col],
    /// Columns named by the plan rather than known to the reader (indices after `cols`).
    extra: Vec<String>,
    header_len: usize,
    /// The current row as bytes, when it is not valid UTF-8 (and the read buffer).
    record: ByteRecord,
    /// The current row, when it is valid UTF-8 (checked once per row).
    srec: StringRecord,
    /// Whether the current row is in `srec`.
    utf8: bool,
    /// 1-based line of the current record.
    pub line: usize,
    /// Data rows read so far.
    pub rows: u64,
}

/// The header's names for a message: each cut to 40 characters, at most 30 of them.
fn header_list(names: &[String]) -> String {
    let mut out: Vec<String> = names
        .iter()
        .take(30)
        .map(|n| match n.char_indices().nth(40) {
            Some((i, _)) => format!("{}...", &n[..i]),
            None => n.clone(),
        })
        .collect();
    if names.len() > 30 {
        out.push(format!("... ({} columns)", names.len()));
    }
    out.join(", ")
}

/// Whether the csv error is an I/O or UTF-8 problem worth stopping for.
fn csv_err(file: &str, role: &str, e: &csv::Error) -> Diagnostic {
    let line = e.position().map(|p| p.line() as usize);
    let mut d = Diagnostic::error(format!("cannot read CSV: {e}"))
        .in_file(file)
        .with_code(format!("{role}.unreadable"));
    d.line = line;
    d
}

impl<'m, R: Read> Table<'m, R> {
    /// Opens a CSV stream and maps its header (through the plan's mapping, if
    /// any). Missing required columns are reported and make this return `None`.
    pub fn open(
        file: &str,
        role: &'static str,
        input: R,
        cols: &'static [Col],
        map: Option<&'m crate::plan::FileMap>,
        problems: &mut Problems,
    ) -> Option<Self> {
        Self::open_with(file, role, input, cols, &[], map, problems)
    }

    /// `open`, also locating the required columns `extra` that the plan names
    /// (indices `cols.len()..` in the accessors; their name in errors is theirs).
    pub fn open_with(
        file: &str,
        role: &'static str,
        input: R,
        cols: &'static [Col],
        extra: &[String],
        map: Option<&'m crate::plan::FileMap>,
        problems: &mut Problems,
    ) -> Option<Self> {
        // Only `\n` ends a record: a CRLF file's `\r` is trimmed from the last
        // cell, and csv-core's line count is then right for CRLF files too.
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(QuoteCount::new(input));
        let mut header = ByteRecord::new();
        // Blank lines before the header are skipped (with CRLF endings they are a lone `\r`).
        let read_header = |reader: &mut csv::Reader<QuoteCount<R>>, header: &mut ByteRecord| loop {
            match reader.read_byte_record(header) {
                Ok(true) if header.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) => continue,
                other => return other,
            }
        };
        match read_header(&mut reader, &mut header) {
            Ok(true) => {}
            Ok(false) => {
                problems.fatal(
                    Diagnostic::error("the file is empty: it needs a header row")
                        .with_code(format!("{role}.empty-file"))
                        .in_file(file)
                        .at(1, 1)
                        .with_help(format!(
                            "the header names the columns, e.g. {}",
                            cols.iter()
                                .filter(|c| c.required)
                                .map(|c| c.name)
                                .collect::<Vec<_>>()
                                .join(",")
                        )),
                );
                return None;
            }
            Err(e) => {
                problems.fatal(csv_err(file, role, &e));
                return None;
            }
        }
        if header.iter().any(|f| f.trim_ascii_end().contains(&b'\r')) {
            problems.fatal(
                Diagnostic::error("the file's lines end with a bare carriage return (CR), so it reads as one line")
                    .with_code(format!("{role}.bare-cr"))
                    .in_file(file)
                    .at(1, 1)
                    .with_help("save the file with LF or CRLF line endings"),
            );
            return None;
        }
        // A quote or a line break in the header: where an unmatched quote would be.
        let header_quote = memchr::memchr2(b'\n', b'"', header.as_slice()).and_then(|_| {
            let col = header.iter().position(|f| f.contains(&b'\n') || f.contains(&b'"'))?;
            Some((1, col + 1, header.as_slice().ends_with(b"\n")))
        });
        let names: Vec<String> = header
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let s = String::from_utf8_lossy(b);
                let s = if i == 0 { s.trim_start_matches('\u{feff}') } else { &s };
                s.trim().to_string()
            })
            .collect();
        let mut index = Vec::with_capacity(cols.len());
        let mut maps = Vec::with_capacity(cols.len());
        let mut ok = true;
        let known = cols.iter().map(|c| (c.name, c.required, false));
        for (name, required, planned) in known.chain(extra.iter().map(|n| (n.as_str(), true, true))) {
            let source = map.map_or(name, |m| m.source(name)).to_string();
            let cm = ColMap {
                default: map.and_then(|m| m.defaults.get(name)).map(String::as_str),
                values: map.and_then(|m| m.values.get(name)),
                optional: map.is_some_and(|m| m.optional.iter().any(|o| o == name)),
                source: source.clone(),
            };
            let pos = names.iter().position(|n| *n == source);
            let mapped = source != name;
            if pos.is_none() && (mapped || (required && cm.default.is_none())) {
                ok = false;
                let what = if mapped {
                    format!("column `{source}` (mapped to `{name}` by the plan's [data] section) is not in the header")
                } else if planned {
                    format!("missing column `{name}`: a scheme's `multipliers` read it")
                } else {
                    format!("missing required column `{name}`")
                };
                problems.fatal(
                    Diagnostic::error(what)
                        .with_code(format!("{role}.missing-column"))
                        .in_file(file)
                        .at(1, 1)
                        .column_named(source.clone())
                        .with_source(names.join(","))
                        .with_help(format!("the header has: {}", header_list(&names))),
                );
            }
            index.push(pos);
            maps.push(cm);
        }
        let mut filters = Vec::new();
        for (col, allowed) in map.map(|m| &m.filter).into_iter().flatten() {
            match names.iter().position(|n| n == col) {
                Some(i) => filters.push((i, allowed.as_slice(), col.clone())),
                None => {
                    ok = false;
                    problems.fatal(
                        Diagnostic::error(format!(
                            "filter column `{col}` (from the plan's [data] section) is not in the header"
                        ))
                        .with_code(format!("{role}.missing-column"))
                        .in_file(file)
                        .at(1, 1)
                        .column_named(col.clone())
                        .with_help(format!("the header has: {}", header_list(&names))),
                    );
                }
            }
        }
        let mut first_of: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for (i, n) in names.iter().enumerate() {
            let first = *first_of.entry(n.as_str()).or_insert(i);
            if let Some(first) = (first != i && !n.is_empty()).then_some(first) {
                ok = false;
                problems.fatal(
                    Diagnostic::error(format!(
                        "column `{n}` appears twice in the header (columns {} and {})",
                        first + 1,
                        i + 1
                    ))
                    .with_code(format!("{role}.duplicate-column"))
                    .in_file(file)
                    .at(1, i + 1)
                    .column_named(n.clone())
                    .with_help("rename or delete one of them, so every value is read from the column you mean"),
                );
            }
        }
        ok.then(|| Self {
            maps,
            filters,
            date_format: map.and_then(|m| m.date_format.as_deref()),
            filtered: 0,
            file: file.to_string(),
            role,
            reader,
            quoted: header_quote,
            last_start: header.position().map_or(0, |p| p.byte()),
            key: None,
            rejected_keys: Vec::new(),
            pending: None,
            index,
            cols,
            extra: extra.to_vec(),
            header_len: names.len(),
            record: ByteRecord::new(),
            srec: StringRecord::new(),
            utf8: false,
            line: 1,
            rows: 0,
        })
    }

    /// Advances to the next non-blank row. Read errors are recorded and end the file.
    pub fn next_row(&mut self, problems: &mut Problems) -> bool {
        loop {
            if self.utf8 {
                // Take the read buffer back from the last valid row.
                self.record = std::mem::take(&mut self.srec).into_byte_record();
            }
            match self.reader.read_byte_record(&mut self.record) {
                Ok(true) => {
                    if let Some(d) = self.pending.take() {
                        problems.row_error(d);
                    }
                    self.line = self
                        .record
                        .position()
                        .map(|p| p.line() as usize)
                        .unwrap_or(self.line + 1);
                    self.last_start = self.record.position().map_or(self.last_start, |p| p.byte());
                    let swallowed = self.note_quotes();
                    // One UTF-8 check for the whole row; cells are then read as text.
                    match StringRecord::from_byte_record(std::mem::take(&mut self.record)) {
                        Ok(s) => {
                            self.srec = s;
                            self.utf8 = true;
                        }
                        Err(e) => {
                            self.record = e.into_byte_record();
                            self.utf8 = false;
                        }
                    }
                    if (0..self.len()).all(|i| self.field(i).iter().all(u8::is_ascii_whitespace)) {
                        continue; // blank line (or a row of blank cells)
                    }
                    if let Some((col, rows)) = swallowed {
                        self.rows += 1;
                        self.note_rejected();
                        let mut d = self
                            .err_as("swallowed-rows", None, format!(
                                "a quoted cell in column {col} spans lines and holds {rows} line(s) shaped like rows of this file: a quote opened in this row closes in a later one, and the rows between would be lost"
                            ))
                            .with_help("a quote must open and close in the same cell; a quote inside a cell is written doubled, in a quoted cell: \"27\"\" screen\"");
                        d.column = Some(col);
                        // Held like a ragged row: if the quote never closes at all,
                        // the unclosed quote is the one error.
                        self.pending = Some(d);
                        continue;
                    }
                    if self.len() != self.header_len {
                        self.rows += 1;
                        self.note_rejected();
                        let d = self
                            .err_as("ragged-row", None, format!("the row has {} fields but the header has {}", self.len(), self.header_len))
                            .with_help("each row needs exactly one value (or an empty cell) per column of the header; check for a missing or extra comma, or an unclosed quote");
                        // Held until the next row: if this is the last one and a quote
                        // never closed, the open quote is the one root cause.
                        self.pending = Some(d);
                        continue;
                    }
                    if !self.passes_filter() {
                        self.filtered += 1;
                        continue;
                    }
                    self.rows += 1;
                    if !self.values_mapped(problems) {
                        self.note_rejected();
                        continue;
                    }
                    return true;
                }
                Ok(false) => {
                    self.finish(problems);
                    return false;
                }
                Err(e) => {
                    if let Some(d) = self.pending.take() {
                        problems.row_error(d);
                    }
                    problems.fatal(csv_err(&self.file, self.role, &e));
                    return false;
                }
            }
        }
    }

    /// Remembers where the current (raw) row has a cell with a line break or a
    /// double quote.
    /// Returns the cell (1-based) and the number of its inner lines that are
    /// shaped like rows of this file (as many commas as the header), when a
    /// cell spanning lines holds any: a quote opened in one row and closed in a
    /// later one swallowed the rows between.
    fn note_quotes(&mut self) -> Option<(usize, usize)> {
        memchr::memchr2(b'\n', b'"', self.record.as_slice())?;
        let at = |b: u8| self.record.iter().position(|f| f.contains(&b));
        let multiline = at(b'\n');
        let ends_nl = self.record.as_slice().ends_with(b"\n");
        self.quoted = multiline.or_else(|| at(b'"')).map(|i| (self.line, i + 1, ends_nl));
        let commas = self.header_len.saturating_sub(1).max(1);
        let field = self.record.get(multiline?)?;
        let rows = field
            .split(|&b| b == b'\n')
            .skip(1)
            .filter(|l| memchr::memchr_iter(b',', l).count() >= commas)
            .count();
        (rows > 0).then_some((multiline? + 1, rows))
    }

    /// At the end of the file: an odd number of double quotes means a quoted
    /// cell was never closed; the parser read the rest of the file into it.
    fn finish(&mut self, problems: &mut Problems) {
        let qc = self.reader.get_ref();
        if qc.quotes.is_multiple_of(2) {
            if let Some(d) = self.pending.take() {
                problems.row_error(d);
            }
            return;
        }
        self.pending = None;
        // csv-core counts line breaks; a final one does not start a line.
        let last_line = self.reader.position().line() as usize - usize::from(qc.ends_nl);
        // The last row's own quotes: odd means its cell opened and never closed
        // (the parser read the rest of the file into it).
        let in_last = qc.quotes_before(self.last_start).map(|b| (qc.quotes - b) % 2 == 1);
        let quoted_here = self.quoted.filter(|q| q.0 == self.line);
        let mut d = if in_last.unwrap_or(quoted_here.is_some()) {
            let mut d = Diagnostic::error(if last_line > self.line {
                format!(
                    "a quoted cell opens in this row and is never closed: lines {}–{last_line} (the rest of the file) would be read as that one cell",
                    self.line
                )
            } else {
                "a quoted cell opens in this row and is never closed".to_string()
            })
            .with_code(format!("{}.unclosed-quote", self.role));
            d.line = Some(self.line);
            d.column = quoted_here.map(|q| q.1);
            d
        } else {
            let (line, col) = self.quoted.map_or((self.line, None), |q| (q.0, Some(q.1)));
            let mut d = Diagnostic::error(format!(
                "the file has an unmatched double quote (\"); the last row with a quote is line {line}"
            ))
            .with_code(format!("{}.unmatched-quote", self.role));
            d.line = Some(line);
            d.column = col;
            d
        };
        d = d.in_file(self.file.clone()).with_help(
            "close the quote; a quote inside a cell is written doubled, in a quoted cell: \"27\"\" screen\"",
        );
        problems.fatal(d);
    }

    /// Names the column (index into `cols`) whose value identifies a row, so
    /// the rows this reader rejects itself are listed in `rejected_keys`.
    pub fn set_key(&mut self, k: usize) {
        self.key = Some(k);
    }

    /// Lists the current row as rejected by its key value.
    fn note_rejected(&mut self) {
        if let Some(k) = self.key {
            let v = String::from_utf8_lossy(self.cell(k)).into_owned();
            if !v.is_empty() {
                self.rejected_keys.push((v, self.line));
            }
        }
    }

    /// Fields in the current row.
    fn len(&self) -> usize {
        if self.utf8 {
            self.srec.len()
        } else {
            self.record.len()
        }
    }

    /// Field `i` of the current row as bytes (empty when absent).
    fn field(&self, i: usize) -> &[u8] {
        let f = if self.utf8 {
            self.srec.get(i).map(str::as_bytes)
        } else {
            self.record.get(i)
        };
        f.unwrap_or(b"")
    }

    fn passes_filter(&self) -> bool {
        self.filters.iter().all(|(i, allowed, _)| {
            let v = self.field(*i).trim_ascii();
            allowed.iter().any(|a| a.as_bytes() == v)
        })
    }

    /// Checks that every value-mapped cell has a mapping; records an error otherwise.
    fn values_mapped(&self, problems: &mut Problems) -> bool {
        for (k, m) in self.maps.iter().enumerate() {
            let Some(values) = m.values else { continue };
            let v = self.cell(k);
            if v.is_empty() {
                continue;
            }
            let key = String::from_utf8_lossy(v);
            if !values.contains_key(key.as_ref()) {
                let known: Vec<&str> = values.keys().map(String::as_str).collect();
                let name = self.col_name(k);
                // A key of the mapping one or two letters off is a typo in the plan, not in the data.
                let help = match crate::plan::doc::closest(&key, &known) {
                    Some(typo) => format!(
                        "the plan's values.{name} maps {typo:?}, not {key:?}: a typo in the plan? correct that key in its [data] section, or add {key:?}"
                    ),
                    None => format!(
                        "add it to values.{name} in the plan's [data] section (mapped: {})",
                        known.join(", ")
                    ),
                };
                problems.row_error(
                    self.err_as(
                        "unmapped-value",
                        Some(k),
                        format!("value {key:?} has no mapping for `{name}`"),
                    )
                    .with_help(help),
                );
                return false;
            }
        }
        true
    }

    /// The cell as written in the file, trimmed (empty when absent).
    fn cell(&self, k: usize) -> &[u8] {
        match self.index[k] {
            Some(i) => self.field(i).trim_ascii(),
            None => b"",
        }
    }

    /// Column `k` after the mapping, for a row known to be valid UTF-8.
    fn cell_text(&self, k: usize) -> &str {
        let m = &self.maps[k];
        let Some(i) = self.index[k] else {
            return m.default.unwrap_or("");
        };
        let v = self
            .srec
            .get(i)
            .unwrap_or("")
            .trim_matches(|c: char| c.is_ascii_whitespace());
        match m.values {
            Some(values) if !v.is_empty() => values.get(v).map(String::as_str).unwrap_or(v),
            _ => v,
        }
    }

    /// Column `k` (index into `cols`) after the mapping, trimmed; empty when absent.
    pub fn raw(&self, k: usize) -> &[u8] {
        let m = &self.maps[k];
        if self.index[k].is_none() {
            return m.default.map(str::as_bytes).unwrap_or(b"");
        }
        let v = self.cell(k);
        match m.values {
            Some(values) if !v.is_empty() => std::str::from_utf8(v)
                .ok()
                .and_then(|s| values.get(s))
                .map(String::as_bytes)
                .unwrap_or(v),
            _ => v,
        }
    }

    /// The 1-based position of column `k` in the header (0 when absent).
    pub fn column_number(&self, k: usize) -> usize {
        self.index[k].map_or(0, |i| i + 1)
    }

    /// Whether the mapping lets required column `k` be blank.
    pub fn is_optional(&self, k: usize) -> bool {
        self.maps[k].optional
    }

    /// The filters, for reporting: (export column, allowed values).
    pub fn filter_text(&self) -> String {
        self.filters
            .iter()
            .map(|(_, a, c)| format!("{c} ∈ {{{}}}", a.join(", ")))
            .collect::<Vec<_>>()
            .join(" and ")
    }

    /// A diagnostic about the current row (and column `k`), with the code `ROLE.invalid`.
    pub fn err(&self, k: Option<usize>, message: impl Into<String>) -> Diagnostic {
        self.err_as("invalid", k, message)
    }

    /// A diagnostic about the current row (and column `k`), with the code `ROLE.KIND`.
    pub fn err_as(&self, kind: &str, k: Option<usize>, message: impl Into<String>) -> Diagnostic {
        let mut d = Diagnostic::error(message)
            .in_file(self.file.clone())
            .with_code(format!("{}.{kind}", self.role));
        d.line = Some(self.line);
        if let Some(k) = k {
            d.column = self.index[k].map(|i| i + 1);
            let m = &self.maps[k];
            d.column_name = Some(if m.source == self.col_name(k) {
                m.source.clone()
            } else {
                format!("{} (as {})", m.source, self.col_name(k))
            });
            d.value = Some(String::from_utf8_lossy(self.cell(k)).into_owned());
        }
        d
    }

    /// Column `k` as text; `None` (and an error) when not UTF-8.
    pub fn text(&self, k: usize, problems: &mut Problems) -> Option<&str> {
        if self.utf8 {
            return Some(self.cell_text(k));
        }
        match std::str::from_utf8(self.raw(k)) {
            Ok(s) => Some(s),
            Err(_) => {
                problems.row_error(
                    self.err_as("not-utf8", Some(k), "the cell is not valid UTF-8")
                        .with_help("save the file as UTF-8"),
                );
                None
            }
        }
    }

    /// Column `k` as optional text (empty = absent).
    pub fn opt_text(&self, k: usize, problems: &mut Problems) -> Result<Option<&str>, Recorded> {
        match self.text(k, problems) {
            Some("") => Ok(None),
            Some(s) => Ok(Some(s)),
            None => Err(Recorded),
        }
    }

    /// Column `k` as required text.
    pub fn req_text(&self, k: usize, problems: &mut Problems) -> Option<&str> {
        match self.text(k, problems)? {
            "" => {
                problems.row_error(self.err_as("required", Some(k), format!("`{}` is required", self.col_name(k))));
                None
            }
            s => Some(s),
        }
    }

    /// Column `k` as an id (1–64 characters, no control characters).
    pub fn id(&self, k: usize, problems: &mut Problems) -> Option<&str> {
        let s = self.req_text(k, problems)?;
        match crate::units::check_id(s) {
            Ok(()) => Some(s),
            Err(e) => {
                problems.row_error(self.err_as("bad-id", Some(k), e));
                None
            }
        }
    }

    /// Column `k` as an optional ISO date.
    pub fn opt_date(&self, k: usize, problems: &mut Problems) -> Result<Option<NaiveDate>, Recorded> {
        let Some(s) = self.opt_text(k, problems)? else {
            return Ok(None);
        };
        let parsed = match self.date_format {
            None => crate::calendar::parse_date(s),
            Some(f) => NaiveDate::parse_from_str(s, f).map_err(|e| format!("not a date in the format {f:?} ({e})")),
        };
        match parsed {
            Ok(d) => Ok(Some(d)),
            Err(e) => {
                let help = match self.date_format {
                    None => "dates are ISO: YYYY-MM-DD (or set date_format in the plan's [data] section)".to_string(),
                    Some(f) => format!("this file's dates are read with date_format {f:?}"),
                };
                problems.row_error(self.err_as("bad-date", Some(k), e).with_help(help));
                Err(Recorded)
            }
        }
    }

    /// Column `k` as a required ISO date.
    pub fn date(&self, k: usize, problems: &mut Problems) -> Option<NaiveDate> {
        match self.opt_date(k, problems) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                problems.row_error(self.err_as("required", Some(k), format!("`{}` is required", self.col_name(k))));
                None
            }
            Err(Recorded) => None,
        }
    }

    /// Column `k` as optional money (≥ 0, below 10^15).
    pub fn opt_money(&self, k: usize, problems: &mut Problems) -> Result<Option<Decimal>, Recorded> {
        let Some(s) = self.opt_text(k, problems)? else {
            return Ok(None);
        };
        match crate::units::parse_money(s) {
            Ok(d) if d.is_sign_negative() && !d.is_zero() => {
                problems.row_error(self.err_as("negative", Some(k), "must not be negative"));
                Err(Recorded)
            }
            Ok(d) => Ok(Some(d)),
            Err(e) => {
                problems.row_error(
                    self.err_as("bad-money", Some(k), e)
                        .with_help("money is a plain decimal such as 12345.67"),
                );
                Err(Recorded)
            }
        }
    }

    /// Column `k` as required money.
    pub fn money(&self, k: usize, problems: &mut Problems) -> Option<Decimal> {
        match self.opt_money(k, problems) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                problems.row_error(self.err_as("required", Some(k), format!("`{}` is required", self.col_name(k))));
                None
            }
            Err(Recorded) => None,
        }
    }

    /// The fuerza name of column `k`.
    fn col_name(&self, k: usize) -> &str {
        match self.cols.get(k) {
            Some(c) => c.name,
            None => self.extra.get(k - self.cols.len()).map_or("", String::as_str),
        }
    }

    /// Whether the header has column `k`.
    pub fn has(&self, k: usize) -> bool {
        self.index[k].is_some()
    }
}
