//! `safewhistle seed-demo`: reference data and one account per role for a demo or a newcomer.
//! It refuses to touch a database that already holds real (non-demo) accounts.
use anyhow::{bail, Context};
use app::accounts::ssr::{hash_password_blocking, insert_user, NewUser};
use app::accounts::Role;
use app::base::db::{now, Db};
use rand::Rng;

/// (code, 中文, English) — the typical district allocation of domain-rules §5.2.
pub const DEPARTMENTS: &[(&str, &str, &str)] = &[
    ("YJJ", "区应急管理局", "District Emergency Management Bureau"),
    ("ZJJ", "区住房和城乡建设局", "District Housing and Construction Bureau"),
    ("SCJGJ", "区市场监督管理局", "District Market Regulation Bureau"),
    ("XFJY", "区消防救援大队", "District Fire and Rescue Brigade"),
    ("JTJ", "区交通运输局", "District Transport Bureau"),
    ("GAFJ", "公安分局", "District Public Security Sub-bureau"),
    ("CGJ", "区城市管理局", "District Urban Management Bureau"),
    ("WLJ", "区文化和旅游局", "District Culture and Tourism Bureau"),
    ("JYJ", "区教育局", "District Education Bureau"),
    ("WJW", "区卫生健康委员会", "District Health Commission"),
    ("MZJ", "区民政局", "District Civil Affairs Bureau"),
    ("NYJ", "区农业农村局", "District Agriculture and Rural Affairs Bureau"),
    ("SLJ", "区水利局", "District Water Resources Bureau"),
    ("AWB", "区安委会办公室", "District Work Safety Committee Office"),
];

/// (code, 中文, English, kind) — demo towns and streets.
/// Demo villages/communities: code, names, town/street, kind.
pub const VILLAGES: &[(&str, &str, &str, &str, &str)] = &[
    ("XZ01-C01", "临湖村", "Linhu Village", "XZ01", "village"),
    ("XZ01-C02", "湖滨村", "Hubin Village", "XZ01", "village"),
    ("JD01-S01", "南门社区", "Nanmen Community", "JD01", "community"),
    ("YQ01-S01", "创业社区", "Chuangye Community", "YQ01", "community"),
];

pub const TOWNS: &[(&str, &str, &str, &str)] = &[
    ("JD01", "城关街道", "Chengguan Subdistrict", "street"),
    ("JD02", "东城街道", "Dongcheng Subdistrict", "street"),
    ("JD03", "西城街道", "Xicheng Subdistrict", "street"),
    ("XZ01", "临湖镇", "Linhu Town", "town"),
    ("XZ02", "双河镇", "Shuanghe Town", "town"),
    ("YQ01", "经济开发区", "Economic Development Zone", "street"),
];

/// Sector → (lead department, cooperating departments): the typical district allocation of
/// domain-rules §5.2. Admins change it on /admin/routing. Departments outside this district's
/// list (power, post, energy) fall to the work safety committee office, which assigns them.
pub const ROUTING: &[(&str, &str, &[&str])] = &[
    ("WHP", "YJJ", &[]),
    ("HG", "YJJ", &[]),
    ("KS", "YJJ", &[]),
    ("YHBZ", "YJJ", &["GAFJ"]),
    ("GM", "YJJ", &[]),
    ("FC", "YJJ", &[]),
    ("JZ", "ZJJ", &[]),
    ("RQ", "ZJJ", &["SCJGJ"]),
    ("ZJF", "ZJJ", &[]),
    ("DLJT", "GAFJ", &[]),
    ("DLYS", "JTJ", &[]),
    ("SS", "JTJ", &["NYJ"]),
    ("TZSB", "SCJGJ", &[]),
    ("XF", "XFJY", &[]),
    ("MB", "GAFJ", &[]),
    ("DL", "AWB", &[]),
    ("WL", "WLJ", &["GAFJ", "XFJY"]),
    ("JD", "AWB", &[]),
    ("JYWS", "JYJ", &["WJW", "MZJ"]),
    ("NY", "NYJ", &[]),
    ("SL", "SLJ", &[]),
    ("XNY", "AWB", &[]),
    ("QT", "AWB", &[]),
];

/// Town-specific rules on top: the development zone's dust and confined-space work is checked
/// together with the fire brigade.
pub const ROUTING_BY_TOWN: &[(&str, &str, &str, &[&str])] = &[("FC", "YQ01", "YJJ", &["XFJY"])];

pub struct DemoAccount {
    pub username: &'static str,
    pub role: Role,
    pub password: String,
}

fn demo_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789";
    let mut rng = rand::thread_rng();
    (0..16).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

/// Seed the demo data. Returns `None` when demo data is already present.
pub async fn seed_demo(db: &Db) -> anyhow::Result<Option<Vec<DemoAccount>>> {
    let real: i64 = sqlx::query_scalar("select count(*) from users where is_demo = 0")
        .fetch_one(&db.pool)
        .await
        .context("counting accounts")?;
    if real > 0 {
        bail!("refusing to seed demo data: this database already holds {real} real account(s)");
    }
    let demo: i64 = sqlx::query_scalar("select count(*) from users where is_demo = 1").fetch_one(&db.pool).await?;
    if demo > 0 {
        return Ok(None);
    }
    seed_reference(db).await?;
    let accounts = seed_accounts(db).await?;
    seed_questions(db).await?;
    seed_contest(db).await?;
    seed_training(db).await?;
    Ok(Some(accounts))
}

/// The demo enterprise's employees (name, category, day of taking the post) as its safety
/// manager keeps them, one on-site session this year attended by some, so that the compliance
/// page shows people ahead and behind.
const EMPLOYEES: &[(&str, &str, &str)] = &[
    ("周建国", "principal", "2015-03-01"),
    ("王丽", "safety_manager", "2019-07-15"),
    ("陈刚", "special_operation", "2018-05-20"),
    ("刘强", "other", "2021-09-01"),
    ("赵敏", "other", "2023-02-10"),
    ("孙磊", "other", "2024-06-03"),
];

async fn seed_training(db: &Db) -> anyhow::Result<()> {
    use app::base::calendar::Day;
    let (manager, enterprise): (i64, i64) = sqlx::query_as("select id, enterprise_id from users where username = 'demo.manager'")
        .fetch_one(&db.pool)
        .await?;
    // A fine-chemicals plant: a high-risk sector (48/16 学时 for its managers).
    sqlx::query("update enterprises set high_risk = 1 where id = $1").bind(enterprise).execute(&db.pool).await?;
    let today = app::training::ssr::today();
    let mut ids = Vec::new();
    for (name, category, hired) in EMPLOYEES {
        let v = app::training::validate_employee(name, category, hired, "", today).map_err(|e| anyhow::anyhow!("demo employee {name}: {e:?}"))?;
        let id = app::training::ssr::save_employee(db, manager, enterprise, None, &v, true, "")
            .await
            .map_err(|e| anyhow::anyhow!("demo employee {name}: {e:?}"))?;
        ids.push(id);
    }
    // A session at the start of this year (or today, on 1 January).
    let jan = Day::from_ymd(today.ymd().0, 1, 5).unwrap_or(today).min(today);
    let s = app::training::validate_session("年度安全生产再培训", "all", "refresher", "8", &jan.to_string(), "区应急管理局", "《安全生产法》、危险化学品安全", 45, today)
        .map_err(|e| anyhow::anyhow!("demo session: {e:?}"))?;
    let session = app::training::session_store::save_session(db, manager, enterprise, &s).await.map_err(|e| anyhow::anyhow!("demo session: {e:?}"))?;
    app::training::session_store::set_attendance(db, manager, enterprise, session, &ids[..4], today)
        .await
        .map_err(|e| anyhow::anyhow!("demo attendance: {e:?}"))?;
    seed_officers(db, today).await
}

/// Demo disaster information officers (name, unit): some units have one, one of them untrained,
/// the rest none, so that the coverage page shows each state.
const OFFICERS: &[(&str, &str)] = &[
    ("黄志远", "district"),
    ("吴秀英", "town:XZ01"),
    ("郑海", "town:YQ01"),
    ("冯桂兰", "village:XZ01-C01"),
];

async fn seed_officers(db: &Db, today: app::base::calendar::Day) -> anyhow::Result<()> {
    use app::base::calendar::Day;
    use app::training::{officer_store, officers};
    let trainer = demo_trainer(db).await?;
    let mut ids = Vec::new();
    for (name, unit) in OFFICERS {
        let v = officers::validate_officer(name, unit, "", "2022-03-01", today).map_err(|e| anyhow::anyhow!("demo officer {name}: {e:?}"))?;
        ids.push(officer_store::save_officer(db, trainer, None, &v, true).await.map_err(|e| anyhow::anyhow!("demo officer {name}: {e:?}"))?);
    }
    // The district's training for 5·12 (Disaster Prevention Day), or today before it.
    let day = Day::from_ymd(today.ymd().0, 5, 12).unwrap_or(today).min(today);
    let t = officers::validate_officer_training("灾害信息员业务培训", "4", &day.to_string(), "区应急管理局", "灾情统计报表制度、灾情报送系统操作", 45, today)
        .map_err(|e| anyhow::anyhow!("demo officer training: {e:?}"))?;
    let training = officer_store::save_training(db, trainer, &t).await.map_err(|e| anyhow::anyhow!("demo officer training: {e:?}"))?;
    officer_store::set_attendance(db, trainer, training, &ids[..3], today).await.map_err(|e| anyhow::anyhow!("demo officer attendance: {e:?}"))?;
    Ok(())
}

/// A few practice questions (sector, kind, stem, options, answer, explanation, source), stored as
/// the demo training administrator's.
const QUESTIONS: &[(&str, &str, &str, &str, &str, &str, &str)] = &[
    ("GM", "single", "我国安全生产工作坚持的方针是什么？",
     "安全第一、预防为主、综合治理\n效益优先、兼顾安全\n先生产、后整改\n谁发现、谁负责", "A",
     "安全生产工作坚持安全第一、预防为主、综合治理的方针。", "《中华人民共和国安全生产法》第三条"),
    ("FC", "single", "有限空间作业应当遵循的原则是？",
     "先通风、再检测、后作业\n先作业、再检测、后通风\n先检测、再作业、后通风\n无需检测，直接作业", "A",
     "有限空间内可能存在缺氧、有毒或可燃气体，必须先通风、再检测，合格后方可作业。", "《工贸企业有限空间作业安全规定》"),
    ("WHP", "true_false", "危险化学品仓库内可以使用普通（非防爆）照明灯具。", "", "false",
     "爆炸危险环境应使用防爆型电气设备，普通灯具可能成为点火源。", "《爆炸危险环境电力装置设计规范》GB 50058"),
    ("RQ", "fill", "发现室内燃气泄漏，应先关闭燃气阀门并______，切勿开关电器或使用明火。", "", "开窗通风|通风",
     "开关电器会产生电火花，可能引爆泄漏的燃气。", ""),
    ("JZ", "multiple", "高处作业人员应当正确佩戴和使用的防护用品有哪些？",
     "安全帽\n安全带\n防滑鞋\n耳机", "ABC",
     "高处作业须戴安全帽、系安全带、穿防滑鞋；耳机会影响听取警示。", "《建筑施工高处作业安全技术规范》JGJ 80"),
    ("DLJT", "true_false", "从业人员发现直接危及人身安全的紧急情况时，有权停止作业或者在采取可能的应急措施后撤离作业场所。", "", "true",
     "这是法律赋予从业人员的紧急避险权。", "《中华人民共和国安全生产法》第五十五条"),
];

/// The demo training administrator, author of the demo questions and contest.
async fn demo_trainer(db: &Db) -> anyhow::Result<i64> {
    let author: Option<i64> = sqlx::query_scalar("select id from users where role = 'training_admin' and is_demo = 1 order by id limit 1")
        .fetch_optional(&db.pool)
        .await?;
    author.context("the demo training administrator")
}

async fn seed_questions(db: &Db) -> anyhow::Result<()> {
    let have: i64 = sqlx::query_scalar("select count(*) from quiz_questions").fetch_one(&db.pool).await?;
    if have > 0 {
        return Ok(());
    }
    let author = demo_trainer(db).await?;
    let tags = app::quiz::ssr::known_tags(db).await.map_err(|e| anyhow::anyhow!("sectors: {e}"))?;
    for (sector, kind, stem, options, answer, explanation, source) in QUESTIONS {
        let draft = app::quiz::QuestionDraft {
            kind: kind.to_string(),
            stem: stem.to_string(),
            options: options.to_string(),
            answer: answer.to_string(),
            explanation: explanation.to_string(),
            tags: vec![sector.to_string()],
            difficulty: "1".into(),
            source: source.to_string(),
            active: true,
        };
        let valid = app::quiz::validate_question(&draft, &tags).map_err(|e| anyhow::anyhow!("demo question {stem}: {:?}", e.0))?;
        app::quiz::ssr::save_question(db, author, None, &valid).await.map_err(|e| anyhow::anyhow!("demo question: {e}"))?;
    }
    Ok(())
}

/// A demo contest open to the public, from yesterday for a month, drawing from the demo questions.
async fn seed_contest(db: &Db) -> anyhow::Result<()> {
    use app::quiz::contest::{fmt_local_minute, validate_contest, ContestDraft, PoolDraft};
    let have: i64 = sqlx::query_scalar("select count(*) from quiz_contests").fetch_one(&db.pool).await?;
    if have > 0 {
        return Ok(());
    }
    let author = demo_trainer(db).await?;
    let pool = |kind: &str, count: &str, points: &str| PoolDraft { kind: kind.into(), tag: String::new(), count: count.into(), points: points.into() };
    let pools = [pool("single", "2", "5"), pool("true_false", "2", "5"), pool("multiple", "1", "10"), pool("fill", "1", "5")];
    let draft = ContestDraft {
        title: "安全生产月知识竞赛（演示）".into(),
        description: "面向社会公众的安全知识竞赛：每份试卷随机抽题，限时 10 分钟，答对 80% 为有效答题。".into(),
        opens: fmt_local_minute(now() - 86_400),
        closes: fmt_local_minute(now() + 30 * 86_400),
        time_limit_min: "10".into(),
        attempts_per_day: "3".into(),
        attempts_total: "10".into(),
        valid_percent: "80".into(),
        credit_minutes: String::new(),
        audience: "public".into(),
        review: true,
        partial_credit: true,
        privacy: "masked".into(),
        pools: pools.into_iter().enumerate().map(|(i, p)| (i.to_string(), p)).collect(),
        enterprises: Vec::new(),
        towns: Vec::new(),
    };
    let tags = app::quiz::ssr::known_tags(db).await.map_err(|e| anyhow::anyhow!("sectors: {e}"))?;
    let valid = validate_contest(&draft, &tags).map_err(|e| anyhow::anyhow!("demo contest: {:?}", e.0))?;
    let state = app::quiz::contest::ssr::ContestState::default();
    app::quiz::contest::ssr::save_contest(db, &state, author, None, &valid).await.map_err(|e| anyhow::anyhow!("demo contest: {e}"))?;
    Ok(())
}

/// Departments, towns/streets and the demo enterprise (idempotent).
pub async fn seed_reference(db: &Db) -> anyhow::Result<()> {
    let ts = now();
    let mut tx = db.begin().await?;
    for (code, zh, en) in DEPARTMENTS {
        sqlx::query(
            "insert into departments (code, name_zh, name_en, created_at) values ($1, $2, $3, $4) \
             on conflict (code) do nothing",
        )
        .bind(code)
        .bind(zh)
        .bind(en)
        .bind(ts)
        .execute(&mut *tx)
        .await?;
    }
    for (code, zh, en, kind) in TOWNS {
        sqlx::query(
            "insert into towns (code, name_zh, name_en, kind, created_at) values ($1, $2, $3, $4, $5) \
             on conflict (code) do nothing",
        )
        .bind(code)
        .bind(zh)
        .bind(en)
        .bind(kind)
        .bind(ts)
        .execute(&mut *tx)
        .await?;
    }
    // Each town/street has its work safety station (安监站), the target of a hand-down (交办).
    for (code, zh, en, _) in TOWNS {
        sqlx::query(
            "insert into departments (code, name_zh, name_en, town_id, created_at) \
             select $1, $2, $3, id, $4 from towns where code = $5 on conflict (code) do nothing",
        )
        .bind(format!("AJZ-{code}"))
        .bind(format!("{zh}安监站"))
        .bind(format!("{en} Work Safety Station"))
        .bind(ts)
        .bind(code)
        .execute(&mut *tx)
        .await?;
    }
    for (code, zh, en, town, kind) in VILLAGES {
        sqlx::query(
            "insert into villages (code, name_zh, name_en, town_id, kind, created_at) \
             select $1, $2, $3, id, $4, $5 from towns where code = $6 on conflict (code) do nothing",
        )
        .bind(code)
        .bind(zh)
        .bind(en)
        .bind(kind)
        .bind(ts)
        .bind(town)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "insert into enterprises (name, credit_code, town_id, village_id, sector_id, employees, created_at) \
         select '临湖精细化工有限公司', '91340100MA2NL0H014', t.id, v.id, s.id, 120, $1 \
         from towns t, villages v, sectors s where t.code = 'XZ01' and v.code = 'XZ01-C01' and s.code = 'HG' \
         on conflict (credit_code) do nothing",
    )
    .bind(ts)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let rules: i64 = sqlx::query_scalar("select count(*) from routing_rules").fetch_one(&db.pool).await?;
    if rules == 0 {
        for (sector, lead, coop) in ROUTING {
            let coop: Vec<String> = coop.iter().map(|c| c.to_string()).collect();
            app::workflow::ssr::save_rule(db, None, sector, "", lead, &coop)
                .await
                .map_err(|e| anyhow::anyhow!("routing rule for {sector}: {e:?}"))?;
        }
        for (sector, town, lead, coop) in ROUTING_BY_TOWN {
            let coop: Vec<String> = coop.iter().map(|c| c.to_string()).collect();
            app::workflow::ssr::save_rule(db, None, sector, town, lead, &coop)
                .await
                .map_err(|e| anyhow::anyhow!("routing rule for {sector}/{town}: {e:?}"))?;
        }
    }
    Ok(())
}

async fn seed_accounts(db: &Db) -> anyhow::Result<Vec<DemoAccount>> {
    let dept: i64 = sqlx::query_scalar("select id from departments where code = 'YJJ'").fetch_one(&db.pool).await?;
    let ent: i64 = sqlx::query_scalar("select id from enterprises where credit_code = '91340100MA2NL0H014'")
        .fetch_one(&db.pool)
        .await?;
    let plan: [(&str, &str, Role, Option<i64>, Option<i64>); 8] = [
        ("demo.admin", "演示管理员", Role::Admin, None, None),
        ("demo.intake", "演示受理员", Role::IntakeOfficer, None, None),
        ("demo.handler", "演示承办人（应急局）", Role::DepartmentHandler, Some(dept), None),
        ("demo.reward", "演示奖励审核员", Role::RewardOfficer, None, None),
        // Reward decisions need a second officer's approval.
        ("demo.reward2", "演示奖励复核员", Role::RewardOfficer, None, None),
        ("demo.training", "演示培训管理员", Role::TrainingAdmin, None, None),
        ("demo.manager", "演示企业安全管理员", Role::EnterpriseManager, None, Some(ent)),
        ("demo.employee", "演示从业人员", Role::Employee, None, Some(ent)),
    ];
    let mut accounts = Vec::new();
    for (username, name, role, department_id, enterprise_id) in plan {
        let password = demo_password();
        let pw = password.clone();
        let hash = tokio::task::spawn_blocking(move || hash_password_blocking(&pw))
            .await?
            .map_err(|e| anyhow::anyhow!("hashing a demo password: {e}"))?;
        let user = NewUser {
            username: username.into(),
            display_name: name.into(),
            role,
            department_id,
            enterprise_id,
            is_demo: true,
        };
        insert_user(db, &user, &hash).await.map_err(|e| anyhow::anyhow!("creating {username}: {e}"))?;
        accounts.push(DemoAccount { username, role, password });
    }
    Ok(accounts)
}
