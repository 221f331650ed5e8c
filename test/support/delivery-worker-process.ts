/**
 * A child process for the delivery tests across processes: opens the
 * PostgreSQL store at argv[2] (schema argv[3]) and runs a delivery worker as
 * tmon's runtime does (polling each second, private targets allowed for the
 * test's receiver on 127.0.0.1), until SIGTERM. Prints "ready" once polling.
 */
import { DeliveryWorker } from '../../src/alerts/delivery/delivery-worker.js';
import { createSendDelivery } from '../../src/alerts/delivery/send-delivery.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';

const [url, schema] = process.argv.slice(2);
if (!url || !schema) throw new Error('usage: delivery-worker-process URL SCHEMA');
const store = await openPostgresStore({ url, schema });
await store.migrate();
const clock = () => Date.now();
const worker = new DeliveryWorker({
  store: store.alertChannels,
  clock,
  log: { error: (message, error) => process.stderr.write(`${message}: ${String(error)}\n`) },
  send: createSendDelivery({ clock, allowPrivate: true, smtp: null, userAgent: `tmon-test/${process.pid}` }),
});
worker.start();
process.stdout.write('ready\n');
process.once('SIGTERM', async () => {
  await worker.stop();
  await store.close();
  process.exit(0);
});
