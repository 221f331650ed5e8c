/** Sequential GETs on one keep-alive connection, each timed from sending to the last byte of its answer. */
import http from 'node:http';

export interface TimedGet {
  status: number;
  ms: number;
  bytes: number;
  body: Buffer;
}

export class KeepAliveClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  constructor(
    private readonly port: number,
    private readonly headers: Record<string, string>,
  ) {}

  get(path: string): Promise<TimedGet> {
    return new Promise((resolve, reject) => {
      const start = process.hrtime.bigint();
      const request = http.get(
        { host: '127.0.0.1', port: this.port, path, agent: this.agent, headers: this.headers },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const body = Buffer.concat(chunks);
            const ms = Number(process.hrtime.bigint() - start) / 1e6;
            resolve({ status: response.statusCode ?? 0, ms, bytes: body.length, body });
          });
          response.on('error', reject);
        },
      );
      request.on('error', reject);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
