//! Business-time arithmetic for SLA clocks: due times and elapsed working time on a calendar.
//!
//! A [`BusinessClock`] is a [`Calendar`] prepared for arithmetic: "due" = start + target counted
//! only inside working ranges (semantics, "SLA clocks"). There is no clock here: every instant is
//! passed in, as a UTC [`DateTime`].
//!
//! - **Working time.** A local date's working ranges are its weekday's, none on a holiday, and
//!   an extra working day's (调休) own, which win over a holiday on the same date. Each range is
//!   `from` inclusive, `until` exclusive; ranges that end before they start, or that cannot be
//!   read, are ignored, and overlapping or touching ranges are merged.
//! - **Local times and DST.** A local time is the *first instant at which clocks read that time
//!   or later* (chrono-tz's rules): a time that occurs twice (clocks going back) is its earlier
//!   occurrence, and a time that does not exist (clocks jumping forward) is the instant of the
//!   jump. So with Europe/Berlin, a range 00:00–24:00 lasts 23 hours on the day clocks go
//!   forward and 25 hours on the day they go back; a range 02:30–04:00 on the spring day starts
//!   at 03:00 CEST, and a range 02:00–03:00 on the autumn day lasts two hours. This mapping never
//!   goes backwards, so ranges never overlap.
//! - **Seconds.** Targets are whole minutes. A start with seconds (or fractions of a second)
//!   counts from that exact instant: 1 minute from 09:00:30 is due at 09:01:30.
//! - **Bounds.** [`BusinessClock::add`] looks at most [`HORIZON_DAYS`] (ten years) past the
//!   start's local date and answers `None` beyond; [`BusinessClock::between`] counts at most
//!   [`MAX_SPAN_DAYS`] (a hundred years) from its first instant. Nothing loops unbounded.
//!
//! The work grows with weeks, not minutes: a due time walks the days of its first and last
//! weeks and skips each week between with one total — the weekly total when no holiday or
//! extra working day lies in it and its UTC offset does not change, else the sum of its days.
//! A week's offset is sampled at midnight on Monday, Thursday and the next Monday; no time
//! zone in the tz database changes its offset twice within 166 hours (the closest pairs,
//! Brazil in 2000 and Gaza in 2040, are 167 hours apart), so equal samples 72 and 96 hours
//! apart mean no change between them. The samples are remembered per era of 52 weeks
//! (1900–2198), so a week's offset is looked up once per clock (three look-ups).
//! chrono-tz knows changes of offset up to 2099; after that each zone keeps its last offset.

use crate::bundle::limits::minutes_of_day;
use crate::format::Date;
use crate::format::calendar::{Calendar, MAX_SPAN_DAYS, Weekday, WorkingRange};
use chrono::{DateTime, Datelike, MappedLocalTime, NaiveDate, NaiveDateTime, Offset, TimeDelta};
use chrono::{TimeZone, Utc};
use chrono_tz::{GapInfo, Tz};
use std::sync::OnceLock;

/// How far past the start's local date [`BusinessClock::add`] looks for working time: ten
/// years, in days.
pub const HORIZON_DAYS: i64 = 3_653;

const DAY_SECS: i64 = 86_400;
/// Nanoseconds per second: instants are counted in nanoseconds inside this module.
const NS: i128 = 1_000_000_000;
/// `NaiveDate::num_days_from_ce` of 1970-01-01.
const UNIX_EPOCH_DAY: i64 = 719_163;
/// Week offsets are remembered per era of 52 weeks, from Monday 1900-01-01 (300 eras, to
/// 2198-12-24).
const ERA_FIRST_DAY: i64 = 693_596;
const ERA_DAYS: i64 = 364;
const ERAS: usize = 300;

/// Working ranges of one day, in minutes of the day.
type Ranges = Vec<(u32, u32)>;

/// The UTC offset (seconds east) of each week of an era when it does not change within the
/// week, each found on first use.
type EraWeeks = Box<[OnceLock<Option<i32>>]>;

/// A calendar prepared for arithmetic: its time zone and each date's working ranges resolved
/// quickly.
///
/// Dates are kept as day numbers (`NaiveDate::num_days_from_ce`); holidays as merged runs and
/// extra working days as a sorted list, both searched by bisection.
#[derive(Debug, Clone)]
pub struct BusinessClock {
    zone: Tz,
    /// Monday first.
    week: [Ranges; 7],
    /// The working minutes of a week without exceptions.
    week_minutes: i64,
    /// Extra working days (调休), sorted by day, each day once (the first listed wins).
    working_days: Vec<(i64, Ranges)>,
    /// Days off, as inclusive runs of days, sorted and merged.
    holidays: Vec<(i64, i64)>,
    /// The days of holidays and extra working days, as inclusive runs, sorted and merged.
    exceptions: Vec<(i64, i64)>,
    /// Per era of 52 weeks from 1900: each week's UTC offset when it does not change within
    /// the week (the eras are made on first use, an era's cells on its first use, a week's
    /// offset on its own).
    eras: OnceLock<Box<[OnceLock<EraWeeks>]>>,
}

/// How a day's local times become instants.
#[derive(Debug, Clone, Copy)]
enum Reading {
    /// One UTC offset (seconds east of UTC) all day.
    Fixed(i64),
    /// The offset changes within the day: each time is converted on its own.
    Exact,
}

/// A Monday-to-Sunday week as the arithmetic sees it.
#[derive(Debug, Clone, Copy)]
struct WeekView {
    /// Its Monday.
    first: i64,
    /// The UTC offset of the whole week, when it does not change within it.
    offset: Option<i64>,
    /// No holiday or extra working day in the week.
    plain: bool,
}

impl BusinessClock {
    /// Prepares `calendar` for arithmetic in `zone` (the calendar's `time_zone`, or the
    /// bundle's, parsed by the caller). Unreadable dates and ranges are left out; a holiday
    /// run that ends before it starts is its first day; of an extra working day with both
    /// `like` and `ranges`, the `ranges` count.
    pub fn new(calendar: &Calendar, zone: Tz) -> Self {
        let week = calendar.week.days().map(|(_, ranges)| normalize(ranges));
        let week_minutes = week.iter().map(|r| minutes(r)).sum();

        let mut working_days: Vec<(i64, Ranges)> = calendar
            .working_days
            .iter()
            .filter_map(|w| {
                let day = day_number(&w.date)?;
                let ranges = match w.like {
                    Some(like) if w.ranges.is_empty() => {
                        week.get(weekday_index(like)).cloned().unwrap_or_default()
                    }
                    _ => normalize(&w.ranges),
                };
                Some((day, ranges))
            })
            .collect();
        crate::sort::vec_by(&mut working_days, |(a, _), (b, _)| a.cmp(b));
        working_days.dedup_by_key(|(day, _)| *day);

        let runs: Vec<(i64, i64)> = calendar
            .holidays
            .iter()
            .filter_map(|h| {
                let first = day_number(&h.date)?;
                let last = h
                    .through
                    .as_ref()
                    .and_then(day_number)
                    .filter(|last| *last >= first)
                    .unwrap_or(first);
                Some((first, last))
            })
            .collect();
        let holidays = merge(runs);
        let exceptions = merge(
            holidays
                .iter()
                .copied()
                .chain(working_days.iter().map(|(day, _)| (*day, *day)))
                .collect(),
        );

        Self {
            zone,
            week,
            week_minutes,
            working_days,
            holidays,
            exceptions,
            eras: OnceLock::new(),
        }
    }

    /// The working ranges of a local date, in minutes of the day, sorted, non-overlapping
    /// (holidays: none; extra working days: theirs).
    pub fn ranges_on(&self, date: NaiveDate) -> &[(u32, u32)] {
        self.ranges_of(i64::from(date.num_days_from_ce()))
    }

    /// `start` + `minutes` of working time: the instant the last minute is used up (so a
    /// target that ends exactly with a range is due at the range's end).
    ///
    /// Starting outside working time, counting starts at the next working minute; 0 minutes
    /// from any instant is the start itself. `None` for negative minutes, and when the due
    /// time lies more than [`HORIZON_DAYS`] past the start's local date (a calendar with no
    /// working time in that span has no due time) — the search never runs longer than that.
    pub fn add(&self, start: DateTime<Utc>, minutes: i64) -> Option<DateTime<Utc>> {
        if minutes <= 0 {
            return (minutes == 0).then_some(start);
        }
        if self.week_minutes == 0 && self.working_days.iter().all(|(_, r)| r.is_empty()) {
            return None;
        }
        let mut left = i128::from(minutes.checked_mul(60)?) * NS;
        let from = nanos(start);
        let first_day = self.local_day(start.timestamp())?;
        let last_day = first_day + HORIZON_DAYS;
        let mut week = monday_of(first_day);
        while week <= last_day {
            let view = self.week_view(week);
            // From two days on, a week lies wholly after the start (a clock going back over
            // midnight can put the start after the next day's first instant).
            if week >= first_day + 2 {
                let total = self.week_nanos(&view);
                if left > total {
                    left -= total;
                    week += 7;
                    continue;
                }
            }
            for day in week.max(first_day)..week + 7 {
                if day > last_day {
                    return None;
                }
                for (s, e) in self.intervals(day, &view) {
                    let s = s.max(from);
                    if e <= s {
                        continue;
                    }
                    if left <= e - s {
                        return instant(s + left);
                    }
                    left -= e - s;
                }
            }
            week += 7;
        }
        None
    }

    /// Working minutes in [a, b) (0 when b <= a), whole minutes rounded down. A span longer
    /// than [`MAX_SPAN_DAYS`] is counted over its first [`MAX_SPAN_DAYS`] days.
    pub fn between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        if b <= a {
            return 0;
        }
        let from = nanos(a);
        let until = nanos(b).min(from + i128::from(MAX_SPAN_DAYS * DAY_SECS) * NS);
        let until_secs = i64::try_from(until.div_euclid(NS)).unwrap_or(i64::MAX);
        let (Some(first_day), Some(last_day)) =
            (self.local_day(a.timestamp()), self.local_day(until_secs))
        else {
            return 0;
        };
        let mut total: i128 = 0;
        let mut week = monday_of(first_day);
        // Day `last_day + 1` can still hold working time before `b` when clocks go back over
        // midnight; later days cannot.
        while week <= last_day + 1 {
            let view = self.week_view(week);
            if week >= first_day + 2 && week + 7 <= last_day {
                total += self.week_nanos(&view);
            } else {
                for day in week.max(first_day)..(week + 7).min(last_day + 2) {
                    for (s, e) in self.intervals(day, &view) {
                        let (s, e) = (s.max(from), e.min(until));
                        if e > s {
                            total += e - s;
                        }
                    }
                }
            }
            week += 7;
        }
        i64::try_from(total / (60 * NS)).unwrap_or(i64::MAX)
    }

    /// Whether `at` falls inside working time (`from` inclusive, `until` exclusive).
    pub fn is_working(&self, at: DateTime<Utc>) -> bool {
        let p = nanos(at);
        let Some(day) = self.local_day(at.timestamp()) else {
            return false;
        };
        // The next day too: when clocks go back over midnight, its first range can begin
        // before the local date of `at` ends.
        (day..=day + 1).any(|d| {
            let view = self.week_view(monday_of(d));
            self.intervals(d, &view).any(|(s, e)| s <= p && p < e)
        })
    }

    /// The ranges of a day number.
    fn ranges_of(&self, day: i64) -> &[(u32, u32)] {
        if let Ok(i) = self.working_days.binary_search_by_key(&day, |(d, _)| *d) {
            return self.working_days.get(i).map_or(&[], |(_, r)| r.as_slice());
        }
        let i = self.holidays.partition_point(|(_, last)| *last < day);
        if self.holidays.get(i).is_some_and(|(first, _)| *first <= day) {
            return &[];
        }
        self.week.get(weekday_of(day)).map_or(&[], Vec::as_slice)
    }

    /// Whether a holiday or an extra working day lies in the days `from..to`.
    fn has_exception(&self, from: i64, to: i64) -> bool {
        let i = self.exceptions.partition_point(|(_, last)| *last < from);
        self.exceptions.get(i).is_some_and(|(first, _)| *first < to)
    }

    /// The week starting on Monday `first`.
    fn week_view(&self, first: i64) -> WeekView {
        WeekView {
            first,
            offset: self.week_offset(first),
            plain: !self.has_exception(first, first + 7),
        }
    }

    /// The UTC offset of the week starting on Monday `first`, when it does not change within
    /// the week: the offsets at its start, middle (Thursday) and end agree, each time
    /// occurring once. Remembered per era of 52 weeks (1900–2198).
    fn week_offset(&self, first: i64) -> Option<i64> {
        let era = (first - ERA_FIRST_DAY).div_euclid(ERA_DAYS);
        let eras = self
            .eras
            .get_or_init(|| (0..ERAS).map(|_| OnceLock::new()).collect());
        let Some(cell) = usize::try_from(era).ok().and_then(|i| eras.get(i)) else {
            return self.sample_week(first);
        };
        let weeks = cell.get_or_init(|| (0..ERA_DAYS / 7).map(|_| OnceLock::new()).collect());
        let week = usize::try_from((first - ERA_FIRST_DAY).rem_euclid(ERA_DAYS) / 7).unwrap_or(0);
        let Some(slot) = weeks.get(week) else {
            return self.sample_week(first);
        };
        // Offsets are `i32` seconds in chrono, so the conversion always succeeds.
        slot.get_or_init(|| self.sample_week(first).and_then(|o| i32::try_from(o).ok()))
            .map(i64::from)
    }

    /// The week's offset from three samples, 72 and 96 hours apart: no time zone changes its
    /// offset twice within 166 hours, so equal samples mean no change between them.
    fn sample_week(&self, first: i64) -> Option<i64> {
        let offset = self.single_offset(midnight(first))?;
        (self.single_offset(midnight(first + 3)) == Some(offset)
            && self.single_offset(midnight(first + 7)) == Some(offset))
        .then_some(offset)
    }

    /// The working time of a whole week, in nanoseconds.
    fn week_nanos(&self, view: &WeekView) -> i128 {
        if view.plain && view.offset.is_some() {
            return i128::from(self.week_minutes) * 60 * NS;
        }
        (view.first..view.first + 7)
            .flat_map(|day| self.intervals(day, view))
            .map(|(s, e)| (e - s).max(0))
            .sum()
    }

    /// A day of the week `view` and its working ranges as instants (nanoseconds since the
    /// Unix epoch). A range whose ends cannot be represented (at the limits of chrono's
    /// dates) is left out.
    fn intervals(&self, day: i64, view: &WeekView) -> impl Iterator<Item = (i128, i128)> {
        let ranges = if view.plain {
            self.week
                .get(weekday_of(day))
                .map_or(&[][..], Vec::as_slice)
        } else {
            self.ranges_of(day)
        };
        let reading = match (ranges.is_empty(), view.offset) {
            (true, _) => Reading::Exact,
            (false, Some(o)) => Reading::Fixed(o),
            (false, None) => self.reading(day),
        };
        ranges.iter().filter_map(move |&(from, until)| {
            let s = self.at(day, from, reading)?;
            let e = self.at(day, until, reading)?;
            Some((i128::from(s) * NS, i128::from(e) * NS))
        })
    }

    /// How a day's local times become instants: one offset when the offsets at its two
    /// midnights agree (no offset changes twice within a day), else each on its own.
    fn reading(&self, day: i64) -> Reading {
        match (
            self.single_offset(midnight(day)),
            self.single_offset(midnight(day + 1)),
        ) {
            (Some(a), Some(b)) if a == b => Reading::Fixed(a),
            _ => Reading::Exact,
        }
    }

    /// The instant (Unix seconds) of `minute` of the local day `day`.
    fn at(&self, day: i64, minute: u32, reading: Reading) -> Option<i64> {
        let local = midnight(day) + i64::from(minute) * 60;
        match reading {
            Reading::Fixed(offset) => Some(local - offset),
            Reading::Exact => self.first_instant(local),
        }
    }

    /// The offset in force at a local time (seconds since the epoch, read as local), when
    /// that time occurs exactly once.
    fn single_offset(&self, local: i64) -> Option<i64> {
        match self.zone.offset_from_local_datetime(&naive(local)?) {
            MappedLocalTime::Single(offset) => Some(seconds_east(offset)),
            _ => None,
        }
    }

    /// The first instant at which clocks read the local time `local` or later: its only
    /// occurrence, the earlier of two, or the end of the gap it falls in.
    fn first_instant(&self, local: i64) -> Option<i64> {
        let at = naive(local)?;
        match self.zone.offset_from_local_datetime(&at) {
            MappedLocalTime::Single(offset) => Some(local - seconds_east(offset)),
            MappedLocalTime::Ambiguous(a, b) => {
                Some((local - seconds_east(a)).min(local - seconds_east(b)))
            }
            MappedLocalTime::None => GapInfo::new(&at, &self.zone)
                .and_then(|gap| gap.end)
                .map(|end| end.timestamp()),
        }
    }

    /// The local date (day number) of an instant given in Unix seconds.
    fn local_day(&self, secs: i64) -> Option<i64> {
        let at = DateTime::from_timestamp(secs, 0)?;
        let offset = seconds_east(self.zone.offset_from_utc_datetime(&at.naive_utc()));
        Some(secs.checked_add(offset)?.div_euclid(DAY_SECS) + UNIX_EPOCH_DAY)
    }
}

/// Calendar time: `start` + `minutes` (negative minutes go back), for targets counted in
/// calendar time. `None` when the result is out of range.
pub fn add_calendar(start: DateTime<Utc>, minutes: i64) -> Option<DateTime<Utc>> {
    start.checked_add_signed(TimeDelta::try_minutes(minutes)?)
}

/// Readable ranges with some time in them, sorted, overlapping and touching ones merged.
fn normalize(ranges: &[WorkingRange]) -> Ranges {
    let mut read: Ranges = ranges
        .iter()
        .filter_map(|r| {
            let from = minutes_of_day(r.from.as_str())?;
            let until = minutes_of_day(r.until.as_str())?;
            (until > from).then_some((from, until))
        })
        .collect();
    crate::sort::vec_by(&mut read, Ord::cmp);
    let mut merged: Ranges = Vec::with_capacity(read.len());
    for (from, until) in read {
        match merged.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(until),
            _ => merged.push((from, until)),
        }
    }
    merged
}

fn minutes(ranges: &[(u32, u32)]) -> i64 {
    ranges
        .iter()
        .map(|(from, until)| i64::from(until.saturating_sub(*from)))
        .sum()
}

fn weekday_index(day: Weekday) -> usize {
    match day {
        Weekday::Mon => 0,
        Weekday::Tue => 1,
        Weekday::Wed => 2,
        Weekday::Thu => 3,
        Weekday::Fri => 4,
        Weekday::Sat => 5,
        Weekday::Sun => 6,
    }
}

/// A `YYYY-MM-DD` date as a day number, read as `Calendar::is_business_day` reads it (the
/// plain form directly, anything else by chrono's parser).
fn day_number(date: &Date) -> Option<i64> {
    let text = date.as_str();
    let number = |bytes: &[u8]| {
        bytes.iter().try_fold(0u32, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    let plain = match text.as_bytes() {
        [y @ .., b'-', m0, m1, b'-', d0, d1] if y.len() == 4 => {
            match (number(y), number(&[*m0, *m1]), number(&[*d0, *d1])) {
                (Some(y), Some(m), Some(d)) => i32::try_from(y)
                    .ok()
                    .and_then(|y| NaiveDate::from_ymd_opt(y, m, d)),
                _ => None,
            }
        }
        _ => None,
    };
    plain
        .or_else(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .map(|d| i64::from(d.num_days_from_ce()))
}

/// Sorts inclusive runs of days and merges those that overlap or touch.
fn merge(mut runs: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    crate::sort::vec_by(&mut runs, Ord::cmp);
    let mut merged: Vec<(i64, i64)> = Vec::with_capacity(runs.len());
    for (first, last) in runs {
        match merged.last_mut() {
            Some(run) if first <= run.1.saturating_add(1) => run.1 = run.1.max(last),
            _ => merged.push((first, last)),
        }
    }
    merged
}

/// The weekday of a day number, Monday 0.
fn weekday_of(day: i64) -> usize {
    usize::try_from((day - 1).rem_euclid(7)).unwrap_or(0)
}

/// The Monday on or before a day number (day 1, 0001-01-01, is a Monday).
fn monday_of(day: i64) -> i64 {
    day - (day - 1).rem_euclid(7)
}

/// Local midnight of a day number, as seconds since 1970-01-01T00:00 local.
fn midnight(day: i64) -> i64 {
    (day - UNIX_EPOCH_DAY) * DAY_SECS
}

fn naive(secs: i64) -> Option<NaiveDateTime> {
    DateTime::from_timestamp(secs, 0).map(|d| d.naive_utc())
}

fn seconds_east(offset: impl Offset) -> i64 {
    i64::from(offset.fix().local_minus_utc())
}

fn nanos(at: DateTime<Utc>) -> i128 {
    i128::from(at.timestamp()) * NS + i128::from(at.timestamp_subsec_nanos())
}

fn instant(nanos: i128) -> Option<DateTime<Utc>> {
    let secs = i64::try_from(nanos.div_euclid(NS)).ok()?;
    let rest = u32::try_from(nanos.rem_euclid(NS)).ok()?;
    DateTime::from_timestamp(secs, rest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn clock(zone: &str, calendar: serde_json::Value) -> BusinessClock {
        let calendar: Calendar = serde_json::from_value(calendar).unwrap();
        BusinessClock::new(&calendar, zone.parse().unwrap())
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn due(clock: &BusinessClock, start: &str, minutes: i64) -> Option<DateTime<Utc>> {
        clock.add(at(start), minutes)
    }

    /// Monday–Friday 09:00–12:00 and 13:00–18:00 in Asia/Shanghai, with China's 2026 public
    /// holidays and make-up working days (调休) as published.
    pub(super) fn china_2026() -> BusinessClock {
        let day = json!([{"from": "09:00", "until": "12:00"}, {"from": "13:00", "until": "18:00"}]);
        clock(
            "Asia/Shanghai",
            json!({
                "id": "cn-2026", "name": "客服 2026",
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
                    {"date": "2026-01-04", "like": "mon"},
                    {"date": "2026-02-14", "like": "mon"},
                    {"date": "2026-02-28", "like": "mon"},
                    {"date": "2026-05-09", "like": "mon"},
                    {"date": "2026-09-20", "like": "mon"},
                    {"date": "2026-10-10", "ranges": day}
                ]
            }),
        )
    }

    /// Monday 22:00–24:00, Tuesday 00:00–06:00 and 22:00–24:00, Wednesday 00:00–06:00, in
    /// UTC: two night shifts, each written as two ranges.
    pub(super) fn night_shifts() -> BusinessClock {
        clock(
            "UTC",
            json!({"id": "night", "name": "夜班", "week": {
                "mon": [{"from": "22:00", "until": "24:00"}],
                "tue": [{"from": "22:00", "until": "24:00"}, {"from": "00:00", "until": "06:00"}],
                "wed": [{"from": "00:00", "until": "06:00"}]}}),
        )
    }

    /// Monday–Friday 09:00–17:00 and Sunday 01:00–05:00 in Europe/Berlin.
    pub(super) fn berlin() -> BusinessClock {
        let day = json!([{"from": "09:00", "until": "17:00"}]);
        clock(
            "Europe/Berlin",
            json!({"id": "berlin", "name": "Berlin", "week": {
                "mon": day, "tue": day, "wed": day, "thu": day, "fri": day,
                "sun": [{"from": "01:00", "until": "05:00"}]}}),
        )
    }

    #[test]
    fn the_published_examples_in_asia_shanghai() {
        // Mon 9–17, Tue 9–16, Wed off, Thu 8–17; 16 h from Monday 11:00: Monday 6 h,
        // Tuesday 7 h, Thursday 08:00 + 3 h.
        let first = clock(
            "Asia/Shanghai",
            json!({"id": "p", "name": "P", "week": {
                "mon": [{"from": "09:00", "until": "17:00"}],
                "tue": [{"from": "09:00", "until": "16:00"}],
                "thu": [{"from": "08:00", "until": "17:00"}]}}),
        );
        let start = "2026-11-23T11:00:00+08:00";
        assert_eq!(
            due(&first, start, 16 * 60),
            Some(at("2026-11-26T11:00:00+08:00"))
        );
        assert_eq!(
            first.between(at(start), at("2026-11-26T11:00:00+08:00")),
            960
        );

        // Mon–Fri 9–17; 4 h from Friday 16:00: Friday 1 h, Monday 09:00 + 3 h.
        let day = json!([{"from": "09:00", "until": "17:00"}]);
        let second = clock(
            "Asia/Shanghai",
            json!({"id": "p", "name": "P", "week": {
                "mon": day, "tue": day, "wed": day, "thu": day, "fri": day}}),
        );
        assert_eq!(
            due(&second, "2026-11-27T16:00:00+08:00", 4 * 60),
            Some(at("2026-11-30T12:00:00+08:00"))
        );
    }

    #[test]
    fn holidays_and_make_up_working_days() {
        let cn = china_2026();
        // Wednesday before National Day, 17:00 + 3 h: 1 h, then 10-01..10-07 off, Thursday
        // 10-08 09:00 + 2 h.
        assert_eq!(
            due(&cn, "2026-09-30T17:00:00+08:00", 180),
            Some(at("2026-10-08T11:00:00+08:00"))
        );
        // Starting on a holiday: counting starts on the first working minute after it.
        assert_eq!(
            due(&cn, "2026-10-03T12:00:00+08:00", 60),
            Some(at("2026-10-08T10:00:00+08:00"))
        );
        // Friday 09-18 17:00 + 2 h: 1 h, Saturday off, Sunday 09-20 worked like a Monday.
        assert_eq!(
            due(&cn, "2026-09-18T17:00:00+08:00", 120),
            Some(at("2026-09-20T10:00:00+08:00"))
        );
        // Friday 10-09 17:30 + 1 h: Saturday 10-10 is worked with its own ranges.
        assert_eq!(
            due(&cn, "2026-10-09T17:30:00+08:00", 60),
            Some(at("2026-10-10T09:30:00+08:00"))
        );
        // Mid-Autumn (Friday 09-25 to Sunday 09-27) off: Thursday 17:00 + 2 h → Monday.
        assert_eq!(
            due(&cn, "2026-09-24T17:00:00+08:00", 120),
            Some(at("2026-09-28T10:00:00+08:00"))
        );
        // Spring Festival: Friday 02-13 17:00 + 10 h: 1 h, Saturday 02-14 worked (8 h), then
        // 02-15..02-23 off, Tuesday 02-24 09:00 + 1 h.
        assert_eq!(
            due(&cn, "2026-02-13T17:00:00+08:00", 600),
            Some(at("2026-02-24T10:00:00+08:00"))
        );
        // 09-30 and 10-08 are the only working days of that span: 8 h each.
        assert_eq!(
            cn.between(
                at("2026-09-30T09:00:00+08:00"),
                at("2026-10-08T18:00:00+08:00")
            ),
            960
        );
        let day: &[(u32, u32)] = &[(540, 720), (780, 1080)];
        assert_eq!(cn.ranges_on(date("2026-10-03")), &[] as &[(u32, u32)]);
        assert_eq!(cn.ranges_on(date("2026-09-20")), day);
        assert_eq!(cn.ranges_on(date("2026-10-10")), day);
        assert_eq!(cn.ranges_on(date("2026-10-11")), &[] as &[(u32, u32)]);
        assert_eq!(cn.ranges_on(date("2026-10-12")), day);
        assert!(cn.is_working(at("2026-09-20T09:00:00+08:00")));
        assert!(!cn.is_working(at("2026-10-08T08:59:59+08:00")));
        assert!(!cn.is_working(at("2026-10-05T10:00:00+08:00")));
    }

    #[test]
    fn several_ranges_a_day_with_a_lunch_break() {
        let cn = china_2026();
        // Inside a range, across lunch.
        assert_eq!(
            due(&cn, "2026-11-23T11:30:00+08:00", 60),
            Some(at("2026-11-23T13:30:00+08:00"))
        );
        // In the break; before the day's first range; after its last.
        assert_eq!(
            due(&cn, "2026-11-23T12:30:00+08:00", 30),
            Some(at("2026-11-23T13:30:00+08:00"))
        );
        assert_eq!(
            due(&cn, "2026-11-23T08:00:00+08:00", 60),
            Some(at("2026-11-23T10:00:00+08:00"))
        );
        assert_eq!(
            due(&cn, "2026-11-23T18:30:00+08:00", 60),
            Some(at("2026-11-24T10:00:00+08:00"))
        );
        // A target that ends with a range is due at its end, not at the next one's start.
        assert_eq!(
            due(&cn, "2026-11-23T09:00:00+08:00", 180),
            Some(at("2026-11-23T12:00:00+08:00"))
        );
        // A week and a day: 5 × 8 h + 8 h from Monday 09:00 is next Monday 18:00.
        assert_eq!(
            due(&cn, "2026-11-23T09:00:00+08:00", 48 * 60),
            Some(at("2026-11-30T18:00:00+08:00"))
        );
        for (time, working) in [
            ("08:59:59", false),
            ("09:00:00", true),
            ("11:59:59", true),
            ("12:00:00", false),
            ("13:00:00", true),
            ("17:59:59", true),
            ("18:00:00", false),
        ] {
            let instant = at(&format!("2026-11-23T{time}+08:00"));
            assert_eq!(cn.is_working(instant), working, "{time}");
        }
        assert!(!cn.is_working(at("2026-11-28T10:00:00+08:00")));
        assert_eq!(
            cn.between(
                at("2026-11-23T11:00:00+08:00"),
                at("2026-11-23T14:00:00+08:00")
            ),
            120
        );
    }

    #[test]
    fn night_shifts_across_midnight() {
        let night = night_shifts();
        assert_eq!(night.ranges_on(date("2026-11-23")), &[(1320, 1440)]);
        assert_eq!(
            night.ranges_on(date("2026-11-24")),
            &[(0, 360), (1320, 1440)]
        );
        // Monday 23:00 + 2 h runs on through midnight.
        assert_eq!(
            due(&night, "2026-11-23T23:00:00Z", 120),
            Some(at("2026-11-24T01:00:00Z"))
        );
        // A whole shift from before it starts ends at 06:00.
        assert_eq!(
            due(&night, "2026-11-23T21:00:00Z", 480),
            Some(at("2026-11-24T06:00:00Z"))
        );
        // Two shifts and a minute: the next week's Monday 22:01.
        assert_eq!(
            due(&night, "2026-11-23T12:00:00Z", 961),
            Some(at("2026-11-30T22:01:00Z"))
        );
        assert_eq!(
            night.between(at("2026-11-23T00:00:00Z"), at("2026-11-25T12:00:00Z")),
            960
        );
        assert!(night.is_working(at("2026-11-24T00:00:00Z")));
        assert!(night.is_working(at("2026-11-23T23:59:59Z")));
        assert!(!night.is_working(at("2026-11-24T06:00:00Z")));
    }

    #[test]
    fn zero_negative_and_seconds() {
        let cn = china_2026();
        for start in ["2026-11-28T10:00:00+08:00", "2026-11-23T10:00:00+08:00"] {
            assert_eq!(due(&cn, start, 0), Some(at(start)));
        }
        assert_eq!(due(&cn, "2026-11-23T10:00:00+08:00", -1), None);
        assert_eq!(due(&cn, "2026-11-23T10:00:00+08:00", i64::MAX), None);
        // A start with seconds counts from that exact instant, also across a break.
        assert_eq!(
            due(&cn, "2026-11-23T09:00:30+08:00", 1),
            Some(at("2026-11-23T09:01:30+08:00"))
        );
        assert_eq!(
            due(&cn, "2026-11-23T11:59:30.5+08:00", 1),
            Some(at("2026-11-23T13:00:30.5+08:00"))
        );
        assert_eq!(
            cn.between(
                at("2026-11-23T11:59:30.5+08:00"),
                at("2026-11-23T13:00:30.5+08:00")
            ),
            1
        );
        // Whole minutes, rounded down; nothing backwards.
        assert_eq!(
            cn.between(
                at("2026-11-23T09:00:00+08:00"),
                at("2026-11-23T09:00:59+08:00")
            ),
            0
        );
        assert_eq!(
            cn.between(
                at("2026-11-23T12:00:00+08:00"),
                at("2026-11-23T09:00:00+08:00")
            ),
            0
        );
        let start = at("2026-11-23T10:00:00+08:00");
        assert_eq!(
            add_calendar(start, 90),
            Some(at("2026-11-23T11:30:00+08:00"))
        );
        assert_eq!(
            add_calendar(start, -90),
            Some(at("2026-11-23T08:30:00+08:00"))
        );
        assert_eq!(add_calendar(start, i64::MAX), None);
        assert_eq!(add_calendar(DateTime::<Utc>::MAX_UTC, 1), None);
    }

    #[test]
    fn no_working_time_within_the_horizon_is_none() {
        let start = "2026-11-23T00:00:00Z";
        let empty = clock("UTC", json!({"id": "e", "name": "E"}));
        assert_eq!(due(&empty, start, 1), None);
        assert_eq!(due(&empty, start, 0), Some(at(start)));
        assert_eq!(empty.between(at(start), at("2030-01-01T00:00:00Z")), 0);
        assert!(!empty.is_working(at(start)));

        // One minute a week (Monday 09:00–09:01): the 522nd minute is 521 weeks on, inside
        // the ten years; the 523rd is not.
        let sparse = clock(
            "UTC",
            json!({"id": "s", "name": "S", "week": {"mon": [{"from": "09:00", "until": "09:01"}]}}),
        );
        assert_eq!(due(&sparse, start, 400), Some(at("2034-07-17T09:01:00Z")));
        assert_eq!(due(&sparse, start, 522), Some(at("2036-11-17T09:01:00Z")));
        assert_eq!(due(&sparse, start, 523), None);

        // Holidays over twenty years.
        let closed = clock(
            "UTC",
            json!({"id": "c", "name": "C", "week": {"mon": [{"from": "09:00", "until": "17:00"}]},
                   "holidays": [{"date": "2026-01-01", "through": "2045-12-31"}]}),
        );
        assert_eq!(due(&closed, start, 1), None);
        assert_eq!(
            closed.between(at(start), at("2046-01-02T00:00:00Z")),
            8 * 60
        );

        // The extremes of chrono's range do not panic.
        assert_eq!(empty.add(DateTime::<Utc>::MAX_UTC, 1), None);
        let cn = china_2026();
        assert_eq!(cn.add(DateTime::<Utc>::MAX_UTC, 1), None);
        assert!(
            cn.add(DateTime::<Utc>::MIN_UTC, 1_000_000)
                .is_some_and(|due| due > DateTime::<Utc>::MIN_UTC)
        );
        assert!(cn.between(DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC) > 0);
        let _ = cn.is_working(DateTime::<Utc>::MAX_UTC);
        let _ = cn.is_working(DateTime::<Utc>::MIN_UTC);
    }

    #[test]
    fn daylight_saving_time_in_europe_berlin() {
        let whole_day = |zone: &str, day: &str, ranges: serde_json::Value| {
            clock(zone, json!({"id": "d", "name": "D", "week": {day: ranges}}))
        };
        // 2026-03-29: clocks jump from 02:00 CET to 03:00 CEST; 2026-10-25: back from 03:00
        // CEST to 02:00 CET.
        let all_day = whole_day(
            "Europe/Berlin",
            "sun",
            json!([{"from": "00:00", "until": "24:00"}]),
        );
        let spring = at("2026-03-29T00:00:00+01:00");
        let autumn = at("2026-10-25T00:00:00+02:00");
        assert_eq!(
            all_day.between(spring, at("2026-03-30T00:00:00+02:00")),
            23 * 60
        );
        assert_eq!(
            all_day.add(spring, 23 * 60),
            Some(at("2026-03-30T00:00:00+02:00"))
        );
        assert_eq!(
            all_day.between(autumn, at("2026-10-26T00:00:00+01:00")),
            25 * 60
        );
        assert_eq!(
            all_day.add(autumn, 25 * 60),
            Some(at("2026-10-26T00:00:00+01:00"))
        );
        // 01:00 CET + 2 h of working time is 04:00 CEST.
        assert_eq!(
            all_day.add(at("2026-03-29T01:00:00+01:00"), 120),
            Some(at("2026-03-29T04:00:00+02:00"))
        );
        // An ordinary Sunday has 24 hours.
        assert_eq!(
            all_day.between(
                at("2026-03-22T00:00:00+01:00"),
                at("2026-03-23T00:00:00+01:00")
            ),
            24 * 60
        );

        // A range that starts in the gap starts when clocks jump.
        let in_gap = whole_day(
            "Europe/Berlin",
            "sun",
            json!([{"from": "02:30", "until": "04:00"}]),
        );
        assert_eq!(
            in_gap.add(at("2026-03-29T00:00:00+01:00"), 30),
            Some(at("2026-03-29T03:30:00+02:00"))
        );
        assert_eq!(
            in_gap.between(
                at("2026-03-29T00:00:00+01:00"),
                at("2026-03-30T00:00:00+02:00")
            ),
            60
        );
        assert_eq!(
            in_gap.between(
                at("2026-03-22T00:00:00+01:00"),
                at("2026-03-23T00:00:00+01:00")
            ),
            90
        );
        // A range whose start occurs twice starts at its first occurrence: 02:00–03:00 on
        // the autumn day is 02:00 CEST to 03:00 CET, two hours.
        let repeated = whole_day(
            "Europe/Berlin",
            "sun",
            json!([{"from": "02:00", "until": "03:00"}]),
        );
        assert_eq!(
            repeated.add(autumn, 120),
            Some(at("2026-10-25T03:00:00+01:00"))
        );
        assert!(repeated.is_working(at("2026-10-25T02:30:00+01:00")));
        assert!(repeated.is_working(at("2026-10-25T02:30:00+02:00")));

        // Working weeks around both changes, with the Sunday morning range.
        let office = berlin();
        // Friday 16:00 CET + 2 h: Friday 1 h, Sunday 01:00 CET + 1 h = 01:00 UTC (03:00 CEST).
        assert_eq!(
            office.add(at("2026-03-27T16:00:00+01:00"), 120),
            Some(at("2026-03-29T03:00:00+02:00"))
        );
        // + 4 h: Friday 1 h, Sunday 3 h (01:00–05:00 with the hour missing); + 5 h: Monday.
        assert_eq!(
            office.add(at("2026-03-27T16:00:00+01:00"), 240),
            Some(at("2026-03-29T05:00:00+02:00"))
        );
        assert_eq!(
            office.add(at("2026-03-27T16:00:00+01:00"), 300),
            Some(at("2026-03-30T10:00:00+02:00"))
        );
        // Four weeks of 44 h, 43 h in the spring week.
        assert_eq!(
            office.between(
                at("2026-03-16T00:00:00+01:00"),
                at("2026-04-13T00:00:00+02:00")
            ),
            4 * 44 * 60 - 60
        );
        assert_eq!(
            office.add(at("2026-03-16T00:00:00+01:00"), 4 * 44 * 60 - 60),
            Some(at("2026-04-12T05:00:00+02:00"))
        );
        // Autumn: Sunday 01:00–05:00 holds 5 hours.
        assert_eq!(
            office.between(
                at("2026-10-24T00:00:00+02:00"),
                at("2026-10-26T00:00:00+01:00")
            ),
            5 * 60
        );
    }

    /// Around every change of offset of 2026 in Europe/Berlin (02:00 → 03:00 and back) and
    /// America/Santiago (Saturday 24:00 → 23:00 in April, Sunday 00:00 → 01:00 in September),
    /// with ranges that touch the skipped and repeated hours, `add` and `between` agree with
    /// a flat list of the working intervals built day by day from the definition.
    #[test]
    fn around_offset_changes_the_weeks_agree_with_a_flat_list() {
        let day = json!([
            {"from": "00:00", "until": "00:45"}, {"from": "01:30", "until": "02:45"},
            {"from": "09:00", "until": "12:00"}, {"from": "23:30", "until": "24:00"}
        ]);
        let calendar = json!({"id": "d", "name": "D", "week": {
            "mon": day, "tue": day, "wed": day, "thu": day, "fri": day, "sun": day}});
        for (zone, changes) in [
            ("Europe/Berlin", ["2026-03-29", "2026-10-25"]),
            ("America/Santiago", ["2026-04-05", "2026-09-06"]),
        ] {
            let clock = clock(zone, calendar.clone());
            for change in changes {
                let change = i64::from(date(change).num_days_from_ce());
                // The working intervals from 12 days before to 30 days after, by definition.
                let mut flat: Vec<(i128, i128)> = Vec::new();
                for d in change - 12..change + 30 {
                    for &(from, until) in clock.ranges_of(d) {
                        let s = clock.first_instant(midnight(d) + i64::from(from) * 60);
                        let e = clock.first_instant(midnight(d) + i64::from(until) * 60);
                        let (s, e) = (i128::from(s.unwrap()) * NS, i128::from(e.unwrap()) * NS);
                        assert!(flat.last().is_none_or(|last| last.1 <= s) && s <= e);
                        flat.push((s, e));
                    }
                }
                let reference = |start: i128, minutes: i64| {
                    let mut left = i128::from(minutes) * 60 * NS;
                    flat.iter().find_map(|&(s, e)| {
                        let s = s.max(start);
                        if e <= s {
                            return None;
                        }
                        if left <= e - s {
                            return Some(s + left);
                        }
                        left -= e - s;
                        None
                    })
                };
                let worked = |a: i128, b: i128| -> i128 {
                    flat.iter()
                        .map(|&(s, e)| (e.min(b) - s.max(a)).max(0))
                        .sum()
                };
                let first = midnight(change - 9) - 14 * 3600;
                for k in 0..(8 * 24 * 60 / 37) {
                    let start = instant(i128::from(first + k * 37 * 60 + k % 60) * NS).unwrap();
                    let from = nanos(start);
                    for minutes in [1, 44, 75, 330, 1000, 2500, 5000] {
                        let want = reference(from, minutes).and_then(instant);
                        assert_eq!(
                            clock.add(start, minutes),
                            want,
                            "{zone} {start} + {minutes}"
                        );
                    }
                    let to = from + i128::from(k % 97 * 331 * 60) * NS;
                    assert_eq!(
                        i128::from(clock.between(start, instant(to).unwrap())),
                        worked(from, to) / (60 * NS),
                        "{zone} {start}"
                    );
                }
            }
        }
    }

    #[test]
    fn week_offsets_are_remembered_as_sampled() {
        for zone in [
            "Europe/Berlin",
            "America/Santiago",
            "Asia/Shanghai",
            "Asia/Gaza",
        ] {
            let clock = clock(zone, json!({"id": "z", "name": "Z"}));
            let first = monday_of(i64::from(date("2024-01-01").num_days_from_ce()));
            let mut changes = 0;
            for week in (0..120).map(|k| first + 7 * k) {
                assert_eq!(clock.week_offset(week), clock.sample_week(week), "{zone}");
                changes += usize::from(clock.week_offset(week).is_none());
            }
            // Two changes a year where there is DST; none in Shanghai.
            assert_eq!(changes == 0, zone == "Asia/Shanghai", "{zone}: {changes}");
        }
    }

    #[test]
    fn dates_outside_the_remembered_eras() {
        let office = berlin();
        // Before 1900 and after 2198 the weeks are sampled each time. In 1890 Berlin kept
        // local mean time, +00:53:28: Friday 16:00 + 2 h is Sunday 02:00.
        assert_eq!(
            office.add(at("1890-03-07T15:06:32Z"), 120),
            Some(at("1890-03-09T01:06:32Z"))
        );
        // chrono-tz knows changes of offset up to 2099; later, the last offset (CET) holds:
        // Sunday 2250-03-31 keeps its 4 hours.
        assert_eq!(
            office.add(at("2250-03-29T16:00:00+01:00"), 240),
            Some(at("2250-03-31T04:00:00+01:00"))
        );
        assert_eq!(
            office.between(
                at("2250-03-25T00:00:00+01:00"),
                at("2250-04-01T00:00:00+01:00")
            ),
            44 * 60
        );
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Whether the local minute of `t` lies in a range of its local date.
        fn reference_working(clock: &BusinessClock, t: DateTime<Utc>) -> bool {
            use chrono::Timelike;
            let local = t.with_timezone(&clock.zone).naive_local();
            let minute = local.hour() * 60 + local.minute();
            clock
                .ranges_on(local.date())
                .iter()
                .any(|(from, until)| *from <= minute && minute < *until)
        }

        fn clocks() -> [BusinessClock; 3] {
            [china_2026(), berlin(), night_shifts()]
        }

        /// Instants from 2025-09-01 to 2027-03-01 UTC, with seconds.
        fn instant() -> impl Strategy<Value = DateTime<Utc>> {
            (1_756_684_800i64..1_803_859_200).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap())
        }

        fn target() -> impl Strategy<Value = i64> {
            prop_oneof![0i64..600, 0i64..20_000]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(200))]

            #[test]
            fn due_times_add_up(which in 0usize..3, start in instant(), m1 in target(), m2 in target()) {
                let clocks = clocks();
                let clock = &clocks[which];
                let due = clock.add(start, m1).unwrap();
                prop_assert!(due >= start);
                prop_assert_eq!(clock.between(start, due), m1);
                let (lo, hi) = (m1.min(m2), m1.max(m2));
                prop_assert!(clock.add(start, lo).unwrap() <= clock.add(start, hi).unwrap());
                prop_assert_eq!(clock.add(due, m2), clock.add(start, m1 + m2));
                if m1 > 0 {
                    // The last minute used is working time.
                    prop_assert!(clock.is_working(due - TimeDelta::seconds(1)));
                }
            }

            #[test]
            fn due_times_grow_with_the_start(which in 0usize..3, a in instant(), b in instant(), m in target()) {
                let clocks = clocks();
                let clock = &clocks[which];
                let (early, late) = (a.min(b), a.max(b));
                prop_assert!(clock.add(early, m).unwrap() <= clock.add(late, m).unwrap());
                // Spans add up (whole minutes: every range boundary here is a whole minute).
                let minute = |t: DateTime<Utc>| DateTime::from_timestamp(t.timestamp() / 60 * 60, 0).unwrap();
                let (early, late) = (minute(early), minute(late));
                let later = late + TimeDelta::days(30);
                prop_assert_eq!(
                    clock.between(early, late) + clock.between(late, later),
                    clock.between(early, later)
                );
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(48))]

            /// Against counting working minutes one by one, each read as a local time and looked
            /// up in its local date's ranges (exact for these calendars: no range boundary falls
            /// in a skipped or repeated hour), and against `is_working`.
            #[test]
            fn due_times_match_counting_minute_by_minute(which in 0usize..3, start in instant(), m in prop_oneof![1i64..200, 1i64..3_000]) {
                let clocks = clocks();
                let clock = &clocks[which];
                let start = DateTime::from_timestamp(start.timestamp() / 60 * 60, 0).unwrap();
                let mut t = start;
                let mut counted = 0;
                while counted < m {
                    let working = reference_working(clock, t);
                    prop_assert_eq!(clock.is_working(t), working);
                    if working {
                        counted += 1;
                    }
                    t += TimeDelta::minutes(1);
                }
                prop_assert_eq!(clock.add(start, m), Some(t));
            }
        }
    }
}
