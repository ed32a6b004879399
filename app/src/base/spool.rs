//! The upload spool (server only). The file parts of an upload form are written to disk as they
//! arrive instead of being held in memory, so the memory an upload takes does not grow with its
//! size. Three properties:
//!
//! - **Nothing readable is left on disk.** Every spooled file is encrypted (XChaCha20, a fresh
//!   nonce per file) with a key that exists only in this process's memory. A photo's metadata
//!   (its GPS position) is in the raw upload; after a crash, a `kill -9` or a power cut the files
//!   left behind are noise.
//! - **Bounded.** Every byte spooled counts against one budget shared by all requests
//!   (`SW_UPLOAD_SPOOL_BYTES`); a write beyond it is refused and the request answered "busy,
//!   try again" (429) instead of filling the disk.
//! - **Private and short-lived.** Files live in a directory of this process's own (mode 0700,
//!   removed at shutdown) and each one is deleted when the request that wrote it is done with it,
//!   whether it succeeded, failed or was dropped.
use chacha20::cipher::{KeyIvInit, StreamCipher};
use chacha20::XChaCha20;
use rand::RngCore;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::io::AsyncWriteExt;

/// Bytes gathered before one encrypted write to disk.
const WRITE_BUFFER: usize = 256 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum SpoolError {
    /// The budget is used up by uploads in progress.
    #[error("the upload spool is full")]
    Full,
    #[error("upload spool: {0}")]
    Io(#[from] std::io::Error),
}

impl From<SpoolError> for crate::base::errors::AppError {
    fn from(e: SpoolError) -> Self {
        match e {
            SpoolError::Full => crate::base::errors::AppError::RateLimited,
            SpoolError::Io(e) => crate::base::errors::AppError::internal("upload spool", e),
        }
    }
}

struct Inner {
    dir: tempfile::TempDir,
    key: [u8; 32],
    limit: u64,
    used: AtomicU64,
}

/// The spool: cheap to clone (shared).
#[derive(Clone)]
pub struct Spool {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Spool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Spool({} of {} bytes used)", self.used(), self.inner.limit)
    }
}

impl Spool {
    /// A new spool in a fresh directory under `parent` (the system's temporary directory when
    /// `None`), holding at most `limit` bytes at a time.
    pub fn new(parent: Option<&Path>, limit: u64) -> std::io::Result<Spool> {
        let parent = parent.map(Path::to_path_buf).unwrap_or_else(std::env::temp_dir);
        std::fs::create_dir_all(&parent)?;
        let dir = tempfile::Builder::new().prefix("safewhistle-uploads-").tempdir_in(&parent)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))?;
        }
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        Ok(Spool { inner: Arc::new(Inner { dir, key, limit, used: AtomicU64::new(0) }) })
    }

    /// Bytes held by spooled files right now.
    pub fn used(&self) -> u64 {
        self.inner.used.load(Ordering::Relaxed)
    }

    pub fn dir(&self) -> &Path {
        self.inner.dir.path()
    }

    fn reservation(&self) -> Reservation {
        Reservation { inner: self.inner.clone(), bytes: 0 }
    }

    fn create(&self) -> std::io::Result<(std::fs::File, tempfile::TempPath, [u8; 24])> {
        let (file, path) = tempfile::Builder::new().prefix("u").tempfile_in(self.inner.dir.path())?.into_parts();
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        Ok((file, path, nonce))
    }

    fn cipher(&self, nonce: &[u8; 24]) -> XChaCha20 {
        XChaCha20::new(&self.inner.key.into(), nonce.into())
    }

    /// Start a file that arrives in chunks (from an async request body).
    pub async fn writer(&self) -> Result<SpoolWriter, SpoolError> {
        let spool = self.clone();
        let (file, path, nonce) = tokio::task::spawn_blocking(move || spool.create())
            .await
            .map_err(|e| SpoolError::Io(std::io::Error::other(e)))??;
        Ok(SpoolWriter {
            cipher: self.cipher(&nonce),
            spool: self.clone(),
            file: tokio::fs::File::from_std(file),
            path,
            nonce,
            buf: Vec::new(),
            len: 0,
            reservation: self.reservation(),
        })
    }

    /// Store bytes already in memory (on a blocking thread: e.g. a cleaned attachment).
    pub fn store_blocking(&self, bytes: &[u8]) -> Result<SpooledFile, SpoolError> {
        use std::io::Write as _;
        let mut reservation = self.reservation();
        reservation.grow(bytes.len() as u64)?;
        let (mut file, path, nonce) = self.create()?;
        let mut cipher = self.cipher(&nonce);
        for chunk in bytes.chunks(WRITE_BUFFER) {
            let mut block = chunk.to_vec();
            cipher.apply_keystream(&mut block);
            file.write_all(&block)?;
        }
        file.flush()?;
        Ok(SpooledFile { spool: self.clone(), path, nonce, len: bytes.len() as u64, _reservation: reservation })
    }
}

/// Bytes counted against the spool's budget, given back when dropped.
struct Reservation {
    inner: Arc<Inner>,
    bytes: u64,
}

impl Reservation {
    fn grow(&mut self, more: u64) -> Result<(), SpoolError> {
        let limit = self.inner.limit;
        self.inner
            .used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| used.checked_add(more).filter(|n| *n <= limit))
            .map_err(|_| SpoolError::Full)?;
        self.bytes += more;
        Ok(())
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        self.inner.used.fetch_sub(self.bytes, Ordering::AcqRel);
    }
}

/// A file being written. Dropped before `finish`, its file is deleted and its bytes given back.
pub struct SpoolWriter {
    spool: Spool,
    file: tokio::fs::File,
    path: tempfile::TempPath,
    nonce: [u8; 24],
    cipher: XChaCha20,
    buf: Vec<u8>,
    len: u64,
    reservation: Reservation,
}

impl SpoolWriter {
    /// Bytes written so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), SpoolError> {
        self.reservation.grow(chunk.len() as u64)?;
        self.len += chunk.len() as u64;
        self.buf.extend_from_slice(chunk);
        if self.buf.len() >= WRITE_BUFFER {
            self.flush_buffer().await?;
        }
        Ok(())
    }

    async fn flush_buffer(&mut self) -> Result<(), SpoolError> {
        self.cipher.apply_keystream(&mut self.buf);
        self.file.write_all(&self.buf).await?;
        self.buf.clear();
        Ok(())
    }

    pub async fn finish(mut self) -> Result<SpooledFile, SpoolError> {
        if !self.buf.is_empty() {
            self.flush_buffer().await?;
        }
        self.file.flush().await?;
        Ok(SpooledFile { spool: self.spool, path: self.path, nonce: self.nonce, len: self.len, _reservation: self.reservation })
    }
}

/// A complete spooled file; deleted (and its bytes given back to the budget) when dropped.
pub struct SpooledFile {
    spool: Spool,
    path: tempfile::TempPath,
    nonce: [u8; 24],
    len: u64,
    _reservation: Reservation,
}

impl std::fmt::Debug for SpooledFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SpooledFile({} bytes)", self.len)
    }
}

impl SpooledFile {
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn spool(&self) -> &Spool {
        &self.spool
    }

    /// The file's contents (blocking: call on a blocking thread).
    pub fn read_blocking(&self) -> Result<Vec<u8>, SpoolError> {
        read_and_open(&self.path, self.spool.cipher(&self.nonce), self.len)
    }

    /// The file's contents, read and decrypted on a blocking thread.
    pub async fn read(&self) -> Result<Vec<u8>, SpoolError> {
        let path: PathBuf = self.path.to_path_buf();
        let cipher = self.spool.cipher(&self.nonce);
        let len = self.len;
        tokio::task::spawn_blocking(move || read_and_open(&path, cipher, len))
            .await
            .map_err(|e| SpoolError::Io(std::io::Error::other(e)))?
    }
}

fn read_and_open(path: &Path, mut cipher: XChaCha20, len: u64) -> Result<Vec<u8>, SpoolError> {
    let mut data = std::fs::read(path)?;
    if data.len() as u64 != len {
        return Err(SpoolError::Io(std::io::Error::other("spooled file changed size")));
    }
    cipher.apply_keystream(&mut data);
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn files_round_trip_encrypted_within_the_budget_and_vanish_when_dropped() {
        let parent = tempfile::tempdir().unwrap();
        let spool = Spool::new(Some(parent.path()), 1_000_000).unwrap();
        let data: Vec<u8> = (0..700_000u32).map(|i| (i % 251) as u8).collect();
        let mut w = spool.writer().await.unwrap();
        for chunk in data.chunks(7_000) {
            w.write(chunk).await.unwrap();
        }
        let file = w.finish().await.unwrap();
        assert_eq!(spool.used(), 700_000);
        // On disk: the same length, but not the plaintext.
        let on_disk: Vec<_> = std::fs::read_dir(spool.dir()).unwrap().collect();
        assert_eq!(on_disk.len(), 1);
        let raw = std::fs::read(on_disk[0].as_ref().unwrap().path()).unwrap();
        assert_eq!(raw.len(), data.len());
        assert_ne!(&raw[..4096], &data[..4096]);
        assert_eq!(file.read().await.unwrap(), data);
        assert_eq!(file.read_blocking().unwrap(), data);

        // Over the budget: refused, and the partial file is gone with its writer.
        let mut w2 = spool.writer().await.unwrap();
        w2.write(&data[..200_000]).await.unwrap();
        assert!(matches!(w2.write(&data[..200_000]).await, Err(SpoolError::Full)));
        drop(w2);
        assert_eq!(spool.used(), 700_000);
        assert_eq!(std::fs::read_dir(spool.dir()).unwrap().count(), 1);

        let small = spool.store_blocking(b"hello").unwrap();
        assert_eq!(small.read_blocking().unwrap(), b"hello");
        drop(file);
        drop(small);
        assert_eq!(spool.used(), 0);
        assert_eq!(std::fs::read_dir(spool.dir()).unwrap().count(), 0);
        let dir = spool.dir().to_path_buf();
        drop(spool);
        assert!(!dir.exists(), "the spool's directory is removed with it");
    }
}
