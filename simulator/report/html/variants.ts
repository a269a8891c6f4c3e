/**
 * The `--variants all` matrix: per scenario, how each alternative of each variant it consulted went, so a
 * reader sees which results rest on a behaviour no public source confirms. Every cell's text is escaped.
 */
import type { RunReport } from '../../scenario/result.ts';
import { escapeHtml as e } from './text.ts';

export function renderVariantMatrix(report: RunReport): string {
  const matrix = report.variants;
  if (!matrix) return '';
  const columns = [...new Set(matrix.scenarios.flatMap((r) => r.outcomes.map((o) => `${o.variant}=${o.alternative}`)))];
  const rows = matrix.scenarios.filter((r) => r.consulted.length > 0);
  const head = columns
    .map((c) => {
      const [variant, alternative] = c.split('=');
      return `<th scope="col"><code>${e(variant)}</code><br>= <code>${e(alternative)}</code></th>`;
    })
    .join('');
  const body = rows
    .map((row) => {
      const cells = columns.map((column) => {
        const [variant] = column.split('=');
        const outcome = row.outcomes.find((o) => `${o.variant}=${o.alternative}` === column);
        if (outcome)
          return outcome.differs
            ? `<td class="variant-flag" title="${e(outcome.reproduce)}">⚑ ${outcome.passed ? 'passes' : `fails at line ${e(outcome.failure?.line)}`}</td>`
            : `<td class="variant-same">same</td>`;
        if (variant !== undefined && variant in row.pinned)
          return `<td class="note">pinned: ${e(row.pinned[variant])}</td>`;
        return '<td class="note">not read</td>';
      });
      const verdict = row.passed
        ? '<span class="badge pass">✔ PASSED</span>'
        : '<span class="badge fail">✘ FAILED</span>';
      return `<tr${row.flagged ? ' class="flagged"' : ''}><th scope="row">${verdict}${e(row.name)} <span class="note">${e(row.file)}</span></th>${cells.join('')}</tr>`;
    })
    .join('');
  const summary = `${matrix.flagged} of ${matrix.scenarios.length} scenarios depend on an unsettled behaviour; ${matrix.runs} replays under other alternatives${matrix.mode === 'strict' ? ' (--variants strict: each of them fails the run)' : ''}.`;
  return `<section class="variants" id="variants"><h2>Unsettled behaviours (<code>--variants ${e(matrix.mode)}</code>)</h2><p>${e(summary)} Each scenario ran under the defaults (its verdict on the left), then once per alternative of each variant it read, the others left as they were. <em>same</em>: the same verdict; ⚑: another verdict, or a stop at another step (hover for the command that reproduces it); <em>not read</em>: the run never reached that choice, so no alternative could change it. <code>scimsim variants</code> lists the alternatives and their sources.</p><div class="variants-scroll"><table><thead><tr><th scope="col">scenario</th>${head}</tr></thead><tbody>${body}</tbody></table></div></section>`;
}
