/**
 * The runtime protocol's error codes and error data (see runtimeProtocol.ts, which re-exports them). A
 * file of its own without vscode-jsonrpc, so code that only reads errors loads nothing else.
 */
export const RuntimeErrorCode = {
  /** The spec is invalid: `data.problems` says where. */
  SpecInvalid: -32001,
  /** The data could not be read or does not fit the spec. */
  DataInvalid: -32002,
  /** The model folder cannot be loaded or the instances do not fit it. */
  PredictInvalid: -32003,
  Internal: -32099,
} as const;

export interface RuntimeErrorData {
  problems?: { file: string; line: number; column: number; path: string; message: string; suggestion?: string }[];
  runId?: string;
}
