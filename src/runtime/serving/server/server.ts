/**
 * The prediction server: one HTTP(S) server for every wire format, over a set of served models.
 * Order per request: route → token (unless the route is a public probe) → body within the limit →
 * handler. Every failure becomes an answer in the route's error shape; nothing reaches the client
 * from a stack trace, and no failure stops the server.
 *
 * Shutdown (`close`): readiness turns false, the listener stops accepting, idle keep-alive connections
 * close, requests already accepted are answered (with `Connection: close`), then engines are closed.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, Server as NetServer, type Socket } from 'node:net';
import { BearerCheck, checkBindSecurity, isLoopback } from './auth';
import { cloudmlErrorMessage, cloudmlRoutes } from './cloudmlRoutes';
import { containerRoutes, type ContainerRoutesOptions } from './containerRoutes';
import { healthRoutes } from './healthRoutes';
import { googleStatus, HttpError } from './httpError';
import { parseJsonObject, readBody } from './jsonBody';
import { readNumericInstances } from './numericBody';
import { stringifyJson } from '../../util/stringifyJson';
import { ServerMetrics } from './metrics';
import { type Answer, matchRoute, type RequestContext, type Route, type WireFormat } from './router';
import type { ServedModels } from './servedModels';
import { tfservingRoutes } from './tfservingRoutes';
import { vertexRoutes } from './vertexRoutes';

export const DEFAULT_MAX_BODY_BYTES = 1_572_864; // 1.5 MB, Cloud ML Engine's online prediction limit

export interface PredictionServerOptions {
  host: string;
  port: number;
  token?: string;
  tls?: { cert: Buffer; key: Buffer };
  maxBodyBytes?: number;
  /** Whole request (headers and body) must arrive within this; bounds slow clients. */
  requestTimeoutMs?: number;
  headersTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  container?: ContainerRoutesOptions;
  metrics?: ServerMetrics;
  log?: (line: string) => void;
}

function errorBody(format: WireFormat, err: HttpError): unknown {
  switch (format) {
    case 'vertex':
      return { error: { code: err.status, message: err.message, status: googleStatus(err.status) } };
    case 'cloudml':
      return { error: cloudmlErrorMessage(err) };
    default:
      return { error: err.message };
  }
}

function errorKind(err: HttpError): string {
  if (err.status === 413) return 'payload_too_large';
  if (err.status === 401) return 'unauthenticated';
  if (err.status === 404) return 'not_found';
  if (err.status === 408) return 'timeout';
  if (err.status === 503) return 'unavailable';
  if (err.status >= 500) return 'model_error';
  return 'invalid_input';
}

export class PredictionServer {
  readonly metrics: ServerMetrics;
  private readonly server: Server;
  private readonly routes: Route[];
  private readonly bearer?: BearerCheck;
  private readonly maxBodyBytes: number;
  private closing = false;
  private closed: Promise<void> | undefined;
  private inflight = 0;
  /** Open connections: requests in progress on each, and requests answered. */
  private readonly connections = new Map<Socket, { active: number; answered: number }>();

  constructor(
    readonly models: ServedModels,
    private readonly options: PredictionServerOptions,
  ) {
    checkBindSecurity(options.host, { token: options.token, tls: options.tls !== undefined, vertexContainer: options.container !== undefined });
    if (options.container && !isLoopback(options.host) && !options.token && !options.tls) {
      options.log?.(`custom-container mode: listening on ${options.host} without a token, as Vertex AI expects (it authenticates callers in front of the container); do not publish this port anywhere else`);
    }
    this.metrics = options.metrics ?? new ServerMetrics();
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    if (options.token) this.bearer = new BearerCheck(options.token);
    const readiness = { ready: () => !this.closing && models.ready };
    this.routes = [
      ...(options.container ? containerRoutes(models, readiness, options.container) : []),
      ...healthRoutes(readiness, this.metrics),
      ...cloudmlRoutes(models),
      ...vertexRoutes(models),
      ...tfservingRoutes(models),
    ];
    const requestTimeout = options.requestTimeoutMs ?? 30_000;
    const serverOptions = {
      requestTimeout,
      // Node requires headersTimeout ≤ requestTimeout.
      headersTimeout: Math.min(options.headersTimeoutMs ?? 10_000, requestTimeout),
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 5_000,
      // How often Node checks the two timeouts above (its default, 30 s, would let a slow client linger).
      connectionsCheckingInterval: 500,
    };
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    this.server = options.tls ? createHttpsServer({ ...serverOptions, cert: options.tls.cert, key: options.tls.key }, handler) : createHttpServer(serverOptions, handler);
    this.server.headersTimeout = serverOptions.headersTimeout;
    this.server.on(options.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
      this.connections.set(socket, { active: 0, answered: 0 });
      socket.once('close', () => this.connections.delete(socket));
    });
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const state = this.connections.get(req.socket);
      if (!state) return;
      state.active++;
      res.once('close', () => {
        state.active--;
        state.answered++;
      });
    });
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      // Unparseable HTTP or a timeout before a request existed: answer if the socket still can, never throw.
      if (socket.writable && !socket.destroyed) {
        const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
        const body = JSON.stringify({ error: status.slice(4) });
        socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      } else socket.destroy();
    });
  }

  async listen(): Promise<AddressInfo> {
    await new Promise<void>((done, fail) => {
      this.server.once('error', fail);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', fail);
        done();
      });
    });
    return this.server.address() as AddressInfo;
  }

  get address(): AddressInfo {
    return this.server.address() as AddressInfo;
  }

  get url(): string {
    const a = this.address;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `${this.options.tls ? 'https' : 'http'}://${host}:${a.port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = matchRoute(this.routes, req.method ?? 'GET', url.pathname);
    const format: WireFormat = match && 'route' in match ? match.route.format : 'plain';
    const predictRoute = match && 'route' in match && match.route.predict === true;
    const labels = { model: '', version: '' };
    this.inflight++;
    this.metrics.inflight.add({}, 1);
    let answer: Answer;
    try {
      if (!match) throw new HttpError(404, `no route for ${req.method} ${url.pathname}`);
      if ('allowed' in match) {
        res.setHeader('Allow', match.allowed.join(', '));
        throw new HttpError(405, `${req.method} is not allowed on ${url.pathname} (use ${match.allowed.join(' or ')})`);
      }
      if (this.bearer && !match.route.public && !this.bearer.allows(req.headers.authorization)) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        throw new HttpError(401, 'missing or wrong bearer token (send Authorization: Bearer <token>)');
      }
      const ctx: RequestContext = {
        req,
        res,
        params: match.params,
        labels,
        json: async (options) => {
          const body = await readBody(req, this.maxBodyBytes);
          return (options?.numericInstances ? readNumericInstances(body) : undefined) ?? parseJsonObject(body);
        },
      };
      answer = await match.route.handle(ctx);
    } catch (err) {
      const httpError = err instanceof HttpError ? err : new HttpError(500, 'internal error');
      if (!(err instanceof HttpError)) this.options.log?.(`internal error on ${req.method} ${url.pathname}: ${err instanceof Error ? err.message : String(err)}`);
      if (predictRoute || httpError.status === 401 || httpError.status === 413) {
        this.metrics.errors.inc({ model: labels.model, kind: errorKind(httpError) });
      }
      answer = { status: httpError.status, body: errorBody(format, httpError) };
    }
    this.send(req, res, answer);
    this.inflight--;
    this.metrics.inflight.add({}, -1);
    if (predictRoute) {
      const status = String(answer.status ?? 200);
      this.metrics.requests.inc({ model: labels.model, version: labels.version, format, code: status });
      this.metrics.latency.observe({ model: labels.model, format }, (performance.now() - started) / 1000);
    }
  }

  private send(req: IncomingMessage, res: ServerResponse, answer: Answer): void {
    if (res.headersSent || res.destroyed) return;
    const status = answer.status ?? 200;
    const payload = answer.text ?? stringifyJson(answer.body) ?? 'null';
    for (const [k, v] of Object.entries(answer.headers ?? {})) res.setHeader(k, v);
    res.setHeader('Content-Type', answer.text !== undefined ? 'text/plain; version=0.0.4; charset=utf-8' : 'application/json');
    res.setHeader('Content-Length', Buffer.byteLength(payload));
    if (this.closing) res.setHeader('Connection', 'close');
    if (!req.complete) {
      // Answered before the body was read (413, 401, 404…): read the rest and throw it away so that the
      // client, still sending, gets to read this answer; close the connection after it.
      res.setHeader('Connection', 'close');
      req.resume();
    }
    res.writeHead(status);
    res.end(req.method === 'HEAD' ? undefined : payload);
  }

  /**
   * Stops accepting, answers what was accepted, closes the engines. Idempotent.
   * Not http.Server.close(): since Node 19 it also closes every connection without a request in
   * progress, and that includes connections just accepted whose request has not been parsed yet, so
   * requests the kernel had already delivered would be reset. Here the listener closes alone; connections
   * that have answered a request and sit idle are closed; fresh ones get to send their request (within
   * headersTimeout) and are answered with `Connection: close`.
   */
  close(graceMs = 30_000): Promise<void> {
    this.closed ??= (async () => {
      this.closing = true;
      // One more turn of the event loop's poll phase first: connections the kernel has completed but Node
      // has not yet accepted (the loop may have been busy in an engine call) are accepted, not reset.
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      const stopped = new Promise<void>((done) => NetServer.prototype.close.call(this.server, () => done()));
      for (const [socket, state] of this.connections) if (state.active === 0 && state.answered > 0) socket.destroy();
      const timer = setTimeout(() => {
        for (const socket of this.connections.keys()) socket.destroy();
      }, graceMs);
      timer.unref();
      await stopped;
      clearTimeout(timer);
      await this.models.close();
    })();
    return this.closed;
  }

  get inflightRequests(): number {
    return this.inflight;
  }
}
