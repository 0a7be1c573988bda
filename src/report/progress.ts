// A progress bar over the rooms on stderr when it is a terminal; occasional log lines otherwise.
import { log } from '../log.js';
import type { Lang } from '../types.js';
import { defineMessages, render } from '../messages/message.js';

const say = defineMessages({
  'progress.rooms': { en: '{done}/{total} rooms, {rate}/s, ETA {eta}s', fr: '{done}/{total} salons, {rate}/s, fin dans {eta}\u00a0s' },
});

export class Progress {
  private done = 0;
  private total = 0;
  private readonly started = Date.now();
  private lastLogged = 0;
  private lastDrawn = 0;

  constructor(private readonly lang: Lang = 'en', private readonly tty = Boolean(process.stderr.isTTY)) {}

  setTotal(total: number): void {
    this.total = total;
  }

  tick(): void {
    this.done += 1;
    const now = Date.now();
    if (this.tty) {
      if (now - this.lastDrawn > 100 || this.done === this.total) this.draw(now);
    } else if (this.total && (this.done === this.total || this.done - this.lastLogged >= Math.max(1, Math.ceil(this.total / 10)))) {
      this.lastLogged = this.done;
      log().info({ done: this.done, total: this.total }, 'rooms audited');
    }
  }

  private draw(now: number): void {
    this.lastDrawn = now;
    const seconds = (now - this.started) / 1000;
    const rate = this.done / Math.max(seconds, 0.001);
    const eta = this.total > this.done ? Math.ceil((this.total - this.done) / Math.max(rate, 0.001)) : 0;
    const width = 30;
    const filled = this.total ? Math.round((this.done / this.total) * width) : 0;
    const line = render(this.lang, say('progress.rooms', { done: this.done, total: this.total || '?', rate: rate.toFixed(1), eta }));
    process.stderr.write(`\r[${'='.repeat(filled)}${' '.repeat(width - filled)}] ${line} `);
  }

  finish(): void {
    if (this.tty && this.done) process.stderr.write('\n');
  }
}
