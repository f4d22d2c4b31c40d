// Types of `sextant-audit/report`: renders a fairness report object into the DOM (browsers).
import type { ChartRequest, FairnessReport } from './index.js';

/** Renders `report` into `element` (replacing its content); charts when `renderSvg` is given. */
export function renderReport(element: Element, report: FairnessReport | null, options?: { renderSvg?: (chart: ChartRequest) => string }): void;

/**
 * The report's stylesheet (also the file `sextant-audit/report.css`), which `<sextant-report>`
 * adds to its document once; themed by `--sextant-pass`, `--sextant-fail`, `--sextant-muted`,
 * `--sextant-border` and `--sextant-header`.
 */
export const REPORT_CSS: string;

/** `<sextant-report>`: set `report` and, for charts, `renderSvg`, in either order (each renders again). */
export class SextantReport extends HTMLElement {
  renderSvg: ((chart: ChartRequest) => string) | undefined;
  report: FairnessReport | null;
}
