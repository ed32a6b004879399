//! Pure rules of the public tip-off, used by the server (authoritative) and by the WebAssembly
//! app (validation as you type, proof of work).
use crate::base::errors::FieldError;
use crate::base::validate::{check_text, push, valid_date, valid_phone};
use crate::cases::REPORT_TYPES;
use sha2::{Digest, Sha256};

pub const UNIT_NAME_MAX: usize = 200;
pub const ADDRESS_MAX: usize = 300;
pub const DESCRIPTION_MIN: usize = 15;
pub const DESCRIPTION_MAX: usize = 5000;
pub const NAME_MAX: usize = 50;
pub const JOINT_MAX: usize = 500;
pub const OBJECTION_MIN: usize = 10;

/// The checks of the report form that need no database (the server also checks that the sector
/// and town exist, the date is not in the future, and the attachments).
pub fn check_report(d: &super::ReportDraft, name: &str, phone: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if !REPORT_TYPES.contains(&d.report_type.as_str()) {
        push(&mut errs, "report_type", "choose_one");
    }
    if d.sector.trim().is_empty() {
        push(&mut errs, "sector", "choose_one");
    }
    if d.town.trim().is_empty() {
        push(&mut errs, "town", "choose_one");
    }
    check_text(&mut errs, "unit_name", &d.unit_name, 0, UNIT_NAME_MAX);
    check_text(&mut errs, "address", &d.address, 2, ADDRESS_MAX);
    check_text(&mut errs, "description", &d.description, DESCRIPTION_MIN, DESCRIPTION_MAX);
    check_text(&mut errs, "joint_reporters", &d.joint_reporters, 0, JOINT_MAX);
    match (d.latitude.trim(), d.longitude.trim()) {
        ("", "") => {}
        (lat, lon) => match (lat.parse::<f64>(), lon.parse::<f64>()) {
            (Ok(a), Ok(o)) if (-90.0..=90.0).contains(&a) && (-180.0..=180.0).contains(&o) => {}
            _ => push(&mut errs, "latitude", "coordinates_invalid"),
        },
    }
    if !d.seen_on.trim().is_empty() && !valid_date(d.seen_on.trim()) {
        push(&mut errs, "seen_on", "date_invalid");
    }
    if !matches!(d.works_there.as_str(), "" | "yes" | "no") {
        push(&mut errs, "works_there", "choose_one");
    }
    if !d.anonymous {
        check_text(&mut errs, "name", name, 1, NAME_MAX);
        if phone.trim().is_empty() {
            push(&mut errs, "phone", "required");
        } else if !valid_phone(phone) {
            push(&mut errs, "phone", "phone_invalid");
        }
    }
    errs
}

// ---- proof of work ------------------------------------------------------------------------------

fn leading_zero_bits(hash: &[u8]) -> u32 {
    let mut bits = 0;
    for byte in hash {
        if *byte == 0 {
            bits += 8;
        } else {
            bits += byte.leading_zeros();
            break;
        }
    }
    bits
}

/// SHA-256("<challenge>:<counter>") must start with `bits` zero bits.
pub fn pow_ok(challenge: &str, counter: u64, bits: u32) -> bool {
    let mut h = Sha256::new();
    h.update(challenge.as_bytes());
    h.update(b":");
    h.update(counter.to_string().as_bytes());
    leading_zero_bits(&h.finalize()) >= bits
}

/// Find a counter for `pow_ok` (the browser does this; about 2^bits hashes on average).
pub fn solve_pow(challenge: &str, bits: u32) -> u64 {
    (0..u64::MAX).find(|c| pow_ok(challenge, *c, bits)).unwrap_or(0)
}

/// The challenge of a form token is its nonce (the middle part of "expiry.nonce.mac").
pub fn token_challenge(token: &str) -> &str {
    token.split('.').nth(1).unwrap_or("")
}

// ---- photo location ----------------------------------------------------------------------------

/// The GPS position in a JPEG's EXIF block, if any (latitude, longitude in degrees). Small and
/// dependency-free so the WebAssembly app can read it before re-encoding the photo (which drops
/// every EXIF block): the location leaves the phone only when the reporter asks for it.
pub fn exif_gps(jpeg: &[u8]) -> Option<(f64, f64)> {
    let tiff = exif_tiff(jpeg)?;
    let le = match tiff.get(..4)? {
        b"II\x2a\x00" => true,
        b"MM\x00\x2a" => false,
        _ => return None,
    };
    let u16_at = |o: usize| -> Option<u32> {
        let b = tiff.get(o..o + 2)?;
        Some(u32::from(if le { u16::from_le_bytes([b[0], b[1]]) } else { u16::from_be_bytes([b[0], b[1]]) }))
    };
    let u32_at = |o: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(o..o + 4)?.try_into().ok()?;
        Some(if le { u32::from_le_bytes(b) } else { u32::from_be_bytes(b) })
    };
    // (tag, type, count, value or offset) of each entry of the IFD at `at`.
    let entries = |at: usize| -> Option<Vec<(u32, u32, u32, u32, usize)>> {
        let n = u16_at(at)? as usize;
        (0..n.min(256))
            .map(|i| {
                let e = at + 2 + i * 12;
                Some((u16_at(e)?, u16_at(e + 2)?, u32_at(e + 4)?, u32_at(e + 8)?, e + 8))
            })
            .collect()
    };
    let ifd0 = entries(u32_at(4)? as usize)?;
    let gps_at = ifd0.iter().find(|e| e.0 == 0x8825)?.3 as usize;
    let gps = entries(gps_at)?;
    let reference = |tag: u32| -> Option<u8> { gps.iter().find(|e| e.0 == tag && e.1 == 2).and_then(|e| tiff.get(e.4).copied()) };
    let degrees = |tag: u32| -> Option<f64> {
        let e = gps.iter().find(|e| e.0 == tag && e.1 == 5 && e.2 == 3)?;
        let at = e.3 as usize;
        let mut parts = [0f64; 3];
        for (k, part) in parts.iter_mut().enumerate() {
            let (num, den) = (u32_at(at + k * 8)?, u32_at(at + k * 8 + 4)?);
            if den == 0 {
                return None;
            }
            *part = f64::from(num) / f64::from(den);
        }
        Some(parts[0] + parts[1] / 60.0 + parts[2] / 3600.0)
    };
    let mut lat = degrees(2)?;
    let mut lon = degrees(4)?;
    if reference(1) == Some(b'S') {
        lat = -lat;
    }
    if reference(3) == Some(b'W') {
        lon = -lon;
    }
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
}

/// The TIFF structure inside a JPEG's APP1 "Exif" segment.
fn exif_tiff(jpeg: &[u8]) -> Option<&[u8]> {
    if jpeg.get(..2)? != [0xFF, 0xD8] {
        return None;
    }
    let mut at = 2;
    while at + 4 <= jpeg.len() {
        if jpeg[at] != 0xFF {
            return None;
        }
        let marker = jpeg[at + 1];
        if marker == 0xDA || marker == 0xD9 {
            return None; // image data starts: no EXIF before it
        }
        let len = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        let body = jpeg.get(at + 4..at + 2 + len)?;
        if marker == 0xE1 && body.starts_with(b"Exif\0\0") {
            return body.get(6..);
        }
        at += 2 + len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proof_of_work_round_trip() {
        let c = solve_pow("abc", 8);
        assert!(pow_ok("abc", c, 8));
        assert!(!pow_ok("abd", c, 30));
    }

}
