//! Rendered public pages kept for a short while (issue 12, D37).
//!
//! The home page, `/report`, `/lookup` and the report form are the same for every visitor who is
//! not signed in: they depend on the language and nothing else. Only two values change from one
//! response to the next: the CSP nonce, and on the report form its signed single-use token. So
//! the first render for a (path, `sw_lang` cookie, `Accept-Language`) is kept with those values
//! cut out. Later visitors get that page without a render, with a fresh nonce put back into the
//! body and the policy header, and a fresh token (`Fresh::form_token`) into the form.
//!
//! A request is served from here only when all of these hold:
//! - it is a GET for one of `PATHS`, with no query string;
//! - it carries no cookie other than `sw_lang`, so no session (signed-in pages are never kept);
//! - its language header is short.
//!
//! A response is kept only when it is a 200 with the page's nonce policy and no `Set-Cookie`,
//! and, if it holds a form token, when a fresh one can be made.
//! The key is the raw inputs the page's language comes from, so the language switch stays exact.
//! A kept page is dropped when the form's choices change on this server (`Fresh::generation`),
//! and after `TTL` in any case, which bounds how stale a page can be.
//!
//! A kept page with no token (the home page, `/report`, `/lookup`) needs nothing fresh at all:
//! its inline scripts are allowed by their SHA-256 hashes in the policy instead of by a nonce, so
//! every visitor gets the same bytes, compressed with brotli once when kept (`Fixed`, D40). Only
//! the scripts that carried the render's nonce are hashed, so nothing else in the page can run.
use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use http_body_util::BodyExt;
use prometheus_client::metrics::counter::Counter;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The pages whose render depends on the language only.
pub const PATHS: &[&str] = &["/", "/report", "/lookup", "/report/new"];
/// How long a kept page is served before it is rendered again.
pub const TTL: Duration = Duration::from_secs(30);
/// Languages × browsers' `Accept-Language` variants × pages; a few KB each.
const ENTRIES: usize = 256;
/// A page larger than this is passed through and not kept (ours are 4–6 KB).
const MAX_BODY: usize = 256 * 1024;
/// A longer `Accept-Language` is not used as a key (it is passed to the render as usual).
const MAX_LANGUAGE_HEADER: usize = 200;

/// Where a form's single-use token sits in a page (the report form's hidden field).
const TOKEN_FIELD: &[u8] = b"name=\"form_token\" value=\"";

/// What a kept page needs from the application.
#[derive(Clone, Default)]
pub struct Fresh {
    /// A new signed form token, in place of the render's (`None` on failure: the page is then
    /// rendered). Without it, a page holding a token is never kept.
    pub form_token: Option<Arc<dyn Fn() -> Option<String> + Send + Sync>>,
    /// Changes whenever something shown on the kept pages changes (the report form's towns and
    /// sectors); a page kept under another value is rendered again.
    pub generation: Option<Arc<dyn Fn() -> u64 + Send + Sync>>,
}

impl std::fmt::Debug for Fresh {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fresh")
            .field("form_token", &self.form_token.is_some())
            .field("generation", &self.generation.is_some())
            .finish()
    }
}

#[derive(Clone)]
pub struct PageCache {
    entries: Arc<Mutex<lru::LruCache<String, Arc<Entry>>>>,
    hits: Counter,
    fresh: Fresh,
}

/// What goes back into a cut.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Hole {
    Nonce,
    Token,
}

struct Entry {
    at: Instant,
    generation: u64,
    status: StatusCode,
    headers: HeaderMap,
    /// The policy header, cut where the nonce was.
    policy: Vec<String>,
    /// The body, cut at each nonce and token: `holes[i]` goes between `body[i]` and `body[i + 1]`.
    body: Vec<Bytes>,
    holes: Vec<Hole>,
    /// The page as every visitor gets it, when it holds no token.
    fixed: Option<Fixed>,
}

/// A kept page without a nonce: its policy names its inline scripts' hashes instead.
struct Fixed {
    policy: HeaderValue,
    body: Bytes,
    /// The body compressed with brotli at its highest quality, once.
    br: Bytes,
}

impl PageCache {
    /// `hits` counts the pages served without a render (`/metrics`).
    pub fn new(hits: Counter, fresh: Fresh) -> Self {
        Self {
            entries: Arc::new(Mutex::new(lru::LruCache::new(NonZeroUsize::MIN.saturating_add(ENTRIES - 1)))),
            hits,
            fresh,
        }
    }

    fn generation(&self) -> u64 {
        self.fresh.generation.as_ref().map_or(0, |g| g())
    }

    fn get(&self, key: &str) -> Option<Arc<Entry>> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let generation = self.generation();
        match entries.get(key) {
            Some(e) if e.at.elapsed() < TTL && e.generation == generation => Some(e.clone()),
            Some(_) => {
                entries.pop(key);
                None
            }
            None => None,
        }
    }

    fn put(&self, key: String, entry: Entry) {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).put(key, Arc::new(entry));
    }
}

/// The middleware: serve a kept page, or render it and keep it when it may be kept.
pub async fn serve(State(cache): State<PageCache>, req: Request, next: Next) -> Response {
    let Some(key) = key(&req) else {
        return next.run(req).await;
    };
    let br = accepts_br(req.headers());
    if let Some(resp) = cache.get(&key).and_then(|entry| entry.response(&cache.fresh, br)) {
        cache.hits.inc();
        return resp;
    }
    let generation = cache.generation();
    let resp = next.run(req).await;
    let Some(nonce) = keepable(&resp) else {
        return resp;
    };
    let (parts, body) = resp.into_parts();
    let bytes = match http_body_util::Limited::new(body, MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => {
            // A page that broke off while rendering (or is far larger than any of these).
            tracing::warn!(error = %e, "page cache: the page's body could not be read");
            return crate::http_layers::error_page();
        }
    };
    let policy = parts
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .map(|p| p.split(nonce.as_str()).map(str::to_owned).collect::<Vec<_>>());
    let token = find_after(&bytes, TOKEN_FIELD).map(|t| t.to_vec());
    let mut needles = vec![(nonce.as_bytes(), Hole::Nonce)];
    if let Some(t) = token.as_deref() {
        needles.push((t, Hole::Token));
    }
    let (pieces, holes) = split(&bytes, &needles);
    // The nonce must be where Leptos puts it (the hydration script) for the cut to be right,
    // and a token is only kept out of the page if a fresh one can be put in.
    let cut = holes.contains(&Hole::Nonce) && (token.is_none() || cache.fresh.form_token.is_some());
    if let Some(policy) = policy.filter(|_| cut) {
        let mut headers = parts.headers.clone();
        headers.remove(header::CONTENT_LENGTH);
        let fixed = match token {
            None => fixed(&bytes, &nonce, &policy.join(&nonce)),
            Some(_) => None,
        };
        let entry = Entry { at: Instant::now(), generation, status: parts.status, headers, policy, body: pieces, holes, fixed };
        // The first visitor gets the page as the next ones will.
        let first = entry.fixed.is_some().then(|| entry.response(&cache.fresh, br)).flatten();
        cache.put(key, entry);
        if let Some(resp) = first {
            return resp;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Whether the request's `Accept-Encoding` takes brotli (with a weight above zero).
fn accepts_br(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(|item| {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim();
        let weight = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok());
        name.eq_ignore_ascii_case("br") && weight.is_some_and(|q| q > 0.0)
    })
}

/// The page without its nonce, and the policy naming the hashes of the scripts that carried it;
/// `None` if the nonce is anywhere else than on a `<script>` tag or as the preload links'
/// `crossorigin` value (where Leptos writes it; an empty value means the same there).
fn fixed(body: &[u8], nonce: &str, policy: &str) -> Option<Fixed> {
    use base64::Engine;
    use sha2::Digest;
    let attribute = format!(" nonce=\"{nonce}\"");
    let crossorigin = format!(" crossorigin=\"{nonce}\"");
    let (mut out, mut hashes, mut rest) = (Vec::with_capacity(body.len()), Vec::new(), body);
    while let Some(at) = find(rest, attribute.as_bytes()) {
        let tag_start = rest[..at].iter().rposition(|b| *b == b'<')?;
        let (before, after) = (&rest[..at], &rest[at + attribute.len()..]);
        if !rest[tag_start..].starts_with(b"<script") || before[tag_start..].contains(&b'>') {
            return None;
        }
        let tag_end = after.iter().position(|b| *b == b'>')? + 1;
        let content_len = find(&after[tag_end..], b"</script>")?;
        let content = &after[tag_end..tag_end + content_len];
        hashes.push(format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(content))));
        out.extend_from_slice(before);
        out.extend_from_slice(&after[..tag_end + content_len]);
        rest = &after[tag_end + content_len..];
    }
    out.extend_from_slice(rest);
    let out = replace(&out, crossorigin.as_bytes(), b" crossorigin=\"\"");
    if hashes.is_empty() || find(&out, nonce.as_bytes()).is_some() {
        return None;
    }
    let policy = HeaderValue::from_str(&policy.replace(&format!("'nonce-{nonce}'"), &hashes.join(" "))).ok()?;
    if policy.to_str().ok()?.contains(nonce) {
        return None;
    }
    let mut br = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut br, 4096, 11, 22);
        std::io::Write::write_all(&mut w, &out).ok()?;
    }
    Some(Fixed { policy, body: Bytes::from(out), br: Bytes::from(br) })
}

/// Where `needle` first occurs; never for an empty needle (`windows(0)` would panic).
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn replace(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let (mut out, mut rest) = (Vec::with_capacity(bytes.len()), bytes);
    while let Some(at) = find(rest, from) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(to);
        rest = &rest[at + from.len()..];
    }
    out.extend_from_slice(rest);
    out
}

impl Entry {
    /// The kept page with fresh values; `None` when a fresh token cannot be made. `br`: the
    /// visitor takes brotli.
    fn response(&self, fresh: &Fresh, br: bool) -> Option<Response> {
        if let Some(fixed) = &self.fixed {
            let mut resp = Response::new(Body::from(if br { fixed.br.clone() } else { fixed.body.clone() }));
            *resp.status_mut() = self.status;
            *resp.headers_mut() = self.headers.clone();
            let headers = resp.headers_mut();
            headers.insert(header::CONTENT_SECURITY_POLICY, fixed.policy.clone());
            if br {
                // The compression layer leaves an encoded body as it is.
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
                headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
            }
            return Some(resp);
        }
        let nonce = leptos::nonce::Nonce::new().to_string();
        let token = match self.holes.contains(&Hole::Token) {
            true => fresh.form_token.as_ref().and_then(|f| f())?,
            false => String::new(),
        };
        let mut body = Vec::with_capacity(self.body.iter().map(Bytes::len).sum::<usize>() + 128 * self.holes.len());
        for (i, piece) in self.body.iter().enumerate() {
            if i > 0 {
                body.extend_from_slice(match self.holes[i - 1] {
                    Hole::Nonce => nonce.as_bytes(),
                    Hole::Token => token.as_bytes(),
                });
            }
            body.extend_from_slice(piece);
        }
        let mut resp = Response::new(Body::from(body));
        *resp.status_mut() = self.status;
        *resp.headers_mut() = self.headers.clone();
        match HeaderValue::from_str(&self.policy.join(&nonce)) {
            Ok(v) => {
                resp.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
            }
            // Cannot happen (the nonce is base64), but never send the old nonce: the default
            // policy of `http_layers` applies instead, and the page then runs no script.
            Err(_) => {
                resp.headers_mut().remove(header::CONTENT_SECURITY_POLICY);
            }
        }
        Some(resp)
    }
}

/// The cache key, when the request may be served from the cache.
fn key(req: &Request) -> Option<String> {
    if req.method() != Method::GET || req.uri().query().is_some() {
        return None;
    }
    let path = PATHS.iter().find(|p| **p == req.uri().path())?;
    let mut lang = String::new();
    for value in req.headers().get_all(header::COOKIE) {
        for pair in value.to_str().ok()?.split(';') {
            let (name, value) = pair.trim().split_once('=')?;
            if name != "sw_lang" || !lang.is_empty() {
                return None;
            }
            lang.push_str(value);
        }
    }
    let mut languages = req.headers().get_all(header::ACCEPT_LANGUAGE).iter();
    let accept = match (languages.next(), languages.next()) {
        (None, _) => "",
        (Some(v), None) => v.to_str().ok().filter(|v| v.len() <= MAX_LANGUAGE_HEADER)?,
        (Some(_), Some(_)) => return None,
    };
    if lang.len() > 16 {
        return None;
    }
    Some(format!("{path}\n{lang}\n{accept}"))
}

/// The page's nonce, when the response may be kept.
fn keepable(resp: &Response) -> Option<String> {
    if resp.status() != StatusCode::OK || resp.headers().contains_key(header::SET_COOKIE) {
        return None;
    }
    let policy = resp.headers().get(header::CONTENT_SECURITY_POLICY)?.to_str().ok()?;
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let len = policy[start..].find('\'')?;
    // Leptos's nonces are 22 characters of URL-safe base64; anything shorter could also occur
    // in the page's text by chance.
    (len >= 16).then(|| policy[start..start + len].to_owned())
}

/// The value after the first `marker`, up to the next quote.
fn find_after<'a>(bytes: &'a [u8], marker: &[u8]) -> Option<&'a [u8]> {
    let start = find(bytes, marker)? + marker.len();
    let len = bytes[start..].iter().position(|b| *b == b'"')?;
    (len > 0).then(|| &bytes[start..start + len])
}

/// `bytes` cut at every occurrence of each needle, and which needle each cut was.
fn split(bytes: &Bytes, needles: &[(&[u8], Hole)]) -> (Vec<Bytes>, Vec<Hole>) {
    let (mut pieces, mut holes) = (Vec::new(), Vec::new());
    let (mut from, mut i) = (0, 0);
    'scan: while i < bytes.len() {
        for (needle, hole) in needles {
            if !needle.is_empty() && bytes[i..].starts_with(needle) {
                pieces.push(bytes.slice(from..i));
                holes.push(*hole);
                i += needle.len();
                from = i;
                continue 'scan;
            }
        }
        i += 1;
    }
    pieces.push(bytes.slice(from..));
    (pieces, holes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(path: &str, headers: &[(&str, &str)]) -> Request {
        let mut b = http::Request::builder().uri(path);
        for (n, v) in headers {
            b = b.header(*n, *v);
        }
        b.body(Body::empty()).unwrap_or_default()
    }

    #[test]
    fn only_anonymous_plain_gets_of_the_listed_pages_have_a_key() {
        assert_eq!(key(&request("/", &[])).as_deref(), Some("/\n\n"));
        assert_eq!(
            key(&request("/report", &[("cookie", "sw_lang=en"), ("accept-language", "zh-CN,zh;q=0.9")])).as_deref(),
            Some("/report\nen\nzh-CN,zh;q=0.9")
        );
        assert_eq!(key(&request("/report/receipt", &[])), None, "not a listed page");
        assert_eq!(key(&request("/?q=1", &[])), None, "a query string");
        assert_eq!(key(&request("/", &[("cookie", "sw_session=abc")])), None, "a session");
        assert_eq!(key(&request("/", &[("cookie", "sw_lang=en; sw_session=abc")])), None, "a session beside the language");
        assert_eq!(key(&request("/", &[("cookie", "sw_lang=en"), ("cookie", "sw_lang=zh")])), None, "two languages");
        assert_eq!(key(&request("/", &[("accept-language", &"x".repeat(300))])), None, "a long language header");
        let post = http::Request::builder().method("POST").uri("/").body(Body::empty()).unwrap_or_default();
        assert_eq!(key(&post), None);
    }

    #[test]
    fn a_page_is_cut_at_each_nonce_and_token() {
        let b = Bytes::from_static(
            b"<script nonce=\"N0nce\">a</script><input name=\"form_token\" value=\"T.1\"><script nonce=\"N0nce\">{\"token\":\"T.1\"}",
        );
        let token = find_after(&b, TOKEN_FIELD).map(|t| t.to_vec());
        assert_eq!(token.as_deref(), Some(&b"T.1"[..]));
        let t = token.unwrap_or_default();
        let (pieces, holes) = split(&b, &[(b"N0nce", Hole::Nonce), (&t, Hole::Token)]);
        assert_eq!(holes, [Hole::Nonce, Hole::Token, Hole::Nonce, Hole::Token]);
        assert_eq!(pieces.len(), 5);
        assert_eq!(pieces[0], "<script nonce=\"");
        assert_eq!(pieces[1], "\">a</script><input name=\"form_token\" value=\"");
        assert_eq!(pieces[2], "\"><script nonce=\"");
        assert_eq!(pieces[3], "\">{\"token\":\"");
        assert_eq!(pieces[4], "\"}");
        let (pieces, holes) = split(&Bytes::from_static(b"none here"), &[(b"N0nce", Hole::Nonce)]);
        assert_eq!((pieces.len(), holes.len()), (1, 0));
        assert_eq!(find_after(b"no form", TOKEN_FIELD), None);
        assert_eq!(find(b"abc", b""), None, "an empty needle is never found");
    }

    #[test]
    fn a_page_without_a_token_is_kept_with_its_scripts_hashes() {
        use base64::Engine;
        use sha2::Digest;
        let nonce = "N0nceN0nceN0nceN0nce";
        let page = format!(
            "<head><link rel=\"modulepreload\" href=\"/v/1/pkg/a.js\" crossorigin=\"{nonce}\">\
             <script type=\"module\" nonce=\"{nonce}\">go()</script></head><body><p>nonce</p>\
             <script nonce=\"{nonce}\">__R=[];</script></body>"
        );
        let policy = format!("default-src 'none'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'");
        let f = fixed(page.as_bytes(), nonce, &policy).expect("kept");
        let hash = |s: &str| format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(s)));
        assert_eq!(
            f.policy.to_str().expect("text"),
            format!("default-src 'none'; script-src 'self' {} {} 'wasm-unsafe-eval'", hash("go()"), hash("__R=[];"))
        );
        assert_eq!(
            f.body,
            "<head><link rel=\"modulepreload\" href=\"/v/1/pkg/a.js\" crossorigin=\"\">\
             <script type=\"module\">go()</script></head><body><p>nonce</p><script>__R=[];</script></body>"
        );
        let mut unpacked = Vec::new();
        std::io::Read::read_to_end(&mut brotli::Decompressor::new(&f.br[..], 4096), &mut unpacked).expect("brotli");
        assert_eq!(unpacked, f.body);

        // The nonce anywhere else (here in the page's text, or on another element): not kept so.
        assert!(fixed(format!("{page}<p>{nonce}</p>").as_bytes(), nonce, &policy).is_none());
        assert!(fixed(format!("<style nonce=\"{nonce}\">p{{}}</style>{page}").as_bytes(), nonce, &policy).is_none());
        assert!(fixed(b"<p>no script</p>", nonce, &policy).is_none(), "nothing to hash: the nonce path");
    }

    #[test]
    fn brotli_is_taken_when_the_browser_names_it() {
        let accepts = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).expect("value"));
            accepts_br(&h)
        };
        assert!(accepts("gzip, deflate, br, zstd"));
        assert!(accepts("BR;q=0.5"));
        assert!(!accepts("gzip, deflate"));
        assert!(!accepts("br;q=0, gzip"));
        assert!(!accepts("brotli"));
        assert!(!accepts_br(&HeaderMap::new()));
    }
}
