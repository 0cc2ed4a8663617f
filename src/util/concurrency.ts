/**
 * At most `max` tasks in flight; the rest wait their turn in order. One limiter serves all the
 * reads of a run, however many roles it observes, so concurrency stays within what IAM
 * tolerates before it throttles.
 */
export class Limiter {
  private active = 0
  private readonly waiting: (() => void)[] = []

  constructor(readonly max: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>(resolve => this.waiting.push(resolve))
    this.active++
    try {
      return await task()
    } finally {
      this.active--
      this.waiting.shift()?.()
    }
  }
}
