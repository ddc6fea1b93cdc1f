// Every regular expression written in the source, found with the TypeScript parser: literals (`/…/flags`) and
// `new RegExp(…)`/`RegExp(…)` calls, with where they are. A call whose pattern is not a string literal cannot be
// checked statically and is reported as dynamic.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface SourceRegex {
  file: string;
  line: number;
  /** The pattern, or null for a RegExp built at run time. */
  source: string | null;
  flags: string;
}

const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap(d =>
    d.isDirectory() ? walk(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );

function literalText(node: ts.Node | undefined): string | undefined {
  if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) return node.text;
  return undefined;
}

export function regexesIn(root: string, dirs: readonly string[]): SourceRegex[] {
  const out: SourceRegex[] = [];
  for (const file of dirs.flatMap(d => walk(join(root, d))).sort()) {
    const text = readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const rel = relative(root, file);
    const lineOf = (n: ts.Node): number => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
    const visit = (n: ts.Node): void => {
      if (n.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const t = n.getText(sf);
        const end = t.lastIndexOf('/');
        out.push({ file: rel, line: lineOf(n), source: t.slice(1, end), flags: t.slice(end + 1) });
      } else if (
        (ts.isNewExpression(n) || ts.isCallExpression(n)) &&
        ts.isIdentifier(n.expression) &&
        n.expression.text === 'RegExp'
      ) {
        const pattern = literalText(n.arguments?.[0]);
        out.push({ file: rel, line: lineOf(n), source: pattern ?? null, flags: literalText(n.arguments?.[1]) ?? '' });
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}
