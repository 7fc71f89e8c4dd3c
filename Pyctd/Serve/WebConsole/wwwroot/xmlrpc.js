// A small XML-RPC client: the console uses the public API and nothing else.
// Decodes every type the server (or another XML-RPC server) may send: i4/int/i8/double/string/
// boolean/dateTime.iso8601/base64/struct/array/nil. Numbers become JS numbers (counters beyond 2^53
// lose their last digits, which no display shows); 32-bit fields that arrive as negative i4 are
// turned back into unsigned by the formatter that shows them (format.js, u32).

export class Fault extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'Fault';
    this.code = code;
  }
}

export const FAULT_AUTH = 1;
export const FAULT_SESSION = 2;
export const FAULT_READ_ONLY = 3;
export const FAULT_NO_SUCH_CONNECTION = 4;
export const FAULT_KERNEL = 5;
export const FAULT_UNKNOWN_METHOD = -32601;
export const FAULT_BAD_PARAMETERS = -32602;

const escapes = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escapeXml = (text) => String(text).replace(/[&<>"]/g, (c) => escapes[c]);

export function encodeValue(value) {
  if (value === null || value === undefined) return '<value><nil/></value>';
  switch (typeof value) {
    case 'string': return `<value><string>${escapeXml(value)}</string></value>`;
    case 'boolean': return `<value><boolean>${value ? 1 : 0}</boolean></value>`;
    case 'number':
      // Outside signed 32 bits an <int> would be refused; u32 values are sent as decimal strings by callers.
      return Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff
        ? `<value><int>${value}</int></value>`
        : `<value><double>${value}</double></value>`;
    default:
      if (Array.isArray(value)) return `<value><array><data>${value.map(encodeValue).join('')}</data></array></value>`;
      return `<value><struct>${Object.entries(value)
        .map(([name, member]) => `<member><name>${escapeXml(name)}</name>${encodeValue(member)}</member>`)
        .join('')}</struct></value>`;
  }
}

export function encodeCall(method, params) {
  return `<?xml version="1.0"?><methodCall><methodName>${escapeXml(method)}</methodName><params>${
    params.map((p) => `<param>${encodeValue(p)}</param>`).join('')}</params></methodCall>`;
}

const firstElement = (node) => node.firstElementChild;

export function decodeValue(valueElement) {
  const typed = firstElement(valueElement);
  if (!typed) return valueElement.textContent; // <value>text</value> is a string
  const text = typed.textContent;
  switch (typed.localName) {
    case 'i4': case 'int': case 'i8':
      return Number.parseInt(text.trim(), 10);
    case 'double':
      return Number.parseFloat(text.trim());
    case 'string':
      return text;
    case 'boolean':
      return text.trim() === '1';
    case 'dateTime.iso8601':
      return parseDateTime(text.trim());
    case 'base64':
      return atob(text.replace(/\s+/g, ''));
    case 'nil':
      return null;
    case 'array': {
      const data = firstElement(typed);
      return data ? Array.from(data.children, decodeValue) : [];
    }
    case 'struct': {
      // No prototype: a member called "__proto__" is data, not a way to change the object.
      const result = Object.create(null);
      for (const member of typed.children) {
        const name = member.getElementsByTagName('name')[0];
        const value = member.getElementsByTagName('value')[0];
        if (name && value) result[name.textContent] = decodeValue(value);
      }
      return result;
    }
    default:
      throw new Error(`XML-RPC: unknown type <${typed.localName}>`);
  }
}

/** 20261129T18:20:17 (the XML-RPC form) or ISO 8601 with dashes; a Date. */
function parseDateTime(text) {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(text);
  return m ? new Date(Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : new Date(Number.NaN);
}

export function decodeResponse(xmlText) {
  const doc = new DOMParser().parseFromString(xmlText, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length) throw new Error('XML-RPC: the answer is not XML');
  const fault = doc.getElementsByTagName('fault')[0];
  if (fault) {
    const detail = decodeValue(firstElement(fault));
    throw new Fault(detail.faultCode, detail.faultString);
  }
  const value = doc.querySelector('methodResponse > params > param > value');
  if (!value) throw new Error('XML-RPC: the answer has no value');
  return decodeValue(value);
}

/** Calls one method at url; resolves to its value, rejects with a Fault or an Error (network, HTTP). */
export async function call(url, method, params = []) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml; charset=utf-8' },
    body: encodeCall(method, params),
    cache: 'no-store',
    credentials: 'same-origin',
  });
  if (!response.ok) throw new Error(`HTTP ${response.status} from the server`);
  return decodeResponse(await response.text());
}

/**
 * system.multicall: one request for several calls. Resolves to one entry per call, either
 * { value } or { fault } (a Fault), in order.
 */
export async function multicall(url, calls) {
  const results = await call(url, 'system.multicall', [
    calls.map(([methodName, params]) => ({ methodName, params })),
  ]);
  return results.map((entry) => (Array.isArray(entry)
    ? { value: entry[0] }
    : { fault: new Fault(entry.faultCode, entry.faultString) }));
}
