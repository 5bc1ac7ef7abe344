/**
 * A clean frame after every resize. A terminal reflows what is on screen when
 * its width changes, so the lines Ink erases (counted at the old width) are
 * no longer the lines it drew: stale copies of section lines and fragments
 * stayed above the frame. After the resize, the screen is cleared and Ink
 * writes the frame again through its public `write` (which erases its own
 * output, writes ours, then restores the frame). Finished probe lines printed
 * above the frame (`<Static>`) go with the rest of the screen; their results
 * are in the session and on the detail screen.
 */
import { useEffect } from 'react';
import { useStdout } from 'ink';

/** Clear the visible screen and home the cursor (not the scrollback: what scrolled off stays there). */
const CLEAR_SCREEN = '\u001B[2J\u001B[H';

export function useCleanResize(): void {
  const { stdout, write } = useStdout();
  useEffect(() => {
    if (!stdout.isTTY) return;
    let timer: NodeJS.Timeout | undefined;
    // One redraw per burst: a window being dragged sends many resizes; Ink repaints each, we clean once it settles.
    const onResize = () => {
      clearTimeout(timer);
      timer = setTimeout(() => write(CLEAR_SCREEN), 50);
    };
    stdout.on('resize', onResize);
    return () => {
      clearTimeout(timer);
      stdout.off('resize', onResize);
    };
  }, [stdout, write]);
}
