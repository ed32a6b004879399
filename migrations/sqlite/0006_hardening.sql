-- Attachments stored encrypted with the data key (1); rows from before stay readable as they are (0).
alter table attachments add column sealed integer not null default 0 check (sealed in (0, 1));
