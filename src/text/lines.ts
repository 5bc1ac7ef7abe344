/**
 * Small text shapes every layer asks for, one definition each. A leaf module:
 * it imports nothing of src/.
 */

/** Percent-decoding of a URL part (user, password, a parameter), or the text as given when it is not valid percent-encoding. */
export function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** All of a text on one line: each line break, with the blanks around it, becomes one space; trimmed. */
export function joinLines(text: string): string {
  return String(text ?? '').replace(/\s*\r?\n\s*/g, ' ').trim();
}
