-- Villages/communities (村/社区) under a town/street, and enterprises placed in them: the units
-- that quiz rankings and training records count by (participation = participants ÷ the
-- enterprise's registered employees). An enterprise is identified by its unified social credit
-- code (统一社会信用代码); it may be retired (kept for old records, hidden from new choices).
create table villages (
    id integer primary key,
    code text not null unique,
    name_zh text not null,
    name_en text not null,
    town_id integer not null references towns(id),
    kind text not null check (kind in ('village', 'community')),
    active integer not null default 1 check (active in (0, 1)),
    created_at integer not null
);
create index villages_town on villages (town_id);
alter table enterprises add column village_id integer references villages(id);
alter table enterprises add column sector_id integer references sectors(id);
alter table enterprises add column employees integer not null default 0 check (employees >= 0);
alter table enterprises add column active integer not null default 1 check (active in (0, 1));
