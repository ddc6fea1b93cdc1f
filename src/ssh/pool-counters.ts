// What the pool has done, per connection key and per host: connections opened and commands run (for the status
// view and the benchmarks that prove reuse).
import type { PoolStats } from './types';

export class PoolCounters {
  private readonly opened = new Map<string, number>();
  private readonly execs = new Map<string, number>();
  private readonly byHost = new Map<string, { connectionsOpened: number; execs: number }>();

  bump(kind: 'opened' | 'execs', key: string, host: string): void {
    const m = kind === 'opened' ? this.opened : this.execs;
    m.set(key, (m.get(key) ?? 0) + 1);
    const h = this.byHost.get(host) ?? { connectionsOpened: 0, execs: 0 };
    if (kind === 'opened') h.connectionsOpened++;
    else h.execs++;
    this.byHost.set(host, h);
  }

  stats(open: string[]): PoolStats {
    return {
      connectionsOpened: Object.fromEntries(this.opened),
      execs: Object.fromEntries(this.execs),
      byHost: Object.fromEntries([...this.byHost].map(([k, v]) => [k, { ...v }])),
      open,
    };
  }
}
