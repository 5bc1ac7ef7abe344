import React from 'react';
import { Box, Text } from 'ink';
import { packHints } from './keymap.js';

export interface FooterProps {
  /** Hints like "d done", packed into as few lines as fit. */
  hints: string[];
  /** Terminal width (default 80). */
  width?: number;
}

/** The key footer: every key of the current screen, dim, never wrapped mid-hint. */
export function Footer({ hints, width = 80 }: FooterProps) {
  return (
    <Box flexDirection="column">
      {packHints(hints, width).map((line, i) => (
        <Text key={i} dimColor wrap="truncate">
          {line}
        </Text>
      ))}
    </Box>
  );
}

/** Lines the footer takes for these hints at this width (for layout budgets). */
export function footerHeight(hints: string[], width = 80): number {
  return packHints(hints, width).length;
}
