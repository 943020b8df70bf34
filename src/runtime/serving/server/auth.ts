/**
 * Who may bind where, and the bearer-token check. Loopback needs nothing; any other address is reachable
 * by other machines, so it needs a token or TLS. The token is compared in constant time over SHA-256
 * digests (equal lengths whatever was sent, so neither the content nor the length leaks through timing).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/**
 * Throws when the binding would expose the server without a token or TLS. The one exception is a Vertex
 * AI custom container (`vertexContainer`): Vertex sends its AIP_* variables, routes only its own
 * authenticated prediction traffic to the container, and sends no token, so a token could never be
 * checked there.
 */
export function checkBindSecurity(host: string, options: { token?: string; tls: boolean; vertexContainer?: boolean }): void {
  if (isLoopback(host) || options.token || options.tls || options.vertexContainer) return;
  throw new Error(
    `refusing to serve on ${host} without protection: other machines could call it. Give --token <secret> (or MODELLAB_SERVE_TOKEN), or --tls-cert and --tls-key, or bind 127.0.0.1`,
  );
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

export class BearerCheck {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = digest(token);
  }

  /** True when the Authorization header carries the token. */
  allows(authorization: string | undefined): boolean {
    const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    // Compare even when there is no token, so a missing header costs the same as a wrong one.
    const given = digest(match ? match[1].trim() : '');
    return timingSafeEqual(given, this.expected) && match !== null;
  }
}
