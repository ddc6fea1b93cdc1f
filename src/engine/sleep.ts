// A pause that ends early, without error, when its signal fires: waits between observations must not outlive a
// cancelled run.

/** Waits `ms`, or less when `signal` aborts; the abort listener goes with the wait (a poll loop must not pile them up). */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise(resolve => {
    const done = (): void => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
