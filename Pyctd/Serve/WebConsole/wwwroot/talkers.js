// Top talkers: the hosts or destination ports with the highest current rate or the most
// connections, from the server's group() aggregate over the same filters as the table.
// A server without group() answers "unknown method": the panel then hides itself for good.
import * as format from './format.js';
import { FAULT_UNKNOWN_METHOD } from './xmlrpc.js';

const LENGTH = 10;

export class Talkers {
  constructor(panel) {
    this.panel = panel;
    this.key = panel.querySelector('#talker-key');
    this.order = panel.querySelector('#talker-order');
    this.body = panel.querySelector('#talker-rows');
    this.message = panel.querySelector('#talker-message');
    this.available = true;
  }

  /** The group() call for the view's filters, or null when the server has no group(). */
  call(filters) {
    if (!this.available) return null;
    return ['group', [filters, this.key.value, this.order.value, 'DESC', LENGTH]];
  }

  show(result) {
    if (result.fault) {
      if (result.fault.code === FAULT_UNKNOWN_METHOD) {
        this.available = false;
        this.panel.hidden = true;
        return;
      }
      this.message.textContent = result.fault.message;
      this.body.replaceChildren();
      this.panel.hidden = false;
      return;
    }
    this.panel.hidden = false;
    this.message.textContent = result.value.length ? '' : 'No connections.';
    const rows = result.value.map((group) => {
      const tr = document.createElement('tr');
      for (const [text, numeric] of [
        [String(group.key), false],
        [format.rate(group.rate), true],
        [format.count(group.connections), true],
      ]) {
        const td = document.createElement('td');
        td.textContent = text;
        if (numeric) td.className = 'num';
        else td.title = text; // long IPv6 keys are cut short
        tr.append(td);
      }
      return tr;
    });
    this.body.replaceChildren(...rows);
  }
}
