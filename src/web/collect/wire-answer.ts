/**
 * A collect answer written straight to the socket, as node:http would write
 * it (status line, headers, Date, keep-alive), for the socket front
 * (socket-front.ts): in one write when the payload is text.
 */
import http from 'node:http';
import type net from 'node:net';
import type { EncodedAnswer } from './answer.js';

/** The answer as node:http would write it (status line, headers, Date, keep-alive), in one write where it can. */
export function writeAnswer(
  socket: net.Socket,
  { status, headers, payload }: EncodedAnswer,
  close: boolean,
  keepAliveTimeoutMs: number,
): void {
  let head = `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\n`;
  for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
  head += `content-length: ${Buffer.byteLength(payload)}\r\nDate: ${httpDate()}\r\n`;
  if (close) head += 'Connection: close\r\n\r\n';
  else if (keepAliveTimeoutMs > 0)
    head += `Connection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(keepAliveTimeoutMs / 1000)}\r\n\r\n`;
  else head += 'Connection: keep-alive\r\n\r\n';
  if (typeof payload === 'string') {
    socket.write(head + payload);
    return;
  }
  socket.cork();
  socket.write(head, 'latin1');
  socket.write(payload);
  socket.uncork();
}

let dateSecond = -1;
let dateText = '';

/** The Date header's value, made once a second (as node:http caches it). */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}
