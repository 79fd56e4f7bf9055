//! SLA due times on a business calendar: 200 business hours from many start instants across
//! 2026, on Monday–Friday 09:00–12:00 + 13:00–18:00 in Asia/Shanghai with China's 2026 public
//! holidays and make-up working days (调休). The goal (issue "flow engine") is 1,000,000 due
//! times per second natively; see BENCHMARKS.md. Also times `between` over a year, the same
//! due times in Europe/Berlin (a zone with DST), and preparing a clock.
//!
//! Before timing, every due time is checked against a flat, day-by-day count of the same
//! calendar, and `between(start, due)` is checked to give back the 200 hours.

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc, Weekday};
use chrono_tz::Tz;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jimu_core::clock::BusinessClock;
use jimu_core::format::calendar::Calendar;
use serde_json::json;
use std::hint::black_box;

/// 200 business hours, in minutes.
const TARGET: i64 = 200 * 60;
/// Distinct start instants, cycled through.
const STARTS: usize = 4_096;

/// China's 2026 public holidays and make-up working days, as published by the State Council.
fn calendar() -> Calendar {
    let day = json!([{"from": "09:00", "until": "12:00"}, {"from": "13:00", "until": "18:00"}]);
    let value = json!({
        "id": "cn-2026", "name": "客服 2026", "time_zone": "Asia/Shanghai",
        "week": {"mon": day, "tue": day, "wed": day, "thu": day, "fri": day},
        "holidays": [
            {"date": "2026-01-01", "through": "2026-01-03", "name": "元旦"},
            {"date": "2026-02-15", "through": "2026-02-23", "name": "春节"},
            {"date": "2026-04-04", "through": "2026-04-06", "name": "清明节"},
            {"date": "2026-05-01", "through": "2026-05-05", "name": "劳动节"},
            {"date": "2026-06-19", "through": "2026-06-21", "name": "端午节"},
            {"date": "2026-09-25", "through": "2026-09-27", "name": "中秋节"},
            {"date": "2026-10-01", "through": "2026-10-07", "name": "国庆节"}
        ],
        "working_days": [
            {"date": "2026-01-04", "like": "mon"}, {"date": "2026-02-14", "like": "mon"},
            {"date": "2026-02-28", "like": "mon"}, {"date": "2026-05-09", "like": "mon"},
            {"date": "2026-09-20", "like": "mon"}, {"date": "2026-10-10", "like": "mon"}
        ]
    });
    serde_json::from_value(value).expect("the bench calendar reads")
}

/// Start instants spread over 2026 (every 2 h 8 min 7 s, so every time of day and weekday
/// comes up, in and out of working time, on holidays and make-up days).
fn starts() -> Vec<DateTime<Utc>> {
    let first = DateTime::parse_from_rfc3339("2026-01-01T00:00:00+08:00")
        .expect("a date")
        .with_timezone(&Utc);
    (0..STARTS)
        .map(|i| first + TimeDelta::seconds(7_687 * i as i64))
        .collect()
}

/// The same calendar the slow way: minute ranges of each local date, walked day by day.
fn reference_due(start: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
    let holidays = [
        ("2026-01-01", "2026-01-03"),
        ("2026-02-15", "2026-02-23"),
        ("2026-04-04", "2026-04-06"),
        ("2026-05-01", "2026-05-05"),
        ("2026-06-19", "2026-06-21"),
        ("2026-09-25", "2026-09-27"),
        ("2026-10-01", "2026-10-07"),
    ];
    let worked = [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ];
    let ymd = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date");
    let shanghai = TimeDelta::hours(8);
    let local = start + shanghai;
    let mut left = minutes * 60;
    let mut date = local.date_naive();
    loop {
        let off = holidays
            .iter()
            .any(|(a, b)| ymd(a) <= date && date <= ymd(b));
        let on = worked.iter().any(|d| ymd(d) == date)
            || (!off && !matches!(date.weekday(), Weekday::Sat | Weekday::Sun));
        if on {
            for (from, until) in [(9 * 3600, 12 * 3600), (13 * 3600, 18 * 3600)] {
                let day_start = date.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
                let (s, e) = (
                    day_start + TimeDelta::seconds(from),
                    day_start + TimeDelta::seconds(until),
                );
                let s = s.max(local);
                if e <= s {
                    continue;
                }
                let len = (e - s).num_seconds();
                if left <= len {
                    return s + TimeDelta::seconds(left) - shanghai;
                }
                left -= len;
            }
        }
        date = date.succ_opt().expect("a next day");
    }
}

fn clock(c: &mut Criterion) {
    let calendar = calendar();
    let zone: Tz = "Asia/Shanghai".parse().expect("a zone");
    let clock = BusinessClock::new(&calendar, zone);
    let starts = starts();
    for start in &starts {
        let due = clock.add(*start, TARGET).expect("a due time");
        assert_eq!(due, reference_due(*start, TARGET), "from {start}");
        assert_eq!(clock.between(*start, due), TARGET, "from {start}");
    }
    let year = TimeDelta::days(365);
    let first = starts.first().copied().expect("a start");
    // 2026: 248 working days (261 weekdays, 19 of them holidays, 6 make-up days) of 8 hours.
    assert_eq!(clock.between(first, first + year), 248 * 8 * 60);

    let mut group = c.benchmark_group("clock");
    group.throughput(Throughput::Elements(STARTS as u64));
    group.bench_function("due_200_business_hours", |b| {
        b.iter(|| {
            for start in &starts {
                black_box(clock.add(black_box(*start), TARGET));
            }
        });
    });
    group.bench_function("between_over_a_year", |b| {
        b.iter(|| {
            for start in &starts {
                black_box(clock.between(black_box(*start), *start + year));
            }
        });
    });
    // The same calendar read in Europe/Berlin, a zone with DST: its weeks are checked for
    // a change of offset one by one.
    let berlin = BusinessClock::new(&calendar, "Europe/Berlin".parse().expect("a zone"));
    for start in &starts {
        let due = berlin.add(*start, TARGET).expect("a due time");
        assert_eq!(berlin.between(*start, due), TARGET, "from {start}");
    }
    group.bench_function("due_200_business_hours_europe_berlin", |b| {
        b.iter(|| {
            for start in &starts {
                black_box(berlin.add(black_box(*start), TARGET));
            }
        });
    });
    group.finish();

    let mut group = c.benchmark_group("clock_prepare");
    group.bench_function("new", |b| {
        b.iter(|| black_box(BusinessClock::new(black_box(&calendar), zone)));
    });
    // A fresh clock's first due time also looks up the offsets of the eras it crosses.
    group.bench_function("new_and_first_due", |b| {
        b.iter(|| {
            let clock = BusinessClock::new(black_box(&calendar), zone);
            black_box(clock.add(first, TARGET))
        });
    });
    group.finish();
}

criterion_group!(benches, clock);
criterion_main!(benches);
