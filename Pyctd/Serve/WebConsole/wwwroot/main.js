// The console: login, the table with its filters, paging and live refresh, actions, top talkers.
// It uses only the public XML-RPC API (view, kill, change, refresh, set_autorefresh, stats, group).
import { Api, SessionLost } from './session.js';
import { ConnectionTable, COLUMNS } from './table.js';
import { Talkers } from './talkers.js';
import { confirmAction } from './dialogs.js';
import { FILTER_KEYS, PAGE_SIZES, readState, writeState, filterStruct, mapSearch } from './state.js';
import { Fault, FAULT_NO_SUCH_CONNECTION, FAULT_READ_ONLY, FAULT_BAD_PARAMETERS } from './xmlrpc.js';
import * as format from './format.js';

const $ = (id) => document.getElementById(id);
const REFRESH_KEY = 'pyctd.refresh';
const KEEPALIVE_MS = 1000; // sessions expire after --session-timeout s idle (10 by default, at least 1)
const KILL_BATCH = 5000; // ids per kill(): well under the 1 MiB request cap
const CHANGE_BATCH = 100; // change() calls per system.multicall: the server's cap
const ID_PAGE = 2000;

const api = new Api(() => showLogin('Your session has ended (it timed out, was logged out elsewhere, or the server restarted). Please log in again.'));
let table;
let talkers;
let readOnly = true;
let total = 0;
let loadSequence = 0;
let refreshTimer = 0;
let keepAliveTimer = 0;
let renders = 0;

function setText(id, text) {
  const node = $(id);
  if (node.textContent !== text) node.textContent = text;
}

function showError(message) {
  const error = $('error');
  error.textContent = message ?? '';
  error.hidden = !message;
}

function showStatus(message) {
  setText('status', message);
}

/** What the last action did (killed N, M already gone); stays until the next action. */
function showResult(message) {
  setText('result', message);
  $('result').hidden = !message;
}

// ---- login ------------------------------------------------------------------------------

function showLogin(message = '') {
  stopTimers();
  $('console-view').hidden = true;
  $('logout').hidden = true;
  setText('user', '');
  setText('summary', '');
  $('login-view').hidden = false;
  setText('login-message', message);
  $('login-form').elements.password.value = '';
  $('login-form').elements.user.focus();
}

async function submitLogin(event) {
  event.preventDefault();
  const form = event.target;
  const button = form.querySelector('button');
  button.disabled = true;
  try {
    await api.login(form.elements.user.value, form.elements.password.value);
    await enterConsole();
  } catch (error) {
    setText('login-message', error instanceof Fault ? `Login failed: ${error.message}` : `Cannot reach the server: ${error.message}`);
    form.elements.password.select();
  } finally {
    button.disabled = false;
  }
}

async function start() {
  if (api.loggedIn) {
    try {
      await enterConsole();
      return;
    } catch (error) {
      if (!(error instanceof SessionLost)) {
        showLogin(`Cannot reach the server: ${error.message}`);
        return;
      }
    }
  }
  try {
    await api.login(); // accepted only with --auth none: then no form is needed
    await enterConsole();
  } catch {
    if ($('login-view').hidden) showLogin(); // else it already says why the session ended
  }
}

async function enterConsole() {
  const stats = await api.call('stats');
  readOnly = Boolean(stats.read_only);
  $('login-view').hidden = true;
  $('console-view').hidden = false;
  $('logout').hidden = false;
  setText('user', `${api.user || 'anonymous'}${readOnly ? ' (read-only)' : ''}`);
  showSummary(stats);
  $('actions').hidden = readOnly;
  table.setSelectable(!readOnly);
  await applyRefreshSetting(false);
  keepAliveTimer = setInterval(keepAlive, KEEPALIVE_MS);
  await load();
}

function showSummary(stats) {
  const parts = [`${format.count(stats.entries)} entries`];
  if (!format.isMissing(stats.max)) parts.push(`max ${format.count(stats.max)}`);
  if (stats.version) parts.push(`pyctd ${stats.version}`);
  setText('summary', parts.join(' · '));
}

async function logout() {
  stopTimers();
  await api.logout();
  showLogin('Logged out.');
}

function stopTimers() {
  clearTimeout(refreshTimer);
  clearInterval(keepAliveTimer);
  refreshTimer = 0;
  keepAliveTimer = 0;
}

/** With refresh off nothing else calls the server: this keeps the session alive while the page is open. */
async function keepAlive() {
  if (!api.loggedIn || Date.now() - api.lastCall < KEEPALIVE_MS) return;
  try {
    showSummary(await api.call('stats'));
  } catch (error) {
    if (!(error instanceof SessionLost)) showStatus(`Server unreachable: ${error.message}`);
  }
}

// ---- the view -----------------------------------------------------------------------------

function refreshSeconds() {
  return Number($('refresh').value);
}

/** set_autorefresh: N lets views use a snapshot at most N s old; 0 (paused) keeps one, so pages stay stable. */
async function applyRefreshSetting(reload = true) {
  localStorage.setItem(REFRESH_KEY, $('refresh').value);
  clearTimeout(refreshTimer);
  await api.call('set_autorefresh', refreshSeconds());
  if (reload) await load();
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  const seconds = refreshSeconds();
  if (seconds > 0 && api.loggedIn) refreshTimer = setTimeout(() => load({ live: true }), seconds * 1000);
}

/**
 * Asks for the page the URL describes and shows it. A live refresh (live: true) keeps the row
 * under the mouse where it is; anything the user asked for is shown at once.
 */
async function load({ live = false } = {}) {
  if (!api.loggedIn) return;
  const sequence = ++loadSequence;
  const state = readState();
  const filters = filterStruct(state.filters);
  table.setSort(state.sort, state.dir);
  const calls = [['view', [filters, state.sort, state.dir.toUpperCase(), state.start, state.len]], ['stats', []]];
  const group = talkers.call(filters);
  if (group) calls.push(group);
  try {
    const [view, stats, grouped] = await api.multicall(calls);
    if (sequence !== loadSequence) return; // a newer load has started: its answer is the one to show
    if (stats.value) showSummary(stats.value);
    if (grouped) talkers.show(grouped);
    if (view.fault) {
      showError(view.fault.code === FAULT_BAD_PARAMETERS ? `Filter not applied: ${view.fault.message}` : view.fault.message);
      table.render([]);
      total = 0;
      showRange(state, 0);
    } else {
      const page = view.value;
      total = page.total;
      if (state.start > 0 && state.start >= total) {
        // Past the end (the filter narrowed, rows were killed): go to the last page.
        writeState({ ...state, start: Math.max(0, Math.floor((total - 1) / state.len) * state.len) });
        return;
      }
      showError('');
      table.render(page.connections, { keepOrderWhileAiming: live });
      showRange(state, page.connections.length);
    }
    showSelection();
    showStatus(refreshSeconds() ? '' : 'Paused');
    painted();
  } catch (error) {
    if (error instanceof SessionLost) return;
    showStatus(`Server unreachable: ${error.message}`);
  } finally {
    if (sequence === loadSequence) scheduleRefresh();
  }
}

/** Marks the moment the new rows are on screen, for the tests and scripts/bench-console. */
function painted() {
  requestAnimationFrame(() => {
    renders += 1;
    document.documentElement.dataset.renders = String(renders);
    performance.mark('pyctd:painted');
  });
}

function showRange(state, shown) {
  const first = shown ? state.start + 1 : 0;
  setText('range', `${format.count(first)}–${format.count(state.start + shown)} of ${format.count(total)}`);
  $('prev').disabled = state.start === 0;
  $('next').disabled = state.start + state.len >= total;
}

function sortBy(field) {
  const state = readState();
  const dir = state.sort === field && state.dir === 'desc' ? 'asc' : 'desc';
  writeState({ ...state, sort: field, dir, start: 0 });
}

function page(step) {
  const state = readState();
  writeState({ ...state, start: Math.max(0, state.start + step * state.len) });
}

function fillFilterForm(filters) {
  const form = $('filters');
  const active = Object.keys(filters).length;
  setText('filter-count', active ? `(${active})` : '');
  for (const key of FILTER_KEYS) form.elements[key].value = filters[key] ?? '';
  // A value from a shared link that the menu lacks is still shown, and kept.
  for (const key of ['proto', 'family', 'state']) {
    const select = form.elements[key];
    if (filters[key] && select.value !== filters[key]) {
      select.append(new Option(filters[key], filters[key]));
      select.value = filters[key];
    }
  }
}

function applyFilters(event) {
  event.preventDefault();
  const form = $('filters');
  const filters = {};
  for (const key of FILTER_KEYS) {
    const value = form.elements[key].value.trim();
    if (value) filters[key] = value;
  }
  const { filters: searched, unplaced } = mapSearch(form.elements.q.value);
  Object.assign(filters, searched);
  form.elements.q.value = unplaced.join(' ');
  showError(unplaced.length ? `Not understood: ${unplaced.join(' ')} (use key=value with ${FILTER_KEYS.join(', ')})` : '');
  fillFilterForm(filters);
  table.clearSelection();
  const hash = writeState({ ...readState(), filters, start: 0 });
  if (location.hash === hash) load();
}

function clearFilters() {
  $('filters').reset();
  table.clearSelection();
  writeState({ ...readState(), filters: {}, start: 0 });
}

// ---- actions ------------------------------------------------------------------------------

function selectedCount() {
  return table.allMatching ? total : table.selected.size;
}

function showSelection() {
  const count = selectedCount();
  setText('selection', table.allMatching
    ? `All ${format.count(total)} matching selected`
    : `${format.count(count)} selected`);
  const offerAll = !table.allMatching && table.pageFullySelected && total > table.order.length;
  $('select-all-matching').hidden = !offerAll;
  setText('select-all-matching', `Select all ${format.count(total)} matching`);
  for (const id of ['kill', 'set-mark', 'set-timeout', 'clear-selection']) $(id).disabled = count === 0;
}

const plural = (n, one, many = `${one}s`) => `${format.count(n)} ${n === 1 ? one : many}`;

/** The ids to act on: the rows ticked, or every match of the filter (fetched page by page from one pinned snapshot). */
async function targetIds() {
  if (!table.allMatching) return [...table.selected];
  const filters = filterStruct(readState().filters);
  await api.call('set_autorefresh', 0);
  try {
    const ids = [];
    for (let start = 0; ; start += ID_PAGE) {
      const page = await api.call('view', filters, 'id', 'ASC', start, ID_PAGE);
      ids.push(...page.connections.map((c) => c.id));
      showStatus(`Collecting ids: ${format.count(ids.length)} of ${format.count(page.total)}`);
      if (page.connections.length < ID_PAGE) return ids;
    }
  } finally {
    await api.call('set_autorefresh', refreshSeconds());
  }
}

function describeFailure(error) {
  if (error instanceof Fault && error.code === FAULT_READ_ONLY) return `Refused: this session is read-only (fault 3: ${error.message})`;
  return error instanceof Fault ? `Refused (fault ${error.code}): ${error.message}` : `Failed: ${error.message}`;
}

async function runAction(work) {
  clearTimeout(refreshTimer);
  showResult('');
  showError('');
  try {
    const report = await work();
    if (report) {
      table.clearSelection();
      showResult(report);
      await api.call('refresh');
    }
  } catch (error) {
    if (error instanceof SessionLost) return;
    showError(describeFailure(error));
  }
  await load();
}

async function kill() {
  const count = selectedCount();
  const ok = await confirmAction({
    title: 'Kill connections',
    text: `Kill ${plural(count, 'connection')}? Their conntrack entries are deleted; traffic that continues makes new ones.`,
    action: `Kill ${plural(count, 'connection')}`,
  });
  if (!ok) return;
  await runAction(async () => {
    const ids = await targetIds();
    let killed = 0;
    for (let i = 0; i < ids.length; i += KILL_BATCH) killed += await api.call('kill', ids.slice(i, i + KILL_BATCH));
    const gone = ids.length - killed;
    return `Killed ${plural(killed, 'connection')}${gone ? `, ${format.count(gone)} already gone` : ''}.`;
  });
}

function parseUInt32(text, what) {
  if (!/^(0x[0-9a-f]{1,8}|\d{1,10})$/i.test(text) || Number(text) > 0xffffffff) {
    throw new Error(`${what} must be a whole number from 0 to 4294967295 (or 0x hex).`);
  }
  return Number(text);
}

async function change(field) {
  const count = selectedCount();
  const isMark = field === 'mark';
  const value = await confirmAction({
    title: isMark ? 'Set mark' : 'Set timeout',
    text: `Set the ${isMark ? 'mark' : 'timeout'} of ${plural(count, 'connection')}.`,
    action: `Set on ${plural(count, 'connection')}`,
    value: {
      label: isMark ? 'Mark' : 'Timeout (seconds)',
      placeholder: isMark ? '0x10 or 16' : '120',
      parse: (text) => parseUInt32(text, isMark ? 'The mark' : 'The timeout'),
    },
  });
  if (value === null) return;
  await runAction(async () => {
    const ids = await targetIds();
    let changed = 0;
    let gone = 0;
    const refused = [];
    for (let i = 0; i < ids.length; i += CHANGE_BATCH) {
      // u32 values go as decimal strings: an <int> holds only 31 bits.
      const calls = ids.slice(i, i + CHANGE_BATCH).map((id) => ['change', [field, id, String(value)]]);
      for (const result of await api.multicall(calls)) {
        if (result.fault?.code === FAULT_NO_SUCH_CONNECTION) gone += 1;
        else if (result.fault) refused.push(result.fault);
        else changed += 1;
      }
      showStatus(`Changed ${format.count(changed)} of ${format.count(ids.length)}`);
    }
    if (refused.length && changed === 0 && gone === 0) throw refused[0];
    return `Set ${field} ${isMark ? format.mark(value) : format.seconds(value)} on ${plural(changed, 'connection')}`
      + `${gone ? `, ${format.count(gone)} already gone` : ''}${refused.length ? `, ${format.count(refused.length)} refused (${refused[0].message})` : ''}.`;
  });
}

// ---- wiring -------------------------------------------------------------------------------

function buildColumnMenu() {
  const list = $('column-list');
  list.replaceChildren(...COLUMNS.map((column) => {
    const label = document.createElement('label');
    const box = Object.assign(document.createElement('input'), { type: 'checkbox', checked: !table.hidden.has(column.key) });
    box.dataset.column = column.key;
    box.addEventListener('change', () => table.setHidden(column.key, !box.checked));
    label.append(box, ` ${column.label}`);
    return label;
  }));
}

function init() {
  // On a phone the filters start folded, so the table is on the first screen.
  $('filter-panel').open = !matchMedia('(max-width: 43.75rem)').matches;
  table = new ConnectionTable($('table'), { onSort: sortBy, onSelection: showSelection });
  talkers = new Talkers($('talkers'));
  buildColumnMenu();
  table.renderHeader();

  const saved = localStorage.getItem(REFRESH_KEY);
  if (saved !== null && [...$('refresh').options].some((o) => o.value === saved)) $('refresh').value = saved;
  const pageSize = $('page-size');
  pageSize.replaceChildren(...PAGE_SIZES.map((n) => new Option(String(n), String(n))));
  pageSize.value = String(readState().len);
  fillFilterForm(readState().filters);

  $('login-form').addEventListener('submit', submitLogin);
  $('logout').addEventListener('click', logout);
  $('filters').addEventListener('submit', applyFilters);
  $('clear').addEventListener('click', clearFilters);
  $('refresh').addEventListener('change', () => applyRefreshSetting().catch(() => {}));
  $('refresh-now').addEventListener('click', async () => {
    try {
      await api.call('refresh');
    } catch (error) {
      if (error instanceof SessionLost) return;
    }
    await load();
  });
  pageSize.addEventListener('change', () => writeState({ ...readState(), len: Number(pageSize.value), start: 0 }));
  $('prev').addEventListener('click', () => page(-1));
  $('next').addEventListener('click', () => page(1));
  $('select-all-matching').addEventListener('click', () => table.selectAllMatching());
  $('clear-selection').addEventListener('click', () => table.clearSelection());
  $('kill').addEventListener('click', kill);
  $('set-mark').addEventListener('click', () => change('mark'));
  $('set-timeout').addEventListener('click', () => change('timeout'));
  $('talker-key').addEventListener('change', () => load());
  $('talker-order').addEventListener('change', () => load());
  window.addEventListener('hashchange', () => {
    const state = readState();
    fillFilterForm(state.filters);
    pageSize.value = String(state.len);
    load();
  });
  start();
}

init();
