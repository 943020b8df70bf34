/**
 * The only place that talks to VS Code: `acquireVsCodeApi()` is called once (a second call throws), host
 * messages arrive as window `message` events, and requests are matched to their `response` by id.
 */
import type {
  HostMessage,
  PanelRequestName,
  PanelRequests,
  PanelState,
  WebviewMessage,
} from '../protocol/webviewProtocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

const HOST_TYPES = new Set(['init', 'study/update', 'curves/append', 'run/update', 'response']);

export class Host {
  private readonly api: VsCodeApi = acquireVsCodeApi();
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly onMessage: (m: HostMessage) => void) {
    window.addEventListener('message', (e: MessageEvent) => {
      const m = e.data as HostMessage | undefined;
      if (!m || typeof m !== 'object' || !HOST_TYPES.has(m.type)) return;
      if (m.type === 'response') {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.ok) p.resolve(m.result);
        else p.reject(new Error(m.error));
        return;
      }
      this.onMessage(m);
    });
  }

  post(message: WebviewMessage): void {
    this.api.postMessage(message);
  }

  request<N extends PanelRequestName>(method: N, params: PanelRequests[N]['params']): Promise<PanelRequests[N]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.post({ type: 'request', id, method, params } as WebviewMessage);
    });
  }

  getState(): PanelState | undefined {
    const s = this.api.getState() as PanelState | undefined;
    return s && typeof s === 'object' && s.target ? s : undefined;
  }

  setState(state: PanelState): void {
    this.api.setState(state);
  }
}
