/**
 * Team mode's connection to one session's channel: a dedicated client that
 * LISTENs (the pool's clients come and go), says when it is lost, sends
 * presence notes one at a time, and the reconnect backoff. The session core
 * (./pg-session.ts) decides what going offline and coming back mean.
 */
import type { Client, Notification } from 'pg';

type PgModule = typeof import('pg');

export const CONNECT_TIMEOUT_MS = 3000;
const RECONNECT_MIN_MS = 200;
const RECONNECT_MAX_MS = 5000;

export interface ListenerOptions {
  url: string;
  channel: string;
  loadPg(): Promise<PgModule>;
  /** Every notification's payload on the channel. */
  onNotify(payload: string): void;
  /** The connection went away (error or end) while it was the live one. */
  onLost(): void;
}

/** The LISTEN connection of one open session. */
export class ChannelListener {
  private client: Client | undefined;
  /** Notes on the listener's connection, one at a time (pg warns about, and will refuse, overlapping queries on a client). */
  private talking: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: ListenerOptions) {}

  get connected(): boolean {
    return this.client !== undefined;
  }

  /** Connect and LISTEN; throws (leaving nothing open) when either fails. */
  async connect(): Promise<void> {
    const pg = await this.o.loadPg();
    const client = new pg.Client({ connectionString: this.o.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (msg: Notification) => this.o.onNotify(msg.payload ?? '{}'));
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${this.o.channel}`);
    } catch (err) {
      if (this.client === client) this.client = undefined;
      client.end().catch(() => {});
      throw err;
    }
  }

  /** NOTIFY the channel on this connection (queued after the previous note; failures are dropped: presence is best effort). */
  notify(payload: string): void {
    const c = this.client;
    if (!c) return;
    this.talking = this.talking.then(() => c.query('SELECT pg_notify($1, $2)', [this.o.channel, payload])).catch(() => {});
  }

  /** Wait for the notes sent so far. */
  settled(): Promise<unknown> {
    return this.talking;
  }

  async drop(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) await c.end().catch(() => {});
  }

  private lost(client: Client): void {
    if (client !== this.client) return;
    this.client = undefined;
    client.end().catch(() => {});
    this.o.onLost();
  }
}

/** Exponential backoff with jitter for reconnecting: 200 ms doubling to 5 s. */
export class Backoff {
  private attempt = 0;

  /** The next delay (and count the attempt). */
  next(): number {
    const base = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.attempt++);
    return base * (0.5 + Math.random() / 2);
  }

  reset(): void {
    this.attempt = 0;
  }

  /** Retry slowly from now on (a problem that is not the connection's). */
  slow(): void {
    this.attempt = Math.max(this.attempt, 5);
  }
}
