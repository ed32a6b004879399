-- Disaster information officers (灾害信息员, issue 15): the people who report disasters at each of
-- the three levels — the district, a town/street, a village/community — and the district's
-- trainings for them. The coverage the bureau reports (三级信息员培训全覆盖) is read from these:
-- a unit is covered in a year when one of its serving officers attended a training held in it.
-- A district officer names no town or village; a town/street officer names their town; a
-- village/community officer names their village and, repeated, its town (for grouping).
create table info_officers (
    id integer primary key,
    name text not null,
    level text not null check (level in ('district', 'town', 'village')),
    town_id integer references towns(id),
    village_id integer references villages(id),
    contact text not null default '',
    appointed_on integer not null,
    active integer not null default 1 check (active in (0, 1)),
    created_at integer not null,
    updated_at integer not null,
    check ((level = 'district' and town_id is null and village_id is null)
        or (level = 'town' and town_id is not null and village_id is null)
        or (level = 'village' and town_id is not null and village_id is not null))
);
create index info_officers_unit on info_officers (level, town_id, village_id);

create table info_officer_trainings (
    id integer primary key,
    title text not null,
    held_on integer not null,
    minutes integer not null check (minutes > 0),
    trainer text not null,
    material text not null default '',
    created_by integer not null references users(id),
    created_at integer not null
);
create index info_officer_trainings_day on info_officer_trainings (held_on);

create table info_officer_attendance (
    training_id integer not null references info_officer_trainings(id),
    officer_id integer not null references info_officers(id),
    primary key (training_id, officer_id)
);
create index info_officer_attendance_officer on info_officer_attendance (officer_id);
