/** Each kind's parameter schema (declared in its kind file), for probe tests that parse parameters directly. */
export { params as http } from '../../src/probes/kinds/http.js';
export { params as tls } from '../../src/probes/kinds/tls.js';
export { params as dns } from '../../src/probes/kinds/dns.js';
export { params as tcp } from '../../src/probes/kinds/tcp.js';
export { params as postgres } from '../../src/probes/kinds/postgres.js';
export { params as redis } from '../../src/probes/kinds/redis.js';
export { params as celery } from '../../src/probes/kinds/celery.js';
export { params as twilio } from '../../src/probes/kinds/twilio.js';
export { params as webhookSignature } from '../../src/probes/kinds/webhook-signature.js';
export { params as security } from '../../src/probes/kinds/security.js';
export { params as rateLimit } from '../../src/probes/kinds/rate-limit.js';
export { params as baseline } from '../../src/probes/kinds/baseline.js';
export { params as prometheus } from '../../src/probes/kinds/prometheus.js';
export { params as secretsScan } from '../../src/probes/kinds/secrets-scan.js';
