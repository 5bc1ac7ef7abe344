/**
 * A real Alertmanager (Debian's 0.25) on a free loopback port with its own
 * config and storage folder; clustering off (a single instance: cluster
 * status `disabled`).
 */
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { freePort } from './servers.js';
import { startDaemon, systemBinary, tempDir } from './daemon.js';

export interface RealAlertmanager {
  url: string;
  /** Rewrite the config and reload it (POST /-/reload). */
  reconfigure: (config: string) => Promise<void>;
  stop: () => Promise<void>;
}

/** The app's alerting as a team would wire it: one receiver with a webhook (to a dead loopback port: nothing is sent in these tests). */
export const ROUTED_CONFIG = ['route:', '  receiver: ops', 'receivers:', '- name: ops', '  webhook_configs:', '  - url: http://127.0.0.1:9/alerts', ''].join('\n');
/** Every alert to a receiver with no integration: alerts are dropped. */
export const NULL_CONFIG = ['route:', '  receiver: blackhole', 'receivers:', '- name: blackhole', ''].join('\n');

export async function startAlertmanager(config: string): Promise<RealAlertmanager> {
  const bin = systemBinary('prometheus-alertmanager');
  const { dir, cleanup } = tempDir('alertmanager');
  const file = join(dir, 'alertmanager.yml');
  writeFileSync(file, config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let d;
  try {
    d = await startDaemon(bin, [`--config.file=${file}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn'], `${url}/-/ready`);
  } catch (err) {
    cleanup();
    throw err;
  }
  const daemon = d;
  return {
    url,
    reconfigure: async (next) => {
      writeFileSync(file, next);
      const status = await new Promise<number>((resolve) => {
        const req = request(`${url}/-/reload`, { method: 'POST', timeout: 10_000 }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', () => resolve(0));
        req.end();
      });
      if (status !== 200) throw new Error(`Alertmanager reload answered ${status}: ${daemon.output().slice(-400)}`);
    },
    stop: async () => {
      await daemon.stop();
      cleanup();
    },
  };
}
