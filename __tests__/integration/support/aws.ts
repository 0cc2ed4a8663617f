/**
 * Test support: a moto server per test file, an IAM client for it, and the role set-ups the
 * integration tests need. Cases are set up with the SDK against moto, never through the action.
 */
import {
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand
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

/** The role as IAM shows it through the SDK: the end state a test checks after a run. */
export interface RoleState {
  /** The trust policy document, decoded. */
  trust: unknown
  path: string | undefined
  /** Attached managed policy ARNs, sorted. */
  attached: string[]
  /** Inline policy names, sorted. */
  inline: string[]
}

/** Reads the role with the SDK (GetRole, ListAttachedRolePolicies, ListRolePolicies). */
export async function readRoleState(iam: IAMClient, name: string = ROLE_NAME): Promise<RoleState> {
  const { Role } = await iam.send(new GetRoleCommand({ RoleName: name }))
  const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }))
  const inline = await iam.send(new ListRolePoliciesCommand({ RoleName: name }))
  return {
    trust: JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? 'null')) as unknown,
    path: Role?.Path,
    attached: (attached.AttachedPolicies ?? []).map(policy => policy.PolicyArn ?? '').sort(),
    inline: [...(inline.PolicyNames ?? [])].sort()
  }
}

/** The names of all roles in the account (ListRoles, every page). */
export async function listRoleNames(iam: IAMClient): Promise<string[]> {
  const names: string[] = []
  let marker: string | undefined
  do {
    const page = await iam.send(new ListRolesCommand(marker ? { Marker: marker } : {}))
    names.push(...(page.Roles ?? []).map(role => role.RoleName ?? ''))
    marker = page.IsTruncated ? page.Marker : undefined
  } while (marker)
  return names.sort()
}

/**
 * Whether a trust policy says exactly what the seed's does (one Allow of sts:AssumeRole to
 * ecs.amazonaws.com, no Condition), up to the formatting IAM treats as equal: Version
 * 2008-10-17 or 2012-10-17, an empty Sid, a one-element array for a string, Statement as an
 * object.
 */
export function isSeedTrust(trust: unknown): boolean {
  if (trust === null || typeof trust !== 'object') return false
  const { Version, Statement } = trust as { Version?: unknown; Statement?: unknown }
  if (Version !== '2012-10-17' && Version !== '2008-10-17') return false
  const statements = Array.isArray(Statement) ? (Statement as unknown[]) : [Statement]
  const single = (value: unknown): unknown =>
    Array.isArray(value) && value.length === 1 ? (value[0] as unknown) : value
  const normalised = statements.map(statement => {
    if (statement === null || typeof statement !== 'object') return statement
    const { Sid, Principal, Action, ...rest } = statement as Record<string, unknown>
    const principal =
      Principal !== null && typeof Principal === 'object' && !Array.isArray(Principal)
        ? Object.fromEntries(
            Object.entries(Principal as Record<string, unknown>).map(([k, v]) => [k, single(v)])
          )
        : Principal
    const action = single(Action)
    return {
      ...(Sid === undefined || Sid === '' ? {} : { Sid }),
      ...rest,
      Principal: principal,
      Action: typeof action === 'string' ? action.toLowerCase() : action
    }
  })
  return (
    JSON.stringify(normalised) ===
    JSON.stringify([
      {
        Effect: 'Allow',
        Principal: { Service: 'ecs.amazonaws.com' },
        Action: 'sts:assumerole'
      }
    ])
  )
}

/**
 * Creates an IAM user with an access key and one inline policy allowing `actions` on `*`
 * (3 IAM calls), for moto started with INITIAL_NO_AUTH_ACTION_COUNT: calling as the user, moto
 * answers AccessDenied for anything else.
 */
export async function userWithPolicy(
  iam: IAMClient,
  name: string,
  actions: string | string[]
): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  await iam.send(new CreateUserCommand({ UserName: name }))
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: name }))
  await iam.send(
    new PutUserPolicyCommand({
      UserName: name,
      PolicyName: `${name}-policy`,
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }]
      })
    })
  )
  const { AccessKeyId, SecretAccessKey } = key.AccessKey ?? {}
  if (!AccessKeyId || !SecretAccessKey) throw new Error('CreateAccessKey returned no key')
  return { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey }
}
