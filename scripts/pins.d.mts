// Types of scripts/pins.mjs (for its test).
export interface Pin {
  name: string;
  version: string;
  file: string;
  sha256: string;
  patch: string;
  marker?: string;
  replaced?: string;
}
export const PINS: Pin[];
export function pinOf(name: string): Pin;
export function sha256Of(path: string): string;
export function pinProblem(pin: Pin, dir: string): string | undefined;
export function assertPinned(pin: Pin, dir: string): void;
