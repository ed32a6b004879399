//! Generated hostile input (issue 10) for every parser on the public path: form fields, case
//! numbers, access codes, dates, amounts, form tokens, forwarded addresses and uploaded files.
//! Each property runs a few hundred seeded cases (the seed is printed on failure, so a failing
//! case can be replayed); the request-level counterpart is `server/tests/api/hardening.rs`.
use super::abuse::{check_token, issue_token, TrustedProxies};
use crate::base::media;
use super::rules;
use super::ReportDraft;
use crate::base::crypto::DataKey;

/// xorshift64*: small, seeded, reproducible.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    /// A string built from pieces that break naive parsers.
    fn nasty(&mut self) -> String {
        const PIECES: &[&str] = &[
            "", " ", "\t", "\n", "\r\n", "\0", "\u{7}", "\u{1b}[2J", "\u{202e}", "\u{200b}", "\u{feff}", "😀", "𠀀",
            "安全隐患", "ＡＱ", "－", "-", "--", "/", "\\", "%00", "%0d%0a", "'", "\"", "';drop table reports;--",
            "<script>alert(1)</script>", "${jndi:x}", "{{7*7}}", "../../etc/passwd", "NaN", "inf", "-inf", "1e309",
            "-0", "+1", "0x1f", "9999999999999999999999", "2024-02-30", "2024-13-01", "0000-00-00", "+024-01-01",
            "2024-1-1", "２０２４-０１-０１", "AQ", "AQ0000000000", "O0Il1", "ABCDE-ABCDE-ABCDE-ABCDE", ".", ",", "，",
            "1.005", "1..2", "12,345.67", "-5", "３", "99.999", "1.", ".5", "x",
        ];
        let n = self.below(6);
        let mut s = String::new();
        for _ in 0..n {
            s.push_str(self.pick(PIECES));
        }
        if self.below(10) == 0 {
            let c = self.pick(PIECES).to_string();
            s.push_str(&c.repeat(1 + self.below(3000)));
        }
        s
    }
}

const CASES: u64 = 300;

fn each_case(mut f: impl FnMut(&mut Gen)) {
    for seed in 1..=CASES {
        let mut g = Gen(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut g)));
        assert!(result.is_ok(), "failed with seed {seed}");
    }
}

const FORM_FIELDS: &[&str] = &[
    "report_type", "sector", "town", "unit_name", "address", "latitude", "seen_on", "description", "works_there",
    "joint_reporters", "name", "phone",
];

#[test]
fn report_form_checks_never_panic_and_name_known_fields() {
    each_case(|g| {
        let draft = ReportDraft {
            report_type: if g.below(2) == 0 { g.pick(&crate::cases::REPORT_TYPES).into() } else { g.nasty() },
            sector: g.nasty(),
            town: g.nasty(),
            unit_name: g.nasty(),
            address: g.nasty(),
            latitude: g.nasty(),
            longitude: g.nasty(),
            use_photo_location: g.below(2) == 0,
            seen_on: g.nasty(),
            description: g.nasty(),
            anonymous: g.below(2) == 0,
            works_there: g.nasty(),
            joint_reporters: g.nasty(),
        };
        for e in rules::check_report(&draft, &g.nasty(), &g.nasty()) {
            assert!(FORM_FIELDS.contains(&e.field.as_str()), "unknown field {}", e.field);
        }
        // Whatever passed the checks is storable text: no control characters but line breaks.
        if rules::check_report(&draft, "", "").iter().all(|e| e.field != "description") {
            assert!(crate::base::validate::clean_text(&draft.description));
        }
    });
}

#[test]
fn case_numbers_and_codes_are_safe_once_accepted() {
    each_case(|g| {
        let raw = g.nasty();
        let n = crate::cases::normalize_code(&raw);
        if crate::cases::is_case_number(&n) {
            // Safe in a URL and a header (it goes into redirects): ASCII letters and digits only.
            assert!(n.bytes().all(|b| b.is_ascii_alphanumeric()), "{n:?}");
        }
        if crate::cases::is_access_code(&n) {
            assert!(n.bytes().all(|b| crate::cases::CODE_ALPHABET.contains(&b)), "{n:?}");
            assert!(!crate::cases::group_code(&n).is_empty());
        }
        let _ = crate::cases::group_code(&raw);
    });
}

#[test]
fn dates_and_amounts_parse_strictly() {
    each_case(|g| {
        let s = g.nasty();
        if crate::base::validate::valid_date(&s) {
            assert!(s.len() == 10 && s.bytes().all(|b| b.is_ascii_digit() || b == b'-'), "{s:?}");
        }
        match crate::base::format::parse_yuan(&s) {
            Ok(fen) => assert!((0..=crate::base::format::FINE_MAX_YUAN * 100 + 99).contains(&fen), "{s:?} → {fen}"),
            Err(code) => assert!(!code.is_empty()),
        }
        let kind = g.pick(&["fine", "concealed", "", "x"]);
        if let Ok(case) = crate::rewards::rules::parse_reward_case(kind, &g.nasty(), g.pick(&crate::rewards::rules::ACCIDENT_LEVELS), &g.nasty()) {
            let r = crate::rewards::rules::RewardRules::default();
            let amount = crate::rewards::rules::suggest_reward(&r, &case);
            assert!((0..=r.cap_yuan).contains(&amount), "{case:?} → {amount}");
        }
    });
}

#[test]
fn forged_form_tokens_are_refused() {
    let key = DataKey::from_base64(&DataKey::generate_base64()).expect("key");
    let real = issue_token(&key, "report", 3600);
    assert!(check_token(&key, "report", &real).is_ok());
    assert!(check_token(&key, "message", &real).is_err(), "bound to its purpose");
    each_case(|g| {
        let mut t = real.clone().into_bytes();
        // Flip, cut or extend the real token, or send something else entirely.
        match g.below(4) {
            0 if !t.is_empty() => {
                let i = g.below(t.len());
                t[i] = b"0123456789abcdef.x"[g.below(18)];
            }
            1 => t.truncate(g.below(t.len())),
            2 => t.extend_from_slice(g.nasty().as_bytes()),
            _ => t = g.nasty().into_bytes(),
        }
        let forged = String::from_utf8_lossy(&t).to_string();
        if forged.trim() != real {
            assert!(check_token(&key, "report", &forged).is_err(), "{forged:?}");
        }
    });
}

#[test]
fn forwarded_addresses_never_panic_and_only_trusted_peers_forward() {
    let proxies = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8, ::1, fd00::/8").expect("valid list");
    assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
    assert!(TrustedProxies::parse("example.org").is_err());
    each_case(|g| {
        let mut headers = http::HeaderMap::new();
        let value = format!("{}, {}, {}", g.nasty(), g.pick(&["1.2.3.4", "10.1.1.1", "::1", "2001:db8::1", "x"]), g.nasty());
        if let Ok(v) = http::HeaderValue::from_str(&value) {
            headers.append("x-forwarded-for", v);
        }
        let untrusted: std::net::IpAddr = "198.51.100.1".parse().expect("ip");
        assert_eq!(proxies.client(untrusted, &headers), untrusted, "an untrusted peer is the client");
        let client = proxies.client("10.0.0.1".parse().expect("ip"), &headers);
        let _ = client;
        let _ = TrustedProxies::parse(&g.nasty());
    });
}

/// A small valid image of each kind the form takes.
fn seeds() -> Vec<Vec<u8>> {
    let img = image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(16, 12, |x, y| image::Rgb([x as u8 * 9, y as u8 * 13, 77])));
    let mut out = Vec::new();
    for format in [image::ImageFormat::Png, image::ImageFormat::Jpeg] {
        let mut b = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut b), format).expect("encode");
        out.push(b);
    }
    out.push(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec());
    out.push(b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2mp41".to_vec());
    out.push(b"RIFF\x24\x00\x00\x00WEBPVP8 ".to_vec());
    out
}

#[test]
fn uploaded_files_never_panic_the_sniffer_or_decoder() {
    let seeds = seeds();
    each_case(|g| {
        let mut b = seeds[g.below(seeds.len())].clone();
        for _ in 0..1 + g.below(8) {
            match g.below(4) {
                0 if !b.is_empty() => {
                    let i = g.below(b.len());
                    b[i] = g.next() as u8;
                }
                1 if b.len() > 1 => b.truncate(1 + g.below(b.len() - 1)),
                2 => b.extend_from_slice(g.nasty().as_bytes()),
                _ => {
                    let i = g.below(b.len() + 1);
                    b.splice(i..i, g.pick(&["PK\x03\x04", "MZ", "\x7fELF", "\u{ff}\u{d9}", "IEND"]).bytes());
                }
            }
        }
        if let Ok(f) = media::clean(b) {
            if f.kind == media::Kind::Image {
                assert!(f.metadata_removed);
                assert!(media::clean(f.bytes).is_ok(), "a re-encoded image decodes again");
            }
        }
    });
}

/// A JPEG with an EXIF block holding a camera make and a GPS position, in either byte order.
fn jpeg_with_gps(little_endian: bool, south_west: bool) -> Vec<u8> {
    let img = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(16, 12, image::Rgb([9, 99, 199])));
    let mut jpeg = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg).expect("jpeg");
    let u16b = |v: u16| if little_endian { v.to_le_bytes() } else { v.to_be_bytes() };
    let u32b = |v: u32| if little_endian { v.to_le_bytes() } else { v.to_be_bytes() };
    let mut t: Vec<u8> = if little_endian { b"II\x2a\x00".to_vec() } else { b"MM\x00\x2a".to_vec() };
    t.extend_from_slice(&u32b(8));
    let make = b"SpyCam-Serial-4711\0";
    let make_off = 8 + 2 + 2 * 12 + 4;
    let gps_off = (make_off + make.len() + 1) & !1;
    let entry = |t: &mut Vec<u8>, tag: u16, typ: u16, count: u32, value: [u8; 4]| {
        t.extend_from_slice(&u16b(tag));
        t.extend_from_slice(&u16b(typ));
        t.extend_from_slice(&u32b(count));
        t.extend_from_slice(&value);
    };
    t.extend_from_slice(&u16b(2));
    entry(&mut t, 0x010F, 2, make.len() as u32, u32b(make_off as u32));
    entry(&mut t, 0x8825, 4, 1, u32b(gps_off as u32));
    t.extend_from_slice(&u32b(0));
    t.extend_from_slice(make);
    while t.len() < gps_off {
        t.push(0);
    }
    let lat_off = gps_off + 2 + 4 * 12 + 4;
    let lon_off = lat_off + 24;
    let (ns, ew) = if south_west { (b'S', b'W') } else { (b'N', b'E') };
    t.extend_from_slice(&u16b(4));
    entry(&mut t, 1, 2, 2, [ns, 0, 0, 0]);
    entry(&mut t, 2, 5, 3, u32b(lat_off as u32));
    entry(&mut t, 3, 2, 2, [ew, 0, 0, 0]);
    entry(&mut t, 4, 5, 3, u32b(lon_off as u32));
    t.extend_from_slice(&u32b(0));
    for (n, d) in [(31u32, 1u32), (49, 1), (12, 1), (117, 1), (13, 1), (48, 1)] {
        t.extend_from_slice(&u32b(n));
        t.extend_from_slice(&u32b(d));
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

#[test]
fn the_browser_side_gps_reader_agrees_with_the_server_side_one() {
    for (le, sw) in [(true, false), (false, false), (true, true), (false, true)] {
        let photo = jpeg_with_gps(le, sw);
        let (lat, lon) = rules::exif_gps(&photo).expect("gps found");
        let sign = if sw { -1.0 } else { 1.0 };
        assert!((lat - sign * 31.82).abs() < 1e-9 && (lon - sign * 117.23).abs() < 1e-9, "{lat} {lon}");
        assert_eq!(media::read_gps(&photo), Some((lat, lon)), "same as kamadak-exif");
    }
    // No EXIF, or not a JPEG: nothing.
    assert_eq!(rules::exif_gps(&seeds()[1]), None);
    assert_eq!(rules::exif_gps(b"\x89PNG\r\n\x1a\n"), None);
    each_case(|g| {
        let mut b = jpeg_with_gps(g.below(2) == 0, false);
        for _ in 0..1 + g.below(6) {
            let i = g.below(b.len());
            match g.below(3) {
                0 => b[i] = g.next() as u8,
                1 => b.truncate(i.max(2)),
                _ => b.insert(i, g.next() as u8),
            }
        }
        if let Some((lat, lon)) = rules::exif_gps(&b) {
            assert!(lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0);
        }
    });
}
