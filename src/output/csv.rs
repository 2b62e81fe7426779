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

/// Appends one text cell to `out` as [`CsvDoc`] writes it: neutralised by
/// [`safe`], then quoted (quotes doubled) when it holds a comma, a quote or a
/// line break. For writers that build rows by hand, millions at a time.
pub fn push_text(out: &mut Vec<u8>, cell: &str) {
    let cell = safe(cell);
    let b = cell.as_bytes();
    if b.iter().any(|&c| matches!(c, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        for &c in b {
            if c == b'"' {
                out.push(b'"');
            }
            out.push(c);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(b);
    }
}

/// Appends a decimal written exactly: no trailing zeros, but at least `min`
/// decimals (`1.50` with 2, `0.6` with 0); never `-0`.
pub fn push_decimal(out: &mut Vec<u8>, x: rust_decimal::Decimal, min: u32) {
    let (mut m, mut scale) = (x.mantissa(), x.scale());
    while scale > min && m % 10 == 0 {
        m /= 10;
        scale -= 1;
    }
    while scale < min {
        m *= 10;
        scale += 1;
    }
    if m < 0 {
        out.push(b'-');
    }
    let mut digits = [0u8; 40];
    let mut n = 0;
    let mut v = m.unsigned_abs();
    loop {
        digits[n] = b'0' + (v % 10) as u8;
        v /= 10;
        n += 1;
        if v == 0 {
            break;
        }
    }
    let scale = scale as usize;
    // At least one digit before the point.
    while n <= scale {
        digits[n] = b'0';
        n += 1;
    }
    for k in (0..n).rev() {
        out.push(digits[k]);
        if k == scale && k > 0 {
            out.push(b'.');
        }
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

    #[test]
    fn hand_written_cells_are_those_of_the_csv_writer() {
        for cell in ["Ana", "a,b", "say \"hi\"", "two\nlines", "=1+1", "-5", "", "x\r"] {
            let mut d = CsvDoc::new(&["a", "b"]);
            d.row(&[Cell::Text(cell), Cell::Text("z")]);
            let mut mine = b"a,b\n".to_vec();
            push_text(&mut mine, cell);
            mine.extend_from_slice(b",z\n");
            assert_eq!(
                String::from_utf8(mine).unwrap(),
                String::from_utf8(d.finish()).unwrap(),
                "{cell:?}"
            );
        }
    }

    #[test]
    fn decimals_are_written_exactly() {
        use rust_decimal_macros::dec;
        let cases = [
            (dec!(1714.74), 2, "1714.74"),
            (dec!(6032.136), 2, "6032.136"),
            (dec!(1.0), 0, "1"),
            (dec!(0.60), 0, "0.6"),
            (dec!(5), 2, "5.00"),
            (dec!(-0.5), 2, "-0.50"),
            (dec!(0.000), 2, "0.00"),
            (dec!(-0.00), 2, "0.00"),
            (dec!(0.0012), 0, "0.0012"),
            (dec!(123456789012345678.9012345678), 2, "123456789012345678.9012345678"),
        ];
        for (x, min, want) in cases {
            let mut out = Vec::new();
            push_decimal(&mut out, x, min);
            assert_eq!(String::from_utf8(out).unwrap(), want, "{x}");
        }
    }
}
