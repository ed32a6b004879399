//! Training credits (学时记录): every kind of training that counts towards an employee's hours —
//! on-site sessions attended and courses completed (the training area), contests passed (the
//! quiz area) — and the yearly minutes kept from them for the district overview.
//!
//! Below both areas that credit training, so that the quiz can credit a contest without
//! importing the training area (docs/architecture.md, decision D34). Each kind of credit is a
//! table with `employee_id`, `enterprise_id`, `minutes` and a day column, indexed by
//! (employee_id, day); the view `training_credits` is their union for simple reads.

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::base::calendar::Day;
    use crate::base::errors::AppError;

    /// Every kind of credit (table, day column).
    const CREDITS: &[(&str, &str)] = &[
        ("training_attendance", "held_on"),
        ("training_course_completions", "completed_on"),
        ("training_contest_credits", "credited_on"),
    ];

    /// The view `training_credits` spelled out: `select` (with `{credits}` for the table and
    /// `{day}` for its day column) over each kind of credit, joined by `union all`. In a join
    /// SQLite reads the view 15 times slower than this (docs/benchmarks.md), as it cannot take the
    /// conditions into each branch's index.
    pub fn credits(select: &str) -> String {
        CREDITS
            .iter()
            .map(|(table, day)| select.replace("{credits}", table).replace("{day}", day))
            .collect::<Vec<_>>()
            .join(" union all ")
    }

    /// The minutes credited to `employee` (a column) from day `lo` to day `hi`, both included,
    /// as an SQL expression: a correlated sum over each kind of credit by its index.
    pub fn credit_sum(employee: &str, lo: &str, hi: &str) -> String {
        CREDITS
            .iter()
            .map(|(table, day)| {
                format!("coalesce((select sum(c.minutes) from {table} c where c.employee_id = {employee} and c.{day} >= {lo} and c.{day} <= {hi}), 0)")
            })
            .collect::<Vec<_>>()
            .join(" + ")
    }

    /// Recompute the yearly minutes of `employees` for the year of `day` from their credits, in
    /// the transaction that changed them.
    pub async fn refresh_year_minutes(
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        employees: &[i64],
        day: i64,
    ) -> Result<(), AppError> {
        let year = Day(day).ymd().0;
        let (Some(from), Some(to)) = (Day::from_ymd(year, 1, 1), Day::from_ymd(year, 12, 31)) else {
            return Err(AppError::field("year", "date_out_of_range"));
        };
        for chunk in employees.chunks(200) {
            let list = |first: usize| {
                (0..chunk.len())
                    .map(|i| format!("${}", i + first))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let delete = format!(
                "delete from training_year_minutes where year = $1 and employee_id in ({})",
                list(2)
            );
            let mut q = sqlx::query(&delete).bind(year);
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(&mut **tx).await?;
            let insert = format!(
                "insert into training_year_minutes (employee_id, year, minutes) select employee_id, $1, sum(minutes) from ({}) c \
                 group by employee_id",
                credits("select a.employee_id, a.minutes from {credits} a where a.{day} >= $2 and a.{day} <= $3 and a.employee_id in (LIST)")
                    .replace("LIST", &list(4))
            );
            let mut q = sqlx::query(&insert).bind(year).bind(from.0).bind(to.0);
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// The active employee whose portal account is `user_id`: (employee, enterprise, name).
    pub async fn employee_of_account(
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        user_id: i64,
    ) -> Result<Option<(i64, i64, String)>, AppError> {
        Ok(sqlx::query_as("select id, enterprise_id, name from training_employees where user_id = $1 and active = 1")
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?)
    }

    /// Credit `employee` (of `enterprise`) with `minutes` of training for contest `contest_id`
    /// (named `title`), on the day of `at` (Unix seconds), in the transaction that scored their
    /// valid result. Once per contest: a later valid result adds nothing, and a contest that
    /// credits nothing adds nothing. Returns whether a credit was added.
    pub async fn credit_contest(
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        (employee, enterprise): (i64, i64),
        contest_id: i64,
        title: &str,
        minutes: i64,
        at: i64,
    ) -> Result<bool, AppError> {
        if minutes <= 0 {
            return Ok(false);
        }
        let day = Day::of_timestamp(at).0;
        let added = sqlx::query(
            "insert into training_contest_credits (employee_id, contest_id, enterprise_id, title, credited_on, minutes, credited_at) \
             values ($1, $2, $3, $4, $5, $6, $7) on conflict (employee_id, contest_id) do nothing",
        )
        .bind(employee)
        .bind(contest_id)
        .bind(enterprise)
        .bind(title)
        .bind(day)
        .bind(minutes)
        .bind(at)
        .execute(&mut **tx)
        .await?;
        if added.rows_affected() == 0 {
            return Ok(false);
        }
        refresh_year_minutes(tx, &[employee], day).await?;
        Ok(true)
    }
}
