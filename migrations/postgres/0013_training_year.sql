-- Training minutes per employee and calendar year (issue 15: the district overview). Kept by
-- `training::ssr::set_attendance` in the transaction that changes a session's attendance, so that
-- the district's compliance reads one row per employee instead of every attendance row. Days are
-- day numbers (days since 1970-01-01, China time); the year is that day's calendar year.
create table training_year_minutes (
    employee_id bigint not null references training_employees(id),
    year bigint not null,
    minutes bigint not null check (minutes >= 0),
    primary key (employee_id, year)
);
insert into training_year_minutes (employee_id, year, minutes)
    select employee_id, extract(year from date '1970-01-01' + held_on::integer)::bigint, sum(minutes)
    from training_attendance group by 1, 2;
-- The district overview reads recent hires apart (their initial window is not a calendar year).
create index training_employees_hired on training_employees (hired_on);
