// CRC-32C (Castagnoli), the checksum TFRecord files use, and the masking TensorFlow applies before storing it.
// The arithmetic is crc-32's; this module only fixes the sign (crc-32 returns signed 32-bit ints) and adds masking.
import { buf as signedCrc32c } from 'crc-32/crc32c';

// From TensorFlow's tsl/lib/hash/crc32c.h (kMaskDelta), shared with LevelDB.
const MASK_DELTA = 0xa282ead8;

/** CRC-32C of `data` as an unsigned 32-bit integer; pass a previous result as `seed` to extend it. */
export function crc32c(data: Uint8Array, seed = 0): number {
  return signedCrc32c(data, seed) >>> 0;
}

/**
 * Masks a CRC the way TFRecord stores it. Masking exists because a CRC computed over bytes that embed
 * other raw CRCs is weak; rotating and offsetting the stored value avoids that.
 */
export function maskCrc32c(crc: number): number {
  const rotated = ((crc >>> 15) | (crc << 17)) >>> 0;
  return (rotated + MASK_DELTA) >>> 0;
}

/** Inverse of {@link maskCrc32c}. */
export function unmaskCrc32c(masked: number): number {
  const rotated = (masked - MASK_DELTA) >>> 0;
  return ((rotated >>> 17) | (rotated << 15)) >>> 0;
}

/** The masked CRC-32C of `data`: the value a TFRecord header or footer holds. */
export function maskedCrc32c(data: Uint8Array): number {
  return maskCrc32c(crc32c(data));
}
