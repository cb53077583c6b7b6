import { createServer, type Server, type Socket } from 'node:net';
import { waitFor } from '@payhook/testkit';
import { CoalescingSocket } from './coalescing-socket';

let server: Server;
const received: Buffer[] = [];

beforeAll(async () => {
  server = createServer((connection: Socket) => connection.on('data', (chunk) => received.push(chunk)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function connected(): Promise<CoalescingSocket> {
  const socket = new CoalescingSocket();
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => socket.connect(port, '127.0.0.1', resolve));
  return socket;
}

it('sends what is written in one turn of the event loop in one system call, and all of it', async () => {
  const socket = await connected();
  try {
    const single = jest.spyOn(socket as unknown as { _write: () => void }, '_write');
    const gathered = jest.spyOn(socket as unknown as { _writev: () => void }, '_writev');
    socket.write('BEGIN;');
    socket.write(Buffer.from('one;'));
    socket.write('two;');
    expect(gathered).not.toHaveBeenCalled();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(single).not.toHaveBeenCalled();
    expect(gathered).toHaveBeenCalledTimes(1);
    await waitFor(() => Buffer.concat(received).toString() === 'BEGIN;one;two;', { timeoutMs: 1000, description: 'the three writes to arrive' });

    // A later turn's writes are a write of their own.
    socket.write('three;');
    await new Promise((resolve) => setImmediate(resolve));
    await waitFor(() => Buffer.concat(received).toString().endsWith('three;'), { timeoutMs: 1000, description: 'the later write to arrive' });
    expect(single.mock.calls.length + gathered.mock.calls.length).toBe(2);
  } finally {
    socket.destroy();
  }
});

it('sends what is still gathered when the socket is ended in the same turn', async () => {
  const socket = await connected();
  received.length = 0;
  try {
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write('gathered;');
    socket.end('last;');
    await closed;
    await waitFor(() => Buffer.concat(received).toString() === 'gathered;last;', { timeoutMs: 1000, description: 'the gathered and the last write to arrive' });
  } finally {
    socket.destroy();
  }
});
