//! The time of a row: a cell of the time column read as an instant in UTC, and instants
//! written back as RFC 3339.
//!
//! Accepted values (parsed by `chrono`): RFC 3339 date-times (`2025-03-04T17:22:05Z`, with
//! an offset such as `+02:00`, a fraction of a second, or no offset at all, which means UTC),
//! ISO dates (`2013-01-27`, midnight UTC), and Unix epoch seconds (an integer or a decimal
//! number, in text or as a number column).

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};

use crate::data::cell::Cell;

/// An instant: whole seconds since the Unix epoch and the nanoseconds past them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z (negative before).
    pub seconds: i64,
    /// Nanoseconds past `seconds`, below 1e9.
    pub nanos: u32,
}

impl Timestamp {
    /// The instant `seconds` after the epoch, on a whole second.
    pub fn from_seconds(seconds: i64) -> Self {
        Timestamp { seconds, nanos: 0 }
    }

    /// The instant as RFC 3339 in UTC: `2025-03-04T17:22:05Z`, with the fraction of a second
    /// only when there is one. `None` beyond the years RFC 3339 writes (0000 to 9999).
    pub fn rfc3339(self) -> Option<String> {
        if !self.writable() {
            return None;
        }
        DateTime::<Utc>::from_timestamp(self.seconds, self.nanos)
            .map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }

    /// Whether the instant falls in the years RFC 3339 writes, 0000 to 9999 (its four-digit
    /// years): the times a monitor reads and writes.
    pub(crate) fn writable(self) -> bool {
        /// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z in seconds from the epoch.
        const FIRST: i64 = -62_167_219_200;
        const LAST: i64 = 253_402_300_799;
        (FIRST..=LAST).contains(&self.seconds)
    }

    /// Whether chrono represents the instant (its years, ±262,000), without building it.
    fn in_range(self) -> bool {
        static RANGE: std::sync::OnceLock<(i64, i64)> = std::sync::OnceLock::new();
        let (min, max) = *RANGE.get_or_init(|| {
            (DateTime::<Utc>::MIN_UTC.timestamp(), DateTime::<Utc>::MAX_UTC.timestamp())
        });
        (min..=max).contains(&self.seconds)
    }

    /// The year and month (1–12) of the instant in UTC; `None` beyond chrono's years.
    ///
    /// The civil date of the day count, by Hinnant's "chrono-Compatible Low-Level Date
    /// Algorithms" (`civil_from_days`, the inverse of [`canonical`]'s), held to chrono's
    /// reading by a property test: per row of a monthly monitor, chrono's conversion was 5%
    /// of the CPU time (`perf`, 2M-row benchmark log).
    pub(crate) fn year_month(self) -> Option<(i64, i64)> {
        if !self.in_range() {
            return None;
        }
        // Days counted from 1 March of the year -400,000 (a multiple of 400 years before
        // chrono's first): never negative, so every division is an unsigned one.
        const ERAS: i64 = 1000;
        let days = self.seconds.div_euclid(86_400) + 719_468 + ERAS * 146_097;
        let z = u64::try_from(days).ok()?;
        let era = z / 146_097;
        let day_of_era = z - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let shifted_month = (5 * day_of_year + 2) / 153;
        let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
        let year = i64::try_from(year_of_era + era * 400 + u64::from(month <= 2)).ok()?;
        #[allow(clippy::cast_possible_wrap)] // 1 to 12
        Some((year - ERAS * 400, month as i64))
    }
}

/// The forms a time is read in, for errors.
const TIME_FORMATS: &str =
    "an RFC 3339 date-time (2025-03-04T17:22:05Z), an ISO date (2025-03-04) or Unix epoch seconds";

/// Why `cell` (not missing), which [`parse_time`] does not read, is not a time: none of the
/// forms, or an instant beyond the years RFC 3339 writes.
pub(crate) fn not_a_time(cell: Cell<'_>) -> String {
    let text = String::from_utf8_lossy(&cell.text()).into_owned();
    match parse_any(cell, None) {
        Some(_) => format!(
            "\"{text}\" is beyond the years a time can have (0000 to 9999, as RFC 3339 writes them; epoch milliseconds read as seconds?)"
        ),
        None => format!("\"{text}\" is not a time: use {TIME_FORMATS}"),
    }
}

/// The instant a cell of the time column holds; `None` when it holds none of the accepted
/// forms, or an instant beyond the years RFC 3339 writes (0000 to 9999; the caller handles
/// missing values first).
pub(crate) fn parse_time(cell: Cell<'_>) -> Option<Timestamp> {
    parse_any(cell, None).filter(|t| t.writable())
}

/// [`parse_time`], with the dates read before in `dates`.
pub(crate) fn parse_time_with(cell: Cell<'_>, dates: &mut Dates) -> Option<Timestamp> {
    parse_any(cell, Some(dates)).filter(|t| t.writable())
}

/// The instant `cell` holds, in range or not; `dates` keeps the dates read before, if given.
fn parse_any(cell: Cell<'_>, dates: Option<&mut Dates>) -> Option<Timestamp> {
    match cell {
        // The usual spelling read from the bytes, before (and without) checking UTF-8.
        Cell::Text(bytes) => canonical(bytes.trim_ascii(), dates)
            .or_else(|| parse_text(std::str::from_utf8(bytes).ok()?.trim())),
        Cell::Int(seconds) => Some(Timestamp::from_seconds(seconds)),
        Cell::UInt(seconds) => i64::try_from(seconds).ok().map(Timestamp::from_seconds),
        Cell::Float(seconds) => from_float_seconds(seconds),
        // The number of its shortest spelling, which the CSV pandas writes of it holds.
        Cell::Float32(_) => from_float_seconds(cell.number()?),
        Cell::Bool(_) | Cell::Null => None,
    }
}

fn parse_text(text: &str) -> Option<Timestamp> {
    let bytes = text.as_bytes();
    // Epoch seconds: digits with an optional sign and fraction (a date has a '-' at [4]).
    if bytes.iter().all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.'))
        && !(bytes.len() >= 10 && bytes[4] == b'-')
    {
        return epoch_text(text);
    }
    // Epoch seconds in exponent notation (1.748992e+09: pandas writes float columns so).
    if bytes.iter().any(|b| matches!(b, b'e' | b'E'))
        && bytes.iter().all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
    {
        return from_float_seconds(text.parse().ok()?);
    }
    if bytes.len() == 10 {
        let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
        return Some(from_utc(date.and_hms_opt(0, 0, 0)?));
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        let utc = time.to_utc();
        return Some(Timestamp { seconds: utc.timestamp(), nanos: utc.timestamp_subsec_nanos() });
    }
    // No offset: UTC.
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .map(from_utc)
}

/// The canonical UTC form `YYYY-MM-DDTHH:MM:SSZ` (or with a space, or without the `Z`),
/// read directly, its date through `dates` when given; `None` for anything else, which chrono then
/// reads. On a 10-million-row log of such times this cut the CPU time of `sextant monitor` by
/// 6% (4.45 s to 4.17 s; chrono's parsing had been about a tenth of it). The property test
/// below holds this to chrono's reading.
fn canonical(bytes: &[u8], dates: Option<&mut Dates>) -> Option<Timestamp> {
    let [date @ .., b'T' | b' ', h0, h1, b':', i0, i1, b':', s0, s1] =
        bytes.strip_suffix(b"Z").unwrap_or(bytes)
    else {
        return None;
    };
    let date: &[u8; 10] = date.try_into().ok()?;
    let (hour, minute, second) = (digits(&[*h0, *h1])?, digits(&[*i0, *i1])?, digits(&[*s0, *s1])?);
    // A leap second (:60) is left to chrono.
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let days = match dates {
        Some(dates) => dates.days(date)?,
        None => civil_days(date)?,
    };
    Some(Timestamp::from_seconds(days * 86_400 + hour * 3600 + minute * 60 + second))
}

/// The number that ASCII digits spell; `None` if a byte is not a digit.
fn digits(ds: &[u8]) -> Option<i64> {
    ds.iter().try_fold(0i64, |n, &d| d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0')))
}

/// Days from 1970-01-01 to the date `YYYY-MM-DD`, in the proleptic Gregorian calendar (the
/// civil-day count of Hinnant's "chrono-Compatible Low-Level Date Algorithms"); `None` when
/// it is not a date.
fn civil_days(date: &[u8; 10]) -> Option<i64> {
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *date else { return None };
    let (year, month, day) = (digits(&[y0, y1, y2, y3])?, digits(&[m0, m1])?, digits(&[d0, d1])?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day < 1 || day > month_days {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

/// The dates read last, by their bytes, with their [`civil_days`], in a direct-mapped table:
/// a log's times fall on few dates, each checked and counted once per slot (the calendar
/// arithmetic had been half of reading a time).
#[derive(Clone)]
pub(crate) struct Dates {
    slots: Box<[DateSlot; DATE_SLOTS]>,
}

/// A date's bytes and its [`civil_days`], or nothing yet.
type DateSlot = Option<([u8; 10], i64)>;

/// Dates a [`Dates`] holds: 40 days × 20 months × 2 years (see [`Dates::days`]).
const DATE_SLOTS: usize = 1600;

impl Default for Dates {
    fn default() -> Self {
        Dates { slots: Box::new([None; DATE_SLOTS]) }
    }
}

impl Dates {
    /// The [`civil_days`] of `date`.
    fn days(&mut self, date: &[u8; 10]) -> Option<i64> {
        // The day's digits (40 values), the month's (20) and the year's parity pick the
        // slot: every date of two consecutive years has its own. Bytes that are not digits
        // (not a date, never kept) wrap around.
        let digit = |i: usize| usize::from(date[i] & 0x0F);
        let day = digit(9) + 10 * (digit(8) & 3);
        let month = digit(6) + 10 * (digit(5) & 1);
        let slot = &mut self.slots[(day + 40 * month + 800 * (digit(3) & 1)) % DATE_SLOTS];
        match slot {
            Some((known, days)) if known == date => Some(*days),
            _ => {
                let days = civil_days(date)?;
                *slot = Some((*date, days));
                Some(days)
            }
        }
    }
}

fn from_utc(time: NaiveDateTime) -> Timestamp {
    let utc = time.and_utc();
    Timestamp { seconds: utc.timestamp(), nanos: utc.timestamp_subsec_nanos() }
}

/// Epoch seconds written as text, the fraction read digit by digit (to the nanosecond).
fn epoch_text(text: &str) -> Option<Timestamp> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let no_digits = !text.bytes().any(|b| b.is_ascii_digit());
    if no_digits
        || fraction.is_empty() && text.contains('.')
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let seconds: i64 = match whole {
        "" | "-" | "+" => 0,
        whole => whole.parse().ok()?,
    };
    let mut nanos: u32 = 0;
    for (i, digit) in fraction.bytes().take(9).enumerate() {
        nanos += u32::from(digit - b'0') * 10u32.pow(8 - i as u32);
    }
    if whole.starts_with('-') && nanos > 0 {
        // -1.25 s is 1.75 s before -1 s... i.e. -2 s and 0.75 s.
        Some(Timestamp { seconds: seconds.checked_sub(1)?, nanos: 1_000_000_000 - nanos })
    } else {
        Some(Timestamp { seconds, nanos })
    }
}

fn from_float_seconds(seconds: f64) -> Option<Timestamp> {
    // Far beyond chrono's years (±8.2e12 s), which `parse_time` then refuses.
    if !seconds.is_finite() || seconds.abs() > 1e15 {
        return None;
    }
    let whole = seconds.floor();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let nanos = ((seconds - whole) * 1e9).round() as u32;
    #[allow(clippy::cast_possible_truncation)]
    let whole = whole as i64;
    // A fraction that rounds up to a whole second carries into the seconds.
    Some(if nanos >= 1_000_000_000 {
        Timestamp { seconds: whole + 1, nanos: 0 }
    } else {
        Timestamp { seconds: whole, nanos }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    fn text(value: &str) -> Option<Timestamp> {
        parse_time(Cell::Text(value.as_bytes()))
    }

    #[test]
    fn every_accepted_form_reads_as_utc() {
        let t = Timestamp::from_seconds(1_741_108_925); // 2025-03-04T17:22:05Z
        assert_eq!(text("2025-03-04T17:22:05Z"), Some(t));
        assert_eq!(text("2025-03-04T19:22:05+02:00"), Some(t));
        assert_eq!(text("2025-03-04T17:22:05"), Some(t));
        assert_eq!(text("2025-03-04 17:22:05"), Some(t));
        assert_eq!(text("1741108925"), Some(t));
        assert_eq!(parse_time(Cell::Int(1_741_108_925)), Some(t));
        assert_eq!(text("2013-01-27"), Some(Timestamp::from_seconds(1_359_244_800)));
        assert_eq!(
            text("1741108925.25"),
            Some(Timestamp { seconds: 1_741_108_925, nanos: 250_000_000 })
        );
        assert_eq!(text("-1"), Some(Timestamp::from_seconds(-1)));
        assert_eq!(
            text("1741108925.1"),
            Some(Timestamp { seconds: 1_741_108_925, nanos: 100_000_000 })
        );
        assert_eq!(text("-1.25"), Some(Timestamp { seconds: -2, nanos: 750_000_000 }));
        assert_eq!(
            parse_time(Cell::Float(-0.5)),
            Some(Timestamp { seconds: -1, nanos: 500_000_000 })
        );
        let fraction = text("2025-03-04T17:22:05.5Z");
        assert_eq!(fraction, Some(Timestamp { seconds: 1_741_108_925, nanos: 500_000_000 }));
        // Exponent notation, as pandas writes a float32 column; a float32 cell reads as the
        // number of that shortest spelling (1741108925 as a float32 is 1741108864, spelt
        // 1.7411089e+09).
        assert_eq!(text("1.748992e+09"), Some(Timestamp::from_seconds(1_748_992_000)));
        assert_eq!(text("1.7411089E9"), Some(Timestamp::from_seconds(1_741_108_900)));
        #[allow(clippy::cast_precision_loss)]
        let float32 = 1_741_108_925_i64 as f32;
        assert_eq!(parse_time(Cell::Float32(float32)), text("1.7411089e+09"));
    }

    #[test]
    fn other_values_are_not_times() {
        for bad in [
            "",
            "yesterday",
            "2025-13-01",
            "2025-02-30",
            "03/04/2025",
            "2025-03-04T25:00:00Z",
            "1e400",
        ] {
            assert_eq!(text(bad), None, "{bad}");
        }
        assert_eq!(parse_time(Cell::Bool(true)), None);
        assert_eq!(parse_time(Cell::Float(f64::INFINITY)), None);
        assert_eq!(parse_time(Cell::Int(i64::MIN)), None);
        // The years RFC 3339 writes, 0000 to 9999, and no others: epoch milliseconds read
        // as seconds fall in the year 56,134.
        for (seconds, year) in [(-62_167_219_200, Some(0)), (253_402_300_799, Some(9999))] {
            let at = parse_time(Cell::Int(seconds));
            assert_eq!(at.and_then(Timestamp::year_month).map(|(y, _)| y), year, "{seconds}");
        }
        for beyond in [-62_167_219_201, 253_402_300_800, 1_709_251_200_000] {
            assert_eq!(parse_time(Cell::Int(beyond)), None, "{beyond}");
        }
        assert_eq!(text("+10000-01-01T00:00:00Z"), None);
        assert_eq!(Timestamp::from_seconds(253_402_300_800).rfc3339(), None);
        assert_eq!(
            Timestamp::from_seconds(-62_167_219_200).rfc3339().as_deref(),
            Some("0000-01-01T00:00:00Z")
        );
    }

    proptest::proptest! {
        #[test]
        fn the_canonical_form_reads_as_chrono_reads_it(
            year in 0i32..10_000,
            month in 0u32..14,
            day in 0u32..33,
            hour in 0u32..25,
            minute in 0u32..61,
            second in 0u32..61,
            separator in proptest::sample::select(vec!["T", " ", "t"]),
            zone in proptest::sample::select(vec!["Z", "", "z", "+00:00"]),
        ) {
            let text = format!("{year:04}-{month:02}-{day:02}{separator}{hour:02}:{minute:02}:{second:02}{zone}");
            let by_chrono = if let Ok(t) = DateTime::parse_from_rfc3339(&text) {
                Some(Timestamp { seconds: t.timestamp(), nanos: t.timestamp_subsec_nanos() })
            } else {
                ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
                    .iter()
                    .find_map(|f| NaiveDateTime::parse_from_str(&text, f).ok())
                    .map(from_utc)
            };
            proptest::prop_assert_eq!(parse_time(Cell::Text(text.as_bytes())), by_chrono, "{}", text);
        }

        /// Times read with the dates of earlier ones remembered (dates of many years share
        /// slots; some are no dates) read as each does alone.
        #[test]
        fn remembered_dates_read_as_fresh_ones(
            times in proptest::collection::vec(
                (2020i32..2030, 0u32..14, 0u32..32, 0u32..24, proptest::bool::ANY), 1..300),
        ) {
            let mut dates = Dates::default();
            // Not dates, whatever their bytes, into an empty table and then a filled one: no
            // slot of their own, and not kept.
            let not_dates = ["2025-1?-?9T00:00:00Z", "????-??-??T00:00:00Z", "\u{7f}\u{7f}\u{7f}\u{7f}-\u{7f}\u{7f}-\u{7f}\u{7f} 00:00:00", "2024-02-30T00:00:00Z"];
            for text in not_dates {
                proptest::prop_assert_eq!(parse_time_with(Cell::Text(text.as_bytes()), &mut dates), None);
            }
            for (year, month, day, hour, space) in times.iter().chain(&times) {
                let separator = if *space { ' ' } else { 'T' };
                let text = format!("{year:04}-{month:02}-{day:02}{separator}{hour:02}:30:00Z");
                let cell = Cell::Text(text.as_bytes());
                proptest::prop_assert_eq!(parse_time_with(cell, &mut dates), parse_time(cell), "{}", text);
            }
            for text in not_dates {
                proptest::prop_assert_eq!(parse_time_with(Cell::Text(text.as_bytes()), &mut dates), None);
            }
        }

        #[test]
        fn months_are_chronos(seconds in -100_000_000_000i64..100_000_000_000) {
            let utc = DateTime::<Utc>::from_timestamp(seconds, 0).unwrap();
            let by_chrono = (i64::from(utc.year()), i64::from(utc.month()));
            proptest::prop_assert_eq!(Timestamp::from_seconds(seconds).year_month(), Some(by_chrono));
        }
    }

    #[test]
    fn months_at_the_edges_are_chronos() {
        let min = DateTime::<Utc>::MIN_UTC.timestamp();
        let max = DateTime::<Utc>::MAX_UTC.timestamp();
        let leap_day_of_minus_400 = NaiveDate::from_ymd_opt(-400, 2, 29)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .map(|t| t.and_utc().timestamp())
            .unwrap();
        for seconds in [min, min + 1, -86_401, -1, 0, leap_day_of_minus_400, max - 1, max] {
            let utc = DateTime::<Utc>::from_timestamp(seconds, 0).unwrap();
            let by_chrono = (i64::from(utc.year()), i64::from(utc.month()));
            assert_eq!(Timestamp::from_seconds(seconds).year_month(), Some(by_chrono), "{seconds}");
        }
        assert_eq!(Timestamp::from_seconds(max + 1).year_month(), None);
        assert_eq!(Timestamp::from_seconds(min - 1).year_month(), None);
    }

    #[test]
    fn instants_are_written_in_utc_with_a_fraction_only_when_there_is_one() {
        assert_eq!(Timestamp::from_seconds(0).rfc3339().as_deref(), Some("1970-01-01T00:00:00Z"));
        let t = Timestamp { seconds: 1_741_108_925, nanos: 500_000_000 };
        assert_eq!(t.rfc3339().as_deref(), Some("2025-03-04T17:22:05.500Z"));
    }
}
