-- Editable organisation data and merged cases.
-- A department may belong to one town/street: its work safety station (安监站), the target of a
-- hand-down (交办). Towns/streets can be retired (kept for old cases, hidden from new reports).
-- A case merged into an earlier one (并案) follows that case and receives its joint reply.
alter table departments add column town_id integer references towns(id);
alter table towns add column active integer not null default 1 check (active in (0, 1));
alter table reports add column merged_into integer references reports(id);
create index reports_merged_into on reports (merged_into);
