/**
 * The one string order of the CLI: by UTF-16 code unit, what `<` compares.
 * The keys sorted here are ASCII (ISO timestamps, probe kind names, role and
 * environment names), where that is also the order a person expects. Not
 * `localeCompare`: its first call loads ICU's collation data, ~3 MB of peak
 * RSS on every Node line (README, Performance; test/architecture/order.test.ts).
 */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
