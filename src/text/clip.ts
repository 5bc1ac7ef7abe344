/**
 * Clipping terminal text by display width (a wide CJK character or an emoji
 * takes two cells, a combining mark none), keeping the part of a line that
 * tells it apart from its neighbours: the end of a path, both ends of a
 * command, or a part the caller names. A leaf module: it imports nothing of
 * src/, so every layer may use it.
 */
import stringWidth from 'string-width';

const ELLIPSIS = '…';

/** Cells `text` takes on a terminal. */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

/** The longest prefix of `text` that fits `width` cells. */
function headOf(text: string, width: number): string {
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = stringWidth(ch);
    if (used + w > width) break;
    out += ch;
    used += w;
  }
  return out;
}

/** The longest suffix of `text` that fits `width` cells. */
function tailOf(text: string, width: number): string {
  const chars = [...text];
  let out = '';
  let used = 0;
  for (let i = chars.length - 1; i >= 0; i--) {
    const w = stringWidth(chars[i]);
    if (used + w > width) break;
    out = chars[i] + out;
    used += w;
  }
  return out;
}

/** Cut the end off, with an ellipsis when cut. */
export function clipEnd(text: string, width: number): string {
  if (width <= 0) return '';
  if (stringWidth(text) <= width) return text;
  return headOf(text, width - 1) + ELLIPSIS;
}

/** Cut from the left, keeping the end (the most specific part of a path). */
export function clipStart(text: string, width: number): string {
  if (width <= 0) return '';
  if (stringWidth(text) <= width) return text;
  return ELLIPSIS + tailOf(text, width - 1);
}

/**
 * Cut the middle out, keeping both ends: a command's program and its last
 * arguments (the URL, the file) both stay readable.
 */
export function clipMiddle(text: string, width: number): string {
  if (width <= 0) return '';
  if (stringWidth(text) <= width) return text;
  if (width < 3) return clipEnd(text, width);
  const room = width - 1;
  const tail = Math.floor(room / 2);
  return headOf(text, room - tail) + ELLIPSIS + tailOf(text, tail);
}

/**
 * `lead` whole (when it fits), then as much of `rest` as fits: the part that
 * tells a line apart (a name, host:port, a verdict) is never the part cut.
 */
export function clipAfter(lead: string, rest: string, width: number): string {
  const w = stringWidth(lead);
  if (w >= width) return clipEnd(lead, width);
  return lead + clipEnd(rest, width - w);
}
