import { clipEnd, clipStart } from '../text/clip.js';

/** Which rows of a long list to show so the cursor stays visible (centred when possible). */
export function windowAround(count: number, cursor: number, height: number): { start: number; end: number } {
  const h = Math.max(1, height);
  if (count <= h) return { start: 0, end: count };
  const c = Math.min(count - 1, Math.max(0, cursor));
  let start = Math.max(0, c - Math.floor(h / 2));
  start = Math.min(start, count - h);
  return { start, end: start + h };
}

/** Cut a string to a width in terminal cells, with an ellipsis when cut. */
export const fit = clipEnd;

/** Cut from the left, keeping the end (the most specific part of a path). */
export const fitEnd = clipStart;
