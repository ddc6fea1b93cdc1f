// The signal adapter against a real ssh2 server and client over loopback (no root): after exec has ended stdin,
// a signal must still reach the server as a "signal" channel request. This fails if ssh2 changes the private
// channel shape the adapter relies on (outgoing.id/state, _client._protocol.signal).
import * as assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Client, Server, utils } from 'ssh2';
import type { ClientChannel } from 'ssh2';
import { protocolSignal, sendSignal } from '../../../src/ssh/channel-signal';

interface Loopback {
  client: Client;
  signals: string[];
  close: () => void;
}

/**
 * An ssh2 server that accepts anyone and runs nothing: `true` exits at once, anything else hangs. The signal
 * requests it receives are read from its packet log (its session API stops reporting them once exec started).
 */
async function loopback(): Promise<Loopback> {
  const hostKey = utils.generateKeyPairSync('ed25519').private;
  const signals: string[] = [];
  const debug = (line: string): void => {
    const m = /Inbound: CHANNEL_REQUEST \(r:\d+, signal: (\w+)\)/.exec(line);
    if (m) signals.push(m[1]!);
  };
  const server = new Server({ hostKeys: [hostKey], debug }, conn => {
    conn.on('authentication', ctx => ctx.accept());
    conn.on('ready', () => {
      conn.on('session', accept => {
        accept().on('exec', (acceptExec, _reject, info) => {
          const stream = acceptExec();
          if (info.command !== 'true') return; // keeps running: the command "hangs"
          stream.exit(0);
          stream.end();
        });
      });
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const client = new Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve).once('error', reject);
    client.connect({ host: '127.0.0.1', port, username: 'nobody', password: 'x', hostVerifier: () => true });
  });
  return {
    client,
    signals,
    close: () => {
      client.end();
      server.close();
    },
  };
}

const execOn = (client: Client, command: string): Promise<ClientChannel> =>
  new Promise((resolve, reject) => client.exec(command, (err, ch) => (err ? reject(err) : resolve(ch))));

const until = async (check: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise(r => setTimeout(r, 20));
};

describe('ssh: the signal adapter over ssh2 internals', () => {
  let lb: Loopback;
  before(async () => {
    lb = await loopback();
  });
  after(() => lb.close());

  it('finds the protocol signal sender on an open exec channel whose stdin was ended', async () => {
    const ch = await execOn(lb.client, 'sleep 60');
    ch.end(); // what the pool does for every exec
    assert.equal(typeof protocolSignal(ch), 'function', 'ssh2 no longer exposes outgoing/_client._protocol.signal');
    ch.close();
  });

  it('delivers TERM and KILL to the server after stdin was ended', async () => {
    lb.signals.length = 0;
    const ch = await execOn(lb.client, 'sleep 60');
    ch.end();
    sendSignal(ch, 'TERM');
    sendSignal(ch, 'KILL');
    await until(() => lb.signals.length >= 2);
    assert.deepEqual(lb.signals, ['TERM', 'KILL']);
    ch.close();
  });

  it('has no protocol sender once the channel is closed (the public fallback is used)', async () => {
    let closed!: Promise<void>;
    const ch = await new Promise<ClientChannel>((resolve, reject) =>
      lb.client.exec('true', (err, c) => {
        if (err) return reject(err);
        // The exit and close can arrive with the exec's reply: listen before anything else runs.
        closed = new Promise<void>(done => c.once('close', () => done()));
        c.resume();
        resolve(c);
      }),
    );
    ch.end();
    await closed;
    assert.equal(protocolSignal(ch), undefined);
    assert.doesNotThrow(() => sendSignal(ch, 'TERM'));
  });
});
