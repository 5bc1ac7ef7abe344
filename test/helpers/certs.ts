/**
 * A throwaway certificate authority made with the `openssl` CLI in a temp dir:
 * a CA and leaf certificates signed by it (valid, expired, wrong host, expiring
 * soon), for HTTPS/TLS tests on loopback.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Leaf {
  key: string;
  cert: string;
  certFile: string;
}

export interface TestCa {
  dir: string;
  /** Path of the CA certificate (PEM), for `ca=`. */
  caFile: string;
  caPem: string;
  /** Sign a leaf for these SANs (e.g. `DNS:localhost,IP:127.0.0.1`), valid for `days` (negative = already expired). */
  leaf: (name: string, san: string, days: number) => Leaf;
  cleanup: () => void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** Make a CA in a new temp dir. Call `cleanup()` when done. */
export function makeTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'dw-ca-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(dir, ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/CN=deploy-wizard test CA']);
  const caFile = join(dir, 'ca.pem');
  let serial = 1;
  return {
    dir,
    caFile,
    caPem: readFileSync(caFile, 'utf8'),
    leaf: (name, san, days) => {
      writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`);
      openssl(dir, ['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
      openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', String(serial++), '-out', `${name}.pem`, '-days', String(days), '-extfile', `${name}.ext`]);
      const certFile = join(dir, `${name}.pem`);
      return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
