-- Contests (知识竞赛). A contest has a window, rules and the pools its papers are drawn from
-- (JSON: [{"kind","tag","count","points"}]); for employees' contests the eligible enterprises and
-- towns/streets (",1,2,", empty = all). Times of attempts are in milliseconds (time used breaks
-- ties); the contest's own times are Unix seconds like the rest of the schema.
create table quiz_contests (
    id integer primary key,
    title text not null,
    description text not null,
    opens_at integer not null,
    closes_at integer not null,
    time_limit_s integer not null check (time_limit_s > 0),
    attempts_per_day integer not null check (attempts_per_day > 0),
    attempts_total integer not null check (attempts_total >= attempts_per_day),
    valid_percent integer not null check (valid_percent between 0 and 100),
    audience text not null check (audience in ('public', 'employees')),
    review integer not null check (review in (0, 1)),
    partial_credit integer not null check (partial_credit in (0, 1)),
    name_privacy text not null check (name_privacy in ('full', 'masked', 'hidden')),
    pools text not null,
    enterprises text not null,
    towns text not null,
    created_by integer references users(id),
    created_at integer not null,
    updated_at integer not null,
    check (closes_at > opens_at)
);

-- One row per person per contest: an employee (user_id) or a member of the public known by the
-- MAC of their contestant code. Their best result is kept here as attempts finish, so rankings
-- read one row per person instead of scoring attempts again.
create table quiz_contestants (
    id integer primary key,
    contest_id integer not null references quiz_contests(id),
    user_id integer references users(id),
    code_mac text unique,
    nickname text not null,
    enterprise_id integer references enterprises(id),
    town_id integer references towns(id),
    village_id integer references villages(id),
    best_score integer,
    best_time_ms integer,
    best_at integer,
    valid_results integer not null default 0,
    created_at integer not null,
    unique (contest_id, user_id),
    check (user_id is not null or code_mac is not null)
);
create index quiz_contestants_rank on quiz_contestants (contest_id, best_score, best_time_ms, best_at);

-- An attempt: its paper (items) is drawn when it starts. The database allows one attempt per
-- contestant per number, so two tabs cannot start two papers.
create table quiz_attempts (
    id integer primary key,
    token text not null unique,
    contest_id integer not null references quiz_contests(id),
    contestant_id integer not null references quiz_contestants(id),
    number integer not null,
    day integer not null,
    started_at integer not null,
    deadline_at integer not null,
    finished_at integer,
    state text not null check (state in ('open', 'submitted', 'expired')),
    questions integer not null,
    max_score integer not null,
    score integer,
    correct integer,
    valid integer check (valid in (0, 1)),
    unique (contestant_id, number)
);
create index quiz_attempts_open on quiz_attempts (state, deadline_at);

-- A question of a paper at the version drawn; `option_order` maps shown options to stored ones
-- ("CADB": the first option shown is stored option C). `given` is kept in stored form.
create table quiz_attempt_items (
    attempt_id integer not null references quiz_attempts(id),
    position integer not null,
    question_id integer not null references quiz_questions(id),
    version integer not null,
    option_order text not null,
    points integer not null,
    given text,
    answered_at integer,
    marked integer not null default 0 check (marked in (0, 1)),
    earned integer,
    correct integer check (correct in (0, 1)),
    primary key (attempt_id, position)
);
create index quiz_attempt_items_question on quiz_attempt_items (question_id);
