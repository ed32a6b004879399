-- Staff workflow: routing table, department assignments, verification and rectification,
-- extensions, escalated reviews, reward decisions with a second approver, the holiday calendar,
-- deadline breaches and the hash-chained audit log.
alter table reports add column lead_department_id integer references departments(id);
alter table reports add column accepted_at integer;
alter table reports add column routed_at integer;
alter table reports add column decision_code text;
alter table reports add column duplicate_of integer references reports(id);
alter table reports add column transfer_target text;
alter table reports add column verification_result text check (verification_result in
    ('true', 'partly_true', 'not_true', 'unverifiable'));
alter table reports add column verified_at integer;
alter table reports add column fine_fen integer check (fine_fen >= 0);
alter table reports add column handling_actions text;
alter table reports add column handling_account text;
alter table reports add column extension_days integer;
alter table reports add column extension_reason text;
alter table reports add column extension_status text check (extension_status in ('requested', 'approved', 'refused'));
alter table reports add column escalated_at integer;
alter table reports add column review_outcome text check (review_outcome in ('upheld', 'reverify'));
alter table reports add column closed_at integer;
alter table reports add column payment_reference text;
alter table report_events add column code text;

-- Sector (× town/street, or any town when null) → lead department and cooperating departments.
create table routing_rules (
    id integer primary key,
    sector_id integer not null references sectors(id),
    town_id integer references towns(id),
    lead_department_id integer not null references departments(id),
    updated_at integer not null
);
create table routing_cooperators (
    rule_id integer not null references routing_rules(id) on delete cascade,
    department_id integer not null references departments(id),
    primary key (rule_id, department_id)
);

-- Departments working on a case: one lead (主办), any number cooperating (协办).
create table report_departments (
    report_id integer not null references reports(id),
    department_id integer not null references departments(id),
    role text not null check (role in ('lead', 'cooperating')),
    primary key (report_id, department_id)
);
create index report_departments_department on report_departments (department_id);

-- 五落实: responsible person, measures, funds, deadline, contingency plan; then completion.
create table rectifications (
    report_id integer primary key references reports(id),
    responsible text not null,
    measures text not null,
    funds text not null,
    deadline text not null,
    contingency text not null,
    completed_at integer,
    evidence text,
    created_at integer not null
);

-- A reward decision waits for a second reward officer's approval.
create table reward_decisions (
    report_id integer primary key references reports(id),
    eligible integer not null check (eligible in (0, 1)),
    reason_code text not null,
    amount_fen integer not null check (amount_fen >= 0),
    note text not null,
    decided_by integer not null references users(id),
    decided_at integer not null,
    approved_by integer references users(id),
    approved_at integer,
    check (approved_by is null or approved_by <> decided_by)
);

-- Public holidays ('off') and make-up working days ('work', 调休). Other days: Mon–Fri work.
create table holidays (
    day text primary key not null,
    kind text not null check (kind in ('off', 'work')),
    name text not null
);

create table deadline_breaches (
    id integer primary key,
    report_id integer not null references reports(id),
    stage text not null,
    due_at integer not null,
    recorded_at integer not null,
    unique (report_id, stage, due_at)
);

-- Append-only, hash-chained: hash = SHA-256 over the row's fields and the previous row's hash.
create table audit_log (
    seq integer primary key,
    at integer not null,
    user_id integer references users(id),
    action text not null,
    report_id integer references reports(id),
    reason text,
    details text not null,
    prev_hash text not null,
    hash text not null
);
create index audit_log_report on audit_log (report_id, seq);
create trigger audit_log_no_update before update on audit_log
begin
    select raise(abort, 'audit_log is append-only');
end;
create trigger audit_log_no_delete before delete on audit_log
begin
    select raise(abort, 'audit_log is append-only');
end;

-- The State Council's holiday notices for 2025 and 2026 (admins add later years and correct these).
insert into holidays (day, kind, name) values
    ('2025-01-01', 'off', '元旦'),
    ('2025-01-26', 'work', '春节调休'), ('2025-01-28', 'off', '春节'), ('2025-01-29', 'off', '春节'),
    ('2025-01-30', 'off', '春节'), ('2025-01-31', 'off', '春节'), ('2025-02-01', 'off', '春节'),
    ('2025-02-02', 'off', '春节'), ('2025-02-03', 'off', '春节'), ('2025-02-04', 'off', '春节'),
    ('2025-02-08', 'work', '春节调休'),
    ('2025-04-04', 'off', '清明节'), ('2025-04-05', 'off', '清明节'), ('2025-04-06', 'off', '清明节'),
    ('2025-04-27', 'work', '劳动节调休'), ('2025-05-01', 'off', '劳动节'), ('2025-05-02', 'off', '劳动节'),
    ('2025-05-03', 'off', '劳动节'), ('2025-05-04', 'off', '劳动节'), ('2025-05-05', 'off', '劳动节'),
    ('2025-05-31', 'off', '端午节'), ('2025-06-01', 'off', '端午节'), ('2025-06-02', 'off', '端午节'),
    ('2025-09-28', 'work', '国庆节调休'), ('2025-10-01', 'off', '国庆节、中秋节'),
    ('2025-10-02', 'off', '国庆节、中秋节'), ('2025-10-03', 'off', '国庆节、中秋节'),
    ('2025-10-04', 'off', '国庆节、中秋节'), ('2025-10-05', 'off', '国庆节、中秋节'),
    ('2025-10-06', 'off', '国庆节、中秋节'), ('2025-10-07', 'off', '国庆节、中秋节'),
    ('2025-10-08', 'off', '国庆节、中秋节'), ('2025-10-11', 'work', '国庆节调休'),
    ('2026-01-01', 'off', '元旦'), ('2026-01-02', 'off', '元旦'), ('2026-01-03', 'off', '元旦'),
    ('2026-01-04', 'work', '元旦调休'),
    ('2026-02-14', 'work', '春节调休'), ('2026-02-15', 'off', '春节'), ('2026-02-16', 'off', '春节'),
    ('2026-02-17', 'off', '春节'), ('2026-02-18', 'off', '春节'), ('2026-02-19', 'off', '春节'),
    ('2026-02-20', 'off', '春节'), ('2026-02-21', 'off', '春节'), ('2026-02-22', 'off', '春节'),
    ('2026-02-23', 'off', '春节'), ('2026-02-28', 'work', '春节调休'),
    ('2026-04-04', 'off', '清明节'), ('2026-04-05', 'off', '清明节'), ('2026-04-06', 'off', '清明节'),
    ('2026-05-01', 'off', '劳动节'), ('2026-05-02', 'off', '劳动节'), ('2026-05-03', 'off', '劳动节'),
    ('2026-05-04', 'off', '劳动节'), ('2026-05-05', 'off', '劳动节'), ('2026-05-09', 'work', '劳动节调休'),
    ('2026-06-19', 'off', '端午节'), ('2026-06-20', 'off', '端午节'), ('2026-06-21', 'off', '端午节'),
    ('2026-09-20', 'work', '国庆节调休'),
    ('2026-09-25', 'off', '中秋节'), ('2026-09-26', 'off', '中秋节'), ('2026-09-27', 'off', '中秋节'),
    ('2026-10-01', 'off', '国庆节'), ('2026-10-02', 'off', '国庆节'), ('2026-10-03', 'off', '国庆节'),
    ('2026-10-04', 'off', '国庆节'), ('2026-10-05', 'off', '国庆节'), ('2026-10-06', 'off', '国庆节'),
    ('2026-10-07', 'off', '国庆节'), ('2026-10-10', 'work', '国庆节调休');
