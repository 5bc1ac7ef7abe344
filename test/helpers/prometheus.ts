/**
 * A Prometheus-compatible HTTP endpoint on loopback: `/api/v1/query` answers
 * from a scripted series per query (the n-th call gets the n-th value, the
 * last one repeating); `null` is an empty result (no series). `series` is read
 * at each call, so a test may replace a query's values mid-window.
 */
import { createServer, type Server } from 'node:http';

export interface FakeProm {
  url: string;
  calls: { query: string; at: number }[];
  stop: () => Promise<void>;
}

const servers: Server[] = [];

/** Close this server with the endpoints (another loopback peer of the same test). */
export function closedWithProms<T extends Server>(server: T): T {
  servers.push(server);
  return server;
}

/** Close every endpoint started so far (an afterEach). */
export async function closeFakeProms(): Promise<void> {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
}

/**
 * `downAfter`: `{ query, calls }` — once the `calls`-th answer to `query` is sent, the
 * endpoint goes away (stops listening, drops its connections), at that exact point of the
 * series rather than after a sleep the scheduler would stretch.
 */
export async function fakeProm(series: Record<string, (number | null)[]>, opts: { downAfter?: { query: string; calls: number } } = {}): Promise<FakeProm> {
  const calls: FakeProm['calls'] = [];
  const count = new Map<string, number>();
  const server = createServer((req, res) => {
    const u = new URL(req.url!, 'http://x');
    res.setHeader('content-type', 'application/json');
    if (u.pathname !== '/api/v1/query') return res.writeHead(404).end('{}');
    const query = u.searchParams.get('query') ?? '';
    calls.push({ query, at: Date.now() });
    const values = series[query];
    if (!values) return res.writeHead(400).end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: `unknown query ${query}` }));
    const n = count.get(query) ?? 0;
    count.set(query, n + 1);
    const v = values[Math.min(n, values.length - 1)];
    const result = v === null ? [] : [{ metric: {}, value: [1764460800, String(v)] }];
    if (opts.downAfter?.query === query && n + 1 === opts.downAfter.calls) {
      server.close();
      res.on('finish', () => server.closeAllConnections());
    }
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    calls,
    stop: async () => {
      server.closeAllConnections();
      if (server.listening) await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
