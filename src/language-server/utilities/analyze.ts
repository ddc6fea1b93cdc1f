// Checks the coordinator utilities' command lines in a shell text: unknown options, options missing their value,
// options the utility refuses together, dangerous options, and `rm -rf` of a coordinator data directory.
// Pure: text in, findings with offsets out.
import { nearest } from '../edit-distance';
import type { Finding } from '../findings';
import type { FlagSpec, ReleaseSetting, UtilitySpec } from './flags';
import {
  flagAvailable,
  flagDocumentation,
  lookupFlag,
  releaseLabel,
  releaseNote,
  UTILITIES,
  utilityDocumentation,
} from './flags';
import type { Invocation, Word } from './shell';
import { findInvocations } from './shell';

/** One option as the utility would parse it. */
export interface ParsedOption {
  flag: FlagSpec;
  /** The spelling used, e.g. `-s` or `--standby-host`. */
  spelled: string;
  start: number;
  end: number;
  value?: Word;
}

export interface ParsedInvocation {
  invocation: Invocation;
  utility: UtilitySpec;
  options: ParsedOption[];
}

export interface ShellAnalysisOptions {
  release?: ReleaseSetting;
  /** Host names to offer for options that take one (gpinitstandby -s, gpstop --host): the ssh config's aliases. */
  hosts?: () => ReadonlyArray<{ name: string; detail: string }>;
}

const isVariable = (w: Word): boolean => w.text.includes('$') || w.text.includes('`');

/** Parses an invocation's arguments the way optparse does, reporting what the utility would refuse. */
export function parseInvocation(
  inv: Invocation,
  utility: UtilitySpec,
  findings: Finding[],
  release: ReleaseSetting,
): ParsedInvocation {
  const options: ParsedOption[] = [];
  const args = inv.args;
  const looksLikeOption = (w: Word | undefined): boolean => {
    if (!w || !w.text.startsWith('-') || w.text === '-' || isVariable(w)) return false;
    const name = w.text.startsWith('--') ? w.text.split('=')[0]! : w.text.slice(0, 2);
    const found = lookupFlag(utility, name);
    return !!found && 'flag' in found;
  };
  const takeValue = (flag: FlagSpec, spelled: string, i: number, start: number, end: number): number => {
    const next = args[i + 1];
    const what = flag.arg!.name;
    if (!next) {
      findings.push({
        start,
        end,
        severity: 'error',
        code: 'missing-argument',
        message: `${utility.name} ${spelled} needs a value ${what}, but none follows.`,
      });
      options.push({ flag, spelled, start, end });
      return i;
    }
    if (looksLikeOption(next)) {
      findings.push({
        start,
        end: next.end,
        severity: 'error',
        code: 'missing-argument',
        message: `${utility.name} ${spelled} needs a value ${what}; "${next.text}" would be taken as that value, not as an option. Put the value right after ${spelled}.`,
      });
    } else {
      checkValue(utility, flag, spelled, next, findings);
    }
    options.push({ flag, spelled, start, end, value: next });
    return i + 1;
  };
  let onlyPositional = false;
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    const t = w.text;
    if (onlyPositional || !t.startsWith('-') || t === '-' || (!w.plain && isVariable(w))) {
      if (utility.positional === 'error' && !isVariable(w)) {
        findings.push({
          start: w.start,
          end: w.end,
          severity: 'error',
          code: 'unexpected-argument',
          message: `${utility.name} takes no argument "${t}" ("Argument ${t} is invalid. Is an option missing a parameter?"). Give it as the value of an option, or remove it.`,
        });
      } else if (utility.positional === 'ignored' && !isVariable(w)) {
        findings.push({
          start: w.start,
          end: w.end,
          severity: 'warning',
          code: 'unexpected-argument',
          message: `${utility.name} ignores the argument "${t}". Did you mean an option's value (e.g. -s ${t})?`,
        });
      }
      continue;
    }
    if (t === '--') {
      onlyPositional = true;
      continue;
    }
    if (t.startsWith('--')) {
      const eq = t.indexOf('=');
      const name = eq < 0 ? t : t.slice(0, eq);
      const nameEnd = w.plain ? w.start + name.length : w.end;
      const found = lookupFlag(utility, name);
      if (!found) {
        unknownOption(utility, name, w.start, nameEnd, findings, release);
        if (eq < 0 && args[i + 1] && !args[i + 1]!.text.startsWith('-')) i++;
        continue;
      }
      if ('ambiguous' in found) {
        findings.push({
          start: w.start,
          end: nameEnd,
          severity: 'error',
          code: 'ambiguous-option',
          message: `${utility.name}: "${name}" is ambiguous (${found.ambiguous.join(', ')}); write the option in full.`,
        });
        continue;
      }
      const flag = found.flag;
      checkRelease(utility, flag, name, w.start, nameEnd, findings, release);
      if (flag.arg) {
        if (eq >= 0) {
          const valueText = t.slice(eq + 1);
          const valueWord: Word = {
            text: valueText,
            start: w.plain ? w.start + eq + 1 : w.start,
            end: w.end,
            plain: w.plain,
          };
          if (!valueText)
            findings.push({
              start: w.start,
              end: w.end,
              severity: 'error',
              code: 'missing-argument',
              message: `${utility.name} ${name} needs a value ${flag.arg.name} after "=".`,
            });
          else checkValue(utility, flag, name, valueWord, findings);
          options.push({ flag, spelled: name, start: w.start, end: nameEnd, value: valueWord });
        } else {
          i = takeValue(flag, name, i, w.start, w.end);
        }
      } else {
        if (eq >= 0)
          findings.push({
            start: w.start,
            end: w.end,
            severity: 'error',
            code: 'unexpected-value',
            message: `${utility.name} ${name} takes no value; remove "=${t.slice(eq + 1)}".`,
          });
        options.push({ flag, spelled: name, start: w.start, end: nameEnd });
      }
      continue;
    }
    // A cluster of short options, e.g. -aq or -s<host>.
    for (let j = 1; j < t.length; j++) {
      const name = '-' + t[j];
      const start = w.plain ? (j === 1 ? w.start : w.start + j) : w.start;
      const end = w.plain ? w.start + j + 1 : w.end;
      const found = lookupFlag(utility, name);
      if (!found || !('flag' in found)) {
        unknownOption(utility, name, start, end, findings, release);
        break;
      }
      const flag = found.flag;
      checkRelease(utility, flag, name, start, end, findings, release);
      if (flag.arg) {
        if (j + 1 < t.length) {
          const valueWord: Word = {
            text: t.slice(j + 1),
            start: w.plain ? w.start + j + 1 : w.start,
            end: w.end,
            plain: w.plain,
          };
          checkValue(utility, flag, name, valueWord, findings);
          options.push({ flag, spelled: name, start, end, value: valueWord });
        } else {
          i = takeValue(flag, name, i, start, end);
        }
        break;
      }
      options.push({ flag, spelled: name, start, end });
    }
  }
  return { invocation: inv, utility, options };
}

function unknownOption(
  utility: UtilitySpec,
  name: string,
  start: number,
  end: number,
  findings: Finding[],
  release: ReleaseSetting,
): void {
  const names = utility.flags.filter(f => flagAvailable(f, release)).flatMap(f => f.names);
  const guess = name.startsWith('--')
    ? nearest(
        name,
        names.filter(n => n.startsWith('--')),
      )
    : undefined;
  let message = `${utility.name} has no option ${name}.`;
  if (utility.name === 'gpinitstandby' && name === '-h') message += ' Use -? for help.';
  else if (guess) message += ` Did you mean ${guess}?`;
  else
    message += ` Its options: ${utility.flags
      .filter(f => !f.hidden && flagAvailable(f, release))
      .map(f => f.names[0])
      .join(' ')}.`;
  findings.push({
    start,
    end,
    severity: 'error',
    code: 'unknown-option',
    message,
    ...(guess ? { fixes: [{ title: `Change to ${guess}`, start, end, newText: guess, preferred: true }] } : {}),
  });
}

function checkRelease(
  utility: UtilitySpec,
  flag: FlagSpec,
  name: string,
  start: number,
  end: number,
  findings: Finding[],
  release: ReleaseSetting,
): void {
  if (!flagAvailable(flag, release)) {
    const label = release === 'auto' ? '' : releaseLabel(release);
    const alt = flag.instead && !/[<…]/.test(flag.instead) ? flag.instead : undefined;
    findings.push({
      start,
      end,
      severity: 'error',
      code: 'option-not-in-release',
      message: `${utility.name} ${name} does not exist in ${label}: ${releaseNote(flag) ?? ''}`.trim(),
      ...(alt ? { fixes: [{ title: `Change to ${alt}`, start, end, newText: alt, preferred: true }] } : {}),
    });
  }
  if (flag.deprecated)
    findings.push({
      start,
      end,
      severity: 'hint',
      code: 'deprecated-option',
      message: flag.deprecated,
      deprecated: true,
    });
}

function checkValue(utility: UtilitySpec, flag: FlagSpec, name: string, value: Word, findings: Finding[]): void {
  if (isVariable(value) || !flag.arg) return;
  const v = value.text;
  if (flag.arg.kind === 'int' && !/^\d+$/.test(v)) {
    findings.push({
      start: value.start,
      end: value.end,
      severity: 'error',
      code: 'invalid-value',
      message: `${utility.name} ${name} needs a whole number ${flag.arg.name}, not "${v}".`,
    });
  } else if (flag.arg.kind === 'choice' && flag.arg.choices && !flag.arg.choices.includes(v)) {
    const guess = nearest(v, flag.arg.choices);
    findings.push({
      start: value.start,
      end: value.end,
      severity: 'error',
      code: 'invalid-value',
      message: `${utility.name} ${name} accepts ${flag.arg.choices.join(', ')}, not "${v}".${guess ? ` Did you mean ${guess}?` : ''}`,
      ...(guess
        ? {
            fixes: [
              { title: `Change to ${guess}`, start: value.start, end: value.end, newText: guess, preferred: true },
            ],
          }
        : {}),
    });
  } else if (
    flag.arg.kind === 'path' &&
    flag.dest !== 'logfile' &&
    flag.dest !== 'logfileDirectory' &&
    !v.startsWith('/') &&
    !v.startsWith('~')
  ) {
    findings.push({
      start: value.start,
      end: value.end,
      severity: 'warning',
      code: 'relative-path',
      message: `${utility.name} ${name} expects an absolute path; "${v}" is relative to the directory the utility runs in.`,
    });
  }
}

/** Rules that need all of an invocation's options: exclusions, required actions, dangerous options. */
function checkCombination(parsed: ParsedInvocation, findings: Finding[]): void {
  const { utility, options } = parsed;
  const byDest = new Map<string, ParsedOption>();
  for (const o of options) if (!byDest.has(o.flag.dest)) byDest.set(o.flag.dest, o);
  for (const rule of utility.exclusive) {
    const present = rule.dests.map(d => byDest.get(d));
    if (present.every(Boolean)) {
      const later = (present as ParsedOption[]).reduce((a, b) => (b.start > a.start ? b : a));
      findings.push({
        start: later.start,
        end: later.end,
        severity: 'error',
        code: 'exclusive-options',
        message: rule.message,
      });
    }
  }
  if (utility.atMostOne) {
    const present = options.filter(
      (o, idx) =>
        utility.atMostOne!.dests.includes(o.flag.dest) && options.findIndex(p => p.flag.dest === o.flag.dest) === idx,
    );
    for (const extra of present.slice(1))
      findings.push({
        start: extra.start,
        end: extra.end,
        severity: 'error',
        code: 'exclusive-options',
        message: `${utility.atMostOne.message} (${present.map(p => p.spelled).join(' and ')})`,
      });
  }
  if (utility.name === 'gpstop') {
    const mode = byDest.get('mode');
    const old = byDest.get('fast') ?? byDest.get('immediate');
    if (mode?.value && mode.value.text !== 'smart' && old)
      findings.push({
        start: old.start,
        end: old.end,
        severity: 'error',
        code: 'exclusive-options',
        message:
          'gpstop refuses -M together with the deprecated -f/-i ("Can not mix --mode options with older deprecated \'-f,-i,-s\'"): keep -M only.',
      });
    if (mode?.value?.text === 'immediate')
      findings.push({
        start: mode.value.start,
        end: mode.value.end,
        severity: 'information',
        code: 'dangerous-option',
        message:
          'gpstop -M immediate aborts the server processes without a clean shutdown: the next start runs crash recovery. Prefer -M fast.',
      });
  }
  const informational = options.some(o => o.flag.informational);
  if (utility.requiresOneOf && !informational && !utility.requiresOneOf.dests.some(d => byDest.has(d))) {
    findings.push({
      start: parsed.invocation.nameWord.start,
      end: parsed.invocation.nameWord.end,
      severity: 'error',
      code: 'missing-action',
      message: utility.requiresOneOf.message,
    });
  }
  for (const o of options) {
    if (o.flag.danger)
      findings.push({
        start: o.start,
        end: o.end,
        severity: 'warning',
        code: 'dangerous-option',
        message: o.flag.danger,
      });
  }
}

/** `dir///` → `dir`, in one pass (`/\/+$/` backtracks quadratically on a long run of slashes not at the end). */
function withoutTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 47) end--;
  return path.slice(0, end);
}

/** `rm -r…` of a coordinator data directory (…/gpseg-1, $COORDINATOR_DATA_DIRECTORY, $MASTER_DATA_DIRECTORY). */
function checkRemove(inv: Invocation, findings: Finding[]): void {
  let recursive = false;
  const targets: Word[] = [];
  let onlyTargets = false;
  for (const w of inv.args) {
    if (!onlyTargets && w.text === '--') {
      onlyTargets = true;
      continue;
    }
    if (!onlyTargets && /^-[a-zA-Z]+$/.test(w.text)) {
      if (/[rR]/.test(w.text)) recursive = true;
      continue;
    }
    if (!onlyTargets && w.text === '--recursive') {
      recursive = true;
      continue;
    }
    if (!onlyTargets && w.text.startsWith('--')) continue;
    targets.push(w);
  }
  if (!recursive) return;
  for (const t of targets) {
    const path = withoutTrailingSlashes(t.text);
    const isDataDir = /(^|\/)gpseg-1$/.test(path) || /^\$\{?(COORDINATOR|MASTER)_DATA_DIRECTORY\}?$/.test(path);
    if (!isDataDir) continue;
    const backup = /\$\{?(COORDINATOR|MASTER)_DATA_DIRECTORY\}?$/.test(path)
      ? `$(dirname ${path})/backup_gpseg-1`
      : path.replace(/gpseg-1$/, 'backup_gpseg-1');
    const source = /^[A-Za-z0-9_./${}-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
    // -T: if a backup_gpseg-1 exists, mv fails instead of moving the data directory inside it.
    const mv = `mv -T ${source} ${backup}`;
    findings.push({
      start: inv.nameWord.start,
      end: inv.end,
      severity: 'warning',
      code: 'rm-data-directory',
      message: `This deletes the coordinator data directory ${t.text} for good, with no way back if it was the wrong host or the only good copy. Move it aside instead: ${mv} (with -T, mv refuses rather than nest it inside an existing backup_gpseg-1; then pick another name, e.g. backup_gpseg-1.<date>).`,
      fixes: [{ title: `Move it aside instead: ${mv}`, start: inv.nameWord.start, end: inv.end, newText: mv }],
    });
  }
}

export interface ShellAnalysis {
  findings: Finding[];
  invocations: ParsedInvocation[];
  /** Every invocation found (utilities and other commands), for completion and hover. */
  all: Invocation[];
}

/** Analyses the shell code in text[from, to) (a whole script, or a masked Markdown document). */
export function analyzeShell(text: string, options: ShellAnalysisOptions = {}): ShellAnalysis {
  const release = options.release ?? 'auto';
  const findings: Finding[] = [];
  const invocations: ParsedInvocation[] = [];
  const all = findInvocations(text);
  for (const inv of all) {
    const utility = UTILITIES.get(inv.name);
    if (utility) {
      const parsed = parseInvocation(inv, utility, findings, release);
      checkCombination(parsed, findings);
      invocations.push(parsed);
    } else if (inv.name === 'rm') {
      checkRemove(inv, findings);
    }
  }
  return { findings, invocations, all };
}

export interface HoverResult {
  start: number;
  end: number;
  markdown: string;
}

/** Documentation of the utility or option at `offset`. */
export function shellHover(text: string, offset: number, options: ShellAnalysisOptions = {}): HoverResult | undefined {
  const { invocations } = analyzeShell(text, options);
  for (const p of invocations) {
    const nw = p.invocation.nameWord;
    if (offset >= nw.start && offset <= nw.end)
      return { start: nw.start, end: nw.end, markdown: utilityDocumentation(p.utility) };
    for (const o of p.options) {
      if (offset >= o.start && offset <= o.end)
        return { start: o.start, end: o.end, markdown: flagDocumentation(p.utility, o.flag) };
      if (o.value && offset >= o.value.start && offset <= o.value.end)
        return { start: o.value.start, end: o.value.end, markdown: flagDocumentation(p.utility, o.flag) };
    }
  }
  return undefined;
}

export interface ShellCompletion {
  label: string;
  detail: string;
  documentation: string;
  /** Replaces text[start, end). */
  start: number;
  end: number;
  insertText: string;
  sortText: string;
  deprecated?: boolean;
  kind: 'utility' | 'option' | 'value';
}

/** Completions at `offset`: utility names at a command position, options after a utility, values of choice options. */
export function shellCompletions(text: string, offset: number, options: ShellAnalysisOptions = {}): ShellCompletion[] {
  const release = options.release ?? 'auto';
  let start = offset;
  while (start > 0 && !/[\s;&|()'"`]/.test(text[start - 1]!)) start--;
  const prefix = text.slice(start, offset);
  const all = findInvocations(text);
  // The invocation the cursor continues: the cursor is inside it or only blanks/continuations follow its last word.
  let current: Invocation | undefined;
  for (const inv of all) {
    if (inv.nameWord.start >= offset) continue;
    if (inv.nameWord.end >= offset) {
      current = undefined;
      break;
    }
    const between = text.slice(inv.end, start);
    if (start <= inv.end || /^[ \t]*(?:\\\r?\n[ \t]*)*$/.test(between)) current = inv;
  }
  const out: ShellCompletion[] = [];
  const utility = current ? UTILITIES.get(current.name) : undefined;
  if (current && utility) {
    // Value of the option just before the cursor?
    const before = current.args.filter(w => w.end <= start);
    const last = before[before.length - 1];
    if (last && last.text.startsWith('-')) {
      const found = lookupFlag(utility, last.text);
      if (found && 'flag' in found && found.flag.arg) {
        for (const choice of found.flag.arg.choices ?? []) {
          out.push({
            label: choice,
            detail: `${utility.name} ${last.text} ${choice}`,
            documentation: flagDocumentation(utility, found.flag),
            start,
            end: offset,
            insertText: choice,
            sortText: choice,
            kind: 'value',
          });
        }
        if (found.flag.arg.kind === 'host') {
          (options.hosts?.() ?? []).forEach((h, i) => {
            out.push({
              label: h.name,
              detail: h.detail,
              documentation: flagDocumentation(utility, found.flag),
              start,
              end: offset,
              insertText: h.name,
              sortText: String(i).padStart(4, '0'),
              kind: 'value',
            });
          });
        }
        return out;
      }
    }
    if (prefix === '' || prefix.startsWith('-')) {
      const used = new Set<string>();
      const errors: Finding[] = [];
      for (const o of parseInvocation(
        { ...current, args: current.args.filter(w => w.end < start) },
        utility,
        errors,
        release,
      ).options)
        used.add(o.flag.dest);
      utility.flags.forEach((flag, index) => {
        if (flag.hidden || !flagAvailable(flag, release) || used.has(flag.dest)) return;
        for (const name of flag.names) {
          if (!name.startsWith(prefix)) continue;
          out.push({
            label: name,
            detail: `${utility.name} ${name}${flag.arg ? ' ' + flag.arg.name : ''}${flag.releases ? ` (${flag.releases.map(releaseLabel).join(', ')})` : ''}`,
            documentation: flagDocumentation(utility, flag),
            start,
            end: offset,
            insertText: name + (flag.arg ? ' ' : ''),
            sortText: `${name.startsWith('--') ? '1' : '0'}${String(index).padStart(3, '0')}${name}`,
            kind: 'option',
            ...(flag.deprecated ? { deprecated: true } : {}),
          });
        }
      });
    }
    return out;
  }
  if (prefix.startsWith('gp')) {
    for (const u of UTILITIES.values()) {
      if (!u.name.startsWith(prefix)) continue;
      out.push({
        label: u.name,
        detail: u.summary,
        documentation: utilityDocumentation(u),
        start,
        end: offset,
        insertText: u.name,
        sortText: u.name,
        kind: 'utility',
      });
    }
  }
  return out;
}
