// The view's state (filters, order, page) lives in the URL's fragment, so a view can be
// bookmarked and shared: #proto=tcp&dst=10.0.0.0/8&sort=rate&dir=desc. The session id never does.
// Filter keys are names the server's view() accepts (catalog names or their aliases); the server
// checks every value, so nothing here parses addresses or marks.

export const FILTER_KEYS = ['proto', 'family', 'src', 'dst', 'sport', 'dport', 'state', 'mark'];
export const PAGE_SIZES = [50, 100, 500];

const DEFAULTS = { sort: 'rate', dir: 'desc', len: 50, start: 0 };

export function readState(hash = location.hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const filters = {};
  for (const key of FILTER_KEYS) {
    const value = (params.get(key) ?? '').trim();
    if (value) filters[key] = value;
  }
  const len = Number(params.get('len'));
  const start = Number(params.get('start'));
  return {
    filters,
    sort: params.get('sort') || DEFAULTS.sort,
    dir: params.get('dir') === 'asc' ? 'asc' : DEFAULTS.dir,
    len: PAGE_SIZES.includes(len) ? len : DEFAULTS.len,
    start: Number.isInteger(start) && start > 0 ? start : 0,
  };
}

export function writeState(state) {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    if (state.filters[key]) params.set(key, state.filters[key]);
  }
  params.set('sort', state.sort);
  params.set('dir', state.dir);
  if (state.len !== DEFAULTS.len) params.set('len', String(state.len));
  if (state.start) params.set('start', String(state.start));
  const hash = `#${params.toString()}`;
  if (location.hash !== hash) location.hash = hash; // a hashchange event loads the view
  return hash;
}

/** view()'s filters struct: "80,443" means any of the values (an array). */
export function filterStruct(filters) {
  const struct = {};
  for (const [key, value] of Object.entries(filters)) {
    const values = value.split(',').map((v) => v.trim()).filter(Boolean);
    struct[key] = values.length === 1 ? values[0] : values;
  }
  return struct;
}

const PROTOCOLS = new Set(['tcp', 'udp', 'udplite', 'icmp', 'icmpv6', 'sctp', 'gre', 'dccp']);
const STATES = new Set(['SYN_SENT', 'SYN_RECV', 'ESTABLISHED', 'FIN_WAIT', 'CLOSE_WAIT', 'LAST_ACK',
  'TIME_WAIT', 'CLOSE', 'SYN_SENT2', 'CLOSED', 'COOKIE_WAIT', 'COOKIE_ECHOED', 'SHUTDOWN_SENT',
  'SHUTDOWN_RECD', 'SHUTDOWN_ACK_SENT', 'HEARTBEAT_SENT', 'HEARTBEAT_ACKED', 'REQUEST', 'RESPOND',
  'PARTOPEN', 'OPEN', 'CLOSEREQ', 'CLOSING', 'TIMEWAIT']);

/**
 * The search box: words mapped onto the filters. "key=value" sets that filter; a protocol, a
 * family or a state name sets that one; an address or CIDR (anything with a dot or a colon) is
 * the source, a second one the destination; a bare number or ":number" is the destination port.
 * Returns the filters it made, and the words it could not place.
 */
export function mapSearch(text) {
  const filters = {};
  const unplaced = [];
  for (const word of text.trim().split(/\s+/).filter(Boolean)) {
    const pair = /^([a-z_]+)=(.+)$/i.exec(word);
    const lower = word.toLowerCase();
    if (pair && FILTER_KEYS.includes(pair[1].toLowerCase())) filters[pair[1].toLowerCase()] = pair[2];
    else if (PROTOCOLS.has(lower)) filters.proto = lower;
    else if (lower === 'ipv4' || lower === 'ipv6') filters.family = lower;
    else if (STATES.has(word.toUpperCase())) filters.state = word.toUpperCase();
    else if (/^:?\d{1,5}$/.test(word)) filters.dport = word.replace(':', '');
    else if (/^[0-9a-f.:]+(\/\d{1,3})?$/i.test(word) && /[.:]/.test(word)) {
      if (!filters.src) filters.src = word;
      else filters.dst = word;
    } else unplaced.push(word);
  }
  return { filters, unplaced };
}
