/** sparkly ships no types: the one function the watch screen calls (src/ui/watch-screen.tsx). */
declare module 'sparkly' {
  export interface SparklyOptions {
    /** Lower end of the scale (default: the lowest value). */
    minimum?: number;
    /** Upper end of the scale (default: the highest value). */
    maximum?: number;
    style?: 'fire';
  }
  /** One tick (▁…█) per number; a non-finite number is a space. */
  export default function sparkly(numbers: readonly number[], options?: SparklyOptions): string;
}
