//! Bytes to text, before any format reader runs: strips a byte-order mark, falls back to
//! Windows-1252 for files that are not UTF-8 (never dropping them), and normalises line endings.

use encoding_rs::{Encoding, WINDOWS_1252};

/// A file's text, and a warning when it had to be decoded with a fallback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, with `\n` line endings only.
    pub text: String,
    /// Set when the bytes were not valid UTF-8 and were read as Windows-1252.
    pub warning: Option<String>,
}

/// Decode a file's bytes: BOM-marked UTF-8/UTF-16 per the mark, valid UTF-8 as is, anything
/// else as Windows-1252 (which maps every byte, so no text is ever lost). CRLF and lone CR
/// become LF.
pub fn decode(bytes: &[u8]) -> Decoded {
    let (text, warning) = match Encoding::for_bom(bytes) {
        Some((encoding, bom_len)) => {
            // A BOM is an explicit declaration; malformed sequences become U+FFFD.
            let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
            (text.into_owned(), None)
        }
        None => match std::str::from_utf8(bytes) {
            Ok(text) => (text.to_owned(), None),
            Err(_) => {
                let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
                (
                    text.into_owned(),
                    Some("not valid UTF-8; decoded as Windows-1252".to_owned()),
                )
            }
        },
    };
    Decoded {
        text: normalize_line_endings(&text),
        warning,
    }
}

fn normalize_line_endings(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_owned();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_used_as_is() {
        let decoded = decode("café – naïve\n".as_bytes());
        assert_eq!(decoded.text, "café – naïve\n");
        assert_eq!(decoded.warning, None);
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let decoded = decode(b"\xEF\xBB\xBF1a) No\n");
        assert_eq!(decoded.text, "1a) No\n");
        assert_eq!(decoded.warning, None);
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let bytes: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("1a) No".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&bytes).text, "1a) No");
    }

    #[test]
    fn invalid_utf8_falls_back_to_windows_1252_with_a_warning() {
        // "café – ok" in Windows-1252: é = 0xE9, en dash = 0x96.
        let decoded = decode(b"caf\xE9 \x96 ok");
        assert_eq!(decoded.text, "café – ok");
        assert_eq!(
            decoded.warning.as_deref(),
            Some("not valid UTF-8; decoded as Windows-1252")
        );
    }

    #[test]
    fn crlf_and_cr_become_lf() {
        let decoded = decode(b"a\r\nb\rc\n\r\nd");
        assert_eq!(decoded.text, "a\nb\nc\n\nd");
    }
}
