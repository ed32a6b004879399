//! Resource codecs: `Json` for every page's data (`json_resource`), and `AsciiJson`, JSON in which
//! every non-ASCII character is written as a `\uXXXX` escape.
//!
//! Why `AsciiJson`: Leptos writes each resolved resource into the page as a JavaScript string literal, made
//! with Rust's `{:?}` formatting. That escaping looks every non-ASCII character up in Unicode
//! tables; on the report form (some 200 Chinese characters of town and sector names) it was the
//! largest single cost of the page render (about 7 % of the server's CPU under load, issue 11).
//! ASCII goes through it on the fast path. The page grows by about 4 bytes per such character
//! before compression.
use leptos::server::codee::{Decoder, Encoder};
use serde::{Deserialize, Serialize};
use std::io;

/// Use as `Resource::<T, AsciiJson>::new_with_options(source, fetcher, false)`.
pub struct AsciiJson;

impl<T: Serialize> Encoder<T> for AsciiJson {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(val: &T) -> Result<String, serde_json::Error> {
        let mut out = Vec::with_capacity(1024);
        val.serialize(&mut serde_json::Serializer::with_formatter(&mut out, AsciiFormatter))?;
        String::from_utf8(out).map_err(|e| serde::ser::Error::custom(e.to_string()))
    }
}

impl<T> Decoder<T> for AsciiJson
where
    for<'de> T: Deserialize<'de>,
{
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(val: &str) -> Result<T, serde_json::Error> {
        // Read as `Json` reads (D43): escapes are plain JSON.
        <Json as Decoder<T>>::decode(val)
    }
}

/// The codec of every other resource (`json_resource`): serde_json, as Leptos's default codec,
/// but read with `from_slice`, the reader the server functions' replies go through, instead of
/// `from_str` (D43). Every type a page loads is decoded in two places in the browser: from the
/// page's hydration data (the resource's codec) and from a server function's reply (a refetch
/// or a client-side navigation). With two readers serde compiles every such type's decoder
/// twice into the WebAssembly; with one, once.
pub struct Json;

impl<T: Serialize> Encoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(val: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(val)
    }
}

impl<T> Decoder<T> for Json
where
    for<'de> T: Deserialize<'de>,
{
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(val: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(val.as_bytes())
    }
}

/// `Resource::new` with the `Json` codec: what every page uses for its data (D43).
#[track_caller]
pub fn json_resource<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> leptos::prelude::Resource<T, Json>
where
    T: Serialize + for<'de> Deserialize<'de> + Send + Sync + 'static,
    S: PartialEq + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = T> + Send + 'static,
{
    leptos::prelude::Resource::new_with_options(source, fetcher, false)
}

/// serde_json's compact output, with non-ASCII characters inside strings escaped.
struct AsciiFormatter;

impl serde_json::ser::Formatter for AsciiFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if c.is_ascii() {
                continue;
            }
            writer.write_all(&fragment.as_bytes()[start..i])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            start = i + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_ascii_text_is_escaped_and_comes_back_unchanged() {
        let value = vec![
            ("WHP".to_string(), "危险化学品".to_string()),
            ("X".to_string(), "emoji 🚒, quote \" and backslash \\".to_string()),
        ];
        let encoded = <AsciiJson as Encoder<_>>::encode(&value).expect("encode");
        assert!(encoded.is_ascii(), "{encoded}");
        assert!(encoded.contains("\\u5371"), "{encoded}");
        assert!(encoded.contains("\\ud83d\\ude92"), "a character outside the BMP is a surrogate pair: {encoded}");
        let decoded: Vec<(String, String)> = <AsciiJson as Decoder<_>>::decode(&encoded).expect("decode");
        assert_eq!(decoded, value);
    }
}
