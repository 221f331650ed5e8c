/**
 * A process of its own that holds live streams open and reads them as dashboards would, so that the
 * benchmark's sender and measured stream do not share an event loop with them. Started by
 * stream-viewers.ts with its settings as JSON in argv[2]; says `{opened}` once every stream answered,
 * and on `close` ends them all and says what they received.
 */
import http from 'node:http';

export interface ViewersSettings {
  port: number;
  path: string;
  headers: Record<string, string>;
  count: number;
}

export type ViewersReport =
  | { kind: 'opened'; opened: number; firstRefusal: string | null }
  | { kind: 'closed'; bytes: number; frames: number };

const FRAME_MARK = Buffer.from('event: events\n');

const settings = JSON.parse(process.argv[2] ?? '{}') as ViewersSettings;
const requests: http.ClientRequest[] = [];
let bytes = 0;
let frames = 0;

function open(): Promise<string | null> {
  return new Promise((resolve) => {
    const request = http.get({
      host: '127.0.0.1',
      port: settings.port,
      path: settings.path,
      agent: false,
      headers: { accept: 'text/event-stream', ...settings.headers },
    });
    requests.push(request);
    request.on('error', (error) => resolve(error.message));
    request.on('response', (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        resolve(`GET ${settings.path} answered ${response.statusCode}`);
        return;
      }
      // counts frames by their first line: a mark cut between two chunks goes uncounted (rare, and only counted)
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        for (let at = chunk.indexOf(FRAME_MARK); at >= 0; at = chunk.indexOf(FRAME_MARK, at + FRAME_MARK.length)) {
          frames++;
        }
      });
      resolve(null);
    });
  });
}

function report(message: ViewersReport): void {
  process.send?.(message);
}

const refusals = (await Promise.all(Array.from({ length: settings.count }, open))).filter((r) => r !== null);
report({ kind: 'opened', opened: settings.count - refusals.length, firstRefusal: refusals[0] ?? null });
process.on('message', (message) => {
  if (message !== 'close') return;
  for (const request of requests) request.destroy();
  report({ kind: 'closed', bytes, frames });
  process.disconnect();
});
