// Confirmation dialogs (<dialog>: Escape closes them, focus stays inside while open).

const dialog = () => document.getElementById('confirm');

/**
 * Asks before an action. With `value`, also asks for a value, checked by value.parse (which
 * returns the value or throws an Error whose message is shown). Resolves to true / the value,
 * or null when cancelled.
 */
export function confirmAction({ title, text, action, value }) {
  const box = dialog();
  const input = document.getElementById('confirm-value');
  const error = document.getElementById('confirm-error');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = action;
  document.getElementById('confirm-value-label').hidden = !value;
  document.getElementById('confirm-value-name').textContent = value?.label ?? '';
  input.value = value?.initial ?? '';
  input.placeholder = value?.placeholder ?? '';
  error.textContent = '';
  return new Promise((resolve) => {
    const form = box.querySelector('form');
    const finish = (result) => {
      form.removeEventListener('submit', submitted);
      box.removeEventListener('close', closed);
      if (box.open) box.close();
      resolve(result);
    };
    const submitted = (event) => {
      event.preventDefault();
      if (!value) {
        finish(true);
        return;
      }
      try {
        finish(value.parse(input.value.trim()));
      } catch (bad) {
        error.textContent = bad.message;
        input.focus();
      }
    };
    const closed = () => finish(null);
    const cancel = document.getElementById('confirm-cancel');
    cancel.onclick = () => box.close();
    form.addEventListener('submit', submitted);
    box.addEventListener('close', closed);
    box.showModal();
    (value ? input : document.getElementById('confirm-ok')).focus();
  });
}
