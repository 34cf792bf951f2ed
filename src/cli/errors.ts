/** Errors the CLI turns into a clear one-line message and an exit code (no stack trace unless --debug). */
export class CliError extends Error {
  constructor(
    message: string,
    /** 1: the work found problems; 2: usage error or unreadable input. */
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
  }
}

/** Bad command-line usage: exit code 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
  }
}
