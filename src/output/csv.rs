//! Writing CSV that is safe to open in a spreadsheet.

/// Neutralises spreadsheet formulas: a text cell starting with `=`, `+`, `-`,
/// `@`, tab or carriage return gets a leading `'` (SPEC 6).
pub fn safe(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => std::borrow::Cow::Owned(format!("'{cell}")),
        _ => std::borrow::Cow::Borrowed(cell),
    }
}

/// A CSV document built in memory; text cells go through `safe`, numbers do not.
pub struct CsvDoc {
    w: csv::Writer<Vec<u8>>,
    rows: u64,
}

/// One cell: text (neutralised) or a number already formatted (written as is).
pub enum Cell<'a> {
    /// Text from data or plan: neutralised.
    Text(&'a str),
    /// A formatted number: written as is.
    Num(String),
}

impl CsvDoc {
    /// A document with this header.
    pub fn new(header: &[&str]) -> Self {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        let _ = w.write_record(header);
        Self { w, rows: 0 }
    }

    /// Appends a row.
    pub fn row(&mut self, cells: &[Cell]) {
        let rec: Vec<std::borrow::Cow<str>> = cells
            .iter()
            .map(|c| match c {
                Cell::Text(t) => safe(t),
                Cell::Num(n) => std::borrow::Cow::Borrowed(n.as_str()),
            })
            .collect();
        let _ = self.w.write_record(rec.iter().map(|c| c.as_bytes()));
        self.rows += 1;
    }

    /// The bytes written.
    pub fn finish(self) -> Vec<u8> {
        self.w.into_inner().unwrap_or_default()
    }

    /// Data rows so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(safe("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(safe("-5"), "'-5");
        assert_eq!(safe("@x"), "'@x");
        assert_eq!(safe("\tx"), "'\tx");
        assert_eq!(safe("Ana"), "Ana");
    }

    #[test]
    fn numbers_are_not_neutralised() {
        let mut d = CsvDoc::new(&["a", "b"]);
        d.row(&[Cell::Text("+1"), Cell::Num("-2.00".into())]);
        assert_eq!(String::from_utf8(d.finish()).unwrap(), "a,b\n'+1,-2.00\n");
    }
}
