//! `chrono::TimeZone` for `Tz`: offsets from the zone tables, by binary search.

use core::cmp::Ordering;
use core::fmt::{Debug, Display, Error, Formatter, Write};

use chrono::{
    DateTime, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeZone,
};

use crate::timezones::{
    Tz, BASE_SECS, DAY0, DAY1, DAY2_SECOND, MAX_OFFSET_SECS, MINUTE, NAMES, PERIOD_SECS, SPAN,
    SPAN_DST, SPAN_NAME, SPAN_UTC, TABLE_EXPLICIT, TABLE_FIRST, TABLE_LEN, TABLE_PERIOD,
    TABLE_START,
};

/// Returns [`Tz::UTC`].
impl Default for Tz {
    fn default() -> Self {
        Tz::UTC
    }
}

/// An Offset that applies for a period of time
///
/// For example, [`::US::Eastern`] is composed of at least two
/// `FixedTimespan`s: `EST` and `EDT`, that are variously in effect.
#[derive(Copy, Clone, PartialEq, Eq)]
pub struct FixedTimespan {
    /// The base offset from UTC; this usually doesn't change unless the government changes something
    pub utc_offset: i32,
    /// The additional offset from UTC for this timespan; typically for daylight saving time
    pub dst_offset: i32,
    /// The name of this timezone, for example the difference between `EDT`/`EST`
    pub name: Option<&'static str>,
}

impl Offset for FixedTimespan {
    fn fix(&self) -> FixedOffset {
        FixedOffset::east_opt(self.utc_offset + self.dst_offset).unwrap()
    }
}

impl Display for FixedTimespan {
    fn fmt(&self, f: &mut Formatter<'_>) -> Result<(), Error> {
        if let Some(name) = self.name {
            return write!(f, "{name}");
        }
        let offset = self.utc_offset + self.dst_offset;
        let (sign, off) = if offset < 0 {
            ('-', -offset)
        } else {
            ('+', offset)
        };

        let minutes = off / 60;
        let secs = (off % 60) as u8;
        let mins = (minutes % 60) as u8;
        let hours = (minutes / 60) as u8;

        assert!(
            secs == 0,
            "numeric names are not used if the offset has fractional minutes"
        );

        f.write_char(sign)?;
        write!(f, "{hours:02}")?;
        if mins != 0 {
            write!(f, "{mins:02}")?;
        }
        Ok(())
    }
}

impl Debug for FixedTimespan {
    fn fmt(&self, f: &mut Formatter<'_>) -> Result<(), Error> {
        Display::fmt(self, f)
    }
}

#[derive(Copy, Clone, PartialEq, Eq)]
pub struct TzOffset {
    tz: Tz,
    offset: FixedTimespan,
}

/// Detailed timezone offset components that expose any special conditions currently in effect.
///
/// This trait breaks down an offset into the standard UTC offset and any special offset
/// in effect (such as DST) at a given time.
///
/// ```
/// # extern crate chrono;
/// # extern crate chrono_tz;
/// use chrono::{Duration, Offset, TimeZone};
/// use chrono_tz::Europe::London;
/// use chrono_tz::OffsetComponents;
///
/// # fn main() {
/// let london_time = London.ymd(2016, 5, 10).and_hms(12, 0, 0);
///
/// // London typically has zero offset from UTC, but has a 1h adjustment forward
/// // when summer time is in effect.
/// let lon_utc_offset = london_time.offset().base_utc_offset();
/// let lon_dst_offset = london_time.offset().dst_offset();
/// let total_offset = lon_utc_offset + lon_dst_offset;
/// assert_eq!(lon_utc_offset, Duration::hours(0));
/// assert_eq!(lon_dst_offset, Duration::hours(1));
///
/// // As a sanity check, make sure that the total offsets added together are equivalent to the
/// // total fixed offset.
/// assert_eq!(total_offset.num_seconds(), london_time.offset().fix().local_minus_utc() as i64);
/// # }
/// ```
pub trait OffsetComponents {
    /// The base offset from UTC; this usually doesn't change unless the government changes something
    fn base_utc_offset(&self) -> Duration;
    /// The additional offset from UTC that is currently in effect; typically for daylight saving time
    fn dst_offset(&self) -> Duration;
}

/// Timezone offset name information.
///
/// This trait exposes display names that describe an offset in
/// various situations.
///
/// ```
/// # extern crate chrono;
/// # extern crate chrono_tz;
/// use chrono::{Duration, Offset, TimeZone};
/// use chrono_tz::Europe::London;
/// use chrono_tz::OffsetName;
///
/// # fn main() {
/// let london_time = London.ymd(2016, 2, 10).and_hms(12, 0, 0);
/// assert_eq!(london_time.offset().tz_id(), "Europe/London");
/// // London is normally on GMT
/// assert_eq!(london_time.offset().abbreviation(), Some("GMT"));
///
/// let london_summer_time = London.ymd(2016, 5, 10).and_hms(12, 0, 0);
/// // The TZ ID remains constant year round
/// assert_eq!(london_summer_time.offset().tz_id(), "Europe/London");
/// // During the summer, this becomes British Summer Time
/// assert_eq!(london_summer_time.offset().abbreviation(), Some("BST"));
/// # }
/// ```
pub trait OffsetName {
    /// The IANA TZDB identifier (ex: America/New_York)
    fn tz_id(&self) -> &str;
    /// The abbreviation to use in a longer timestamp (ex: EST)
    ///
    /// This takes into account any special offsets that may be in effect.
    /// For example, at a given instant, the time zone with ID *America/New_York*
    /// may be either *EST* or *EDT*.
    fn abbreviation(&self) -> Option<&str>;
}

impl TzOffset {
    fn new(tz: Tz, offset: FixedTimespan) -> Self {
        TzOffset { tz, offset }
    }

    fn map_localresult(tz: Tz, result: LocalResult<FixedTimespan>) -> LocalResult<Self> {
        match result {
            LocalResult::None => LocalResult::None,
            LocalResult::Single(s) => LocalResult::Single(TzOffset::new(tz, s)),
            LocalResult::Ambiguous(a, b) => {
                LocalResult::Ambiguous(TzOffset::new(tz, a), TzOffset::new(tz, b))
            }
        }
    }
}

impl OffsetComponents for TzOffset {
    fn base_utc_offset(&self) -> Duration {
        Duration::seconds(self.offset.utc_offset as i64)
    }

    fn dst_offset(&self) -> Duration {
        Duration::seconds(self.offset.dst_offset as i64)
    }
}

impl OffsetName for TzOffset {
    fn tz_id(&self) -> &str {
        self.tz.name()
    }

    fn abbreviation(&self) -> Option<&str> {
        self.offset.name
    }
}

impl Offset for TzOffset {
    fn fix(&self) -> FixedOffset {
        self.offset.fix()
    }
}

impl Display for TzOffset {
    fn fmt(&self, f: &mut Formatter<'_>) -> Result<(), Error> {
        Display::fmt(&self.offset, f)
    }
}

impl Debug for TzOffset {
    fn fmt(&self, f: &mut Formatter<'_>) -> Result<(), Error> {
        Debug::fmt(&self.offset, f)
    }
}

/// Represents the span of time that a given rule is valid for.
/// Note that I have made the assumption that all ranges are
/// left-inclusive and right-exclusive - that is to say,
/// if the clocks go forward by 1 hour at 1am, the time 1am
/// does not exist in local time (the clock goes from 00:59:59
/// to 02:00:00). Likewise, if the clocks go back by one hour
/// at 2am, the clock goes from 01:59:59 to 01:00:00. This is
/// an arbitrary choice, and I could not find a source to
/// confirm whether or not this is correct.
pub(crate) struct Span {
    pub(crate) begin: Option<i64>,
    pub(crate) end: Option<i64>,
}

// Upstream's comparisons, for upstream's binary search: the tests hold the lookups to both.
#[cfg_attr(not(test), allow(dead_code))]
impl Span {
    pub(crate) fn contains(&self, x: i64) -> bool {
        match (self.begin, self.end) {
            (Some(a), Some(b)) if a <= x && x < b => true,
            (Some(a), None) if a <= x => true,
            (None, Some(b)) if b > x => true,
            (None, None) => true,
            _ => false,
        }
    }

    pub(crate) fn cmp(&self, x: i64) -> Ordering {
        match (self.begin, self.end) {
            (Some(a), Some(b)) if a <= x && x < b => Ordering::Equal,
            (Some(a), Some(b)) if a <= x && b <= x => Ordering::Less,
            (Some(_), Some(_)) => Ordering::Greater,
            (Some(a), None) if a <= x => Ordering::Equal,
            (Some(_), None) => Ordering::Greater,
            (None, Some(b)) if b <= x => Ordering::Less,
            (None, Some(_)) => Ordering::Equal,
            (None, None) => Ordering::Equal,
        }
    }
}

/// One zone's spans, read on demand from the compact tables in `prebuilt/timezones.rs`
/// (generated by `cargo xtask tz-tables`; xtask/src/tz.rs describes the encoding).
///
/// Index 0 is the span before the zone's first transition; index `i >= 1` is the span that
/// transition `i - 1` starts. Transitions `k < explicit` are stored, from `start` in the
/// transition columns; from `explicit` on, transition `k` is transition `k - q * period` moved
/// by `q` times 28 years (`PERIOD_SECS`), `q = (k - explicit) / period + 1`. So `len`,
/// `utc_span`, `local_span` and `get` answer for any index by arithmetic, as upstream's `first`
/// and `rest: &[(i64, FixedTimespan)]` did.
///
/// Lookups binary-search the transition times (`count_at_or_before`); in the periodic tail
/// they first move the instant back into the stored period, so no probe pays for the tail. A
/// local time starts from the UTC lookup of itself less the largest offset and steps forward
/// (`local_lookup`). Upstream's binary search over spans gives the same answers because in
/// every table (checked by the generator and by the tests) transition times grow, local span
/// beginnings and ends grow, and no local time falls in three spans: then the spans holding a
/// local time are those that begin at or before it less those that end at or before it, at
/// most two, which is what upstream's search and its look at both neighbours find.
#[derive(Copy, Clone)]
pub struct FixedTimespanSet {
    first: usize,
    start: usize,
    explicit: usize,
    transitions: usize,
    period: usize,
}

impl FixedTimespanSet {
    /// The spans of table `table` (`ZONE_TABLE[tz]`).
    pub(crate) fn of_table(table: usize) -> Self {
        FixedTimespanSet {
            first: usize::from(TABLE_FIRST[table]),
            start: TABLE_START[table] as usize,
            explicit: usize::from(TABLE_EXPLICIT[table]),
            transitions: usize::from(TABLE_LEN[table]),
            period: usize::from(TABLE_PERIOD[table]),
        }
    }

    /// The time of the transition stored at `g` in the transition columns, in UTC seconds.
    #[inline]
    fn stored_time(g: usize) -> i64 {
        let day2_second = DAY2_SECOND[g];
        let day = i64::from(DAY0[g]) | i64::from(DAY1[g]) << 8 | i64::from(day2_second & 3) << 16;
        BASE_SECS + day * 86_400 + i64::from(MINUTE[g]) * 60 + i64::from(day2_second >> 2)
    }

    /// Where transition `k` is stored, and by how many seconds it is moved.
    #[inline]
    fn stored(&self, k: usize) -> (usize, i64) {
        debug_assert!(k < self.transitions);
        if k < self.explicit {
            (self.start + k, 0)
        } else {
            let q = (k - self.explicit) / self.period + 1;
            (self.start + k - q * self.period, q as i64 * PERIOD_SECS)
        }
    }

    /// Transition `k`'s time and the index of the span it starts.
    #[inline]
    fn transition(&self, k: usize) -> (i64, usize) {
        let (g, shift) = self.stored(k);
        (Self::stored_time(g) + shift, usize::from(SPAN[g]))
    }

    /// How many transitions have a key at or before `x`, for a key of the stored transition
    /// that grows with the transition and, like the time, moves by `PERIOD_SECS` per period
    /// of the tail (the lookups use the transition time).
    #[inline]
    fn count_at_or_before(&self, x: i64, key: impl Fn(usize) -> i64) -> usize {
        let key = |k: usize| key(self.start + k);
        if self.transitions > self.explicit {
            // The tail repeats the stored period `base..explicit`, moved by q periods.
            let base = self.explicit - self.period;
            let first = key(base);
            if x >= first + PERIOD_SECS {
                // At or after transition `explicit`, the first of the tail.
                let q = (x - first) / PERIOD_SECS;
                if q >= self.transitions as i64 {
                    return self.transitions;
                }
                let moved = x - q * PERIOD_SECS;
                let within = partition_point(base, self.explicit, |j| key(j) <= moved) - base;
                return (base + q as usize * self.period + within).min(self.transitions);
            }
        }
        partition_point(0, self.explicit, |k| key(k) <= x)
    }

    /// The span in force at UTC second `x`.
    #[inline]
    pub(crate) fn utc_index(&self, x: i64) -> usize {
        self.count_at_or_before(x, Self::stored_time)
    }

    /// The spans whose local interval holds local second `x`, by span id (an index into the
    /// `SPAN_*` columns), none, one, or two in order; and `end`, the first span (by index in
    /// this set) beginning after `x`, where upstream's search fails in a gap.
    #[inline]
    pub(crate) fn local_lookup(&self, x: i64) -> (usize, LocalResult<usize>) {
        // Transitions whose local beginning is at or before `x`: all those at or before
        // `x - MAX_OFFSET_SECS` in UTC, then the next ones, one by one (beginnings grow).
        let mut k = self.count_at_or_before(x - MAX_OFFSET_SECS, Self::stored_time);
        let mut previous = None;
        let mut next_time = None;
        while k < self.transitions {
            let (time, span) = self.transition(k);
            if time + Self::offset(span) > x {
                next_time = Some(time);
                break;
            }
            previous = Some((time, span));
            k += 1;
        }
        // Span k is the last one beginning at or before `x`; transition k - 1 starts it.
        let (previous_time, last) = match previous {
            Some(transition) => transition,
            None if k == 0 => (i64::MIN, self.first),
            None => self.transition(k - 1),
        };
        let end = k + 1;
        // It holds `x` unless it ends at or before; the span before it holds `x` too when
        // it ends after (ends grow, and no local time is in three spans).
        if matches!(next_time, Some(t) if t + Self::offset(last) <= x) {
            return (end, LocalResult::None);
        }
        if k == 0 {
            return (end, LocalResult::Single(last));
        }
        let before = if k == 1 {
            self.first
        } else {
            self.transition(k - 2).1
        };
        if previous_time + Self::offset(before) > x {
            (end, LocalResult::Ambiguous(before, last))
        } else {
            (end, LocalResult::Single(last))
        }
    }

    /// Total offset from UTC of span `span`, in seconds.
    #[inline]
    fn offset(span: usize) -> i64 {
        SPAN_UTC[span] as i64 + SPAN_DST[span] as i64
    }

    /// Span `span` by id (an index into the `SPAN_*` columns).
    pub(crate) fn span(span: usize) -> FixedTimespan {
        FixedTimespan {
            utc_offset: SPAN_UTC[span],
            dst_offset: SPAN_DST[span],
            name: match SPAN_NAME[span] {
                0 => None,
                n => Some(NAMES[usize::from(n) - 1]),
            },
        }
    }

    pub(crate) fn len(&self) -> usize {
        1 + self.transitions
    }

    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn utc_span(&self, index: usize) -> Span {
        debug_assert!(index < self.len());
        Span {
            begin: if index == 0 {
                None
            } else {
                Some(self.transition(index - 1).0)
            },
            end: if index == self.transitions {
                None
            } else {
                Some(self.transition(index).0)
            },
        }
    }

    pub(crate) fn local_span(&self, index: usize) -> Span {
        debug_assert!(index < self.len());
        // The span in force from transition index - 1 (or from the start) on.
        let (begin, span) = if index == 0 {
            (None, self.first)
        } else {
            let (time, span) = self.transition(index - 1);
            (Some(time + Self::offset(span)), span)
        };
        Span {
            begin,
            end: if index == self.transitions {
                None
            } else {
                Some(self.transition(index).0 + Self::offset(span))
            },
        }
    }

    pub(crate) fn get(&self, index: usize) -> FixedTimespan {
        debug_assert!(index < self.len());
        if index == 0 {
            Self::span(self.first)
        } else {
            Self::span(self.transition(index - 1).1)
        }
    }
}

/// The first index in `start..end` where `pred` is false, `pred` being true up to some index
/// and false from there on.
#[inline]
fn partition_point(mut start: usize, mut end: usize, pred: impl Fn(usize) -> bool) -> usize {
    while start < end {
        let mid = start + (end - start) / 2;
        if pred(mid) {
            start = mid + 1;
        } else {
            end = mid;
        }
    }
    start
}

pub trait TimeSpans {
    fn timespans(&self) -> FixedTimespanSet;
}

impl TimeZone for Tz {
    type Offset = TzOffset;

    fn from_offset(offset: &Self::Offset) -> Self {
        offset.tz
    }

    #[allow(deprecated)]
    fn offset_from_local_date(&self, local: &NaiveDate) -> LocalResult<Self::Offset> {
        let earliest = self.offset_from_local_datetime(&local.and_time(NaiveTime::MIN));
        let latest = self.offset_from_local_datetime(&local.and_hms_opt(23, 59, 59).unwrap());
        // From the chrono docs:
        //
        // > This type should be considered ambiguous at best, due to the inherent lack of
        // > precision required for the time zone resolution. There are some guarantees on the usage
        // > of `Date<Tz>`:
        // > - If properly constructed via `TimeZone::ymd` and others without an error,
        // >   the corresponding local date should exist for at least a moment.
        // >   (It may still have a gap from the offset changes.)
        //
        // > - The `TimeZone` is free to assign *any* `Offset` to the local date,
        // >   as long as that offset did occur in given day.
        // >   For example, if `2015-03-08T01:59-08:00` is followed by `2015-03-08T03:00-07:00`,
        // >   it may produce either `2015-03-08-08:00` or `2015-03-08-07:00`
        // >   but *not* `2015-03-08+00:00` and others.
        //
        // > - Once constructed as a full `DateTime`,
        // >   `DateTime::date` and other associated methods should return those for the original `Date`.
        // >   For example, if `dt = tz.ymd(y,m,d).hms(h,n,s)` were valid, `dt.date() == tz.ymd(y,m,d)`.
        //
        // > - The date is timezone-agnostic up to one day (i.e. practically always),
        // >   so the local date and UTC date should be equal for most cases
        // >   even though the raw calculation between `NaiveDate` and `Duration` may not.
        //
        // For these reasons we return always a single offset here if we can, rather than being
        // technically correct and returning Ambiguous(_,_) on days when the clock changes. The
        // alternative is painful errors when computing unambiguous times such as
        // `TimeZone.ymd(ambiguous_date).hms(unambiguous_time)`.
        use chrono::LocalResult::*;
        match (earliest, latest) {
            (result @ Single(_), _) => result,
            (_, result @ Single(_)) => result,
            (Ambiguous(offset, _), _) => Single(offset),
            (_, Ambiguous(offset, _)) => Single(offset),
            (None, None) => None,
        }
    }

    // Upstream searched for a span holding the local datetime, then looked at both of its
    // neighbours for ambiguity; `local_lookup` finds the same spans (see `FixedTimespanSet`).
    fn offset_from_local_datetime(&self, local: &NaiveDateTime) -> LocalResult<Self::Offset> {
        let timestamp = local.and_utc().timestamp();
        let timespans = self.timespans();
        let spans = match timespans.local_lookup(timestamp).1 {
            LocalResult::None => LocalResult::None,
            LocalResult::Single(s) => LocalResult::Single(FixedTimespanSet::span(s)),
            LocalResult::Ambiguous(a, b) => {
                LocalResult::Ambiguous(FixedTimespanSet::span(a), FixedTimespanSet::span(b))
            }
        };
        TzOffset::map_localresult(*self, spans)
    }

    #[allow(deprecated)]
    fn offset_from_utc_date(&self, utc: &NaiveDate) -> Self::Offset {
        // See comment above for why it is OK to just take any arbitrary time in the day
        self.offset_from_utc_datetime(&utc.and_time(NaiveTime::MIN))
    }

    // Any i64 falls within exactly one timespan, no matter what.
    fn offset_from_utc_datetime(&self, dt: &NaiveDateTime) -> Self::Offset {
        let timestamp = dt.and_utc().timestamp();
        let timespans = self.timespans();
        TzOffset::new(*self, timespans.get(timespans.utc_index(timestamp)))
    }
}

/// Represents the information of a gap.
///
/// This returns useful information that can be used when converting a local [`NaiveDateTime`]
/// to a timezone-aware [`DateTime`] with [`TimeZone::from_local_datetime`] and a gap
/// ([`LocalResult::None`]) is found.
pub struct GapInfo {
    /// When available it contains information about the beginning of the gap.
    ///
    /// The time represents the first instant in which the gap starts.
    /// This means that it is the first instant that when used with [`TimeZone::from_local_datetime`]
    /// it will return [`LocalResult::None`].
    ///
    /// The offset represents the offset of the first instant before the gap.
    pub begin: Option<(NaiveDateTime, TzOffset)>,
    /// When available it contains the first instant after the gap.
    pub end: Option<DateTime<Tz>>,
}

impl GapInfo {
    /// Return information about a gap.
    ///
    /// It returns `None` if `local` is not in a gap for the current timezone.
    ///
    /// If `local` is at the limits of the known timestamps the fields `begin` or `end` in
    /// [`GapInfo`] will be `None`.
    pub fn new(local: &NaiveDateTime, tz: &Tz) -> Option<Self> {
        let timestamp = local.and_utc().timestamp();
        let timespans = tz.timespans();
        // Upstream's binary search failed at the first span beginning after `local`.
        let (end_idx, LocalResult::None) = timespans.local_lookup(timestamp) else {
            return None;
        };

        let begin = match end_idx {
            0 => None,
            _ => {
                let start_idx = end_idx - 1;

                timespans
                    .local_span(start_idx)
                    .end
                    .and_then(|start_time| DateTime::from_timestamp(start_time, 0))
                    .map(|start_time| {
                        (
                            start_time.naive_local(),
                            TzOffset::new(*tz, timespans.get(start_idx)),
                        )
                    })
            }
        };

        let end = match end_idx {
            _ if end_idx >= timespans.len() => None,
            _ => {
                timespans
                    .local_span(end_idx)
                    .begin
                    .and_then(|end_time| DateTime::from_timestamp(end_time, 0))
                    .and_then(|date_time| {
                        // we create the DateTime from a timestamp that exists in the timezone
                        tz.from_local_datetime(&date_time.naive_local()).single()
                    })
            }
        };

        Some(Self { begin, end })
    }
}
