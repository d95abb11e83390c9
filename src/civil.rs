//! The civil (proleptic Gregorian) calendar: dates as whole days since
//! 1970-01-01, exactly, both ways. A `calendar dates A..B` counts days,
//! and the checker turns a date literal, a month or a year into these
//! numbers; traces print them back as ISO dates (`2019-03-22`).

/// A date: year, month (1–12), day of the month (1–31).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i64,
    pub month: u32,
    pub day: u32,
}

/// Whether the year has a 29 February.
pub fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The days of a month of a year.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Date {
    /// The date, where the day exists in that month of that year, and the
    /// year is within ±1,000,000 (far inside i64 days).
    pub fn new(year: i64, month: u32, day: u32) -> Option<Date> {
        let valid = (-1_000_000..=1_000_000).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days(self) -> i64 {
        // Howard Hinnant's `days_from_civil`: years counted from March, so
        // that the leap day ends the year; eras of 400 years.
        let year = if self.month <= 2 {
            self.year - 1
        } else {
            self.year
        };
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let month = i64::from(self.month);
        let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5
            + i64::from(self.day)
            - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The date `days` after 1970-01-01.
    /// (Clamped to ±10^15 days, beyond which no calendar reaches, so
    /// that no arithmetic overflows.)
    pub fn from_days(days: i64) -> Date {
        let z = days.clamp(-1_000_000_000_000_000, 1_000_000_000_000_000) + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let shifted_month = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
        let month = if shifted_month < 10 {
            shifted_month + 3
        } else {
            shifted_month - 9
        } as u32;
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        Date { year, month, day }
    }

    /// The first day of the month after this date's.
    pub fn next_month(self) -> Date {
        match self.month {
            12 => Date {
                year: self.year + 1,
                month: 1,
                day: 1,
            },
            month => Date {
                month: month + 1,
                day: 1,
                ..self
            },
        }
    }

    /// The same day `months` months later (earlier, if negative), or the
    /// last day of that month where it is shorter: 31 January 2019 + 1
    /// month is 28 February 2019, 29 February 2020 + 1 year is 28
    /// February 2021. (`months` within ±12,000,000.)
    pub fn add_months(self, months: i64) -> Date {
        let index = self.year * 12 + i64::from(self.month) - 1 + months;
        let (year, month) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
        Date {
            year,
            month,
            day: self.day.min(days_in_month(year, month)),
        }
    }

    /// Parses `YYYY-MM-DD`, where it names a date that exists.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.split('-');
        let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || year.len() != 4 || month.len() != 2 || day.len() != 2 {
            return None;
        }
        Date::new(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The ISO text of a day number.
pub fn iso(days: i64) -> String {
    Date::from_days(days).to_string()
}

/// The first day of each month that starts in `low..=high` (days), and of
/// the month holding `low`: the table the checker unrolls month and year
/// lookups over. Each entry: the month's first day, its year and month.
pub fn month_starts(low: i64, high: i64) -> Vec<(i64, Date)> {
    let first = Date::from_days(low);
    let mut at = Date { day: 1, ..first };
    let mut out = Vec::new();
    while at.days() <= high {
        out.push((at.days(), at));
        at = at.next_month();
    }
    out
}

/// The days of the week, as specs write them (`d is Saturday`); index 0
/// is Monday, as in ISO 8601.
pub const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The day of the week of a day number, an index into [`WEEKDAYS`]
/// (1970-01-01 was a Thursday).
pub fn weekday(days: i64) -> usize {
    usize::try_from((days + 3).rem_euclid(7)).unwrap_or(0)
}

/// The first day (a Monday) of each week that starts in `low..=high`, and
/// of the week holding `low`: the table the checker unrolls weekday tests
/// over.
pub fn week_starts(low: i64, high: i64) -> Vec<i64> {
    let first = low - (low + 3).rem_euclid(7);
    (0..)
        .map(|week| first + 7 * week)
        .take_while(|start| *start <= high)
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn known_weekdays() {
        let day = |date: &str| WEEKDAYS[weekday(Date::parse(date).unwrap().days())];
        assert_eq!(day("1970-01-01"), "Thursday");
        assert_eq!(day("2000-01-01"), "Saturday");
        assert_eq!(day("2019-03-22"), "Friday");
        assert_eq!(day("2024-02-29"), "Thursday");
        assert_eq!(day("1969-12-29"), "Monday");
        let low = Date::parse("2019-01-01").unwrap().days();
        // 2019-01-01 is a Tuesday: its week starts on 31 December 2018;
        // the next weeks on 7 and 14 January.
        let starts = week_starts(low, low + 12);
        assert_eq!(iso(starts[0]), "2018-12-31");
        assert_eq!(starts.len(), 2);
        assert_eq!(week_starts(low, low + 13).len(), 3);
        assert!(starts.iter().all(|s| weekday(*s) == 0));
    }

    #[test]
    fn round_trips_every_day_of_four_centuries() {
        let start = Date::new(1900, 1, 1).unwrap().days();
        let mut expected = Date::new(1900, 1, 1).unwrap();
        for days in start..start + 146_097 {
            let date = Date::from_days(days);
            assert_eq!(date, expected);
            assert_eq!(date.days(), days);
            expected = if expected.day < days_in_month(expected.year, expected.month) {
                Date {
                    day: expected.day + 1,
                    ..expected
                }
            } else if expected.month < 12 {
                Date {
                    month: expected.month + 1,
                    day: 1,
                    ..expected
                }
            } else {
                Date {
                    year: expected.year + 1,
                    month: 1,
                    day: 1,
                }
            };
        }
    }

    #[test]
    fn known_dates() {
        assert_eq!(Date::parse("1970-01-01").unwrap().days(), 0);
        assert_eq!(Date::parse("2000-03-01").unwrap().days(), 11_017);
        // 18 March 2012 is 30 days after 17 February 2012: 2012 has 29 February.
        let feb = Date::parse("2012-02-17").unwrap().days();
        assert_eq!(iso(feb + 30), "2012-03-18");
        assert_eq!(
            iso(Date::parse("2013-02-17").unwrap().days() + 30),
            "2013-03-19"
        );
        let plus =
            |date: &str, months: i64| Date::parse(date).unwrap().add_months(months).to_string();
        assert_eq!(plus("2019-01-31", 1), "2019-02-28");
        assert_eq!(plus("2020-01-31", 1), "2020-02-29");
        assert_eq!(plus("2020-02-29", 12), "2021-02-28");
        assert_eq!(plus("2019-03-31", -1), "2019-02-28");
        assert_eq!(plus("2019-12-15", 1), "2020-01-15");
        assert_eq!(plus("2019-01-15", -13), "2017-12-15");
        assert!(Date::parse("2019-02-29").is_none());
        assert!(Date::parse("2020-02-29").is_some());
        assert!(Date::parse("1900-02-29").is_none());
        assert!(Date::parse("2019-13-01").is_none());
        assert!(Date::parse("19-01-01").is_none());
    }
}
