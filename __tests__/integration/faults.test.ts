/**
 * The fault matrix: the bundled action behind a fault-injecting proxy in front of moto
 * (scripts/lib/proxy.mjs). Transient faults (throttling, 5xx, a dropped connection, one hung
 * request) are retried and the run gives the right result; permanent ones (access denied, a
 * quota, throttling past the retry limit, an endpoint that never answers) fail the step quickly
 * with a message that says what happened. Request counts come from the proxy's records.
 * Retry policy: src/iam/clients.ts (5 attempts, quotas not retried, 10 s per attempt);
 * deadline: input `timeout-seconds` (src/main.ts).
 */
import { GetPolicyCommand } from '@aws-sdk/client-iam'
import type { Fault, FaultProxy, RequestRecord } from '../../scripts/lib/proxy.mjs'
import { freePort } from '../../scripts/lib/moto.mjs'
import { startProxy } from '../../scripts/lib/proxy.mjs'
import { type ActionResult, runAction } from '../../scripts/lib/run-action.mjs'
import {
  ACCOUNT_ID,
  HOOK_TIMEOUT_MS,
  MANAGED_POLICY_ARN,
  ROLE_ARN,
  TEST_TIMEOUT_MS,
  createRole,
  freshState,
  trustWith,
  useMoto
} from './support/aws.js'
import { errorText, withOutput } from './support/result.js'

/** Attempts per call, the first included (src/iam/clients.ts MAX_ATTEMPTS). */
const MAX_ATTEMPTS = 5
/** Per-attempt request timeout (src/iam/clients.ts REQUEST_TIMEOUT_MS). */
const REQUEST_TIMEOUT_MS = 10_000
/** A permanent fault ends the run this soon after the faulted request (no backoff, no retry). */
const FAST_FAILURE_MS = 3_000
/** Upper bound of a whole run that fails fast (node start, the other reads, the report). */
const FAST_RUN_MS = 15_000
/** The hung-endpoint case: the deadline it sets, and the window the step must end in. */
const HUNG_TIMEOUT_SECONDS = 8
const HUNG_WINDOW_MS: [number, number] = [8_000, 12_000]
/** A deadline for runs that must outlast one hung attempt (keeps a hanging action bounded). */
const HANG_RUN_TIMEOUT_SECONDS = 30

// Reads share one set-up per describe; the repair cases reset moto themselves.
const moto = useMoto({ reset: false })
let proxy: FaultProxy

beforeAll(async () => {
  proxy = await startProxy({ target: moto.endpoint })
}, HOOK_TIMEOUT_MS)
afterAll(async () => {
  await proxy?.stop()
}, HOOK_TIMEOUT_MS)
beforeEach(() => {
  proxy.reset()
})

interface Run {
  result: ActionResult
  /** When the run started and ended, on the clock of the proxy's records. */
  startedAt: number
  endedAt: number
}

async function run(
  faults: Fault[],
  inputs: Record<string, string>,
  timeoutMs = 60_000
): Promise<Run> {
  proxy.reset()
  proxy.setFaults(faults)
  const startedAt = Date.now()
  const result = await runAction({ endpoint: proxy.endpoint, inputs, timeoutMs })
  return { result, startedAt, endedAt: Date.now() }
}

/** The statuses the proxy recorded for one AWS action, in order. */
function statuses(action: string): RequestRecord['status'][] {
  return proxy.requests.filter(request => request.action === action).map(r => r.status)
}

/** The proxy's record of the run, for failure messages. */
function requestLog(): string {
  const first = proxy.requests[0]?.at ?? 0
  return proxy.requests.map(r => `${r.action}:${String(r.status)}@+${r.at - first}ms`).join(' ')
}

function expectCompliant(result: ActionResult): void {
  expect(result).toMatchRun({
    code: 0,
    status: 'compliant',
    drift: 'false',
    roleArn: ROLE_ARN,
    accountId: ACCOUNT_ID,
    findings: [],
    changes: []
  })
}

describe('transient faults: enforce on a compliant role succeeds', () => {
  freshState(moto, iam => createRole(iam))

  it.each([
    {
      fault: '2x throttling (400 Throttling "Rate exceeded")',
      action: 'GetRole',
      faults: [{ kind: 'throttle', times: 2, action: 'GetRole' }],
      expected: [400, 400, 200]
    },
    {
      fault: '2x 500 ServiceFailure',
      action: 'ListAttachedRolePolicies',
      faults: [{ kind: 'server-error', times: 2, action: 'ListAttachedRolePolicies' }],
      expected: [500, 500, 200]
    },
    {
      fault: '2x reset connection',
      action: 'GetCallerIdentity',
      faults: [{ kind: 'reset', times: 2, action: 'GetCallerIdentity' }],
      expected: ['reset', 'reset', 200]
    }
  ] satisfies { fault: string; action: string; faults: Fault[]; expected: unknown[] }[])(
    '$fault on $action: retried, compliant',
    async ({ action, faults, expected }) => {
      const { result } = await run(faults, { mode: 'enforce' })
      expectCompliant(result)
      withOutput(result, () => {
        expect({ [action]: statuses(action), log: requestLog() }).toEqual({
          [action]: expected,
          log: expect.any(String) as unknown
        })
      })
    },
    TEST_TIMEOUT_MS
  )

  it(
    '1x hang on GetPolicy: the per-attempt request timeout (10 s) retries it, compliant',
    async () => {
      const { result } = await run(
        [{ kind: 'hang', times: 1, action: 'GetPolicy' }],
        { mode: 'enforce', 'timeout-seconds': String(HANG_RUN_TIMEOUT_SECONDS) },
        (HANG_RUN_TIMEOUT_SECONDS + 15) * 1000
      )
      console.info(
        `fault matrix: 1x hang on GetPolicy -> exit ${String(result.code)} after ${Math.round(result.durationMs)} ms; ${requestLog()}`
      )
      expectCompliant(result)
      withOutput(result, () => {
        expect(statuses('GetPolicy')).toEqual(['hang', 200])
        // The retry came after one attempt's timeout, not after the run's deadline.
        expect(result.durationMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS)
        expect(result.durationMs).toBeLessThan(REQUEST_TIMEOUT_MS + 15_000)
      })
    },
    (HANG_RUN_TIMEOUT_SECONDS + 30) * 1000
  )
})

describe('permanent faults: enforce fails fast and says why', () => {
  freshState(moto, iam => createRole(iam))

  it(
    'access denied on GetRole: exit 1 at once, names iam:GetRole, not retried',
    async () => {
      const { result, endedAt } = await run(
        [{ kind: 'access-denied', times: 10, action: 'GetRole' }],
        { mode: 'enforce' }
      )
      const denied = proxy.requests.find(r => r.action === 'GetRole')
      withOutput(result, () => {
        expect(result.code).toBe(1)
        expect(errorText(result)).toContain('iam:GetRole')
        expect({ GetRole: statuses('GetRole'), log: requestLog() }).toEqual({
          GetRole: [403],
          log: expect.any(String) as unknown
        })
        expect(endedAt - (denied?.at ?? 0)).toBeLessThan(FAST_FAILURE_MS)
        expect(result.durationMs).toBeLessThan(FAST_RUN_MS)
        expect(result.outputs.status ?? '').not.toBe('compliant')
      })
    },
    TEST_TIMEOUT_MS
  )

  it(
    'throttling past the retry limit (10x on GetRole): exit 1, says throttled, 5 attempts',
    async () => {
      const { result } = await run([{ kind: 'throttle', times: 10, action: 'GetRole' }], {
        mode: 'enforce'
      })
      console.info(
        `fault matrix: 10x throttle on GetRole -> exit ${String(result.code)} after ${Math.round(result.durationMs)} ms; ${requestLog()}`
      )
      withOutput(result, () => {
        expect(result.code).toBe(1)
        expect(errorText(result)).toMatch(/throttled/i)
        expect(errorText(result)).toContain('iam:GetRole')
        expect({ GetRole: statuses('GetRole'), log: requestLog() }).toEqual({
          GetRole: Array.from({ length: MAX_ATTEMPTS }, () => 400),
          log: expect.any(String) as unknown
        })
        expect(result.outputs.status ?? '').not.toBe('compliant')
      })
    },
    TEST_TIMEOUT_MS
  )

  it(
    `hung endpoint (every request hangs), timeout-seconds ${HUNG_TIMEOUT_SECONDS}: exit 1 within ${HUNG_WINDOW_MS[0] / 1000}-${HUNG_WINDOW_MS[1] / 1000} s`,
    async () => {
      const { result } = await run(
        [{ kind: 'hang', times: 1_000 }],
        { mode: 'enforce', 'timeout-seconds': String(HUNG_TIMEOUT_SECONDS) },
        30_000
      )
      console.info(
        `fault matrix: hung endpoint, timeout-seconds ${HUNG_TIMEOUT_SECONDS} -> exit ${String(result.code)} after ${Math.round(result.durationMs)} ms`
      )
      withOutput(result, () => {
        expect(result.code).toBe(1)
        expect(errorText(result)).toContain('timeout-seconds')
        expect(result.durationMs).toBeGreaterThanOrEqual(HUNG_WINDOW_MS[0])
        expect(result.durationMs).toBeLessThanOrEqual(HUNG_WINDOW_MS[1])
        expect(proxy.requests.length).toBeGreaterThan(0)
        expect(proxy.requests.every(r => r.status === 'hang')).toBe(true)
      })
    },
    TEST_TIMEOUT_MS
  )
})

describe('an endpoint that refuses connections', () => {
  it(
    'exit 1 after the retries, says it could not reach AWS and where to look',
    async () => {
      const port = await freePort()
      const result = await runAction({
        endpoint: `http://127.0.0.1:${port}`,
        inputs: { mode: 'audit', 'timeout-seconds': '60' }
      })
      withOutput(result, () => {
        expect(result.code).toBe(1)
        expect(errorText(result)).toMatch(/could not reach AWS \(ECONNREFUSED\)/)
        expect(errorText(result)).toContain('AWS_ENDPOINT_URL')
        expect(errorText(result)).not.toContain('timeout-seconds')
      })
    },
    TEST_TIMEOUT_MS
  )
})

describe('faults while repairing a drifted role', () => {
  beforeEach(async () => {
    await moto.server.reset()
  }, HOOK_TIMEOUT_MS)

  it(
    '2x throttling on UpdateAssumeRolePolicy: retried, repaired',
    async () => {
      await createRole(moto.iam, { trustPolicy: trustWith({ Action: 'sts:*' }) })
      const { result } = await run(
        [{ kind: 'throttle', times: 2, action: 'UpdateAssumeRolePolicy' }],
        { mode: 'repair' }
      )
      withOutput(result, () => {
        expect(result).toMatchRun({ code: 0, status: 'repaired', drift: 'true' })
        expect(JSON.parse(result.outputs.changes ?? '[]')).toEqual([
          expect.objectContaining({ action: 'UpdateAssumeRolePolicy', target: ROLE_ARN })
        ])
        expect({
          UpdateAssumeRolePolicy: statuses('UpdateAssumeRolePolicy'),
          log: requestLog()
        }).toEqual({
          UpdateAssumeRolePolicy: [400, 400, 200],
          log: expect.any(String) as unknown
        })
      })
    },
    TEST_TIMEOUT_MS
  )

  it(
    'quota (LimitExceeded) on AttachRolePolicy: exit 1 at once, names the action, not retried',
    async () => {
      await createRole(moto.iam, { managedPolicies: [] })
      // Let moto load the AWS managed policy now, not while the action's clock runs.
      await moto.iam.send(new GetPolicyCommand({ PolicyArn: MANAGED_POLICY_ARN }))
      const { result, endedAt } = await run(
        [{ kind: 'quota', times: 10, action: 'AttachRolePolicy' }],
        { mode: 'repair' }
      )
      const refused = proxy.requests.find(r => r.action === 'AttachRolePolicy')
      withOutput(result, () => {
        expect(result.code).toBe(1)
        expect(errorText(result)).toContain('iam:AttachRolePolicy')
        expect({ AttachRolePolicy: statuses('AttachRolePolicy'), log: requestLog() }).toEqual({
          AttachRolePolicy: [409],
          log: expect.any(String) as unknown
        })
        expect(endedAt - (refused?.at ?? 0)).toBeLessThan(FAST_FAILURE_MS)
        expect(result.durationMs).toBeLessThan(FAST_RUN_MS)
        expect(result).toMatchRun({ status: 'drifted', drift: 'true', changes: [] })
      })
    },
    TEST_TIMEOUT_MS
  )
})
