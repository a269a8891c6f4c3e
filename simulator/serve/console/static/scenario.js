// Scenarios and the record: open a bundled or pasted scenario and step through it (next step, run to step N,
// back to step N, to the end), the record of what was done, Export scenario, Reset and New tenant.
import { currentWorld } from './clock.js';
import { $, addView, api, el, on, refreshNow, show, stepText, when } from './core.js';

function renderScript(view) {
  $('script').hidden = false;
  $('script-name').textContent = view.name;
  $('script-progress').textContent = `${view.ran} of ${view.total} steps run · ${view.file}`;
  $('step-next').disabled = view.ran >= view.total;
  $('step-end').disabled = view.ran >= view.total;
  $('script-steps').replaceChildren(
    ...view.steps.map((s) => {
      const item = el('li', {}, el('code', {}, stepText(s.step)), el('span', { class: 'note' }, ` line ${s.line}`));
      if (s.result) {
        item.append(
          el('span', { class: `result ${s.result.ok ? 'ok' : 'failed'}` }, s.result.ok ? '✓ ok' : '✗ failed'),
        );
        for (const m of s.result.mismatches ?? [])
          item.append(el('span', { class: 'mismatch' }, `${m.what}: expected ${m.expected}, got ${m.actual}`));
        if (!s.result.ok && !s.result.mismatches && s.result.message)
          item.append(el('span', { class: 'mismatch' }, s.result.message));
      }
      // Run to this step, or go back to just before it: the world at that step.
      const go =
        s.number > view.ran
          ? el('button', { type: 'button', class: 'small' }, 'Run to here')
          : el('button', { type: 'button', class: 'small' }, 'Back to here');
      go.setAttribute('aria-label', `${go.textContent}: step ${s.number}`);
      on(go, 'click', async () => {
        show('');
        try {
          renderScript(
            await api('POST', s.number > view.ran ? '/_sim/scenario/run-to' : '/_sim/scenario/back-to', {
              step: s.number,
            }),
          );
          await refreshNow();
        } catch {}
      });
      item.append(' ', go);
      return item;
    }),
  );
}

async function refreshScript() {
  if (currentWorld()?.scenarioOpen) renderScript(await api('GET', '/_sim/scenario'));
  else $('script').hidden = true;
}

async function refreshRecord() {
  const { steps, skipped } = await api('GET', '/_sim/record');
  $('record-count').textContent =
    `${steps.length} step${steps.length === 1 ? '' : 's'} so far${skipped.length ? `, ${skipped.length} not expressible` : ''}.`;
  $('record-steps').replaceChildren(
    ...steps
      .slice(-50)
      .map((s) => el('li', {}, el('time', { datetime: s.at }, when(s.at)), ' ', el('code', {}, stepText(s.step)))),
  );
}

/** Opens a scenario (the answer is its view), then draws the page for its world. */
async function open(body) {
  show('');
  try {
    renderScript(await api('POST', '/_sim/scenario', body));
    await refreshNow();
  } catch {}
}

/** The catalogue of unsettled behaviours as a choice each for the New tenant form, the default chosen. */
export async function loadVariants() {
  const { variants } = await api('GET', '/_sim/variants');
  $('variant-choices').replaceChildren(
    ...Object.entries(variants).flatMap(([name, v]) => {
      const id = `variant-${name}`;
      const select = el('select', { id, 'data-variant': name, 'data-default': v.default });
      for (const alternative of Object.keys(v.alternatives)) {
        const option = el(
          'option',
          { value: alternative, title: v.alternatives[alternative].does },
          `${alternative}${alternative === v.default ? ' (default)' : ''}`,
        );
        if (alternative === v.default) option.selected = true;
        select.append(option);
      }
      select.setAttribute('aria-describedby', `${id}-question`);
      // The label is the variant's name alone (the question would make labels that other fields' names match).
      return [
        el(
          'span',
          {},
          el('label', { for: id }, name),
          ' ',
          el('span', { id: `${id}-question`, class: 'note' }, v.question),
        ),
        select,
      ];
    }),
  );
}

export async function loadBundled() {
  const { scenarios } = await api('GET', '/_sim/bundled');
  $('bundled').replaceChildren(...scenarios.map((s) => el('option', { value: s.file }, `${s.file}: ${s.name}`)));
}

export function wireScenarios() {
  on($('open-bundled'), 'submit', () => open({ bundled: $('bundled').value }));
  on($('open-text'), 'submit', () => open({ text: $('scenario-text').value, file: 'pasted.yaml' }));
  on($('open-file'), 'change', async () => {
    const file = $('open-file').files[0];
    if (file) await open({ text: await file.text(), file: file.name });
    $('open-file').value = '';
  });
  on($('step-next'), 'click', async () => {
    try {
      renderScript(await api('POST', '/_sim/scenario/next'));
      await refreshNow();
    } catch {}
  });
  on($('step-end'), 'click', async () => {
    try {
      const view = await api('GET', '/_sim/scenario');
      renderScript(await api('POST', '/_sim/scenario/run-to', { step: view.total }));
      await refreshNow();
    } catch {}
  });
  on($('reset'), 'click', async () => {
    if (!window.confirm('Reset: a new, empty world (the record starts again)?')) return;
    try {
      await api('POST', '/_sim/reset', {});
      $('activity').replaceChildren();
      await refreshNow();
    } catch {}
  });
  on($('new-tenant'), 'submit', async () => {
    if (!window.confirm('New tenant: a new world of generated users (the record starts again)?')) return;
    show('');
    const count = Number($('tenant-users').value);
    const cycleDuration = $('tenant-cycles').value;
    const variants = {};
    for (const select of document.querySelectorAll('#variant-choices select'))
      if (select.value !== select.dataset.default) variants[select.dataset.variant] = select.value;
    await api('POST', '/_sim/reset', {
      seed: $('tenant-seed').value.trim(),
      tenant: { generate: count },
      ...(cycleDuration === 'realistic' ? { provisioning: { cycleDuration } } : {}),
      ...(Object.keys(variants).length ? { variants } : {}),
    });
    $('activity').replaceChildren();
    await refreshNow();
  });
}

addView(refreshScript);
addView(refreshRecord);
