//! Attachment checks: the type comes from the bytes (never the file name or the browser's claim);
//! images are decoded within limits and re-encoded, which drops every EXIF/XMP/IPTC block, trailing
//! data and polyglot payloads. Videos, audio and PDFs are kept as they are (the reporter is told so)
//! but refused when they carry an archive or an executable.
use std::io::Cursor;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Image,
    Video,
    Audio,
    Document,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Image => "image",
            Kind::Video => "video",
            Kind::Audio => "audio",
            Kind::Document => "document",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sniffed {
    pub kind: Kind,
    pub content_type: &'static str,
}

/// Why a file was refused; each maps to a translated message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaError {
    /// Not one of the allowed types (judged from the content).
    NotAllowed,
    /// An image that does not decode completely (truncated, corrupt or malicious).
    BadImage,
    /// An image whose pixel size is beyond the limits (decompression bombs).
    ImageTooLarge,
    /// A file with an embedded archive or executable.
    Polyglot,
}

impl MediaError {
    pub fn code(self) -> &'static str {
        match self {
            MediaError::NotAllowed => "file_type_not_allowed",
            MediaError::BadImage => "image_invalid",
            MediaError::ImageTooLarge => "image_too_large",
            MediaError::Polyglot => "file_polyglot",
        }
    }
}

/// The file's type from its first bytes.
pub fn sniff(b: &[u8]) -> Option<Sniffed> {
    let s = |kind, content_type| Some(Sniffed { kind, content_type });
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return s(Kind::Image, "image/jpeg");
    }
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        return s(Kind::Image, "image/png");
    }
    if b.len() >= 12 && &b[0..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        return s(Kind::Image, "image/webp");
    }
    if b.len() >= 12 && &b[0..4] == b"RIFF" && &b[8..12] == b"WAVE" {
        return s(Kind::Audio, "audio/wav");
    }
    if b.len() >= 12 && &b[4..8] == b"ftyp" {
        return match &b[8..12] {
            b"qt  " => s(Kind::Video, "video/quicktime"),
            b"M4A " | b"M4B " => s(Kind::Audio, "audio/mp4"),
            // HEIF/HEIC stills cannot be re-encoded here, so their metadata could not be removed.
            b"heic" | b"heix" | b"mif1" | b"msf1" | b"avif" => None,
            _ => s(Kind::Video, "video/mp4"),
        };
    }
    if b.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        return s(Kind::Video, "video/webm");
    }
    if b.starts_with(b"ID3") || (b.len() > 2 && b[0] == 0xFF && (b[1] & 0xE0) == 0xE0 && b[1] != 0xFF) {
        return s(Kind::Audio, "audio/mpeg");
    }
    if b.starts_with(b"#!AMR\n") {
        return s(Kind::Audio, "audio/amr");
    }
    if b.starts_with(b"%PDF-") {
        return s(Kind::Document, "application/pdf");
    }
    None
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// A ZIP archive (local header and end of central directory) or a Windows/ELF executable inside
/// another file: the classic polyglot tricks.
pub fn looks_like_polyglot(b: &[u8]) -> bool {
    (contains(b, b"PK\x03\x04") && contains(b, b"PK\x05\x06"))
        || contains(b, b"This program cannot be run in DOS mode")
        || contains(b, b"\x7fELF\x02\x01\x01")
}

pub struct CleanFile {
    pub kind: Kind,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
    pub metadata_removed: bool,
    /// GPS position read from the photo before its metadata was removed (latitude, longitude).
    pub gps: Option<(f64, f64)>,
}

/// Largest accepted image side, and the longest side kept (bigger photos are scaled down).
const MAX_SIDE: u32 = 12_000;
const KEEP_SIDE: u32 = 4_096;
/// Decoding budget per image, checked from the header before allocation: 40 megapixels, and
/// 128 MiB of decoded pixels (a 40 MP RGB photo fits; a 16-bit or alpha image that size does
/// not). With `SW_CPU_WORKERS` decodes at a time this bounds the server's memory.
const MAX_PIXELS: u64 = 40_000_000;
const MAX_DECODED_BYTES: u64 = 128 * 1024 * 1024;

/// Check one uploaded file and return what may be stored.
pub fn clean(bytes: Vec<u8>) -> Result<CleanFile, MediaError> {
    let sniffed = sniff(&bytes).ok_or(MediaError::NotAllowed)?;
    if sniffed.kind != Kind::Image {
        if looks_like_polyglot(&bytes) {
            return Err(MediaError::Polyglot);
        }
        return Ok(CleanFile {
            kind: sniffed.kind,
            content_type: sniffed.content_type,
            bytes,
            metadata_removed: false,
            gps: None,
        });
    }
    let gps = read_gps(&bytes);
    let (out, content_type) = reencode(&bytes, sniffed.content_type)?;
    Ok(CleanFile { kind: Kind::Image, content_type, bytes: out, metadata_removed: true, gps })
}

fn reencode(bytes: &[u8], content_type: &str) -> Result<(Vec<u8>, &'static str), MediaError> {
    use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
    let format = match content_type {
        "image/jpeg" => ImageFormat::Jpeg,
        "image/png" => ImageFormat::Png,
        _ => ImageFormat::WebP,
    };
    if format == ImageFormat::Jpeg && !contains(&bytes[2..], &[0xFF, 0xD9]) {
        // No end-of-image marker: the upload was cut off.
        return Err(MediaError::BadImage);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(classify)?;
    // `from_decoder` does not apply `max_alloc` to the decoded buffer, so the budget is checked
    // here, from the header, before anything is allocated: pixels and bytes (a 16-bit RGBA image
    // needs 8 bytes per pixel).
    let (w, h) = decoder.dimensions();
    let pixels = u64::from(w) * u64::from(h);
    if pixels > MAX_PIXELS || decoder.total_bytes() > MAX_DECODED_BYTES {
        return Err(MediaError::ImageTooLarge);
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(classify)?;
    // Shrink first, then rotate the small image. `thumbnail` averages areas straight into the
    // output (no full-size scratch buffer as a filtered resize would need).
    if img.width().max(img.height()) > KEEP_SIDE {
        img = img.thumbnail(KEEP_SIDE, KEEP_SIDE);
    }
    img.apply_orientation(orientation);
    let mut out = Vec::new();
    if format == ImageFormat::Png {
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png).map_err(|_| MediaError::BadImage)?;
        Ok((out, "image/png"))
    } else {
        let rgb = DynamicImage::ImageRgb8(img.to_rgb8());
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 88);
        rgb.write_with_encoder(encoder).map_err(|_| MediaError::BadImage)?;
        Ok((out, "image/jpeg"))
    }
}

fn classify(e: image::ImageError) -> MediaError {
    match e {
        image::ImageError::Limits(_) => MediaError::ImageTooLarge,
        _ => MediaError::BadImage,
    }
}

/// Latitude and longitude from the photo's EXIF GPS block, if it has one.
pub fn read_gps(bytes: &[u8]) -> Option<(f64, f64)> {
    use exif::{In, Tag, Value};
    let data = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)).ok()?;
    let coord = |tag: Tag, reference: Tag, negative: &str| -> Option<f64> {
        let field = data.get_field(tag, In::PRIMARY)?;
        let Value::Rational(parts) = &field.value else { return None };
        if parts.len() < 3 || parts.iter().any(|r| r.denom == 0) {
            return None;
        }
        let v = parts[0].to_f64() + parts[1].to_f64() / 60.0 + parts[2].to_f64() / 3600.0;
        let sign = data
            .get_field(reference, In::PRIMARY)
            .map(|f| f.display_value().to_string())
            .is_some_and(|r| r.trim_matches('"').eq_ignore_ascii_case(negative));
        Some(if sign { -v } else { v })
    };
    let lat = coord(Tag::GPSLatitude, Tag::GPSLatitudeRef, "S")?;
    let lon = coord(Tag::GPSLongitude, Tag::GPSLongitudeRef, "W")?;
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing_ignores_names_and_refuses_executables() {
        assert_eq!(sniff(b"MZ\x90\x00 rest of a windows exe"), None);
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01"), None);
        assert_eq!(sniff(b"PK\x03\x04 zip"), None);
        assert_eq!(sniff(b"%PDF-1.7\n").map(|s| s.content_type), Some("application/pdf"));
        assert_eq!(sniff(b"\x00\x00\x00\x18ftypisom").map(|s| s.kind), Some(Kind::Video));
        assert_eq!(sniff(b"\x00\x00\x00\x18ftypheic"), None);
    }

    #[test]
    fn pdf_with_a_zip_inside_is_a_polyglot() {
        let mut pdf = b"%PDF-1.4\n%%EOF\n".to_vec();
        pdf.extend_from_slice(b"PK\x03\x04....PK\x05\x06....");
        assert_eq!(clean(pdf).err(), Some(MediaError::Polyglot));
    }

    #[test]
    fn png_round_trip_and_bomb() {
        let img = image::RgbImage::from_pixel(4, 3, image::Rgb([200, 10, 10]));
        let mut png = Vec::new();
        image::DynamicImage::ImageRgb8(img).write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
        let cleaned = clean(png.clone()).unwrap();
        assert!(cleaned.metadata_removed);
        // Claim a huge size in the header (decompression bomb): refused before allocating.
        let mut bomb = png;
        bomb[16..20].copy_from_slice(&60_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&60_000u32.to_be_bytes());
        assert!(matches!(clean(bomb).err(), Some(MediaError::ImageTooLarge | MediaError::BadImage)));
    }
}
