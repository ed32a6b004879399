//! Encryption at rest for secrets that must be readable again (TOTP secrets now; reporter identity
//! and payout details with the public tip-off). XChaCha20-Poly1305 with a random 192-bit nonce per
//! value and associated data naming the column and row, so a ciphertext copied to another row or
//! column does not decrypt. The key comes from configuration (`SW_DATA_KEY_FILE` / `SW_DATA_KEY`),
//! never from the database.
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

const PREFIX: &str = "v1:";

#[derive(Clone)]
pub struct DataKey {
    cipher: XChaCha20Poly1305,
    /// A separate key for MACs (form tokens), derived from the data key with a fixed label.
    mac: hmac::Hmac<sha2::Sha256>,
    /// Another, for the audit chain: without the data key nobody can recompute a chain.
    audit: hmac::Hmac<sha2::Sha256>,
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(…)")
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("the data key must be 32 bytes, base64-encoded (generate one with `safewhistle gen-key`)")]
    BadKey,
    #[error("ciphertext is malformed or was not made with this key for this place")]
    Decrypt,
}

impl DataKey {
    pub fn from_base64(text: &str) -> Result<DataKey, KeyError> {
        let bytes = STANDARD.decode(text.trim()).map_err(|_| KeyError::BadKey)?;
        if bytes.len() != 32 {
            return Err(KeyError::BadKey);
        }
        let cipher = XChaCha20Poly1305::new_from_slice(&bytes).map_err(|_| KeyError::BadKey)?;
        use sha2::Digest as _;
        let mut h = sha2::Sha256::new();
        h.update(b"safewhistle mac key v1\0");
        h.update(&bytes);
        let mac_key: [u8; 32] = h.finalize().into();
        let mac = <hmac::Hmac<sha2::Sha256> as hmac::Mac>::new_from_slice(&mac_key).map_err(|_| KeyError::BadKey)?;
        let mut h = sha2::Sha256::new();
        h.update(b"safewhistle audit key v1\0");
        h.update(&bytes);
        let audit_key: [u8; 32] = h.finalize().into();
        let audit = <hmac::Hmac<sha2::Sha256> as hmac::Mac>::new_from_slice(&audit_key).map_err(|_| KeyError::BadKey)?;
        Ok(DataKey { cipher, mac, audit })
    }

    /// A MAC for the audit chain: HMAC-SHA256 under its own derived key, fed by `feed`.
    pub fn audit_mac(&self, feed: impl FnOnce(&mut dyn FnMut(&[u8]))) -> [u8; 32] {
        use hmac::Mac as _;
        let mut m = self.audit.clone();
        feed(&mut |bytes: &[u8]| m.update(bytes));
        m.finalize().into_bytes().into()
    }

    /// HMAC-SHA256 of `message` under the derived MAC key.
    pub fn mac(&self, message: &[u8]) -> [u8; 32] {
        use hmac::Mac as _;
        let mut m = self.mac.clone();
        m.update(message);
        m.finalize().into_bytes().into()
    }

    /// A new random key, base64-encoded.
    pub fn generate_base64() -> String {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        STANDARD.encode(bytes)
    }

    /// Encrypt `plaintext`; `context` (e.g. `"users.totp_secret:42"`) must be given again to decrypt.
    pub fn encrypt(&self, plaintext: &[u8], context: &str) -> String {
        let sealed = self.encrypt_bytes(plaintext, context);
        format!("{PREFIX}{}", STANDARD.encode(&sealed[1..]))
    }

    pub fn decrypt(&self, stored: &str, context: &str) -> Result<Vec<u8>, KeyError> {
        let body = stored.strip_prefix(PREFIX).ok_or(KeyError::Decrypt)?;
        let mut raw = vec![1u8];
        raw.extend(STANDARD.decode(body).map_err(|_| KeyError::Decrypt)?);
        self.decrypt_bytes(&raw, context)
    }

    /// Binary form of `encrypt` for large values (attachments): version byte 1, nonce, ciphertext.
    pub fn encrypt_bytes(&self, plaintext: &[u8], context: &str) -> Vec<u8> {
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        // Encryption with a valid key and in-memory buffers cannot fail; an empty ciphertext would
        // simply never decrypt, so no panic path is needed.
        let sealed = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plaintext, aad: context.as_bytes() })
            .unwrap_or_default();
        let mut out = Vec::with_capacity(1 + 24 + sealed.len());
        out.push(1);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    pub fn decrypt_bytes(&self, stored: &[u8], context: &str) -> Result<Vec<u8>, KeyError> {
        let Some((1, rest)) = stored.split_first().map(|(v, r)| (*v, r)) else {
            return Err(KeyError::Decrypt);
        };
        if rest.len() < 24 + 16 {
            return Err(KeyError::Decrypt);
        }
        let (nonce, sealed) = rest.split_at(24);
        self.cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: sealed, aad: context.as_bytes() })
            .map_err(|_| KeyError::Decrypt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> DataKey {
        DataKey::from_base64(&DataKey::generate_base64()).expect("generated key is valid")
    }

    #[test]
    fn round_trip_and_binding() {
        let k = key();
        let c = k.encrypt(b"JBSWY3DPEHPK3PXP", "users.totp_secret:1");
        assert!(c.starts_with("v1:"));
        assert!(!c.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(k.decrypt(&c, "users.totp_secret:1").expect("decrypts"), b"JBSWY3DPEHPK3PXP");
        // Another row, another key, a flipped byte: all refused.
        assert_eq!(k.decrypt(&c, "users.totp_secret:2"), Err(KeyError::Decrypt));
        assert_eq!(key().decrypt(&c, "users.totp_secret:1"), Err(KeyError::Decrypt));
        let mut tampered = c.clone().into_bytes();
        let last = tampered.len() - 3;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert!(k.decrypt(&String::from_utf8(tampered).expect("ascii"), "users.totp_secret:1").is_err());
        // Two encryptions of the same value differ (random nonce).
        assert_ne!(k.encrypt(b"x", "c"), k.encrypt(b"x", "c"));
    }

    #[test]
    fn bad_keys_are_refused() {
        assert_eq!(DataKey::from_base64("not base64!").unwrap_err(), KeyError::BadKey);
        assert_eq!(DataKey::from_base64(&STANDARD.encode([1u8; 16])).unwrap_err(), KeyError::BadKey);
    }
}

/// A new random code of `n` characters of `validate::CODE_ALPHABET` (5 bits each: 16 make 80 bits), in
/// groups of four joined by `-`.
pub fn random_code(n: usize) -> String {
    use rand::Rng;
    let mut rng = rand::rngs::OsRng;
    let chars: Vec<char> = (0..n).map(|_| char::from(super::validate::CODE_ALPHABET[rng.gen_range(0..super::validate::CODE_ALPHABET.len())])).collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

