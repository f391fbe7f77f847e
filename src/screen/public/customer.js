// What a POS puts on the terminal's screen between payments (src/display, src/prompts): its customer
// display (a basket, a message, a QR code) and its prompts, answered by touch, keyboard or pointer.
// screen.js calls render() with each state; answers go to /screen/actions through the `act` it gives.
'use strict';

window.EposdCustomer = (() => {
  const $ = (id) => document.getElementById(id);
  const el = (tag, props = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === 'testid') node.dataset.testid = v;
      else if (k in node) node[k] = v;
      else node.setAttribute(k, v);
    }
    node.append(...children);
    return node;
  };

  function money(minor, currency, locale) {
    try {
      const nf = new Intl.NumberFormat(locale || 'en', { style: 'currency', currency });
      return nf.format(minor / 10 ** nf.resolvedOptions().maximumFractionDigits);
    } catch {
      return `${currency} ${(minor / 100).toFixed(2)}`;
    }
  }

  // ── the customer display ────────────────────────────────────────────────

  let shownVersion = 0;
  function renderDisplay(d) {
    const fresh = d.version !== shownVersion;
    shownVersion = d.version;
    $('view-display').lang = d.locale;
    $('disp-message').hidden = d.message === undefined;
    $('disp-message').textContent = d.message || '';
    const basket = Array.isArray(d.lineItems);
    $('disp-basket').hidden = !basket;
    if (basket) {
      const fmt = (n) => money(n, d.currency, d.locale);
      $('disp-title').textContent = d.labels.items;
      $('disp-lines').replaceChildren(
        ...d.lineItems.map((i) => {
          const li = el('li', {}, el('span', { className: 'q' }, `${i.quantity} ×`), el('span', { className: 'n' }, i.name), el('span', { className: 't' }, fmt(i.total)));
          // The highlight plays once per new basket: a repeated render of the same version keeps it still.
          if (i.change && fresh) li.className = i.change;
          if (i.change) li.dataset.change = i.change;
          return li;
        }),
      );
      $('disp-removed').replaceChildren(...(d.removed || []).map((i) => el('li', { className: fresh ? 'gone' : 'gone still' }, el('span', {}, `${d.labels.removed}: ${i.quantity} × ${i.name}`))));
      const rows = [];
      if (d.tax) rows.push([d.labels.subtotal, fmt(d.subtotal)], [d.labels.tax, fmt(d.tax)]);
      rows.push([d.labels.total, fmt(d.total)]);
      $('disp-sums').replaceChildren(
        ...rows.map(([k, v], n) => el('div', { className: n === rows.length - 1 ? 'total' : '' }, el('dt', {}, k), el('dd', { testid: n === rows.length - 1 ? 'display-total' : '' }, v))),
      );
    }
    $('disp-qr').hidden = !d.qr;
    if (d.qr) {
      const quiet = 2;
      $('disp-qr-svg').setAttribute('viewBox', `${-quiet} ${-quiet} ${d.qr.size + 2 * quiet} ${d.qr.size + 2 * quiet}`);
      $('disp-qr-path').setAttribute('d', d.qr.path);
      $('disp-qr-caption').textContent = d.labels.scan;
    }
  }

  // ── prompts ─────────────────────────────────────────────────────────────

  let promptKey = '';
  let pad = null;

  function renderPrompt(p, act) {
    $('view-prompt').lang = p.locale;
    $('ask-error').hidden = !p.error;
    $('ask-error').textContent = p.error || '';
    // Redrawn only for another prompt: what the cardholder is typing or drawing stays.
    if (p.promptId === promptKey) return;
    promptKey = p.promptId;
    pad = null;
    $('ask-title').textContent = p.title;
    $('ask-body').textContent = p.body || '';
    $('ask-body').hidden = !p.body;
    $('ask-foot').textContent = p.labels.hint;
    const answer = (value) => act({ action: 'answerPrompt', promptId: p.promptId, value });
    const skip = p.required
      ? []
      : [el('button', { type: 'button', className: 'ask-skip', testid: 'ask-skip', textContent: p.labels.skip, onclick: () => act({ action: 'skipPrompt', promptId: p.promptId }) })];
    const ok = (onclick) => el('button', { type: 'submit', className: 'ask-ok', testid: 'ask-ok', textContent: p.labels.ok, onclick });
    const form = $('ask');
    form.onsubmit = (e) => e.preventDefault();
    const input = $('ask-input');
    const actions = $('ask-actions');
    switch (p.type) {
      case 'confirm': {
        input.replaceChildren();
        actions.replaceChildren(
          el('button', { type: 'button', className: 'ask-no', testid: 'ask-no', textContent: p.labels.no, onclick: () => answer(false) }),
          el('button', { type: 'button', className: 'ask-yes', testid: 'ask-yes', textContent: p.labels.yes, onclick: () => answer(true) }),
          ...skip,
        );
        break;
      }
      case 'select': {
        const kind = p.multiple ? 'checkbox' : 'radio';
        input.replaceChildren(
          el(
            'fieldset',
            { className: 'ask-options' },
            el('legend', { className: 'sr', textContent: p.labels.hint }),
            ...p.options.map((o) =>
              el('label', { className: 'ask-option', testid: `ask-option-${o.id}` }, el('input', { type: kind, name: 'ask-option', value: o.id }), el('span', { textContent: o.label })),
            ),
          ),
        );
        const chosen = () => [...input.querySelectorAll('input:checked')].map((i) => i.value);
        form.onsubmit = (e) => {
          e.preventDefault();
          answer(chosen());
        };
        actions.replaceChildren(...skip, ok());
        break;
      }
      case 'signature': {
        const canvas = el('canvas', { className: 'ask-pad', testid: 'ask-pad', width: 560, height: 320, 'aria-label': p.labels.hint, role: 'img' });
        input.replaceChildren(canvas);
        pad = signaturePad(canvas);
        actions.replaceChildren(el('button', { type: 'button', className: 'ask-clear', testid: 'ask-clear', textContent: p.labels.clear, onclick: () => pad && pad.clear() }), ...skip, ok());
        form.onsubmit = (e) => {
          e.preventDefault();
          answer(pad.value());
        };
        break;
      }
      default: {
        // text, email, phone, number: one field, the keyboard the type needs.
        const field = el('input', { className: 'ask-field', testid: 'ask-field', 'aria-label': p.title, autocomplete: 'off', spellcheck: false });
        if (p.type === 'email') Object.assign(field, { type: 'email', inputMode: 'email', autocomplete: 'email', placeholder: 'name@example.com' });
        if (p.type === 'phone') Object.assign(field, { type: 'tel', inputMode: 'tel', autocomplete: 'tel', value: p.callingCode ? `+${p.callingCode} ` : '+' });
        if (p.type === 'number') Object.assign(field, { type: 'text', inputMode: p.decimals ? 'decimal' : 'numeric' });
        if (p.type === 'text') Object.assign(field, { type: 'text', maxLength: p.maxLength || 200 });
        const row = [field];
        if (p.unit) row.push(el('span', { className: 'ask-unit', textContent: p.unit }));
        input.replaceChildren(el('div', { className: 'ask-row' }, ...row));
        form.onsubmit = (e) => {
          e.preventDefault();
          answer(field.value);
        };
        actions.replaceChildren(...skip, ok());
        setTimeout(() => field.focus(), 0);
      }
    }
  }

  /**
   * The signature pad: pointer events (finger, pen or mouse), each stroke a list of points in the
   * canvas's own pixels. Points closer than 3 pixels to the last are dropped, and a long signature is
   * thinned until its JSON fits the screen's 16 KiB body.
   */
  function signaturePad(canvas) {
    const ctx = canvas.getContext('2d');
    const strokes = [];
    let drawing = null;
    const at = (e) => {
      const r = canvas.getBoundingClientRect();
      const x = Math.round(((e.clientX - r.left) / r.width) * canvas.width);
      const y = Math.round(((e.clientY - r.top) / r.height) * canvas.height);
      return [Math.max(0, Math.min(canvas.width, x)), Math.max(0, Math.min(canvas.height, y))];
    };
    const paint = () => {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.lineWidth = 4;
      ctx.lineCap = 'round';
      ctx.lineJoin = 'round';
      ctx.strokeStyle = '#0b1f3a';
      for (const s of strokes) {
        ctx.beginPath();
        ctx.moveTo(s[0][0], s[0][1]);
        for (const [x, y] of s.slice(1)) ctx.lineTo(x, y);
        if (s.length === 1) ctx.lineTo(s[0][0] + 0.1, s[0][1]);
        ctx.stroke();
      }
    };
    canvas.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      canvas.setPointerCapture(e.pointerId);
      drawing = [at(e)];
      strokes.push(drawing);
      paint();
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!drawing) return;
      const p = at(e);
      const last = drawing[drawing.length - 1];
      if (Math.hypot(p[0] - last[0], p[1] - last[1]) < 3) return;
      drawing.push(p);
      paint();
    });
    const end = () => {
      drawing = null;
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    return {
      clear() {
        strokes.length = 0;
        paint();
      },
      value() {
        let kept = strokes.map((s) => s.slice());
        while (JSON.stringify(kept).length > 12000) kept = kept.map((s) => s.filter((_, i) => i % 2 === 0 || i === s.length - 1));
        return { strokes: kept, width: canvas.width, height: canvas.height };
      },
    };
  }

  /** The keypad's keys while a prompt is up: digits type into its field, CLEAR empties it, ENTER answers. */
  function press(key) {
    const field = document.querySelector('.ask-field');
    if (key === 'enter') return void $('ask').requestSubmit();
    if (key === 'clear') {
      if (pad) pad.clear();
      if (field) field.value = field.type === 'tel' ? '+' : '';
      return;
    }
    if (field && /^[0-9]$/.test(key)) field.value += key;
  }

  return {
    render(state, act) {
      if (state.screen === 'display' && state.display) renderDisplay(state.display);
      if (state.screen === 'prompt' && state.prompt) renderPrompt(state.prompt, act);
      else promptKey = '';
    },
    press,
  };
})();
