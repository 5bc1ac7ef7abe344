/**
 * A real OCI registry (Debian's docker-registry, distribution 2.8) on a free
 * loopback port with its own storage folder, and `push`: a small image
 * (config blob, one layer, an OCI manifest) uploaded through the distribution
 * API the way a client does, its digest returned.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { freePort } from './servers.js';
import { startDaemon, systemBinary, tempDir } from './daemon.js';

export interface RealRegistry {
  url: string;
  /** Push a tiny image as `name:tag`; the manifest's digest. */
  push: (name: string, tag: string) => Promise<string>;
  /** Delete a manifest by digest (its tags go with it): "the image was never pushed". */
  remove: (name: string, digest: string) => Promise<void>;
  stop: () => Promise<void>;
}

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function call(url: string, method: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function pushBlob(base: string, name: string, blob: Buffer | string): Promise<string> {
  const digest = sha(blob);
  const start = await call(`${base}/v2/${name}/blobs/uploads/`, 'POST', '');
  if (start.status !== 202) throw new Error(`blob upload start answered ${start.status}`);
  const location = new URL(String(start.headers.location), base);
  location.searchParams.set('digest', digest);
  const put = await call(location.toString(), 'PUT', blob, { 'content-type': 'application/octet-stream' });
  if (put.status !== 201) throw new Error(`blob upload answered ${put.status}`);
  return digest;
}

export async function startRegistry(): Promise<RealRegistry> {
  const bin = systemBinary('docker-registry');
  const { dir, cleanup } = tempDir('registry');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = join(dir, 'config.yml');
  writeFileSync(config, ['version: 0.1', 'log:', '  level: warn', 'storage:', '  filesystem:', `    rootdirectory: ${JSON.stringify(join(dir, 'data'))}`, '  delete:', '    enabled: true', 'http:', `  addr: 127.0.0.1:${port}`, ''].join('\n'));
  let d;
  try {
    d = await startDaemon(bin, ['serve', config], `${url}/v2/`);
  } catch (err) {
    cleanup();
    throw err;
  }
  const daemon = d;
  return {
    url,
    push: async (name, tag) => {
      const configBlob = JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [] } });
      const layer = Buffer.from(`layer of ${name}:${tag}`);
      const configDigest = await pushBlob(url, name, configBlob);
      const layerDigest = await pushBlob(url, name, layer);
      const manifest = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: Buffer.byteLength(configBlob) },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
      });
      const put = await call(`${url}/v2/${name}/manifests/${tag}`, 'PUT', manifest, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
      if (put.status !== 201) throw new Error(`manifest upload answered ${put.status}`);
      return sha(manifest);
    },
    remove: async (name, digest) => {
      const del = await call(`${url}/v2/${name}/manifests/${digest}`, 'DELETE');
      if (del.status !== 202) throw new Error(`manifest delete answered ${del.status}`);
    },
    stop: async () => {
      await daemon.stop();
      cleanup();
    },
  };
}
