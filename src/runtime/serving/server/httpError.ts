/**
 * An error with the HTTP status to answer it with. Its message is for the client: it names the problem
 * and never carries a stack trace or server internals.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Google APIs' canonical status for an HTTP status (Vertex error bodies carry both). */
export function googleStatus(http: number): string {
  switch (http) {
    case 400:
    case 413:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 405:
      return 'UNIMPLEMENTED';
    case 408:
      return 'DEADLINE_EXCEEDED';
    case 409:
      return 'ABORTED';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 503:
      return 'UNAVAILABLE';
    default:
      return http >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION';
  }
}
