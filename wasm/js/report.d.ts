// Types of `sextant/report`: renders a fairness report object into the DOM.
import type { ChartRequest, FairnessReport } from './index.js';

/** Renders `report` into `element` (replacing its content); charts when `renderSvg` is given. */
export function renderReport(element: Element, report: FairnessReport | null, options?: { renderSvg?: (chart: ChartRequest) => string }): void;

/** `<sextant-report>`: set `renderSvg` (optional, e.g. the package's), then `report`. */
export class SextantReport extends HTMLElement {
  renderSvg?: (chart: ChartRequest) => string;
  report: FairnessReport | null;
}
