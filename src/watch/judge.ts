/**
 * The window judge lives in the verdict core (src/verdict/window.ts), beside
 * the single-sample rollback rule that is the same judge with one measurement.
 * The watch layer reaches it through here.
 */
export * from '../verdict/window.js';
