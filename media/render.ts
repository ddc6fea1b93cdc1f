// Lays out a StatusSnapshot as DOM nodes. Pure: the result depends only on the snapshot (and the document that
// creates the nodes), and every text goes in through textContent, never as HTML. Elements that carry a fact are
// marked with data-field so their text can be read back (readRendered) by the extension's tests.
import type {
  HostCard,
  Health,
  PanelCommand,
  ProcedureView,
  StatusSnapshot,
  StepView,
} from '../src/extension/panel/protocol';
import { ago, formatTime } from '../src/extension/panel/time';
import { timelineSection } from './timeline';

const HEALTH_SYMBOL: Record<Health, string> = { ok: '✓', warning: '!', error: '✕', unknown: '?' };
const HEALTH_WORD: Record<Health, string> = {
  ok: 'Healthy',
  warning: 'Needs attention',
  error: 'Problem',
  unknown: 'Unknown',
};
const COMMAND_LABEL: Record<PanelCommand, string> = {
  openGpstateOutput: 'Open another gpstate output…',
  checkMirroring: 'Check again',
  restoreMirroring: 'Restore Coordinator Mirroring…',
  returnToOriginalHost: 'Return Coordinator to Original Host…',
  showAuditLog: 'Show Audit Log',
  addCluster: 'Add Cluster…',
  activateStandby: 'Activate the Standby…',
  startStandby: 'Start the Standby…',
  rebuildStandby: 'Rebuild the Standby…',
  dryRun: 'Dry Run…',
  dismissProcedure: 'Dismiss',
};

type Child = Node | string | null | undefined | false;

function el<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    node.append(typeof c === 'string' ? doc.createTextNode(c) : c);
  }
  return node;
}

/**
 * Text that wraps only where a reader expects it: a command at its spaces, a path after its slashes. Each piece is
 * kept whole (CSS .unbroken), so "gpseg-1" or "--standby-host" never splits at a hyphen; copying gives the same text.
 */
function unbroken(doc: Document, text: string, breakAfterSlash: boolean): DocumentFragment {
  const fragment = doc.createDocumentFragment();
  for (const piece of text.split(breakAfterSlash ? /(?<=[/ ])/ : /(?<= )/)) {
    fragment.append(el(doc, 'span', { class: 'unbroken' }, piece), el(doc, 'wbr'));
  }
  return fragment;
}

/** " · 12 s ago" for a time, kept current by the panel script (refreshAgo). */
function agoNote(doc: Document, iso: string): HTMLElement {
  return el(doc, 'span', { class: 'ago', 'data-at': iso }, ` · ${ago(iso, Date.now())}`);
}

/** Rewrites every "… ago" note for the current time. */
export function refreshAgo(root: ParentNode, now: number): void {
  root.querySelectorAll<HTMLElement>('.ago[data-at]').forEach(node => {
    const text = ago(node.dataset.at ?? '', now);
    node.textContent = text ? ` · ${text}` : '';
  });
}

function badge(doc: Document, health: Health, field?: string): HTMLElement {
  const attrs: Record<string, string> = {
    class: `badge badge--${health}`,
    role: 'img',
    'aria-label': HEALTH_WORD[health],
  };
  if (field) attrs['data-field'] = field;
  return el(doc, 'span', attrs, HEALTH_SYMBOL[health]);
}

function hostCard(doc: Document, card: HostCard, index: number): HTMLElement {
  const key = `host${index}`;
  const list = el(doc, 'dl', { class: 'details' });
  for (const d of card.details) {
    const value = d.value.startsWith('/') ? unbroken(doc, d.value, true) : d.value;
    list.append(
      el(doc, 'dt', {}, d.label),
      el(doc, 'dd', { 'data-field': `${key}.${d.label}` }, value, d.at ? agoNote(doc, d.at) : null),
    );
  }
  return el(
    doc,
    'article',
    { class: `card card--${card.health}`, 'aria-labelledby': `${key}-name`, 'data-role': card.role },
    el(
      doc,
      'div',
      { class: 'card-head' },
      badge(doc, card.health),
      el(doc, 'h3', { id: `${key}-name`, class: 'host', 'data-field': `${key}.host` }, card.host),
    ),
    el(doc, 'div', { class: 'role', 'data-field': `${key}.role` }, card.roleLabel),
    el(doc, 'div', { class: 'status', 'data-field': `${key}.status` }, card.statusText),
    card.details.length ? list : null,
  );
}

function linkSection(doc: Document, s: StatusSnapshot): HTMLElement {
  const link = s.link;
  // Cards keep their sides, so the arrow points from the active coordinator to the standby, whichever side each is on.
  const fromIndex = s.hosts.findIndex(h => h.role === 'active-coordinator');
  const toIndex = s.hosts.findIndex(h => h.role === 'standby');
  const from = s.hosts[fromIndex];
  const to = s.hosts[toIndex];
  const direction =
    from && to ? (fromIndex < toIndex ? `WAL: ${from.host} → ${to.host}` : `WAL: ${to.host} ← ${from.host}`) : null;
  const box = el(
    doc,
    'div',
    { class: `link link--${link.health}` },
    direction ? el(doc, 'div', { class: 'link-direction', 'data-field': 'link.direction' }, direction) : null,
    el(doc, 'div', { class: 'link-line', 'aria-hidden': 'true' }),
    el(
      doc,
      'div',
      { class: 'link-summary' },
      badge(doc, link.health),
      el(doc, 'span', { 'data-field': 'link.summary' }, link.summary),
    ),
  );
  const row = link.rows?.[0];
  if (row) {
    const table = el(
      doc,
      'table',
      { class: 'lsn' },
      el(doc, 'caption', {}, 'pg_stat_replication on the active coordinator'),
      el(
        doc,
        'tbody',
        {},
        ...(
          [
            ['WAL sender state', row.state, 'link.state'],
            ['Sync state', row.syncState, 'link.syncState'],
            ['Sent location', row.sentLocation, 'link.sent'],
            ['Flush location', row.flushLocation, 'link.flush'],
            ['Replay location', row.replayLocation, 'link.replay'],
            [
              'Replay lag (sent − replay)',
              row.replayLagBytes === null ? null : `${row.replayLagBytes.toLocaleString('en-US')} bytes`,
              'link.lag',
            ],
          ] as const
        ).map(([label, value, field]) =>
          el(
            doc,
            'tr',
            {},
            el(doc, 'th', { scope: 'row' }, label),
            el(doc, 'td', { 'data-field': field, class: 'mono' }, value ?? 'not reported'),
          ),
        ),
      ),
    );
    box.append(table);
    if (link.rows && link.rows.length > 1)
      box.append(el(doc, 'p', { class: 'note' }, `${link.rows.length} WAL senders reported; the first is shown.`));
  }
  return box;
}

function segmentsSection(doc: Document, s: StatusSnapshot): HTMLElement | null {
  if (!s.segments) return null;
  const rows: Array<[string, NonNullable<StatusSnapshot['segments']>['primary'], string]> = [
    ['Primary segments', s.segments.primary, 'primary'],
    ['Mirror segments', s.segments.mirror, 'mirror'],
  ];
  const text = (n: number | null) => (n === null ? '—' : String(n));
  return el(
    doc,
    'section',
    { class: 'segments', 'aria-labelledby': 'segments-title' },
    el(doc, 'h2', { id: 'segments-title' }, 'Segments (gpstate -b)'),
    el(
      doc,
      'table',
      {},
      el(
        doc,
        'thead',
        {},
        el(
          doc,
          'tr',
          {},
          el(doc, 'th', { scope: 'col' }, ''),
          el(doc, 'th', { scope: 'col' }, 'Total'),
          el(doc, 'th', { scope: 'col' }, 'Valid'),
          el(doc, 'th', { scope: 'col' }, 'Failures'),
        ),
      ),
      el(
        doc,
        'tbody',
        {},
        ...rows.map(([label, counts, key]) =>
          counts
            ? el(
                doc,
                'tr',
                { class: counts.failures ? 'row--error' : '' },
                el(doc, 'th', { scope: 'row' }, label),
                el(doc, 'td', { 'data-field': `segments.${key}.total` }, text(counts.total)),
                el(doc, 'td', { 'data-field': `segments.${key}.valid` }, text(counts.valid)),
                el(
                  doc,
                  'td',
                  { 'data-field': `segments.${key}.failures`, class: counts.failures ? 'failures' : '' },
                  text(counts.failures),
                ),
              )
            : el(
                doc,
                'tr',
                {},
                el(doc, 'th', { scope: 'row' }, label),
                el(doc, 'td', { colspan: '3', 'data-field': `segments.${key}.total` }, 'none configured'),
              ),
        ),
      ),
    ),
  );
}

function problemsSection(doc: Document, s: StatusSnapshot): HTMLElement | null {
  if (!s.problems.length) return null;
  return el(
    doc,
    'section',
    { class: 'problems', 'aria-labelledby': 'problems-title' },
    el(doc, 'h2', { id: 'problems-title' }, `Problems reported (${s.problems.length})`),
    el(
      doc,
      'ul',
      {},
      ...s.problems.map((p, i) =>
        el(
          doc,
          'li',
          { class: `problem problem--${p.harmless ? 'harmless' : p.level.toLowerCase()}` },
          el(doc, 'span', { class: 'level' }, p.harmless ? `${p.level} (known harmless)` : p.level),
          ' ',
          el(doc, 'span', { class: 'mono', 'data-field': `problem${i}` }, p.text),
        ),
      ),
    ),
  );
}

const STEP_STATUS: Record<StepView['status'], { text: string; health: Health; symbol: string }> = {
  planned: { text: 'planned', health: 'unknown', symbol: '○' },
  pending: { text: 'next', health: 'unknown', symbol: '○' },
  running: { text: 'running', health: 'warning', symbol: '▶' },
  succeeded: { text: 'succeeded', health: 'ok', symbol: '✓' },
  failed: { text: 'failed', health: 'error', symbol: '✕' },
  skipped: { text: 'skipped', health: 'unknown', symbol: '–' },
  unknown: { text: 'outcome unknown', health: 'warning', symbol: '?' },
  'needs-attention': { text: 'needs attention', health: 'warning', symbol: '!' },
  refused: { text: 'refused', health: 'error', symbol: '✕' },
};

function procedureSection(doc: Document, p: ProcedureView, onCommand?: (command: PanelCommand) => void): HTMLElement {
  const list = el(doc, 'ol', { class: 'stepper' });
  p.steps.forEach(step => {
    // Fields are named by the step's position in the procedure, so a resumed run's steps keep their numbers.
    const i = step.index;
    const st = STEP_STATUS[step.status];
    const output = step.output
      ? el(
          doc,
          'details',
          {},
          el(doc, 'summary', {}, 'Output'),
          el(doc, 'pre', { class: 'output', 'data-field': `step${i}.output` }, step.output),
        )
      : null;
    list.append(
      el(
        doc,
        'li',
        { class: `step step--${step.status}` },
        el(doc, 'span', { class: `badge badge--${st.health}`, role: 'img', 'aria-label': st.text }, st.symbol),
        el(
          doc,
          'div',
          { class: 'step-body' },
          el(
            doc,
            'div',
            { class: 'step-head' },
            el(
              doc,
              'span',
              { class: 'step-title', 'data-field': `step${i}.title` },
              `${step.index + 1}. ${step.title}`,
            ),
            el(
              doc,
              'span',
              { class: 'step-host' },
              ' on ',
              el(doc, 'strong', { 'data-field': `step${i}.host` }, step.host),
            ),
            el(doc, 'span', { class: 'step-status', 'data-field': `step${i}.status` }, st.text),
            step.changesCluster ? el(doc, 'span', { class: 'changes' }, 'changes the cluster') : null,
          ),
          el(doc, 'code', { class: 'command', 'data-field': `step${i}.command` }, unbroken(doc, step.command, false)),
          step.message ? el(doc, 'p', { class: 'step-message', 'data-field': `step${i}.message` }, step.message) : null,
          output,
        ),
      ),
    );
  });
  const first = p.steps[0]?.index ?? 0;
  if (first > 0) {
    // A resumed run starts where the observed state says it is: the steps before were done already.
    list.prepend(
      el(
        doc,
        'li',
        { class: 'step step--succeeded step--earlier', 'data-field': 'procedure.earlier' },
        el(doc, 'span', { class: 'badge badge--ok', role: 'img', 'aria-label': 'done earlier' }, '✓'),
        el(
          doc,
          'div',
          { class: 'step-body' },
          first === 1
            ? 'Step 1 was done earlier: the observed state shows it done.'
            : `Steps 1–${first} were done earlier: the observed state shows them done.`,
        ),
      ),
    );
  }
  const status = p.status === 'plan' ? 'plan (nothing has run)' : p.status;
  const when = procedureTimes(doc, p);
  const dismiss =
    p.status !== 'running' && onCommand
      ? el(
          doc,
          'button',
          { type: 'button', class: 'secondary dismiss', 'data-command': 'dismissProcedure' },
          COMMAND_LABEL.dismissProcedure,
        )
      : null;
  dismiss?.addEventListener('click', () => onCommand?.('dismissProcedure'));
  const heading = el(
    doc,
    'h2',
    { id: 'procedure-title' },
    p.past ? 'Earlier: ' : '',
    el(doc, 'span', { 'data-field': 'procedure.title' }, p.title),
    ' — ',
    el(doc, 'span', { 'data-field': 'procedure.status' }, status),
  );
  const body = [
    when,
    p.past
      ? el(
          doc,
          'p',
          { class: 'note', 'data-field': 'procedure.past' },
          'The cluster has changed since this ran: the verdict and the hosts above are current, this is history.',
        )
      : null,
    p.message ? el(doc, 'p', { 'data-field': 'procedure.message' }, p.message) : null,
    list,
  ];
  // History is folded away; the run in progress or just finished is open.
  return el(
    doc,
    'section',
    {
      class: `procedure procedure--${p.status}${p.past ? ' procedure--past' : ''}`,
      'aria-labelledby': 'procedure-title',
    },
    el(doc, 'div', { class: 'procedure-head' }, heading, dismiss),
    p.past ? el(doc, 'details', {}, el(doc, 'summary', {}, 'Steps'), ...body) : el(doc, 'div', {}, ...body),
  );
}

/** "Started 2026-12-04 16:02:11 UTC · ended 16:04:40 UTC · 3 min ago", or null when the view carries no times. */
function procedureTimes(doc: Document, p: ProcedureView): HTMLElement | null {
  if (!p.startedAt) return null;
  const ended = p.endedAt ? formatTime(p.endedAt) : null;
  return el(
    doc,
    'p',
    { class: 'note procedure-time', 'data-field': 'procedure.time' },
    `Started ${formatTime(p.startedAt)}`,
    ended ? ` · ended ${ended.slice(11)}` : ' · running',
    agoNote(doc, p.endedAt ?? p.startedAt),
  );
}

/** The empty state shown before anything is loaded. */
export function renderEmpty(doc: Document, onCommand: (command: PanelCommand) => void): HTMLElement {
  const open = el(doc, 'button', { type: 'button', class: 'primary' }, COMMAND_LABEL.openGpstateOutput);
  open.addEventListener('click', () => onCommand('openGpstateOutput'));
  return el(
    doc,
    'main',
    { class: 'empty' },
    el(doc, 'h1', {}, 'Coordinator status'),
    el(
      doc,
      'p',
      { 'data-field': 'empty' },
      'Nothing observed yet. Check a cluster from the Clusters view, or open a saved gpstate -f / gpstate -b output.',
    ),
    open,
  );
}

/** The whole panel for one snapshot. Buttons call onCommand with a command id; the caller posts it. */
export function renderSnapshot(
  doc: Document,
  s: StatusSnapshot,
  onCommand: (command: PanelCommand) => void,
): HTMLElement {
  const actions = el(doc, 'div', { class: 'actions' });
  s.actions.forEach((command, i) => {
    const button = el(
      doc,
      'button',
      { type: 'button', class: i === 0 ? 'primary' : 'secondary', 'data-command': command },
      COMMAND_LABEL[command],
    );
    button.addEventListener('click', () => onCommand(command));
    actions.append(button);
  });
  const product = [
    s.product === 'cloudberry' ? 'Apache Cloudberry' : s.product === 'greenplum' ? 'Greenplum' : null,
    s.vocabulary ? `${s.vocabulary} vocabulary` : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return el(
    doc,
    'main',
    {},
    el(
      doc,
      'header',
      {},
      el(doc, 'h1', { 'data-field': 'title' }, s.title),
      el(doc, 'p', { class: 'subtitle', 'data-field': 'subtitle' }, s.subtitle, product ? ` · ${product}` : ''),
    ),
    el(
      doc,
      'section',
      { class: `verdict verdict--${s.verdict.health}`, role: 'status', 'aria-live': 'polite' },
      badge(doc, s.verdict.health, 'verdict.health'),
      el(
        doc,
        'div',
        {},
        el(doc, 'h2', { 'data-field': 'verdict.headline' }, s.verdict.headline),
        el(doc, 'p', { 'data-field': 'verdict.detail' }, s.verdict.detail),
        s.actions.length ? actions : null,
      ),
    ),
    // A procedure is what the user is watching: right under the verdict; once it is history, below the current facts.
    s.procedure && !s.procedure.past ? procedureSection(doc, s.procedure, s.clusterName ? onCommand : undefined) : null,
    el(
      doc,
      'section',
      { class: 'topology', 'aria-label': 'Coordinator hosts and replication' },
      ...s.hosts.slice(0, 1).map((h, i) => hostCard(doc, h, i)),
      linkSection(doc, s),
      ...s.hosts.slice(1).map((h, i) => hostCard(doc, h, i + 1)),
    ),
    segmentsSection(doc, s),
    problemsSection(doc, s),
    s.procedure?.past ? procedureSection(doc, s.procedure, s.clusterName ? onCommand : undefined) : null,
    timelineSection(doc, s.timeline),
    el(
      doc,
      'footer',
      {},
      el(doc, 'h2', { class: 'visually-hidden' }, 'Sources'),
      el(
        doc,
        'ul',
        {},
        ...s.sources.map((src, i) =>
          el(
            doc,
            'li',
            { 'data-field': `source${i}` },
            `${src.kind} · ${src.label}`,
            src.observedAt ? ` · observed ${src.observedAt}` : ' · time not printed',
          ),
        ),
      ),
    ),
  );
}

/** Reads back every data-field element's text: what a user sees, for tests and diagnostics. */
export function readRendered(root: ParentNode): Record<string, string> {
  const state: Record<string, string> = {};
  root.querySelectorAll<HTMLElement>('[data-field]').forEach(node => {
    const field = node.dataset.field;
    if (field)
      state[field] = (
        node.getAttribute('aria-label') && node.classList.contains('badge')
          ? node.getAttribute('aria-label')!
          : (node.textContent ?? '')
      )
        .replace(/\s+/g, ' ')
        .trim();
  });
  return state;
}
