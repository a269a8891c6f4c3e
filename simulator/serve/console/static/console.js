// The console's entry: each view is a module that registers how it draws itself (core.js addView); this wires
// the controls, loads the bundled scenarios, draws the page, opens what the URL names and listens for events.
import { listenToEvents } from './activity.js';
import { wireChecklist } from './checklist.js';
import { wireClock } from './clock.js';
import { api, refreshNow } from './core.js';
import { wireEntra } from './entra.js';
import { wireNordPass } from './nordpass.js';
import { loadScopingChoices, wireMappings } from './mappings.js';
import { wireProvisioning } from './provisioning.js';
import { apply, listen } from './router.js';
import { loadBundled, loadVariants, wireScenarios } from './scenario.js';
import './why.js';

async function start() {
  wireClock();
  wireEntra();
  wireProvisioning();
  wireMappings();
  wireNordPass();
  wireScenarios();
  wireChecklist();
  listen();
  try {
    await api('GET', '/_sim/world');
  } catch {
    return; // Not signed in: the page says how.
  }
  // Listening first: what happens while the page draws itself is heard, not missed.
  listenToEvents();
  await loadBundled();
  await loadVariants();
  await loadScopingChoices();
  await refreshNow();
  await apply().catch(() => {});
}

start();
