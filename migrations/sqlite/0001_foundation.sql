-- Foundation: reference data (departments, towns/streets, enterprises), accounts, sessions,
-- login throttling. Times are Unix seconds; flags are 0/1 integers (portable through sqlx Any).
create table departments (
    id integer primary key,
    code text not null unique,
    name_zh text not null,
    name_en text not null,
    active integer not null default 1 check (active in (0, 1)),
    created_at integer not null
);

create table towns (
    id integer primary key,
    code text not null unique,
    name_zh text not null,
    name_en text not null,
    kind text not null check (kind in ('town', 'street')),
    created_at integer not null
);

create table enterprises (
    id integer primary key,
    name text not null,
    credit_code text unique,
    town_id integer references towns(id),
    created_at integer not null
);

create table users (
    id integer primary key,
    username text not null unique,
    display_name text not null,
    password_hash text not null,
    role text not null check (role in ('admin', 'intake_officer', 'department_handler',
        'reward_officer', 'training_admin', 'enterprise_manager', 'employee')),
    department_id integer references departments(id),
    enterprise_id integer references enterprises(id),
    totp_secret text,
    active integer not null default 1 check (active in (0, 1)),
    is_demo integer not null default 0 check (is_demo in (0, 1)),
    created_at integer not null,
    updated_at integer not null,
    check (role <> 'department_handler' or department_id is not null),
    check (role not in ('enterprise_manager', 'employee') or enterprise_id is not null)
);

create table sessions (
    id text primary key not null,
    data blob not null,
    expiry_date integer not null
);
create index sessions_expiry on sessions (expiry_date);

create table login_throttle (
    key text primary key not null,
    failures integer not null,
    window_start integer not null,
    locked_until integer not null
);
