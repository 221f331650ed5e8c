/** Programs of the machine a test may run (nginx, caddy, systemd-analyze), and ports for them on 127.0.0.1. */
import { accessSync, constants } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** The full path of an installed program, or null; sbin too, where Debian puts nginx. */
export function findProgram(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory: try the next
    }
  }
  return null;
}

/** A port free on 127.0.0.1 a moment ago (closed again at once; the caller binds it soon after). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** whether something accepts connections on 127.0.0.1:`port` now */
export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
