/**
 * Requests to a running local endpoint, in Cloud ML Engine's format (cloudml-formats.md §3.1):
 * POST …/v1/projects/<project>/models/<model>:predict {"instances": [...]} → {"predictions": [...]}.
 * vscode-free.
 */

/** The project segment of local Cloud ML URLs; the local server accepts any. */
export const LOCAL_PROJECT = 'local';

export function predictUrl(baseUrl: string, model: string): string {
  return `${baseUrl}/v1/projects/${LOCAL_PROJECT}/models/${encodeURIComponent(model)}:predict`;
}

export function metadataUrl(baseUrl: string, model: string): string {
  return `${baseUrl}/v1/models/${encodeURIComponent(model)}/metadata`;
}

function headers(token: string | undefined): Record<string, string> {
  return { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
}

export interface HttpAnswer {
  status: number;
  body: unknown;
}

async function answer(response: Response): Promise<HttpAnswer> {
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

export async function postPredict(baseUrl: string, model: string, instances: unknown[], token?: string): Promise<HttpAnswer> {
  const response = await fetch(predictUrl(baseUrl, model), { method: 'POST', headers: headers(token), body: JSON.stringify({ instances }) });
  return answer(response);
}

export async function getMetadata(baseUrl: string, model: string, token?: string): Promise<HttpAnswer> {
  return answer(await fetch(metadataUrl(baseUrl, model), { headers: headers(token) }));
}

/** A curl command that sends the same request (the token comes from the environment, never inlined). */
export function curlSnippet(baseUrl: string, model: string, instances: unknown[], tokenRequired: boolean): string {
  const auth = tokenRequired ? ` \\\n  -H "Authorization: Bearer $MODELLAB_SERVE_TOKEN"` : '';
  const body = JSON.stringify({ instances }).replace(/'/g, "'\\''");
  return `curl -s -X POST '${predictUrl(baseUrl, model)}' \\\n  -H 'Content-Type: application/json'${auth} \\\n  -d '${body}'`;
}
