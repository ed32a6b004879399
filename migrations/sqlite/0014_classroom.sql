-- The network classroom (网络课堂, issue 15): courses the training administrator writes, made of
-- lessons (text, one file served by the portal, a short check quiz), and each employee's progress.
-- A lesson counts as done when its check is passed at least its minimum time after the employee
-- first opened it; a course is completed when every lesson is done, and only then are its
-- minutes credited (a completion row, read with the attendance through `training_credits`).
create table training_courses (
    id integer primary key,
    title text not null,
    summary text not null default '',
    minutes integer not null check (minutes > 0),
    published integer not null default 0 check (published in (0, 1)),
    created_by integer not null references users(id),
    created_at integer not null,
    updated_at integer not null
);

-- `questions`: JSON list of {"prompt", "options": [..], "answer": index}, checked by the app.
create table training_lessons (
    id integer primary key,
    course_id integer not null references training_courses(id),
    position integer not null,
    title text not null,
    body text not null default '',
    min_seconds integer not null check (min_seconds >= 0),
    questions text not null default '[]',
    created_at integer not null,
    unique (course_id, position)
);

-- One file per lesson (an image re-encoded without its metadata, a PDF or a video), kept in the
-- database like the report attachments so that every instance serves it and backups include it.
create table training_lesson_files (
    lesson_id integer primary key references training_lessons(id),
    kind text not null check (kind in ('image', 'video', 'document')),
    content_type text not null,
    size_bytes integer not null,
    sha256 text not null,
    data blob not null,
    created_at integer not null
);

create table training_lesson_progress (
    employee_id integer not null references training_employees(id),
    lesson_id integer not null references training_lessons(id),
    opened_at integer not null,
    attempts integer not null default 0,
    passed_at integer,
    primary key (employee_id, lesson_id)
);
create index training_lesson_progress_lesson on training_lesson_progress (lesson_id);

create table training_course_completions (
    employee_id integer not null references training_employees(id),
    course_id integer not null references training_courses(id),
    enterprise_id integer not null references enterprises(id),
    completed_on integer not null,
    minutes integer not null check (minutes > 0),
    completed_at integer not null,
    primary key (employee_id, course_id)
);
create index training_course_completions_employee on training_course_completions (employee_id, completed_on);
create index training_course_completions_enterprise on training_course_completions (enterprise_id, completed_on);

-- Every training that counts towards an employee's hours: sessions attended and courses completed.
create view training_credits as
    select employee_id, enterprise_id, held_on, minutes from training_attendance
    union all
    select employee_id, enterprise_id, completed_on as held_on, minutes from training_course_completions;
