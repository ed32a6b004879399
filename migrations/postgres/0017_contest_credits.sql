-- Contest results that count as training hours (issue 15): a contest may credit employees with
-- minutes of training (0: it does not count) for their first valid result. The credit names the
-- contest as it was then, so an employee's record reads it without the quiz's tables. Kept by
-- `credits::ssr::credit_contest` in the transaction that scores the attempt, which also keeps
-- `training_year_minutes`.
alter table quiz_contests add column credit_minutes bigint not null default 0 check (credit_minutes between 0 and 480);

create table training_contest_credits (
    employee_id bigint not null references training_employees(id),
    contest_id bigint not null references quiz_contests(id),
    enterprise_id bigint not null references enterprises(id),
    title text not null,
    credited_on bigint not null,
    minutes bigint not null check (minutes > 0),
    credited_at bigint not null,
    primary key (employee_id, contest_id)
);
create index training_contest_credits_employee on training_contest_credits (employee_id, credited_on, minutes);
create index training_contest_credits_enterprise on training_contest_credits (enterprise_id, credited_on);

-- Every training that counts towards an employee's hours: sessions attended, courses completed
-- and contests passed.
drop view training_credits;
create view training_credits as
    select employee_id, enterprise_id, held_on, minutes from training_attendance
    union all
    select employee_id, enterprise_id, completed_on as held_on, minutes from training_course_completions
    union all
    select employee_id, enterprise_id, credited_on as held_on, minutes from training_contest_credits;
