// TFRecord framing, as written by TensorFlow's record_writer.cc and read by TensorBoard:
//   uint64 LE length | uint32 LE masked CRC-32C of those 8 bytes | data | uint32 LE masked CRC-32C of data
import { maskedCrc32c } from './crc32c';

const LENGTH_BYTES = 8;
const HEADER_BYTES = LENGTH_BYTES + 4;
const FOOTER_BYTES = 4;

/** Frames one record; the result is appended to the file as one write. */
export function frameRecord(data: Uint8Array): Buffer {
  const out = Buffer.alloc(HEADER_BYTES + data.length + FOOTER_BYTES);
  out.writeBigUInt64LE(BigInt(data.length), 0);
  out.writeUInt32LE(maskedCrc32c(out.subarray(0, LENGTH_BYTES)), LENGTH_BYTES);
  out.set(data, HEADER_BYTES);
  out.writeUInt32LE(maskedCrc32c(data), HEADER_BYTES + data.length);
  return out;
}

/** A stored CRC disagreed with the bytes: the file is damaged there and nothing after it can be trusted. */
export class TfRecordCorruptionError extends Error {
  constructor(
    readonly offset: number,
    readonly part: 'length' | 'data',
  ) {
    super(`TFRecord ${part} checksum mismatch in the record at byte ${offset}`);
    this.name = 'TfRecordCorruptionError';
  }
}

export interface TfRecordReadResult {
  records: Buffer[];
  /**
   * Bytes after the last complete record. Non-zero when a writer died mid-record (or is still writing);
   * TensorBoard treats that tail the same way: it stops there and keeps what came before.
   */
  trailingBytes: number;
}

/** Splits a TFRecord file into its records, verifying both CRCs of each; throws TfRecordCorruptionError. */
export function readTfRecords(bytes: Uint8Array): TfRecordReadResult {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Buffer[] = [];
  let offset = 0;
  while (offset < buf.length) {
    if (buf.length - offset < HEADER_BYTES) break;
    const lengthBytes = buf.subarray(offset, offset + LENGTH_BYTES);
    if (buf.readUInt32LE(offset + LENGTH_BYTES) !== maskedCrc32c(lengthBytes)) {
      throw new TfRecordCorruptionError(offset, 'length');
    }
    // The length is trusted only once its own CRC matched, so a huge value here means truncation, not garbage.
    const length = lengthBytes.readBigUInt64LE(0);
    const available = BigInt(buf.length - offset - HEADER_BYTES - FOOTER_BYTES);
    if (length > available) break;
    const dataStart = offset + HEADER_BYTES;
    const dataEnd = dataStart + Number(length);
    const data = buf.subarray(dataStart, dataEnd);
    if (buf.readUInt32LE(dataEnd) !== maskedCrc32c(data)) throw new TfRecordCorruptionError(offset, 'data');
    records.push(data);
    offset = dataEnd + FOOTER_BYTES;
  }
  return { records, trailingBytes: buf.length - offset };
}
