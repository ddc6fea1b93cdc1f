// The Timeline section of the status panel: the cluster's history as rows (time, kind, what happened), newest
// first. Texts go in through textContent only; each row is marked with data-field for the extension's tests.
import type { Health, TimelineRowView } from '../src/extension/panel/protocol';
import { ago, formatTime } from '../src/extension/panel/time';

const SYMBOL: Record<Health, string> = { ok: '✓', warning: '!', error: '✕', unknown: '?' };
const HEALTH_WORD: Record<Health, string> = {
  ok: 'Healthy',
  warning: 'Needs attention',
  error: 'Problem',
  unknown: 'Unknown',
};
const KIND_LABEL: Record<TimelineRowView['kind'], string> = {
  role: 'Role',
  procedure: 'Procedure',
  replication: 'Replication',
};

function make(doc: Document, tag: string, text: string, attrs: Record<string, string> = {}): HTMLElement {
  const node = doc.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.textContent = text;
  return node;
}

function timelineRow(doc: Document, row: TimelineRowView, index: number): HTMLElement {
  const tr = make(doc, 'tr', '', { class: `timeline-row timeline-row--${row.health}` });
  const when = make(doc, 'td', formatTime(row.ts), { title: row.ts });
  // The panel script keeps "… ago" current (refreshAgo reads data-at).
  when.append(make(doc, 'span', ` · ${ago(row.ts, Date.now())}`, { class: 'ago', 'data-at': row.ts }));
  const health = make(doc, 'td', '');
  health.append(
    make(doc, 'span', SYMBOL[row.health], {
      class: `badge badge--${row.health}`,
      role: 'img',
      'aria-label': HEALTH_WORD[row.health],
    }),
  );
  tr.append(
    when,
    make(doc, 'td', KIND_LABEL[row.kind]),
    health,
    make(doc, 'td', row.text, { 'data-field': `timeline${index}` }),
  );
  return tr;
}

/** The Timeline, or null when the snapshot has no history (a saved output has none). */
export function timelineSection(doc: Document, rows: readonly TimelineRowView[] | undefined): HTMLElement | null {
  if (!rows) return null;
  const section = make(doc, 'section', '', { class: 'timeline', 'aria-labelledby': 'timeline-title' });
  section.append(make(doc, 'h2', 'Timeline', { id: 'timeline-title' }));
  if (!rows.length) {
    section.append(
      make(doc, 'p', 'Nothing recorded yet: procedures record role changes, runs and replication state here.', {
        class: 'note',
        'data-field': 'timeline.empty',
      }),
    );
    return section;
  }
  const table = make(doc, 'table', '', { class: 'timeline-table' });
  const head = make(doc, 'tr', '');
  head.append(make(doc, 'th', 'When'), make(doc, 'th', 'Kind'), make(doc, 'th', ''), make(doc, 'th', 'What'));
  table.append(head, ...rows.map((r, i) => timelineRow(doc, r, i)));
  section.append(table);
  return section;
}
