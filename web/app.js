// samstyr's web form: moves values between the form and the JSON document, asks the server for
// the assessment (rendered there), and keeps the work in localStorage. No framework; the page is
// usable without this script only as a description of the format.
'use strict';
(function () {
  const form = document.getElementById('doc');
  if (!form) return;
  const texts = document.getElementById('texts').dataset;
  const lang = texts.lang;
  const result = document.getElementById('result');
  const status = document.getElementById('status');
  const summary = document.getElementById('error-summary');
  const asOf = document.getElementById('as-of');
  const storeKey = 'samstyr:' + form.dataset.schema;

  // ---- ids: a control's id is `f` and its JSON pointer's segments joined by dots.
  function children(container) {
    const fields = container.querySelector(':scope > .fields');
    return fields ? Array.from(fields.querySelectorAll(':scope > .fld')) : [];
  }
  function items(list) {
    return Array.from(list.querySelector(':scope > ol.items').children);
  }
  function retag(root, from, to) {
    if (from === to) return;
    const esc = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp('(^|\\s)' + esc + '(?=[.\\-]|$|\\s)', 'g');
    const all = [root].concat(Array.from(root.querySelectorAll('*')));
    for (const el of all) {
      for (const a of ['id', 'for', 'name', 'aria-describedby', 'data-prefix']) {
        const v = el.getAttribute(a);
        if (v && v.indexOf(from) >= 0) el.setAttribute(a, v.replace(re, '$1' + to));
      }
    }
  }
  function renumber(list) {
    const base = list.id;
    items(list).forEach((li, n) => {
      retag(li, li.dataset.prefix, base + '.' + n);
      li.dataset.prefix = base + '.' + n;
      li.id = base + '.' + n;
      const no = li.querySelector(':scope > .item-head .item-no');
      if (no) no.textContent = texts.item + ' ' + (n + 1);
    });
  }
  function addItem(list) {
    const tpl = document.getElementById(list.dataset.template);
    const li = tpl.content.firstElementChild.cloneNode(true);
    li.dataset.prefix = 'f.__i__';
    list.querySelector(':scope > ol.items').appendChild(li);
    renumber(list);
    return li;
  }

  // ---- form → JSON
  function scalarOf(fld) {
    const kind = fld.dataset.kind;
    const nul = fld.querySelector(':scope > .null input, :scope > .options + .null input');
    if (nul && nul.checked) return null;
    if (kind === 'radio') {
      const r = fld.querySelector(':scope input[type=radio]:checked');
      if (!r || r.value === '') return undefined;
      if (r.dataset.json === 'bool') return r.value === 'true';
      return r.value;
    }
    const input = fld.querySelector(':scope > input:not([type=checkbox]), :scope > select');
    const v = input ? input.value.trim() : '';
    if (v === '') return undefined;
    if (kind === 'number') {
      // A number as written; anything else goes as text, so that the check says what is wrong.
      return /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(v) ? Number(v) : v;
    }
    return v;
  }
  function valueOf(fld) {
    const kind = fld.dataset.kind;
    if (kind === 'const') return fld.value;
    if (kind === 'object') return objectOf(fld);
    // A list left empty is not stated, unless its "none" box says it is stated empty.
    const none = fld.querySelector(':scope > .null input[data-none]');
    const empty = none && none.checked ? [] : undefined;
    if (kind === 'refs') {
      const keys = Array.from(fld.querySelectorAll('ul.checks input:checked')).map((c) => c.value);
      return keys.length ? keys : empty;
    }
    if (kind === 'list') {
      const out = [];
      for (const li of items(fld)) {
        if (li.dataset.kind === 'object') out.push(objectOf(li) || {});
        else {
          const f = li.querySelector(':scope > .fields > .fld');
          const v = f ? scalarOf(f) : undefined;
          out.push(v === undefined ? '' : v);
        }
      }
      return out.length ? out : empty;
    }
    return scalarOf(fld);
  }
  function objectOf(container) {
    const o = {};
    let any = false;
    for (const f of children(container)) {
      const v = valueOf(f);
      if (v !== undefined) { o[f.dataset.field] = v; any = true; }
    }
    return any ? o : undefined;
  }
  function documentOf() {
    const o = {};
    const c = form.querySelector(':scope > input[data-kind=const]');
    o[c.dataset.field] = c.value;
    Object.assign(o, objectOf(form) || {});
    return o;
  }

  // ---- JSON → form; returns the pointers of values the form has no place for.
  function fill(fld, v, pointer, dropped) {
    const kind = fld.dataset.kind;
    if (kind === 'object') {
      fillObject(fld, v && typeof v === 'object' && !Array.isArray(v) ? v : {}, pointer, dropped);
      return;
    }
    const none = fld.querySelector(':scope > .null input[data-none]');
    if (none) none.checked = Array.isArray(v) && v.length === 0;
    if (kind === 'refs') {
      const want = Array.isArray(v) ? v.map(String) : [];
      for (const c of fld.querySelectorAll('ul.checks input')) c.checked = want.includes(c.value);
      return;
    }
    if (kind === 'list') {
      for (const li of items(fld)) li.remove();
      (Array.isArray(v) ? v : []).forEach((x, n) => {
        const li = addItem(fld);
        if (li.dataset.kind === 'object') fillObject(li, x && typeof x === 'object' ? x : {}, pointer + '/' + n, dropped);
        else fill(li.querySelector(':scope > .fields > .fld'), x, pointer + '/' + n, dropped);
      });
      return;
    }
    const nul = fld.querySelector(':scope .null input');
    if (nul) nul.checked = v === null;
    if (kind === 'radio') {
      const want = v === undefined || v === null ? '' : String(v);
      for (const r of fld.querySelectorAll('input[type=radio]')) r.checked = r.value === want;
      return;
    }
    const input = fld.querySelector(':scope > input:not([type=checkbox]), :scope > select');
    if (input) input.value = v === undefined || v === null ? '' : String(v);
  }
  function fillObject(container, o, pointer, dropped) {
    const seen = new Set();
    for (const f of children(container)) {
      seen.add(f.dataset.field);
      fill(f, o[f.dataset.field], pointer + '/' + f.dataset.field, dropped);
    }
    for (const k of Object.keys(o)) {
      if (!seen.has(k) && !(container === form && k === form.querySelector(':scope > input[data-kind=const]').dataset.field)) {
        dropped.push(pointer + '/' + k);
      }
    }
  }
  function load(text) {
    const note = document.getElementById('load-status');
    let doc;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      note.textContent = texts.badJson + ' ' + e.message;
      return false;
    }
    const dropped = [];
    fillObject(form, doc && typeof doc === 'object' ? doc : {}, '', dropped);
    note.textContent = texts.loaded + (dropped.length ? ' ' + texts.dropped + ' ' + dropped.join(', ') : '');
    changed(true);
    return true;
  }

  // ---- the assessment
  let timer = null;
  let asked = 0;
  function changed(now) {
    try { localStorage.setItem(storeKey, JSON.stringify(documentOf())); } catch (e) { /* storage full or off */ }
    clearTimeout(timer);
    timer = setTimeout(check, now ? 0 : 600);
  }
  async function check(fromButton) {
    const n = ++asked;
    status.textContent = texts.checking;
    let html;
    try {
      const r = await fetch('/web/result?lang=' + lang + '&as_of=' + encodeURIComponent(asOf.value || ''), {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(documentOf()),
      });
      html = await r.text();
    } catch (e) {
      if (n === asked) status.textContent = texts.failed;
      return;
    }
    if (n !== asked) return; // a newer answer is on its way
    result.innerHTML = html;
    const res = result.querySelector('.result');
    status.textContent = res ? res.dataset.summary : '';
    showErrors(fromButton === true);
  }
  function showErrors(focus) {
    for (const p of form.querySelectorAll('p.err')) { p.hidden = true; p.textContent = ''; }
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    const errs = result.querySelector('.errors');
    if (!errs) { summary.hidden = true; summary.innerHTML = ''; return; }
    summary.innerHTML = errs.outerHTML;
    summary.hidden = false;
    for (const li of errs.querySelectorAll('li[data-pointer]')) {
      const el = target(li.dataset.pointer);
      if (!el) continue;
      const fld = el.closest('.fld');
      const p = fld && fld.querySelector(':scope > p.err');
      if (p) { p.hidden = false; p.textContent = (p.textContent ? p.textContent + ' ' : '') + li.dataset.message; p.lang = 'en'; }
      const ctl = fld && fld.querySelector(':scope > input, :scope > select');
      (ctl || fld).setAttribute('aria-invalid', 'true');
    }
    // The list stands once, at the top of the form; the panel points to it.
    const list = errs.querySelector('ul');
    if (list) {
      const a = document.createElement('a');
      a.href = '#error-summary';
      a.textContent = texts.seeList;
      a.addEventListener('click', (ev) => { ev.preventDefault(); summary.focus(); summary.scrollIntoView(); });
      const p = document.createElement('p');
      p.appendChild(a);
      list.replaceWith(p);
    }
    if (focus) summary.focus();
  }
  // The control for a pointer, or the nearest group that holds it (an item not yet added).
  function target(pointer) {
    let segs = pointer.split('/').slice(1);
    while (true) {
      const el = document.getElementById(['f'].concat(segs).join('.'));
      if (el) return el;
      if (!segs.length) return null;
      segs = segs.slice(0, -1);
    }
  }
  function go(pointer) {
    const el = target(pointer);
    if (!el) return;
    const details = el.closest('details');
    if (details) details.open = true;
    let focus = el;
    if (el.tagName === 'FIELDSET' || el.tagName === 'LI') {
      focus = el.querySelector('input:checked') || el.querySelector('input, select, button') || el;
    }
    focus.scrollIntoView({ block: 'center' });
    focus.focus();
  }

  // ---- events
  document.addEventListener('click', (ev) => {
    const a = ev.target.closest('a.goto');
    if (a) { ev.preventDefault(); go(a.dataset.pointer); return; }
    const b = ev.target.closest('button');
    if (!b || !form.contains(b)) return;
    if (b.dataset.add) {
      const list = b.closest('.fld');
      const li = addItem(list);
      const first = li.querySelector('input:not([type=hidden]), select');
      if (first) first.focus();
      changed();
    } else if (b.dataset.remove || b.dataset.move) {
      const li = b.closest('li.item');
      const list = li.parentElement.closest('.fld');
      if (b.dataset.remove) {
        const next = li.nextElementSibling || li.previousElementSibling;
        li.remove();
        renumber(list);
        const f = next ? next.querySelector('.item-tools button[data-remove]') : list.querySelector(':scope > button.add');
        if (f) f.focus();
      } else {
        const sib = b.dataset.move === '-1' ? li.previousElementSibling : li.nextElementSibling;
        if (sib) {
          if (b.dataset.move === '-1') sib.before(li); else sib.after(li);
          renumber(list);
          b.focus();
        }
      }
      changed();
    }
  });
  form.addEventListener('input', (ev) => {
    if (ev.target.dataset.filter) {
      const q = ev.target.value.trim().toLowerCase();
      const ul = ev.target.closest('.fld').querySelector('ul.checks');
      for (const li of ul.children) li.hidden = q !== '' && !li.textContent.toLowerCase().includes(q);
      return;
    }
    changed();
  });
  form.addEventListener('change', (ev) => { if (!ev.target.dataset.filter) changed(); });
  form.addEventListener('submit', (ev) => { ev.preventDefault(); check(true); });
  asOf.addEventListener('change', () => changed(true));
  document.getElementById('check').addEventListener('click', () => { clearTimeout(timer); check(true); });
  document.getElementById('download').addEventListener('click', () => {
    const doc = documentOf();
    const blob = new Blob([JSON.stringify(doc, null, 2) + '\n'], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    const key = Object.values(doc).find((v) => typeof v === 'string' && /^[A-Za-z0-9._-]+$/.test(v) && v !== form.dataset.schema);
    a.download = (key || 'document') + '.json';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  });
  document.getElementById('print').addEventListener('click', () => window.print());
  document.getElementById('clear').addEventListener('click', () => {
    if (!window.confirm(texts.confirmClear)) return;
    fillObject(form, {}, '', []);
    try { localStorage.removeItem(storeKey); } catch (e) { /* nothing kept */ }
    changed(true);
  });
  document.getElementById('load-file').addEventListener('change', (ev) => {
    const file = ev.target.files && ev.target.files[0];
    if (file) file.text().then(load);
  });
  document.getElementById('paste-load').addEventListener('click', () => {
    load(document.getElementById('paste').value);
  });

  // ---- start: the work kept from the last visit, if any
  let kept = null;
  try { kept = localStorage.getItem(storeKey); } catch (e) { /* storage off */ }
  if (kept) {
    const dropped = [];
    try { fillObject(form, JSON.parse(kept), '', dropped); } catch (e) { /* a broken copy is dropped */ }
    check(false);
  }
  // An empty form is not judged until the officer starts: it would only list what is missing.
  window.addEventListener('beforeprint', () => {
    for (const d of result.querySelectorAll('details')) d.open = true;
  });
})();
