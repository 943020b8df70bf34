/**
 * Probes and metrics. Liveness answers while the process runs; readiness only once every default version
 * is loaded and until shutdown begins (so a load balancer stops sending before the server stops accepting).
 * Both are public (probes carry no token); /metrics is not.
 *   GET /healthz, /v2/health/live   liveness
 *   GET /readyz,  /v2/health/ready  readiness (503 when not ready)
 *   GET /metrics                    Prometheus text
 */
import type { ServerMetrics } from './metrics';
import type { Answer, Route } from './router';

export interface Readiness {
  ready(): boolean;
}

export function readinessAnswer(r: Readiness): Answer {
  return r.ready() ? { body: { status: 'ready' } } : { status: 503, body: { status: 'not ready' } };
}

export function healthRoutes(readiness: Readiness, metrics: ServerMetrics): Route[] {
  const live = async (): Promise<Answer> => ({ body: { status: 'live' } });
  const ready = async (): Promise<Answer> => readinessAnswer(readiness);
  return [
    { method: 'GET', pattern: /^\/(?:healthz|v2\/health\/live)$/, format: 'plain', public: true, handle: live },
    { method: 'GET', pattern: /^\/(?:readyz|v2\/health\/ready)$/, format: 'plain', public: true, handle: ready },
    { method: 'GET', pattern: /^\/metrics$/, format: 'plain', handle: async () => ({ body: undefined, text: metrics.render() }) },
  ];
}
