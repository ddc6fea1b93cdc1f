// Shell-style wildcard matching (`*` any run, `?` one character) for ssh config Host patterns, known_hosts patterns
// and Include paths, without building a regular expression from the pattern: the greedy two-pointer match below
// takes at most |pattern| × |name| steps whatever the input, where a `.*`-per-star regular expression can
// backtrack polynomially in the number of stars.

export interface GlobOptions {
  /** Compare letters case-insensitively (host names). */
  ignoreCase?: boolean;
  /** Characters that `*` and `?` do not match (`/` for path segments). */
  exclude?: string;
}

export function globMatch(pattern: string, name: string, options: GlobOptions = {}): boolean {
  const p = options.ignoreCase ? pattern.toLowerCase() : pattern;
  const s = options.ignoreCase ? name.toLowerCase() : name;
  const exclude = options.exclude ?? '';
  let pi = 0;
  let si = 0;
  /** Where the last `*` was and how much of the name it has taken so far. */
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    const pc = p[pi];
    const sc = s[si]!;
    if (pc === '*') {
      starP = pi++;
      starS = si;
    } else if (pc !== undefined && (pc === sc || pc === '?') && !(pc === '?' && exclude.includes(sc))) {
      pi++;
      si++;
    } else if (starP >= 0 && !exclude.includes(s[starS]!)) {
      // Let the last star take one more character and retry the rest of the pattern from there.
      pi = starP + 1;
      si = ++starS;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}
