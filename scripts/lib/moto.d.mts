/** Types of moto.mjs: a local moto server (IAM/STS look-alike) for tests, demo and benchmark. */

export interface StartMotoOptions {
  /**
   * Extra environment for the server, e.g. `{ INITIAL_NO_AUTH_ACTION_COUNT: '4' }`.
   * `MOTO_IAM_LOAD_MANAGED_POLICIES=true` is always set; `undefined` removes a variable.
   */
  env?: Record<string, string | number | undefined>
  /** How long to wait for the first HTTP answer (default 20000 ms). */
  readyTimeoutMs?: number
}

export interface MotoServer {
  /** `http://127.0.0.1:PORT`, for `AWS_ENDPOINT_URL` or an SDK client's `endpoint`. */
  endpoint: string
  port: number
  pid: number
  /** Clears all state (`POST /moto-api/reset`). */
  reset(): Promise<void>
  /** Stops the server and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>
  /** The last few kilobytes of the server's log, for diagnostics. */
  logs(): string
}

export const MOTO_KNOWN_GOOD_VERSION: string
export const MOTO_INSTALL_HINT: string

/** The python interpreter used: `MOTO_PYTHON` when set, else `python3`. */
export function motoPython(): string

/** Checks, synchronously, that the interpreter can import moto's server. */
export function checkMoto(): { ok: true; version: string } | { ok: false; message: string }

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number>

/**
 * Starts `python3 -m moto.server` on a free loopback port with AWS managed policies loaded,
 * and resolves when it answers HTTP. The server dies with this process (no orphans).
 */
export function startMoto(options?: StartMotoOptions): Promise<MotoServer>
