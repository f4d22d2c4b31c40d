//! Time windows: the `--window` spellings (`1d`, `7d`, `1mo`, `Nh`, `Nd`, `rows:N`), the
//! window an instant falls in, and a window's bounds.
//!
//! Calendar windows are half-open `[start, end)` in UTC: `1d` starts at midnight, `7d` is an
//! ISO week (Monday 00:00 to the next Monday), `1mo` a calendar month, and other `Nh`/`Nd`
//! are aligned to the Unix epoch. `rows:N` cuts the time-ordered rows into consecutive
//! windows of N rows (the last may be shorter).

use std::fmt;

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::monitor::time::Timestamp;

/// Seconds per hour and per day.
const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;
/// 1970-01-05, the first Monday after the epoch, in seconds.
const FIRST_MONDAY: i64 = 4 * DAY;

/// How rows are cut into windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowSpec {
    /// Windows of `seconds` aligned to the epoch (`Nh`, `Nd`; `1d` starts at midnight UTC).
    Fixed {
        /// The window's length in seconds.
        seconds: i64,
    },
    /// ISO weeks, Monday 00:00 UTC (`7d`).
    Week,
    /// Calendar months in UTC (`1mo`).
    Month,
    /// Consecutive runs of this many time-ordered rows (`rows:N`).
    Rows(u64),
}

impl WindowSpec {
    /// Parses a `--window` value.
    ///
    /// # Errors
    /// An [`crate::ErrorKind::InvalidOption`] naming `window` for any other spelling, a zero
    /// length, or one beyond 100 years.
    pub fn parse(text: &str) -> Result<Self> {
        let invalid = || {
            Error::invalid_option(
                "window",
                format!("\"{text}\" is not a window: use 1d, 7d, 1mo, Nh or Nd (N hours or days, N ≥ 1), or rows:N"),
            )
        };
        let text = text.trim();
        if let Some(rows) = text.strip_prefix("rows:") {
            return match rows.parse::<u64>() {
                Ok(n) if n > 0 => Ok(WindowSpec::Rows(n)),
                _ => Err(invalid()),
            };
        }
        if text == "1mo" {
            return Ok(WindowSpec::Month);
        }
        let (number, unit) =
            text.split_at(text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len()));
        let n: i64 = number.parse().map_err(|_| invalid())?;
        let seconds = match unit {
            "h" => HOUR,
            "d" => DAY,
            _ => return Err(invalid()),
        };
        if n == 0 || n > 100 * 366 * DAY / seconds {
            return Err(invalid());
        }
        Ok(if unit == "d" && n == 7 {
            WindowSpec::Week
        } else {
            WindowSpec::Fixed { seconds: n * seconds }
        })
    }

    /// The index of the calendar window holding `at` (consecutive windows have consecutive
    /// indices); `None` for `rows:N`, whose windows depend on the other rows, and for a
    /// window that starts or ends beyond the years RFC 3339 writes (0000 to 9999: the
    /// month of December 9999 ends in 10000), which a report could not write.
    pub fn index(self, at: Timestamp) -> Option<i64> {
        let index = match self {
            WindowSpec::Fixed { seconds } => at.seconds.div_euclid(seconds),
            WindowSpec::Week => at.seconds.checked_sub(FIRST_MONDAY)?.div_euclid(7 * DAY),
            WindowSpec::Month => {
                let (year, month) = at.year_month()?;
                year * 12 + month - 1
            }
            WindowSpec::Rows(_) => return None,
        };
        let end = self.start(index.checked_add(1)?)?;
        (self.start(index)?.writable() && end.writable()).then_some(index)
    }

    /// Whether every window is made of whole UTC days (`Nd`, weeks, months), so that a row's
    /// window follows from its day alone.
    pub fn whole_days(self) -> bool {
        match self {
            WindowSpec::Fixed { seconds } => seconds % DAY == 0,
            WindowSpec::Week | WindowSpec::Month => true,
            WindowSpec::Rows(_) => false,
        }
    }

    /// The start of calendar window `index` (see [`WindowSpec::index`]); `None` for
    /// `rows:N` and beyond chrono's years.
    pub fn start(self, index: i64) -> Option<Timestamp> {
        match self {
            WindowSpec::Fixed { seconds } => {
                index.checked_mul(seconds).map(Timestamp::from_seconds)
            }
            WindowSpec::Week => index
                .checked_mul(7 * DAY)
                .and_then(|s| s.checked_add(FIRST_MONDAY))
                .map(Timestamp::from_seconds),
            WindowSpec::Month => {
                let year = i32::try_from(index.div_euclid(12)).ok()?;
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let month = index.rem_euclid(12) as u32 + 1;
                let start = NaiveDate::from_ymd_opt(year, month, 1)?.and_hms_opt(0, 0, 0)?;
                Some(Timestamp::from_seconds(start.and_utc().timestamp()))
            }
            WindowSpec::Rows(_) => None,
        }
    }
}

impl fmt::Display for WindowSpec {
    /// The canonical spelling (`1d`, `7d`, `1mo`, `6h`, `rows:1000`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            // 168h is not 7d: its windows are aligned to the epoch, not to Mondays.
            WindowSpec::Fixed { seconds } if seconds % DAY == 0 && seconds != 7 * DAY => {
                write!(f, "{}d", seconds / DAY)
            }
            WindowSpec::Fixed { seconds } => write!(f, "{}h", seconds / HOUR),
            WindowSpec::Week => f.write_str("7d"),
            WindowSpec::Month => f.write_str("1mo"),
            WindowSpec::Rows(n) => write!(f, "rows:{n}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::cell::Cell;
    use crate::monitor::time::parse_time;

    fn at(text: &str) -> Timestamp {
        parse_time(Cell::Text(text.as_bytes())).unwrap_or_default()
    }

    fn bounds(spec: &str, time: &str) -> (String, String) {
        let spec = WindowSpec::parse(spec).unwrap();
        let index = spec.index(at(time)).unwrap();
        let show = |i| spec.start(i).and_then(Timestamp::rfc3339).unwrap();
        (show(index), show(index + 1))
    }

    #[test]
    fn calendar_windows_are_aligned_as_documented() {
        let pair = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        assert_eq!(
            bounds("1mo", "2024-02-29T23:59:59Z"),
            pair("2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z")
        );
        assert_eq!(
            bounds("1mo", "2024-12-31T12:00:00Z"),
            pair("2024-12-01T00:00:00Z", "2025-01-01T00:00:00Z")
        );
        assert_eq!(
            bounds("1mo", "1969-12-31T12:00:00Z"),
            pair("1969-12-01T00:00:00Z", "1970-01-01T00:00:00Z")
        );
        // 2025-03-05 is a Wednesday: its ISO week starts on Monday 2025-03-03.
        assert_eq!(
            bounds("7d", "2025-03-05T10:00:00Z"),
            pair("2025-03-03T00:00:00Z", "2025-03-10T00:00:00Z")
        );
        assert_eq!(
            bounds("7d", "2025-03-03T00:00:00Z"),
            pair("2025-03-03T00:00:00Z", "2025-03-10T00:00:00Z")
        );
        assert_eq!(
            bounds("7d", "1970-01-01T00:00:00Z"),
            pair("1969-12-29T00:00:00Z", "1970-01-05T00:00:00Z")
        );
        assert_eq!(
            bounds("1d", "2025-03-05T23:59:59+00:00"),
            pair("2025-03-05T00:00:00Z", "2025-03-06T00:00:00Z")
        );
        assert_eq!(
            bounds("1d", "2025-03-06T01:00:00+02:00"),
            pair("2025-03-05T00:00:00Z", "2025-03-06T00:00:00Z")
        );
        assert_eq!(
            bounds("6h", "2025-03-05T13:00:00Z"),
            pair("2025-03-05T12:00:00Z", "2025-03-05T18:00:00Z")
        );
        // 3d windows are aligned to the epoch: 1970-01-01, -04, -07, …
        assert_eq!(
            bounds("3d", "1970-01-05T00:00:00Z"),
            pair("1970-01-04T00:00:00Z", "1970-01-07T00:00:00Z")
        );
    }

    #[test]
    fn spellings_round_trip_and_bad_ones_are_refused() {
        for spec in ["1d", "7d", "1mo", "6h", "14d", "rows:1000", "36h"] {
            assert_eq!(WindowSpec::parse(spec).unwrap().to_string(), spec);
        }
        assert_eq!(WindowSpec::parse("24h").unwrap().to_string(), "1d");
        assert_eq!(WindowSpec::parse("168h").unwrap().to_string(), "168h");
        for bad in ["", "0d", "1w", "2mo", "rows:0", "rows:x", "d", "-1d", "99999999d", "1.5d"] {
            assert!(WindowSpec::parse(bad).is_err(), "{bad}");
        }
    }
}
