/**
 * Test support: a moto server per test file, an IAM client for it, and the role set-ups the
 * integration tests need. Cases are set up with the SDK against moto, never through the action.
 */
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  IAMClient,
  PutRolePolicyCommand
} from '@aws-sdk/client-iam'
import { startMoto, type MotoServer, type StartMotoOptions } from '../../../scripts/lib/moto.mjs'

/** moto's account for the `testing` credentials. */
export const ACCOUNT_ID = '123456789012'
export const ROLE_NAME = 'ecsServiceRole'
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/${ROLE_NAME}`
export const MANAGED_POLICY_ARN =
  'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceRole'
export const TEST_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' }

/** The trust policy of the seed, as a user would write it today. */
export const SEED_TRUST_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'ecs.amazonaws.com' },
      Action: 'sts:AssumeRole'
    }
  ]
}

/** Timeouts: starting moto and loading its 1,500 managed policies takes a few seconds. */
export const HOOK_TIMEOUT_MS = 60_000
export const TEST_TIMEOUT_MS = 90_000

export function iamClient(
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string } = TEST_CREDENTIALS
): IAMClient {
  return new IAMClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 })
}

export interface MotoFixture {
  readonly server: MotoServer
  readonly endpoint: string
  /** An IAM client with the `testing` credentials. */
  readonly iam: IAMClient
}

/**
 * Starts a moto for this test file in `beforeAll` (so files run in parallel), resets it before
 * each test (unless `reset: false`) and stops it in `afterAll`.
 *
 * A reset costs about two seconds (moto reloads its 1,500 AWS managed policies), so files whose
 * tests only read (audit, enforce) pass `reset: false` and call `freshState` once per describe.
 */
export function useMoto(options: StartMotoOptions & { reset?: boolean } = {}): MotoFixture {
  let server: MotoServer | undefined
  let iam: IAMClient | undefined
  const { reset = true, ...startOptions } = options

  beforeAll(async () => {
    server = await startMoto(startOptions)
    iam = iamClient(server.endpoint)
  }, HOOK_TIMEOUT_MS)

  if (reset) {
    beforeEach(async () => {
      await running().reset()
    }, HOOK_TIMEOUT_MS)
  }

  afterAll(async () => {
    iam?.destroy()
    await server?.stop()
  }, HOOK_TIMEOUT_MS)

  function running(): MotoServer {
    if (!server) throw new Error('moto is not running (did beforeAll fail?)')
    return server
  }

  return {
    get server() {
      return running()
    },
    get endpoint() {
      return running().endpoint
    },
    get iam() {
      if (!iam) throw new Error('moto is not running (did beforeAll fail?)')
      return iam
    }
  }
}

/**
 * In a describe block: resets moto once before its tests and sets up the case. For tests that
 * only read IAM (audit and enforce runs), so they can share one set-up.
 */
export function freshState(moto: MotoFixture, setup?: (iam: IAMClient) => Promise<unknown>): void {
  beforeAll(async () => {
    await moto.server.reset()
    await setup?.(moto.iam)
  }, HOOK_TIMEOUT_MS)
}

export interface RoleSetup {
  name?: string
  path?: string
  /** A document (sent as JSON) or the exact text to send. */
  trustPolicy?: unknown
  managedPolicies?: string[]
  inlinePolicies?: Record<string, unknown>
  permissionsBoundary?: string
}

/** Creates a role; by default the compliant ecsServiceRole of the seed. */
export async function createRole(iam: IAMClient, setup: RoleSetup = {}): Promise<string> {
  const name = setup.name ?? ROLE_NAME
  const trust = setup.trustPolicy ?? SEED_TRUST_POLICY
  const created = await iam.send(
    new CreateRoleCommand({
      RoleName: name,
      Path: setup.path ?? '/',
      AssumeRolePolicyDocument: typeof trust === 'string' ? trust : JSON.stringify(trust),
      ...(setup.permissionsBoundary ? { PermissionsBoundary: setup.permissionsBoundary } : {})
    })
  )
  for (const arn of setup.managedPolicies ?? [MANAGED_POLICY_ARN]) {
    await iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: arn }))
  }
  for (const [policyName, document] of Object.entries(setup.inlinePolicies ?? {})) {
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: name,
        PolicyName: policyName,
        PolicyDocument: JSON.stringify(document)
      })
    )
  }
  const arn = created.Role?.Arn
  if (!arn) throw new Error('CreateRole returned no ARN')
  return arn
}

/** A trust policy with the seed's statement changed by `change`. */
export function trustWith(statement: Record<string, unknown>): Record<string, unknown> {
  return { Version: '2012-10-17', Statement: [{ ...SEED_TRUST_POLICY.Statement[0], ...statement }] }
}
