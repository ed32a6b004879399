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
