//! The public tip-off over HTTP, on both databases: submitting with and without JavaScript,
//! metadata removal, sealed identity, receipts shown once, lookups and their throttle, messages,
//! withdrawal, objections, reward claims, abuse controls and every kind of bad input.
use crate::both_backends;
use crate::helpers::{new_client, spawn, spawn_with, test_config, fresh_database, Backend, TestApp};
use reqwest::multipart::{Form, Part};
use serde_json::Value;

pub const SPY_MAKE: &str = "SpyCam-Serial-4711";

/// A small JPEG carrying an EXIF block with a camera make and a GPS position (31.82 N, 117.23 E).
pub fn jpeg_with_gps() -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([(x * 4) as u8, (y * 5) as u8, 120]));
    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .expect("encode jpeg");
    // TIFF, little endian: IFD0 {Make, GPS pointer} → GPS IFD {lat ref, lat, lon ref, lon}.
    let mut t: Vec<u8> = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    let make = format!("{SPY_MAKE}\0");
    let make_off = 8 + 2 + 2 * 12 + 4;
    let gps_off = (make_off + make.len() + 1) & !1;
    let entry = |t: &mut Vec<u8>, tag: u16, typ: u16, count: u32, value: u32| {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&typ.to_le_bytes());
        t.extend_from_slice(&count.to_le_bytes());
        t.extend_from_slice(&value.to_le_bytes());
    };
    t.extend_from_slice(&2u16.to_le_bytes());
    entry(&mut t, 0x010F, 2, make.len() as u32, make_off as u32);
    entry(&mut t, 0x8825, 4, 1, gps_off as u32);
    t.extend_from_slice(&0u32.to_le_bytes());
    t.extend_from_slice(make.as_bytes());
    while t.len() < gps_off {
        t.push(0);
    }
    let lat_off = gps_off + 2 + 4 * 12 + 4;
    let lon_off = lat_off + 24;
    t.extend_from_slice(&4u16.to_le_bytes());
    entry(&mut t, 1, 2, 2, u32::from_le_bytes([b'N', 0, 0, 0]));
    entry(&mut t, 2, 5, 3, lat_off as u32);
    entry(&mut t, 3, 2, 2, u32::from_le_bytes([b'E', 0, 0, 0]));
    entry(&mut t, 4, 5, 3, lon_off as u32);
    t.extend_from_slice(&0u32.to_le_bytes());
    for (n, d) in [(31u32, 1u32), (49, 1), (12, 1), (117, 1), (13, 1), (48, 1)] {
        t.extend_from_slice(&n.to_le_bytes());
        t.extend_from_slice(&d.to_le_bytes());
    }
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend_from_slice(&((2 + 6 + t.len()) as u16).to_be_bytes());
    app1.extend_from_slice(b"Exif\0\0");
    app1.extend_from_slice(&t);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(w, h, image::Rgb([1, 2, 3])))
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("png");
    out
}

/// A valid little PNG whose header claims a huge size (with a correct CRC): a decompression bomb.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut b = png(8, 8);
    b[16..20].copy_from_slice(&w.to_be_bytes());
    b[20..24].copy_from_slice(&h.to_be_bytes());
    let crc = crc32(&b[12..29]);
    b[29..33].copy_from_slice(&crc.to_be_bytes());
    b
}

pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// A fresh form token from the report form's server function.
pub async fn form_token(app: &TestApp, client: &reqwest::Client) -> String {
    let resp = app.call(client, "report_form", &[]).await;
    assert_eq!(resp.status(), 200);
    let v: Value = resp.json().await.expect("json");
    v["token"].as_str().expect("token").to_string()
}

pub fn valid_fields() -> Vec<(&'static str, String)> {
    vec![
        ("report_type", "major_hazard".into()),
        ("sector", "WHP".into()),
        ("town", "XZ01".into()),
        ("unit_name", "临湖精细化工有限公司".into()),
        ("address", "临湖镇工业园 8 号".into()),
        ("seen_on", "2024-05-01".into()),
        ("description", "储罐区可燃气体报警器长期关闭，夜间有人在罐区动火作业，随时可能爆炸。".into()),
        ("identity", "anonymous".into()),
        ("works_there", "no".into()),
    ]
}

fn form_of(fields: &[(&'static str, String)], files: Vec<(String, Vec<u8>)>) -> Form {
    let mut form = Form::new();
    for (k, v) in fields {
        form = form.text(*k, v.clone());
    }
    for (name, bytes) in files {
        form = form.part("files", Part::bytes(bytes).file_name(name).mime_str("image/jpeg").expect("mime"));
    }
    form
}

pub async fn submit(
    app: &TestApp,
    client: &reqwest::Client,
    fields: &[(&'static str, String)],
    files: Vec<(String, Vec<u8>)>,
) -> reqwest::Response {
    client
        .post(app.url("/report/submit"))
        .header("accept", "application/json")
        .multipart(form_of(fields, files))
        .send()
        .await
        .expect("submit")
}

/// Submit a valid anonymous report with a fresh token; returns (case number, access code).
pub async fn report(app: &TestApp, client: &reqwest::Client, extra: &[(&'static str, &str)]) -> (String, String) {
    let mut fields = valid_fields();
    fields.push(("form_token", form_token(app, client).await));
    for (k, v) in extra {
        fields.retain(|(f, _)| f != k);
        fields.push((k, v.to_string()));
    }
    let resp = submit(app, client, &fields, vec![]).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap_or_default());
    let v: Value = resp.json().await.expect("receipt");
    (v["case_number"].as_str().expect("number").into(), v["access_code"].as_str().expect("code").into())
}

pub async fn open_case(app: &TestApp, number: &str, code: &str) -> reqwest::Client {
    let client = new_client();
    let resp = app.call(&client, "lookup_case", &[("case_number", number), ("access_code", code)]).await;
    assert!(resp.status().is_success(), "lookup: {}", resp.status());
    client
}

async fn my_case(app: &TestApp, client: &reqwest::Client) -> Value {
    let resp = app.call(client, "my_case", &[]).await;
    assert_eq!(resp.status(), 200);
    resp.json().await.expect("case json")
}

async fn count(app: &TestApp, table: &str) -> i64 {
    let db = app.db().await;
    sqlx::query_scalar(&format!("select count(*) from {table}")).fetch_one(&db.pool).await.expect("count")
}

fn field_codes(v: &Value) -> Vec<(String, String)> {
    v["Validation"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| (e["field"].as_str().unwrap_or("").into(), e["code"].as_str().unwrap_or("").into()))
                .collect()
        })
        .unwrap_or_default()
}

async fn anonymous_report_with_photo(backend: Backend) {
    let app = spawn(backend).await;
    app.seed_reference().await;
    let client = new_client();
    let mut fields = valid_fields();
    fields.push(("form_token", form_token(&app, &client).await));
    fields.push(("use_photo_location", "on".into()));
    let photo = jpeg_with_gps();
    assert_eq!(app::base::media::read_gps(&photo).map(|(a, b)| (a.round(), b.round())), Some((32.0, 117.0)));
    let resp = client
        .post(app.url("/report/submit"))
        .header("accept", "application/json")
        .header("user-agent", "SpyAgent/1.0")
        .header("x-forwarded-for", "203.0.113.77")
        .multipart(form_of(&fields, vec![("evil.jpg".into(), photo)]))
        .send()
        .await
        .expect("submit");
    assert_eq!(resp.status(), 200);
    let receipt: Value = resp.json().await.expect("json");
    let number = receipt["case_number"].as_str().expect("number").to_string();
    let code = receipt["access_code"].as_str().expect("code").to_string();
    assert!(number.starts_with("AQ") && number.len() == 12, "{number}");
    assert_eq!(code.len(), 20 + 3, "20 symbols in 4 groups: {code}");
    assert_eq!(receipt["location_from_photo"], true);

    let db = app.db().await;
    let (hash, lat, lon, anonymous): (String, Option<i64>, Option<i64>, i64) = sqlx::query_as(
        "select access_hash, latitude_e6, longitude_e6, anonymous from reports where case_number = $1",
    )
    .bind(&number)
    .fetch_one(&db.pool)
    .await
    .expect("report row");
    assert!(hash.starts_with("$argon2id$"), "only an argon2id hash of the code is stored");
    assert_eq!(anonymous, 1);
    assert_eq!(lat, Some(31_820_000));
    assert_eq!(lon, Some(117_230_000));
    let (stored, removed, sealed, report_id, sha256): (Vec<u8>, i64, i64, i64, String) =
        sqlx::query_as("select data, metadata_removed, sealed, report_id, sha256 from attachments")
            .fetch_one(&db.pool)
            .await
            .expect("file");
    assert_eq!(removed, 1);
    // Encrypted at rest: the database holds no JPEG, only ciphertext bound to its report.
    assert_eq!(sealed, 1);
    assert!(!stored.starts_with(&[0xFF, 0xD8]));
    let key = app::base::crypto::DataKey::from_base64(app.config.data_key.as_deref().expect("key")).expect("key");
    assert!(key.decrypt_bytes(&stored, &app::cases::ssr::attachment_context(report_id + 1, &sha256)).is_err());
    let data = key.decrypt_bytes(&stored, &app::cases::ssr::attachment_context(report_id, &sha256)).expect("opens");
    assert!(data.starts_with(&[0xFF, 0xD8]));
    assert!(!contains(&data, b"Exif"), "EXIF block removed");
    assert!(!contains(&data, SPY_MAKE.as_bytes()), "camera make removed");
    assert_eq!(app::base::media::read_gps(&data), None, "GPS removed");
    assert_eq!(count(&app, "report_identities").await, 0, "anonymous: no identity row");

    // No client address or user agent anywhere in the database; the access code is not in clear.
    let dump = database_dump(&app, backend).await;
    for needle in ["203.0.113.77", "127.0.0.1", "SpyAgent", code.replace('-', "").as_str()] {
        assert!(!dump.contains(needle), "{needle} must not be stored");
    }

    // The receipt was kept (sealed) for the receipt page: shown once, then gone.
    let page = client.get(app.url("/report/receipt")).send().await.expect("receipt page");
    let html = page.text().await.expect("html");
    assert!(html.contains(&number) && html.contains(&code));
    let again = client.get(app.url("/report/receipt")).send().await.expect("again").text().await.expect("html");
    assert!(!again.contains(&code), "the receipt is shown once");

    let reporter = open_case(&app, &number, &code.to_lowercase()).await;
    let case = my_case(&app, &reporter).await;
    assert_eq!(case["status"], "submitted");
    assert_eq!(case["can_withdraw"], true);
    assert!(case["due_at"].as_i64().is_some());
}
both_backends!(anonymous_report_with_photo);

/// All stored text, to search for things that must never be stored.
async fn database_dump(app: &TestApp, backend: Backend) -> String {
    match backend {
        Backend::Sqlite => {
            let path = app.config.database_url.trim_start_matches("sqlite://").to_string();
            let mut out = Vec::new();
            for suffix in ["", "-wal"] {
                if let Ok(b) = std::fs::read(format!("{path}{suffix}")) {
                    out.extend(b);
                }
            }
            String::from_utf8_lossy(&out).into_owned()
        }
        Backend::Postgres => {
            let db = app.db().await;
            let mut out = String::new();
            // Every table of the schema, so a new table cannot escape the check.
            let tables: Vec<String> = sqlx::query_scalar(
                "select table_name::text from information_schema.tables where table_schema = current_schema() \
                 and table_type = 'BASE TABLE' order by 1",
            )
            .fetch_all(&db.pool)
            .await
            .expect("tables");
            assert!(tables.len() > 20 && tables.iter().any(|t| t == "attachments"), "{tables:?}");
            for table in tables {
                let rows: Vec<String> = sqlx::query_scalar(&format!("select row_to_json(t)::text from {table} t"))
                    .fetch_all(&db.pool)
                    .await
                    .expect("dump");
                out.push_str(&rows.join("\n"));
            }
            out
        }
    }
}

async fn plain_form_post_without_javascript(backend: Backend) {
    let app = spawn(backend).await;
    app.seed_reference().await;
    let client = new_client();
    // Invalid first: back to the form with the error and the typed text, and no report stored.
    let mut fields = valid_fields();
    fields.retain(|(k, _)| *k != "description");
    fields.push(("description", "太短".into()));
    fields.push(("form_token", form_token(&app, &client).await));
    let resp = client
        .post(app.url("/report/submit"))
        .header("accept", "text/html")
        .multipart(form_of(&fields, vec![]))
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/report/new");
    let html = client.get(app.url("/report/new")).send().await.expect("form").text().await.expect("html");
    assert!(html.contains("内容太短"), "translated field error shown");
    assert!(html.contains("临湖镇工业园 8 号"), "typed address kept");
    assert_eq!(count(&app, "reports").await, 0);

    // Valid: redirected to the receipt.
    let mut fields = valid_fields();
    fields.push(("form_token", form_token(&app, &client).await));
    let resp = client
        .post(app.url("/report/submit"))
        .header("accept", "text/html")
        .multipart(form_of(&fields, vec![]))
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/report/receipt");
    let html = client.get(app.url("/report/receipt")).send().await.expect("receipt").text().await.expect("html");
    assert!(html.contains("举报编号") && html.contains("AQ"));
}
both_backends!(plain_form_post_without_javascript);

async fn real_name_identity_is_sealed(backend: Backend) {
    let app = spawn(backend).await;
    app.seed_reference().await;
    let client = new_client();
    let (number, _code) = report(
        &app,
        &client,
        &[("identity", "real_name"), ("name", "王秘密"), ("phone", "13912345678"), ("joint_reporters", "李联名")],
    )
    .await;
    let db = app.db().await;
    let (id, anonymous): (i64, i64) = sqlx::query_as("select id, anonymous from reports where case_number = $1")
        .bind(&number)
        .fetch_one(&db.pool)
        .await
        .expect("row");
    assert_eq!(anonymous, 0);
    let sealed: String = sqlx::query_scalar("select sealed from report_identities where report_id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .expect("identity");
    assert!(!sealed.contains("13912345678") && !sealed.contains("王秘密"));
    let key = app::base::crypto::DataKey::from_base64(app.config.data_key.as_deref().expect("key")).expect("key");
    let plain = String::from_utf8(key.decrypt(&sealed, &format!("report_identities:{id}")).expect("decrypt")).expect("utf8");
    assert!(plain.contains("王秘密") && plain.contains("13912345678") && plain.contains("李联名"));
    assert!(key.decrypt(&sealed, &format!("report_identities:{}", id + 1)).is_err(), "bound to its row");
    let dump = database_dump(&app, backend).await;
    assert!(!dump.contains("13912345678"), "phone never stored in clear");

    // Real name without a valid phone is refused beside the field.
    let mut fields = valid_fields();
    fields.retain(|(k, _)| *k != "identity");
    fields.extend([("identity", "real_name".into()), ("name", "王".into()), ("phone", "12345".into())]);
    fields.push(("form_token", form_token(&app, &client).await));
    let resp = submit(&app, &client, &fields, vec![]).await;
    assert_eq!(resp.status(), 400);
    let v: Value = resp.json().await.expect("json");
    assert!(field_codes(&v).contains(&("phone".into(), "phone_invalid".into())), "{v}");
}
both_backends!(real_name_identity_is_sealed);

async fn bad_input_is_refused_and_nothing_is_stored(backend: Backend) {
    let app = spawn(backend).await;
    app.seed_reference().await;
    let client = new_client();
    let good_jpeg = jpeg_with_gps();
    let mut truncated = good_jpeg.clone();
    truncated.truncate(good_jpeg.len() / 2);
    let bomb = png_claiming(50_000, 50_000);
    let mut zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec();
    zip.extend(std::iter::repeat(0u8).take(2000));
    let mut polyglot = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n".to_vec();
    polyglot.extend_from_slice(b"PK\x03\x04payloadPK\x05\x06\x00\x00");
    let exe = b"MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode.".to_vec();

    type Case = (&'static str, Vec<(&'static str, String)>, Vec<(String, Vec<u8>)>, &'static str, &'static str);
    let with = |k: &'static str, v: &str| {
        let mut f = valid_fields();
        f.retain(|(n, _)| *n != k);
        f.push((k, v.to_string()));
        f
    };
    let cases: Vec<Case> = vec![
        ("missing description", with("description", ""), vec![], "description", "required"),
        ("address too long", with("address", &"路".repeat(301)), vec![], "address", "too_long"),
        ("unknown sector", with("sector", "NOPE"), vec![], "sector", "unknown_choice"),
        ("unknown town", with("town", "XX99"), vec![], "town", "unknown_choice"),
        ("unknown type", with("report_type", "gossip"), vec![], "report_type", "choose_one"),
        ("date in the future", with("seen_on", "2999-01-01"), vec![], "seen_on", "date_out_of_range"),
        ("not a date", with("seen_on", "yesterday"), vec![], "seen_on", "date_invalid"),
        ("bad coordinates", with("latitude", "95.1"), vec![], "latitude", "coordinates_invalid"),
        ("NUL character", with("unit_name", "a\u{0}b"), vec![], "unit_name", "invalid_characters"),
        ("executable renamed .jpg", valid_fields(), vec![("photo.jpg".into(), exe)], "files", "file_type_not_allowed"),
        ("zip bomb", valid_fields(), vec![("photo.jpg".into(), zip)], "files", "file_type_not_allowed"),
        ("truncated image", valid_fields(), vec![("photo.jpg".into(), truncated)], "files", "image_invalid"),
        ("decompression bomb", valid_fields(), vec![("photo.png".into(), bomb)], "files", "image_too_large"),
        ("PDF with a zip inside", valid_fields(), vec![("doc.pdf".into(), polyglot)], "files", "file_polyglot"),
        (
            "a good photo and a bad file: all or nothing",
            valid_fields(),
            vec![("a.jpg".into(), good_jpeg.clone()), ("b.jpg".into(), b"GIF89a not allowed".to_vec())],
            "files",
            "file_type_not_allowed",
        ),
        (
            "too many files",
            valid_fields(),
            (0..7).map(|i| (format!("{i}.png"), png(2, 2))).collect(),
            "files",
            "too_many_files",
        ),
    ];
    for (what, mut fields, files, field, code) in cases {
        fields.push(("form_token", form_token(&app, &client).await));
        let resp = submit(&app, &client, &fields, files).await;
        assert_eq!(resp.status(), 400, "{what}");
        let v: Value = resp.json().await.expect("json");
        assert!(field_codes(&v).contains(&(field.into(), code.into())), "{what}: {v}");
    }

    // Invalid UTF-8 in a text field.
    let form = Form::new()
        .text("form_token", form_token(&app, &client).await)
        .part("description", Part::bytes(vec![0xE4, 0xB8, 0xFF, 0xFE, 0x41]));
    let resp = client.post(app.url("/report/submit")).header("accept", "application/json").multipart(form).send().await.expect("post");
    assert_eq!(resp.status(), 400);
    let v: Value = resp.json().await.expect("json");
    assert!(field_codes(&v).contains(&("description".into(), "invalid_utf8".into())), "{v}");

    // Forged and missing tokens.
    for token in ["", "1.2.3", "99999999999.00000000000000000000000000000000.abcd"] {
        let mut fields = valid_fields();
        fields.push(("form_token", token.into()));
        let resp = submit(&app, &client, &fields, vec![]).await;
        assert_eq!(resp.status(), 400);
        let v: Value = resp.json().await.expect("json");
        assert!(field_codes(&v).contains(&("form".into(), "form_token_invalid".into())), "{token}: {v}");
    }
    // Not multipart at all.
    let resp = client.post(app.url("/report/submit")).header("accept", "application/json").form(&[("a", "b")]).send().await.expect("post");
    assert_eq!(resp.status(), 400);

    assert_eq!(count(&app, "reports").await, 0, "nothing stored half-way");
    assert_eq!(count(&app, "attachments").await, 0);
    assert_eq!(count(&app, "report_events").await, 0);

    // A form token is good once.
    let mut fields = valid_fields();
    fields.push(("form_token", form_token(&app, &client).await));
    assert_eq!(submit(&app, &client, &fields, vec![]).await.status(), 200);
    let resp = submit(&app, &client, &fields, vec![]).await;
    assert_eq!(resp.status(), 400);
    let v: Value = resp.json().await.expect("json");
    assert!(field_codes(&v).contains(&("form".into(), "form_token_used".into())), "{v}");
    assert_eq!(count(&app, "reports").await, 1);
}
both_backends!(bad_input_is_refused_and_nothing_is_stored);

async fn size_limits_and_rate_limits(backend: Backend) {
    let mut config = test_config(fresh_database(backend).await);
    config.upload_max_file_bytes = 4096;
    config.upload_max_files = 2;
    config.report_submits_per_hour = 2;
    let app = spawn_with(config).await;
    app.seed_reference().await;
    let client = new_client();
    let mut fields = valid_fields();
    fields.push(("form_token", form_token(&app, &client).await));
    let resp = submit(&app, &client, &fields, vec![("big.png".into(), vec![0x89; 6000])]).await;
    assert_eq!(resp.status(), 400);
    let v: Value = resp.json().await.expect("json");
    assert!(field_codes(&v).contains(&("files".into(), "file_too_large".into())), "{v}");
    // Beyond the whole upload limit (2 × 4 KiB + margin): refused from Content-Length alone,
    // before any of the body is read (raw request, so the client is not cut off mid-write).
    {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut tcp = tokio::net::TcpStream::connect(app.addr).await.expect("connect");
        let head = format!(
            "POST /report/submit HTTP/1.1\r\nHost: {}\r\nContent-Type: multipart/form-data; boundary=x\r\n\
             Content-Length: 10000000\r\n\r\n",
            app.addr
        );
        tcp.write_all(head.as_bytes()).await.expect("write");
        let mut buf = vec![0u8; 64];
        let n = tcp.read(&mut buf).await.expect("read");
        assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 413"), "{}", String::from_utf8_lossy(&buf[..n]));
    }
    // Two forms with a genuine token in the hour from this client: the refused upload above was
    // one (its token was checked, and the budget charged, before its file was read), so one more
    // report is fine and the next is refused.
    assert_eq!(submit(&app, &client, &fields, vec![]).await.status(), 200);
    let mut fields = valid_fields();
    fields.push(("form_token", form_token(&app, &client).await));
    let resp = submit(&app, &client, &fields, vec![]).await;
    assert_eq!(resp.status(), 429);
    assert_eq!(count(&app, "reports").await, 1);
}
both_backends!(size_limits_and_rate_limits);

async fn wrong_codes_are_throttled_per_case(backend: Backend) {
    let app = spawn(backend).await;
    app.seed_reference().await;
    let (number, code) = report(&app, &new_client(), &[]).await;
    let client = new_client();
    let wrong = "ABCDE-ABCDE-ABCDE-ABCDE";
    let resp = app.call(&client, "lookup_case", &[("case_number", "AQ0000000000"), ("access_code", wrong)]).await;
    assert_eq!(resp.status(), 400);
    let unknown: Value = resp.json().await.expect("json");
    let resp = app.call(&client, "lookup_case", &[("case_number", &number), ("access_code", wrong)]).await;
    let wrong_code: Value = resp.json().await.expect("json");
    assert_eq!(unknown, wrong_code, "unknown case and wrong code look the same");
    assert!(field_codes(&wrong_code).contains(&("access_code".into(), "lookup_failed".into())));
    let resp = app.call(&client, "lookup_case", &[("case_number", &number), ("access_code", "short")]).await;
    let v: Value = resp.json().await.expect("json");
    assert!(field_codes(&v).contains(&("access_code".into(), "access_code_invalid".into())), "{v}");
    for _ in 0..4 {
        app.call(&client, "lookup_case", &[("case_number", &number), ("access_code", wrong)]).await;
    }
    // Five wrong codes: further tries on the number are slowed down, but whoever knows a case
    // number cannot lock its reporter out: the right code still opens it (issue 10).
    let resp = app.call(&new_client(), "lookup_case", &[("case_number", &number), ("access_code", wrong)]).await;
    assert_eq!(resp.status(), 400);
    let resp = app.call(&new_client(), "lookup_case", &[("case_number", &number), ("access_code", &code)]).await;
    assert!(resp.status().is_success() || resp.status().is_redirection(), "right code refused: {}", resp.status());
    // Not opened: the reporter functions refuse.
    let resp = app.call(&client, "withdraw_report", &[("confirm", "yes")]).await;
    assert_eq!(resp.status(), 401);
}
both_backends!(wrong_codes_are_throttled_per_case);

async fn messages_withdrawal_objection_and_claim(backend: Backend) {
    let app = spawn(backend).await;
    app.seed_reference().await;
    let (number, code) = report(&app, &new_client(), &[]).await;
    let reporter = open_case(&app, &number, &code).await;

    // A message with HTML and a photo: stored, shown as text.
    let case = my_case(&app, &reporter).await;
    let token = case["message_token"].as_str().expect("token").to_string();
    let form = Form::new()
        .text("form_token", token.clone())
        .text("body", "<script>alert('x')</script> 补充：罐区东侧")
        .part("files", Part::bytes(jpeg_with_gps()).file_name("more.jpg"));
    let resp = reporter.post(app.url("/lookup/message")).header("accept", "text/html").multipart(form).send().await.expect("post");
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/lookup/case");
    let html = reporter.get(app.url("/lookup/case")).send().await.expect("page").text().await.expect("html");
    assert!(html.contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;") || html.contains("&lt;script&gt;alert('x')&lt;/script&gt;"), "escaped");
    assert!(!html.contains("<script>alert("));
    let case = my_case(&app, &reporter).await;
    assert_eq!(case["messages"][0]["files"], 1);
    // The same message token again is refused.
    let form = Form::new().text("form_token", token).text("body", "again");
    let resp = reporter.post(app.url("/lookup/message")).header("accept", "application/json").multipart(form).send().await.expect("post");
    assert_eq!(resp.status(), 400);

    // Withdraw needs the confirmation box, then works; afterwards no messages.
    let resp = app.call(&reporter, "withdraw_report", &[]).await;
    assert_eq!(resp.status(), 400);
    let resp = app.call(&reporter, "withdraw_report", &[("confirm", "yes")]).await;
    assert!(resp.status().is_success());
    let case = my_case(&app, &reporter).await;
    assert_eq!(case["status"], "withdrawn");
    assert_eq!(case["can_message"], false);
    assert_eq!(app.call(&reporter, "withdraw_report", &[("confirm", "yes")]).await.status(), 400);

    // A second case that has been replied to (the staff side does this in its own issue).
    let (number, code) = report(&app, &new_client(), &[]).await;
    let db = app.db().await;
    let now = app::base::db::now();
    sqlx::query(
        "update reports set status = 'replied', reply_text = '经核查属实，已责令停产整改并处罚款 20 万元。', \
         replied_at = $2, objection_until = $3 where case_number = $1",
    )
    .bind(&number)
    .bind(now)
    .bind(now + 10 * 86_400)
    .execute(&db.pool)
    .await
    .expect("reply");
    let reporter = open_case(&app, &number, &code).await;
    let case = my_case(&app, &reporter).await;
    assert_eq!(case["can_withdraw"], false);
    assert_eq!(case["can_object"], true);
    assert!(case["reply"].as_str().expect("reply").contains("属实"));
    assert_eq!(app.call(&reporter, "withdraw_report", &[("confirm", "yes")]).await.status(), 400);
    let resp = app.call(&reporter, "file_objection", &[("objection", "太短")]).await;
    assert_eq!(resp.status(), 400);
    let resp = app.call(&reporter, "file_objection", &[("objection", "整改并未落实，夜间仍在动火作业，请复查。")]).await;
    assert!(resp.status().is_success());
    assert_eq!(my_case(&app, &reporter).await["status"], "objection");
    assert_eq!(count(&app, "objections").await, 1);

    // An approved reward: claim with the code again, a valid ID number and account.
    sqlx::query(
        "update reports set reward_status = 'approved', reward_amount_fen = 3000000, reward_notified_at = $2, \
         reward_claim_until = $3 where case_number = $1",
    )
    .bind(&number)
    .bind(now)
    .bind(now + 60 * 86_400)
    .execute(&db.pool)
    .await
    .expect("approve");
    let case = my_case(&app, &reporter).await;
    assert_eq!(case["can_claim"], true);
    let claim = |c: &str, id: &str| {
        vec![
            ("claim_code", c.to_string()),
            ("payee_name", "王领奖".to_string()),
            ("id_number", id.to_string()),
            ("bank", "徽商银行".to_string()),
            ("account", "6222 0000 1111 2222".to_string()),
        ]
    };
    let args = claim("ABCDE-ABCDE-ABCDE-ABCDE", "11010519491231002X");
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let resp = app.call(&reporter, "claim_reward", &args).await;
    assert_eq!(resp.status(), 400);
    let v: Value = resp.json().await.expect("json");
    assert!(field_codes(&v).contains(&("claim_code".into(), "lookup_failed".into())), "{v}");
    let args = claim(&code, "110105194912310021");
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let resp = app.call(&reporter, "claim_reward", &args).await;
    let v: Value = resp.json().await.expect("json");
    assert!(field_codes(&v).contains(&("id_number".into(), "id_number_invalid".into())), "{v}");
    let args = claim(&code, "11010519491231002X");
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let resp = app.call(&reporter, "claim_reward", &args).await;
    assert!(resp.status().is_success(), "{}", resp.text().await.unwrap_or_default());
    let case = my_case(&app, &reporter).await;
    assert_eq!(case["reward_status"], "claimed");
    assert_eq!(case["can_claim"], false);
    let sealed: String = sqlx::query_scalar("select sealed from reward_claims").fetch_one(&db.pool).await.expect("claim");
    assert!(!sealed.contains("11010519491231002X") && !sealed.contains("王领奖"));
    let dump = database_dump(&app, backend).await;
    assert!(!dump.contains("11010519491231002X") && !dump.contains("6222000011112222"));
    // Claiming twice is refused.
    let resp = app.call(&reporter, "claim_reward", &args).await;
    assert_eq!(resp.status(), 400);

    // Closing the case on this device ends the grant.
    app.call(&reporter, "close_case", &[]).await;
    assert_eq!(app.call(&reporter, "my_case", &[]).await.json::<Value>().await.expect("json"), Value::Null);
}
both_backends!(messages_withdrawal_objection_and_claim);

async fn staff_download_attachment_without_metadata(backend: Backend) {
    let app = spawn(backend).await;
    app.seed_reference().await;
    let client = new_client();
    let mut fields = valid_fields();
    fields.push(("form_token", form_token(&app, &client).await));
    assert_eq!(submit(&app, &client, &fields, vec![("p.jpg".into(), jpeg_with_gps())]).await.status(), 200);
    let db = app.db().await;
    let id: i64 = sqlx::query_scalar("select id from attachments").fetch_one(&db.pool).await.expect("id");
    app.create_user("intake.li", app::accounts::Role::IntakeOfficer, "intake password 1").await;
    let staff = app.login("intake.li", "intake password 1").await;
    let resp = staff.get(app.url(&format!("/staff/attachments/{id}"))).send().await.expect("get");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "image/jpeg");
    assert!(resp.headers()["content-disposition"].to_str().expect("header").starts_with("attachment"));
    let bytes = resp.bytes().await.expect("bytes");
    assert!(!contains(&bytes, b"Exif") && !contains(&bytes, SPY_MAKE.as_bytes()));
}
both_backends!(staff_download_attachment_without_metadata);

/// The end-to-end tests upload `end2end/fixtures/gps-photo.jpg`, made by `jpeg_with_gps`. This
/// checks the committed file still carries what those tests prove is removed.
#[test]
fn e2e_photo_fixture_carries_gps_and_camera() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../end2end/fixtures/gps-photo.jpg");
    if std::env::var("SW_WRITE_FIXTURES").is_ok_and(|v| v == "1") {
        std::fs::write(&path, jpeg_with_gps()).expect("write fixture");
    }
    let bytes = std::fs::read(&path).expect("fixture present");
    assert!(app::base::media::read_gps(&bytes).is_some());
    assert!(contains(&bytes, SPY_MAKE.as_bytes()));
}
