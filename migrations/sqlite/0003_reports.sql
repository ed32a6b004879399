-- Public tip-off: sectors (reference data), reports with their sealed reporter identity,
-- attachments (stored in the database so every instance reads them and backups include them),
-- messages, the reporter-visible timeline, objections, reward claims and spent form tokens.
create table sectors (
    id integer primary key,
    code text not null unique,
    name_zh text not null,
    name_en text not null,
    active integer not null default 1 check (active in (0, 1)),
    sort_order integer not null default 0,
    created_at integer not null
);

create table reports (
    id integer primary key,
    case_number text not null unique,
    access_hash text not null,
    channel text not null default 'web',
    report_type text not null check (report_type in ('major_hazard', 'general_hazard', 'violation',
        'concealed_accident', 'other')),
    sector_id integer not null references sectors(id),
    town_id integer not null references towns(id),
    unit_name text,
    address text not null,
    latitude_e6 integer,
    longitude_e6 integer,
    location_from_photo integer not null default 0 check (location_from_photo in (0, 1)),
    seen_on text,
    description text not null,
    anonymous integer not null check (anonymous in (0, 1)),
    works_there integer check (works_there in (0, 1)),
    status text not null default 'submitted' check (status in ('submitted', 'accepted', 'not_accepted',
        'transferred', 'verifying', 'extended', 'replied', 'objection', 'review', 'closed', 'withdrawn')),
    spam integer not null default 0 check (spam in (0, 1)),
    received_at integer not null,
    due_at integer,
    updated_at integer not null,
    reply_text text,
    replied_at integer,
    objection_until integer,
    withdrawn_at integer,
    reward_status text not null default 'none' check (reward_status in ('none', 'approved', 'claimed',
        'paid', 'expired', 'denied')),
    reward_amount_fen integer,
    reward_notified_at integer,
    reward_claim_until integer,
    reward_paid_at integer
);
create index reports_status on reports (status, received_at);

-- Name, phone and joint reporters of a real-name report, encrypted with the data key
-- (associated data: "report_identities:<report id>"). Kept apart from the case data.
create table report_identities (
    report_id integer primary key references reports(id),
    sealed text not null,
    created_at integer not null
);

create table report_messages (
    id integer primary key,
    report_id integer not null references reports(id),
    author text not null check (author in ('reporter', 'staff')),
    staff_user_id integer references users(id),
    body text not null,
    created_at integer not null
);
create index report_messages_report on report_messages (report_id, id);

create table attachments (
    id integer primary key,
    report_id integer not null references reports(id),
    message_id integer references report_messages(id),
    kind text not null check (kind in ('image', 'video', 'audio', 'document')),
    content_type text not null,
    size_bytes integer not null,
    sha256 text not null,
    metadata_removed integer not null check (metadata_removed in (0, 1)),
    data blob not null,
    created_at integer not null
);
create index attachments_report on attachments (report_id);

-- What the reporter sees on the timeline (status changes with dates; no staff names).
create table report_events (
    id integer primary key,
    report_id integer not null references reports(id),
    kind text not null,
    note text,
    created_at integer not null
);
create index report_events_report on report_events (report_id, id);

create table objections (
    id integer primary key,
    report_id integer not null references reports(id),
    body text not null,
    created_at integer not null
);

-- Payee name, ID number and account for a claimed reward, encrypted ("reward_claims:<report id>").
create table reward_claims (
    report_id integer primary key references reports(id),
    sealed text not null,
    created_at integer not null
);

-- Spent single-use form tokens (by nonce) until they expire.
create table used_form_tokens (
    nonce text primary key not null,
    expires_at integer not null
);
create index used_form_tokens_expiry on used_form_tokens (expires_at);

insert into sectors (code, name_zh, name_en, sort_order, created_at) values
    ('WHP', '危险化学品', 'Hazardous chemicals', 0, 0),
    ('HG', '化工、医药', 'Chemicals and pharmaceuticals', 10, 0),
    ('KS', '非煤矿山、尾矿库', 'Non-coal mines and tailings ponds', 20, 0),
    ('YHBZ', '烟花爆竹', 'Fireworks', 30, 0),
    ('GM', '工贸（冶金、有色、建材、机械、轻工、纺织、烟草、商贸）', 'Industry and trade (metallurgy, building materials, machinery, light industry, textiles, tobacco, commerce)', 40, 0),
    ('FC', '粉尘涉爆、有限空间、涉氨制冷', 'Combustible dust, confined spaces, ammonia refrigeration', 50, 0),
    ('JZ', '建筑施工', 'Construction', 60, 0),
    ('RQ', '城镇燃气', 'Urban gas', 70, 0),
    ('ZJF', '经营性自建房、房屋安全', 'Self-built commercial buildings, building safety', 80, 0),
    ('DLJT', '道路交通', 'Road traffic', 90, 0),
    ('DLYS', '道路运输', 'Road transport companies', 100, 0),
    ('SS', '水上交通、渔业船舶', 'Waterways and fishing vessels', 110, 0),
    ('TZSB', '特种设备（电梯、锅炉、压力容器、起重机械等）', 'Special equipment (lifts, boilers, pressure vessels, cranes…)', 120, 0),
    ('XF', '消防、火灾隐患', 'Fire safety', 130, 0),
    ('MB', '民用爆炸物品', 'Civil explosives', 140, 0),
    ('DL', '电力', 'Electric power', 150, 0),
    ('WL', '文化娱乐、旅游景区', 'Entertainment venues and tourist sites', 160, 0),
    ('JD', '寄递物流', 'Delivery and logistics', 170, 0),
    ('JYWS', '学校、医疗机构、养老机构', 'Schools, hospitals, care homes', 180, 0),
    ('NY', '农业机械、农村', 'Farm machinery, rural areas', 190, 0),
    ('SL', '水利工程', 'Water works', 200, 0),
    ('XNY', '新能源汽车、充换电', 'New-energy vehicles and charging', 210, 0),
    ('QT', '其他、不清楚', 'Other / not sure', 220, 0);
