// The connections table: columns, sorting headers, rows updated in place, selection.
// Cells are filled with textContent only: kernel values (helper names, addresses) are never HTML.
import * as format from './format.js';

export const COLUMNS = [
  { key: 'proto', label: 'Proto', sort: 'proto', text: (r) => r.proto },
  { key: 'state', label: 'State', sort: 'state', text: (r) => r.state },
  { key: 'src', label: 'Source', sort: 'orig_src', text: (r) => format.endpoint(r.orig_src, r.orig_port_src) },
  { key: 'dst', label: 'Destination', sort: 'orig_dst', text: (r) => format.endpoint(r.orig_dst, r.orig_port_dst) },
  { key: 'nat', label: 'Reply (NAT)', sort: 'repl_src', text: format.natText },
  { key: 'orig', label: 'Sent', sort: 'orig_bytes', numeric: true, text: (r) => format.traffic(r.orig_bytes, r.orig_packets) },
  { key: 'repl', label: 'Received', sort: 'repl_bytes', numeric: true, text: (r) => format.traffic(r.repl_bytes, r.repl_packets) },
  { key: 'orig_rate', label: 'Rate out', sort: 'orig_rate', numeric: true, text: (r) => format.rate(r.orig_rate) },
  { key: 'repl_rate', label: 'Rate in', sort: 'repl_rate', numeric: true, text: (r) => format.rate(r.repl_rate) },
  { key: 'rate', label: 'Rate', sort: 'rate', numeric: true, text: (r) => format.rate(r.rate) },
  { key: 'mark', label: 'Mark', sort: 'mark', numeric: true, text: (r) => format.mark(r.mark) },
  { key: 'zone', label: 'Zone', sort: 'zone', numeric: true, text: (r) => format.count(r.zone) },
  { key: 'timeout', label: 'Timeout', sort: 'timeout', numeric: true, text: (r) => format.seconds(r.timeout) },
  { key: 'status', label: 'Status', sort: 'status', truncated: true, text: (r) => format.list(r.status) },
  { key: 'id', label: 'Id', sort: 'id', numeric: true, text: (r) => r.id },
];

const HIDDEN_KEY = 'pyctd.hiddenColumns';
// Until the user picks columns: what fits in 1440 px (top talkers go below the table there), and on a phone.
const DEFAULT_HIDDEN = ['orig_rate', 'repl_rate', 'zone'];
const NARROW_DEFAULT_HIDDEN = ['nat', 'orig', 'repl', 'orig_rate', 'repl_rate', 'zone', 'timeout', 'status'];

function element(tag, properties = {}) {
  return Object.assign(document.createElement(tag), properties);
}

export class ConnectionTable {
  /** onSort(field) when a header is clicked; onSelection() when the selection changes. */
  constructor(table, { onSort, onSelection }) {
    this.table = table;
    this.head = table.tHead.rows[0];
    this.body = table.tBodies[0];
    this.onSort = onSort;
    this.onSelection = onSelection;
    this.rowsById = new Map();
    this.order = [];
    this.selected = new Set();
    this.allMatching = false;
    this.lastClicked = null;
    this.selectable = false;
    this.sort = { field: 'rate', dir: 'desc' };
    this.hidden = new Set(this.loadHidden());
    this.pending = null;
    this.aiming = false;
    // The row under the mouse does not move while the user aims at it: while the pointer is over
    // the rows, values change in place and a new order waits until it leaves.
    this.body.addEventListener('pointerenter', () => { this.aiming = true; });
    this.body.addEventListener('pointerleave', () => {
      this.aiming = false;
      if (this.pending) this.render(this.pending);
    });
    this.body.addEventListener('click', (event) => this.clicked(event));
  }

  loadHidden() {
    try {
      const saved = JSON.parse(localStorage.getItem(HIDDEN_KEY));
      if (Array.isArray(saved)) return saved;
    } catch { /* unreadable: defaults */ }
    return matchMedia('(max-width: 43.75rem)').matches ? NARROW_DEFAULT_HIDDEN : DEFAULT_HIDDEN;
  }

  get visibleColumns() {
    return COLUMNS.filter((column) => !this.hidden.has(column.key));
  }

  setHidden(key, hidden) {
    if (hidden) this.hidden.add(key); else this.hidden.delete(key);
    localStorage.setItem(HIDDEN_KEY, JSON.stringify([...this.hidden]));
    this.rebuild();
  }

  setSelectable(selectable) {
    if (this.selectable === selectable) return;
    this.selectable = selectable;
    this.clearSelection();
    this.rebuild();
  }

  setSort(field, dir) {
    this.sort = { field, dir };
    this.renderHeader();
  }

  /** Everything drawn again: after the columns or the selectability changed. */
  rebuild() {
    this.renderHeader();
    const rows = this.order.map((id) => this.rowsById.get(id)?.data).filter(Boolean);
    this.rowsById.clear();
    this.order = [];
    this.body.replaceChildren();
    this.render(rows);
  }

  renderHeader() {
    const cells = [];
    if (this.selectable) {
      const all = element('input', { type: 'checkbox', id: 'select-page', title: 'Select the rows of this page' });
      all.setAttribute('aria-label', 'Select the rows of this page');
      all.checked = this.order.length > 0 && this.order.every((id) => this.selected.has(id));
      all.addEventListener('change', () => this.selectPage(all.checked));
      const th = element('th', { className: 'select' });
      th.append(all);
      cells.push(th);
    }
    for (const column of this.visibleColumns) {
      const th = element('th', { className: `col-${column.key}${column.numeric ? ' num' : ''}` });
      th.dataset.column = column.key;
      const button = element('button', { type: 'button', className: 'sort', textContent: column.label });
      button.dataset.sort = column.sort;
      if (this.sort.field === column.sort) {
        th.setAttribute('aria-sort', this.sort.dir === 'asc' ? 'ascending' : 'descending');
        button.append(element('span', { className: 'arrow', textContent: this.sort.dir === 'asc' ? ' ▲' : ' ▼' }));
      }
      button.addEventListener('click', () => this.onSort(column.sort));
      th.append(button);
      cells.push(th);
    }
    this.head.replaceChildren(...cells);
  }

  /**
   * Shows a page of rows, reusing the row of each id still there and touching only cells whose
   * text changed. With keepOrderWhileAiming (live refreshes), while the pointer is over the rows
   * only values change; the new order waits until it leaves.
   */
  render(rows, { keepOrderWhileAiming = false } = {}) {
    const ids = rows.map((r) => r.id);
    const sameOrder = ids.length === this.order.length && ids.every((id, i) => id === this.order[i]);
    if (keepOrderWhileAiming && this.aiming && !sameOrder) {
      this.pending = rows;
      for (const row of rows) {
        const existing = this.rowsById.get(row.id);
        if (existing) this.update(existing, row);
      }
      const present = new Set(ids);
      for (const [id, existing] of this.rowsById) existing.tr.classList.toggle('gone', !present.has(id));
      return;
    }
    this.pending = null;
    const next = new Map();
    const trs = rows.map((row) => {
      const existing = this.rowsById.get(row.id) ?? this.create(row);
      existing.tr.classList.remove('gone');
      this.update(existing, row);
      next.set(row.id, existing);
      return existing.tr;
    });
    this.rowsById = next;
    this.order = ids;
    if (!sameOrder) this.body.replaceChildren(...trs);
    const pageBox = this.head.querySelector('#select-page');
    if (pageBox) pageBox.checked = ids.length > 0 && ids.every((id) => this.selected.has(id));
  }

  create(row) {
    const tr = element('tr');
    tr.dataset.id = row.id;
    let box = null;
    if (this.selectable) {
      box = element('input', { type: 'checkbox', className: 'row-select' });
      box.setAttribute('aria-label', `Select connection ${row.id}`);
      box.checked = this.allMatching || this.selected.has(row.id);
      const td = element('td', { className: 'select' });
      td.append(box);
      tr.append(td);
    }
    const cells = this.visibleColumns.map((column) => {
      const td = element('td', { className: `col-${column.key}${column.numeric ? ' num' : ''}` });
      tr.append(td);
      return td;
    });
    return { tr, box, cells, data: row };
  }

  update(existing, row) {
    existing.data = row;
    this.visibleColumns.forEach((column, i) => {
      const text = column.text(row) ?? '';
      const cell = existing.cells[i];
      if (cell.textContent !== text) {
        cell.textContent = text;
        if (column.truncated) cell.title = text; // all of it, where the column cuts it short
      }
    });
    if (existing.box) existing.box.checked = this.allMatching || this.selected.has(row.id);
  }

  clicked(event) {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.classList.contains('row-select')) return;
    const id = box.closest('tr').dataset.id;
    this.allMatching = false;
    // Shift-click selects (or clears) the range from the last row clicked, in the order shown.
    const from = this.order.indexOf(this.lastClicked);
    const to = this.order.indexOf(id);
    const range = event.shiftKey && from >= 0 && to >= 0
      ? this.order.slice(Math.min(from, to), Math.max(from, to) + 1)
      : [id];
    for (const each of range) {
      if (box.checked) this.selected.add(each); else this.selected.delete(each);
    }
    this.lastClicked = id;
    this.refreshBoxes();
    this.onSelection();
  }

  selectPage(checked) {
    this.allMatching = false;
    for (const id of this.order) {
      if (checked) this.selected.add(id); else this.selected.delete(id);
    }
    this.refreshBoxes();
    this.onSelection();
  }

  selectAllMatching() {
    this.allMatching = true;
    for (const id of this.order) this.selected.add(id);
    this.refreshBoxes();
    this.onSelection();
  }

  clearSelection() {
    this.selected.clear();
    this.allMatching = false;
    this.lastClicked = null;
    this.refreshBoxes();
    this.onSelection();
  }

  refreshBoxes() {
    for (const { box, data } of this.rowsById.values()) {
      if (box) box.checked = this.allMatching || this.selected.has(data.id);
    }
    const pageBox = this.head.querySelector('#select-page');
    if (pageBox) pageBox.checked = this.order.length > 0 && this.order.every((id) => this.selected.has(id));
  }

  get pageFullySelected() {
    return this.order.length > 0 && this.order.every((id) => this.selected.has(id));
  }
}
