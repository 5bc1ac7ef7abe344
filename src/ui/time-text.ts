/**
 * Times as the screens show them. A leaf module (no imports): the section
 * view and the detail view import each other's neighbours, and a cycle
 * among modules that load Ink (initialised asynchronously in the bundle)
 * never finishes loading.
 */

/** `2026-11-30T23:50:12.345Z` → `2026-11-30 23:50:12Z` (UTC, as stored). */
export function shortTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
