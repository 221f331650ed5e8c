/**
 * The ceiling of HTTP itself: a bare node:http server that reads the whole
 * body and answers what tmon answers to an accepted event, parsing nothing.
 * `tsx bench/bare-server.ts [--port P]` prints `bare listening on http://127.0.0.1:P`.
 */
import http from 'node:http';
import { parseArgs } from 'node:util';

const ANSWER = JSON.stringify({ status: 200, status_code: 200, accepted: 1 });

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    Buffer.concat(chunks);
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(ANSWER),
    });
    response.end(ANSWER);
  });
});
server.keepAliveTimeout = 72_000;

server.listen(Number(values.port), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : values.port;
  process.stdout.write(`bare listening on http://127.0.0.1:${port}\n`);
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
