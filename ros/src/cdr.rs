//! CDR encoding as it travels on the wire: a 4-byte encapsulation header, then the body.
//!
//! The body codec is `cdr-encoding`, the same crate RustDDS (and so `ros2-client`) uses, so
//! bytes produced here are the bytes the DDS backend sends. The header is what ROS 2 bags and
//! RTPS serialized payloads carry in front of the body.

use byteorder::{BigEndian, LittleEndian};
use thiserror::Error;

use crate::message::Message;

/// Encapsulation identifier of little-endian plain CDR.
pub const CDR_LE: [u8; 2] = [0x00, 0x01];
/// Encapsulation identifier of big-endian plain CDR.
pub const CDR_BE: [u8; 2] = [0x00, 0x00];

/// Why bytes could not be turned into a message (or a message into bytes).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CdrError {
    /// Fewer than the 4 header bytes.
    #[error(
        "CDR payload for {type_name} is {len} bytes, shorter than the 4-byte encapsulation header"
    )]
    TooShort {
        /// The message type being decoded.
        type_name: &'static str,
        /// Bytes received.
        len: usize,
    },
    /// An encapsulation other than plain CDR (e.g. XCDR2 or parameter lists).
    #[error(
        "CDR payload for {type_name} has encapsulation {id:02x?}; only plain CDR (00 00 / 00 01) is supported"
    )]
    UnsupportedEncapsulation {
        /// The message type being decoded.
        type_name: &'static str,
        /// The two identifier bytes found.
        id: [u8; 2],
    },
    /// The body did not decode as the message type.
    #[error("CDR body does not decode as {type_name}: {source}")]
    Body {
        /// The message type being decoded.
        type_name: &'static str,
        /// What the codec reported.
        #[source]
        source: cdr_encoding::Error,
    },
}

/// Serialises `msg` as little-endian CDR with its encapsulation header.
pub fn encode<M: Message>(msg: &M) -> Result<Vec<u8>, CdrError> {
    let body = cdr_encoding::to_vec::<M, LittleEndian>(msg).map_err(|source| CdrError::Body {
        type_name: M::TYPE_NAME,
        source,
    })?;
    let mut out = Vec::with_capacity(body.len() + 4);
    out.extend_from_slice(&CDR_LE);
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(&body);
    Ok(out)
}

/// Decodes a payload with its encapsulation header, in either byte order.
///
/// Trailing bytes after the body are allowed: RTPS pads payloads to 4 bytes.
pub fn decode<M: Message>(bytes: &[u8]) -> Result<M, CdrError> {
    if bytes.len() < 4 {
        return Err(CdrError::TooShort {
            type_name: M::TYPE_NAME,
            len: bytes.len(),
        });
    }
    let id = [bytes[0], bytes[1]];
    let body = &bytes[4..];
    let decoded = match id {
        CDR_LE => cdr_encoding::from_bytes::<M, LittleEndian>(body),
        CDR_BE => cdr_encoding::from_bytes::<M, BigEndian>(body),
        _ => {
            return Err(CdrError::UnsupportedEncapsulation {
                type_name: M::TYPE_NAME,
                id,
            });
        }
    };
    decoded.map(|(m, _)| m).map_err(|source| CdrError::Body {
        type_name: M::TYPE_NAME,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::msg::geometry_msgs::Twist;
    use crate::msg::sensor_msgs::LaserScan;
    use proptest::prelude::*;

    #[test]
    fn twist_encodes_to_header_and_six_doubles() {
        let bytes = encode(&Twist::planar(0.5, -1.0)).unwrap();
        assert_eq!(&bytes[..4], &[0, 1, 0, 0]);
        assert_eq!(bytes.len(), 4 + 6 * 8);
        assert_eq!(decode::<Twist>(&bytes).unwrap(), Twist::planar(0.5, -1.0));
    }

    #[test]
    fn short_and_foreign_payloads_are_refused_with_the_type_named() {
        let e = decode::<Twist>(&[0, 1]).unwrap_err().to_string();
        assert!(
            e.contains("geometry_msgs/msg/Twist") && e.contains("shorter"),
            "{e}"
        );
        let e = decode::<Twist>(&[0, 7, 0, 0, 1, 2])
            .unwrap_err()
            .to_string();
        assert!(e.contains("encapsulation"), "{e}");
        let e = decode::<Twist>(&[0, 1, 0, 0, 1, 2])
            .unwrap_err()
            .to_string();
        assert!(e.contains("does not decode"), "{e}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Arbitrary bytes from the wire never panic or allocate without bound.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = decode::<LaserScan>(&bytes);
            let mut with_header = vec![0u8, 1, 0, 0];
            with_header.extend_from_slice(&bytes);
            let _ = decode::<LaserScan>(&with_header);
        }
    }
}
