// A small shell lexer: enough of POSIX sh to find the coordinator utilities and their arguments in scripts and
// runbooks, with exact offsets. Handles quotes, escapes, line continuations, comments, `;` `&&` `||` `|` `&`,
// redirections, here-documents, and the wrappers that run a command elsewhere (sudo, su -c, ssh host '…', bash -c).

export interface Word {
  /** The word's value after quote removal (approximate for $(…) and `…`, which are kept verbatim). */
  text: string;
  /** Offsets of the word in the analysed text. */
  start: number;
  end: number;
  /** The word is one quoted string: its content lies in [innerStart, innerEnd) and may be re-parsed as a command. */
  quote?: { innerStart: number; innerEnd: number };
  /** The word's text maps 1:1 onto the source (no quotes or escapes), so character offsets inside it are exact. */
  plain: boolean;
}

export interface SimpleCommand {
  words: Word[];
  /** Bodies of the command's here-documents (`ssh cdw <<'EOF'` … `EOF` runs them as commands). */
  heredocs: Array<{ start: number; end: number }>;
}

/** A command the analysis cares about, after unwrapping sudo/ssh/su/env/…: its name word and its arguments. */
export interface Invocation {
  name: string;
  nameWord: Word;
  args: Word[];
  /** End offset of the last word. */
  end: number;
  /** How it was reached, e.g. ['sudo', 'ssh'], for messages. */
  via: string[];
}

const SEPARATORS = new Set([';', '&', '|', '(', ')', '\n']);

/** Splits text[from, to) into simple commands. Never throws; unterminated quotes run to the end. */
export function parseCommands(text: string, from = 0, to = text.length): SimpleCommand[] {
  const commands: SimpleCommand[] = [];
  let cur: SimpleCommand = { words: [], heredocs: [] };
  let pendingRedirect = false;
  const heredocs: Array<{ delim: string; cmd: SimpleCommand }> = [];
  let i = from;
  const finish = (): void => {
    if (cur.words.length) commands.push(cur);
    cur = { words: [], heredocs: [] };
    pendingRedirect = false;
  };
  while (i < to) {
    const c = text[i]!;
    if (c === '\\' && text[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '\\' && text[i + 1] === '\r' && text[i + 2] === '\n') {
      i += 3;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\n') {
      finish();
      i++;
      // Here-document bodies are data, not commands.
      while (heredocs.length && i < to) {
        const { delim, cmd } = heredocs.shift()!;
        const bodyStart = i;
        let bodyEnd = to;
        while (i < to) {
          const eol = text.indexOf('\n', i);
          const lineEnd = eol < 0 || eol > to ? to : eol;
          const line = text.slice(i, lineEnd).replace(/\r$/, '');
          if (line.replace(/^\t+/, '') === delim) {
            bodyEnd = i;
            i = lineEnd + 1;
            break;
          }
          i = lineEnd + 1;
        }
        cmd.heredocs.push({ start: bodyStart, end: Math.min(bodyEnd, to) });
      }
      continue;
    }
    if (c === '#') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 || eol > to ? to : eol;
      continue;
    }
    if (SEPARATORS.has(c)) {
      finish();
      i++;
      continue;
    }
    // Redirections: [n]> [n]>> [n]< &> >& <<[-]DELIM; the target word is not an argument.
    const redir = /^(?:\d*(?:>>|>&|>\||<>|<&|>|<(?!<))|&>>?|<<-?|<<<)/.exec(text.slice(i, Math.min(to, i + 4)));
    if (redir) {
      const op = redir[0];
      i += op.length;
      if (op.endsWith('&') && /^[\d-]/.test(text[i] ?? '')) {
        while (i < to && /[\d-]/.test(text[i]!)) i++;
        continue;
      }
      if (op.startsWith('<<') && op !== '<<<') {
        while (i < to && (text[i] === ' ' || text[i] === '\t')) i++;
        const w = readWord(text, i, to);
        heredocs.push({ delim: w.word.text, cmd: cur });
        i = w.next;
        continue;
      }
      pendingRedirect = true;
      continue;
    }
    const w = readWord(text, i, to);
    i = w.next;
    if (pendingRedirect) {
      pendingRedirect = false;
      continue;
    }
    cur.words.push(w.word);
  }
  finish();
  return commands;
}

function readWord(text: string, start: number, to: number): { word: Word; next: number } {
  let i = start;
  let value = '';
  let plain = true;
  let segments = 0;
  let quote: Word['quote'];
  while (i < to) {
    const c = text[i]!;
    if (
      c === ' ' ||
      c === '\t' ||
      c === '\n' ||
      c === '\r' ||
      SEPARATORS.has(c) ||
      ((c === '>' || c === '<') && i > start)
    )
      break;
    segments++;
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      const end = close < 0 || close >= to ? to : close;
      value += text.slice(i + 1, end);
      quote = { innerStart: i + 1, innerEnd: end };
      plain = false;
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      let inner = '';
      while (j < to && text[j] !== '"') {
        if (text[j] === '\\' && j + 1 < to && '"\\$`\n'.includes(text[j + 1]!)) {
          if (text[j + 1] !== '\n') inner += text[j + 1];
          j += 2;
        } else {
          inner += text[j];
          j++;
        }
      }
      value += inner;
      quote = { innerStart: i + 1, innerEnd: Math.min(j, to) };
      plain = false;
      i = Math.min(j + 1, to);
    } else if (c === '\\') {
      if (text[i + 1] === '\n') {
        i += 2;
        plain = false;
        continue;
      }
      value += text[i + 1] ?? '';
      plain = false;
      i += 2;
    } else if (c === '$' && (text[i + 1] === '(' || text[i + 1] === '{')) {
      const open = text[i + 1]!;
      const close = open === '(' ? ')' : '}';
      let depth = 0;
      let j = i + 1;
      for (; j < to; j++) {
        if (text[j] === open) depth++;
        else if (text[j] === close && --depth === 0) break;
      }
      value += text.slice(i, Math.min(j + 1, to));
      i = Math.min(j + 1, to);
    } else if (c === '`') {
      const close = text.indexOf('`', i + 1);
      const end = close < 0 || close >= to ? to : close + 1;
      value += text.slice(i, end);
      i = end;
    } else {
      value += c;
      i++;
    }
  }
  if (segments !== 1) quote = undefined;
  return {
    word: { text: value, start, end: Math.min(i, to), plain, ...(quote ? { quote } : {}) },
    next: Math.max(i, start + 1),
  };
}

const basename = (w: string): string => w.slice(w.lastIndexOf('/') + 1);

/** Options of sudo that take a value. */
const SUDO_ARG = new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-T', '-R']);
/** Options of ssh that take a value. */
const SSH_ARG = new Set('BbcDEeFIiJLlmOoPpQRSWw'.split('').map(c => '-' + c));

/**
 * Every invocation in text[from, to), looking through wrappers: `VAR=x cmd`, `sudo [-u user] cmd`, `env`, `time`,
 * `nohup`, `exec`, `command`, `su - user -c 'cmd'`, `bash -c 'cmd'`, `ssh [opts] host 'cmd'` and `ssh host cmd args`.
 */
export function findInvocations(text: string, from = 0, to = text.length, depth = 0): Invocation[] {
  const out: Invocation[] = [];
  for (const cmd of parseCommands(text, from, to)) unwrap(text, cmd, [], out, depth);
  return out;
}

/** Words that start a compound command or a list; the command proper follows them. */
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'while', 'until', 'do', '!', '{']);

function unwrap(text: string, cmd: SimpleCommand, via: string[], out: Invocation[], depth: number): void {
  let words = cmd.words;
  let k = 0;
  /** The here-document bodies of an ssh or shell that reads its commands from stdin. */
  const stdinCommands = (how: string): void => {
    if (depth > 4) return;
    for (const h of cmd.heredocs)
      out.push(
        ...findInvocations(text, h.start, h.end, depth + 1).map(inv => ({ ...inv, via: [...via, how, ...inv.via] })),
      );
  };
  const nested = (w: Word | undefined, how: string): void => {
    if (!w || depth > 4) return;
    if (w.quote)
      out.push(
        ...findInvocations(text, w.quote.innerStart, w.quote.innerEnd, depth + 1).map(inv => ({
          ...inv,
          via: [...via, how, ...inv.via],
        })),
      );
    else
      out.push(
        ...findInvocations(text, w.start, w.end, depth + 1).map(inv => ({ ...inv, via: [...via, how, ...inv.via] })),
      );
  };
  for (;;) {
    while (k < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[k]!.text)) k++;
    const w = words[k];
    if (!w) return;
    const name = basename(w.text);
    if (RESERVED.has(w.text)) {
      k++;
      continue;
    }
    if (name === 'timeout' || name === 'watch' || name === 'nice' || name === 'xargs') {
      k++;
      // Their options, some with a value (timeout -s SIG, -k 5; watch -n 2; nice -n 10), then timeout's duration.
      while (k < words.length && words[k]!.text.startsWith('-'))
        k += /^-[sknd]$/.test(words[k]!.text) || words[k]!.text === '--signal' ? 2 : 1;
      if (name === 'timeout') k++;
      continue;
    }
    if (name === 'sudo') {
      via = [...via, 'sudo'];
      k++;
      while (k < words.length && words[k]!.text.startsWith('-')) {
        const opt = words[k]!.text;
        k++;
        if (opt === '--') break;
        if (SUDO_ARG.has(opt)) k++;
      }
      continue;
    }
    if (name === 'env') {
      k++;
      while (k < words.length && words[k]!.text.startsWith('-')) k += words[k]!.text === '-u' ? 2 : 1;
      continue;
    }
    if (name === 'time' || name === 'nohup' || name === 'exec' || name === 'command' || name === 'builtin') {
      k++;
      while (k < words.length && words[k]!.text.startsWith('-')) k++;
      continue;
    }
    if (name === 'su' || name === 'runuser') {
      for (let j = k + 1; j < words.length; j++) {
        const t = words[j]!.text;
        if (t === '-c' || t === '--command') return nested(words[j + 1], name);
        if (t.startsWith('--command=')) return nested(words[j], name);
      }
      return stdinCommands(name);
    }
    if (name === 'bash' || name === 'sh' || name === 'dash' || name === 'zsh' || name === 'ksh') {
      for (let j = k + 1; j < words.length; j++) {
        const t = words[j]!.text;
        if (/^-[a-z]+$/.test(t) && t.includes('c')) return nested(words[j + 1], name);
        if (!t.startsWith('-')) return;
      }
      return stdinCommands(name);
    }
    if (name === 'ssh') {
      let j = k + 1;
      while (j < words.length && words[j]!.text.startsWith('-')) {
        const opt = words[j]!.text;
        j++;
        if (opt === '--') break;
        if (SSH_ARG.has(opt)) j++;
      }
      j++; // the destination host
      const rest = words.slice(j);
      if (rest.length === 1 && rest[0]!.quote) return nested(rest[0], 'ssh');
      if (rest.length) {
        via = [...via, 'ssh'];
        words = rest;
        k = 0;
        continue;
      }
      return stdinCommands('ssh');
    }
    out.push({ name, nameWord: w, args: words.slice(k + 1), end: words[words.length - 1]!.end, via });
    return;
  }
}
