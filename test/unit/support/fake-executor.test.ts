// The scripted executor behaves as the pool does where the engine relies on it: a hanging command ends by its
// signal (cancelled) or its timeout, a dropped one is connection-lost, rules match by host and pattern, newest first.
import assert from 'node:assert/strict';
import { RemoteExecError } from '../../../src/ssh/types';
import { FakeExecutor } from './fake-executor';

const host = (name: string) => ({ name, sshTarget: name });
const kindOf = async (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e instanceof RemoteExecError ? e.kind : String(e)),
  );

describe('the scripted executor', () => {
  it('answers by host and pattern, newest rule first, limited rules running out', async () => {
    const f = new FakeExecutor()
      .on(undefined, 'echo', { stdout: 'any\n' })
      .on('b', /^echo/, { stdout: 'b\n', exitCode: 3 })
      .on('b', 'echo', { stdout: 'once\n' }, 1);
    assert.equal((await f.exec(host('a'), 'echo')).stdout, 'any\n');
    assert.equal((await f.exec(host('b'), 'echo')).stdout, 'once\n');
    const again = await f.exec(host('b'), 'echo');
    assert.deepEqual([again.stdout, again.exitCode], ['b\n', 3]);
    await assert.rejects(f.exec(host('a'), 'ls'), /no rule answers "ls" on a/);
    assert.equal(f.calls.length, 4);
  });

  it('a hanging command ends by its abort signal or its timeout; a dropped one is connection-lost', async () => {
    const f = new FakeExecutor()
      .on(undefined, 'sleep', { hang: true })
      .on(undefined, 'drop', { drop: true, afterMs: 5 });
    const abort = new AbortController();
    const hung = kindOf(f.exec(host('a'), 'sleep', { signal: abort.signal }));
    abort.abort();
    assert.equal(await hung, 'cancelled');
    assert.equal(await kindOf(f.exec(host('a'), 'sleep', { timeoutMs: 10 })), 'timeout');
    assert.equal(
      await kindOf(f.exec(host('a'), 'sleep', { signal: abort.signal })),
      'cancelled',
      'an aborted signal cancels at once',
    );
    assert.equal(await kindOf(f.exec(host('a'), 'drop')), 'connection-lost');
  });

  it('a PTY shell plays the output and exit status; a hanging one ends on ^C', async () => {
    const f = new FakeExecutor()
      .on(undefined, 'gpinitstandby', { stdout: 'line\n', exitCode: 0 })
      .on(undefined, 'wait', { hang: true });
    const s = await f.openShell(host('a'), { command: 'gpinitstandby -a', cols: 80, rows: 24 });
    const end = await s.exited;
    assert.deepEqual([end.exitCode, end.output], [0, 'line\r\n']);
    const h = await f.openShell(host('a'), { command: 'wait', cols: 80, rows: 24 });
    h.write('\x03');
    assert.equal((await h.exited).exitCode, 130);
  });
});
