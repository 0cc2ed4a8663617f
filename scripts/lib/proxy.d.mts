/** Types of proxy.mjs: a latency- and fault-injecting proxy in front of moto. */

export type FaultKind = 'throttle' | 'server-error' | 'reset' | 'hang' | 'access-denied' | 'quota'

export interface Fault {
  kind: FaultKind
  /** How many matching requests get the fault. */
  times: number
  /** Only requests for this AWS action (e.g. `GetRole`); any request when absent. */
  action?: string
}

export interface RequestRecord {
  action: string
  status: number | 'reset' | 'hang'
  at: number
}

export interface FaultProxy {
  endpoint: string
  requests: RequestRecord[]
  setLatency(ms: number): void
  setFaults(faults: Fault[]): void
  reset(): void
  stop(): Promise<void>
}

export function startProxy(options: {
  target: string
  latencyMs?: number
  faults?: Fault[]
}): Promise<FaultProxy>
