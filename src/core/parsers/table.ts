// TableLogger rows: `key = value`, column widths chosen per table (never parse by offsets).
// INFO rows are indented by three spaces; WARNING rows are not indented and end in `<<<<<<<<`, with the value
// cell padded, and the `Standby PID` warning row may carry a third cell (the pid-check error).

export interface TableRow {
  key: string;
  value: string;
  /** Third cell of a warning row, e.g. `Have lock file /tmp/.s.PGSQL.5432.lock but no process running on port 5432`. */
  extra: string | null;
  /** The row ended in `<<<<<<<<` (TableLogger's warning marker). */
  flagged: boolean;
}

const ARROWS = '<<<<<<<<';

/** Parses the message part of a log line as a table row; null when it is not one. Linear time, never throws. */
export function parseTableRow(message: string): TableRow | null {
  let eq = message.indexOf(' = ');
  let valueStart = eq + 3;
  if (eq < 0) {
    // An empty last cell renders as `= ` and a copy may have lost the trailing space.
    if (!message.endsWith(' =')) return null;
    eq = message.length - 2;
    valueStart = message.length;
  }
  const key = message.slice(0, eq).trim();
  if (key.length === 0 || key.startsWith('-') || key.length > 200) return null;
  let rest = message.slice(valueStart);
  let flagged = false;
  const trimmedEnd = rest.trimEnd();
  if (trimmedEnd.endsWith(ARROWS)) {
    flagged = true;
    rest = trimmedEnd.slice(0, trimmedEnd.length - ARROWS.length);
  }
  rest = rest.trim();
  let extra: string | null = null;
  if (flagged) {
    // Only warning rows pad their value cell, so three spaces there separate the value from a third cell.
    const gap = rest.indexOf('   ');
    if (gap >= 0) {
      const third = rest.slice(gap).trim();
      rest = rest.slice(0, gap).trim();
      if (third.length > 0) extra = third;
    }
  }
  return { key, value: rest, extra, flagged };
}

/** Collapses the padding of a row so it reads as `key = value` in messages shown to people. */
export function rowText(row: TableRow): string {
  return `${row.key} = ${row.value}${row.extra ? ` ${row.extra}` : ''}`;
}
