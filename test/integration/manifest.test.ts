// The manifest follows VS Code's conventions for an extension that runs commands on remote hosts: workspace trust
// (procedures and terminals only in trusted workspaces, the settings that redirect ssh or the audit log restricted),
// virtual workspaces, where it runs under Remote-SSH, the inventory's YAML schema and the "Greenplum host" terminal
// profile. Read from the extension as VS Code loaded it.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { extension } from './helpers';

interface MenuEntry {
  command: string;
  when?: string;
}
interface Manifest {
  extensionKind?: string[];
  capabilities?: {
    untrustedWorkspaces?: { supported: boolean | string; description?: string; restrictedConfigurations?: string[] };
    virtualWorkspaces?: boolean | { supported: boolean | string; description?: string };
  };
  contributes: {
    commands: Array<{ command: string }>;
    menus: Record<string, MenuEntry[]>;
    configuration: { properties: Record<string, { scope?: string }> };
    terminal?: { profiles?: Array<{ id: string; title: string }> };
    yamlValidation?: Array<{ fileMatch: string | string[]; url: string }>;
  };
}

/** Commands that only read (saved outputs, the panel, the audit log, the inventory file): usable in Restricted Mode. */
const READ_ONLY = new Set(
  [
    'addCluster',
    'showPanel',
    'openGpstateOutput',
    'forgetCredentials',
    'showAuditLog',
    'refresh',
    'exportIncidentReport',
  ].map(c => `greenplumCoordinator.${c}`),
);

suite('Manifest conventions', () => {
  const manifest = (): Manifest => extension().packageJSON as Manifest;

  test('workspace trust is limited and restricts every machine-overridable setting that points at a file', () => {
    const trust = manifest().capabilities?.untrustedWorkspaces;
    assert.ok(trust, 'capabilities.untrustedWorkspaces is missing');
    assert.strictEqual(trust.supported, 'limited');
    assert.ok(
      trust.description && !trust.description.startsWith('%'),
      'the trust description was not localised from package.nls.json',
    );
    const overridable = Object.entries(manifest().contributes.configuration.properties)
      .filter(([, p]) => p.scope === 'machine-overridable')
      .map(([k]) => k)
      .sort();
    assert.deepStrictEqual([...(trust.restrictedConfigurations ?? [])].sort(), overridable);
    assert.deepStrictEqual(overridable, [
      'greenplumCoordinator.auditLogPath',
      'greenplumCoordinator.inventoryPaths',
      'greenplumCoordinator.sshConfigPath',
    ]);
  });

  test('every command that reaches a host is hidden in untrusted workspaces, in each menu and the palette', () => {
    const { commands, menus } = manifest().contributes;
    const hostCommands = commands.map(c => c.command).filter(id => !READ_ONLY.has(id));
    for (const needed of ['restoreMirroring', 'returnToOriginalHost', 'checkMirroring', 'openTerminal'])
      assert.ok(hostCommands.includes(`greenplumCoordinator.${needed}`), needed);
    const unguarded: string[] = [];
    for (const [menu, entries] of Object.entries(menus)) {
      for (const e of entries)
        if (hostCommands.includes(e.command) && !/\bisWorkspaceTrusted\b/.test(e.when ?? ''))
          unguarded.push(`${menu}: ${e.command}`);
    }
    for (const id of hostCommands)
      if (!menus.commandPalette?.some(e => e.command === id)) unguarded.push(`commandPalette: ${id} (no entry)`);
    assert.deepStrictEqual(unguarded, []);
    // Read-only commands stay available: none of their menu entries asks for trust.
    const overGuarded = Object.values(menus)
      .flat()
      .filter(e => READ_ONLY.has(e.command) && /isWorkspaceTrusted/.test(e.when ?? ''))
      .map(e => e.command);
    assert.deepStrictEqual(overGuarded, []);
  });

  test('virtual workspaces, the extension kind, the YAML schema and the terminal profile are declared', () => {
    const m = manifest();
    const virtual = m.capabilities?.virtualWorkspaces;
    assert.ok(
      typeof virtual === 'object' && virtual.supported === 'limited' && virtual.description,
      'capabilities.virtualWorkspaces must be limited with a description',
    );
    assert.deepStrictEqual(m.extensionKind, ['workspace']);
    const yaml = m.contributes.yamlValidation ?? [];
    assert.ok(
      yaml.some(
        v =>
          [v.fileMatch].flat().includes('greenplum-clusters.yaml') &&
          v.url === './schemas/greenplum-clusters.schema.json',
      ),
      JSON.stringify(yaml),
    );
    const schema = path.join(extension().extensionPath, 'schemas', 'greenplum-clusters.schema.json');
    assert.ok(JSON.parse(fs.readFileSync(schema, 'utf8')).$schema, `${schema} is not a JSON Schema`);
    assert.deepStrictEqual(
      m.contributes.terminal?.profiles?.map(p => [p.id, p.title]),
      [['greenplumCoordinator.hostTerminal', 'Greenplum host']],
    );
  });
});
