// Markdown runbooks: the shell code of fenced ```bash / sh / shell / console blocks, at its original offsets.

const SHELL_INFO = /^(?:bash|sh|shell|zsh|console|shell-session|shellsession|terminal)$/i;
const CONSOLE_INFO = /^(?:console|shell-session|shellsession|terminal)$/i;
/** A prompt at the start of a console line: `$ `, `# `, `gpadmin@cdw:~$ `, `[gpadmin@cdw ~]$ `. */
const PROMPT = /^[ \t]*(?:\[[^\]\n]*\][ \t]*|[\w.@~:/-]+[ \t]*)?[$#%][ \t]+/;

/** An opening fence: up to three spaces, then three or more backticks or tildes. */
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;

/** A closing fence: up to three spaces, at least as many of the opening's character, then only blanks. */
function closesFence(line: string, marker: string): boolean {
  let i = 0;
  while (i < 3 && line[i] === ' ') i++;
  let run = 0;
  while (line[i + run] === marker[0]) run++;
  if (run < marker.length) return false;
  return /^[ \t]*\r?$/.test(line.slice(i + run));
}

/**
 * Returns a text of the same length as `text` in which everything that is not shell code is replaced by spaces
 * (newlines kept), so that the shell analysis runs unchanged and its offsets are offsets in the Markdown document.
 * In console blocks only prompted lines (and the continuation lines of a command ending in `\`) are code.
 */
export function maskMarkdown(text: string): string {
  const out: string[] = [];
  const lines = text.split('\n');
  let fence: { marker: string; console: boolean; shell: boolean } | undefined;
  let continued = false;
  const blank = (line: string): string => line.replace(/[^\r]/g, ' ');
  for (const line of lines) {
    if (!fence) {
      const m = FENCE_OPEN.exec(line);
      if (m) {
        // The info string's first word; the rest of the line is not matched (a pattern for it backtracks).
        const info = (/^[^\s`{]*/.exec(line.slice(m[0].length).trimStart())?.[0] ?? '').replace(/^\{?\.?/, '');
        fence = { marker: m[1]!, console: CONSOLE_INFO.test(info), shell: SHELL_INFO.test(info) };
        continued = false;
      }
      out.push(blank(line));
      continue;
    }
    if (closesFence(line, fence.marker)) {
      fence = undefined;
      out.push(blank(line));
      continue;
    }
    if (!fence.shell) {
      out.push(blank(line));
      continue;
    }
    if (!fence.console) {
      // A `$ ` prompt pasted into a bash block is not part of the command.
      const p = continued ? null : /^[ \t]*\$[ \t]+/.exec(line);
      out.push(p ? blank(p[0]) + line.slice(p[0].length) : line);
      continued = /\\\r?$/.test(line);
      continue;
    }
    if (continued) {
      const m = /^[ \t]*> /.exec(line);
      out.push(m ? blank(m[0]) + line.slice(m[0].length) : line);
      continued = /\\\r?$/.test(line);
      continue;
    }
    const p = PROMPT.exec(line);
    if (p) {
      out.push(blank(p[0]) + line.slice(p[0].length));
      continued = /\\\r?$/.test(line);
    } else {
      out.push(blank(line));
    }
  }
  return out.join('\n');
}
