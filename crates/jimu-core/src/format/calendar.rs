//! Business calendars: a time zone, working ranges per weekday, and holidays.
//!
//! As in Zendesk and Zammad business hours: each weekday holds several working ranges
//! (`from` inclusive, `until` exclusive, local time in the calendar's time zone), holidays take
//! whole days off, and extra working days (调休) put working hours on a day that is normally off.
//! "Due" = start + target counted only inside working time.
//!
//! ```json
//! {"id": "sla", "name": "SLA 日历", "time_zone": "Asia/Shanghai",
//!  "week": {"mon": [{"from": "09:00", "until": "12:00"}, {"from": "13:00", "until": "18:00"}]},
//!  "holidays": [{"date": "2026-10-01", "through": "2026-10-07", "name": "国庆节"}],
//!  "working_days": [{"date": "2026-09-27", "like": "mon", "name": "国庆调休"}]}
//! ```

use super::{Date, Id, Text, TimeOfDay, TimeZoneName};
use crate::bundle::limits::minutes_of_day;
use crate::check::{Ctx, IdKind};
use crate::format::org::warning;
use crate::problem::{Localized, Problem, ProblemCode};
use crate::reader::Pointer;
use chrono::{Datelike, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A business calendar that SLA clocks count working time in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// The calendar's id, unique among calendars.
    pub id: Id,
    /// The calendar's name as people read it.
    pub name: Text,
    /// The time zone the working ranges and dates are read in; absent: the bundle's `time_zone`
    /// (one of the two is required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<TimeZoneName>,
    /// The working ranges of each weekday; a weekday left out is a day off.
    #[serde(default)]
    pub week: Week,
    /// Whole days off (public holidays, closures), one day or a run of days.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<Holiday>,
    /// Extra working days (调休): dates that are normally off but worked, with their hours.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub working_days: Vec<WorkingDay>,
}

/// Working ranges per weekday (`mon` … `sun`); an absent or empty day is off.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Week {
    /// Monday's working ranges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mon: Vec<WorkingRange>,
    /// Tuesday's working ranges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tue: Vec<WorkingRange>,
    /// Wednesday's working ranges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wed: Vec<WorkingRange>,
    /// Thursday's working ranges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thu: Vec<WorkingRange>,
    /// Friday's working ranges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fri: Vec<WorkingRange>,
    /// Saturday's working ranges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sat: Vec<WorkingRange>,
    /// Sunday's working ranges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sun: Vec<WorkingRange>,
}

impl Week {
    /// Each weekday with its key and ranges, Monday first.
    pub fn days(&self) -> [(Weekday, &[WorkingRange]); 7] {
        [
            (Weekday::Mon, &self.mon),
            (Weekday::Tue, &self.tue),
            (Weekday::Wed, &self.wed),
            (Weekday::Thu, &self.thu),
            (Weekday::Fri, &self.fri),
            (Weekday::Sat, &self.sat),
            (Weekday::Sun, &self.sun),
        ]
    }

    /// The ranges of one weekday.
    pub fn ranges(&self, day: Weekday) -> &[WorkingRange] {
        match day {
            Weekday::Mon => &self.mon,
            Weekday::Tue => &self.tue,
            Weekday::Wed => &self.wed,
            Weekday::Thu => &self.thu,
            Weekday::Fri => &self.fri,
            Weekday::Sat => &self.sat,
            Weekday::Sun => &self.sun,
        }
    }
}

/// A day of the week.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl Weekday {
    fn key(self) -> &'static str {
        match self {
            Self::Mon => "mon",
            Self::Tue => "tue",
            Self::Wed => "wed",
            Self::Thu => "thu",
            Self::Fri => "fri",
            Self::Sat => "sat",
            Self::Sun => "sun",
        }
    }
}

/// Working time within one day: `from` inclusive, `until` exclusive, local `HH:MM`.
/// `until` may be `24:00`; a night shift past midnight is written as two ranges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkingRange {
    /// When work starts, e.g. `09:00`.
    pub from: TimeOfDay,
    /// When work stops, e.g. `17:00`; later than `from`.
    pub until: TimeOfDay,
}

/// Days off: `date`, or the run of days from `date` through `through` (both inclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    /// The (first) day off.
    pub date: Date,
    /// The last day off of a run, inclusive (国庆 10-01 through 10-07); absent: one day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub through: Option<Date>,
    /// What the holiday is called (春节, 国庆节).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
}

/// An extra working day (调休上班): a date, usually a weekend day, that is worked. Its hours
/// replace that weekday's and are either listed in `ranges` or copied from a weekday with
/// `like` (exactly one of the two).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkingDay {
    /// The date that is worked.
    pub date: Date,
    /// Work that day as on this weekday (the usual 调休 rule: "按周一上班").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub like: Option<Weekday>,
    /// The working ranges of that day, when they are not those of a weekday.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<WorkingRange>,
    /// Why the day is worked (国庆调休).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
}

/// The longest span `business_days_between` counts over (a hundred years, in days).
pub const MAX_SPAN_DAYS: i64 = 36_525;

impl Calendar {
    /// Whether `date` (local to the calendar) is a business day: an extra working day (调休),
    /// or a day with working hours on its weekday that is not a holiday.
    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        if self.working_days.iter().any(|w| day(&w.date) == Some(date)) {
            return true;
        }
        let on_holiday = self.holidays.iter().any(|h| {
            let first = day(&h.date);
            let last = h.through.as_ref().map_or(first, day);
            matches!((first, last), (Some(a), Some(b)) if a <= date && date <= b)
        });
        let weekday = match date.weekday() {
            chrono::Weekday::Mon => Weekday::Mon,
            chrono::Weekday::Tue => Weekday::Tue,
            chrono::Weekday::Wed => Weekday::Wed,
            chrono::Weekday::Thu => Weekday::Thu,
            chrono::Weekday::Fri => Weekday::Fri,
            chrono::Weekday::Sat => Weekday::Sat,
            chrono::Weekday::Sun => Weekday::Sun,
        };
        !on_holiday && has_time(self.week.ranges(weekday))
    }

    /// The business days `d` with `from < d <= to`, negative when `to` is before `from` (so
    /// Friday to the next Monday is 1 on a Monday–Friday calendar). `None` when the span is
    /// longer than [`MAX_SPAN_DAYS`].
    pub fn business_days_between(&self, from: NaiveDate, to: NaiveDate) -> Option<i64> {
        let (lo, hi, sign) = if from <= to {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        if (hi - lo).num_days() > MAX_SPAN_DAYS {
            return None;
        }
        let count = lo
            .iter_days()
            .skip(1)
            .take_while(|d| *d <= hi)
            .filter(|d| self.is_business_day(*d))
            .count();
        i64::try_from(count).ok().map(|c| c * sign)
    }
}

/// Registers the ids this section defines (duplicates are reported).
pub(crate) fn collect_ids(doc: &super::BundleDoc, ctx: &mut Ctx) {
    let at = Pointer::root().key("calendars");
    for (i, calendar) in doc.calendars.iter().enumerate() {
        ctx.define(IdKind::Calendar, &calendar.id, &at.index(i).key("id"));
    }
}

/// Checks references, expressions and section-specific rules, after every id is known.
pub(crate) fn check(doc: &super::BundleDoc, ctx: &mut Ctx) {
    let at = Pointer::root().key("calendars");
    for (i, calendar) in doc.calendars.iter().enumerate() {
        check_calendar(doc, calendar, &at.index(i), ctx);
    }
}

fn day(date: &Date) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(date.as_str(), "%Y-%m-%d").ok()
}

fn check_calendar(doc: &super::BundleDoc, calendar: &Calendar, at: &Pointer, ctx: &mut Ctx) {
    if calendar.time_zone.is_none() && doc.time_zone.is_none() {
        ctx.push(
            Problem::error(
                ProblemCode::MissingField,
                at.key("time_zone").as_str(),
                Localized::new(
                    format!("日历「{}」没有时区", calendar.id.as_str()),
                    format!("calendar `{}` has no time zone", calendar.id.as_str()),
                ),
            )
            .with_hint(Localized::new(
                "在日历上写 time_zone，或在价目包顶层写 time_zone，例如 Asia/Shanghai",
                "set `time_zone` on the calendar or on the bundle, e.g. Asia/Shanghai",
            )),
        );
    }

    let week_at = at.key("week");
    for (weekday, ranges) in calendar.week.days() {
        check_ranges(ranges, &week_at.key(weekday.key()), ctx);
    }

    // Holidays: runs that end before they start; days listed twice.
    let mut off: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for (h, holiday) in calendar.holidays.iter().enumerate() {
        let h_at = at.key("holidays").index(h);
        let Some(first) = day(&holiday.date) else {
            continue;
        };
        let last = match &holiday.through {
            None => first,
            Some(through) => match day(through) {
                Some(last) if last >= first => last,
                Some(_) => {
                    ctx.error(
                        ProblemCode::EndsBeforeStart,
                        &h_at.key("through"),
                        Localized::new(
                            format!(
                                "假期结束日 {} 早于开始日 {}",
                                through.as_str(),
                                holiday.date.as_str()
                            ),
                            format!(
                                "the holiday ends on {}, before it starts on {}",
                                through.as_str(),
                                holiday.date.as_str()
                            ),
                        ),
                    );
                    continue;
                }
                None => continue,
            },
        };
        let mut repeated: Option<(NaiveDate, usize)> = None;
        for date in first.iter_days().take_while(|d| *d <= last).take(366) {
            if let Some(&earlier) = off.get(&date) {
                repeated.get_or_insert((date, earlier));
            } else {
                off.insert(date, h);
            }
        }
        if let Some((date, earlier)) = repeated {
            ctx.push(
                warning(
                    ProblemCode::DuplicateId,
                    &h_at.key("date"),
                    Localized::new(
                        format!("假期日期 {date} 已在第 {} 个假期中列出", earlier + 1),
                        format!(
                            "the holiday date {date} is already listed by holiday {}",
                            earlier + 1
                        ),
                    ),
                )
                .with_hint(Localized::new(
                    "删除重复的假期",
                    "remove the repeated holiday",
                )),
            );
        }
    }

    // Extra working days: hours from exactly one source, not on a holiday, not twice.
    let mut worked: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    let mut any_extra_time = false;
    for (w, working) in calendar.working_days.iter().enumerate() {
        let w_at = at.key("working_days").index(w);
        match (&working.like, working.ranges.is_empty()) {
            (Some(_), false) => ctx.push(
                Problem::error(
                    ProblemCode::InvalidValue,
                    w_at.key("ranges").as_str(),
                    Localized::new(
                        "调休日只能用 like 或 ranges 之一给出工作时间",
                        "an extra working day takes its hours from `like` or `ranges`, not both",
                    ),
                )
                .with_hint(Localized::new(
                    "删除 like 或 ranges",
                    "remove `like` or `ranges`",
                )),
            ),
            (None, true) => ctx.push(
                Problem::error(
                    ProblemCode::MissingField,
                    w_at.key("ranges").as_str(),
                    Localized::new(
                        "调休日缺少工作时间",
                        "the extra working day has no working hours",
                    ),
                )
                .with_hint(Localized::new(
                    "写 \"like\": \"mon\"（按周一上班），或列出 ranges",
                    "write \"like\": \"mon\" (worked as a Monday) or list its `ranges`",
                )),
            ),
            (Some(like), true) => {
                if calendar.week.ranges(*like).is_empty() {
                    ctx.error(
                        ProblemCode::InvalidValue,
                        &w_at.key("like"),
                        Localized::new(
                            format!("调休日按「{}」上班，但该工作日没有工作时间", like.key()),
                            format!(
                                "the extra working day is worked like `{}`, which has no working hours",
                                like.key()
                            ),
                        ),
                    );
                } else {
                    any_extra_time = true;
                }
            }
            (None, false) => {
                any_extra_time |= check_ranges(&working.ranges, &w_at.key("ranges"), ctx);
            }
        }
        let Some(date) = day(&working.date) else {
            continue;
        };
        if let Some(&h) = off.get(&date) {
            ctx.error(
                ProblemCode::InvalidValue,
                &w_at.key("date"),
                Localized::new(
                    format!("{date} 既是调休工作日，又在第 {} 个假期中", h + 1),
                    format!(
                        "{date} is both an extra working day and part of holiday {}",
                        h + 1
                    ),
                ),
            );
        } else if let Some(&earlier) = worked.get(&date) {
            ctx.push(warning(
                ProblemCode::DuplicateId,
                &w_at.key("date"),
                Localized::new(
                    format!("调休日 {date} 已在第 {} 项中列出", earlier + 1),
                    format!(
                        "the extra working day {date} is already listed at entry {}",
                        earlier + 1
                    ),
                ),
            ));
        } else {
            worked.insert(date, w);
        }
    }

    let weekly_time = calendar
        .week
        .days()
        .iter()
        .any(|(_, ranges)| has_time(ranges));
    if !weekly_time && !any_extra_time {
        ctx.push(
            Problem::error(
                ProblemCode::InvalidValue,
                week_at.as_str(),
                Localized::new(
                    format!("日历「{}」没有任何工作时间", calendar.id.as_str()),
                    format!("calendar `{}` has no working time at all", calendar.id.as_str()),
                ),
            )
            .with_hint(Localized::new(
                "在 week 中至少给一个工作日写上工作时段，例如 \"mon\": [{\"from\": \"09:00\", \"until\": \"18:00\"}]",
                "give at least one weekday working ranges, e.g. \"mon\": [{\"from\": \"09:00\", \"until\": \"18:00\"}]",
            )),
        );
    }
}

fn has_time(ranges: &[WorkingRange]) -> bool {
    ranges.iter().any(|r| {
        matches!(
            (minutes_of_day(r.from.as_str()), minutes_of_day(r.until.as_str())),
            (Some(from), Some(until)) if until > from
        )
    })
}

/// Checks one day's ranges (each ends after it starts, none overlap); true when the day has
/// some working time.
fn check_ranges(ranges: &[WorkingRange], at: &Pointer, ctx: &mut Ctx) -> bool {
    let mut good: Vec<(u32, u32, usize)> = Vec::new();
    for (r, range) in ranges.iter().enumerate() {
        let (Some(from), Some(until)) = (
            minutes_of_day(range.from.as_str()),
            minutes_of_day(range.until.as_str()),
        ) else {
            continue;
        };
        if until <= from {
            ctx.push(
                Problem::error(
                    ProblemCode::EndsBeforeStart,
                    at.index(r).key("until").as_str(),
                    Localized::new(
                        format!(
                            "工作时段 {}–{} 的结束时刻不晚于开始时刻",
                            range.from.as_str(),
                            range.until.as_str()
                        ),
                        format!(
                            "the working range {}–{} does not end after it starts",
                            range.from.as_str(),
                            range.until.as_str()
                        ),
                    ),
                )
                .with_hint(Localized::new(
                    "跨午夜的班次请拆成两段：当天到 24:00，次日从 00:00 起",
                    "split a range past midnight in two: until 24:00, and from 00:00 the next day",
                )),
            );
        } else {
            good.push((from, until, r));
        }
    }
    let mut sorted = good.clone();
    crate::sort::vec_by(&mut sorted, Ord::cmp);
    for pair in sorted.windows(2) {
        if let [(_, a_until, a), (b_from, _, b)] = pair
            && b_from < a_until
        {
            let (first, second) = (a.min(b), a.max(b));
            let shown = |k: usize| {
                ranges
                    .get(k)
                    .map(|r| format!("{}–{}", r.from.as_str(), r.until.as_str()))
                    .unwrap_or_default()
            };
            ctx.push(
                Problem::error(
                    ProblemCode::OverlappingRanges,
                    at.index(*second).as_str(),
                    Localized::new(
                        format!(
                            "工作时段 {} 与同一天的 {} 重叠",
                            shown(*second),
                            shown(*first)
                        ),
                        format!(
                            "the working range {} overlaps {} on the same day",
                            shown(*second),
                            shown(*first)
                        ),
                    ),
                )
                .with_hint(Localized::new(
                    "合并这两段，或让一段在另一段开始前结束",
                    "merge the two ranges, or end one before the other starts",
                )),
            );
        }
    }
    !good.is_empty()
}

#[cfg(test)]
mod tests {
    use crate::problem::Severity;

    fn check(calendars: &str) -> Vec<(String, String, Severity)> {
        let json = format!(
            r#"{{"schema_version":2,"currency":"CNY","time_zone":"Asia/Shanghai","calendars":{calendars}}}"#
        );
        crate::validate_bundle(&json)
            .into_iter()
            .map(|p| (p.code.as_str().to_owned(), p.path, p.severity))
            .collect()
    }

    #[test]
    fn the_published_sla_calendar_is_valid() {
        let found = check(
            r#"[{"id":"published","name":"SLA","week":{
                "mon":[{"from":"09:00","until":"17:00"}],
                "tue":[{"from":"09:00","until":"16:00"}],
                "thu":[{"from":"08:00","until":"17:00"}]},
              "holidays":[{"date":"2026-10-01","through":"2026-10-07","name":"国庆节"}],
              "working_days":[{"date":"2026-09-27","like":"mon"},
                              {"date":"2026-10-10","ranges":[{"from":"09:00","until":"12:00"}]}]}]"#,
        );
        assert_eq!(found, vec![]);
    }

    #[test]
    fn ranges_holidays_and_working_days_are_checked() {
        let e = Severity::Error;
        let w = Severity::Warning;
        let found = check(
            r#"[{"id":"c","name":"C","week":{
                "mon":[{"from":"13:00","until":"18:00"},{"from":"09:00","until":"13:30"}],
                "tue":[{"from":"17:00","until":"09:00"}],
                "wed":[{"from":"09:00","until":"12:00"},{"from":"12:00","until":"24:00"}]},
              "holidays":[{"date":"2026-10-01","through":"2026-10-07"},{"date":"2026-10-03"},
                          {"date":"2026-05-05","through":"2026-05-01"}],
              "working_days":[{"date":"2026-10-02","like":"mon"},{"date":"2026-09-27"},
                              {"date":"2026-09-28","like":"sun"},
                              {"date":"2026-09-29","like":"mon","ranges":[{"from":"09:00","until":"10:00"}]}]},
             {"id":"c","name":"Empty","week":{"sat":[]}}]"#,
        );
        assert_eq!(
            found,
            vec![
                ("duplicate-id".into(), "/calendars/1/id".into(), e),
                (
                    "overlapping-ranges".into(),
                    "/calendars/0/week/mon/1".into(),
                    e
                ),
                (
                    "ends-before-start".into(),
                    "/calendars/0/week/tue/0/until".into(),
                    e
                ),
                (
                    "duplicate-id".into(),
                    "/calendars/0/holidays/1/date".into(),
                    w
                ),
                (
                    "ends-before-start".into(),
                    "/calendars/0/holidays/2/through".into(),
                    e
                ),
                (
                    "invalid-value".into(),
                    "/calendars/0/working_days/0/date".into(),
                    e
                ),
                (
                    "missing-field".into(),
                    "/calendars/0/working_days/1/ranges".into(),
                    e
                ),
                (
                    "invalid-value".into(),
                    "/calendars/0/working_days/2/like".into(),
                    e
                ),
                (
                    "invalid-value".into(),
                    "/calendars/0/working_days/3/ranges".into(),
                    e
                ),
                ("invalid-value".into(), "/calendars/1/week".into(), e),
            ]
        );
    }

    #[test]
    fn a_calendar_needs_a_time_zone_somewhere() {
        let problems = crate::validate_bundle(
            r#"{"schema_version":2,"currency":"CNY","calendars":[{"id":"c","name":"C","week":{"mon":[{"from":"09:00","until":"17:00"}]}}]}"#,
        );
        let found: Vec<_> = problems
            .iter()
            .map(|p| (p.code.as_str(), p.path.as_str()))
            .collect();
        assert_eq!(found, vec![("missing-field", "/calendars/0/time_zone")]);
    }
}

// Reading (see `read.rs`): the same as the derived `Deserialize`, without its size.

use super::read::{Res, list, object, option, read_struct};
use super::read_text;
use serde_json::Value;

pub(crate) fn read_calendar(value: Value) -> Res<Calendar> {
    let map = object(value, "struct Calendar")?;
    Ok(read_struct!(map, deny, Calendar {
        id: req,
        name: req with read_text,
        time_zone: default,
        week: default with read_week,
        holidays: default with |v| list(v, read_holiday),
        working_days: default with |v| list(v, read_working_day),
    }))
}

fn read_week(value: Value) -> Res<Week> {
    let map = object(value, "struct Week")?;
    Ok(read_struct!(map, deny, Week {
        mon: default with read_ranges,
        tue: default with read_ranges,
        wed: default with read_ranges,
        thu: default with read_ranges,
        fri: default with read_ranges,
        sat: default with read_ranges,
        sun: default with read_ranges,
    }))
}

fn read_ranges(value: Value) -> Res<Vec<WorkingRange>> {
    list(value, |value| {
        let map = object(value, "struct WorkingRange")?;
        Ok(read_struct!(
            map,
            deny,
            WorkingRange {
                from: req,
                until: req,
            }
        ))
    })
}

fn read_holiday(value: Value) -> Res<Holiday> {
    let map = object(value, "struct Holiday")?;
    Ok(read_struct!(map, deny, Holiday {
        date: req,
        through: default,
        name: default with |v| option(v, read_text),
    }))
}

fn read_working_day(value: Value) -> Res<WorkingDay> {
    let map = object(value, "struct WorkingDay")?;
    Ok(read_struct!(map, deny, WorkingDay {
        date: req,
        like: default,
        ranges: default with read_ranges,
        name: default with |v| option(v, read_text),
    }))
}

#[cfg(test)]
mod business_days {
    use crate::Bundle;
    use crate::expr::Env;
    use zen_expression::Variable;

    /// National Day 2026 on a Monday–Friday calendar: 10-01..10-07 off, Sunday 09-27 and
    /// Saturday 10-10 worked (调休).
    const BUNDLE: &str = r#"{
      "schema_version": 2, "currency": "CNY", "time_zone": "Asia/Shanghai",
      "calendars": [{
        "id": "office", "name": "办公",
        "week": {
          "mon": [{"from": "09:00", "until": "18:00"}], "tue": [{"from": "09:00", "until": "18:00"}],
          "wed": [{"from": "09:00", "until": "18:00"}], "thu": [{"from": "09:00", "until": "18:00"}],
          "fri": [{"from": "09:00", "until": "18:00"}]
        },
        "holidays": [{"date": "2026-10-01", "through": "2026-10-07", "name": "国庆节"}],
        "working_days": [{"date": "2026-09-27", "like": "mon"}, {"date": "2026-10-10", "like": "fri"}]
      }],
      "catalog": [{"id": "a", "name": "A", "kind": "service", "price": "1"}],
      "pricing": {"groups": [{"id": "g", "name": "G", "stacking": "first_match",
        "applies_to": {"scope": "ticket"},
        "rules": [{"id": "r", "name": "R", "when": "business_days_between(now, '2026-10-12') >= 5",
                   "effect": {"kind": "percent_off", "percent": "1"}}]}]}
    }"#;

    fn days(bundle: &Bundle, from: &str, to: &str) -> Result<String, String> {
        bundle
            .business_days_between(
                None,
                &Variable::String(from.into()),
                &Variable::String(to.into()),
            )
            .map(|d| d.to_string())
    }

    #[test]
    fn holidays_and_extra_working_days_count_as_people_expect() {
        let bundle = Bundle::from_json(BUNDLE).unwrap();
        let cases = [
            // Friday → Monday: one business day.
            ("2026-09-18", "2026-09-21", "1"),
            // Across National Day: 09-28, 29, 30, then 10-08, 09, 10 (调休 Saturday), 12.
            ("2026-09-27", "2026-10-12", "7"),
            // Sunday 09-27 is worked (调休): Saturday → Sunday is one day.
            ("2026-09-26", "2026-09-27", "1"),
            // The same day, and backwards.
            ("2026-10-12", "2026-10-12", "0"),
            ("2026-10-12", "2026-09-27", "-7"),
            // An instant is read in the calendar's time zone: 16:30 UTC on 09-30 is 10-01 in
            // Shanghai, so nothing until 10-07 is a business day.
            ("2026-09-30T16:30:00Z", "2026-10-07", "0"),
            ("2026-09-30T15:30:00Z", "2026-10-08", "1"),
        ];
        for (from, to, want) in cases {
            assert_eq!(
                days(&bundle, from, to).as_deref(),
                Ok(want),
                "{from} → {to}"
            );
        }
        assert!(
            days(&bundle, "yesterday", "2026-10-07")
                .unwrap_err()
                .contains("yesterday")
        );
        assert!(
            days(&bundle, "1900-01-01", "2026-10-07")
                .unwrap_err()
                .contains("36525")
        );
    }

    #[test]
    fn a_compiled_condition_counts_with_the_bundles_calendar() {
        let bundle = Bundle::from_json(BUNDLE).unwrap();
        let expr = bundle.expr("/pricing/groups/0/rules/0/when").unwrap();
        let mut vm = zen_expression::vm::VM::new();
        let mut at = |now: &str| {
            let context: Variable = serde_json::json!({ "now": now }).into();
            expr.evaluate_in(context, &mut vm, &bundle)
                .unwrap()
                .to_string()
        };
        // 09-30 → 10-12: 10-08, 09, 10, 12 = 4; 09-29 adds 09-30 = 5.
        assert_eq!(at("2026-09-30T10:00:00+08:00"), "false");
        assert_eq!(at("2026-09-29T10:00:00+08:00"), "true");
    }
}
