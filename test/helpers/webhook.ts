/** A webhook endpoint on loopback for notification tests: records each POST body, answers as told (or never). */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface Webhook {
  /** Its URL; the path stands in for the token a real webhook URL carries. */
  url: string;
  bodies: string[];
  times: number[];
  close: () => Promise<void>;
}

/** `answer`: a status code, or `'hang'` to never answer; or a handler of its own. */
export async function startWebhook(answer: number | 'hang' | ((req: IncomingMessage, res: ServerResponse) => void), path = '/services/T0/B0/hooksecret'): Promise<Webhook> {
  const bodies: string[] = [];
  const times: number[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (b) => (body += b));
    req.on('end', () => {
      bodies.push(body);
      times.push(Date.now());
      if (typeof answer === 'function') answer(req, res);
      else if (answer !== 'hang') res.writeHead(answer).end('x');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}${path}`,
    bodies,
    times,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
