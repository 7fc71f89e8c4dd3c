// How values read from the API are shown. Everything here returns plain strings; the table puts
// them in the page with textContent, never as HTML.

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/**
 * A 32-bit field (mark, ip2long integers) as its unsigned value: servers and clients without an
 * unsigned type send values of 2^31 and above as negative i4, which stand for the same 32 bits.
 */
export function u32(value) {
  if (value === '' || value === null || value === undefined) return null;
  const number = Number(value);
  return number < 0 ? number + 0x100000000 : number;
}

export const isMissing = (value) => value === '' || value === null || value === undefined;

export function count(value) {
  return isMissing(value) ? '' : integer.format(Number(value));
}

/** Bytes in decimal units, as network rates are given: 1.2 MB is 1,200,000 bytes. */
export function bytes(value) {
  if (isMissing(value)) return '';
  let amount = Number(value);
  let unit = 0;
  while (amount >= 1000 && unit < UNITS.length - 1) {
    amount /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${integer.format(amount)} B` : `${oneDecimal.format(amount)} ${UNITS[unit]}`;
}

export function rate(value) {
  return isMissing(value) ? '' : `${bytes(value)}/s`;
}

export function endpoint(address, port) {
  if (isMissing(address)) return '';
  const host = address.includes(':') ? `[${address}]` : address;
  return isMissing(port) ? address : `${host}:${port}`;
}

/** The reply direction, when NAT makes it differ from the original one mirrored. */
export function natText(row) {
  const mirrored = row.repl_src === row.orig_dst && row.repl_dst === row.orig_src
    && String(row.repl_port_src) === String(row.orig_port_dst) && String(row.repl_port_dst) === String(row.orig_port_src);
  return mirrored ? '' : `${endpoint(row.repl_src, row.repl_port_src)} → ${endpoint(row.repl_dst, row.repl_port_dst)}`;
}

export function mark(value) {
  const unsigned = u32(value);
  return unsigned === null ? '' : String(unsigned);
}

export function seconds(value) {
  if (isMissing(value)) return '';
  let left = Number(value);
  if (left < 60) return `${left} s`;
  const parts = [];
  for (const [size, unit] of [[86400, 'd'], [3600, 'h'], [60, 'm']]) {
    if (left >= size || parts.length) {
      parts.push(`${Math.floor(left / size)}${unit}`);
      left %= size;
    }
  }
  return parts.slice(0, 2).join(' ');
}

export function list(value) {
  return Array.isArray(value) ? value.join(' ') : (value ?? '');
}

export function traffic(bytesValue, packetsValue) {
  if (isMissing(bytesValue)) return '';
  return `${bytes(bytesValue)} · ${count(packetsValue)} pkt`;
}
