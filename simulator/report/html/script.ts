/**
 * The report's only script: opens the details panels the chart points to and fills a cycle's panel by
 * cloning rows that are already in the page. It never parses markup (no innerHTML): text goes in with
 * textContent, so report data cannot become code.
 */
export const SCRIPT = `
(() => {
  'use strict';
  const openAncestors = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) if (p.tagName === 'DETAILS') p.open = true;
  };
  const reveal = (id) => {
    const target = id && document.getElementById(id);
    if (!target) return;
    openAncestors(target);
    if (target.tagName === 'DETAILS') target.open = true;
  };
  const fill = (panel, section) => {
    for (const box of panel.querySelectorAll('[data-fill]')) if (box.childElementCount === 0) fillCycle(box, section);
  };
  // A cycle of a large tenant has thousands of entries: the panel shows the first ones, the log has them all.
  const MAX_ENTRIES = 200;
  const fillCycle = (box, section) => {
    const key = box.getAttribute('data-fill');
    const table = document.createElement('table');
    const head = section.querySelector('table.logs thead');
    if (head) table.appendChild(head.cloneNode(true));
    const body = document.createElement('tbody');
    let total = 0;
    for (const row of section.querySelectorAll('tr[data-cycle]')) {
      if (row.getAttribute('data-cycle') !== key) continue;
      if (++total > MAX_ENTRIES) continue;
      const copy = row.cloneNode(true);
      copy.removeAttribute('id');
      copy.classList.add('cycle-entry');
      body.appendChild(copy);
      const exchanges = [];
      for (const seq of (row.getAttribute('data-x') || '').split(' ')) {
        const x = seq && document.getElementById(section.id + '-x' + seq);
        if (!x) continue;
        const c = x.cloneNode(true);
        c.removeAttribute('id');
        exchanges.push(c);
      }
      if (exchanges.length === 0) continue;
      const tr = document.createElement('tr');
      const td = document.createElement('td');
      td.colSpan = row.cells.length;
      td.className = 'x-list';
      for (const c of exchanges) td.appendChild(c);
      tr.appendChild(td);
      body.appendChild(tr);
    }
    table.appendChild(body);
    box.appendChild(table);
    if (total > MAX_ENTRIES) {
      const note = document.createElement('p');
      note.className = 'note';
      note.textContent = 'Showing the first ' + MAX_ENTRIES + ' of ' + total + ' entries of this cycle; the provisioning log below lists them all.';
      box.appendChild(note);
    }
  };
  const clearSelection = (section) => {
    for (const el of section.querySelectorAll('.selected')) el.classList.remove('selected');
  };
  const toggle = (trigger) => {
    const panel = document.getElementById(trigger.getAttribute('data-panel'));
    const section = trigger.closest('section');
    if (!panel || !section) return;
    const wasOpen = !panel.hidden;
    for (const p of panel.parentElement.children) p.hidden = true;
    clearSelection(section);
    if (wasOpen) return;
    fill(panel, section);
    panel.hidden = false;
    trigger.classList.add('selected');
    panel.scrollIntoView({ block: 'nearest' });
  };
  document.addEventListener('click', (event) => {
    const el = event.target instanceof Element ? event.target : null;
    if (!el) return;
    const close = el.closest('[data-close]');
    if (close) {
      const panel = document.getElementById(close.getAttribute('data-close'));
      if (panel) panel.hidden = true;
      const section = close.closest('section');
      if (section) clearSelection(section);
      return;
    }
    const trigger = el.closest('[data-panel]');
    if (trigger) {
      event.preventDefault();
      toggle(trigger);
      return;
    }
    const link = el.closest('a[href^="#"]');
    if (link) reveal(decodeURIComponent(link.getAttribute('href').slice(1)));
  });
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    const el = event.target instanceof Element ? event.target.closest('[data-panel]') : null;
    if (!el) return;
    event.preventDefault();
    toggle(el);
  });
  if (location.hash) reveal(decodeURIComponent(location.hash.slice(1)));
})();
`;
