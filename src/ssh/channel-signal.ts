// The one place that reaches into ssh2's internals. ssh2's ClientChannel.signal() sends nothing once stdin was
// ended, and exec always ends stdin, so a "signal" channel request (sshd then signals the command's process group)
// goes through the channel's private protocol object. test/unit/ssh/channel-signal.test.ts fails if ssh2 changes
// the shape relied on here.
import type { ClientChannel } from 'ssh2';

/** How long a command gets between SIGTERM and SIGKILL when it is stopped (timeout or cancel). */
export const KILL_GRACE_MS = 2000;

/** The private parts of an ssh2 channel that sending a signal after EOF needs. */
export interface ChannelInternals {
  outgoing?: { id: number; state: string };
  _client?: { _protocol?: { signal(id: number, sig: string): void } };
}

/** The protocol-level signal sender of a channel, or undefined when the channel is not open (or ssh2 changed). */
export function protocolSignal(ch: ClientChannel): ((name: string) => void) | undefined {
  const internal = ch as unknown as ChannelInternals;
  const outgoing = internal.outgoing;
  const protocol = internal._client?._protocol;
  if (!outgoing || !protocol || typeof protocol.signal !== 'function') return undefined;
  if (outgoing.state !== 'open' && outgoing.state !== 'eof') return undefined;
  return name => protocol.signal(outgoing.id, name);
}

/** Sends a signal to the channel's command, falling back to ssh2's public signal() when the internals are absent. */
export function sendSignal(ch: ClientChannel, name: 'TERM' | 'KILL'): void {
  try {
    const send = protocolSignal(ch);
    if (send) send(name);
    else ch.signal(name);
  } catch {
    /* the channel is already closing */
  }
}

/** SIGTERM to the remote process group now, SIGKILL if it is still there after the grace period, then close. */
export function stopRemoteCommand(ch: ClientChannel): void {
  sendSignal(ch, 'TERM');
  const grace = setTimeout(() => {
    sendSignal(ch, 'KILL');
    ch.close();
  }, KILL_GRACE_MS);
  grace.unref();
  ch.once('close', () => clearTimeout(grace));
}
