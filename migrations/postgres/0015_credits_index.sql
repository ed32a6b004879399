-- The district overview and the compliance files read recent hires' credits by employee and day
-- (D27, D28): with the minutes in the index they are read from the index alone
-- (docs/benchmarks.md).
drop index training_attendance_employee;
create index training_attendance_employee on training_attendance (employee_id, held_on, minutes);
