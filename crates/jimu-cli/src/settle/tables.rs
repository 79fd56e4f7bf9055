//! The tables of `jimu settle`: splits and statements as rows, and the files they are
//! written to (CSV or JSON Lines, through a temporary file renamed into place).

use super::Encoding;
use anyhow::Context as _;
use jimu_core::settle::{OrderSplit, Statement};
use serde::Serialize;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

pub(super) const SPLIT_COLUMNS: [&str; 8] = [
    "order",
    "refund",
    "plan",
    "period",
    "party",
    "payee",
    "component",
    "amount",
];
pub(super) const STATEMENT_COLUMNS: [&str; 10] = [
    "payee",
    "party",
    "period",
    "settles_on",
    "orders",
    "total",
    "draw_owed_before",
    "draw_advanced",
    "draw_recovered",
    "draw_carried_forward",
];

/// What no component took, as a row of the splits table.
const UNALLOCATED: &str = "(unallocated)";

fn split_rows(split: &OrderSplit) -> impl Iterator<Item = [String; 8]> + '_ {
    let row = |party: &str, payee: &str, component: &str, amount: String| {
        [
            split.order.clone(),
            split.refund.clone().unwrap_or_default(),
            split.plan.to_string(),
            split.period.to_string(),
            party.to_owned(),
            payee.to_owned(),
            component.to_owned(),
            amount,
        ]
    };
    let shares = split
        .shares
        .iter()
        .map(move |s| row(&s.party, &s.payee, &s.component, s.amount.to_string()));
    let rest = (!split.unallocated.is_zero())
        .then(|| row("", "", UNALLOCATED, split.unallocated.to_string()));
    shares.chain(rest)
}

/// A statement as a table row; the draw columns are empty without a recoverable draw (and
/// list one value per draw rule, `;`-separated, in the rare statement with several).
pub(super) fn statement_row(s: &Statement) -> [String; 10] {
    let draw = |get: fn(&jimu_core::settle::DrawBalance) -> String| {
        s.draws.iter().map(get).collect::<Vec<_>>().join(";")
    };
    [
        s.payee.clone(),
        s.party.to_string(),
        s.period.clone(),
        s.settles_on.clone().unwrap_or_default(),
        s.orders.to_string(),
        s.total.to_string(),
        draw(|d| d.outstanding_before.to_string()),
        draw(|d| d.advanced.to_string()),
        draw(|d| d.recovered.to_string()),
        draw(|d| d.carried_forward.to_string()),
    ]
}

/// A table written to a file: splits or statements, as CSV or JSON Lines. It is written to a
/// temporary file beside its path (`.NAME.jimu-tmp`) and renamed into place by
/// [`TableOut::finish`], so a file is never left half written; one dropped unfinished (a run
/// that stopped early) takes its temporary file with it.
pub(super) struct TableOut {
    table: Table,
    path: PathBuf,
    tmp: PathBuf,
    done: bool,
}

enum Table {
    Csv(Box<csv::Writer<BufWriter<File>>>),
    JsonLines(BufWriter<File>),
}

impl TableOut {
    /// A new file; a CSV table starts with its header row, so an empty table still has one.
    /// Creating it is the check that the path can be written: `jimu settle` creates both of its
    /// outputs before it reads the first order.
    pub(super) fn create(
        path: &Path,
        encoding: Encoding,
        columns: &[&str],
    ) -> anyhow::Result<Self> {
        let cannot = || format!("cannot write {}", path.display());
        let name = path
            .file_name()
            .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
        let tmp = path.with_file_name(format!(".{name}.jimu-tmp"));
        let writer = BufWriter::new(File::create(&tmp).with_context(cannot)?);
        let table = match encoding {
            Encoding::Csv => {
                let mut writer = csv::Writer::from_writer(writer);
                if let Err(err) = writer.write_record(columns) {
                    let _ = std::fs::remove_file(&tmp);
                    return Err(err).with_context(cannot);
                }
                Table::Csv(Box::new(writer))
            }
            Encoding::JsonLines => Table::JsonLines(writer),
        };
        let out = Self {
            table,
            path: path.to_owned(),
            tmp,
            done: false,
        };
        Ok(out)
    }

    fn path(&self) -> &Path {
        &self.path
    }

    fn write(
        &mut self,
        rows: impl Iterator<Item = impl AsRef<[String]>>,
        json: &impl Serialize,
    ) -> anyhow::Result<()> {
        let result: anyhow::Result<()> = match &mut self.table {
            Table::Csv(writer) => (|| {
                for row in rows {
                    writer.write_record(row.as_ref())?;
                }
                Ok(())
            })(),
            Table::JsonLines(writer) => (|| {
                serde_json::to_writer(&mut *writer, json)?;
                writer.write_all(b"\n")?;
                Ok(())
            })(),
        };
        result.with_context(|| format!("cannot write {}", self.path().display()))
    }

    pub(super) fn split(&mut self, split: &OrderSplit) -> anyhow::Result<()> {
        self.write(split_rows(split), split)
    }

    pub(super) fn statement(&mut self, statement: &Statement) -> anyhow::Result<()> {
        self.write(std::iter::once(statement_row(statement)), statement)
    }

    /// Flushes the temporary file and renames it to the table's path.
    pub(super) fn finish(mut self) -> anyhow::Result<()> {
        let result = match &mut self.table {
            Table::Csv(writer) => writer.flush(),
            Table::JsonLines(writer) => writer.flush(),
        };
        result.with_context(|| format!("cannot write {}", self.path.display()))?;
        std::fs::rename(&self.tmp, &self.path)
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        self.done = true;
        Ok(())
    }
}

impl Drop for TableOut {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}
