import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { absolutePathSchema, hostSchema } from '../../../src/core/inventory';
import { editDistance, nearest } from '../../../src/language-server/edit-distance';
import type { Finding } from '../../../src/language-server/findings';
import { analyzeInventory } from '../../../src/language-server/inventory/analyze';
import { inventoryCompletions, inventoryHover } from '../../../src/language-server/inventory/assist';
import { yamlContextAt } from '../../../src/language-server/inventory/context';
import { KEY_DOCS, SCHEMA_KEYS } from '../../../src/language-server/inventory/keys';
import { buildInventoryJsonSchema, inventoryJsonSchemaText } from '../../../src/language-server/inventory-schema';
import { readSshHosts, SshConfigCache, sshKnows } from '../../../src/language-server/ssh-config';

const FIXTURES = resolve(__dirname, '../../fixtures/workspace/language');
const SSH_CONFIG = join(FIXTURES, 'ssh_config');
const ssh = () => readSshHosts(SSH_CONFIG);
const spots = (text: string, findings: Finding[]): string[] =>
  findings.map(f => `${f.code} ${text.slice(f.start, f.end)}`);

const GOOD = `version: 1
clusters:
  prod:
    dataDirectory: /data/coordinator/gpseg-1
    port: 5432
    hosts:
      - name: cdw
        ssh: cdw
        role: coordinator
      - name: scdw
        ssh: scdw
`;

describe('inventory diagnostics', () => {
  it('finds nothing in a good inventory', () => {
    assert.deepEqual(analyzeInventory(GOOD, { sshHosts: ssh }), []);
  });

  it('reports schema problems at the offending value or key, with a fix for a misspelled key', () => {
    const text = GOOD.replace('/data/coordinator/gpseg-1', 'data/coordinator/gpseg-1').replace(
      'port: 5432',
      'prot: 5432',
    );
    const findings = analyzeInventory(text, { sshHosts: ssh });
    assert.deepEqual(spots(text, findings).sort(), ['schema data/coordinator/gpseg-1', 'unknown-key prot']);
    const unknown = findings.find(f => f.code === 'unknown-key')!;
    assert.match(unknown.message, /did you mean "port"\?/);
    assert.deepEqual(unknown.fixes, [
      { title: 'Change "prot" to "port"', start: unknown.start, end: unknown.end, newText: 'port', preferred: true },
    ]);
    assert.match(findings.find(f => f.code === 'schema')!.message, /absolute path/);
  });

  it('suggests a key of the right level only', () => {
    const text = GOOD.replace('        ssh: scdw', '        sshport: 22');
    const [f] = analyzeInventory(text);
    assert.match(f!.message, /in a host: did you mean "sshPort"/);
    const far = analyzeInventory(GOOD.replace('        ssh: scdw', '        zzzzzz: 22'))[0]!;
    assert.equal(far.fixes, undefined, 'no fix when nothing is close');
    assert.match(far.message, /Valid keys: name, role, ssh/);
  });

  it('offers the nearest enum value for a misspelled role', () => {
    const text = GOOD.replace('role: coordinator', 'role: coordinatr');
    const [f] = analyzeInventory(text);
    assert.equal(text.slice(f!.start, f!.end), 'coordinatr');
    assert.equal(f!.fixes?.[0]?.newText, 'coordinator');
  });

  it('reports ports out of range and a missing required key at the cluster name', () => {
    const text = GOOD.replace('port: 5432', 'port: 70000').replace(
      '    dataDirectory: /data/coordinator/gpseg-1\n',
      '',
    );
    const findings = analyzeInventory(text);
    assert.deepEqual(spots(text, findings).sort(), ['schema 70000', 'schema prod']);
    assert.match(findings.find(f => text.slice(f.start, f.end) === 'prod')!.message, /required, add "dataDirectory:"/);
  });

  it('reports a duplicate cluster without hiding the other problems', () => {
    const text = GOOD + `  prod:\n    dataDirectory: relative\n    hosts:\n      - name: a\n      - name: b\n`;
    const findings = analyzeInventory(text);
    const dup = findings.find(f => f.code === 'duplicate-cluster')!;
    assert.equal(dup.start, text.lastIndexOf('prod:'));
    assert.match(dup.message, /Cluster "prod" is defined twice \(first on line 3\)/);
    const rel = findings.find(f => text.slice(f.start, f.end) === 'relative')!;
    assert.match(rel.message, /^clusters\.prod\.dataDirectory: must be an absolute path/);
  });

  it('reports a host listed twice in one cluster', () => {
    const text = GOOD.replace('name: scdw', 'name: cdw');
    const f = analyzeInventory(text).find(x => x.message.includes('listed twice'))!;
    assert.equal(text.slice(f.start, f.end), 'cdw');
    assert.equal(f.start, text.lastIndexOf('name: cdw') + 6);
  });

  it('reports coordinator and standby on the same machine with the same directory and port', () => {
    const text = GOOD.replace('ssh: scdw', 'ssh: cdw');
    const findings = analyzeInventory(text, { sshHosts: ssh });
    assert.deepEqual(spots(text, findings), ['same-instance cdw']);
    assert.match(findings[0]!.message, /cannot share them/);
    // Different aliases for the same HostName are the same machine too.
    const viaAlias = GOOD.replace('ssh: cdw', 'ssh: scdw-alias');
    assert.deepEqual(spots(viaAlias, analyzeInventory(viaAlias, { sshHosts: ssh })), ['same-instance scdw']);
    // A different port makes them two instances.
    const ok = text.replace('      - name: scdw\n', '      - name: scdw\n        port: 5433\n');
    assert.deepEqual(analyzeInventory(ok, { sshHosts: ssh }), []);
  });

  it('finds the same semantic problems in a valid file as in one with schema errors elsewhere', () => {
    // A valid file is checked from its validated values, an invalid one from its document: they must agree.
    const valid =
      GOOD.replace('ssh: scdw', 'ssh: cdw') +
      GOOD.split('\n').slice(2).join('\n').replace('prod:', 'copy:').replace('ssh: scdw', 'ssh: scwd');
    const invalid = valid.replace('version: 1', 'version: 1\nextra: true');
    const semantic = (text: string) =>
      analyzeInventory(text, { sshHosts: ssh })
        .filter(f => f.code !== 'unknown-key')
        .map(f => `${f.code} ${text.slice(f.start, f.end)} ${f.message}`);
    const a = semantic(valid);
    assert.deepEqual(
      a.map(x => x.split(' ').slice(0, 2).join(' ')).sort(),
      ['instance-in-two-clusters cdw', 'same-instance cdw', 'ssh-alias-unknown scwd'].sort(),
    );
    assert.deepEqual(semantic(invalid), a);
  });

  it('warns about the same instance listed in two clusters', () => {
    const text = GOOD + GOOD.split('\n').slice(2).join('\n').replace('prod:', 'copy:');
    assert.deepEqual(spots(text, analyzeInventory(text, { sshHosts: ssh })).sort(), [
      'instance-in-two-clusters cdw',
      'instance-in-two-clusters scdw',
    ]);
  });

  it('warns about an ssh alias missing from the ssh config, with the nearest alias as fix', () => {
    const text = GOOD.replace('ssh: scdw', 'ssh: scwd');
    const [f] = analyzeInventory(text, { sshHosts: ssh });
    assert.equal(f!.code, 'ssh-alias-unknown');
    assert.equal(f!.severity, 'warning');
    assert.equal(text.slice(f!.start, f!.end), 'scwd');
    assert.equal(f!.fixes?.[0]?.newText, 'scdw');
    // Aliases from an included file and wildcard patterns count; dotted host names are left alone.
    for (const target of ['bastion', 'db1.lab.internal', 'scdw.example.com'])
      assert.deepEqual(analyzeInventory(GOOD.replace('ssh: scdw', `ssh: ${target}`), { sshHosts: ssh }), [], target);
  });

  it('reads the ssh config only when a check needs it, and once per check', () => {
    let reads = 0;
    const counted = () => {
      reads++;
      return ssh();
    };
    const distinct = GOOD.replace(/ {8}ssh: \w+\n/g, '').replace(
      '      - name: scdw\n',
      '      - name: scdw\n        port: 5433\n',
    );
    analyzeInventory(distinct, { sshHosts: counted });
    assert.equal(reads, 0);
    analyzeInventory(GOOD, { sshHosts: counted });
    assert.equal(reads, 1);
  });

  it('resolves host names without ssh: through the ssh config too', () => {
    // "other" reaches scdw's HostName through the scdw-alias section; "scdw" has no ssh: but Host scdw applies.
    const text = GOOD.replace('name: cdw\n        ssh: cdw', 'name: other\n        ssh: scdw-alias').replace(
      '        ssh: scdw\n',
      '',
    );
    assert.deepEqual(spots(text, analyzeInventory(text, { sshHosts: ssh })), ['same-instance scdw']);
    assert.match(analyzeInventory(text, { sshHosts: ssh })[0]!.message, /same host \(127\.0\.10\.2\)/);
  });

  it('reports an alias bomb as a problem instead of failing', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      levels.push(
        `l${i}: &l${i} [${Array(10)
          .fill(i === 1 ? '*a' : `*l${i - 1}`)
          .join(', ')}]`,
      );
    const findings = analyzeInventory(levels.join('\n') + '\n', { sshHosts: ssh });
    assert.ok(findings.length >= 1);
    assert.ok(findings.every(f => f.severity === 'error' || f.severity === 'warning'));
    assert.ok(
      findings.some(f => /alias|cannot be read|unknown key/i.test(f.message)),
      JSON.stringify(findings.map(f => f.message)),
    );
  });

  it('reports YAML syntax errors', () => {
    const [f] = analyzeInventory('clusters:\n  prod: [\n');
    assert.equal(f!.code, 'yaml-syntax');
    assert.match(f!.message, /YAML syntax/);
  });

  it('checks a 200-cluster inventory in linear time', () => {
    const one = (i: number) =>
      `  c${i}:\n    dataDirectory: /data/coordinator/gpseg-1\n    hosts:\n      - name: h${i}a\n        ssh: cdw\n      - name: h${i}b\n        ssh: scwd\n`;
    const text = 'clusters:\n' + Array.from({ length: 200 }, (_, i) => one(i)).join('');
    const findings = analyzeInventory(text, { sshHosts: ssh });
    // Every cluster: the unknown alias; and both hosts reach the same machines, directory and port as cluster c0's.
    assert.equal(findings.filter(f => f.code === 'ssh-alias-unknown').length, 200);
    assert.equal(findings.filter(f => f.code === 'instance-in-two-clusters').length, 2 * 199);
    assert.equal(findings.length, 200 + 2 * 199);
  });
});

describe('inventory context, completion and hover', () => {
  const text = `clusters:
  prod:
    dataDirectory: /data/coordinator/gpseg-1
    hosts:
      - name: cdw
        ssh: c
      - name: scdw
        ro
    
`;
  it('knows the level at every line', () => {
    assert.equal(yamlContextAt(text, text.indexOf('ssh: c') + 6).level, 'host');
    assert.equal(yamlContextAt(text, text.indexOf('  ro') + 4).level, 'host');
    assert.equal(yamlContextAt(text, text.length - 1).level, 'cluster');
    assert.equal(yamlContextAt(text, 3).level, 'top');
    assert.equal(yamlContextAt(text, text.indexOf('prod') + 2).level, 'clusters');
  });

  it('completes host keys not yet used, with documentation', () => {
    const items = inventoryCompletions(text, text.indexOf('  ro') + 4, ssh);
    const labels = items.map(i => i.label);
    assert.ok(labels.includes('role') && labels.includes('sshPort'), labels.join());
    assert.ok(!labels.includes('name'), 'name is already there');
    assert.ok(
      !labels.includes('dataDirectory') ||
        items.find(i => i.label === 'dataDirectory')!.documentation.includes('This host'),
    );
    const role = items.find(i => i.label === 'role')!;
    assert.equal(role.insertText, 'role: ${1|coordinator,standby|}');
    assert.match(role.documentation, /Original Host/);
  });

  it('keeps the dash of a new sequence item when completing its first key', () => {
    const doc = 'clusters:\n  prod:\n    hosts:\n      - name: cdw\n      -';
    const items = inventoryCompletions(doc, doc.length, ssh);
    const name = items.find(i => i.label === 'name')!;
    assert.equal(name.start, doc.length, 'nothing before the cursor is replaced');
    assert.equal(name.insertText, ' name: ${1}');
    const spaced = doc + ' ';
    assert.equal(
      inventoryCompletions(spaced, spaced.length, ssh).find(i => i.label === 'name')!.insertText,
      'name: ${1}',
    );
  });

  it('completes cluster keys at cluster level', () => {
    const labels = inventoryCompletions(text, text.length - 1, ssh).map(i => i.label);
    assert.deepEqual(labels, [
      'description',
      'vocabulary',
      'product',
      'release',
      'gphome',
      'environmentScript',
      'port',
    ]);
  });

  it('completes ssh aliases at ssh: and name: values, from the config and its includes', () => {
    const at = text.indexOf('ssh: c') + 6;
    const items = inventoryCompletions(text, at, ssh);
    assert.deepEqual(
      items.map(i => i.label),
      ['cdw', 'scdw', 'scdw-alias', 'bastion'],
    );
    assert.equal(items[0]!.detail, 'ssh: HostName 127.0.10.1, User gpadmin, Port 2222');
    assert.equal(items[0]!.start, at - 1);
    const nameAt = text.indexOf('name: scdw') + 6;
    assert.ok(inventoryCompletions(text, nameAt, ssh).some(i => i.label === 'bastion'));
  });

  it('offers a cluster skeleton under clusters: and the values of enum keys', () => {
    const doc = 'version: 1\nclusters:\n  \n';
    const [skeleton] = inventoryCompletions(doc, doc.indexOf('  \n') + 2, ssh);
    assert.equal(skeleton!.label, 'new cluster');
    assert.ok(skeleton!.snippet);
    assert.match(skeleton!.insertText, /^\$\{1:prod\}:\n {4}dataDirectory: \$\{2:\/data\/coordinator\/gpseg-1\}\n/);
    assert.deepEqual(
      inventoryCompletions('version: ', 9, ssh).map(i => i.label),
      ['1'],
    );
    const v = 'clusters:\n  prod:\n    vocabulary: m\n';
    assert.deepEqual(
      inventoryCompletions(v, v.indexOf(': m') + 3, ssh).map(i => i.label),
      ['auto', 'master', 'coordinator'],
    );
  });

  it('documents every key on hover', () => {
    const h = inventoryHover(text, text.indexOf('dataDirectory') + 2, ssh)!;
    assert.equal(text.slice(h.start, h.end), 'dataDirectory');
    assert.match(h.markdown, /\*\*dataDirectory\*\* \(cluster, required\)/);
    const s = inventoryHover(text, text.indexOf('ssh: c') + 1, ssh)!;
    assert.match(s.markdown, /\*\*ssh\*\* \(host, optional\)/);
  });

  it('has documentation for every key of the schema, and none for keys it lacks', () => {
    for (const level of ['top', 'cluster', 'host'] as const) {
      assert.deepEqual(Object.keys(KEY_DOCS[level]).sort(), [...SCHEMA_KEYS[level]].sort(), level);
    }
  });
});

describe('ssh config', () => {
  it('reads aliases, their HostName/User/Port, wildcard patterns and included files', () => {
    const h = ssh();
    assert.equal(h.found, true);
    assert.deepEqual(
      h.hosts.map(x => x.alias),
      ['cdw', 'scdw', 'scdw-alias', 'bastion'],
    );
    assert.equal(h.hosts[3]!.hostName, '127.0.10.9');
    assert.deepEqual(h.patterns, ['*.lab.internal']);
    assert.equal(h.files.length, 2);
    assert.ok(sshKnows(h, 'x.lab.internal') && !sshKnows(h, 'nothere'));
  });

  it('survives a missing file and re-reads a changed one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gpcoord-ssh-'));
    const file = join(dir, 'config');
    assert.equal(readSshHosts(file).found, false);
    writeFileSync(file, 'Host one\n  HostName 10.0.0.1\n');
    const cache = new SshConfigCache(file);
    assert.deepEqual(
      cache.get(0).hosts.map(x => x.alias),
      ['one'],
    );
    writeFileSync(file, 'Host one two\n');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    assert.deepEqual(
      cache.get(500).hosts.map(x => x.alias),
      ['one'],
      'not checked again within a second',
    );
    assert.deepEqual(
      cache.get(2000).hosts.map(x => x.alias),
      ['one', 'two'],
    );
  });
});

describe('JSON Schema', () => {
  it('the committed schemas/greenplum-clusters.schema.json is the generated one (regenerate: npx tsx src/language-server/generate-schema.ts)', () => {
    const committed = readFileSync(resolve(__dirname, '../../../schemas/greenplum-clusters.schema.json'), 'utf8');
    assert.equal(committed, inventoryJsonSchemaText());
  });

  it('documents keys and agrees with zod on paths and user names', () => {
    const schema = buildInventoryJsonSchema() as {
      properties: {
        clusters: {
          additionalProperties: {
            properties: Record<
              string,
              { pattern?: string; description?: string; items?: { properties: Record<string, { pattern?: string }> } }
            >;
          };
        };
      };
    };
    const cluster = schema.properties.clusters.additionalProperties.properties;
    assert.match(cluster.dataDirectory!.description!, /coordinator data directory/);
    const pathPattern = new RegExp(cluster.dataDirectory!.pattern!);
    for (const p of ['/data/coordinator/gpseg-1', 'data/x', '/data/../etc', '/data/x/', '/a\nb', '/', '/..', '/a..b']) {
      assert.equal(pathPattern.test(p), absolutePathSchema.safeParse(p).success, p);
    }
    const userPattern = new RegExp(cluster.hosts!.items!.properties.user!.pattern!);
    for (const u of ['gpadmin', 'GPAdmin', '1x', 'a b'])
      assert.equal(userPattern.test(u), hostSchema.shape.user.safeParse(u).success, u);
    assert.equal(typeof z.toJSONSchema, 'function');
  });
});

describe('edit distance', () => {
  it('counts insertions, deletions, substitutions and transpositions', () => {
    assert.equal(editDistance('prot', 'port'), 1);
    assert.equal(editDistance('dataDirectory', 'datadirectory'), 0);
    assert.equal(editDistance('abc', ''), 3);
  });

  it('refuses to guess between two equally near candidates', () => {
    assert.equal(nearest('hos', ['host', 'hose']), undefined);
    assert.equal(nearest('sshprt', ['sshPort', 'ssh']), 'sshPort');
  });
});
