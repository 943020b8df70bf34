/** Opening data files as byte streams (`.gz` decompressed on the fly) and fingerprinting them for lineage. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DataError } from './dataError';

export interface FileFingerprint {
  bytes: number;
  sha256: string;
}

/** The file's bytes, decompressed when the name ends in `.gz`. Errors name the file. */
export async function* readBytes(path: string, name: string = path, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const raw = createReadStream(path, { signal });
  const source = path.toLowerCase().endsWith('.gz') ? pipeline(raw, createGunzip(), () => undefined) : raw;
  try {
    for await (const chunk of source) yield chunk as Buffer;
  } catch (err) {
    if (signal?.aborted) throw signal.reason ?? err;
    throw new DataError(`${name}: ${describeReadError(err)}`);
  } finally {
    source.destroy();
    raw.destroy();
  }
}

/** Size and SHA-256 of the file as stored (compressed files are hashed compressed). */
export async function fingerprintFile(path: string, signal?: AbortSignal): Promise<FileFingerprint> {
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of createReadStream(path, { signal })) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
  } catch (err) {
    if (signal?.aborted) throw signal.reason ?? err;
    throw new DataError(`${path}: ${describeReadError(err)}`);
  }
  return { bytes, sha256: hash.digest('hex') };
}

function describeReadError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'file not found';
  if (e.code === 'EISDIR') return 'is a folder, not a file';
  if (e.code === 'Z_DATA_ERROR' || e.code === 'Z_BUF_ERROR') return `not a valid gzip file (${e.message})`;
  return e.message ?? String(err);
}
