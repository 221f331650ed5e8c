/** A Server-Sent Events reader over node:http: each `event:`/`data:` message, as it arrives. */
import http from 'node:http';

export interface SseMessage {
  event: string;
  data: string;
  /** performance.now() when the message was complete */
  at: number;
}

export interface SseStream {
  close(): void;
}

/** Opens `path` on 127.0.0.1:port; resolves once the 200 arrived, rejects on any other answer. */
export function openSse(
  port: number,
  path: string,
  headers: Record<string, string>,
  onMessage: (message: SseMessage) => void,
): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, headers: { accept: 'text/event-stream', ...headers } });
    request.on('error', reject);
    request.on('response', (response) => {
      if (response.statusCode !== 200) {
        reject(new Error(`GET ${path} answered ${response.statusCode}`));
        response.resume();
        return;
      }
      response.setEncoding('utf8');
      let buffered = '';
      response.on('data', (chunk: string) => {
        buffered += chunk;
        for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) onMessage({ event, data: data.join('\n'), at: performance.now() });
        }
      });
      resolve({ close: () => request.destroy() });
    });
  });
}
