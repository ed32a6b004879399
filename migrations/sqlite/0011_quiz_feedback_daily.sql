-- Error reports on questions (纠错), sent from practice, the daily challenge or a contest's
-- review. A public form: nothing about the sender is stored, only the question version, what is
-- wrong with it, and the administrator's decision.
create table quiz_feedback (
    id integer primary key,
    question_id integer not null references quiz_questions(id),
    version integer not null,
    origin text not null check (origin in ('practice', 'daily', 'contest')),
    reason text not null check (reason in ('answer', 'stem', 'options', 'explanation', 'outdated', 'other')),
    comment text not null,
    created_at integer not null,
    status text not null default 'open' check (status in ('open', 'fixed', 'rejected')),
    decided_by integer references users(id),
    decided_at integer,
    decision_note text not null default ''
);
create index quiz_feedback_status on quiz_feedback (status, created_at);
create index quiz_feedback_question on quiz_feedback (question_id);

-- The daily challenge (每日一练): an employee's questions of a day (China time, days since
-- 1970-01-01), drawn at the first visit of that day and then fixed; each answered once.
create table quiz_daily (
    user_id integer not null references users(id),
    day integer not null,
    position integer not null,
    question_id integer not null references quiz_questions(id),
    version integer not null,
    given text,
    correct integer check (correct in (0, 1)),
    answered_at integer,
    primary key (user_id, day, position)
);
