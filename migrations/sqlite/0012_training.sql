-- Training (安全培训, issue 15): an enterprise's employees as its safety manager keeps them (role
-- category, the day they took the post; no national ID number), its on-site sessions and who
-- attended. Days are day numbers (days since 1970-01-01, China time); minutes are training time
-- (one 学时 is a setting). An attendance row repeats the enterprise, day and minutes of its
-- session so that compliance reads one index range per enterprise or district.
alter table enterprises add column high_risk integer not null default 0 check (high_risk in (0, 1));

create table training_employees (
    id integer primary key,
    enterprise_id integer not null references enterprises(id),
    name text not null,
    category text not null check (category in ('principal', 'safety_manager', 'special_operation', 'other')),
    hired_on integer not null,
    contact text not null default '',
    user_id integer references users(id),
    active integer not null default 1 check (active in (0, 1)),
    created_at integer not null,
    updated_at integer not null
);
create index training_employees_enterprise on training_employees (enterprise_id, active, name);
-- An employee's own portal account (to see their record and print their certificates).
create unique index training_employees_user on training_employees (user_id);

create table training_sessions (
    id integer primary key,
    enterprise_id integer not null references enterprises(id),
    title text not null,
    audience text not null check (audience in ('all', 'principal', 'safety_manager', 'special_operation', 'other')),
    phase text not null check (phase in ('initial', 'refresher')),
    minutes integer not null check (minutes > 0),
    held_on integer not null,
    trainer text not null,
    material text not null default '',
    created_by integer not null references users(id),
    created_at integer not null
);
create index training_sessions_enterprise on training_sessions (enterprise_id, held_on);

create table training_attendance (
    session_id integer not null references training_sessions(id),
    employee_id integer not null references training_employees(id),
    enterprise_id integer not null references enterprises(id),
    held_on integer not null,
    minutes integer not null check (minutes > 0),
    primary key (session_id, employee_id)
);
create index training_attendance_employee on training_attendance (employee_id, held_on);
create index training_attendance_enterprise on training_attendance (enterprise_id, held_on);

-- Special-operation certificates (特种作业操作证) the enterprise keeps for its employees: the
-- operation type, the number on the card, the day of issue and the reviews done (JSON list of
-- YYYY-MM-DD). Validity and the review cycle are settings (6 and 3 years by the national rule).
create table training_op_certificates (
    id integer primary key,
    enterprise_id integer not null references enterprises(id),
    employee_id integer not null references training_employees(id),
    operation text not null,
    number text not null,
    issued_on integer not null,
    reviews text not null default '[]',
    created_at integer not null,
    updated_at integer not null,
    unique (operation, number)
);
create index training_op_certificates_enterprise on training_op_certificates (enterprise_id);

-- Certificates the portal issues (a session attended; later a course completed or a contest
-- taken): printable, checked by anyone with the verification code on a public page, which shows
-- nothing beyond the certificate itself. A revoked one says so; a reissued one names no
-- successor (the new certificate has its own code).
create table certificates (
    id integer primary key,
    code text not null unique,
    kind text not null check (kind in ('session', 'course', 'contest')),
    source_id integer not null,
    holder text not null,
    title text not null,
    issuer text not null,
    hours text,
    issued_on integer not null,
    valid_until integer,
    enterprise_id integer references enterprises(id),
    employee_id integer references training_employees(id),
    issued_by integer references users(id),
    revoked_at integer,
    revoked_reason text,
    replaces integer references certificates(id),
    created_at integer not null
);
create index certificates_employee on certificates (employee_id);
create index certificates_source on certificates (kind, source_id);
