-- The quiz question bank (题库). A question's content lives in versions: every edit adds one
-- (a contest keeps the version it drew), `current_version` is the one shown and drawn.
-- Options are a JSON array of strings; tags are sector codes as ",FC,WHP," (searchable by LIKE).
create table quiz_questions (
    id integer primary key,
    kind text not null check (kind in ('single', 'multiple', 'true_false', 'fill')),
    current_version integer not null,
    active integer not null default 1 check (active in (0, 1)),
    created_at integer not null,
    updated_at integer not null
);
create table quiz_question_versions (
    id integer primary key,
    question_id integer not null references quiz_questions(id),
    version integer not null,
    kind text not null check (kind in ('single', 'multiple', 'true_false', 'fill')),
    stem text not null,
    options text not null,
    answer text not null,
    explanation text not null,
    tags text not null,
    difficulty integer not null check (difficulty between 1 and 3),
    source text not null,
    edited_by integer references users(id),
    created_at integer not null,
    unique (question_id, version)
);
