import { Socket } from 'node:net';

type Method = (...args: unknown[]) => unknown;

/**
 * A socket that gathers what is written to it until the event loop's current turn ends and
 * sends it in one system call. pg writes each pipelined statement, and BEGIN, on its own;
 * on a loopback connection every write costs the sender the receiver's TCP work too, and
 * the bench found those writes to be a third of each app's CPU. Statements a unit of work
 * issues together now leave together; each waits at most for the rest of the turn.
 */
export class CoalescingSocket extends Socket {
  private flushPending = false;

  override connect(...args: unknown[]): this {
    (Socket.prototype.connect as Method).apply(this, args);
    // net.Socket's connect puts the plain write back as the socket's own property.
    Object.assign(this, { write: this.gatheringWrite });
    return this;
  }

  private readonly gatheringWrite = (...args: unknown[]): boolean => {
    if (!this.flushPending) {
      this.flushPending = true;
      this.cork();
      setImmediate(() => {
        this.flushPending = false;
        this.uncork();
      });
    }
    return (Socket.prototype.write as Method).apply(this, args) as boolean;
  };
}
