/** Exit codes of `model-lab`: scripts and CI branch on them. */
export const EXIT = {
  ok: 0,
  /** The work failed (training diverged, data unreadable, model folder broken…). */
  failed: 1,
  /** The command line or the spec is wrong: nothing was run. */
  usage: 2,
  /** Cancelled by the user (Ctrl-C), as shells report SIGINT. */
  interrupted: 130,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
  }
}
