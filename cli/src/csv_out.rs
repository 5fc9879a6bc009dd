//! `label --output-format csv`: one spreadsheet row per record, with fixed
//! columns, for people who open the output in a spreadsheet rather than
//! read JSON. The row is taken from the JSON record the labeler builds
//! for JSONL output, so both formats carry the same values (scores as
//! rounded there).

use serde_json::Value;

/// The columns, in order. `action` is empty unless `--articles` is given
/// (the moderator decides); `duplicate_of` names the earlier comment's id;
/// `reasons` lists the evidence tokens (or rules) separated by `; `;
/// `file`, `line` and `error` are set only on a record that failed.
pub const COLUMNS: [&str; 15] = [
    "id",
    "text",
    "label",
    "action",
    "spam",
    "toxicity",
    "identity_attack",
    "abuse",
    "off_topic",
    "duplicate",
    "duplicate_of",
    "reasons",
    "file",
    "line",
    "error",
];

/// The header line.
pub fn header() -> Vec<u8> {
    encode(COLUMNS.iter().map(|c| c.to_string()))
}

/// The row of a labeled comment (`id`, `text`) from its complete JSON
/// output record.
pub fn row(id: &str, text: &str, record: &[u8]) -> Vec<u8> {
    let v: Value = serde_json::from_slice(record).unwrap_or(Value::Null);
    let plain = |x: Option<&Value>| match x {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(x) => x.to_string(),
    };
    let score = |k: &str| plain(v.get("scores").and_then(|s| s.get(k)));
    let duplicate_of = match v.get("duplicate_of") {
        Some(d @ Value::Object(_)) => plain(d.get("id")),
        d => plain(d),
    };
    let reasons = v
        .get("reasons")
        .and_then(Value::as_array)
        .map(|rs| {
            rs.iter()
                .map(|r| plain(r.get("token").or_else(|| r.get("rule"))))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default();
    encode([
        id.to_string(),
        text.to_string(),
        plain(v.get("label")),
        plain(v.get("action")),
        score("spam"),
        score("toxicity"),
        score("identity_attack"),
        score("abuse"),
        score("off_topic"),
        score("duplicate"),
        duplicate_of,
        reasons,
        String::new(),
        String::new(),
        String::new(),
    ])
}

/// The row of a record that failed: only `file`, `line` and `error`.
pub fn error_row(line: u64, file: &str, message: &str) -> Vec<u8> {
    let mut cells = vec![String::new(); COLUMNS.len() - 3];
    cells.extend([file.to_string(), line.to_string(), message.to_string()]);
    encode(cells)
}

/// One CSV line (quoted where needed, `\n` ended).
fn encode(cells: impl IntoIterator<Item = String>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(cells).expect("writing to a Vec cannot fail");
    w.into_inner().expect("writing to a Vec cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_takes_the_records_values_and_quotes_text() {
        let rec = br#"{"id":"c1","text":"a, \"b\"","label":"spam","scores":{"spam":0.9713,"abuse":0.1,"off_topic":0.2,"toxicity":0.1,"identity_attack":0.05},"reasons":[{"token":"earn"},{"token":"links=1"}],"toxic_spans":[],"duplicate_of":{"id":"c0","kind":"near"}}"#;
        let row = String::from_utf8(row("c1", "a, \"b\"", rec)).unwrap();
        assert_eq!(
            row,
            "c1,\"a, \"\"b\"\"\",spam,,0.9713,0.1,0.05,0.1,0.2,,c0,earn; links=1,,,\n"
        );
        let header = String::from_utf8(header()).unwrap();
        assert_eq!(header.trim_end().split(',').count(), COLUMNS.len());
    }

    #[test]
    fn an_error_row_fills_only_the_error_columns() {
        let row = String::from_utf8(error_row(7, "in.jsonl", "no text field")).unwrap();
        assert_eq!(row, ",,,,,,,,,,,,in.jsonl,7,no text field\n");
    }
}
