/**
 * A small router: the routes are few and fixed (three wire formats, health, metrics), so a table of
 * regular expressions over the path is clearer than a framework. Each route says which wire format it
 * speaks, because errors are shaped per format.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type WireFormat = 'cloudml' | 'vertex' | 'tfserving' | 'container' | 'plain';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** Decoded path parameters, in the order of the pattern's groups (undefined for an absent optional group). */
  params: (string | undefined)[];
  /**
   * The body as a JSON object, read within the payload limit. With `numericInstances` (for an engine that
   * accepts them), `instances` made only of numbers come as NumericTensor views of one Float64Array.
   */
  json(options?: { numericInstances?: boolean }): Promise<Record<string, unknown>>;
  /** Labels for metrics, filled in by the handler once it knows the model. */
  labels: { model: string; version: string };
}

export interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  format: WireFormat;
  /** Answered without the bearer token (liveness and readiness probes). */
  public?: boolean;
  /** Counted in the prediction metrics. */
  predict?: boolean;
  handle(ctx: RequestContext): Promise<Answer>;
}

export interface Answer {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Sent as is (metrics text) instead of JSON. */
  text?: string;
}

export type Match = { route: Route; params: (string | undefined)[] } | { allowed: string[] } | undefined;

export function matchRoute(routes: readonly Route[], method: string, path: string): Match {
  const allowed: string[] = [];
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    if (route.method !== method && !(route.method === 'GET' && method === 'HEAD')) {
      allowed.push(route.method);
      continue;
    }
    let params: (string | undefined)[];
    try {
      params = m.slice(1).map((p) => (p === undefined ? undefined : decodeURIComponent(p)));
    } catch {
      continue; // a malformed %-escape matches nothing
    }
    return { route, params };
  }
  return allowed.length ? { allowed } : undefined;
}
