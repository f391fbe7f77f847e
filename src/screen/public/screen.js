// The terminal's display in a browser: renders ScreenState from /screen and /screen/events, and sends
// what a person does at the device to /screen/actions. No framework, no build step (CSP: script-src 'self').
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const bench = document.querySelector('.bench');
  const device = document.querySelector('.device');
  const display = document.querySelector('[data-testid="screen"]');

  const PIN_MAX = 12;
  const PIN_SLOTS = 4;
  const PAIRING_WINDOW_MS = 10 * 60 * 1000;
  const TYPES = { SALE: 'Sale', REFUND: 'Refund', PREAUTH: 'Pre-auth', COMPLETION: 'Completion', REVERSAL: 'Reversal', INCREMENT: 'Increment' };
  const PROMPTS = {
    PRESENT_CARD: 'Present card',
    READING_CARD: 'Reading card',
    ENTER_PIN: 'Enter PIN',
    AUTHORISING: 'Authorising',
    PRINTING: 'Printing',
    APPROVED: 'Approved',
    DECLINED: 'Declined',
    CANCELLED: 'Cancelled',
    TIMED_OUT: 'Timed out',
    FAILED: 'Failed',
  };
  const FOOTS = {
    PRESENT_CARD: 'Tap, insert or swipe',
    ENTER_PIN: 'ENTER to confirm · CLEAR to correct',
    AUTHORISING: 'Do not remove card',
  };

  let state = null;
  let pin = '';
  let pinOwner = '';
  let pairTotalMs = 0;
  let pairKey = '';
  let receiptKey = '';

  // ── formatting ──────────────────────────────────────────────────────────

  function formatAmount(minor, currency) {
    try {
      const nf = new Intl.NumberFormat('en-IE', { style: 'currency', currency });
      const digits = nf.resolvedOptions().maximumFractionDigits;
      return nf.format(minor / 10 ** digits);
    } catch {
      return `${currency} ${(minor / 100).toFixed(2)}`;
    }
  }

  function apiUrl(address, port) {
    const host = address.includes(':') ? `[${address}]` : address;
    return `https://${host}:${port}/payntpos/1.0.0`;
  }

  function two(n) {
    return String(n).padStart(2, '0');
  }

  function cardBrand(pan) {
    if (/^4/.test(pan)) return ['visa', 'VISA'];
    if (/^(5[1-5]|2[2-7])/.test(pan)) return ['mastercard', 'MC'];
    if (/^3[47]/.test(pan)) return ['amex', 'AMEX'];
    return ['', 'CARD'];
  }

  // ── rendering ───────────────────────────────────────────────────────────

  function render() {
    const s = state;
    if (!s) return;
    const prompt = s.screen === 'payment' && s.payment ? s.payment.prompt : '';
    display.dataset.screen = s.screen;
    device.dataset.prompt = prompt;
    if (prompt) display.dataset.prompt = prompt;
    else delete display.dataset.prompt;
    bench.classList.toggle('wants-card', prompt === 'PRESENT_CARD');
    $('panel-hint').textContent = prompt === 'PRESENT_CARD' ? 'The terminal wants a card: pick one below.' : 'What a person would do at the device.';
    $('panel-hint').classList.toggle('nudge', prompt === 'PRESENT_CARD');

    $('sb-merchant').textContent = s.merchantName || 'eposd';
    $('view-idle').hidden = s.screen !== 'idle';
    $('view-pairing').hidden = s.screen !== 'pairing';
    $('view-payment').hidden = s.screen !== 'payment';
    $('view-display').hidden = s.screen !== 'display';
    $('view-prompt').hidden = s.screen !== 'prompt';
    $('screen-alert').hidden = !s.alerts;
    $('screen-alert').textContent = (s.alerts || []).join(' — ');

    if (s.screen === 'idle') renderIdle(s);
    if (s.screen === 'pairing') renderPairing(s);
    if (s.screen === 'payment' && s.payment) renderPayment(s.payment);
    window.EposdCustomer.render(s, act);
    renderReceipt(s.screen === 'payment' && s.payment ? s.payment : undefined);
    tick();
  }

  function renderIdle(s) {
    $('idle-merchant').textContent = s.merchantName || 'eposd';
    $('idle-tid').textContent = s.tid || '—';
    $('idle-serial').textContent = s.serialNumber || '—';
    const pill = $('ready-pill');
    pill.classList.toggle('busy', !s.ready);
    pill.querySelector('span').textContent = s.ready ? 'Ready' : 'Busy';
    const list = $('idle-addresses');
    list.replaceChildren(
      ...(s.addresses || []).map((a) => {
        const line = document.createElement('span');
        const url = apiUrl(a, s.apiPort);
        const cut = url.indexOf('/payntpos');
        line.append(url.slice(0, cut), document.createElement('wbr'), url.slice(cut));
        return line;
      }),
    );
    if (!list.childElementCount) list.textContent = 'No network';
  }

  function renderPairing(s) {
    const code = String(s.pairingCode || '');
    const codeEl = $('pairing-code');
    codeEl.dataset.code = code;
    const groups = code.length === 6 ? [code.slice(0, 3), code.slice(3)] : [code || '------'];
    const parts = [];
    groups.forEach((group, i) => {
      if (i) parts.push(document.createTextNode(' '));
      const g = document.createElement('span');
      g.className = 'group';
      for (const ch of group) {
        const d = document.createElement('span');
        d.className = 'digit';
        d.textContent = ch;
        g.append(d);
      }
      parts.push(g);
    });
    codeEl.replaceChildren(...parts);
    // Lower case, as the ready line and eposd-pos show it (docs/pos-client.md); the blocks only space it out.
    const fp = String(s.fingerprint || '');
    const blocks = fp.match(/.{1,4}/g) || [];
    $('pair-fp').replaceChildren(
      ...blocks.map((b) => {
        const el = document.createElement('span');
        el.textContent = b;
        return el;
      }),
    );
    // The bar shows the share of the window left (SPEC §3: a code is valid 10 minutes).
    const key = `${code}|${s.pairingExpiresAt}`;
    if (key !== pairKey) {
      pairKey = key;
      pairTotalMs = Math.max(PAIRING_WINDOW_MS, Date.parse(s.pairingExpiresAt) - Date.now());
    }
  }

  function renderPayment(p) {
    const labels = p.labels || {};
    const type = $('pay-type');
    type.textContent = labels.type || TYPES[p.transType] || p.transType;
    type.className = `pay-type ${String(p.transType).toLowerCase()}`;
    $('pay-uti').textContent = p.uti ? `UTI ${p.uti}` : '';
    $('pay-amount').textContent = typeof p.amount === 'number' ? formatAmount(p.amount, p.currency || 'EUR') : '';

    const title = labels.title || (p.tip && p.tip.text.title) || PROMPTS[p.prompt] || p.prompt;
    $('prompt-title').textContent = title;
    const plain = (t) =>
      String(t)
        .toLowerCase()
        .replace(/[\s.…!]+$/u, '');
    const message = p.message && plain(p.message) !== plain(title) ? p.message : '';
    $('prompt-message').textContent = message;
    $('pay-foot').textContent = p.labels ? labels.foot : FOOTS[p.prompt] || (p.tip ? p.tip.text.foot : '');
    if (p.locale) display.lang = p.locale;
    renderItems(p, labels);

    const owner = `${p.uti}|${p.prompt}`;
    if (owner !== pinOwner) {
      pinOwner = owner;
      pin = '';
    }
    renderPin();
    renderTip(p);

    const card = $('pay-card');
    card.hidden = !p.card;
    if (p.card) {
      const [cls, label] = cardBrand(p.card);
      const brand = $('card-brand');
      brand.className = `card-brand ${cls}`;
      brand.textContent = label;
      $('card-pan').textContent = p.card.replace(/(.{4})(?=.)/g, '$1 ');
    }
  }

  // The tip step: the choices and the words come from the terminal (screen/tip-text.ts), amounts in minor units.
  let tipKey = '';
  function renderTip(p) {
    const box = $('tip-choices');
    const tip = p.prompt === 'CHOOSE_TIP' ? p.tip : undefined;
    box.hidden = !tip;
    if (typeof p.total === 'number') $('pay-amount').textContent = formatAmount(p.total, p.currency || 'EUR');
    if (!tip) return void (tipKey = '');
    const key = `${p.uti}|${JSON.stringify(tip)}`;
    if (key === tipKey) return;
    tipKey = key;
    const currency = p.currency || 'EUR';
    const button = (label, sub, body, testId) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'tip-choice';
      b.dataset.testid = testId;
      b.append(document.createTextNode(label));
      if (sub) {
        const small = document.createElement('small');
        small.textContent = sub;
        b.append(small);
      }
      b.addEventListener('click', () => act({ action: 'chooseTip', ...body }));
      return b;
    };
    const choices = tip.choices.map((c) => button(`${c.percent}%`, formatAmount(c.amount, currency), { percent: c.percent }, `tip-${c.percent}`));
    const custom = document.createElement('form');
    custom.className = 'tip-custom';
    const input = document.createElement('input');
    input.inputMode = 'decimal';
    input.placeholder = tip.text.custom;
    input.setAttribute('aria-label', tip.text.custom);
    input.dataset.testid = 'tip-custom-amount';
    const ok = document.createElement('button');
    ok.type = 'submit';
    ok.textContent = tip.text.confirm;
    ok.dataset.testid = 'tip-custom-ok';
    custom.append(input, ok);
    custom.addEventListener('submit', (e) => {
      e.preventDefault();
      let digits = 2;
      try {
        digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
      } catch {
        // an unknown code: two decimals
      }
      const value = Number(String(input.value).replace(',', '.'));
      if (!Number.isFinite(value) || value < 0) return shakePin();
      act({ action: 'chooseTip', amount: Math.round(value * 10 ** digits) });
    });
    box.replaceChildren(...choices, button(tip.text.noTip, '', { amount: 0 }, 'tip-none'), custom);
  }

  // The order's lines, when the POS sent them, in the cardholder's language.
  function renderItems(p, labels) {
    const box = $('pay-items');
    const items = Array.isArray(p.lineItems) ? p.lineItems : [];
    box.hidden = items.length === 0;
    $('pay-items-title').textContent = labels.items || '';
    $('pay-items-list').replaceChildren(
      ...items.map((i) => {
        const li = document.createElement('li');
        const name = document.createElement('span');
        name.textContent = `${i.quantity} × ${i.name}`;
        const total = document.createElement('span');
        total.textContent = formatAmount(i.total, p.currency || 'EUR');
        li.append(name, total);
        return li;
      }),
    );
  }

  function renderPin() {
    const p = state && state.payment;
    const field = $('pin-field');
    const count = pin.length || (p && typeof p.pinDigits === 'number' ? p.pinDigits : 0);
    const slots = Math.max(PIN_SLOTS, count);
    const dots = [];
    for (let i = 0; i < slots; i += 1) {
      const dot = document.createElement('i');
      if (i >= count) dot.className = 'empty';
      dots.push(dot);
    }
    field.replaceChildren(...dots);
    field.dataset.digits = String(count);
  }

  function renderReceipt(p) {
    const lines = p && Array.isArray(p.receipt) && p.receipt.length ? p.receipt : null;
    const box = $('printout');
    box.hidden = !lines;
    const key = lines ? `${p.uti}|${JSON.stringify(lines)}` : '';
    if (key === receiptKey) return;
    receiptKey = key;
    const paper = $('receipt');
    if (!lines) {
      paper.replaceChildren();
      return;
    }
    paper.replaceChildren(
      ...lines.map((line) => {
        const [text, size, align, style] = Array.isArray(line) ? line : [String(line), '2', 'L', 'N'];
        const el = document.createElement('div');
        el.className = `rl ${['L', 'C', 'R'].includes(align) ? align : 'L'} ${style === 'B' ? 'B' : 'N'}`;
        const n = Math.min(9, Math.max(1, parseInt(size, 10) || 2));
        el.style.fontSize = `${(8 + n * 1.6).toFixed(1)}px`;
        el.textContent = text;
        return el;
      }),
    );
    // Restart the paper feed animation for a new receipt.
    paper.style.animation = 'none';
    void paper.offsetWidth;
    paper.style.animation = '';
  }

  function tick() {
    const now = new Date();
    const hm = `${two(now.getHours())}:${two(now.getMinutes())}`;
    $('sb-clock').textContent = hm;
    $('idle-clock').textContent = hm;
    $('idle-date').textContent = now.toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long' });
    if (state && state.screen === 'pairing') {
      const left = Math.max(0, Date.parse(state.pairingExpiresAt) - now.getTime()) || 0;
      const secs = Math.ceil(left / 1000);
      $('pair-countdown').textContent = `${two(Math.floor(secs / 60))}:${two(secs % 60)}`;
      $('pair-bar').style.width = pairTotalMs > 0 ? `${Math.min(100, (left / pairTotalMs) * 100).toFixed(2)}%` : '0%';
      document.querySelector('.pair-countdown').classList.toggle('low', secs <= 60);
    }
  }

  // ── state in ────────────────────────────────────────────────────────────

  function accept(next, { force = false } = {}) {
    if (!next || typeof next !== 'object' || !next.screen) return;
    if (!force && state && typeof next.sequence === 'number' && next.sequence < state.sequence) return;
    state = next;
    render();
  }

  function setConnection(kind, text) {
    for (const id of ['conn', 'conn2']) $(id).className = `conn ${kind}`;
    $('conn').title = text;
    $('conn-text').textContent = text;
  }

  async function load() {
    try {
      const res = await fetch('/screen', { headers: { accept: 'application/json' }, cache: 'no-store' });
      if (res.ok) accept(await res.json());
    } catch {
      setConnection('down', 'Terminal not reachable');
    }
  }

  function listen() {
    if (!('EventSource' in window)) {
      setInterval(load, 1000);
      return;
    }
    const events = new EventSource('/screen/events');
    // After a reconnect the terminal may have restarted and counted again from zero.
    let fresh = true;
    events.onopen = () => {
      fresh = true;
      setConnection('live', 'Live');
    };
    events.onmessage = (e) => {
      try {
        accept(JSON.parse(e.data), { force: fresh });
        fresh = false;
      } catch {
        /* a malformed event is skipped; the next one carries the full state */
      }
    };
    events.onerror = () => setConnection('down', 'Reconnecting…');
  }

  // ── actions out ─────────────────────────────────────────────────────────

  let toastTimer = 0;
  function toast(title, detail) {
    const el = $('toast');
    const b = document.createElement('b');
    b.textContent = title;
    el.replaceChildren(b, document.createTextNode(detail || ''));
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => {
      el.hidden = true;
    }, 4000);
  }

  async function act(body) {
    try {
      const res = await fetch('/screen/actions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, application/problem+json' },
        body: JSON.stringify(body),
      });
      const data = await res.json().catch(() => null);
      // A prompt's answer refused: the screen itself says why, in the prompt's language (state.prompt.error).
      if (!res.ok && body.action === 'answerPrompt' && res.status === 400) return false;
      if (!res.ok) {
        toast(data && data.title ? data.title : `Error ${res.status}`, data && data.detail ? data.detail : '');
        return false;
      }
      if (data && data.screen) accept(data);
      return true;
    } catch {
      toast('Offline', 'The terminal is not reachable.');
      return false;
    }
  }

  function pinWanted() {
    return !!(state && state.screen === 'payment' && state.payment && state.payment.prompt === 'ENTER_PIN');
  }

  function shakePin() {
    const field = $('pin-field');
    field.classList.remove('shake');
    void field.offsetWidth;
    field.classList.add('shake');
  }

  function press(key) {
    // A prompt has the keypad: digits into its field, CLEAR, ENTER; CANCEL cancels it as it cancels a payment.
    if (state && state.screen === 'prompt' && key !== 'cancel') return window.EposdCustomer.press(key);
    if (/^[0-9]$/.test(key)) {
      if (!pinWanted()) return;
      if (pin.length >= PIN_MAX) return shakePin();
      pin += key;
      renderPin();
    } else if (key === 'backspace') {
      pin = pin.slice(0, -1);
      renderPin();
    } else if (key === 'clear') {
      pin = '';
      renderPin();
    } else if (key === 'enter') {
      if (!pinWanted()) return;
      if (!pin) return shakePin();
      const entered = pin;
      pin = '';
      renderPin();
      act({ action: 'enterPin', pin: entered });
    } else if (key === 'cancel') {
      pin = '';
      renderPin();
      act({ action: 'cancel' });
    }
  }

  function flash(selector) {
    const el = document.querySelector(selector);
    if (!el) return;
    el.classList.add('pressed');
    setTimeout(() => el.classList.remove('pressed'), 120);
  }

  // Buttons clicked with the mouse never take focus, so the physical keyboard keeps driving the keypad.
  for (const el of document.querySelectorAll('.keypad, .panel')) {
    el.addEventListener('mousedown', (e) => {
      if (e.target.closest('button')) e.preventDefault();
    });
  }
  document.querySelector('.keypad').addEventListener('click', (e) => {
    const key = e.target.closest('[data-key]');
    if (key) press(key.dataset.key);
  });

  document.querySelector('.cards').addEventListener('click', async (e) => {
    const btn = e.target.closest('[data-card]');
    if (btn) act({ action: 'presentCard', card: btn.dataset.card });
  });

  document.querySelector('.actions').addEventListener('click', (e) => {
    const btn = e.target.closest('[data-action]');
    if (!btn) return;
    if (btn.dataset.action === 'cancel') pin = '';
    act({ action: btn.dataset.action });
  });

  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
    // Typing a tip of one's own, or a prompt's answer, goes to its field, not to the keypad.
    if (e.target && e.target.closest && e.target.closest('.tip-custom, .ask') && e.key !== 'Escape') return;
    const map = { Enter: 'enter', Backspace: 'backspace', Delete: 'clear', Escape: 'cancel' };
    let key = map[e.key];
    if (/^[0-9]$/.test(e.key)) key = e.key;
    if (!key) return;
    // Enter on a focused button presses that button, not the terminal's ENTER key.
    if (key === 'enter' && document.activeElement && document.activeElement.closest('.panel')) return;
    e.preventDefault();
    flash(`.keypad [data-key="${key === 'backspace' ? 'clear' : key}"]`);
    press(key);
  });

  setInterval(tick, 1000);
  tick();
  load();
  listen();
})();
