//! Tests of Jimu's compact zone tables: every zone expands to exactly upstream chrono-tz
//! 0.10.4's span list (by the digests `cargo xtask tz-tables` took of upstream's tables), and
//! every lookup through them agrees with a plain linear scan of the expanded list.

use std::collections::HashMap;

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone};

use crate::binary_search::binary_search;
use crate::timezone_impl::{FixedTimespan, FixedTimespanSet, TimeSpans};
use crate::{GapInfo, OffsetComponents, OffsetName, Tz, TzOffset, TZ_VARIANTS};

/// Per zone: IANA name, number of spans, FNV-1a 64 of upstream's span list.
const UPSTREAM_DIGESTS: &str = include_str!("../tests/fixtures/upstream-digests.txt");

/// A zone's spans, expanded from the tables: `(start, span)`, the first without a start.
fn expand(tz: Tz) -> Vec<(Option<i64>, FixedTimespan)> {
    let set = tz.timespans();
    (0..set.len())
        .map(|i| (set.utc_span(i).begin, set.get(i)))
        .collect()
}

/// The same digest as xtask/src/tz.rs takes of upstream's list: per span its start (`i64::MIN`
/// for the first), UTC offset and DST offset little-endian, then its name as a length byte and
/// the bytes, or `0xff` for none.
fn digest(spans: &[(Option<i64>, FixedTimespan)]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for (start, span) in spans {
        feed(&start.unwrap_or(i64::MIN).to_le_bytes());
        feed(&span.utc_offset.to_le_bytes());
        feed(&span.dst_offset.to_le_bytes());
        match span.name {
            None => feed(&[0xff]),
            Some(name) => {
                feed(&[name.len() as u8]);
                feed(name.as_bytes());
            }
        }
    }
    hash
}

#[test]
fn every_zone_expands_to_upstreams_spans() {
    let upstream: HashMap<&str, (usize, u64)> = UPSTREAM_DIGESTS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let mut parts = l.split(' ');
            let name = parts.next().unwrap();
            let count = parts.next().unwrap().parse().unwrap();
            let digest = u64::from_str_radix(parts.next().unwrap(), 16).unwrap();
            (name, (count, digest))
        })
        .collect();
    assert_eq!(upstream.len(), 597);
    assert_eq!(TZ_VARIANTS.len(), 597);
    let mut total = 0;
    for tz in TZ_VARIANTS {
        let (count, want) = upstream[tz.name()];
        let spans = expand(tz);
        assert_eq!(spans.len(), count, "{}: number of spans", tz.name());
        assert_eq!(
            digest(&spans),
            want,
            "{}: spans differ from upstream's",
            tz.name()
        );
        total += spans.len();
    }
    // 597 first spans and 65,578 transitions in upstream 0.10.4.
    assert_eq!(total, 597 + 65_578);
}

// ---------------------------------------------------------------------------------------------
// The reference: linear scans over the expanded list

fn total_offset(span: &FixedTimespan) -> i64 {
    i64::from(span.utc_offset) + i64::from(span.dst_offset)
}

/// The span in force at UTC second `t`: the last one starting at or before it.
fn reference_utc(spans: &[(Option<i64>, FixedTimespan)], t: i64) -> FixedTimespan {
    let mut found = spans[0].1;
    for (start, span) in spans {
        if let Some(start) = start {
            if *start <= t {
                found = *span;
            }
        }
    }
    found
}

/// The spans whose local interval, `[start + offset, next start + offset)`, holds local second
/// `l`, in order.
fn reference_local(spans: &[(Option<i64>, FixedTimespan)], l: i64) -> Vec<usize> {
    let mut found = Vec::new();
    for (i, (start, span)) in spans.iter().enumerate() {
        let offset = total_offset(span);
        let after_begin = match start {
            None => true,
            Some(start) => start + offset <= l,
        };
        let before_end = match spans.get(i + 1) {
            None => true,
            Some((next, _)) => l < next.unwrap() + offset,
        };
        if after_begin && before_end {
            found.push(i);
        }
    }
    found
}

fn naive(seconds: i64) -> NaiveDateTime {
    DateTime::from_timestamp(seconds, 0).unwrap().naive_utc()
}

fn assert_offset(tz: Tz, got: &TzOffset, want: &FixedTimespan, what: &dyn Fn() -> String) {
    assert_eq!(got.tz_id(), tz.name(), "{}", what());
    assert_eq!(
        got.base_utc_offset().num_seconds(),
        i64::from(want.utc_offset),
        "{}",
        what()
    );
    assert_eq!(
        got.dst_offset().num_seconds(),
        i64::from(want.dst_offset),
        "{}",
        what()
    );
    assert_eq!(got.abbreviation(), want.name, "{}", what());
    assert_eq!(
        i64::from(got.fix().local_minus_utc()),
        total_offset(want),
        "{}",
        what()
    );
}

/// Upstream's lookup of a UTC second: its binary search over spans.
fn upstream_utc(set: &FixedTimespanSet, t: i64) -> usize {
    binary_search(0, set.len(), |i| set.utc_span(i).cmp(t)).unwrap()
}

/// Upstream's lookup of a local second: its binary search over local spans, then a look at
/// both neighbours. The spans found, in order.
fn upstream_local(set: &FixedTimespanSet, l: i64) -> Vec<usize> {
    match binary_search(0, set.len(), |i| set.local_span(i).cmp(l)) {
        Ok(0) if set.len() == 1 => vec![0],
        Ok(0) if set.local_span(1).contains(l) => vec![0, 1],
        Ok(0) => vec![0],
        Ok(i) if set.local_span(i - 1).contains(l) => vec![i - 1, i],
        Ok(i) if i == set.len() - 1 => vec![i],
        Ok(i) if set.local_span(i + 1).contains(l) => vec![i, i + 1],
        Ok(i) => vec![i],
        Err(_) => vec![],
    }
}

fn check_utc(tz: Tz, spans: &[(Option<i64>, FixedTimespan)], t: i64) {
    let got = tz.offset_from_utc_datetime(&naive(t));
    let want = reference_utc(spans, t);
    let what = || format!("{} at UTC {t}", tz.name());
    assert_offset(tz, &got, &want, &what);
    let set = tz.timespans();
    assert_eq!(set.utc_index(t), upstream_utc(&set, t), "{}", what());
}

fn check_local(tz: Tz, spans: &[(Option<i64>, FixedTimespan)], l: i64) {
    let local = naive(l);
    let what = || format!("{} at local {local}", tz.name());
    let got = tz.offset_from_local_datetime(&local);
    let gap = GapInfo::new(&local, &tz);
    let set = tz.timespans();
    let (end, ids) = set.local_lookup(l);
    let ids = match ids {
        LocalResult::None => vec![],
        LocalResult::Single(a) => vec![a],
        LocalResult::Ambiguous(a, b) => vec![a, b],
    };
    let count = ids.len();
    let found: Vec<usize> = (end - count..end).collect();
    assert_eq!(found, upstream_local(&set, l), "{}", what());
    for (id, index) in ids.iter().zip(&found) {
        assert!(FixedTimespanSet::span(*id) == set.get(*index), "{}", what());
    }
    if count == 0 {
        // Where upstream's search failed: GapInfo starts from there.
        let failed = binary_search(0, set.len(), |i| set.local_span(i).cmp(l));
        assert_eq!(failed, Err(end), "{}", what());
    }
    match reference_local(spans, l).as_slice() {
        [] => {
            assert!(matches!(got, LocalResult::None), "{}: {got:?}", what());
            // The gap runs from the end of the last span that ends at or before `l` to the
            // start of the first that begins after it.
            let next = spans
                .iter()
                .position(|(start, span)| matches!(start, Some(s) if s + total_offset(span) > l))
                .unwrap();
            let gap = gap.unwrap_or_else(|| panic!("{}: no gap info", what()));
            let (begin, begin_offset) = gap.begin.unwrap();
            let previous = &spans[next - 1].1;
            assert_eq!(
                begin,
                naive(spans[next].0.unwrap() + total_offset(previous)),
                "{}",
                what()
            );
            assert_offset(tz, &begin_offset, previous, &what);
            let end = gap.end.unwrap();
            assert_eq!(end.timestamp(), spans[next].0.unwrap(), "{}", what());
            assert_offset(tz, end.offset(), &spans[next].1, &what);
        }
        [i] => {
            let LocalResult::Single(got) = got else {
                panic!("{}: {got:?}, want one offset", what());
            };
            assert_offset(tz, &got, &spans[*i].1, &what);
            assert!(gap.is_none(), "{}", what());
        }
        [i, j] => {
            let LocalResult::Ambiguous(a, b) = got else {
                panic!("{}: {got:?}, want two offsets", what());
            };
            assert_offset(tz, &a, &spans[*i].1, &what);
            assert_offset(tz, &b, &spans[*j].1, &what);
            assert!(gap.is_none(), "{}", what());
        }
        more => panic!("{}: {} spans hold this local time", what(), more.len()),
    }
}

/// Every zone, at every transition ±1 s (as UTC, and as local time on both sides of it) and at
/// instants spread over 1800–2120, answers as the linear scan does, and finds the spans
/// upstream's binary search finds.
#[test]
fn lookups_agree_with_a_linear_scan() {
    let from = NaiveDate::from_ymd_opt(1800, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp();
    let to = NaiveDate::from_ymd_opt(2120, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut checked = 0usize;
    for tz in TZ_VARIANTS {
        let spans = expand(tz);
        for i in 1..spans.len() {
            let start = spans[i].0.unwrap();
            for t in [start - 1, start, start + 1] {
                check_utc(tz, &spans, t);
            }
            // Local begin of span i and local end of span i - 1.
            let begin = start + total_offset(&spans[i].1);
            let end = start + total_offset(&spans[i - 1].1);
            for l in [begin - 1, begin, begin + 1, end - 1, end, end + 1] {
                check_local(tz, &spans, l);
            }
            checked += 9;
        }
        for _ in 0..400 {
            // xorshift64: deterministic, different instants for every zone.
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let t = from + (seed % (to - from) as u64) as i64;
            check_utc(tz, &spans, t);
            check_local(tz, &spans, t);
            checked += 2;
        }
    }
    assert!(checked > 800_000, "{checked}");
}

/// Local lookups start from the UTC lookup of `x - MAX_OFFSET_SECS`: no span's offset is
/// larger.
#[test]
fn max_offset_bounds_every_span() {
    use crate::timezones::{MAX_OFFSET_SECS, SPAN_DST, SPAN_UTC};
    let largest = SPAN_UTC
        .iter()
        .zip(SPAN_DST.iter())
        .map(|(u, d)| (i64::from(*u) + i64::from(*d)).abs())
        .max()
        .unwrap();
    assert_eq!(largest, MAX_OFFSET_SECS);
}

/// What the lookups rely on to find the spans upstream's binary search finds (see
/// `FixedTimespanSet`): in every zone, transition times grow, local span beginnings and ends
/// grow, and no local time is in three spans.
#[test]
fn spans_are_ordered_as_the_lookups_need() {
    for tz in TZ_VARIANTS {
        let set = tz.timespans();
        let spans: Vec<_> = (0..set.len()).map(|i| set.local_span(i)).collect();
        for i in 1..set.len() {
            let at = || format!("{} span {i}", tz.name());
            assert!(
                set.utc_span(i).begin < set.utc_span(i).end.or(Some(i64::MAX)),
                "{}",
                at()
            );
            if i >= 2 {
                assert!(spans[i - 1].begin < spans[i].begin, "{}", at());
            }
            if let (Some(previous), Some(end)) = (spans[i - 1].end, spans[i].end) {
                assert!(previous < end, "{}", at());
            }
            if i >= 2 {
                assert!(spans[i - 2].end <= spans[i].begin, "{}: three spans", at());
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Facts checked by hand against the tz database

fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, min, 0)
        .unwrap()
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    local(y, m, d, h, min)
}

#[test]
fn new_york_2030_spring_forward_is_a_gap() {
    // Second Sunday of March 2030: 02:00 EST becomes 03:00 EDT (periodic tail).
    let tz = Tz::America__New_York;
    let at = local(2030, 3, 10, 2, 30);
    assert_eq!(tz.offset_from_local_datetime(&at), LocalResult::None);
    let gap = GapInfo::new(&at, &tz).unwrap();
    let (begin, offset) = gap.begin.unwrap();
    assert_eq!(begin, local(2030, 3, 10, 2, 0));
    assert_eq!(offset.abbreviation(), Some("EST"));
    let end = gap.end.unwrap();
    assert_eq!(end.naive_local(), local(2030, 3, 10, 3, 0));
    assert_eq!(end.offset().abbreviation(), Some("EDT"));
    assert_eq!(end.naive_utc(), utc(2030, 3, 10, 7, 0));
}

#[test]
fn london_2090_fall_back_is_ambiguous() {
    // Last Sunday of October 2090: 02:00 BST becomes 01:00 GMT, 70 years into the tail.
    let tz = Tz::Europe__London;
    let LocalResult::Ambiguous(a, b) = tz.offset_from_local_datetime(&local(2090, 10, 29, 1, 30))
    else {
        panic!("not ambiguous");
    };
    assert_eq!(
        (a.abbreviation(), a.fix().local_minus_utc()),
        (Some("BST"), 3600)
    );
    assert_eq!(
        (b.abbreviation(), b.fix().local_minus_utc()),
        (Some("GMT"), 0)
    );
    assert!(GapInfo::new(&local(2090, 10, 29, 1, 30), &tz).is_none());
    let summer = tz.offset_from_utc_datetime(&utc(2090, 7, 1, 12, 0));
    assert_eq!(summer.abbreviation(), Some("BST"));
    let winter = tz.offset_from_utc_datetime(&utc(2099, 12, 31, 12, 0));
    assert_eq!(winter.abbreviation(), Some("GMT"));
}

#[test]
fn shanghai_had_summer_time_in_1991() {
    // China observed DST 1986–1991; in 1991 from April 14 to September 15.
    let tz = Tz::Asia__Shanghai;
    let july = tz.offset_from_utc_datetime(&utc(1991, 7, 1, 0, 0));
    assert_eq!(july.abbreviation(), Some("CDT"));
    assert_eq!(july.fix().local_minus_utc(), 9 * 3600);
    assert_eq!(july.dst_offset().num_seconds(), 3600);
    let december = tz.offset_from_utc_datetime(&utc(1991, 12, 1, 0, 0));
    assert_eq!(december.abbreviation(), Some("CST"));
    assert_eq!(december.fix().local_minus_utc(), 8 * 3600);
    let july_1992 = tz.offset_from_utc_datetime(&utc(1992, 7, 1, 0, 0));
    assert_eq!(july_1992.abbreviation(), Some("CST"));
    // 1991-04-14 02:00 local did not happen.
    assert_eq!(
        tz.offset_from_local_datetime(&local(1991, 4, 14, 2, 30)),
        LocalResult::None
    );
}

#[test]
fn casablanca_follows_ramadan_until_2087() {
    // Morocco is at +01 except around Ramadan, when it goes back to +00; the tz database
    // lists those irregular dates up to 2087, so this table has no periodic tail.
    let tz = Tz::Africa__Casablanca;
    let in_ramadan_2030 = tz.offset_from_utc_datetime(&utc(2030, 1, 15, 12, 0));
    assert_eq!(in_ramadan_2030.fix().local_minus_utc(), 0);
    assert_eq!(in_ramadan_2030.base_utc_offset().num_seconds(), 3600);
    assert_eq!(in_ramadan_2030.dst_offset().num_seconds(), -3600);
    assert_eq!(in_ramadan_2030.to_string(), "+00");
    let after = tz.offset_from_utc_datetime(&utc(2030, 2, 10, 2, 0));
    assert_eq!(after.fix().local_minus_utc(), 3600);
    assert_eq!(after.to_string(), "+01");
    let just_before = tz.offset_from_utc_datetime(&utc(2030, 2, 10, 1, 59));
    assert_eq!(just_before.fix().local_minus_utc(), 0);
    // After the last listed change (2087-05-11) it stays at +01.
    for year in [2088, 2095, 2119] {
        let offset = tz.offset_from_utc_datetime(&utc(year, 1, 20, 0, 0));
        assert_eq!(offset.fix().local_minus_utc(), 3600, "{year}");
    }
    assert_eq!(tz.timespans().len(), 198);
}
