/**
 * One output line per input record, in Vertex AI's `PredictionResult` JSON Lines shape:
 * `{"instance": …, "prediction": …}` or `{"instance": …, "error": {…}}`.
 *
 * The error object carries both spellings Google uses for it: `code` (the google.rpc.Status number the
 * proto names) and `status` (the enum name the REST reference shows), so readers of either find theirs.
 */
import { stringifyJson } from '../util/stringifyJson';

/** google.rpc.Code values batch prediction reports. */
export const RPC_CODE = {
  INVALID_ARGUMENT: 3,
  INTERNAL: 13,
} as const;
export type RpcStatus = keyof typeof RPC_CODE;

export interface LineError {
  status: RpcStatus;
  message: string;
}

/**
 * `instanceJson` is the instance as JSON text. For JSON Lines input that is the line itself (it parsed,
 * so it is valid JSON and holds no newline): echoing it saves a stringify per row, the costliest step
 * after the model.
 */
export function resultLine(instanceJson: string, prediction: unknown): string {
  return `{"instance":${instanceJson},"prediction":${stringifyJson(prediction) ?? 'null'}}\n`;
}

export function errorLine(instanceJson: string, error: LineError): string {
  const body = { code: RPC_CODE[error.status], status: error.status, message: error.message };
  return `{"instance":${instanceJson},"error":${JSON.stringify(body)}}\n`;
}

/** The engine numbers instances within the batch it was given; in a batch job that index means nothing. */
export function engineMessage(message: string): string {
  return message.replace(/^instance \d+:\s*/, '');
}
