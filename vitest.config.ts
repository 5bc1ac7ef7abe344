import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}', 'src/**/*.test.{ts,tsx}'],
    globalSetup: ['test/helpers/servers.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Ink decides at import whether it is in CI (CI=true: paint only the last
    // frame), which would blind the component tests on a CI runner. The wizard
    // itself ignores CI on a real terminal (src/cli/commands/wizard.ts).
    // Scripted watch windows run in hundreds of ms: the 1 s interval floor is
    // lowered for the suite (src/watch/criteria.ts minIntervalMs); the tests of
    // the floor itself unset it.
    env: { CI: 'false', CONTINUOUS_INTEGRATION: 'false', DEPLOY_WIZARD_MIN_INTERVAL_MS: '100' },
  },
});
