/** The SSH wire encoding (RFC 4251 §5): uint32, string, mpint. Pure. */

export class WireReader {
  private off = 0;
  constructor(private readonly buf: Buffer) {}
  get done(): boolean {
    return this.off >= this.buf.length;
  }
  bytes(n: number): Buffer {
    if (n < 0 || this.off + n > this.buf.length) throw new WireError('truncated');
    const out = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return out;
  }
  byte(): number {
    return this.bytes(1)[0];
  }
  uint32(): number {
    return this.bytes(4).readUInt32BE(0);
  }
  string(): Buffer {
    return this.bytes(this.uint32());
  }
  text(): string {
    return this.string().toString('utf8');
  }
  /** An mpint's magnitude without the sign byte (only non-negative values occur in keys and signatures). */
  mpint(): Buffer {
    const b = this.string();
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    return b.subarray(i);
  }
  rest(): Buffer {
    return this.bytes(this.buf.length - this.off);
  }
}

class WireError extends Error {}

export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

export function str(data: Buffer | string): Buffer {
  const b = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.concat([u32(b.length), b]);
}

export function mpint(magnitude: Buffer): Buffer {
  let i = 0;
  while (i < magnitude.length && magnitude[i] === 0) i++;
  let m = magnitude.subarray(i);
  if (m.length && m[0] & 0x80) m = Buffer.concat([Buffer.from([0]), m]);
  return str(m);
}

/** Left-pad (or check) a big-endian integer to `len` bytes. */
export function fixed(b: Buffer, len: number): Buffer {
  if (b.length === len) return b;
  if (b.length > len) throw new WireError('integer too long');
  return Buffer.concat([Buffer.alloc(len - b.length), b]);
}

export const b64url = (b: Buffer): string => b.toString('base64url');
