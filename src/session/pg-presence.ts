/**
 * Who has a team session open now. Presence rides on the session's NOTIFY
 * channel (no table, no extra right): "hello" on LISTEN (the others answer
 * "here"), "here" every heartbeat, "bye" on close. A terminal not heard from
 * for three heartbeats and a second (killed with SIGKILL, cut off) has left:
 * gone from "here:" 5–9 s after it died (it was 29–40 s with a 10 s
 * heartbeat). One tiny NOTIFY per terminal every 2 s is the price; a live
 * terminal on a loaded machine still beats well within the time-to-live.
 */
const HEARTBEAT_MS = 2_000;
const PRESENCE_TTL_MS = 3 * HEARTBEAT_MS + 1_000;

export type PresenceNote = 'hello' | 'here' | 'bye';
export type PresenceListener = (here: string[], who: string, joined: boolean) => void;

export class Presence {
  /** Other terminals on this session: origin → who, and when last heard. */
  private readonly peers = new Map<string, { who: string; at: number }>();
  private readonly listeners = new Set<PresenceListener>();
  private timer: NodeJS.Timeout | undefined;

  /**
   * `self`: this terminal's operator; `send`: say a note on the channel;
   * `online`: whether this terminal can be heard now (no "here" while offline).
   */
  constructor(
    private readonly self: string,
    private readonly send: (note: PresenceNote) => void,
    private readonly online: () => boolean,
  ) {}

  /** Who has the session open now (this terminal included), sorted, each name once. */
  here(): string[] {
    return [...new Set([this.self, ...[...this.peers.values()].map((p) => p.who)])].sort();
  }

  onChange(cb: PresenceListener): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Say hello (on every LISTEN) and keep beating until stop. */
  start(): void {
    this.send('hello');
    if (!this.timer) {
      this.timer = setInterval(() => this.beat(), HEARTBEAT_MS);
      this.timer.unref();
    }
  }

  /** Stop beating; `bye` says so to the others (on close). */
  stop(bye: boolean): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (bye) this.send('bye');
  }

  /** A presence note from another terminal. */
  seen(origin: string, who: string, note: string): void {
    if (note === 'bye') {
      const p = this.peers.get(origin);
      if (p && this.peers.delete(origin)) this.changed(p.who, false);
      return;
    }
    const known = this.peers.has(origin);
    this.peers.set(origin, { who, at: Date.now() });
    if (note === 'hello') this.send('here');
    if (!known) this.changed(who, true);
  }

  /** Another terminal was heard (a change it committed): it is still here. */
  heard(origin: string): void {
    const p = this.peers.get(origin);
    if (p) p.at = Date.now();
  }

  /** Drop terminals not heard from for a while, and say we are still here. */
  private beat(): void {
    const now = Date.now();
    for (const [origin, p] of this.peers) {
      if (now - p.at > PRESENCE_TTL_MS) {
        this.peers.delete(origin);
        this.changed(p.who, false);
      }
    }
    if (this.online()) this.send('here');
  }

  private changed(who: string, joined: boolean): void {
    const here = this.here();
    for (const cb of [...this.listeners]) {
      try {
        cb(here, who, joined);
      } catch {
        /* a listener's failure is its own */
      }
    }
  }
}
