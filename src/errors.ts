/**
 * An error a person can act on: one line saying what, where and what to do.
 * The CLI prints `message` alone (no stack) and exits with `exitCode`.
 */
export class UserError extends Error {
  constructor(
    message: string,
    /** 2 for bad usage/config/input (the default), 1 for checks failed. */
    readonly exitCode: number = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
