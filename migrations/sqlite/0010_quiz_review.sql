-- The administrator's review of a suspicious attempt ('cleared' or 'disqualified'); a
-- disqualified contestant leaves the rankings.
alter table quiz_attempts add column review text check (review in ('cleared', 'disqualified'));
alter table quiz_contestants add column disqualified integer not null default 0 check (disqualified in (0, 1));
