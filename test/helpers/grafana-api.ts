/**
 * A loopback stand-in for Grafana's HTTP API, with the payload shapes of its
 * documentation: GET /api/health (`{commit, database, version}`, 503 with
 * `database: failing` when the database is down) and GET /api/search (a list
 * of hits `{id, uid, title, uri, url, type, tags, isStarred, folderTitle}`,
 * matching `query` as a case-insensitive substring of the title; 401
 * `{message: "Unauthorized"}` without the service account token).
 */
import { createServer, type Server } from 'node:http';

export interface GrafanaState {
  token: string;
  database: 'ok' | 'failing';
  dashboards: { title: string; folder?: string }[];
}

export interface GrafanaStandIn {
  url: string;
  state: GrafanaState;
  stop: () => Promise<void>;
}

export async function startGrafana(state: GrafanaState): Promise<GrafanaStandIn> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://grafana');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/api/health') return send(state.database === 'ok' ? 200 : 503, { commit: '3e3a0a2e7c', database: state.database, version: '9.2.0' });
    if (url.pathname === '/api/search') {
      if (req.headers.authorization !== `Bearer ${state.token}`) return send(401, { message: 'Unauthorized' });
      const q = (url.searchParams.get('query') ?? '').toLowerCase();
      const hits = state.dashboards
        .map((d, i) => ({ d, i }))
        .filter(({ d }) => d.title.toLowerCase().includes(q))
        .map(({ d, i }) => {
          const uid = `dtc${i}`;
          const slug = d.title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
          return { id: i + 1, uid, title: d.title, uri: `db/${slug}`, url: `/d/${uid}/${slug}`, slug: '', type: 'dash-db', tags: ['django-twilio-call'], isStarred: false, ...(d.folder ? { folderId: 7, folderUid: 'obs', folderTitle: d.folder, folderUrl: '/dashboards/f/obs/observability' } : {}) };
        });
      return send(200, hits);
    }
    send(404, { message: 'Not found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    state,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
