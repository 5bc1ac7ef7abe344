/**
 * The one spinner: the wizard's running probes (ink-spinner) and `check`'s
 * progress line draw the same frames at the same pace, both from
 * cli-spinners, which ink-spinner draws from. No Ink here: `check` imports
 * this without loading the view.
 */
import spinners from 'cli-spinners';

/** The cli-spinners entry both use (ink-spinner's `type`). */
export const SPINNER_NAME = 'dots' as const;

/** Its frames and the milliseconds each one shows. */
export const SPINNER: { readonly interval: number; readonly frames: readonly string[] } = spinners[SPINNER_NAME];

/** The frame shown `elapsedMs` after the spinner started. */
export function spinnerFrame(elapsedMs: number): string {
  return SPINNER.frames[Math.floor(Math.max(0, elapsedMs) / SPINNER.interval) % SPINNER.frames.length];
}
