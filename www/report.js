// Renders a `sextant.fairness/v1` report into the DOM, for the audit page and for dashboards:
// `renderReport(element, report, {renderSvg})` or the custom element `<sextant-report>` (set
// its `report` and, for charts, its `renderSvg`, e.g. the package's, in either order: it
// renders again on each). The element brings its stylesheet (REPORT_CSS, also shipped as
// report.css), themed by CSS custom properties. Every number is shown with its exact value in
// `data-value`, and undefined values say why.

/**
 * The report's styles, scoped to `sextant-report` and overridable: the colours are the
 * custom properties `--sextant-pass`, `--sextant-fail`, `--sextant-muted`, `--sextant-border`
 * and `--sextant-header` (Okabe–Ito defaults), set on the element or any ancestor.
 */
export const REPORT_CSS = `
sextant-report { display: block; font-variant-numeric: tabular-nums;
  --sextant-pass-default: #009E73; --sextant-fail-default: #D55E00; --sextant-muted-default: #666;
  --sextant-border-default: #ccc; --sextant-header-default: #f3f3f3; }
:where(sextant-report) table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.92rem; }
:where(sextant-report) caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
:where(sextant-report) th, :where(sextant-report) td { border: 1px solid var(--sextant-border, var(--sextant-border-default)); padding: 0.25rem 0.5rem; text-align: left; }
:where(sextant-report) th { background: var(--sextant-header, var(--sextant-header-default)); }
:where(sextant-report) .table-wrap { overflow-x: auto; }
:where(sextant-report) .interval { color: var(--sextant-muted, var(--sextant-muted-default)); font-size: 0.85em; white-space: nowrap; }
:where(sextant-report) .undefined { color: var(--sextant-muted, var(--sextant-muted-default)); font-style: italic; cursor: help; }
:where(sextant-report) .badge { display: inline-block; padding: 0 0.4rem; border-radius: 3px; color: #fff; font-size: 0.85em; font-weight: 600; }
:where(sextant-report) .badge.pass { background: var(--sextant-pass, var(--sextant-pass-default)); }
:where(sextant-report) .badge.fail { background: var(--sextant-fail, var(--sextant-fail-default)); }
:where(sextant-report) .verdict { font-weight: 600; }
:where(sextant-report) .verdict.pass { color: var(--sextant-pass, var(--sextant-pass-default)); }
:where(sextant-report) .verdict.fail { color: var(--sextant-fail, var(--sextant-fail-default)); }
:where(sextant-report) .verdict.none { color: var(--sextant-muted, var(--sextant-muted-default)); }
:where(sextant-report) figure { margin: 0.5rem 0; }
:where(sextant-report) td.gate-pass { background: color-mix(in srgb, var(--sextant-pass, var(--sextant-pass-default)) 15%, transparent); }
:where(sextant-report) td.gate-fail { background: color-mix(in srgb, var(--sextant-fail, var(--sextant-fail-default)) 18%, transparent); font-weight: 600; }
:where(sextant-report) .gate-summary { list-style: none; padding: 0; margin: 0.25rem 0 0.75rem; }
:where(sextant-report) .gate-summary .gate-fail { color: var(--sextant-fail, var(--sextant-fail-default)); font-weight: 600; }
:where(sextant-report) .gate-summary .gate-pass { color: var(--sextant-pass, var(--sextant-pass-default)); }
:where(sextant-report) tr.overall th, :where(sextant-report) tr.overall td { border-top: 2px solid var(--sextant-border, var(--sextant-border-default)); font-style: italic; }
:where(sextant-report) .ideal, :where(sextant-report) .meaning { color: var(--sextant-muted, var(--sextant-muted-default)); font-size: 0.9em; }
:where(sextant-report) .meaning { max-width: 60rem; }
:where(sextant-report) svg { max-width: 100%; height: auto; }
@media (max-width: 700px) { :where(sextant-report) figure { overflow-x: auto; } :where(sextant-report) figure svg { max-width: none; } }
`;

const RATES = [
  ['count', 'Count'], ['base_rate', 'Base rate'], ['selection_rate', 'Selection rate'], ['tpr', 'TPR'],
  ['fpr', 'FPR'], ['precision', 'Precision'], ['accuracy', 'Accuracy'],
];
const HEADLINES = [
  ['demographic_parity_difference', 'Demographic parity difference'],
  ['demographic_parity_ratio', 'Demographic parity ratio'],
  ['equal_opportunity_difference', 'Equal opportunity difference'],
  ['equal_opportunity_ratio', 'Equal opportunity ratio'],
  ['equalized_odds_difference', 'Equalized odds difference'],
  ['equalized_odds_ratio', 'Equalized odds ratio'],
];
const AIF360 = [
  ['disparate_impact', 'Disparate impact'], ['statistical_parity_difference', 'Statistical parity difference'],
  ['average_odds_difference', 'Average odds difference'], ['equal_opportunity_difference', 'Equal opportunity difference'],
];

/** What a metric's value means: its ideal, and which way is worse (AIF360's differences are signed). */
function ideal(name, signed = false) {
  if (name === 'disparate_impact') return '1 (below 1 disfavours the unprivileged)';
  if (name.endsWith('_ratio')) return '1 (lower is less fair)';
  return signed ? '0 (below 0 disfavours the unprivileged)' : '0 (higher is less fair)';
}

const MEANING = {
  groups: 'Each group\'s rates. Parity compares selection rates (how often the outcome is favourable); '
    + 'equal opportunity compares TPR (how often the truly positive are selected); equalized odds compares TPR and FPR.',
  fairlearn: 'fairlearn\'s aggregates: differences are the largest gap between any two groups (0 is parity), '
    + 'ratios the smallest rate over the largest (1 is parity). They are never negative and do not say which group is favoured.',
  aif360: 'AIF360\'s comparison of the privileged group with all the others: differences are signed '
    + '(unprivileged minus privileged, so negative values disfavour the unprivileged), and disparate impact is their ratio of '
    + 'selection rates. They differ from fairlearn\'s because they compare two sides, not every pair of groups.',
  sweep: 'Each metric as the score\'s threshold moves from 0 to 1 in steps of 0.01, as an audit at that threshold reports it: '
    + 'where fairness and accuracy trade off, and how the chosen threshold (the dotted line) compares with the others.',
};

/** The sweep's columns at every tenth threshold. */
const SWEEP_COLUMNS = ['demographic_parity_difference', 'demographic_parity_ratio', 'equal_opportunity_difference', 'equalized_odds_difference'];

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) node.setAttribute(key, String(value));
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

const format = (value) => (Number.isInteger(value) ? String(value) : value.toFixed(4));

/** A gate's verdict class for a value cell: `gate-pass`, `gate-fail`, or none. */
const verdictClass = (gate) => (gate ? `gate-${gate.passed ? 'pass' : 'fail'}` : undefined);

/** How a gate reads: `max 0.05`. */
const gateText = (gate) => `${gate.bound} ${gate.limit}`;

/** A table cell for a number that may be undefined (with its reason) or have an interval. */
function valueCell(value, reason, interval, data, gate) {
  if (value === null || value === undefined) {
    return el('td', { class: 'undefined', title: reason ?? 'undefined', 'data-value': 'null', ...data }, 'undefined');
  }
  const cell = el('td', { 'data-value': String(value), class: verdictClass(gate), ...data }, format(value));
  if (interval) cell.append(' ', el('span', { class: 'interval' }, `[${format(interval[0])}, ${format(interval[1])}]`));
  return cell;
}

function badge(gate) {
  return el('span', { class: `badge ${gate.passed ? 'pass' : 'fail'}`, title: gate.reason ?? gateText(gate) },
    `${gate.passed ? 'PASS' : 'FAIL'} (${gateText(gate)})`);
}

function groupTable(attribute, overall) {
  const head = el('tr', {}, el('th', { scope: 'col' }, 'Group'), ...RATES.map(([, label]) => el('th', { scope: 'col' }, label)));
  const rows = attribute.groups.map((group) => el('tr', {},
    el('th', { scope: 'row', ...(group.small ? { class: 'small', title: 'fewer rows than the minimum group size' } : {}) },
      group.small ? `${group.group} (small)` : group.group),
    ...RATES.map(([rate]) => valueCell(group[rate], group.undefined[rate], group.intervals?.[rate],
      { 'data-attribute': attribute.attribute, 'data-group': group.group, 'data-rate': rate }))));
  // Every row audited, the reference the groups are compared with.
  const all = overall ? [el('tr', { class: 'overall' }, el('th', { scope: 'row' }, 'Overall'),
    ...RATES.map(([rate]) => valueCell(overall[rate], overall.undefined?.[rate], overall.intervals?.[rate],
      { 'data-attribute': attribute.attribute, 'data-group': '(overall)', 'data-rate': rate })))] : [];
  return el('div', { class: 'table-wrap' }, el('table', {}, el('caption', {}, `Groups of ${attribute.attribute}`), el('thead', {}, head),
    el('tbody', {}, ...rows), el('tfoot', {}, ...all)));
}

function metricTable(attribute, gates) {
  const rows = HEADLINES.map(([name, label]) => {
    const metric = attribute.metrics[name];
    const interval = attribute.metric_intervals?.[name]?.default ?? null;
    const reason = attribute.undefined[`${name}.between_groups`] ?? attribute.undefined[name];
    const gate = gates.find((g) => g.attribute === attribute.attribute && g.name === name);
    return el('tr', {}, el('th', { scope: 'row' }, label),
      valueCell(metric.default, reason, interval, { 'data-attribute': attribute.attribute, 'data-metric': name }, gate),
      el('td', { class: 'ideal' }, ideal(name)),
      el('td', {}, gate ? badge(gate) : 'none'));
  });
  return el('table', {}, el('caption', {}, 'fairlearn aggregates (between groups)'),
    el('thead', {}, el('tr', {}, ...['Metric', 'Value', 'Ideal', 'Gate'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...rows));
}

function privilegedTable(attribute, gates) {
  const comparison = attribute.privileged_comparison;
  const rows = AIF360.map(([name, label]) => {
    const gate = gates.find((g) => g.attribute === attribute.attribute && g.name === name);
    return el('tr', {}, el('th', { scope: 'row' }, label),
      valueCell(comparison[name], comparison.undefined[name], comparison.intervals?.[name],
        { 'data-attribute': attribute.attribute, 'data-aif360': name }, gate),
      el('td', { class: 'ideal' }, ideal(name, true)),
      el('td', {}, gate ? badge(gate) : 'none'));
  });
  const rule = comparison.four_fifths_rule;
  const verdict = rule.passed === null ? el('span', { class: 'undefined' }, 'undefined')
    : el('span', { class: `badge ${rule.passed ? 'pass' : 'fail'}` }, rule.passed ? 'PASS' : 'FAIL');
  return el('div', {},
    el('table', {}, el('caption', {}, `AIF360: ${comparison.privileged_group} (privileged) against the rest, favourable label ${comparison.favorable_label}`),
      el('thead', {}, el('tr', {}, ...['Metric', 'Value', 'Ideal', 'Gate'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...rows)),
    el('p', { class: 'meaning' }, MEANING.aif360),
    el('p', {}, 'Four-fifths rule (disparate impact ≥ 0.8): ', verdict));
}

/** Renders `report` into `element`, replacing its content. */
export function renderReport(element, report, { renderSvg } = {}) {
  element.replaceChildren();
  if (!report) return;
  const failed = report.gates.filter((g) => !g.passed).length;
  const verdict = report.gates.length === 0 ? 'No gates were set.'
    : failed === 0 ? `PASSED: all ${report.gates.length} gates passed.` : `FAILED: ${failed} of ${report.gates.length} gates failed.`;
  const kind = report.gates.length === 0 ? 'none' : failed ? 'fail' : 'pass';
  element.append(el('p', { class: `verdict ${kind}`, id: 'verdict' }, verdict));
  if (report.gates.length) {
    // Every gate at a glance, failed first.
    const ordered = [...report.gates].sort((a, b) => Number(a.passed) - Number(b.passed));
    element.append(el('ul', { class: 'gate-summary' }, ...ordered.map((gate) => el('li', { class: verdictClass(gate) },
      `${gate.passed ? 'PASS' : 'FAIL'}: ${gate.name}${gate.attribute ? ` of ${gate.attribute}` : ''} = `
        + `${gate.value === null || gate.value === undefined ? 'undefined' : format(gate.value)} (${gateText(gate)})`
        + (gate.reason ? `: ${gate.reason}` : '')))));
  }
  element.append(
    el('p', {}, `${report.rows} rows of ${report.source}; label ${report.label.column} (positive ${report.label.positive}); `
      + (report.outcome.kind === 'score'
        ? `score ${report.outcome.column}${report.outcome.class ? ` (P(class ${report.outcome.class}))` : ''} ≥ ${report.outcome.threshold}`
        : `prediction ${report.outcome.column}`)
      + (report.bootstrap ? `; ${report.bootstrap.resamples} bootstrap resamples, ${report.bootstrap.confidence * 100}% intervals` : '')),
  );
  if (report.missing) {
    const columns = Object.entries(report.missing.by_column).map(([column, n]) => `${column}: ${n}`).join(', ');
    element.append(el('p', { class: 'missing' }, `Missing values (${report.missing.policy}): ${report.missing.dropped_rows} rows left out`
      + (columns ? ` (${columns})` : '') + '.'));
  }
  for (const attribute of report.attributes) {
    const section = el('section', { class: 'attribute', 'data-attribute': attribute.attribute },
      el('h3', {}, `Attribute: ${attribute.attribute}`), groupTable(attribute, report.overall),
      el('p', { class: 'meaning' }, MEANING.groups), metricTable(attribute, report.gates),
      el('p', { class: 'meaning' }, MEANING.fairlearn));
    if (attribute.privileged_comparison) section.append(privilegedTable(attribute, report.gates));
    if (renderSvg) {
      const figure = el('figure', {});
      figure.innerHTML = renderSvg({ kind: 'rates', report, attribute: attribute.attribute });
      section.append(figure);
    }
    if (attribute.warnings.length) section.append(el('ul', { class: 'warnings' }, ...attribute.warnings.map((w) => el('li', {}, w))));
    element.append(section);
  }
  if (report.sweep) element.append(sweepSection(report, renderSvg));
}

/** The threshold sweep of `report`: per attribute, its charts (with `renderSvg`) and a table at every tenth threshold. */
function sweepSection(report, renderSvg) {
  const { sweep } = report;
  const section = el('section', { class: 'sweep', 'data-sweep': '' }, el('h3', {}, 'Threshold sweep'),
    el('p', { class: 'meaning' }, MEANING.sweep));
  if (sweep.outside_rows > 0) {
    section.append(el('p', { class: 'warnings' }, `${sweep.outside_rows} rows have a score outside [0, 1]: positive at every threshold or at none.`));
  }
  const cell = (series, k) => {
    const value = series?.[k];
    return el('td', {}, value === null || value === undefined ? 'n/a' : format(value));
  };
  for (const [index, attribute] of sweep.attributes.entries()) {
    section.append(el('h4', {}, `Threshold sweep: ${attribute.attribute}`));
    if (renderSvg) {
      for (const metric of ['differences', 'selection_rate', 'accuracy']) {
        const figure = el('figure', {});
        figure.innerHTML = renderSvg({ kind: 'sweep', report, attribute: index, metric });
        section.append(figure);
      }
    }
    const rows = sweep.thresholds.flatMap((t, k) => (k % 10 === 0 ? [el('tr', {}, el('th', { scope: 'row' }, t.toFixed(2)),
      cell(sweep.overall.accuracy, k), cell(sweep.overall.selection_rate, k),
      ...SWEEP_COLUMNS.map((m) => cell(attribute.metrics[m], k)))] : []));
    section.append(el('div', { class: 'table-wrap' }, el('table', {}, el('caption', {}, `${attribute.attribute} at every tenth threshold`),
      el('thead', {}, el('tr', {}, ...['threshold', 'accuracy', 'selection_rate', ...SWEEP_COLUMNS].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...rows))));
  }
  return section;
}

/** Adds REPORT_CSS to `root` (a document or a shadow root) once. */
function adoptStyles(root) {
  const host = root.head ?? root;
  if (!host || host.querySelector?.('style[data-sextant-report]')) return;
  const style = document.createElement('style');
  style.setAttribute('data-sextant-report', '');
  style.textContent = REPORT_CSS;
  host.prepend(style);
}

/**
 * `<sextant-report>`: set `report` and, for charts, `renderSvg` (optional), in either order:
 * each renders the report again. Undefined outside a browser.
 */
export const SextantReport = typeof HTMLElement === 'undefined' ? undefined : class SextantReport extends HTMLElement {
  connectedCallback() {
    adoptStyles(this.getRootNode());
    // Properties set before the element was defined sit on the instance: pass them
    // through the setters (the usual upgrade step).
    for (const name of ['report', 'renderSvg']) {
      if (Object.prototype.hasOwnProperty.call(this, name)) {
        const value = this[name];
        delete this[name];
        this[name] = value;
      }
    }
  }

  set report(value) {
    this._report = value;
    this.render();
  }

  get report() {
    return this._report;
  }

  set renderSvg(value) {
    this._renderSvg = value;
    this.render();
  }

  get renderSvg() {
    return this._renderSvg;
  }

  render() {
    renderReport(this, this._report ?? null, { renderSvg: this._renderSvg });
  }
};

if (SextantReport && !customElements.get('sextant-report')) customElements.define('sextant-report', SextantReport);
