// PostgreSQL WAL locations (LSNs) as printed by pg_stat_replication: two hexadecimal halves `X/X`.

const LSN = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;

/** `'1/2800DE68'` → 0x1_2800DE68n. Returns null for `None`, an empty value or anything that is not an LSN. */
export function lsnToBigInt(lsn: string | null | undefined): bigint | null {
  if (typeof lsn !== 'string') return null;
  const m = LSN.exec(lsn.trim());
  if (!m || m[1] === undefined || m[2] === undefined) return null;
  return (BigInt('0x' + m[1]) << 32n) + BigInt('0x' + m[2]);
}

/**
 * Bytes from `b` to `a` (a − b), e.g. replay lag = lsnDiffBytes(sent, replay).
 * Null when either side is not an LSN (`None` while a walsender starts up). Negative when `a` is behind `b`.
 */
export function lsnDiffBytes(a: string | null | undefined, b: string | null | undefined): number | null {
  const x = lsnToBigInt(a);
  const y = lsnToBigInt(b);
  if (x === null || y === null) return null;
  return Number(x - y);
}
