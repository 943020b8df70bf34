/**
 * Reading a request body within a byte limit, and parsing it as JSON with TF Serving's extensions
 * (bare NaN, Infinity, -Infinity). Over the limit is a 413 as soon as it is known (Content-Length, or
 * the running count), without buffering the rest.
 */
import type { IncomingMessage } from 'node:http';
import { HttpError } from './httpError';

export function payloadTooLarge(limit: number): HttpError {
  // Cloud ML Engine's wording for the same condition.
  return new HttpError(413, `Request payload size exceeds the limit: ${limit} bytes.`);
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(payloadTooLarge(limit));
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let finished = false;
    const finish = (err?: Error) => {
      if (finished) return;
      finished = true;
      req.off('data', onData);
      if (err) fail(err);
      else done(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        finish(payloadTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => finish());
    req.once('error', (err) => finish(new HttpError(400, `the request body could not be read: ${err.message}`)));
    const cutOff = () => finish(new HttpError(400, 'the client closed the connection before sending the whole body'));
    req.once('aborted', cutOff);
    // 'aborted' is deprecated; a close before 'end' means the same.
    req.once('close', () => {
      if (!req.complete) cutOff();
    });
  });
}

// Bare NaN / Infinity / -Infinity outside strings, as TF Serving's JSON accepts them.
const NON_FINITE = /"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)/g;
const MARK = '\u0000modellab-nonfinite:';

function nonFiniteReviver(_key: string, value: unknown): unknown {
  if (typeof value === 'string' && value.startsWith(MARK)) {
    const word = value.slice(MARK.length);
    return word === 'NaN' ? NaN : word === '-Infinity' ? -Infinity : Infinity;
  }
  return value;
}

export function parseJson(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // a UTF-8 BOM, as gcloud strips it
  if (body.trim() === '') throw new HttpError(400, 'the request body is empty: expected a JSON object');
  try {
    return JSON.parse(body);
  } catch (first) {
    if (!/NaN|Infinity/.test(body)) throw new HttpError(400, `malformed JSON: ${(first as Error).message}`);
    const marked = body.replace(NON_FINITE, (whole, word: string | undefined) => (word ? JSON.stringify(MARK + word) : whole));
    try {
      return JSON.parse(marked, nonFiniteReviver);
    } catch {
      throw new HttpError(400, `malformed JSON: ${(first as Error).message}`);
    }
  }
}

/** The body as a JSON object (every :predict body is one). */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  const value = parseJson(body.toString('utf8'));
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError(400, `the request body must be a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  }
  return value as Record<string, unknown>;
}
