-- The last TOTP time step used by each account, so a code cannot be replayed.
alter table users add column totp_last_step bigint;
