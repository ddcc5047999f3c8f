// Which part of the time-sequence graph is in view: a time range and a sequence range. The graph and
// the endpoint-state lanes under it read the same time range, so they stay aligned.

export interface Home { tMax: number; yMin: number; yMax: number }

/** The smallest spans a zoom may reach: a tenth of a microsecond, four bytes. */
const MIN_T = 1e-7, MIN_Y = 4;
const PAD = 0.04;

export class TsgView {
  t0 = $state(0);
  t1 = $state(1);
  y0 = $state(0);
  y1 = $state(1);
  #home: Home = { tMax: 1, yMin: 0, yMax: 1 };
  #homeView = [0, 1, 0, 1];

  /** The whole flow, with a little room on every side. */
  reset(home: Home = this.#home): void {
    this.#home = home;
    // Room above for the SYN/FIN/RST letters.
    const dt = home.tMax * PAD || 1e-3, dy = (home.yMax - home.yMin) * PAD * 2 || 1;
    this.t0 = -dt; this.t1 = home.tMax + dt;
    this.y0 = home.yMin - dy; this.y1 = home.yMax + dy;
    this.#homeView = [this.t0, this.t1, this.y0, this.y1];
  }

  /** Whether the view is anything but the whole flow. */
  get zoomed(): boolean {
    const [t0, t1, y0, y1] = this.#homeView;
    const et = (t1 - t0) * 1e-9, ey = (y1 - y0) * 1e-9;
    return Math.abs(this.t0 - t0) > et || Math.abs(this.t1 - t1) > et || Math.abs(this.y0 - y0) > ey || Math.abs(this.y1 - y1) > ey;
  }

  /** Zooms by `factor` (< 1 in) around the point at fractions (fx, fy) of the plot, fy from the top. */
  zoomAt(fx: number, fy: number, factor: number, axes: { t: boolean; y: boolean } = { t: true, y: true }): void {
    if (axes.t) {
      const at = this.t0 + fx * (this.t1 - this.t0);
      const span = Math.max(MIN_T, (this.t1 - this.t0) * factor);
      this.t0 = at - fx * span; this.t1 = this.t0 + span;
    }
    if (axes.y) {
      const at = this.y1 - fy * (this.y1 - this.y0);
      const span = Math.max(MIN_Y, (this.y1 - this.y0) * factor);
      this.y1 = at + fy * span; this.y0 = this.y1 - span;
    }
  }

  /** Moves the view by fractions of its size (positive: later, higher). */
  pan(fx: number, fy: number): void {
    const dt = fx * (this.t1 - this.t0), dy = fy * (this.y1 - this.y0);
    this.t0 += dt; this.t1 += dt; this.y0 += dy; this.y1 += dy;
  }

  /** Shows the box between two points (times and sequence numbers), whichever way it was drawn. */
  box(ta: number, tb: number, ya: number, yb: number): void {
    const t0 = Math.min(ta, tb), t1 = Math.max(ta, tb), y0 = Math.min(ya, yb), y1 = Math.max(ya, yb);
    const tm = (t0 + t1) / 2, ym = (y0 + y1) / 2;
    const ts = Math.max(MIN_T, t1 - t0), ys = Math.max(MIN_Y, y1 - y0);
    this.t0 = tm - ts / 2; this.t1 = tm + ts / 2; this.y0 = ym - ys / 2; this.y1 = ym + ys / 2;
  }
}
