// Mutation fuzzing of every reference capture with a seeded PRNG (reproducible), metamorphic checks
// (padding, line endings and junk lines must not change what is parsed), and linear parse time.
import assert from 'node:assert/strict';
import type { OutputKind } from '../../../src/core/parsers';
import { OUTPUT_KINDS, parseOutput, RESULT_SCHEMAS } from '../../../src/core/parsers';
import { prng } from '../fuzz/generators';
import { allFixtureFiles, readFixture } from './helpers';

type Rand = () => number;
const int = (rand: Rand, n: number): number => Math.floor(rand() * n);
const pickOne = <T>(rand: Rand, items: readonly T[]): T => items[int(rand, items.length)] as T;

const JUNK = [
  '',
  '> y',
  '> ',
  '.....',
  'Do you want to continue with standby master activation? Yy|Nn (default=N):',
  '$ gpstate -f',
  '[gpadmin@mdw ~]$ gpstop -m',
  '# exit code: 2',
  '\tIs the server running on host "localhost" (127.0.0.1) and accepting',
  "') exiting...",
  "20240101:12:00:00:1234567 gpstate:mdw:gpadmin-[CRITICAL]:-gpstate failed. (Reason='boom",
  '20240101:12:00:00:012345 gpstop:mdw:gpadmin-[ERROR]:-gpstop error: weird',
  '20240101:12:00:00:012345 gpinitstandby:mdw:gpadmin-[INFO]:-Successfully created standby master on',
  '20240101:12:00:00:012345 gpactivatestandby:x:y-[DEBUG]:-Running Command: ls',
  '20240101:12:00:00:012345 gpstate:mdw:gpadmin-[WARNING]:-Standby PID = <<<<<<<<',
  '20240101:12:00:00:012345 gpstate:mdw:gpadmin-[INFO]:-   =   = ',
  '20240101:12:00:00:012345 gpstate:mdw:gpadmin-[INFO]:--Sent Location: FFFFFFFF/FFFFFFFF',
  '20240101:12:00:00:012345 gpstate:mdw:gpadmin-[INFO]:--Replay Location: zz/zz',
  'cdw_1   | server shutting down',
  '\u001b[31mred\u001b[0m',
  'x'.repeat(3000),
];

function randomText(rand: Rand, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) {
    const r = rand();
    s +=
      r < 0.7
        ? String.fromCharCode(32 + int(rand, 95))
        : r < 0.9
          ? pickOne(rand, [' = ', '<<<<<<<<', ':', '-[', ']:-', '\r', '\t', '\n'])
          : String.fromCharCode(int(rand, 0x10000));
  }
  return s;
}

const MUTATIONS: ((text: string, rand: Rand) => string)[] = [
  // cut: a prefix, a suffix or a middle slice
  (t, r) => {
    const a = int(r, t.length + 1);
    const b = a + int(r, t.length - a + 1);
    return t.slice(a, b);
  },
  (t, r) => t.slice(0, int(r, t.length + 1)),
  // shuffled lines
  (t, r) => {
    const lines = t.split('\n');
    for (let i = lines.length - 1; i > 0; i--) {
      const j = int(r, i + 1);
      [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
    }
    return lines.join('\n');
  },
  // a few lines swapped or deleted
  (t, r) => {
    const lines = t.split('\n');
    for (let k = 0; k < 3 && lines.length > 1; k++) lines.splice(int(r, lines.length), 1);
    return lines.join('\n');
  },
  // widened columns and extra spaces after the prefix
  (t, r) =>
    t
      .replace(/ = /g, () => `${' '.repeat(int(r, 40))} = `)
      .replace(/\]:- {3}/g, () => `]:-${' '.repeat(3 + int(r, 10))}`),
  // CRLF, lone CR, trailing spaces
  t => t.replace(/\n/g, '\r\n'),
  (t, r) =>
    t
      .split('\n')
      .map(l => (r() < 0.1 ? `${l}\r` : r() < 0.1 ? `${l}   ` : l))
      .join('\n'),
  // junk lines inserted
  (t, r) => {
    const lines = t.split('\n');
    for (let k = 0; k < 1 + int(r, 8); k++) lines.splice(int(r, lines.length + 1), 0, pickOne(r, JUNK));
    return lines.join('\n');
  },
  // random bytes overwritten
  (t, r) => {
    const chars = [...t];
    for (let k = 0; k < 1 + int(r, 30) && chars.length; k++)
      chars[int(r, chars.length)] = String.fromCharCode(int(r, 0x10000));
    return chars.join('');
  },
  // random text spliced in
  (t, r) => {
    const at = int(r, t.length + 1);
    return t.slice(0, at) + randomText(r, int(r, 400)) + t.slice(at);
  },
  // the text twice, or joined to another capture
  t => `${t}\n${t}`,
  // answers and wrappers in front of log lines
  (t, r) =>
    t
      .split('\n')
      .map(l => (r() < 0.2 ? pickOne(r, ['> ', '....', 'cdw_1   | ', '>']) + l : l))
      .join('\n'),
  // every line turned into one (no newlines)
  t => t.replace(/\n/g, ' '),
  // prefixes trimmed the way copied transcripts trim them: no date, time and PID, sometimes no program
  (t, r) =>
    t
      .split('\n')
      .map(l => (r() < 0.5 ? l.replace(/^\d{8}:\d{2}:\d{2}:\d{2}:\d{6,} /, '') : l))
      .join('\n'),
  (t, r) =>
    t
      .split('\n')
      .map(l => (r() < 0.5 ? l.replace(/^\d{8}:\d{2}:\d{2}:\d{2}:\d{6,} [^:\s]+:/, '') : l))
      .join('\n'),
];

function checkAllKinds(text: string, context: string): number {
  let recognised = 0;
  for (const kind of OUTPUT_KINDS) {
    let parsed;
    try {
      parsed = parseOutput(kind, text);
    } catch (error) {
      assert.fail(`${context}: parseOutput(${kind}) threw ${String(error)}`);
    }
    if (!parsed.recognized) {
      assert.equal(typeof parsed.reason, 'string');
      assert.ok(parsed.reason.length > 0);
      assert.ok(!parsed.reason.startsWith('internal parser error'), `${context}: ${kind}: ${parsed.reason}`);
      continue;
    }
    recognised++;
    const check = RESULT_SCHEMAS[kind].safeParse(parsed.result);
    assert.ok(
      check.success,
      `${context}: ${kind} result breaks its schema: ${check.success ? '' : check.error.message}`,
    );
    assert.equal(parsed.result.kind, kind);
  }
  return recognised;
}

describe('parser fuzzing (seeded)', function () {
  this.timeout(120000);
  const files = allFixtureFiles();
  const texts = files.map(f => ({ file: f, text: readFixture(f) }));

  it('has the reference captures to mutate', () => {
    assert.ok(texts.length >= 80, `only ${texts.length} fixtures`);
  });

  it('never throws and always satisfies the schemas on 3,000 mutated captures', () => {
    const rand = prng(0x5eed2026);
    let recognised = 0;
    for (let i = 0; i < 3000; i++) {
      const base = pickOne(rand, texts);
      let text = base.text;
      const steps: number[] = [];
      for (let k = 0, n = 1 + int(rand, 3); k < n; k++) {
        const m = int(rand, MUTATIONS.length);
        steps.push(m);
        // The "text twice" mutation sometimes joins another capture instead.
        text = (MUTATIONS[m] as (t: string, r: Rand) => string)(
          k === 0 && m === 10 ? `${text}\n${pickOne(rand, texts).text}` : text,
          rand,
        );
      }
      recognised += checkAllKinds(text, `iteration ${i} (${base.file}, mutations ${steps.join(',')})`);
    }
    // Most mutations keep the text recognisable: the fuzzer exercises the parsers, not only the rejection path.
    assert.ok(recognised > 1500, `only ${recognised} recognised results`);
  });

  it('survives pure noise: random text, binary, huge single lines', () => {
    const rand = prng(42);
    for (let i = 0; i < 300; i++) checkAllKinds(randomText(rand, int(rand, 5000)), `noise ${i}`);
    for (const text of [
      '',
      '\n',
      '\r\n\r\n',
      '\u0000'.repeat(1000),
      ' = '.repeat(10000),
      '<<<<<<<<'.repeat(5000),
      '> '.repeat(10000),
      '.'.repeat(100000),
    ]) {
      checkAllKinds(text, `special ${JSON.stringify(text.slice(0, 10))}`);
    }
  });

  // Metamorphic: column widths, line endings and unknown lines must not change the parsed facts.
  const IGNORED = new Set(['unparsedLines', 'errorMessage', 'problems']);
  const facts = (result: object): Record<string, unknown> =>
    Object.fromEntries(Object.entries(result).filter(([k]) => !IGNORED.has(k)));

  it('gives the same facts with widened columns, CRLF line endings and inserted junk lines', () => {
    const rand = prng(7);
    let compared = 0;
    for (const { file, text } of texts) {
      for (const kind of OUTPUT_KINDS as readonly OutputKind[]) {
        const original = parseOutput(kind, text);
        if (!original.recognized) continue;
        const widened = text.replace(/ = /g, () => `${' '.repeat(1 + int(rand, 30))} = `);
        const crlf = text.replace(/\n/g, '\r\n');
        const lines = text.split('\n');
        for (let k = 0; k < 5; k++)
          lines.splice(1 + int(rand, lines.length), 0, `JUNK ${int(rand, 1e9)} not a utility line`);
        const junk = lines.join('\n');
        for (const [name, variant] of [
          ['widened', widened],
          ['crlf', crlf],
          ['junk', junk],
        ] as const) {
          const again = parseOutput(kind, variant);
          assert.ok(again.recognized, `${file} ${kind} ${name}: no longer recognised`);
          assert.deepEqual(facts(again.result), facts(original.result), `${file} ${kind} ${name}`);
          compared++;
        }
        assert.deepEqual(
          parseOutput(kind, text.replace(/\n/g, '\r\n')),
          original.recognized ? parseOutput(kind, crlf) : original,
        );
      }
    }
    assert.ok(compared > 150, `only ${compared} comparisons`);
  });
});

// Time is not asserted here (a shared machine makes any threshold flaky): `npm run bench -- parsers` measures the
// linearity of these same shapes, and test/unit/security/redos.test.ts proves no pattern can backtrack.
describe('large and worst-case inputs are parsed', function () {
  this.timeout(120000);

  /** Parses the input at n and 8n: both answer with a result, the same recognition at either size. */
  function assertLinear(kind: OutputKind, build: (n: number) => string, n: number): void {
    const small = parseOutput(kind, build(n));
    const large = parseOutput(kind, build(8 * n));
    assert.equal(large.recognized, small.recognized, `${kind}: recognised at ${n} but not at ${8 * n}, or the reverse`);
  }

  it('on many concatenated runs of real captures', () => {
    const f = readFixture('gp6-lab-capture/82-gpstate-f-after-gpstart.txt');
    const s = readFixture('gp6-lab-capture/03-gpstate-s.txt');
    const g = readFixture('gp6-lab-capture/30-gpinitstandby-reseed-old-master.txt');
    assertLinear('gpstate-f', n => Array.from({ length: n }, () => f).join('\n'), 60);
    assertLinear('gpstate-s', n => Array.from({ length: n }, () => s).join('\n'), 20);
    assertLinear('gpinitstandby', n => Array.from({ length: n }, () => g).join('\n'), 60);
  });

  it('on one gpstate -s run with thousands of segments', () => {
    const s = readFixture('gp6-lab-capture/03-gpstate-s.txt');
    const head = s.slice(0, s.indexOf('   Segment Info') - 58);
    const block = s.slice(
      s.indexOf('20261126:19:54:30:031708 gpstate:cdw:gpadmin-[INFO]:-   Segment Info'),
      s.indexOf('#----', 200),
    );
    assertLinear('gpstate-s', n => head + block.repeat(n), 100);
  });

  it('on worst-case lines: very long lines, no newlines, many separators and prefixes', () => {
    const prefix = '20240101:12:00:00:012345 gpstate:mdw:gpadmin-[INFO]:-';
    const cases: [OutputKind, (n: number) => string][] = [
      ['gpstate-f', n => `${prefix}${'Standby PID = '.repeat(n)}`],
      ['gpstate-b', n => `${prefix}   ${' '.repeat(n * 20)}= x${' '.repeat(n * 20)}<<<<<<<<`],
      [
        'gpinitstandby',
        n => `20240101:12:00:00:012345 gpinitstandby:h:u-[WARNING]:-Please run ${'gppkg '.repeat(n * 4)}`,
      ],
      [
        'gpstop',
        n =>
          `20240101:12:00:00:012345 gpstop:h:u-[ERROR]:-Failed to kill process 1 for segment ${'Failed to kill process 1 for segment '.repeat(n)}`,
      ],
      ['gpstate-f', n => `${prefix}gpstate failed. (Reason='${"')".repeat(n)}${'\t x\n'.repeat(n)}`],
      ['gpactivatestandby', n => '20240101:12:00:00:'.repeat(n * 2) + '1'.repeat(n * 20)],
      ['gpstate-s', n => '> '.repeat(n * 10) + prefix + 'x'.repeat(n * 10)],
      ['gpstop', n => `$ gpstop ${'gpstop '.repeat(n * 5)}`],
      ['gpinitstandby', n => `${'h'.repeat(n * 10)}:${'u-'.repeat(n * 5)}-[INFO`],
      [
        'gpinitstandby',
        n =>
          Array.from(
            { length: n / 10 },
            (_, i) => `h${i}:u-[INFO]:-Checking for data directory ${'d on '.repeat(20)}`,
          ).join('\n'),
      ],
    ];
    for (const [kind, build] of cases) assertLinear(kind, build, 5000);
  });
});
