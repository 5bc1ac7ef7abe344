/**
 * Read and parse a checklist file. (Contract stub: lands with the checklist issue.)
 */
import type { ParseResult } from './types.js';

/** Unreadable, empty or non-Markdown files throw a UserError naming the file. */
export async function loadChecklist(path: string): Promise<ParseResult> {
  void path;
  throw new Error('checklist loader not built yet');
}
