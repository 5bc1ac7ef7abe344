/**
 * A tiny authoritative DNS responder over UDP on 127.0.0.1 (node:dgram), with
 * the wire encoding written out by hand: A, AAAA and CNAME answers, NXDOMAIN
 * for unknown names, an empty answer for a known name without that type, and
 * silence for names listed in `silent` (to test timeouts).
 */
import { createSocket } from 'node:dgram';
import { isIPv4 } from 'node:net';

export interface Zone {
  [name: string]: { A?: string[]; AAAA?: string[]; CNAME?: string };
}

const TYPE = { A: 1, CNAME: 5, AAAA: 28, ANY: 255 } as const;

/** `www.example.test` → length-prefixed labels ending with a zero byte. */
function encodeName(name: string): Buffer {
  const parts = name.replace(/\.$/, '').split('.').filter(Boolean);
  return Buffer.concat([...parts.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])), Buffer.from([0])]);
}

function decodeName(msg: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let i = offset;
  while (msg[i] !== 0) {
    const len = msg[i];
    labels.push(msg.subarray(i + 1, i + 1 + len).toString('ascii'));
    i += len + 1;
  }
  return { name: labels.join('.').toLowerCase(), end: i + 1 };
}

function ipv6Bytes(addr: string): Buffer {
  const [head, tail] = addr.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail ? tail.split(':') : [];
  const groups = tail !== undefined ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

function record(type: number, rdata: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0); // pointer to the question's name
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(1, 4); // class IN
  head.writeUInt32BE(60, 6); // TTL
  head.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([head, rdata]);
}

/** Build the answer message for one query message. Returns undefined to stay silent. */
function answer(query: Buffer, zone: Zone, silent: string[] = []): Buffer | undefined {
  const { name, end } = decodeName(query, 12);
  if (silent.includes(name)) return undefined;
  const qtype = query.readUInt16BE(end);
  const question = query.subarray(12, end + 4);
  const entry = zone[name];
  const answers: Buffer[] = [];
  if (entry) {
    if (entry.CNAME && (qtype === TYPE.CNAME || qtype === TYPE.ANY)) answers.push(record(TYPE.CNAME, encodeName(entry.CNAME)));
    if (qtype === TYPE.A || qtype === TYPE.ANY) for (const a of entry.A ?? []) if (isIPv4(a)) answers.push(record(TYPE.A, Buffer.from(a.split('.').map(Number))));
    if (qtype === TYPE.AAAA || qtype === TYPE.ANY) for (const a of entry.AAAA ?? []) answers.push(record(TYPE.AAAA, ipv6Bytes(a)));
  }
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // id
  const rd = query[2] & 0x01;
  header[2] = 0x80 | 0x04 | rd; // QR, AA, RD echoed
  header[3] = 0x80 | (entry ? 0 : 3); // RA, rcode NXDOMAIN when unknown
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, question, ...answers]);
}

export interface DnsServer {
  server: string;
  queries: () => number;
  close: () => Promise<void>;
}

/** Start the responder on a free UDP port of 127.0.0.1. */
export async function startDns(zone: Zone, silent: string[] = []): Promise<DnsServer> {
  const sock = createSocket('udp4');
  let queries = 0;
  sock.on('message', (msg, rinfo) => {
    queries++;
    const out = answer(msg, zone, silent);
    if (out) sock.send(out, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  return {
    server: `127.0.0.1:${sock.address().port}`,
    queries: () => queries,
    close: () => new Promise<void>((r) => sock.close(() => r())),
  };
}
