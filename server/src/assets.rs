//! Where browsers fetch the built bundle from (issue 12, D39). Every page links its script,
//! WebAssembly and style sheet under `/v/<build id>/pkg/…`, where the build id is a hash of the
//! whole bundle directory; those responses may then be kept by the browser for a year without
//! asking again (`immutable`). A new build has a new id and so new addresses: no returning visitor
//! can mix files of two builds (the split chunks, their loader and the main module import one
//! another by name, so per-file hashes would not be enough; see D39).
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The path prefix for the bundle of `pkg_dir` (the built site's package directory):
/// `/v/` and 16 hex digits.
pub fn asset_root(pkg_dir: &Path) -> String {
    format!("/v/{}", build_id(pkg_dir))
}

/// A hash of every file name and content under `pkg_dir`, in name order. The `.br`/`.gz` copies
/// are left out: they are made from the files beside them. A missing directory (a test, a
/// server started before any build) hashes as empty.
pub fn build_id(pkg_dir: &Path) -> String {
    let mut files = Vec::new();
    collect(pkg_dir, &mut files);
    files.sort();
    let mut hash = Sha256::new();
    for path in files {
        let Ok(content) = std::fs::read(&path) else { continue };
        let name = path.strip_prefix(pkg_dir).unwrap_or(&path).to_string_lossy().into_owned();
        hash.update((name.len() as u64).to_le_bytes());
        hash.update(name.as_bytes());
        hash.update((content.len() as u64).to_le_bytes());
        hash.update(&content);
    }
    hex::encode(&hash.finalize()[..8])
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if !matches!(path.extension().and_then(|e| e.to_str()), Some("br" | "gz")) {
            out.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_follows_every_file_and_ignores_compressed_copies() {
        let dir = tempfile::tempdir().expect("temp dir");
        let pkg = dir.path();
        let empty = build_id(pkg);
        assert_eq!(empty.len(), 16);
        assert!(empty.chars().all(|c| c.is_ascii_hexdigit()));
        std::fs::write(pkg.join("app.js"), "import './chunk_1.wasm'").expect("write");
        std::fs::create_dir(pkg.join("snippets")).expect("dir");
        std::fs::write(pkg.join("snippets/a.js"), "export {}").expect("write");
        let one = build_id(pkg);
        assert_ne!(one, empty);
        assert_eq!(build_id(pkg), one, "the same files give the same id");
        std::fs::write(pkg.join("app.js.br"), "anything").expect("write");
        assert_eq!(build_id(pkg), one, "compressed copies do not count");
        std::fs::write(pkg.join("snippets/a.js"), "export { }").expect("write");
        let two = build_id(pkg);
        assert_ne!(two, one, "a changed file in a subdirectory changes the id");
        std::fs::rename(pkg.join("app.js"), pkg.join("app2.js")).expect("rename");
        assert_ne!(build_id(pkg), two, "a renamed file changes the id");
        assert_eq!(asset_root(pkg), format!("/v/{}", build_id(pkg)));
        assert_eq!(build_id(&pkg.join("missing")), empty);
    }
}
