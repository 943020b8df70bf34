/**
 * Coalesces repaint requests into one call per animation frame: many host messages (or scroll events)
 * in a frame cost one paint, which is what keeps a 10,000-trial study interactive while it streams.
 */
export class NextFrame {
  private frame = 0;

  constructor(private readonly paint: () => void) {}

  /** Paints in the next animation frame (once, however often this is called before it). */
  request(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.paint();
    });
  }

  cancel(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
  }
}
