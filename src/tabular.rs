//! FAQ entries from and to the formats organisations keep them in: CSV or TSV
//! exports of FAQ tools (UTF-8 or the Shift_JIS/CP932 that Excel in Japan
//! writes), Excel workbooks, and Markdown Q&A pages.
//!
//! A table has a header row naming its columns, in English or Japanese
//! (`question`/`質問`, `answer`/`回答`, `alternates`/`言い換え`, `category`/`カテゴリ`,
//! `id`, `source`/`出典`). Alternates are one per line inside their cell, or
//! separated by `|`. A row without an id gets one made from its question, so
//! importing the same table twice gives the same ids. Every problem names the file,
//! the row and the column.

use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::faq::Entry;

/// A format kotae reads entries from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values.
    Csv,
    /// Tab-separated values.
    Tsv,
    /// An Excel workbook (its first sheet).
    Xlsx,
    /// `## question` headings, each followed by its answer.
    Markdown,
}

impl Format {
    /// The format a file's extension names, if kotae reads it.
    pub fn of(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "csv" => Some(Format::Csv),
            "tsv" | "tab" => Some(Format::Tsv),
            "xlsx" | "xlsm" | "xls" | "ods" => Some(Format::Xlsx),
            "md" | "markdown" => Some(Format::Markdown),
            _ => None,
        }
    }
}

/// The entry fields a column can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Id,
    Question,
    Answer,
    Alternates,
    Category,
    Source,
}

impl Column {
    /// The field a header names (case and spaces ignored).
    fn named(header: &str) -> Option<Column> {
        let name: String = header
            .trim()
            .trim_start_matches('\u{feff}')
            .to_lowercase()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let column = match name.as_str() {
            "id" | "識別子" => Column::Id,
            "question" | "q" | "質問" | "問い" | "質問文" | "よくある質問" => {
                Column::Question
            }
            "answer" | "a" | "回答" | "答え" | "回答文" => Column::Answer,
            "alternates"
            | "alternate"
            | "言い換え"
            | "別の聞き方"
            | "類似質問"
            | "質問の言い換え" => Column::Alternates,
            "category" | "カテゴリ" | "カテゴリー" | "分類" | "区分" => {
                Column::Category
            }
            "source" | "出典" | "参照元" => Column::Source,
            _ => return None,
        };
        Some(column)
    }
}

/// Reads the entries of a CSV, TSV, Excel or Markdown file.
pub fn read_entries(path: &Path) -> Result<Vec<Entry>> {
    let format = Format::of(path).ok_or_else(|| {
        Error::InvalidFaq(vec![format!(
            "{}: not a CSV, TSV, Excel or Markdown file",
            path.display()
        )])
    })?;
    match format {
        Format::Csv | Format::Tsv => {
            let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
            let text = decode(&bytes, path)?;
            let delimiter = if format == Format::Tsv { b'\t' } else { b',' };
            entries_from_rows(&delimited_rows(&text, delimiter, path)?, path)
        }
        Format::Xlsx => entries_from_rows(&workbook_rows(path)?, path),
        Format::Markdown => {
            let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
            markdown_entries(&decode(&bytes, path)?, path)
        }
    }
}

/// Text from bytes that are UTF-8 (with or without a byte-order mark) or, failing
/// that, Shift_JIS (CP932).
pub fn decode(bytes: &[u8], path: &Path) -> Result<String> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    let (text, _, had_errors) = encoding_rs::SHIFT_JIS.decode(bytes);
    if had_errors {
        return Err(Error::InvalidFaq(vec![format!(
            "{}: neither UTF-8 nor Shift_JIS text",
            path.display()
        )]));
    }
    Ok(text.into_owned())
}

fn delimited_rows(text: &str, delimiter: u8, path: &Path) -> Result<Vec<Vec<String>>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (number, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            Error::InvalidFaq(vec![format!("{}: row {}: {e}", path.display(), number + 1)])
        })?;
        rows.push(record.iter().map(str::to_string).collect());
    }
    Ok(rows)
}

fn workbook_rows(path: &Path) -> Result<Vec<Vec<String>>> {
    let problem =
        |e: &dyn std::fmt::Display| Error::InvalidFaq(vec![format!("{}: {e}", path.display())]);
    let mut workbook = open_workbook_auto(path).map_err(|e| problem(&e))?;
    let sheet = workbook
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| problem(&"the workbook has no sheet"))?;
    let range = workbook.worksheet_range(&sheet).map_err(|e| problem(&e))?;
    Ok(range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect())
}

/// Entries from a table whose first row is the header.
fn entries_from_rows(rows: &[Vec<String>], path: &Path) -> Result<Vec<Entry>> {
    let Some((header, body)) = rows.split_first() else {
        return Err(Error::InvalidFaq(vec![format!(
            "{}: the file is empty",
            path.display()
        )]));
    };
    let columns: Vec<Option<Column>> = header.iter().map(|h| Column::named(h)).collect();
    for needed in [Column::Question, Column::Answer] {
        if !columns.contains(&Some(needed)) {
            return Err(Error::InvalidFaq(vec![format!(
                "{}: row 1: no {needed:?} column (headers: {})",
                path.display(),
                header.join(", ")
            )]));
        }
    }
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for (index, row) in body.iter().enumerate() {
        if row.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let mut entry = Entry {
            id: String::new(),
            question: String::new(),
            answer: String::new(),
            alternates: Vec::new(),
            category: String::new(),
            source: String::new(),
            hotline: None,
        };
        for (cell, column) in row.iter().zip(&columns) {
            let value = cell.trim().to_string();
            match column {
                Some(Column::Id) => entry.id = value,
                Some(Column::Question) => entry.question = value,
                Some(Column::Answer) => entry.answer = value,
                Some(Column::Alternates) => entry.alternates = split_alternates(&value),
                Some(Column::Category) => entry.category = value,
                Some(Column::Source) => entry.source = value,
                None => {}
            }
        }
        let at = format!("{}: row {}", path.display(), index + 2);
        let column_of = |wanted: Column| {
            columns
                .iter()
                .position(|c| *c == Some(wanted))
                .map_or(0, |i| i + 1)
        };
        if entry.question.is_empty() {
            problems.push(format!(
                "{at}, column {}: the question is empty",
                column_of(Column::Question)
            ));
        }
        if entry.answer.is_empty() {
            problems.push(format!(
                "{at}, column {}: the answer is empty",
                column_of(Column::Answer)
            ));
        }
        if entry.id.is_empty() {
            entry.id = stable_id(&entry.question);
        }
        entries.push(entry);
    }
    if problems.is_empty() {
        Ok(entries)
    } else {
        Err(Error::InvalidFaq(problems))
    }
}

fn split_alternates(cell: &str) -> Vec<String> {
    cell.split(['\n', '|'])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .collect()
}

/// An id made from the question: `q-` and the first 10 hex digits of its SHA-256,
/// the same every time the same question is imported.
pub fn stable_id(question: &str) -> String {
    let digest = Sha256::digest(question.trim().as_bytes());
    let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    format!("q-{hex}")
}

/// Entries from Markdown: each `## ` heading is a question, the text up to the next
/// heading its answer; a `# ` heading is the category of the questions under it.
fn markdown_entries(text: &str, path: &Path) -> Result<Vec<Entry>> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut category = String::new();
    let mut answer_lines: Vec<&str> = Vec::new();
    let finish = |entries: &mut Vec<Entry>, lines: &mut Vec<&str>| {
        if let Some(last) = entries.last_mut() {
            last.answer = lines.join("\n").trim().to_string();
        }
        lines.clear();
    };
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            finish(&mut entries, &mut answer_lines);
            let question = heading.trim().trim_start_matches("Q.").trim().to_string();
            entries.push(Entry {
                id: stable_id(&question),
                question,
                answer: String::new(),
                alternates: Vec::new(),
                category: category.clone(),
                source: String::new(),
                hotline: None,
            });
        } else if let Some(heading) = line.strip_prefix("# ") {
            finish(&mut entries, &mut answer_lines);
            category = heading.trim().to_string();
        } else if !entries.is_empty() {
            answer_lines.push(line);
        }
    }
    finish(&mut entries, &mut answer_lines);
    let problems: Vec<String> = entries
        .iter()
        .filter(|e| e.answer.is_empty())
        .map(|e| {
            format!(
                "{}: the question {:?} has no answer",
                path.display(),
                e.question
            )
        })
        .collect();
    if entries.is_empty() {
        return Err(Error::InvalidFaq(vec![format!(
            "{}: no `## question` headings",
            path.display()
        )]));
    }
    if problems.is_empty() {
        Ok(entries)
    } else {
        Err(Error::InvalidFaq(problems))
    }
}

/// The header row of exported tables.
const HEADER: [&str; 6] = [
    "id",
    "question",
    "answer",
    "alternates",
    "category",
    "source",
];

fn row_of(entry: &Entry) -> [String; 6] {
    [
        entry.id.clone(),
        entry.question.clone(),
        entry.answer.clone(),
        entry.alternates.join("\n"),
        entry.category.clone(),
        entry.source.clone(),
    ]
}

/// Writes entries as UTF-8 CSV with a byte-order mark, so that Excel opens it
/// with the right encoding.
pub fn write_csv(entries: &[Entry], out: &mut dyn std::io::Write) -> Result<()> {
    let failed = |e: &dyn std::fmt::Display| Error::Config(format!("cannot write CSV: {e}"));
    out.write_all(b"\xef\xbb\xbf").map_err(|e| failed(&e))?;
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(HEADER).map_err(|e| failed(&e))?;
    for entry in entries {
        writer.write_record(row_of(entry)).map_err(|e| failed(&e))?;
    }
    writer.flush().map_err(|e| failed(&e))
}

/// Writes entries as an Excel workbook at `path`.
pub fn write_xlsx(entries: &[Entry], path: &Path) -> Result<()> {
    let failed =
        |e: &dyn std::fmt::Display| Error::Config(format!("cannot write {}: {e}", path.display()));
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (column, name) in HEADER.iter().enumerate() {
        sheet
            .write_string(0, column as u16, *name)
            .map_err(|e| failed(&e))?;
    }
    for (row, entry) in entries.iter().enumerate() {
        for (column, value) in row_of(entry).iter().enumerate() {
            sheet
                .write_string(row as u32 + 1, column as u16, value)
                .map_err(|e| failed(&e))?;
        }
    }
    workbook.save(path).map_err(|e| failed(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn a_japanese_header_csv_with_alternates_in_one_cell_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "faq.csv",
            "質問,回答,言い換え,カテゴリ\n転入届はどこで出せますか,市民課の窓口です,\"引っ越してきた\n転入の手続き\",手続き\n"
                .as_bytes(),
        );
        let entries = read_entries(&path).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].alternates, ["引っ越してきた", "転入の手続き"]);
        assert_eq!(entries[0].category, "手続き");
        assert_eq!(entries[0].id, stable_id("転入届はどこで出せますか"));
    }

    #[test]
    fn shift_jis_from_excel_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let (bytes, _, _) =
            encoding_rs::SHIFT_JIS.encode("question\tanswer\n住民票は？\t窓口で|コンビニでも\n");
        let path = write(dir.path(), "faq.tsv", &bytes);
        let entries = read_entries(&path).unwrap();
        assert_eq!(entries[0].question, "住民票は？");
    }

    #[test]
    fn problems_name_the_file_row_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "bad.csv",
            "question,answer\n質問だけ,\n".as_bytes(),
        );
        let Err(Error::InvalidFaq(problems)) = read_entries(&path) else {
            panic!("an empty answer must be refused");
        };
        assert!(
            problems[0].contains("bad.csv: row 2, column 2"),
            "{problems:?}"
        );
    }

    #[test]
    fn markdown_questions_are_level_two_headings() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "faq.md",
            "# 届出\n\n## 転入届はどこで出せますか\n\n市民課の窓口です。\n\n## 必要なものは？\n本人確認書類です。\n".as_bytes(),
        );
        let entries = read_entries(&path).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].answer, "本人確認書類です。");
        assert_eq!(entries[0].category, "届出");
    }

    #[test]
    fn exported_csv_and_xlsx_read_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let entries = vec![Entry {
            id: "moving-in".into(),
            question: "転入届はどこで出せますか".into(),
            answer: "市民課の窓口です。".into(),
            alternates: vec!["引っ越してきた".into(), "転入の手続き".into()],
            category: "手続き".into(),
            source: "市のサイト".into(),
            hotline: None,
        }];
        let mut csv = Vec::new();
        write_csv(&entries, &mut csv).unwrap();
        let csv_path = write(dir.path(), "out.csv", &csv);
        assert_eq!(read_entries(&csv_path).unwrap(), entries);
        let xlsx_path = dir.path().join("out.xlsx");
        write_xlsx(&entries, &xlsx_path).unwrap();
        assert_eq!(read_entries(&xlsx_path).unwrap(), entries);
    }
}
