//! `cargo xtask tz-tables`: rewrites vendor/chrono-tz's zone tables in their compact encoding
//! from upstream chrono-tz's `src/prebuilt/timezones.rs`, and refuses to write unless the
//! written tables decode to exactly upstream's spans for every zone.
//!
//! Upstream gives each zone its spans as a first span and a list of `(transition time, span)`,
//! a span being `(utc_offset, dst_offset, name)`. The encoding (read back by
//! `vendor/chrono-tz/src/timezone_impl.rs`, `FixedTimespanSet`):
//!
//! - zones with the same spans (links, mostly) share one table: `ZONE_TABLE[zone]`;
//! - every distinct span is stored once (`SPAN_UTC`, `SPAN_DST`, `SPAN_NAME` into `NAMES`);
//! - per table (`TABLE_*` columns): its first span, its number of transitions, and where its
//!   stored transitions start in the transition columns;
//! - transition columns, one entry per stored transition: the day since `BASE_SECS` in
//!   `DAY0`/`DAY1` (bits 0–15) and the low two bits of `DAY2_SECOND` (bits 16–17), the UTC minute
//!   of that day in `MINUTE`, its second in `DAY2_SECOND >> 2`, and its span in `SPAN`;
//! - a periodic tail: within 1901–2099 the Gregorian calendar repeats every 28 years
//!   (`PERIOD_SECS`), so most zones' rules make transition `k` equal transition `k - period`
//!   moved by 28 years, from some `explicit` on up to the table's last transition (~2099). Only
//!   the first `explicit` transitions are stored; transition `k >= explicit` is transition
//!   `k - q·period` moved by `q` periods, `q = (k - explicit) / period + 1`. The period is
//!   found from the data and checked transition by transition, never assumed.
//!
//! The generator also writes, per zone, an FNV-1a 64 digest of upstream's span list into
//! `vendor/chrono-tz/tests/fixtures/upstream-digests.txt`; the vendored crate's tests expand
//! every zone from the compact tables and compare.

use crate::Ctx;
use anyhow::{Context as _, bail, ensure};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

/// 28 Gregorian years without a skipped leap day (10,227 days), in seconds.
const PERIOD_SECS: i64 = 883_612_800;
const DAY_SECS: i64 = 86_400;
const TABLES_FILE: &str = "vendor/chrono-tz/src/prebuilt/timezones.rs";
const DIGESTS_FILE: &str = "vendor/chrono-tz/tests/fixtures/upstream-digests.txt";

const USAGE: &str = "usage: cargo xtask tz-tables --upstream PATH
  PATH: upstream chrono-tz's src/prebuilt/timezones.rs, e.g.
  ~/.cargo/registry/src/index.crates.io-*/chrono-tz-0.10.4/src/prebuilt/timezones.rs";

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
struct Span {
    utc: i32,
    dst: i32,
    name: Option<String>,
}

/// One zone's spans as upstream lists them.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
struct Spans {
    first: Span,
    rest: Vec<(i64, Span)>,
}

struct Zone {
    name: String,
    spans: Spans,
}

/// Upstream's file cut around its `impl TimeSpans for Tz`, and the zones in `Tz` order.
struct Upstream {
    before: String,
    after: String,
    zones: Vec<Zone>,
}

pub fn tables(ctx: &Ctx, args: &[String]) -> anyhow::Result<()> {
    let upstream_path = match args {
        [flag, path] if flag == "--upstream" => PathBuf::from(path),
        _ => bail!("{USAGE}"),
    };
    let text = std::fs::read_to_string(&upstream_path)
        .with_context(|| format!("cannot read {}", upstream_path.display()))?;
    let upstream = parse(&text).with_context(|| format!("reading {}", upstream_path.display()))?;

    let encoded = encode(&upstream.zones)?;
    let source = render(&upstream, &encoded, &text);
    // Decode what is about to be written, from its text, and compare zone by zone.
    let decoded = decode_source(&source).context("reading back the generated tables")?;
    ensure!(
        decoded.len() == upstream.zones.len(),
        "decoded {} zones, upstream has {}",
        decoded.len(),
        upstream.zones.len()
    );
    for (zone, spans) in upstream.zones.iter().zip(&decoded) {
        if *spans != zone.spans {
            bail!(
                "{}: the compact tables do not decode to upstream's spans",
                zone.name
            );
        }
    }

    let mut digests = String::from(
        "# Per zone, in `Tz` order: IANA name, number of spans, FNV-1a 64 of upstream chrono-tz's\n\
         # span list (see `cargo xtask tz-tables` in xtask/src/tz.rs). Generated; do not edit.\n",
    );
    for zone in &upstream.zones {
        let _ = writeln!(
            digests,
            "{} {} {:016x}",
            zone.name,
            1 + zone.spans.rest.len(),
            digest(&zone.spans)
        );
    }

    let tables_path = ctx.root.join(TABLES_FILE);
    let digests_path = ctx.root.join(DIGESTS_FILE);
    std::fs::write(&tables_path, source)
        .with_context(|| format!("cannot write {}", tables_path.display()))?;
    if let Some(dir) = digests_path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&digests_path, digests)
        .with_context(|| format!("cannot write {}", digests_path.display()))?;

    let upstream_transitions: usize = upstream.zones.iter().map(|z| z.spans.rest.len()).sum();
    let table_transitions: usize = encoded.tables.iter().map(|t| t.len).sum();
    println!(
        "{} zones, {} distinct tables, {} distinct spans, {} names",
        upstream.zones.len(),
        encoded.tables.len(),
        encoded.spans.len(),
        encoded.names.len()
    );
    println!(
        "transitions: {upstream_transitions} in upstream's zones, {table_transitions} in the distinct tables, {} stored",
        encoded.day.len()
    );
    println!("every zone decodes to upstream's spans; wrote {TABLES_FILE} and {DIGESTS_FILE}");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Reading upstream's file

fn parse(text: &str) -> anyhow::Result<Upstream> {
    let lines: Vec<&str> = text.lines().collect();
    let find = |from: usize, line: &str| -> anyhow::Result<usize> {
        lines
            .iter()
            .skip(from)
            .position(|l| *l == line)
            .map(|i| i + from)
            .with_context(|| format!("no line `{line}`"))
    };

    // The variants, in declaration order (`*tz as usize` indexes ZONE_TABLE).
    let enum_start = find(0, "pub enum Tz {")?;
    let enum_end = find(enum_start, "}")?;
    let variants: Vec<&str> = lines[enum_start + 1..enum_end]
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty() && !l.starts_with("///"))
        .map(|l| {
            l.strip_suffix(',')
                .with_context(|| format!("enum line `{l}`"))
        })
        .collect::<anyhow::Result<_>>()?;

    // Their IANA names, from `Tz::name`.
    let name_start = find(0, "    pub fn name(self) -> &'static str {")?;
    let name_end = find(name_start, "        }")?;
    let mut names = HashMap::new();
    for line in &lines[name_start + 2..name_end] {
        let (variant, name) = line
            .trim()
            .strip_prefix("Tz::")
            .and_then(|l| l.split_once(" => \""))
            .and_then(|(v, n)| Some((v, n.strip_suffix("\",")?)))
            .with_context(|| format!("`Tz::name` line `{line}`"))?;
        names.insert(variant, name);
    }

    // The spans.
    let impl_start = find(0, "impl TimeSpans for Tz {")?;
    let impl_end = find(impl_start, "}")?;
    let body: Vec<&str> = lines[impl_start + 1..impl_end]
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    let inner = match body.as_slice() {
        [
            "fn timespans(&self) -> FixedTimespanSet {",
            "match *self {",
            inner @ ..,
            "}",
            "}",
        ] => inner,
        _ => bail!("`impl TimeSpans for Tz` is not shaped as expected"),
    };
    let mut spans = HashMap::new();
    let mut rest = inner;
    while !rest.is_empty() {
        let (variant, zone, after) = parse_arm(rest)?;
        ensure!(
            spans.insert(variant, zone).is_none(),
            "two arms for Tz::{variant}"
        );
        rest = after;
    }

    let mut zones = Vec::with_capacity(variants.len());
    for variant in &variants {
        let name = names
            .get(variant)
            .with_context(|| format!("Tz::{variant} has no name"))?;
        let zone_spans = spans
            .remove(variant)
            .with_context(|| format!("Tz::{variant} has no spans"))?;
        check_order(&zone_spans).with_context(|| format!("{name}: spans out of order"))?;
        zones.push(Zone {
            name: (*name).to_owned(),
            spans: zone_spans,
        });
    }
    ensure!(spans.is_empty(), "spans for variants not in the enum");
    ensure!(
        names.len() == variants.len(),
        "names for variants not in the enum"
    );

    let before = lines[..impl_start].join("\n") + "\n";
    let after = lines[impl_end + 1..].join("\n") + "\n";
    Ok(Upstream {
        before,
        after,
        zones,
    })
}

/// What the vendored lookups rely on to find the spans upstream's binary search finds:
/// transition times grow, local span beginnings and ends grow, and no local time is in three
/// spans (a span's local end is at or before the local beginning of the span after next).
fn check_order(spans: &Spans) -> anyhow::Result<()> {
    let offset = |s: &Span| i64::from(s.utc) + i64::from(s.dst);
    let rest = &spans.rest;
    // Local beginning of span i + 1 (i >= 0) and local end of span i.
    let begin = |i: usize| rest[i].0 + offset(&rest[i].1);
    let end = |i: usize| {
        let previous = if i == 0 { &spans.first } else { &rest[i - 1].1 };
        rest[i].0 + offset(previous)
    };
    for i in 1..rest.len() {
        ensure!(
            rest[i - 1].0 < rest[i].0,
            "transition times do not grow at {i}"
        );
        ensure!(
            begin(i - 1) < begin(i),
            "local beginnings do not grow at {i}"
        );
        ensure!(end(i - 1) < end(i), "local ends do not grow at {i}");
        ensure!(
            end(i - 1) <= begin(i),
            "a local time is in three spans at {i}"
        );
    }
    Ok(())
}

/// One `Tz::X => { const REST … FixedTimespanSet { … } },` arm (trimmed, non-empty lines).
fn parse_arm<'a>(lines: &'a [&'a str]) -> anyhow::Result<(&'a str, Spans, &'a [&'a str])> {
    let head = lines.first().copied().unwrap_or_default();
    let variant = head
        .strip_prefix("Tz::")
        .and_then(|l| l.strip_suffix(" => {"))
        .with_context(|| format!("arm starts with `{head}`"))?;
    let context = || format!("the spans of Tz::{variant}");
    ensure!(
        lines.get(1) == Some(&"const REST: &[(i64, FixedTimespan)] = &["),
        "no `const REST` in {}",
        context()
    );
    let mut rest = Vec::new();
    let mut after_rest = 0;
    for (i, line) in lines.iter().enumerate().skip(2) {
        if *line == "];" {
            after_rest = i + 1;
            break;
        }
        let (time, span) = line
            .strip_prefix('(')
            .and_then(|l| l.split_once(", FixedTimespan { "))
            .and_then(|(t, s)| Some((t, s.strip_suffix(" }),")?)))
            .with_context(|| format!("transition line `{line}`"))
            .with_context(context)?;
        let time: i64 = time.parse().with_context(context)?;
        let mut fields = span.splitn(3, ", ");
        let span =
            parse_span([fields.next(), fields.next(), fields.next()]).with_context(context)?;
        rest.push((time, span));
    }
    ensure!(after_rest > 0, "no end of REST in {}", context());
    let tail = &lines[after_rest..];
    let [
        "FixedTimespanSet {",
        "first: FixedTimespan {",
        utc,
        dst,
        name,
        "},",
        "rest: REST",
        "}",
        "},",
        ..,
    ] = tail
    else {
        bail!("unexpected lines after REST in {}", context());
    };
    let strip = |l: &'a str| l.strip_suffix(',');
    let first = parse_span([strip(utc), strip(dst), strip(name)]).with_context(context)?;
    Ok((variant, Spans { first, rest }, &tail[9..]))
}

/// `utc_offset: U`, `dst_offset: D`, `name: Some("N")` or `name: None`.
fn parse_span(fields: [Option<&str>; 3]) -> anyhow::Result<Span> {
    let [Some(utc), Some(dst), Some(name)] = fields else {
        bail!("a span needs utc_offset, dst_offset and name");
    };
    let utc = utc
        .strip_prefix("utc_offset: ")
        .with_context(|| format!("`{utc}`"))?
        .parse()?;
    let dst = dst
        .strip_prefix("dst_offset: ")
        .with_context(|| format!("`{dst}`"))?
        .parse()?;
    let name = match name.strip_prefix("name: ") {
        Some("None") => None,
        Some(quoted) => {
            let inner = quoted
                .strip_prefix("Some(\"")
                .and_then(|q| q.strip_suffix("\")"))
                .with_context(|| format!("name `{quoted}`"))?;
            ensure!(
                inner
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-'),
                "unexpected characters in the name `{inner}`"
            );
            Some(inner.to_owned())
        }
        None => bail!("`{name}`"),
    };
    Ok(Span { utc, dst, name })
}

// ---------------------------------------------------------------------------------------------
// Encoding

struct Table {
    first: usize,
    /// Where its stored transitions start in the transition columns.
    start: usize,
    /// Stored transitions.
    explicit: usize,
    /// All transitions, stored and periodic.
    len: usize,
    /// Transitions per 28 years in the periodic tail; 0 when there is none.
    period: usize,
}

struct Encoded {
    zone_table: Vec<usize>,
    tables: Vec<Table>,
    spans: Vec<Span>,
    names: Vec<String>,
    base: i64,
    day: Vec<u32>,
    minute: Vec<u16>,
    second: Vec<u8>,
    span: Vec<usize>,
}

fn encode(zones: &[Zone]) -> anyhow::Result<Encoded> {
    let mut spans: Vec<Span> = Vec::new();
    let mut span_index: HashMap<Span, usize> = HashMap::new();
    let mut intern = |span: &Span| -> usize {
        *span_index.entry(span.clone()).or_insert_with(|| {
            spans.push(span.clone());
            spans.len() - 1
        })
    };
    let mut table_of: HashMap<&Spans, usize> = HashMap::new();
    let mut distinct: Vec<&Spans> = Vec::new();
    let mut zone_table = Vec::with_capacity(zones.len());
    for zone in zones {
        let index = *table_of.entry(&zone.spans).or_insert_with(|| {
            distinct.push(&zone.spans);
            distinct.len() - 1
        });
        zone_table.push(index);
    }
    let base = distinct
        .iter()
        .flat_map(|s| s.rest.iter().map(|(t, _)| *t))
        .min()
        .unwrap_or(0)
        .div_euclid(DAY_SECS)
        * DAY_SECS;

    let mut encoded = Encoded {
        zone_table,
        tables: Vec::new(),
        spans: Vec::new(),
        names: Vec::new(),
        base,
        day: Vec::new(),
        minute: Vec::new(),
        second: Vec::new(),
        span: Vec::new(),
    };
    for spans_of in &distinct {
        let rest = &spans_of.rest;
        let (explicit, period) = periodic_tail(rest);
        let table = Table {
            first: intern(&spans_of.first),
            start: encoded.day.len(),
            explicit,
            len: rest.len(),
            period,
        };
        for (time, span) in &rest[..explicit] {
            let since = time - base;
            let day = since / DAY_SECS;
            ensure!(
                (0..1 << 18).contains(&day),
                "a transition {day} days after the base does not fit 18 bits"
            );
            encoded.day.push(day as u32);
            encoded.minute.push((since % DAY_SECS / 60) as u16);
            encoded.second.push((since % 60) as u8);
            encoded.span.push(intern(span));
        }
        encoded.tables.push(table);
    }
    for span in &spans {
        if let Some(name) = &span.name
            && !encoded.names.contains(name)
        {
            encoded.names.push(name.clone());
        }
    }
    encoded.spans = spans;

    let fits = |n: usize, max: usize, what: &str| {
        ensure!(
            n <= max,
            "{what} ({n}) does not fit its column (at most {max})"
        );
        Ok(())
    };
    fits(encoded.tables.len(), u16::MAX as usize, "tables")?;
    fits(encoded.spans.len(), u16::MAX as usize, "spans")?;
    fits(encoded.names.len(), u8::MAX as usize, "names")?;
    fits(encoded.day.len(), u32::MAX as usize, "stored transitions")?;
    for t in &encoded.tables {
        fits(t.len, u16::MAX as usize, "transitions of a table")?;
        fits(t.period, u16::MAX as usize, "transitions per period")?;
    }
    Ok(encoded)
}

/// The fewest stored transitions: `(explicit, period)` such that every transition `k >=
/// explicit` equals transition `k - period` moved by `PERIOD_SECS`, span included.
/// `(len, 0)` when no period saves anything.
fn periodic_tail(rest: &[(i64, Span)]) -> (usize, usize) {
    let n = rest.len();
    let mut best = (n, 0);
    for period in 1..=n / 2 {
        let mut explicit = n;
        while explicit > period {
            let (t, span) = &rest[explicit - 1];
            let (t0, span0) = &rest[explicit - 1 - period];
            if *t != t0 + PERIOD_SECS || span != span0 {
                break;
            }
            explicit -= 1;
        }
        if explicit < best.0 {
            best = (explicit, period);
        }
    }
    best
}

fn digest(spans: &Spans) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    let items =
        std::iter::once((i64::MIN, &spans.first)).chain(spans.rest.iter().map(|(t, s)| (*t, s)));
    for (time, span) in items {
        feed(&time.to_le_bytes());
        feed(&span.utc.to_le_bytes());
        feed(&span.dst.to_le_bytes());
        match &span.name {
            None => feed(&[0xff]),
            Some(name) => {
                feed(&[name.len() as u8]);
                feed(name.as_bytes());
            }
        }
    }
    hash
}

// ---------------------------------------------------------------------------------------------
// Writing

fn render(upstream: &Upstream, e: &Encoded, input: &str) -> String {
    let mut out = String::new();
    out.push_str(
        "//! The `Tz` enum, its names and parser, and each zone's spans in a compact encoding.\n\
         //!\n\
         //! Generated by `cargo xtask tz-tables` (xtask/src/tz.rs) from upstream chrono-tz's\n\
         //! `src/prebuilt/timezones.rs`; do not edit. Everything up to `impl TimeSpans for Tz` is\n\
         //! upstream's text; the spans are re-encoded (read by `FixedTimespanSet` in\n\
         //! timezone_impl.rs), and the generator checked that every zone decodes to exactly\n\
         //! upstream's list.\n",
    );
    let _ = writeln!(
        out,
        "//!\n//! Input: {} bytes, FNV-1a 64 {:016x}.\n",
        input.len(),
        fnv(input.as_bytes())
    );
    for line in upstream.before.lines() {
        match line {
            "use crate::timezone_impl::{TimeSpans, FixedTimespanSet, FixedTimespan};" => {
                out.push_str("use crate::timezone_impl::{TimeSpans, FixedTimespanSet};\n");
            }
            // Jimu's copy has no `arbitrary` feature.
            "#[cfg_attr(feature = \"arbitrary\", derive(arbitrary::Arbitrary))]" => {}
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out.push_str(
        "impl TimeSpans for Tz {\n    \
             fn timespans(&self) -> FixedTimespanSet {\n        \
                 FixedTimespanSet::of_table(ZONE_TABLE[*self as usize] as usize)\n    \
             }\n\
         }\n",
    );
    out.push_str(&upstream.after);

    out.push_str(
        "\n// The compact tables (see xtask/src/tz.rs for the encoding).\n\n\
         /// Transition times count from here: `BASE_SECS + day * 86_400 + minute * 60 + second`.\n",
    );
    let _ = writeln!(out, "pub(crate) const BASE_SECS: i64 = {};", e.base);
    let _ = writeln!(
        out,
        "/// 28 Gregorian years: the shift of each repetition in a table's periodic tail.\n\
         pub(crate) const PERIOD_SECS: i64 = {PERIOD_SECS};"
    );
    let max_offset = e
        .spans
        .iter()
        .map(|s| (i64::from(s.utc) + i64::from(s.dst)).abs())
        .max()
        .unwrap_or(0);
    let _ = writeln!(
        out,
        "/// The largest offset from UTC of any span, either way, in seconds.\n\
         pub(crate) const MAX_OFFSET_SECS: i64 = {max_offset};"
    );
    let col = |out: &mut String, doc: &str, name: &str, ty: &str, values: Vec<i64>| {
        let _ = write!(
            out,
            "/// {doc}\npub(crate) static {name}: [{ty}; {}] = [",
            values.len()
        );
        let mut line_len = 100; // start a new line at once
        for v in values {
            let item = v.to_string();
            if line_len + item.len() + 2 > 100 {
                out.push_str("\n   ");
                line_len = 3;
            }
            out.push(' ');
            out.push_str(&item);
            out.push(',');
            line_len += item.len() + 2;
        }
        out.push_str("\n];\n");
    };
    let ints = |v: &mut dyn Iterator<Item = usize>| v.map(|x| x as i64).collect::<Vec<_>>();
    col(
        &mut out,
        "Each zone's table, by `Tz` discriminant.",
        "ZONE_TABLE",
        "u16",
        ints(&mut e.zone_table.iter().copied()),
    );
    col(
        &mut out,
        "Per table: its span before the first transition.",
        "TABLE_FIRST",
        "u16",
        ints(&mut e.tables.iter().map(|t| t.first)),
    );
    col(
        &mut out,
        "Per table: its number of transitions, stored and periodic.",
        "TABLE_LEN",
        "u16",
        ints(&mut e.tables.iter().map(|t| t.len)),
    );
    col(
        &mut out,
        "Per table: its stored transitions, the first ones.",
        "TABLE_EXPLICIT",
        "u16",
        ints(&mut e.tables.iter().map(|t| t.explicit)),
    );
    col(
        &mut out,
        "Per table: transitions per 28 years in its periodic tail (0: none).",
        "TABLE_PERIOD",
        "u16",
        ints(&mut e.tables.iter().map(|t| t.period)),
    );
    col(
        &mut out,
        "Per table: the index of its first stored transition in the transition columns.",
        "TABLE_START",
        "u32",
        ints(&mut e.tables.iter().map(|t| t.start)),
    );
    col(
        &mut out,
        "Per stored transition: bits 0–7 of its day since `BASE_SECS`.",
        "DAY0",
        "u8",
        e.day.iter().map(|d| i64::from(d & 0xff)).collect(),
    );
    col(
        &mut out,
        "Per stored transition: bits 8–15 of its day since `BASE_SECS`.",
        "DAY1",
        "u8",
        e.day.iter().map(|d| i64::from(d >> 8 & 0xff)).collect(),
    );
    col(
        &mut out,
        "Per stored transition: bits 16–17 of its day (low two bits) and its second (`>> 2`).",
        "DAY2_SECOND",
        "u8",
        e.day
            .iter()
            .zip(&e.second)
            .map(|(d, s)| i64::from(d >> 16 | u32::from(*s) << 2))
            .collect(),
    );
    col(
        &mut out,
        "Per stored transition: its minute of the (UTC) day.",
        "MINUTE",
        "u16",
        e.minute.iter().map(|m| i64::from(*m)).collect(),
    );
    col(
        &mut out,
        "Per stored transition: the span it starts.",
        "SPAN",
        "u16",
        ints(&mut e.span.iter().copied()),
    );
    col(
        &mut out,
        "Per span: its base offset from UTC, in seconds.",
        "SPAN_UTC",
        "i32",
        e.spans.iter().map(|s| i64::from(s.utc)).collect(),
    );
    col(
        &mut out,
        "Per span: its daylight-saving offset, in seconds.",
        "SPAN_DST",
        "i32",
        e.spans.iter().map(|s| i64::from(s.dst)).collect(),
    );
    col(
        &mut out,
        "Per span: its abbreviation, `NAMES[n - 1]`, or none for 0.",
        "SPAN_NAME",
        "u8",
        e.spans
            .iter()
            .map(|s| match &s.name {
                None => 0,
                Some(name) => 1 + e.names.iter().position(|n| n == name).unwrap_or(0) as i64,
            })
            .collect(),
    );
    let _ = write!(
        out,
        "/// The abbreviations.\npub(crate) static NAMES: [&str; {}] = [",
        e.names.len()
    );
    let mut line_len = 100; // start a new line at once
    for name in &e.names {
        if line_len + name.len() + 4 > 100 {
            out.push_str("\n   ");
            line_len = 3;
        }
        let _ = write!(out, " \"{name}\",");
        line_len += name.len() + 4;
    }
    out.push_str("\n];\n");
    out
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

// ---------------------------------------------------------------------------------------------
// Reading the generated text back, decoded the way `FixedTimespanSet` decodes it

fn decode_source(source: &str) -> anyhow::Result<Vec<Spans>> {
    let column = |name: &str| -> anyhow::Result<Vec<i64>> {
        static_items(source, name)?
            .iter()
            .map(|item| {
                item.parse()
                    .with_context(|| format!("{name}: `{item}` is not a number"))
            })
            .collect()
    };
    let constant = |name: &str| -> anyhow::Result<i64> {
        let prefix = format!("pub(crate) const {name}: i64 = ");
        let line = source
            .lines()
            .find_map(|l| l.strip_prefix(prefix.as_str()))
            .with_context(|| format!("no const {name}"))?;
        Ok(line.trim_end_matches(';').parse()?)
    };
    let base = constant("BASE_SECS")?;
    let period_secs = constant("PERIOD_SECS")?;
    let zone_table = column("ZONE_TABLE")?;
    let first = column("TABLE_FIRST")?;
    let len = column("TABLE_LEN")?;
    let explicit = column("TABLE_EXPLICIT")?;
    let period = column("TABLE_PERIOD")?;
    let start = column("TABLE_START")?;
    let day0 = column("DAY0")?;
    let day1 = column("DAY1")?;
    let day2_second = column("DAY2_SECOND")?;
    let minute = column("MINUTE")?;
    let span = column("SPAN")?;
    let span_utc = column("SPAN_UTC")?;
    let span_dst = column("SPAN_DST")?;
    let span_name = column("SPAN_NAME")?;
    let names: Vec<String> = static_items(source, "NAMES")?
        .iter()
        .map(|item| {
            item.strip_prefix('"')
                .and_then(|i| i.strip_suffix('"'))
                .map(str::to_owned)
                .with_context(|| format!("NAMES: `{item}`"))
        })
        .collect::<anyhow::Result<_>>()?;

    let get = |v: &[i64], i: i64| -> anyhow::Result<i64> {
        usize::try_from(i)
            .ok()
            .and_then(|i| v.get(i).copied())
            .with_context(|| format!("index {i} out of range"))
    };
    let span_of = |s: i64| -> anyhow::Result<Span> {
        let name = match get(&span_name, s)? {
            0 => None,
            n => Some(
                names
                    .get(usize::try_from(n - 1)?)
                    .context("name out of range")?
                    .clone(),
            ),
        };
        Ok(Span {
            utc: get(&span_utc, s)?.try_into()?,
            dst: get(&span_dst, s)?.try_into()?,
            name,
        })
    };
    let mut zones = Vec::new();
    for &table in &zone_table {
        let (explicit, period) = (get(&explicit, table)?, get(&period, table)?);
        let mut rest = Vec::new();
        for k in 0..get(&len, table)? {
            let (j, shift) = if k < explicit {
                (k, 0)
            } else {
                ensure!(period > 0, "a periodic transition without a period");
                let q = (k - explicit) / period + 1;
                (k - q * period, q * period_secs)
            };
            let g = get(&start, table)? + j;
            let d2s = get(&day2_second, g)?;
            let day = get(&day0, g)? | get(&day1, g)? << 8 | (d2s & 3) << 16;
            let time = base + day * DAY_SECS + get(&minute, g)? * 60 + (d2s >> 2) + shift;
            rest.push((time, span_of(get(&span, g)?)?));
        }
        zones.push(Spans {
            first: span_of(get(&first, table)?)?,
            rest,
        });
    }
    Ok(zones)
}

/// The items of `pub(crate) static NAME: [T; N] = [ … ];`, checked to be N.
fn static_items<'a>(source: &'a str, name: &str) -> anyhow::Result<Vec<&'a str>> {
    let prefix = format!("pub(crate) static {name}: [");
    let at = source
        .find(&prefix)
        .with_context(|| format!("no static {name}"))?;
    let decl = &source[at + prefix.len()..];
    let (ty, decl) = decl.split_once("] = [").context("no initializer")?;
    let count: usize = ty.rsplit_once("; ").context("no array length")?.1.parse()?;
    let (body, _) = decl.split_once("];").context("no end of the array")?;
    let items: Vec<&str> = body
        .split(',')
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .collect();
    ensure!(
        items.len() == count,
        "{name} has {} items, declared {count}",
        items.len()
    );
    Ok(items)
}
