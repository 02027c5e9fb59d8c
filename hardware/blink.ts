import type { Light, LightColor } from './interfaces.ts';

/**
 * A Light built on a function that shows one colour at once: keeps the steady colour and does
 * the confirmation blink (three short blinks, then the steady colour again). Real drivers only
 * say how to show a colour.
 */
export class BlinkingLight implements Light {
  private steady: LightColor = 'off';
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly showColor: (color: LightColor) => void,
    private readonly blinkMs = 150,
    private readonly release: () => void = () => {},
  ) {
    showColor('off');
  }

  async set(color: LightColor): Promise<void> {
    this.stop();
    this.steady = color;
    this.showColor(color);
  }

  async flash(color: LightColor): Promise<void> {
    this.stop();
    let step = 0;
    const tick = (): void => {
      step += 1;
      if (step > 6) {
        this.timer = null;
        this.showColor(this.steady);
        return;
      }
      this.showColor(step % 2 === 1 ? color : 'off');
      this.timer = setTimeout(tick, this.blinkMs);
    };
    tick();
  }

  async close(): Promise<void> {
    this.stop();
    this.showColor('off');
    this.release();
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
